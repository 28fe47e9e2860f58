"""Answer templates per content category (Decree 20/2008 Art. 5), with one national template for
each of the 8 categories (docs/feedback.md "Answer templates"). Self-contained: the texts are
written here, not imported, so later edits of the app do not change what this migration did."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


OPENING = (
    "Ngày {ngay_tiep_nhan}, {co_quan} nhận được phản ánh, kiến nghị mã số {ma_phan_anh} về việc: {tieu_de}.\n\n"
    "Nội dung tóm tắt: {noi_dung_tom_tat}\n\n"
)
CLOSING = (
    "\n\n{co_quan} cảm ơn Ông/Bà đã quan tâm, phản ánh, kiến nghị về quy định hành chính. "
    "Nếu chưa đồng ý với nội dung trả lời, Ông/Bà có thể phản hồi qua trang tra cứu phản ánh, kiến nghị "
    "hoặc liên hệ trực tiếp bộ phận một cửa.\n\n"
    "{xa}, ngày {ngay_tra_loi}."
)
DEFAULTS = [
    (
        "obstacle",
        "Trả lời phản ánh về chậm trễ, gây phiền hà trong giải quyết thủ tục",
        "Sau khi kiểm tra, xác minh, {co_quan} trả lời như sau:\n"
        "1. Kết quả kiểm tra: [hồ sơ, thời hạn giải quyết theo quy định và thời điểm thực tế trả kết quả].\n"
        "2. Nguyên nhân: [nêu rõ nguyên nhân chậm trễ, sai sót và bộ phận, cán bộ có liên quan].\n"
        "3. Khắc phục: [đã trả kết quả ngày …; đã gửi văn bản xin lỗi; đã nhắc nhở, chấn chỉnh cán bộ, "
        "công chức có liên quan].\n\n"
        "{co_quan} xin lỗi Ông/Bà vì sự chậm trễ, phiền hà đã gây ra và cam kết chấn chỉnh, không để tái diễn.",
    ),
    (
        "unfit",
        "Trả lời kiến nghị về quy định không phù hợp với thực tế",
        "Qua nghiên cứu, {co_quan} trả lời như sau:\n"
        "1. Quy định Ông/Bà phản ánh hiện được áp dụng theo [tên, số, ngày ban hành văn bản].\n"
        "2. Kết quả rà soát theo các tiêu chí sự cần thiết, tính hợp lý, hợp pháp, đơn giản, khả thi: [nêu kết quả].\n"
        "3. Hướng xử lý: [sửa đổi trong thẩm quyền … / đã kiến nghị cơ quan có thẩm quyền sửa đổi tại văn bản số …].\n\n"
        "Trong thời gian quy định chưa được sửa đổi, đề nghị Ông/Bà tiếp tục thực hiện theo quy định hiện hành; "
        "bộ phận một cửa sẵn sàng hướng dẫn để việc thực hiện thuận lợi nhất.",
    ),
    (
        "inconsistent",
        "Trả lời phản ánh về sự không thống nhất giữa các quy định",
        "Qua rà soát, đối chiếu các văn bản Ông/Bà nêu, {co_quan} trả lời như sau:\n"
        "1. Các quy định có liên quan: [văn bản thứ nhất …; văn bản thứ hai …].\n"
        "2. Đánh giá: [các quy định có / không mâu thuẫn, chồng chéo; nêu quy định được ưu tiên áp dụng "
        "theo nguyên tắc áp dụng văn bản quy phạm pháp luật].\n"
        "3. Hướng xử lý: [đã kiến nghị cơ quan ban hành sửa đổi để bảo đảm thống nhất tại văn bản số …].",
    ),
    (
        "unlawful",
        "Trả lời phản ánh về quy định trái pháp luật",
        "Qua kiểm tra, {co_quan} trả lời như sau:\n"
        "1. Quy định Ông/Bà phản ánh: [tên, số, ngày ban hành, cơ quan ban hành, điều khoản].\n"
        "2. Kết quả kiểm tra tính hợp pháp: [nêu căn cứ pháp lý và kết luận].\n"
        "3. Hướng xử lý: [trong thẩm quyền: đã bãi bỏ, sửa đổi …; ngoài thẩm quyền: đã kiến nghị cơ quan "
        "có thẩm quyền kiểm tra, xử lý văn bản theo quy định tại văn bản số …].",
    ),
    (
        "treaty",
        "Trả lời phản ánh về quy định mâu thuẫn với điều ước quốc tế",
        "Qua nghiên cứu, {co_quan} trả lời như sau:\n"
        "1. Quy định trong nước và điều ước quốc tế có liên quan: [nêu cụ thể].\n"
        "2. Đánh giá: [có / không mâu thuẫn; trường hợp có mâu thuẫn, áp dụng điều ước quốc tế mà Việt Nam "
        "là thành viên theo quy định của pháp luật].\n"
        "3. Hướng xử lý: [đã chuyển, kiến nghị cơ quan có thẩm quyền xem xét tại văn bản số …].",
    ),
    (
        "other",
        "Trả lời phản ánh, kiến nghị về quy định hành chính",
        "Về nội dung Ông/Bà phản ánh, kiến nghị, {co_quan} trả lời như sau:\n"
        "[Nêu căn cứ pháp lý, kết quả xem xét và hướng giải quyết cụ thể.]\n\n"
        "Trường hợp cần hướng dẫn thêm, đề nghị Ông/Bà liên hệ bộ phận một cửa trong giờ hành chính.",
    ),
    (
        "solution",
        "Trả lời kiến nghị về phương án xử lý",
        "{co_quan} ghi nhận phương án xử lý Ông/Bà đề xuất và trả lời như sau:\n"
        "1. Đánh giá phương án: [sự cần thiết, tính hợp pháp, tính khả thi, chi phí thực hiện].\n"
        "2. Kết quả: [tiếp thu và áp dụng từ ngày … / tiếp thu một phần … / chưa tiếp thu vì …].\n"
        "3. Việc tiếp theo: [cơ quan, thời hạn thực hiện hoặc kiến nghị cấp có thẩm quyền].",
    ),
    (
        "initiative",
        "Trả lời sáng kiến ban hành mới quy định hành chính",
        "{co_quan} ghi nhận và đánh giá cao sáng kiến của Ông/Bà, xin trả lời như sau:\n"
        "1. Đánh giá sáng kiến: [sự cần thiết, tính hợp lý, đơn giản, khả thi, phù hợp với hệ thống pháp luật].\n"
        "2. Kết quả: [đã đề xuất cơ quan có thẩm quyền nghiên cứu ban hành tại văn bản số … / "
        "sẽ nghiên cứu khi xây dựng, sửa đổi văn bản …].\n\n"
        "Sáng kiến của Ông/Bà sẽ được tổng hợp, báo cáo theo quy định về tiếp nhận, xử lý phản ánh, kiến nghị.",
    ),
]


def seed_templates(apps, schema_editor):
    AnswerTemplate = apps.get_model("feedback", "AnswerTemplate")
    for category, title, middle in DEFAULTS:
        AnswerTemplate.objects.get_or_create(
            unit=None, category=category, title=title, defaults={"body": OPENING + middle + CLOSING, "active": True}
        )


def unseed_templates(apps, schema_editor):
    AnswerTemplate = apps.get_model("feedback", "AnswerTemplate")
    AnswerTemplate.objects.filter(unit=None, title__in=[title for _category, title, _body in DEFAULTS]).delete()


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0006_merge_data_protection_role'),
        ('feedback', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='AnswerTemplate',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('category', models.CharField(choices=[('obstacle', 'Obstacles from delay, harassment or improper application by agencies or officials'), ('unfit', 'The regulation does not fit reality'), ('inconsistent', 'Regulations are inconsistent with each other'), ('unlawful', 'The regulation is unlawful'), ('treaty', 'The regulation conflicts with treaties'), ('other', 'Other issues'), ('solution', 'A proposed solution'), ('initiative', 'An initiative for a new regulation')], max_length=14, verbose_name='content category')),
                ('title', models.CharField(max_length=200, verbose_name='title')),
                ('body', models.TextField(help_text='Placeholders in braces: {ma_phan_anh}, {ngay_tiep_nhan}, {tieu_de}, {noi_dung_tom_tat}, {co_quan}, {xa}, {thu_tuc}, {ngay_tra_loi}. Write {{ or }} for a brace.', verbose_name='text')),
                ('active', models.BooleanField(default=True, verbose_name='active')),
                ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated')),
                ('unit', models.ForeignKey(blank=True, help_text='Empty: a national template, offered to every commune.', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='core.administrativeunit', verbose_name='unit')),
                ('updated_by', models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'answer template',
                'verbose_name_plural': 'answer templates',
                'ordering': ['category', 'title', 'id'],
                'permissions': [('manage_answertemplate', 'Can manage the answer templates of the unit')],
                'constraints': [models.CheckConstraint(condition=models.Q(('category__in', ['obstacle', 'unfit', 'inconsistent', 'unlawful', 'treaty', 'other', 'solution', 'initiative'])), name='feedback_template_category_valid'), models.UniqueConstraint(fields=('unit', 'category', 'title'), name='feedback_template_title_uniq'), models.UniqueConstraint(condition=models.Q(('unit__isnull', True)), fields=('category', 'title'), name='feedback_template_national_title_uniq')],
            },
        ),
        migrations.RunPython(seed_templates, unseed_templates),
    ]
