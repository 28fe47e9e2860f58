"""The queue in a real browser (issue 10 item 4): a filter chosen with htmx narrows the list,
updates the tab counts and keeps its value in the address; the page stays accessible with the
filter set and fits 390 px and 1366 px."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from motcua.core.choices import Role
from motcua.core.tests.browser import page_check
from motcua.dossiers.choices import Channel
from motcua.dossiers.services import dossier_receive
from motcua.dossiers.tests.factories import commune_agencies, intake, procedure, staff
from motcua.dossiers.tests.test_browser import _login

if TYPE_CHECKING:
    from playwright.sync_api import Page
    from pytest_django.live_server_helper import LiveServer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_filter_chosen_with_htmx_narrows_the_list_and_stays_in_the_address(
    page: Page, live_server: LiveServer, units: None
) -> None:
    base = live_server.url
    procedure()
    commune_agencies()
    officer = staff("officer", Role.RECEPTION_OFFICER)
    dossier_receive(actor=officer, intake=intake(idempotency_key="counter"))
    postal = dossier_receive(actor=officer, intake=intake(idempotency_key="post", channel=Channel.POSTAL)).dossier
    _login(page, base, "officer")
    page.goto(f"{base}/ho-so/?view=all")

    page.select_option("#f-channel", "postal")
    page.wait_for_url("**channel=postal**")
    page.wait_for_selector("#queue-results .result-count:has-text('1 hồ sơ')")

    assert page.locator("#queue-results tbody tr").count() == 1
    assert page.locator("#queue-results tbody tr td a").first.inner_text() == postal.code
    assert page.locator("#queue-tabs a[href*='view=all'] .tab-count").inner_text().startswith("1")
    page.reload()
    assert page.locator("#f-channel").input_value() == "postal"
    assert page_check(page) == {"axe": [], "overflow": {390: 0, 1366: 0}}
