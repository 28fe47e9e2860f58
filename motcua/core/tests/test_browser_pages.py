"""Every page a reception officer, a leader and a citizen open, in a real headless Chromium:
axe-core finds no accessibility violation and nothing scrolls sideways at 390 px (a phone) or
1366 px (the counter's laptop) — issue 10, "Targets and checks"."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from motcua.core.choices import AgencyKind, Role
from motcua.core.tests.browser import CLEAN
from motcua.core.tests.browser import visit_and_check as _checked
from motcua.dossiers.tests.factories import commune_agencies, intake, procedure, staff
from motcua.dossiers.tests.test_browser import _login

if TYPE_CHECKING:
    from playwright.sync_api import Page
    from pytest_django.live_server_helper import LiveServer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_public_pages_are_accessible_and_fit_a_phone(page: Page, live_server: LiveServer, units: None) -> None:
    base = live_server.url
    procedure()
    pages = ["/", "/dang-nhap/", "/thu-tuc/", "/thu-tuc/1.001193/", "/tra-cuu/", "/cong-dan/ai-da-xem-du-lieu-cua-toi/"]
    found = {path: _checked(page, base + path) for path in pages}
    assert found == dict.fromkeys(pages, CLEAN)


def test_staff_pages_are_accessible_and_fit_a_phone(page: Page, live_server: LiveServer, units: None) -> None:
    from motcua.dossiers.services import dossier_receive

    base = live_server.url
    procedure()
    commune_agencies()
    officer = staff("officer", Role.RECEPTION_OFFICER)
    staff("leader", Role.LEADER, kind=AgencyKind.PEOPLES_COMMITTEE)
    dossier = dossier_receive(actor=officer, intake=intake()).dossier
    _login(page, base, "officer")
    pages = [
        "/lam-viec/",
        "/ho-so/",
        "/ho-so/tiep-nhan/",
        f"/ho-so/{dossier.code}/",
        "/ho-so/so-theo-doi/",
        "/cong-dan/quay/",
    ]
    found = {path: _checked(page, base + path) for path in pages}
    assert found == dict.fromkeys(pages, CLEAN)


def test_petition_pages_are_accessible_and_fit_a_phone(page: Page, live_server: LiveServer, units: None) -> None:
    """Issue 11 item 5: the public petition pages at 390 px, and the staff reception book and a
    petition's page, with axe-core."""
    from motcua.feedback.tests.factories import officer, petition

    base = live_server.url
    item = petition()
    officer()
    public = ["/phan-anh/", "/phan-anh/gui/", "/phan-anh/da-tra-loi/", f"/phan-anh/tra-cuu/?code={item.code}&check=6789"]
    found = {path: _checked(page, base + path) for path in public}
    _login(page, base, "pakn")
    staff_pages = ["/phan-anh/so/", "/phan-anh/so/ghi-nhan/", f"/phan-anh/so/{item.code}/"]
    found.update({path: _checked(page, base + path) for path in staff_pages})

    assert found == dict.fromkeys(public + staff_pages, CLEAN)
