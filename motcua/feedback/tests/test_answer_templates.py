"""Answer templates per content category (issue 11; docs/feedback.md "Answer templates";
RULES.md §5 "Content categories (Art. 5)"): the 8 seeded national templates, placeholders
rendered safely, the picker on the petition page, the staff pages and the API with their
permission matrix (anonymous, another commune, a role without the permission, the permission;
a refusal changes nothing), and the admin's scope."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.test import Client

from motcua.core.apikeys import apikey_create
from motcua.core.choices import AgencyKind, Role
from motcua.core.exceptions import DomainError, NotFound, PermissionDenied
from motcua.core.models import AuditEvent
from motcua.core.tests.factories import current_unit
from motcua.dossiers.tests.factories import staff
from motcua.feedback.answer_services import TemplateInput, answer_template_save
from motcua.feedback.answer_templates import PLACEHOLDERS, PlaceholderError, placeholder_problems, render, summary
from motcua.feedback.choices import Classification, ContentCategory, PetitionAction, ReportClass
from motcua.feedback.models import AnswerTemplate, Petition
from motcua.feedback.selectors import answer_template_render, answer_templates_for
from motcua.feedback.services import ActInput, petition_act
from motcua.feedback.tests.factories import leader, officer, petition

pytestmark = pytest.mark.django_db
A = PetitionAction
TZ = ZoneInfo("Asia/Ho_Chi_Minh")
SECRETS = ("Lê Thị Hoa", "0913456789", "Ấp Cái Đôi")


def _client(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def _processing(category: str = ContentCategory.OBSTACLE, **overrides: object) -> Petition:
    item = petition(at=datetime(2026, 3, 2, 9, tzinfo=TZ), **overrides)
    user = officer()
    data = ActInput(classification=Classification.WITHIN_COMPETENCE, category=category, report_class=ReportClass.CONDUCT)
    petition_act(actor=user, code=item.code, action=A.CLASSIFY, data=data)
    return petition_act(actor=user, code=item.code, action=A.START)


def _template(unit_code: str | None = "32218", **fields: object) -> AnswerTemplate:
    values: dict[str, object] = {
        "category": ContentCategory.OBSTACLE,
        "title": "Mẫu của xã",
        "body": "Phản ánh {ma_phan_anh} nhận ngày {ngay_tiep_nhan} đã được {co_quan} xem xét.",
    }
    values.update(fields)
    unit = current_unit(unit_code) if unit_code else None
    return AnswerTemplate.objects.create(unit=unit, **values)


# --- Seeded defaults and placeholders ---------------------------------------------------------


def test_one_national_template_is_seeded_for_each_of_the_8_categories_of_art_5() -> None:
    """RULES.md §5 "Content categories (Art. 5)": migration 0002 writes one per category."""
    national = AnswerTemplate.objects.unrestricted("test").filter(unit__isnull=True)

    assert sorted(national.values_list("category", flat=True)) == sorted(ContentCategory.values)
    assert all(placeholder_problems(t.body) is None for t in national)
    assert all("{ma_phan_anh}" in t.body and "Ông/Bà" in t.body for t in national)


def test_every_seeded_template_renders_for_a_petition_without_the_petitioner() -> None:
    item = _processing()

    for template in AnswerTemplate.objects.unrestricted("test").filter(unit__isnull=True):
        text = answer_template_render(petition=item, template=template, today=datetime(2026, 3, 20, 9, tzinfo=TZ))
        assert item.code in text and "02/03/2026" in text and "20/03/2026" in text and "{" not in text
        assert item.agency.name in text
        for secret in SECRETS:
            assert secret not in text  # answers are published (Art. 19): no placeholder for the petitioner


def test_known_placeholders_are_replaced_and_double_braces_are_literal() -> None:
    text = render("Mã {ma_phan_anh} {{giữ nguyên}} { xa }", {"ma_phan_anh": "PA-1", "xa": "Xã Phú Tân"})

    assert text == "Mã PA-1 {giữ nguyên} Xã Phú Tân"


@pytest.mark.parametrize(
    ("body", "unknown", "stray"),
    [
        ("Kính gửi {ten_nguoi_gui}", ("ten_nguoi_gui",), False),
        ("{ma_phan_anh.__class__}", ("ma_phan_anh.__class__",), False),
        ("{0} và {}", ("0", ""), False),
        ("Một ngoặc { lẻ", (), True),
        ("Ngoặc } lẻ", (), True),
    ],
)
def test_unknown_placeholders_and_stray_braces_are_named_never_evaluated(
    body: str, unknown: tuple[str, ...], stray: bool
) -> None:
    with pytest.raises(PlaceholderError) as caught:
        render(body, {name: "x" for name in PLACEHOLDERS})

    assert caught.value.unknown == unknown and caught.value.stray_brace is stray


def test_the_summary_is_cut_at_a_word_with_an_ellipsis() -> None:
    assert summary("một  hai\nba") == "một hai ba"
    assert summary("chữ " * 200, 20) == "chữ chữ chữ chữ chữ…"


def test_a_template_with_an_unknown_placeholder_is_a_domain_error_naming_it() -> None:
    item = _processing()
    broken = _template(body="Kính gửi {ten_nguoi_gui}, mã {ma_phan_anh}")  # written around the checks

    with pytest.raises(DomainError) as caught:
        answer_template_render(petition=item, template=broken)

    assert caught.value.code == "answer_template_invalid" and "{ten_nguoi_gui}" in str(caught.value.message)


# --- Which templates are offered ----------------------------------------------------------------


def test_offered_templates_are_the_categorys_active_national_own_commune_and_above() -> None:
    item = _processing(ContentCategory.OBSTACLE)
    own = _template()
    province = _template(None, title="Mẫu của tỉnh")
    province.unit = current_unit("32218").parent
    province.save()
    _template("32212", title="Mẫu của xã khác")
    _template(title="Mẫu đã tắt", active=False)
    _template(title="Mẫu nhóm khác", category=ContentCategory.UNFIT)

    offered = answer_templates_for(petition=item)

    national = AnswerTemplate.objects.unrestricted("test").get(unit__isnull=True, category=ContentCategory.OBSTACLE)
    assert {t.pk for t in offered} == {national.pk, province.pk, own.pk}


# --- The picker on the petition page -------------------------------------------------------------


def test_the_picker_fills_in_the_answer_on_the_petition_page() -> None:
    item = _processing()
    own = _template()
    client = _client(officer())

    page = client.get(f"/phan-anh/so/{item.code}/")
    filled = client.get(f"/phan-anh/so/{item.code}/?mau={own.pk}")

    assert page.status_code == 200 and 'name="mau"' in page.content.decode() and "Mẫu của xã" in page.content.decode()
    body = filled.content.decode()
    assert filled.status_code == 200
    assert f"Phản ánh {item.code} nhận ngày 02/03/2026 đã được {item.agency.name} xem xét." in body
    assert Petition.objects.unrestricted("test").get().answer == ""  # filling in drafts nothing


def test_a_broken_template_shows_the_officer_the_problem_not_a_server_error() -> None:
    item = _processing()
    broken = _template(body="Kính gửi {ten_nguoi_gui}")
    other_commune = _template("32212", title="Mẫu xã khác")
    client = _client(officer())

    shown = client.get(f"/phan-anh/so/{item.code}/?mau={broken.pk}")
    foreign = client.get(f"/phan-anh/so/{item.code}/?mau={other_commune.pk}")
    junk = client.get(f"/phan-anh/so/{item.code}/?mau=abc")

    assert shown.status_code == 400 and "{ten_nguoi_gui}" in shown.content.decode()
    assert 'id="template-error"' in shown.content.decode()
    for response in (foreign, junk):
        assert response.status_code == 400 and "Mẫu xã khác" not in response.content.decode().split("template-error")[1]


def test_the_picker_is_shown_only_where_an_answer_can_be_drafted() -> None:
    received = petition()

    body = _client(officer()).get(f"/phan-anh/so/{received.code}/").content.decode()

    assert 'name="mau"' not in body


# --- The staff pages: permission matrix -----------------------------------------------------------

FORM = {
    "unit_code": "32218",
    "category": "obstacle",
    "title": "Mẫu trả lời chậm trả",
    "body": "Mã {ma_phan_anh}.",
    "active": "on",
}


def test_a_leader_creates_and_edits_the_communes_template_audited() -> None:
    boss = leader()
    client = _client(boss)

    listing = client.get("/phan-anh/mau-tra-loi/")
    created = client.post("/phan-anh/mau-tra-loi/tao/", FORM)
    made = AnswerTemplate.objects.unrestricted("test").get(title=FORM["title"])
    edited = client.post(f"/phan-anh/mau-tra-loi/{made.pk}/", {**FORM, "body": "Mã {ma_phan_anh}, xã {xa}.", "active": ""})

    made.refresh_from_db()
    assert listing.status_code == 200 and "Trả lời phản ánh về chậm trễ" in listing.content.decode()
    assert (created.status_code, edited.status_code) == (302, 302)
    assert made.unit == current_unit("32218") and made.body == "Mã {ma_phan_anh}, xã {xa}." and not made.active
    assert made.updated_by == boss
    assert list(
        AuditEvent.objects.filter(object_type="answer_template", object_id=str(made.pk)).values_list("action", flat=True)
    ) == ["answer_template.create", "answer_template.change"]


def test_an_unknown_placeholder_is_refused_on_the_form_and_nothing_is_saved() -> None:
    client = _client(leader())

    response = client.post("/phan-anh/mau-tra-loi/tao/", {**FORM, "body": "Kính gửi {ten_nguoi_gui}"})

    assert response.status_code == 400 and "{ten_nguoi_gui}" in response.content.decode()
    assert not AnswerTemplate.objects.unrestricted("test").filter(title=FORM["title"]).exists()


def test_anonymous_no_permission_and_another_commune_are_refused_and_nothing_changes() -> None:
    own = _template()
    national = AnswerTemplate.objects.unrestricted("test").filter(unit__isnull=True).first()
    assert national is not None
    counter = _client(officer())  # reception officer: drafts, does not keep templates
    stranger = _client(staff("khac", Role.LEADER, code="32212", kind=AgencyKind.PEOPLES_COMMITTEE))
    boss = _client(leader())
    before = AnswerTemplate.objects.unrestricted("test").count()

    anonymous = [Client().get("/phan-anh/mau-tra-loi/"), Client().post("/phan-anh/mau-tra-loi/tao/", FORM)]
    refused = [
        counter.get("/phan-anh/mau-tra-loi/"),
        counter.post("/phan-anh/mau-tra-loi/tao/", FORM),
        counter.post(f"/phan-anh/mau-tra-loi/{own.pk}/", {**FORM, "title": "Sửa trộm"}),
    ]
    other = [stranger.get(f"/phan-anh/mau-tra-loi/{own.pk}/"), stranger.post(f"/phan-anh/mau-tra-loi/{own.pk}/", FORM)]
    foreign_unit = stranger.post("/phan-anh/mau-tra-loi/tao/", FORM)  # 32218 is not the stranger's commune
    national_edit = boss.post(f"/phan-anh/mau-tra-loi/{national.pk}/", {**FORM, "title": "Sửa mẫu quốc gia"})
    national_create = boss.post("/phan-anh/mau-tra-loi/tao/", {**FORM, "unit_code": ""})

    assert [r.status_code for r in anonymous] == [302, 302]
    assert [r.status_code for r in refused] == [403, 403, 403]
    assert [r.status_code for r in other] == [404, 404]
    assert foreign_unit.status_code == 400  # not one of the choices offered
    assert national_edit.status_code == 404 and national_create.status_code == 400
    own.refresh_from_db()
    national.refresh_from_db()
    assert own.title == "Mẫu của xã" and national.title != "Sửa mẫu quốc gia"
    assert AnswerTemplate.objects.unrestricted("test").count() == before
    assert "Mẫu của xã" not in stranger.get("/phan-anh/mau-tra-loi/").content.decode()


def test_the_service_refuses_a_national_template_to_all_but_a_system_administrator() -> None:
    data = TemplateInput(category="other", title="Mẫu chung mới", body="Mã {ma_phan_anh}.")
    boss = leader()
    admin = staff("quantri", Role.SYSTEM_ADMINISTRATOR)

    with pytest.raises(DomainError):
        answer_template_save(actor=boss, data=data)
    with pytest.raises(PermissionDenied):
        answer_template_save(actor=officer(), data=TemplateInput(category="other", title="x", body="y", unit_code="32218"))
    with pytest.raises(NotFound):
        answer_template_save(actor=boss, data=TemplateInput(category="other", title="x", body="y", unit_code="32212"))
    made = answer_template_save(actor=admin, data=data)

    assert made.unit is None and made.pk


# --- API -------------------------------------------------------------------------------------------


def _auth(user: object) -> dict[str, str]:
    _row, key = apikey_create(user=user)  # type: ignore[arg-type]
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def test_the_api_lists_the_categorys_templates_filled_in_and_names_a_broken_one() -> None:
    item = _processing()
    own = _template()
    broken = _template(title="Mẫu hỏng", body="{ten_nguoi_gui}")

    response = Client().get(f"/api/v1/petitions/{item.code}/answer-templates", **_auth(officer()))  # type: ignore[arg-type]

    rows = {row["id"]: row for row in response.json()}
    assert response.status_code == 200
    assert {row["category"] for row in rows.values()} == {"obstacle"}
    assert rows[own.pk]["unit_code"] == "32218" and item.code in rows[own.pk]["text"]
    assert rows[broken.pk]["text"] is None and "{ten_nguoi_gui}" in rows[broken.pk]["problem"]
    assert any(row["unit_code"] is None for row in rows.values())


def test_the_api_refuses_anonymous_another_commune_and_a_role_that_does_not_draft() -> None:
    item = _processing()
    url = f"/api/v1/petitions/{item.code}/answer-templates"

    anonymous = Client().get(url)
    stranger = Client().get(url, **_auth(staff("khac", Role.LEADER, code="32212", kind=AgencyKind.PEOPLES_COMMITTEE)))  # type: ignore[arg-type]
    no_perm = Client().get(url, **_auth(staff("dl", Role.DATA_OFFICER)))  # type: ignore[arg-type]
    viewer = Client().get(url, **_auth(staff("ks", Role.PROVINCE_REVIEWER)))  # type: ignore[arg-type]

    assert (anonymous.status_code, stranger.status_code, no_perm.status_code, viewer.status_code) == (401, 404, 403, 403)


# --- Admin ------------------------------------------------------------------------------------------


def test_a_unit_administrator_edits_the_units_templates_in_the_admin_and_sees_national_ones_read_only() -> None:
    own = _template()
    _template("32212", title="Mẫu xã khác")
    national = AnswerTemplate.objects.unrestricted("test").filter(unit__isnull=True).first()
    assert national is not None
    client = _client(staff("qtdv", Role.UNIT_ADMINISTRATOR))

    listing = client.get("/admin/feedback/answertemplate/")
    change = client.post(
        f"/admin/feedback/answertemplate/{own.pk}/change/",
        {"unit": own.unit_id, "category": "obstacle", "title": "Mẫu đã sửa", "body": "Mã {ma_phan_anh}.", "active": "on"},
    )
    bad = client.post(
        f"/admin/feedback/answertemplate/{own.pk}/change/",
        {"unit": own.unit_id, "category": "obstacle", "title": "Mẫu đã sửa", "body": "{ten_nguoi_gui}", "active": "on"},
    )
    national_page = client.get(f"/admin/feedback/answertemplate/{national.pk}/change/")
    before = AnswerTemplate.objects.unrestricted("test").count()
    national_form = {"unit": "", "category": "other", "title": "Mẫu chung", "body": "Mã {ma_phan_anh}."}
    no_unit = client.post("/admin/feedback/answertemplate/add/", national_form)

    body = listing.content.decode()
    assert listing.status_code == 200 and "Mẫu của xã" in body and "Mẫu xã khác" not in body
    assert change.status_code == 302
    assert bad.status_code == 200 and "{ten_nguoi_gui}" in bad.content.decode()
    own.refresh_from_db()
    assert own.title == "Mẫu đã sửa" and own.body == "Mã {ma_phan_anh}."
    assert national_page.status_code == 200 and 'name="title"' not in national_page.content.decode()  # read only
    assert no_unit.status_code == 200 and AnswerTemplate.objects.unrestricted("test").count() == before  # a unit is required
