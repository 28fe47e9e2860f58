"""Staff pages and public pages of dossiers: the permission matrix and the main flows."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.test import Client
from pytest_django import DjangoAssertNumQueries

from motcua.catalog.models import Procedure
from motcua.core.choices import AgencyKind, Role
from motcua.core.notifications import MemoryBackend
from motcua.dossiers.choices import DossierAction, DossierStatus
from motcua.dossiers.models import Dossier
from motcua.dossiers.ratings import rating_token
from motcua.dossiers.services import ActionInput, dossier_act, dossier_receive
from motcua.dossiers.tests.factories import PERSONAL_ID, commune_agencies, intake, procedure, staff
from motcua.satisfaction.models import Rating

pytestmark = pytest.mark.django_db

# Measured on SQLite; a new query on these pages must be a decision, not an accident.
# Session, user, permissions (2), roles, unit, the queue scope's ids; one capped
# count per tab (5, with the filter; the current tab's is the page's count); the rows; the filter
# form's procedures and officers.
QUEUE_PAGE_QUERIES = 15
DOSSIER_PAGE_QUERIES = 15  # + the receiving officers of the transfer form (issue 10 item 5)


@pytest.fixture
def officer() -> User:
    procedure()
    commune_agencies()
    return staff("officer", Role.RECEPTION_OFFICER)


@pytest.fixture
def dossier(officer: User) -> Dossier:
    return dossier_receive(actor=officer, intake=intake()).dossier


def _pages(code: str) -> list[str]:
    return ["/ho-so/", "/ho-so/tiep-nhan/", f"/ho-so/{code}/", "/ho-so/tiep-nhan/thu-tuc/?q=khai+sinh"]


def test_anonymous_is_sent_to_login(client: Client, dossier: Dossier) -> None:
    for url in _pages(dossier.code):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/dang-nhap/")


def test_anonymous_action_changes_nothing(client: Client, dossier: Dossier) -> None:
    response = client.post(f"/ho-so/{dossier.code}/hanh-dong/stop/", {"reason": "x", "confirm": "1"})

    assert response.status_code == 302
    assert Dossier.objects.get(pk=dossier.pk).status == DossierStatus.RECEIVED


def test_role_without_dossier_permission_is_refused(client: Client, dossier: Dossier) -> None:
    client.force_login(staff("data", Role.DATA_OFFICER))

    assert client.get("/ho-so/").status_code == 403
    assert client.get(f"/ho-so/{dossier.code}/").status_code == 403
    assert client.post(f"/ho-so/{dossier.code}/hanh-dong/stop/", {"reason": "x", "confirm": "1"}).status_code == 403
    assert Dossier.objects.get(pk=dossier.pk).status == DossierStatus.RECEIVED


def test_specialist_cannot_open_the_intake(client: Client, dossier: Dossier) -> None:
    client.force_login(staff("spec", Role.SPECIALIST, kind=AgencyKind.PEOPLES_COMMITTEE))

    assert client.get("/ho-so/tiep-nhan/").status_code == 403


def test_other_unit_gets_404_and_changes_nothing(client: Client, dossier: Dossier) -> None:
    client.force_login(staff("other", Role.RECEPTION_OFFICER, code="32214"))

    assert client.get(f"/ho-so/{dossier.code}/").status_code == 404
    assert client.post(f"/ho-so/{dossier.code}/hanh-dong/stop/", {"reason": "x", "confirm": "1"}).status_code == 404
    assert dossier.code not in client.get("/ho-so/?view=all").content.decode()
    assert Dossier.objects.get(pk=dossier.pk).status == DossierStatus.RECEIVED


def test_officer_sees_queue_and_dossier_page_with_only_allowed_actions(client: Client, officer: User, dossier: Dossier) -> None:
    client.force_login(officer)

    queue = client.get("/ho-so/").content.decode()
    page = client.get(f"/ho-so/{dossier.code}/").content.decode()

    assert dossier.code in queue
    assert "Tiếp nhận hồ sơ" in queue or "Tiếp nhận" in queue
    assert f"/ho-so/{dossier.code}/hanh-dong/transfer/" in page
    assert f"/ho-so/{dossier.code}/hanh-dong/approve/" not in page
    assert "27/02/2026" in page or "17:00" in page
    assert "Hình thức nhận kết quả" in page and "Trực tiếp tại Bộ phận Một cửa" in page


def test_intake_form_receives_a_dossier(client: Client, officer: User) -> None:
    client.force_login(officer)

    response = client.post(
        "/ho-so/tiep-nhan/",
        {
            "procedure_code": "1.001193",
            "applicant_kind": "person",
            "applicant_name": "Trần Thị Bình",
            "applicant_id_number": "096302731506",
            "applicant_phone": "0987654321",
            "channel": "in_person",
            "sets_count": "1",
            "fee_amount": "0",
            "idempotency_key": "form-1",
        },
    )

    dossier = Dossier.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/ho-so/{dossier.code}/"
    assert dossier.applicant_name == "Trần Thị Bình"


def test_intake_form_shows_field_errors_in_vietnamese_and_keeps_input(client: Client, officer: User) -> None:
    client.force_login(officer)

    response = client.post(
        "/ho-so/tiep-nhan/",
        {
            "procedure_code": "1.001193",
            "applicant_kind": "person",
            "applicant_name": "Trần Thị Bình",
            "applicant_id_number": "12345",
            "channel": "in_person",
            "sets_count": "1",
            "fee_amount": "0",
            "idempotency_key": "form-2",
        },
    )

    html = response.content.decode()
    assert response.status_code == 400
    assert "12 chữ số" in html
    assert 'value="Trần Thị Bình"' in html
    assert not Dossier.objects.exists()


def test_procedure_picker_finds_without_accents(client: Client, officer: User) -> None:
    client.force_login(officer)

    html = client.get("/ho-so/tiep-nhan/thu-tuc/?q=dang+ky+khai+sinh").content.decode()

    assert "1.001193" in html


def test_action_form_moves_the_dossier(client: Client, officer: User, dossier: Dossier) -> None:
    client.force_login(officer)

    response = client.post(
        f"/ho-so/{dossier.code}/hanh-dong/request_supplement/", {"items": "Giấy chứng sinh\nCCCD của mẹ", "reason": "Thiếu"}
    )

    assert response.status_code == 302
    refreshed = Dossier.objects.get(pk=dossier.pk)
    assert refreshed.status == DossierStatus.SUPPLEMENT_REQUESTED
    assert refreshed.supplement_count == 1


def test_action_error_is_shown_not_500(client: Client, officer: User, dossier: Dossier) -> None:
    client.force_login(officer)

    response = client.post(f"/ho-so/{dossier.code}/hanh-dong/stop/", {"reason": "", "confirm": "1"}, follow=True)

    assert response.status_code == 200
    assert "reason_required" in response.content.decode()
    assert Dossier.objects.get(pk=dossier.pk).status == DossierStatus.RECEIVED


def test_public_lookup_page(client: Client, dossier: Dossier) -> None:
    from django.core.cache import cache

    cache.clear()
    ok = client.get(f"/tra-cuu/?code={dossier.code}&check={PERSONAL_ID[-4:]}").content.decode()
    wrong = client.get(f"/tra-cuu/?code={dossier.code}&check=0000")

    assert "Đã tiếp nhận" in ok or "Tiếp nhận" in ok
    assert "Nguyễn Văn An" not in ok  # no personal data on the public page
    assert wrong.status_code == 404


def _returned(officer: User, dossier: Dossier) -> Dossier:
    leader = staff("leader", Role.LEADER, kind=AgencyKind.PEOPLES_COMMITTEE)
    dossier_act(actor=officer, code=dossier.code, action=DossierAction.TRANSFER)
    dossier_act(actor=leader, code=dossier.code, action=DossierAction.PROPOSE)
    dossier_act(actor=leader, code=dossier.code, action=DossierAction.APPROVE, data=ActionInput(result_summary="Đã cấp"))
    dossier_act(actor=officer, code=dossier.code, action=DossierAction.MARK_READY)
    return dossier_act(actor=officer, code=dossier.code, action=DossierAction.RETURN_RESULT)


def test_rating_once_and_anonymous(client: Client, officer: User, dossier: Dossier) -> None:
    """RULES.md §3.2: the rating is now linked to its dossier (indicator 5.4 needs each dossier's
    "dislike"); the applicant stays anonymous and the officer's page never shows it
    (motcua/satisfaction/tests/test_pages.py)."""
    returned = _returned(officer, dossier)
    url = f"/danh-gia/{rating_token(returned)}/"

    first = client.post(url, {"overall": "5", "q_thai-do": "4"})
    second = client.post(url, {"overall": "1"})

    assert first.status_code == 200 and second.status_code == 200
    rating = Rating.objects.get()
    assert (rating.overall, rating.answers, rating.unit_code) == (5, {"thai-do": 4}, "32218")
    assert rating.dossier_id == dossier.pk
    assert Dossier.objects.get(pk=dossier.pk).rated


def test_rating_before_return_is_refused(client: Client, dossier: Dossier) -> None:
    response = client.post(f"/danh-gia/{rating_token(dossier)}/", {"overall": "5"})

    assert response.status_code == 409
    assert not Rating.objects.exists()


def test_forged_rating_link_is_404(client: Client) -> None:
    assert client.get("/danh-gia/forged-token/").status_code == 404


@pytest.mark.django_db(transaction=True)
def test_return_sends_the_rating_invitation(units: None) -> None:
    MemoryBackend.outbox.clear()
    procedure()
    commune_agencies()
    officer = staff("officer", Role.RECEPTION_OFFICER)
    dossier = dossier_receive(actor=officer, intake=intake()).dossier

    _returned(officer, dossier)

    assert "rating.invite" in [m.kind for m in MemoryBackend.outbox]


def test_tracking_book_xlsx_and_permissions(client: Client, officer: User, dossier: Dossier) -> None:
    import io

    import openpyxl

    client.force_login(staff("spec", Role.SPECIALIST, kind=AgencyKind.PEOPLES_COMMITTEE))
    assert client.get("/ho-so/so-theo-doi/").status_code == 403
    client.force_login(officer)

    page = client.get("/ho-so/so-theo-doi/")
    sheet = client.get("/ho-so/so-theo-doi/?dinh-dang=xlsx")
    bad = client.get("/ho-so/so-theo-doi/?tu=31/02/2026")

    assert page.status_code == 200 and dossier.code in page.content.decode()
    workbook = openpyxl.load_workbook(io.BytesIO(sheet.content), read_only=True)
    values = [cell for row in workbook.active.iter_rows(values_only=True) for cell in row]
    assert dossier.code in values
    assert bad.status_code == 400


def test_procedure_picker_reads_the_search_box_by_its_own_name(client: Client, officer: User) -> None:
    """The search box sends itself (no script builds the query: CSP forbids eval)."""
    client.force_login(officer)

    html = client.get("/ho-so/tiep-nhan/thu-tuc/?procedure_q=dang+ky+khai+sinh").content.decode()

    assert "1.001193" in html


def test_receiving_an_online_submission_on_its_page_leads_to_its_new_code(client: Client, officer: User) -> None:
    """RULES.md §1.7: the code is given at receipt; the page follows the dossier to it."""
    portal = staff("portal", Role.RECEPTION_OFFICER, full_name="Cổng Dịch vụ công")
    submitted = dossier_receive(actor=portal, intake=intake(channel="online"), online=True).dossier
    client.force_login(officer)

    before = client.get(f"/ho-so/{submitted.code}/").content.decode()
    response = client.post(f"/ho-so/{submitted.code}/hanh-dong/receive/")

    received = Dossier.objects.get(pk=submitted.pk)
    assert "Đây là mã số hồ sơ nộp trực tuyến: mã hồ sơ được cấp khi Trung tâm tiếp nhận hồ sơ." in before
    assert received.status == DossierStatus.RECEIVED and received.code != submitted.code
    assert response.status_code == 302 and response["Location"] == f"/ho-so/{received.code}/"
    assert f"Mã số hồ sơ nộp trực tuyến: {submitted.code}" in client.get(response["Location"]).content.decode()


def test_queue_label_follows_the_language_of_the_request(client: Client, officer: User) -> None:
    """The labels are lazy: built at import time, translated per request (issue 9, item 14)."""
    client.force_login(officer)

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "vi"
    vietnamese = client.get("/ho-so/?view=mine")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get("/ho-so/?view=mine")

    assert "Của tôi" in vietnamese.content.decode()
    assert "Assigned to me" not in vietnamese.content.decode()
    assert "Assigned to me" in english.content.decode()
    assert "Của tôi" not in english.content.decode()


def test_step_time_that_is_not_a_number_is_refused_and_changes_nothing(client: Client, officer: User, dossier: Dossier) -> None:
    """A transfer's own time must be a positive number of working days (RULES.md §1.6)."""
    pc = commune_agencies()[AgencyKind.PEOPLES_COMMITTEE]
    client.force_login(officer)
    events_before = dossier.events.count()

    for typed in ("abc", "NaN", "Infinity"):
        response = client.post(
            f"/ho-so/{dossier.code}/hanh-dong/transfer/", {"agency_id": str(pc.pk), "step_days": typed}, follow=True
        )

        assert response.status_code == 200, typed
        assert "step_days_invalid" in response.content.decode(), typed
        assert "Nhập số ngày làm việc." in response.content.decode(), typed
    refreshed = Dossier.objects.get(pk=dossier.pk)
    assert refreshed.status == DossierStatus.RECEIVED
    assert refreshed.events.count() == events_before
    assert not refreshed.steps.exists()


