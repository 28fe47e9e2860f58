"""The queue as a working tool (issue 10 item 4): the shared filter, sort, tab counts, page size,
the XLSX export of the current list, and the query budgets of the page and the search."""

from __future__ import annotations

import datetime as dt
import io
from zoneinfo import ZoneInfo

import openpyxl
import pytest
import time_machine
from django.contrib.auth.models import User
from django.test import Client
from pytest_django import DjangoAssertNumQueries

from motcua.catalog.models import Sector
from motcua.core.calendar import calendar_for
from motcua.core.choices import AgencyKind, Role
from motcua.core.models import AuditEvent
from motcua.dossiers.choices import ApplicantKind, Channel, DossierAction, DossierStatus
from motcua.dossiers.filters import DossierFilter, due_window_end
from motcua.dossiers.models import Dossier
from motcua.dossiers.services import dossier_act, dossier_receive
from motcua.dossiers.services.inputs import ApplicantInput
from motcua.dossiers.tests.factories import PERSONAL_ID, commune_agencies, intake, procedure, staff

pytestmark = pytest.mark.django_db
VN = ZoneInfo("Asia/Ho_Chi_Minh")
MONDAY = dt.datetime(2026, 12, 7, 9, 0, tzinfo=VN)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# As the queue page (test_pages.QUEUE_PAGE_QUERIES), plus the search list's own capped count.
SEARCH_PAGE_QUERIES = 16


@pytest.fixture
def officer() -> User:
    procedure()
    commune_agencies()
    return staff("officer", Role.RECEPTION_OFFICER)


def _receive(officer: User, name: str, *, key: str, code: str = "1.001193", channel: Channel = Channel.IN_PERSON) -> Dossier:
    applicant = ApplicantInput(kind=ApplicantKind.PERSON, name=name, id_number=PERSONAL_ID, phone="0912345678", address="Ấp 1")
    return dossier_receive(
        actor=officer,
        intake=intake(applicant=applicant, procedure_code=code, channel=channel, idempotency_key=key),
        now=MONDAY,
    ).dossier


def _certification_procedure() -> None:
    """A second procedure in another field (sector)."""
    other = procedure("2.000815", name="Chứng thực bản sao từ bản chính")
    # get_or_create: the shipped catalogue, when an earlier test loaded it, has this field already.
    other.sector, _created = Sector.objects.get_or_create(slug="chung-thuc", defaults={"name": "Chứng thực"})
    other.save()


def _codes(response: object) -> list[str]:
    return [row[0].code for row in response.context["rows"]]  # type: ignore[attr-defined]  # the test client's response


# --- The shared filter --------------------------------------------------------------------------


def test_filter_reads_known_values_and_drops_the_rest() -> None:
    flt = DossierFilter.from_params(
        {"status": "in_progress", "channel": "fax", "due": "3days", "officer": "abc", "sort": "-code", "per_page": "100"}
    )

    assert flt == DossierFilter(status=DossierStatus.IN_PROGRESS, due="3days", sort="-code", per_page=100)
    assert DossierFilter.from_params({"sort": "password", "per_page": "1000"}) == DossierFilter()


def test_due_within_3_working_days_ends_at_the_close_of_the_third_working_day() -> None:
    """Thursday 10/12 is the third working day counting Tuesday 08/12 itself."""
    calendar = calendar_for(None)

    end = due_window_end(calendar, dt.datetime(2026, 12, 8, 10, 0, tzinfo=VN), 3)

    assert calendar.local(end).date() == dt.date(2026, 12, 10)


def test_filters_narrow_the_list_by_procedure_field_and_channel(client: Client, officer: User) -> None:
    _certification_procedure()
    birth = _receive(officer, "Lê Văn A", key="a")
    copy = _receive(officer, "Lê Văn B", key="b", code="2.000815", channel=Channel.POSTAL)
    client.force_login(officer)

    assert _codes(client.get("/ho-so/?view=all&procedure=2.000815")) == [copy.code]
    assert _codes(client.get("/ho-so/?view=all&sector=ho-tich")) == [birth.code]
    assert _codes(client.get("/ho-so/?view=all&channel=postal")) == [copy.code]


