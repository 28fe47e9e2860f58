"""The citizen's pages in headless Chromium (issue 10 items 7 and 8): the counter tablet shows
no staff link and records a one-tap rating, goes back to its waiting screen after 30 s; the
look-up opened from the receipt's QR shows no error and finds a code typed in lower case with
spaces; every public page fits a 390 px phone without horizontal scroll."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.utils import timezone

from motcua.core.notifications import MemoryBackend
from motcua.core.tests.browser import page_check
from motcua.core.tests.factories import PASSWORD
from motcua.dossiers.choices import DossierStatus
from motcua.dossiers.models import Dossier
from motcua.dossiers.ratings import rating_token
from motcua.dossiers.slips import lookup_url
from motcua.dossiers.tests.test_browser import _login
from motcua.satisfaction.choices import RatingChannel
from motcua.satisfaction.models import Rating
from motcua.satisfaction.tests.factories import closed_dossier, officer_of

if TYPE_CHECKING:
    from playwright.sync_api import Page
    from pytest_django.live_server_helper import LiveServer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CLEAN = {"axe": [], "overflow": {390: 0, 1366: 0}}
STAFF_PATHS = ("/ho-so/", "/lam-viec/", "/dang-xuat/", "/admin/", "/cong-dan/quay/")


@pytest.fixture(autouse=True)
def _criteria(units: None) -> None:
    """The seeded questions (a transactional test empties the table when it ends)."""
    import importlib

    from motcua.satisfaction.models import RatingCriterion

    seed = importlib.import_module("motcua.satisfaction.migrations.0002_seed_criteria")
    for position, (code, text) in enumerate(seed.CRITERIA, start=1):
        RatingCriterion.objects.update_or_create(code=code, defaults={"text": text, "position": position, "active": True})


def _staff_links(page: Page) -> list[str]:
    hrefs: list[str] = page.eval_on_selector_all(
        "a[href], form[action]", "els => els.map(e => e.getAttribute('href') || e.getAttribute('action'))"
    )
    return [h for h in hrefs if any(urlsplit(h).path.startswith(p) for p in STAFF_PATHS)]


def _stopped(username: str = "officer") -> Dossier:
    return closed_dossier(officer_of(username=username), DossierStatus.STOPPED, key=username)


def test_kiosk_shows_no_staff_link_and_records_a_one_tap_rating(page: Page, live_server: LiveServer, units: None) -> None:
    base = live_server.url
    dossier = _stopped()
    _login(page, base, "officer")

    page.goto(f"{base}/danh-gia/quay/")
    page.click("text=Đánh giá ngay")
    page.wait_for_selector("button[name=overall]")

    assert _staff_links(page) == []
    assert page.locator("text=Đăng xuất").count() == 0
    assert page.locator(".site-header").count() == 0
    sizes = [page.locator(f"button[name=overall][value='{n}']").bounding_box() for n in range(1, 6)]
    assert all(box is not None and box["width"] >= 48 and box["height"] >= 48 for box in sizes)
    assert page.locator(".phone-link svg").count() == 1

    page.click("button[name=overall][value='4']")
    page.wait_for_selector("text=Cảm ơn ông/bà: đánh giá đã được ghi nhận.")
    assert list(Rating.objects.values_list("dossier_id", "overall", "channel")) == [(dossier.pk, 4, RatingChannel.KIOSK.value)]
    assert _staff_links(page) == []

    page.click("label.scale-choice:has(input[name='q_thai-do'][value='5'])")
    page.click("button:has-text('Gửi các câu trả lời')")
    page.wait_for_selector("text=Cảm ơn ông/bà đã đánh giá.")
    assert Rating.objects.get().answers == {"thai-do": 5}
    page.click("text=Đã xong")
    page.wait_for_url(f"{base}/danh-gia/quay/")
    assert page.locator("text=Xin kính chào quý khách").count() == 1

    # The officer's own way out: their password.
    page.click("summary:has-text('Cán bộ')")
    page.fill("#kiosk-password", PASSWORD)
    page.click("button:has-text('Thoát màn hình đánh giá')")
    page.wait_for_url(f"{base}/lam-viec/")


def test_kiosk_goes_back_to_the_waiting_screen_after_30_seconds_untouched(
    page: Page, live_server: LiveServer, units: None
) -> None:
    base = live_server.url
    dossier = _stopped()
    _login(page, base, "officer")
    page.clock.install()

    page.goto(f"{base}/danh-gia/{rating_token(dossier)}/?kiosk=1")
    page.clock.fast_forward("00:29")
    assert urlsplit(page.url).path != "/danh-gia/quay/"
    page.clock.fast_forward("00:02")

    page.wait_for_url(f"{base}/danh-gia/quay/")
    assert not Rating.objects.exists()


def test_lookup_from_the_receipts_qr_shows_no_error_and_finds_it(page: Page, live_server: LiveServer, units: None) -> None:
    dossier = _stopped()
    parts = urlsplit(lookup_url(dossier.code))

    page.goto(f"{live_server.url}{parts.path}?{parts.query}")

    assert page.locator(".errorlist, .error-summary").count() == 0
    assert "Trường này là bắt buộc" not in page.content()
    assert page.evaluate("document.activeElement.id") == "id_check"
    page.keyboard.type("4217")
    page.keyboard.press("Enter")
    page.wait_for_selector("ol.timeline")
    received = timezone.localtime(dossier.received_at).strftime("%d/%m/%Y")
    assert page.locator("ol.timeline li").first.inner_text() == f"{received} Đã tiếp nhận"


def test_lookup_finds_a_lower_case_code_typed_with_spaces(page: Page, live_server: LiveServer, units: None) -> None:
    dossier = _stopped()
    identifier, day, serial = dossier.code.rsplit("-", 2)

    page.goto(f"{live_server.url}/tra-cuu/")
    page.fill("#id_code", f" {identifier.lower()} - {day} - {serial} ")
    page.fill("#id_check", "4217")
    page.click("button:has-text('Tra cứu')")

    page.wait_for_selector(f"h2:has-text('{dossier.code}')")
    assert page.locator("text=Dừng giải quyết theo yêu cầu").count() >= 1


def _open_access_log(page: Page, base: str, check: Callable[[str], None]) -> None:
    """Opens the citizen's access log (code by SMS) with a few readings in it, checking the
    start page on the way."""
    from motcua.identity.tests.factories import CitizenFactory, link_for

    citizen = CitizenFactory.create(personal_id="096302731506", phone="0912000111")
    officer = officer_of(username="reader")
    officer.first_name, officer.last_name = "Phạm Nguyễn Hoàng", "Bình Minh"
    officer.save()
    staff = Client()
    staff.force_login(officer)
    for n in range(3):
        staff.get(
            f"/cong-dan/ho-so/{link_for(officer, citizen)}/",
            {"purpose": "dossier_processing", "dossier": f"000.00.00.H12-260301-000{n}"},
        )
    page.goto(f"{base}/cong-dan/ai-da-xem-du-lieu-cua-toi/")
    check("access log start")
    page.fill("input[name=personal_id]", "096302731506")
    page.check("input[name=channel][value=sms]")
    page.click("main form button[type=submit]")
    page.wait_for_selector("input[name=code]")
    check("access log code")
    code = MemoryBackend.outbox[-1].body.split(": ")[1][:6]
    page.fill("input[name=code]", code)
    page.click("main form button[type=submit]")
    page.wait_for_selector("table.stack")


def test_public_pages_are_accessible_and_fit_a_390_px_phone(page: Page, live_server: LiveServer, units: None) -> None:
    """Every citizen page of items 7 and 8: no axe violation, no horizontal scroll at 390 px
    (nor at 1366 px), with ``core.tests.browser.page_check``."""
    base = live_server.url
    dossier = _stopped()
    page.set_viewport_size({"width": 390, "height": 844})
    found: dict[str, object] = {}

    def check(label: str) -> None:
        page.wait_for_load_state("networkidle")
        found[label] = page_check(page)

    page.goto(f"{base}/tra-cuu/?code={dossier.code}")
    check("look-up from the QR")
    page.fill("#id_check", "4217")
    page.click("button:has-text('Tra cứu')")
    page.wait_for_selector("ol.timeline")
    check("look-up result")
    page.goto(f"{base}/danh-gia/{rating_token(dossier)}/")
    check("rating on the phone")
    page.click("button[name=overall][value='5']")
    page.wait_for_selector("fieldset.scale")
    check("rating questions on the phone")
    page.click("button:has-text('Kết thúc, không trả lời thêm')")
    page.wait_for_selector("text=Cảm ơn ông/bà đã đánh giá.")
    check("thanks on the phone")
    _open_access_log(page, base, check)
    check("access log")

    tablet = _stopped(username="counter")
    _login(page, base, "counter")
    page.goto(f"{base}/danh-gia/quay/")
    check("kiosk waiting screen")
    page.goto(f"{base}/danh-gia/{rating_token(tablet)}/?kiosk=1")
    check("kiosk rating")
    page.click("button[name=overall][value='1']")
    page.wait_for_selector("fieldset.scale")
    check("kiosk questions")

    assert found == dict.fromkeys(found, CLEAN)
    assert len(found) == 11
