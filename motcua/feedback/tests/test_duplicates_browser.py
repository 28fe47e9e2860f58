"""The web form with similar petitions in a real headless Chromium (issue 11; RULES.md §5): typing
a title and content brings the suggestions (htmx, no inline script), the page has no axe-core
violation and nothing scrolls sideways at 390 px or 1366 px; the staff page with its possible
duplicates likewise."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from motcua.core.tests.browser import CLEAN, page_check
from motcua.core.tests.browser import visit_and_check as _checked
from motcua.dossiers.tests.test_browser import _login
from motcua.feedback.tests.factories import officer, petition

if TYPE_CHECKING:
    from playwright.sync_api import Page
    from pytest_django.live_server_helper import LiveServer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
LIGHTS = {
    "title": "Đèn đường ấp Cái Đôi hư nhiều tuần",
    "content": "Hệ thống đèn chiếu sáng trên tuyến đường chính ấp Cái Đôi hư gần hết, tối đen, người đi đường bị té.",
}


def test_the_form_shows_similar_petitions_as_the_citizen_types(page: Page, live_server: LiveServer, units: None) -> None:
    base = live_server.url
    first = petition(title=LIGHTS["title"], content=LIGHTS["content"])
    second = petition(title="Đèn đường Cái Đôi không sáng", content=LIGHTS["content"])
    officer()

    empty = _checked(page, f"{base}/phan-anh/gui/?xa=32218")
    page.fill("#id_title", "Den duong ap Cai Doi bi hu")
    page.fill("#id_content", "Den chieu sang duong chinh ap Cai Doi hu gan het, toi thui.")
    page.wait_for_selector(f"#similar button[value='{first.code}']")
    typed = page_check(page)
    page.click("main form > button[type=submit]")  # "Send": the suggestions come first
    page.wait_for_selector("button[name=confirm_new]")
    before_filing = page_check(page)
    _login(page, base, "pakn")
    staff_page = _checked(page, f"{base}/phan-anh/so/{second.code}/")

    assert {"empty": empty, "typed": typed, "before filing": before_filing, "staff": staff_page} == dict.fromkeys(
        ["empty", "typed", "before filing", "staff"], CLEAN
    )
    assert page.locator(f"input[name=merge_into][value='{first.code}']").count() == 1