def test_filters_narrow_the_list_by_status_and_officer(client: Client, officer: User) -> None:
    other_officer = staff("officer2", Role.RECEPTION_OFFICER, full_name="Phạm Văn Cường")
    mine = _receive(officer, "Lê Văn A", key="a")
    theirs = _receive(other_officer, "Lê Văn B", key="b")
    dossier_act(actor=officer, code=mine.code, action=DossierAction.TRANSFER, now=MONDAY + dt.timedelta(hours=1))
    client.force_login(officer)

    assert _codes(client.get("/ho-so/?view=all&status=received")) == [theirs.code]
    assert _codes(client.get(f"/ho-so/?view=all&officer={other_officer.pk}")) == [theirs.code]


def test_due_windows_split_overdue_today_and_soon(client: Client, officer: User) -> None:
    """Received Monday 07/12 with 5 working days: due Monday 14/12 (RULES.md §1.6)."""
    dossier = _receive(officer, "Lê Văn A", key="a")

    with time_machine.travel(dt.datetime(2026, 12, 14, 9, 0, tzinfo=VN), tick=False):
        client.force_login(officer)
        today = _codes(client.get("/ho-so/?view=all&due=today"))
        soon = _codes(client.get("/ho-so/?view=all&due=3days"))
        overdue_now = _codes(client.get("/ho-so/?view=all&due=overdue"))
    with time_machine.travel(dt.datetime(2026, 12, 15, 9, 0, tzinfo=VN), tick=False):
        client.force_login(officer)
        overdue_later = _codes(client.get("/ho-so/?view=all&due=overdue"))

    assert (today, soon, overdue_now, overdue_later) == ([dossier.code], [dossier.code], [], [dossier.code])


def test_sort_by_applicant_both_ways(client: Client, officer: User) -> None:
    b = _receive(officer, "Bùi Văn Bình", key="b")
    a = _receive(officer, "Âu Thị An", key="a")
    client.force_login(officer)

    assert _codes(client.get("/ho-so/?view=all&sort=applicant")) == [a.code, b.code]
    assert _codes(client.get("/ho-so/?view=all&sort=-applicant")) == [b.code, a.code]


def test_page_size_and_filter_values_stay_in_the_links(client: Client, officer: User) -> None:
    for n in range(21):
        _receive(officer, f"Người {n}", key=f"k{n}")
    client.force_login(officer)

    response = client.get("/ho-so/?view=all&per_page=20&channel=in_person&sort=-received")

    html = response.content.decode()
    assert len(response.context["rows"]) == 20
    assert 'href="?view=all&amp;channel=in_person&amp;sort=-received&amp;per_page=20&amp;page=2"' in html
    assert '<option value="in_person" selected>' in html
    assert '<option value="20" selected>' in html
    assert 'href="/ho-so/xuat.xlsx?view=all&amp;channel=in_person&amp;sort=-received&amp;per_page=20"' in html


def test_every_tab_shows_its_count_with_the_filter(client: Client, officer: User) -> None:
    _receive(officer, "Lê Văn A", key="a")
    _receive(officer, "Lê Văn B", key="b", channel=Channel.POSTAL)
    client.force_login(officer)

    response = client.get("/ho-so/?view=mine&channel=postal")

    counts = {key: count for key, _label, count in response.context["tabs"]}
    assert counts == {"mine": (1, False), "due-soon": (0, False), "overdue": (0, False), "decide": (0, False), "all": (1, False)}
    assert 'href="?view=all&amp;channel=postal"' in response.content.decode()


def test_htmx_request_gets_the_rows_and_the_tab_counts_only(client: Client, officer: User) -> None:
    _receive(officer, "Lê Văn A", key="a")
    client.force_login(officer)

    response = client.get("/ho-so/?view=all&status=received", headers={"HX-Request": "true"})

    text = response.content.decode()
    assert "<html" not in text
    assert '<div id="queue-tabs" hx-swap-oob="true">' in text
    assert 'id="f-status"' not in text  # the filter form stays as the person left it


