"""The leader's dashboard (issue 12 item 4): today's queue and this month's figures, each
linked to its list; "—" when there is nothing to measure, never 0 %."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import pytest
from django.contrib.auth.models import User
from django.test import Client

from motcua.core.choices import AgencyKind, Role
from motcua.core.tests.factories import current_unit
from motcua.dossiers.choices import DossierAction
from motcua.dossiers.services import dossier_act, dossier_receive
from motcua.dossiers.tests.factories import commune_agencies, intake, procedure, staff
from motcua.reports.dashboard import leader_dashboard
from motcua.reports.tests.conftest import VN

if TYPE_CHECKING:
    from playwright.sync_api import Page
    from pytest_django.live_server_helper import LiveServer

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 3, 10, 14, 0, tzinfo=VN)  # a Tuesday


@pytest.fixture
def people() -> tuple[User, User]:
    procedure(days=5)
    commune_agencies()
    return staff("db-officer", Role.RECEPTION_OFFICER), staff("db-leader", Role.LEADER, kind=AgencyKind.PEOPLES_COMMITTEE)


def test_today_counts_received_due_overdue_and_awaiting_decision(people: tuple[User, User]) -> None:
    officer, leader = people
    dossier_receive(actor=officer, intake=intake(), now=NOW - dt.timedelta(hours=2))  # received today
    old = dossier_receive(actor=officer, intake=intake(), now=dt.datetime(2026, 2, 23, 9, 0, tzinfo=VN)).dossier
    due_today = dossier_receive(actor=officer, intake=intake(), now=dt.datetime(2026, 3, 3, 9, 0, tzinfo=VN)).dossier
    dossier_act(actor=officer, code=old.code, action=DossierAction.TRANSFER, now=NOW - dt.timedelta(days=5))
    dossier_act(actor=leader, code=old.code, action=DossierAction.PROPOSE, now=NOW - dt.timedelta(days=1))

    board = leader_dashboard(user=leader, unit=current_unit("32218"), now=NOW)

    assert board.received_today.value == 1
    assert due_today.due_at is not None and due_today.due_at.date() == NOW.date()
    assert board.due_today.value == 1
    assert board.overdue.value == 1  # received 23/02, due 02/03, proposed but not decided
    assert board.awaiting_decision.value == 1
    assert board.overdue.url == "/ho-so/?view=overdue"


def test_a_month_with_nothing_settled_shows_a_dash_not_zero(people: tuple[User, User], client: Client) -> None:
    _officer, leader = people
    board = leader_dashboard(user=leader, unit=current_unit("32218"), now=NOW)
    assert board.on_time.percent is None and board.satisfied.percent is None
    client.force_login(leader)
    html = client.get("/bao-cao/tong-quan/").content.decode()
    assert "0 %" not in html and "—" in html


def test_anonymous_no_permission_and_another_commune_are_refused(client: Client, people: tuple[User, User]) -> None:
    assert client.get("/bao-cao/tong-quan/").status_code == 302
    client.force_login(staff("db-dpo", Role.DATA_PROTECTION_OFFICER))
    assert client.get("/bao-cao/tong-quan/").status_code == 403
    client.force_login(staff("db-other", Role.LEADER, code="32214", kind=AgencyKind.PEOPLES_COMMITTEE))
    assert client.get("/bao-cao/tong-quan/?don_vi=32218").status_code == 404
    assert client.get("/bao-cao/tong-quan/").status_code == 200  # their own commune


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_dashboard_is_accessible_and_fits_a_phone(page: Page, live_server: LiveServer, units: None) -> None:
    from motcua.core.tests.browser import CLEAN, visit_and_check
    from motcua.dossiers.tests.test_browser import _login

    procedure(days=5)
    commune_agencies()
    officer = staff("db-officer", Role.RECEPTION_OFFICER)
    staff("db-leader", Role.LEADER, kind=AgencyKind.PEOPLES_COMMITTEE)
    dossier_receive(actor=officer, intake=intake())
    _login(page, live_server.url, "db-leader")
    assert visit_and_check(page, live_server.url + "/bao-cao/tong-quan/") == CLEAN
