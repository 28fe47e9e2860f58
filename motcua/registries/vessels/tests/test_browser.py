"""Every vessel page in a real headless Chromium: axe-core finds no violation and nothing
scrolls sideways at 390 px or 1366 px (issue 13, pages with the quality bar of the queue)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import pytest

from motcua.core.tests.browser import CLEAN, visit_and_check
from motcua.core.tests.factories import PASSWORD
from motcua.registries.common.jobs import import_run, import_start
from motcua.registries.vessels.models import ReviewItem
from motcua.registries.vessels.services import campaign_open
from motcua.registries.vessels.tests.factories import administrator, officer, row, vessel, xlsx

if TYPE_CHECKING:
    from playwright.sync_api import Page
    from pytest_django.live_server_helper import LiveServer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _login(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/dang-nhap/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_url(f"{base}/lam-viec/")


def test_vessel_pages_are_accessible_and_fit_a_phone(page: Page, live_server: LiveServer, units: None) -> None:
    base = live_server.url
    me = officer()
    boat = vessel(me, licence_number="", owner_personal_id="096085004217")
    review = campaign_open(actor=me, name="Tổng rà soát 2026", starts_on=date(2026, 12, 1), ends_on=date(2026, 12, 31))
    item = ReviewItem.objects.unrestricted("test").get(campaign=review)
    admin = administrator()
    job = import_start(actor=admin, registry="vessels", filename="t.xlsx", content=xlsx([row(1), row(2, registered="x")]))
    import_run(job_id=job.pk)

    _login(page, base, "tauca")
    pages = [
        "/so-dang-ky/tau-ca/",
        "/so-dang-ky/tau-ca/?flag=no_licence",
        f"/so-dang-ky/tau-ca/{boat.pk}/",
        "/so-dang-ky/tau-ca/ra-soat/",
        f"/so-dang-ky/tau-ca/ra-soat/{review.pk}/",
        f"/so-dang-ky/tau-ca/ra-soat/muc/{item.pk}/",
    ]
    found = {path: visit_and_check(page, base + path) for path in pages}
    page.context.clear_cookies()
    _login(page, base, "quantri")
    admin_pages = ["/so-dang-ky/tau-ca/nhap/", f"/so-dang-ky/tau-ca/nhap/{job.pk}/"]
    found.update({path: visit_and_check(page, base + path) for path in admin_pages})

    assert found == dict.fromkeys(pages + admin_pages, CLEAN)