def test_filters_are_labelled(client: Client, officer: User) -> None:
    client.force_login(officer)

    html = client.get("/ho-so/").content.decode()

    for name in ("status", "sector", "procedure", "due", "channel", "officer", "sort", "per-page"):
        assert f'<label for="f-{name}">' in html and f'id="f-{name}"' in html


def test_a_search_applies_the_filter_over_the_whole_scope(client: Client, officer: User) -> None:
    a = _receive(officer, "Nguyễn Văn Bình", key="a")
    _receive(officer, "Nguyễn Văn Bình", key="b", channel=Channel.POSTAL)
    client.force_login(officer)

    assert _codes(client.get("/ho-so/?view=decide&q=nguyen+van+binh&channel=in_person")) == [a.code]


# --- Trình ký: the leader's tab (RULES.md §1.4 rows 5 and 7) --------------------------------------


def test_rules_1_4_row_7_the_leaders_tab_holds_only_what_was_submitted_for_decision(client: Client, officer: User) -> None:
    """RULES.md §1.4 row 7: the leader's "Chờ phê duyệt" holds the dossiers a specialist
    submitted (trình ký), not every dossier in progress."""
    leader = staff("leader", Role.LEADER, kind=AgencyKind.PEOPLES_COMMITTEE)
    specialist = staff("specialist", Role.SPECIALIST, kind=AgencyKind.PEOPLES_COMMITTEE)
    proposed, working = _receive(officer, "Lê Văn A", key="a"), _receive(officer, "Lê Văn B", key="b")
    for dossier in (proposed, working):
        dossier_act(actor=officer, code=dossier.code, action=DossierAction.TRANSFER, now=MONDAY + dt.timedelta(hours=1))
    dossier_act(actor=specialist, code=proposed.code, action=DossierAction.PROPOSE, now=MONDAY + dt.timedelta(hours=2))
    client.force_login(leader)

    assert _codes(client.get("/ho-so/?view=decide")) == [proposed.code]


# --- Query budgets --------------------------------------------------------------------------------


def test_search_query_budget(client: Client, officer: User, django_assert_max_num_queries: DjangoAssertNumQueries) -> None:
    """The search costs the same number of queries for 1 match as for 12 (STYLE.md, query budgets)."""
    for n in range(12):
        _receive(officer, "Nguyễn Văn Bình", key=f"s{n}")
    client.force_login(officer)
    client.get("/ho-so/?q=binh")  # session, content types and permissions cached

    with django_assert_max_num_queries(SEARCH_PAGE_QUERIES):
        response = client.get("/ho-so/?q=binh&channel=in_person&sort=-code")

    assert len(response.context["rows"]) == 12