def test_step_time_with_a_decimal_comma_is_accepted(client: Client, officer: User, dossier: Dossier) -> None:
    pc = commune_agencies()[AgencyKind.PEOPLES_COMMITTEE]
    client.force_login(officer)

    client.post(f"/ho-so/{dossier.code}/hanh-dong/transfer/", {"agency_id": str(pc.pk), "step_days": "1,5"})

    refreshed = Dossier.objects.get(pk=dossier.pk)
    assert refreshed.status == DossierStatus.IN_PROGRESS
    assert refreshed.steps.count() == 1


def test_procedure_picker_finds_a_procedure_by_its_exact_code(client: Client, officer: User) -> None:
    """The picker is the catalogue's own search (catalog.selectors.procedure_list)."""
    client.force_login(officer)

    html = client.get("/ho-so/tiep-nhan/thu-tuc/?q=1.001193").content.decode()

    assert "Thủ tục đăng ký khai sinh" in html


def test_procedure_picker_hides_unpublished_procedures(client: Client, officer: User) -> None:
    Procedure.objects.filter(code="1.001193").update(is_published=False)
    client.force_login(officer)

    html = client.get("/ho-so/tiep-nhan/thu-tuc/?q=khai+sinh").content.decode()

    assert "1.001193" not in html


def _many_dossiers(officer: User, count: int) -> list[Dossier]:
    return [dossier_receive(actor=officer, intake=intake(idempotency_key=f"budget-{n}")).dossier for n in range(count)]


