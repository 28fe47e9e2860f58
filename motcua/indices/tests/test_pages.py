"""Staff pages ``/chi-so/`` and ``/chi-so/<code>/`` and their permission matrix (anonymous →
login, other unit 403, no-permission role 403, right role 200, nothing changed), plus the
browser check (axe-core, 390 and 1366 px)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from django.contrib.auth.models import User
from django.test import Client

from motcua.core.choices import Role
from motcua.core.tests.browser import CLEAN, visit_and_check
from motcua.core.tests.factories import PASSWORD
from motcua.dossiers.models import Dossier, DossierEvent
from motcua.dossiers.tests.factories import staff
from motcua.indices.tests.builders import at, decide, receive, setup_commune

if TYPE_CHECKING:
    from playwright.sync_api import Page
    from pytest_django.live_server_helper import LiveServer

INDEX = "/chi-so/?period=2026-Q1"
ITEMS = "/chi-so/2.1/?period=2026-Q1&part=denominator"


def _data() -> str:
    officer, leader = setup_commune()
    decide(officer, leader, receive(officer, at("2026-03-02")), at("2026-03-04"))
    return decide(officer, leader, receive(officer, at("2026-03-02")), at("2026-03-12")).code


def _login(client: Client, user: User) -> Client:
    assert client.login(username=user.username, password=PASSWORD)
    return client


@pytest.mark.django_db
@pytest.mark.parametrize("url", [INDEX, ITEMS])
def test_anonymous_is_sent_to_login(client: Client, url: str) -> None:
    response = client.get(url)

    assert response.status_code == 302 and "/dang-nhap/" in response["Location"]


@pytest.mark.django_db
@pytest.mark.parametrize("url", [INDEX + "&unit=32218", ITEMS + "&unit=32218"])
def test_other_unit_is_refused(client: Client, url: str) -> None:
    _data()
    stranger = staff("stranger", Role.LEADER, code="32212")

    assert _login(client, stranger).get(url).status_code == 403


@pytest.mark.django_db
@pytest.mark.parametrize("url", [INDEX, ITEMS])
def test_role_without_the_permission_is_refused(client: Client, url: str) -> None:
    clerk = staff("clerk", Role.DATA_OFFICER)

    assert _login(client, clerk).get(url).status_code == 403


@pytest.mark.django_db
def test_leader_sees_six_groups_and_linked_numbers(client: Client) -> None:
    late = _data()
    leader = staff("reader", Role.LEADER)
    before = (Dossier.objects.unrestricted("test").count(), DossierEvent.objects.count())

    page = _login(client, leader).get(INDEX).content.decode()
    items = client.get(ITEMS).content.decode()

    assert page.count('class="index-table"') == 6
    assert "/chi-so/2.1/?unit=32218&amp;period=2026-Q1&amp;part=numerator" in page
    assert late in items
    assert (Dossier.objects.unrestricted("test").count(), DossierEvent.objects.count()) == before


@pytest.mark.django_db
def test_bad_period_is_explained(client: Client) -> None:
    leader = staff("reader", Role.LEADER)

    response = _login(client, leader).get("/chi-so/?period=2026-Q9")

    assert response.status_code == 400
    assert 'data-code="period_invalid"' in response.content.decode()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_index_pages_are_accessible_and_fit_a_phone(page: Page, live_server: LiveServer, units: None) -> None:
    from motcua.dossiers.tests.test_browser import _login as browser_login

    _data()
    staff("reader", Role.LEADER)
    browser_login(page, live_server.url, "reader")

    assert visit_and_check(page, f"{live_server.url}{INDEX}") == CLEAN
    assert visit_and_check(page, f"{live_server.url}{ITEMS}") == CLEAN
