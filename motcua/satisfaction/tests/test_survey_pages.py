"""Survey pages (RULES.md §3.1): the permission matrix of every staff page (anonymous, other
unit, role without the permission, permission; a denial changes nothing), the respondent's
one-use page, the paper key-in and the XLSX exports."""

from __future__ import annotations

from io import BytesIO
from typing import Any

import pytest
from django.test import Client
from openpyxl import load_workbook
from pytest_django import DjangoAssertNumQueries

from motcua.core.choices import Role
from motcua.core.models import AuditEvent
from motcua.dossiers.choices import Channel
from motcua.dossiers.tests.factories import staff
from motcua.satisfaction.choices import ResponseChannel, SurveyStatus
from motcua.satisfaction.models import SurveyCampaign, SurveyEvent, SurveyMember, SurveyResponse
from motcua.satisfaction.survey_services import survey_answer_submit, survey_url
from motcua.satisfaction.tests.survey_factories import OTHER_UNIT, campaign, manager_of, officer_of, population
from motcua.satisfaction.tests.test_survey_services import FULL

pytestmark = pytest.mark.django_db


@pytest.fixture
def opened() -> SurveyCampaign:
    """An open campaign of 32218 with 3 members, member 1 answered through the link."""
    officer, leader = officer_of(), manager_of()
    population(officer, {("1.001193", Channel.IN_PERSON): 2, ("1.001193", Channel.ONLINE): 1})
    made = campaign(leader, size=3, invite=True)
    member = made.members.get(number=1)
    survey_answer_submit(token=survey_url(member).rstrip("/").rsplit("/", 1)[1], answers=FULL)
    return made


def _state() -> tuple[Any, ...]:
    return (
        list(SurveyCampaign.objects.unrestricted("test").order_by("pk").values_list("pk", "status")),
        SurveyMember.objects.unrestricted("test").count(),
        SurveyResponse.objects.unrestricted("test").count(),
        SurveyEvent.objects.count(),
        AuditEvent.objects.filter(action__startswith="survey.").count(),
    )


def _paper(number: int = 2) -> dict[str, str]:
    return {"member": str(number), **{f"q_{code}": str(value) for code, value in FULL.items()}}


def _requests(c: SurveyCampaign) -> list[tuple[str, str, dict[str, str] | None]]:
    """(method, url, POST data) of every staff page of a campaign."""
    base = f"/danh-gia/khao-sat/dot/{c.pk}/"
    return [
        ("get", base, None),
        ("get", base + "nhap-phieu/", None),
        ("post", base + "nhap-phieu/", _paper()),
        ("get", base + "ket-qua.xlsx", None),
        ("get", base + "phieu.xlsx", None),
        ("post", base + "rut-mau/", {}),
        ("post", base + "gui-loi-moi/", {}),
        ("post", base + "dong/", {}),
    ]


def _call(client: Client, method: str, url: str, data: dict[str, str] | None) -> int:
    response = client.post(url, data or {}) if method == "post" else client.get(url)
    return response.status_code


def test_anonymous_is_sent_to_login_everywhere_and_nothing_changes(client: Client, opened: SurveyCampaign) -> None:
    before = _state()
    pages = [*_requests(opened), ("get", "/danh-gia/khao-sat/dot/", None), ("post", "/danh-gia/khao-sat/dot/tao/", {})]

    for method, url, data in pages:
        response = client.post(url, data or {}) if method == "post" else client.get(url)
        assert (url, response.status_code) == (url, 302)
        assert response["Location"].startswith("/dang-nhap/")
    assert _state() == before


def test_another_units_leader_gets_404_everywhere_and_nothing_changes(client: Client, opened: SurveyCampaign) -> None:
    """§3.1: a campaign belongs to its unit; outside it, it does not exist."""
    client.force_login(manager_of(OTHER_UNIT, "other-leader"))
    before = _state()

    statuses = [(url, _call(client, method, url, data)) for method, url, data in _requests(opened)]

    assert statuses == [(url, 404) for _, url, _ in _requests(opened)]
    assert _state() == before