def test_queue_page_query_budget(client: Client, officer: User, django_assert_max_num_queries: DjangoAssertNumQueries) -> None:
    """The queue costs the same number of queries for 2 dossiers as for 12 (STYLE.md, query budgets)."""
    _many_dossiers(officer, 12)
    client.force_login(officer)
    client.get("/ho-so/?view=all")  # session, content types and permissions cached

    with django_assert_max_num_queries(QUEUE_PAGE_QUERIES):
        response = client.get("/ho-so/?view=all")

    assert response.status_code == 200
    assert len(response.context["rows"]) == 12


def test_dossier_page_query_budget(client: Client, officer: User, django_assert_max_num_queries: DjangoAssertNumQueries) -> None:
    dossier = _many_dossiers(officer, 1)[0]
    client.force_login(officer)
    client.get(f"/ho-so/{dossier.code}/")

    with django_assert_max_num_queries(DOSSIER_PAGE_QUERIES):
        response = client.get(f"/ho-so/{dossier.code}/")

    assert response.status_code == 200


def test_an_error_on_a_page_shows_the_vietnamese_message_and_no_raw_code(client: Client, officer: User) -> None:
    """A counter officer reads "Không thể …", never "(illegal_transition)"."""
    client.force_login(officer)
    dossier = dossier_receive(actor=officer, intake=intake(idempotency_key="raw-code")).dossier

    response = client.post(f"/ho-so/{dossier.code}/hanh-dong/approve/", follow=True)

    html = response.content.decode()
    assert Dossier.objects.get(pk=dossier.pk).status == DossierStatus.RECEIVED
    assert "Không" in html or "không" in html
    assert not re.search(r"\([a-z]+_[a-z_]+\)", html)


def test_leader_reads_the_tracking_book_of_the_units_desk(client: Client, officer: User, dossier: Dossier) -> None:
    """Issue 10: the leader opened BM.06 and got 403. The leader reads the book the desk keeps
    (the same rows), and the queue links it."""
    leader = staff("leader", Role.LEADER, kind=AgencyKind.PEOPLES_COMMITTEE)
    client.force_login(leader)

    page = client.get("/ho-so/so-theo-doi/")
    queue = client.get("/ho-so/")

    assert page.status_code == 200 and dossier.code in page.content.decode()
    assert 'href="/ho-so/so-theo-doi/"' in queue.content.decode()
