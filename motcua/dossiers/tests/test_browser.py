"""A real headless Chromium (Debian's ``chromium``, driven by Playwright) walks the one-stop
flow: intake → receipt PDF → transfer → approve → return → rating → public look-up."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from motcua.core.choices import AgencyKind, Role
from motcua.core.tests.factories import PASSWORD
from motcua.dossiers.models import Dossier
from motcua.dossiers.tests.factories import commune_agencies, procedure, staff
from motcua.satisfaction.models import Rating

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


def test_one_stop_walk(page: Page, live_server: LiveServer, units: None) -> None:
    base = live_server.url
    procedure()
    pc = commune_agencies()[AgencyKind.PEOPLES_COMMITTEE]
    staff("officer", Role.RECEPTION_OFFICER)
    staff("leader", Role.LEADER, kind=AgencyKind.PEOPLES_COMMITTEE)

    # Intake at the counter: search the procedure without accents, fill the applicant.
    _login(page, base, "officer")
    page.goto(f"{base}/ho-so/tiep-nhan/")
    page.fill("#procedure-search", "dang ky khai sinh")
    page.click("[role=option][data-code='1.001193']")
    page.wait_for_selector("#checklist h2")
    page.fill("#id_applicant_name", "Nguyễn Văn An")
    page.fill("#id_applicant_id_number", "096085004217")
    page.fill("#id_applicant_phone", "0912345678")
    page.click("button[accesskey=s]")
    page.wait_for_url(f"{base}/ho-so/*/")
    dossier = Dossier.objects.get()
    assert dossier.code in page.inner_text("h1")

    # The receipt (BM.01) as PDF.
    response = page.request.get(f"{base}/ho-so/{dossier.code}/phieu/BM01.pdf")
    assert response.status == 200 and response.body()[:5] == b"%PDF-"
    # Signed by the desk (RULES.md §1.5 "chữ ký số"): the downloaded file verifies, and an edit breaks it.
    from motcua.core.signing import verify_pdf

    check = verify_pdf(response.body())
    assert check.ok and "Phú Tân" in check.agency
    body = bytearray(response.body())
    body[len(body) // 3] ^= 0x01  # one bit inside the signed byte range
    assert not verify_pdf(bytes(body)).ok

    # Transfer to the People's Committee, naming the leader (the main action, open; the officer
    # list is reloaded by htmx for the chosen agency, and the post swaps the actions in place).
    page.select_option("select[name=agency_id]", str(pc.pk))
    page.wait_for_selector("select[name=receiver_id] option:has-text('Trần Thị Bình')", state="attached")
    page.select_option("select[name=receiver_id]", label="Trần Thị Bình")
    page.click("form[action$='/hanh-dong/transfer/'] button[type=submit]")
    page.wait_for_selector("#dossier-status:has-text('Đang giải quyết')")

    # The leader approves (a fresh browser context: one user per context).
    browser = page.context.browser
    assert browser is not None
    leader_page = browser.new_context(locale="vi-VN").new_page()
    _login(leader_page, base, "leader")
    leader_page.goto(f"{base}/ho-so/{dossier.code}/")
    # Holding the step, the leader first submits it for decision (trình ký, RULES.md §1.4 row 7) …
    assert leader_page.locator(".action-main h3").inner_text() == "Trình ký"
    leader_page.click("form[action$='/hanh-dong/propose/'] button[type=submit]")
    leader_page.wait_for_selector("#dossier-status:has-text('Chờ lãnh đạo phê duyệt')")
    # … then approves it: the leader's main action on a submitted dossier.
    assert leader_page.locator(".action-main h3").inner_text() == "Phê duyệt"
    leader_page.fill("form[action$='/hanh-dong/approve/'] textarea[name=result_summary]", "Đã cấp Giấy khai sinh")
    leader_page.click("form[action$='/hanh-dong/approve/'] button[type=submit]")
    leader_page.wait_for_selector("text=Đã giải quyết: chấp thuận")

    # Back at the counter: ready, returned, and the applicant rates at the kiosk.
    page.goto(f"{base}/ho-so/{dossier.code}/")
    page.click("form[action$='/hanh-dong/mark_ready/'] button[type=submit]")
    page.wait_for_selector("text=Có kết quả, chờ trả")
    page.click("form[action$='/hanh-dong/return_result/'] button[type=submit]")
    page.wait_for_selector("text=Đã trả kết quả")
    page.click("text=Mở màn hình đánh giá cho người dân")
    page.click("button[name=overall][value='5']")  # one tap records it (issue 10 item 7)
    # The optional questions follow (or the thanks, when an earlier transactional test emptied
    # the seeded questions): both thank the applicant.
    page.wait_for_selector("h1:has-text('Cảm ơn ông/bà')")
    assert Rating.objects.get().overall == 5

    # The citizen looks the dossier up with the code and the last 4 digits of the ID.
    public = browser.new_context(locale="vi-VN").new_page()
    public.goto(f"{base}/tra-cuu/")
    public.fill("#id_code", dossier.code)
    public.fill("#id_check", "4217")
    public.click("button:has-text('Tra cứu')")
    public.wait_for_selector("text=Đã trả kết quả")
    assert "Nguyễn Văn An" not in public.content()


def test_counter_refusal_and_guided_visit_get_no_code(page: Page, live_server: LiveServer, units: None) -> None:
    """RULES.md §1.4 row 2: at the counter the check ends in a refusal to receive (BM.03) or a
    guided supplement (BM.02) without a dossier code; the guided applicant comes back and the
    dossier is received from the visit in one step."""
    from motcua.dossiers.models import CounterVisit

    base = live_server.url
    procedure()
    commune_agencies()
    staff("officer", Role.RECEPTION_OFFICER)
    _login(page, base, "officer")

    # Refuse to receive: the visit page with its BM.03, and no dossier.
    page.goto(f"{base}/ho-so/tiep-nhan/")
    page.fill("#id_procedure_code", "1.001193")
    page.fill("#id_applicant_name", "Trần Văn Tư")
    page.fill("#outcome-reason", "Không thuộc thẩm quyền giải quyết của xã")
    page.click("button[name=outcome][value=refuse]")
    page.wait_for_url(f"{base}/ho-so/luot-tiep/*/")
    refused = CounterVisit.objects.get()
    assert "0001/PTC-TTPVHCC" in page.inner_text("h1")
    response = page.request.get(f"{base}/ho-so/luot-tiep/{refused.pk}/phieu.pdf")
    assert response.status == 200 and response.body()[:5] == b"%PDF-"
    assert not Dossier.objects.exists()

    # Guide a supplement: the items are listed on the visit page.
    page.goto(f"{base}/ho-so/tiep-nhan/")
    page.fill("#id_procedure_code", "1.001193")
    page.fill("#id_applicant_name", "Nguyễn Văn An")
    page.fill("#id_applicant_id_number", "096085004217")
    page.fill("#outcome-items", "Giấy chứng sinh\nGiấy chứng nhận kết hôn của cha mẹ")
    page.fill("#outcome-reason", "Thiếu giấy tờ theo quy định")
    page.click("button[name=outcome][value=guide]")
    page.wait_for_url(f"{base}/ho-so/luot-tiep/*/")
    assert "0001/PBS-TTPVHCC" in page.inner_text("h1")
    assert "Giấy chứng sinh" in page.inner_text("main")
    assert not Dossier.objects.exists()

    # The applicant comes back: "Tiếp nhận" opens the intake pre-filled; receiving links the visit.
    page.click("a[accesskey=n]")
    page.wait_for_url(f"{base}/ho-so/tiep-nhan/?luot=*")
    assert page.input_value("#id_applicant_name") == "Nguyễn Văn An"
    page.click("button[accesskey=s]")
    page.wait_for_url(f"{base}/ho-so/*/")
    dossier = Dossier.objects.get()
    assert dossier.code in page.inner_text("h1")
    assert CounterVisit.objects.get(outcome="guided").dossier == dossier