def test_filtered_queue_query_budget(
    client: Client, officer: User, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    for n in range(12):
        _receive(officer, f"Người {n}", key=f"f{n}")
    client.force_login(officer)
    client.get("/ho-so/?view=all")

    with django_assert_max_num_queries(16):
        response = client.get("/ho-so/?view=all&due=3days&sector=ho-tich&sort=-received&per_page=100")

    assert response.status_code == 200


# --- The XLSX export ------------------------------------------------------------------------------


def _sheet(content: bytes) -> list[tuple[object, ...]]:
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    return list(workbook.active.iter_rows(values_only=True))


def test_export_writes_the_current_list_every_page_with_dates_dd_mm_yyyy(client: Client, officer: User) -> None:
    for n in range(22):
        _receive(officer, f"Người {n:02d}", key=f"e{n}")
    _receive(officer, "Gửi bưu điện", key="post", channel=Channel.POSTAL)
    client.force_login(officer)

    response = client.get("/ho-so/xuat.xlsx?view=all&channel=in_person&sort=applicant&per_page=20")

    rows = _sheet(response.content)
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    cell = workbook.active["D2"]
    assert response["Content-Type"] == XLSX
    assert rows[0] == ("Mã", "Người nộp", "Thủ tục", "Ngày tiếp nhận", "Hẹn trả", "Trạng thái", "Cán bộ")
    assert [r[1] for r in rows[1:]] == [f"Người {n:02d}" for n in range(22)]
    assert cell.number_format == "dd/mm/yyyy" and cell.value == dt.datetime(2026, 12, 7)
    assert rows[1][6] == "Trần Thị Bình"


def test_export_is_audited_with_its_filter_and_row_count(client: Client, officer: User) -> None:
    _receive(officer, "Lê Văn A", key="a")
    client.force_login(officer)

    client.get("/ho-so/xuat.xlsx?view=all&channel=in_person")

    event = AuditEvent.objects.get(action="dossier.export")
    assert (event.actor_label, event.data) == (
        "officer",
        {"view": "all", "q": "", "filter": {"channel": "in_person"}, "rows": 1},
    )


def test_export_asks_an_anonymous_visitor_to_log_in(client: Client, officer: User) -> None:
    _receive(officer, "Lê Văn A", key="a")

    response = client.get("/ho-so/xuat.xlsx?view=all")

    assert response.status_code == 302
    assert response["Location"] == "/dang-nhap/?next=/ho-so/xuat.xlsx%3Fview%3Dall"
    assert not AuditEvent.objects.filter(action="dossier.export").exists()


def test_export_never_holds_another_units_dossiers(client: Client, officer: User) -> None:
    commune_agencies("32214")
    other = staff("other", Role.RECEPTION_OFFICER, code="32214")
    _receive(officer, "Lê Văn A", key="a")
    theirs = _receive(other, "Lê Văn B", key="b")
    client.force_login(other)

    rows = _sheet(client.get("/ho-so/xuat.xlsx?view=all").content)
    searched = _sheet(client.get("/ho-so/xuat.xlsx?q=le+van").content)

    assert [r[0] for r in rows[1:]] == [theirs.code]
    assert [r[0] for r in searched[1:]] == [theirs.code]


def test_export_without_the_view_permission_is_forbidden(client: Client, officer: User) -> None:
    _receive(officer, "Lê Văn A", key="a")
    client.force_login(staff("data", Role.DATA_OFFICER))

    response = client.get("/ho-so/xuat.xlsx?view=all")

    assert response.status_code == 403
    assert not AuditEvent.objects.filter(action="dossier.export").exists()


# --- The API list shares the filter ---------------------------------------------------------------


def test_api_list_takes_the_same_filter_and_sort(client: Client, officer: User) -> None:
    a = _receive(officer, "Âu Thị An", key="a")
    b = _receive(officer, "Bùi Văn Bình", key="b")
    _receive(officer, "Gửi bưu điện", key="post", channel=Channel.POSTAL)
    client.force_login(officer)

    response = client.get("/api/v1/dossiers?channel=in_person&sort=-applicant")

    assert response.status_code == 200
    assert [item["code"] for item in response.json()["items"]] == [b.code, a.code]


def test_api_proposal_then_the_leaders_tab_rules_1_4_row_7(client: Client, officer: User) -> None:
    """RULES.md §1.4 row 7: a proposal made through the API puts the dossier in the leader's queue."""
    specialist = staff("specialist", Role.SPECIALIST, kind=AgencyKind.PEOPLES_COMMITTEE)
    leader = staff("leader", Role.LEADER, kind=AgencyKind.PEOPLES_COMMITTEE)
    dossier = _receive(officer, "Lê Văn A", key="a")
    dossier_act(actor=officer, code=dossier.code, action=DossierAction.TRANSFER, now=MONDAY + dt.timedelta(hours=1))
    client.force_login(specialist)

    response = client.post(
        f"/api/v1/dossiers/{dossier.code}/actions/propose",
        {"proposal": "reject", "reason": "Không đủ điều kiện"},
        content_type="application/json",
    )
    client.force_login(leader)
    queue = client.get("/api/v1/dossiers?status=awaiting_decision").json()

    assert response.status_code == 200 and response.json()["status"] == "awaiting_decision"
    assert [item["code"] for item in queue["items"]] == [dossier.code]
