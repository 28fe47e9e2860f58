"""Seed the rating questions. They mirror the elements of the old Circular 01/2018 counter
survey (RULES.md §3.2: the Circular 03/2025 version was not found); administrators can edit,
add or deactivate them in the admin."""

from django.db import migrations

CRITERIA = [
    ("tiep-can", "Việc tiếp cận dịch vụ (tìm thông tin, nơi nộp, thời gian chờ) có thuận tiện không?"),
    ("thu-tuc", "Thủ tục, giấy tờ được hướng dẫn một lần, đầy đủ và dễ hiểu không?"),
    ("thai-do", "Công chức tiếp nhận có lịch sự, tận tình, đúng mực không?"),
    ("thoi-gian", "Kết quả có được trả đúng hẹn không?"),
    ("ket-qua", "Kết quả nhận được có chính xác, đúng quy định không?"),
]


def seed(apps, schema_editor):
    RatingCriterion = apps.get_model("satisfaction", "RatingCriterion")
    for position, (code, text) in enumerate(CRITERIA, start=1):
        RatingCriterion.objects.update_or_create(code=code, defaults={"text": text, "position": position, "active": True})


def unseed(apps, schema_editor):
    apps.get_model("satisfaction", "RatingCriterion").objects.filter(code__in=[c for c, _ in CRITERIA]).delete()


class Migration(migrations.Migration):
    dependencies = [("satisfaction", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