def test_the_list_and_detail_pages_keep_a_query_budget(
    client: Client, opened: SurveyCampaign, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    leader = manager_of()
    campaign(leader, size=2, draw=True)
    client.force_login(leader)

    with django_assert_max_num_queries(9):
        listed = client.get("/danh-gia/khao-sat/dot/")
    with django_assert_max_num_queries(16):
        shown = client.get(f"/danh-gia/khao-sat/dot/{opened.pk}/")

    assert (listed.status_code, shown.status_code) == (200, 200)
    assert listed.content.decode().count("data-campaign=") == 2


def test_another_units_list_does_not_show_the_campaign(client: Client, opened: SurveyCampaign) -> None:
    client.force_login(manager_of(OTHER_UNIT, "other-leader"))

    response = client.get("/danh-gia/khao-sat/dot/")

    assert response.status_code == 200
    assert f'data-campaign="{opened.pk}"' not in response.content.decode()


def test_a_role_without_survey_permissions_gets_403_everywhere_and_nothing_changes(
    client: Client, opened: SurveyCampaign
) -> None:
    """A data officer (catalogue editing) has no survey permission."""
    client.force_login(staff("data", Role.DATA_OFFICER))
    before = _state()
    pages = [*_requests(opened), ("get", "/danh-gia/khao-sat/dot/", None), ("get", "/danh-gia/khao-sat/dot/tao/", None)]

    statuses = [(url, _call(client, method, url, data)) for method, url, data in pages]

    assert statuses == [(url, 403) for _, url, _ in pages]
    assert _state() == before


def test_the_counter_officer_may_key_in_but_not_manage(client: Client, opened: SurveyCampaign) -> None:
    """The reception officer reads campaigns and keys in paper forms; creating, drawing,
    inviting and closing are the leader's or the unit administrator's (403, nothing changes)."""
    client.force_login(officer_of())
    base = f"/danh-gia/khao-sat/dot/{opened.pk}/"
    before = _state()

    refused = [_call(client, "post", base + a + "/", {}) for a in ("rut-mau", "gui-loi-moi", "dong")]
    refused.append(_call(client, "post", "/danh-gia/khao-sat/dot/tao/", {"title": "X"}))

    assert refused == [403, 403, 403, 403]
    assert _state() == before
    assert client.get(base).status_code == 200


def test_the_leader_creates_a_campaign_and_is_sent_to_it(client: Client) -> None:
    client.force_login(manager_of())
    form = {
        "title": "Khảo sát quý IV",
        "period_start": "2026-10-01",
        "period_end": "2026-10-31",
        "sample_size": "50",
        "seed": "17",
    }

    response = client.post("/danh-gia/khao-sat/dot/tao/", form)

    made = SurveyCampaign.objects.unrestricted("test").get()
    assert response.status_code == 302
    assert response["Location"] == f"/danh-gia/khao-sat/dot/{made.pk}/"
    assert (made.unit.code, made.seed, made.sample_size, made.status) == ("32218", 17, 50, SurveyStatus.DRAFT)


def test_a_campaign_with_a_bad_period_is_refused_in_vietnamese(client: Client) -> None:
    client.force_login(manager_of())
    form = {"title": "X", "period_start": "2026-10-31", "period_end": "2026-10-01", "sample_size": "5"}

    response = client.post("/danh-gia/khao-sat/dot/tao/", form)

    assert response.status_code == 400
    assert "Một số giá trị không hợp lệ." in response.content.decode()
    assert SurveyCampaign.objects.unrestricted("test").count() == 0


def test_the_leader_draws_invites_and_closes_from_the_detail_page(client: Client) -> None:
    officer, leader = officer_of(), manager_of()
    population(officer, {("1.001193", Channel.IN_PERSON): 3})
    made = campaign(leader, size=2)
    client.force_login(leader)
    base = f"/danh-gia/khao-sat/dot/{made.pk}/"

    statuses: list[int | str] = []
    for action in ("rut-mau", "gui-loi-moi", "dong"):
        statuses.append(client.post(base + action + "/").status_code)
        made.refresh_from_db()
        statuses.append(made.status)

    assert statuses == [302, "sampled", 302, "open", 302, "closed"]


def test_an_action_the_table_refuses_shows_why(client: Client, opened: SurveyCampaign) -> None:
    client.force_login(manager_of())

    response = client.post(f"/danh-gia/khao-sat/dot/{opened.pk}/rut-mau/")

    assert response.status_code == 409
    assert "Không thể thực hiện khi đợt khảo sát đang ở trạng thái “Đang nhận trả lời”." in response.content.decode()


def test_the_detail_page_shows_progress_and_results(client: Client, opened: SurveyCampaign) -> None:
    client.force_login(manager_of())

    body = client.get(f"/danh-gia/khao-sat/dot/{opened.pk}/").content.decode()

    assert (
        "3 người được chọn, 3 người đã được mời qua SMS hoặc thư điện tử, 1 phiếu trả lời (1 qua đường dẫn, 0 phiếu giấy)."
        in body
    )
    assert "Tỷ lệ trả lời: 33,3 %." in body
    assert 'data-element="overall"' in body
    assert "Trung bình (KTC 95%)" in body and "khoảng tin cậy Wilson 95%." in body


def test_the_counter_officer_keys_in_a_paper_form(client: Client, opened: SurveyCampaign) -> None:
    officer = officer_of()
    client.force_login(officer)

    response = client.post(f"/danh-gia/khao-sat/dot/{opened.pk}/nhap-phieu/", _paper(2))

    assert response.status_code == 200
    assert "Đã ghi nhận phiếu số 2." in response.content.decode()
    saved = SurveyResponse.objects.unrestricted("test").get(member__number=2)
    assert (saved.channel, saved.recorded_by) == (ResponseChannel.PAPER, officer)


def test_a_paper_form_for_an_answered_member_is_refused(client: Client, opened: SurveyCampaign) -> None:
    client.force_login(officer_of())
    before = _state()

    response = client.post(f"/danh-gia/khao-sat/dot/{opened.pk}/nhap-phieu/", _paper(1))

    assert response.status_code == 409
    assert _state() == before


def test_the_results_export_has_the_elements_and_questions(client: Client, opened: SurveyCampaign) -> None:
    client.force_login(manager_of())

    response = client.get(f"/danh-gia/khao-sat/dot/{opened.pk}/ket-qua.xlsx")

    book = load_workbook(BytesIO(response.content))
    assert book.sheetnames == ["Đợt khảo sát", "Yếu tố", "Câu hỏi"]
    questions = list(book["Câu hỏi"].iter_rows(min_row=2, values_only=True))
    assert [row[1] for row in questions][:2] == ["tiep-can-thong-tin", "tiep-can-noi-cho"]
    assert questions[0][5:7] == (1, 4.0)


def test_the_answers_export_has_no_personal_data_and_is_audited(client: Client, opened: SurveyCampaign) -> None:
    client.force_login(manager_of())

    response = client.get(f"/danh-gia/khao-sat/dot/{opened.pk}/phieu.xlsx")

    book = load_workbook(BytesIO(response.content))
    rows = list(book["Trả lời" if "Trả lời" in book.sheetnames else book.sheetnames[1]].iter_rows(values_only=True))
    text = repr(rows)
    assert len(rows) == 2
    assert "Nguyễn Văn An" not in text and "0912345678" not in text and "0960850" not in text
    assert AuditEvent.objects.filter(action="survey.export_answers", object_id=str(opened.pk)).count() == 1


# --- The respondent's page -------------------------------------------------------------------------


def test_the_link_shows_the_questionnaire_in_vietnamese_without_login(client: Client, opened: SurveyCampaign) -> None:
    url = survey_url(opened.members.get(number=2))

    body = client.get(url).content.decode()

    assert "Khảo sát sự hài lòng" in body
    assert "Tiếp cận dịch vụ" in body
    assert 'name="q_tong-the"' in body


def test_answering_through_the_link_records_it_and_thanks(client: Client, opened: SurveyCampaign) -> None:
    url = survey_url(opened.members.get(number=2))

    response = client.post(url, {f"q_{code}": str(value) for code, value in FULL.items()})

    assert response.status_code == 200
    assert "Câu trả lời của ông/bà đã được ghi nhận." in response.content.decode()
    assert SurveyResponse.objects.unrestricted("test").filter(member__number=2, channel=ResponseChannel.WEB).count() == 1


def test_opening_an_answered_link_says_so_clearly(client: Client, opened: SurveyCampaign) -> None:
    """§3.1: one-use link; a second visit or a second answer is refused with a clear message."""
    url = survey_url(opened.members.get(number=1))
    before = _state()

    shown = client.get(url)
    posted = client.post(url, {f"q_{code}": str(value) for code, value in FULL.items()})

    for response in (shown, posted):
        assert response.status_code == 200
        assert "Ông/bà đã trả lời phiếu khảo sát này" in response.content.decode()
    assert _state() == before


def test_a_missing_answer_is_shown_next_to_its_question(client: Client, opened: SurveyCampaign) -> None:
    url = survey_url(opened.members.get(number=2))
    answers = {f"q_{code}": str(value) for code, value in FULL.items() if code != "tong-the"}

    response = client.post(url, answers)

    assert response.status_code == 400
    assert "Xin trả lời câu hỏi này." in response.content.decode()
    assert SurveyResponse.objects.unrestricted("test").count() == 1


def test_a_forged_link_is_404(client: Client) -> None:
    response = client.get("/danh-gia/khao-sat/khong-hop-le/")

    assert response.status_code == 404
    assert "Đường dẫn khảo sát không hợp lệ." in response.content.decode()


# --- Questionnaire editing (Django admin) -----------------------------------------------------------


def test_a_unit_administrator_edits_the_questionnaire_in_the_admin(client: Client) -> None:
    """§3.1: questionnaires are configurable; the SIPAS template is the starting point."""
    from motcua.satisfaction.survey_services import survey_template_ensure

    client.force_login(staff("unitadmin", Role.UNIT_ADMINISTRATOR))
    template = survey_template_ensure()

    listed = client.get("/admin/satisfaction/questionnaire/")
    opened = client.get(f"/admin/satisfaction/questionnaire/{template.pk}/change/")

    assert (listed.status_code, opened.status_code) == (200, 200)
    assert "tong-the" in opened.content.decode()


def test_a_reception_officer_cannot_edit_questionnaires(client: Client) -> None:
    client.force_login(officer_of())

    response = client.get("/admin/satisfaction/questionnaire/")

    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_the_workspace_links_the_surveys_for_whoever_may_read_them(client: Client) -> None:
    client.force_login(manager_of())
    shown = client.get("/lam-viec/").content.decode()
    client.force_login(staff("data", Role.DATA_OFFICER))
    hidden = client.get("/lam-viec/").content.decode()

    assert ('href="/danh-gia/khao-sat/dot/"' in shown, 'href="/danh-gia/khao-sat/dot/"' in hidden) == (True, False)
