"""A keyboard-only walk of the counter intake (issue 10 item 2) in headless Chromium: the procedure
combobox, the card QR typed by a USB scanner, the checklist ticked with Space, the receipt."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from motcua.catalog.models import ProcedureDocument
from motcua.core.choices import Role
from motcua.core.tests.browser import axe_violations
from motcua.dossiers.models import Dossier
from motcua.dossiers.tests.factories import PERSONAL_ID, commune_agencies, procedure, staff
from motcua.dossiers.tests.test_browser import _login
from motcua.identity.tests.factories import card_payload

if TYPE_CHECKING:
    from playwright.sync_api import Page
    from pytest_django.live_server_helper import LiveServer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _focused(page: Page) -> str:
    return str(page.evaluate("document.activeElement ? document.activeElement.id : ''"))


def _counter(live_server: LiveServer, page: Page) -> str:
    proc = procedure()
    ProcedureDocument.objects.filter(procedure=proc).delete()  # the shipped catalogue may be loaded (catalog tests)
    ProcedureDocument.objects.create(procedure=proc, position=1, name="Tờ khai đăng ký khai sinh", originals=1)
    ProcedureDocument.objects.create(procedure=proc, position=2, name="Giấy chứng sinh", originals=1)
    commune_agencies()
    staff("officer", Role.RECEPTION_OFFICER)
    _login(page, live_server.url, "officer")
    page.goto(f"{live_server.url}/ho-so/tiep-nhan/")
    page.wait_for_selector("#intake-form[data-enhanced]", state="attached")
    return live_server.url


def test_keyboard_only_intake_with_a_card_scan(page: Page, live_server: LiveServer, units: None) -> None:
    base = _counter(live_server, page)
    assert _focused(page) == "procedure-search"

    # The procedure, typed without diacritics: ArrowDown makes the first option active, with
    # the focus kept in the box; the open picker has no axe violation.
    page.keyboard.type("dang ky khai sinh")
    page.keyboard.press("ArrowDown")
    page.wait_for_selector("#procedure-search[aria-activedescendant='procedure-option-1']")
    assert page.get_attribute("#procedure-search", "aria-expanded") == "true"
    assert page.get_attribute("#procedure-option-1", "aria-selected") == "true"
    assert _focused(page) == "procedure-search"
    assert axe_violations(page) == []

    # Enter chooses: the form is not submitted, the checklist appears, the focus moves on.
    page.keyboard.press("Enter")
    page.wait_for_selector("#checklist h2")
    assert page.url == f"{base}/ho-so/tiep-nhan/"
    assert page.input_value("#id_procedure_code") == "1.001193"
    assert page.get_attribute("#procedure-search", "aria-expanded") == "false"
    assert _focused(page) == "id_card_qr"

    # The USB scanner types the card's QR and Enter: the applicant fills in, nothing is submitted.
    page.keyboard.insert_text(card_payload())
    page.keyboard.press("Enter")
    page.wait_for_selector("#card-qr-status:has-text('Đã đọc thẻ')")
    assert page.input_value("#id_applicant_name") == "Nguyễn Văn An"
    assert page.input_value("#id_applicant_id_number") == PERSONAL_ID
    assert page.input_value("#id_applicant_birth_date") == "15/06/1985"
    assert not Dossier.objects.exists()

    # The focus is on the first document: Space ticks it, Tab past its scan field, Space again.
    first = page.locator("#checklist input[type=checkbox]").nth(0)
    second = page.locator("#checklist input[type=checkbox]").nth(1)
    assert page.evaluate("document.activeElement.type") == "checkbox"
    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    page.keyboard.press("Space")
    assert first.is_checked() and second.is_checked()

    # Submitted from the keyboard (Ctrl+Enter: receive); the dossier page opens with the receipt
    # link focused.
    page.keyboard.press("Control+Enter")
    page.wait_for_selector("#receipt-ready")
    dossier = Dossier.objects.get()
    assert dossier.applicant_name == "Nguyễn Văn An"
    assert dossier.documents.count() == 2
    receipt = page.locator("#receipt-ready a")
    assert receipt.get_attribute("href") == f"/ho-so/{dossier.code}/phieu/BM01.pdf"
    assert page.evaluate("document.activeElement.getAttribute('href')") == f"/ho-so/{dossier.code}/phieu/BM01.pdf"


def test_escape_closes_the_picker_and_an_empty_box_offers_the_most_used(page: Page, live_server: LiveServer, units: None) -> None:
    _counter(live_server, page)

    page.keyboard.press("ArrowDown")  # nothing typed, no dossier yet: nothing to offer
    page.keyboard.type("khai sinh")
    page.keyboard.press("ArrowDown")
    page.wait_for_selector("#procedure-search[aria-expanded='true']")
    page.keyboard.press("Escape")

    assert page.get_attribute("#procedure-search", "aria-expanded") == "false"
    assert page.is_hidden("#procedure-options")
    assert _focused(page) == "procedure-search"
    assert page.input_value("#procedure-search") == "khai sinh"


def test_a_refused_receipt_focuses_the_summary_and_keeps_the_ticks(page: Page, live_server: LiveServer, units: None) -> None:
    _counter(live_server, page)
    page.keyboard.type("khai sinh")
    page.keyboard.press("ArrowDown")
    page.wait_for_selector("#procedure-search[aria-activedescendant='procedure-option-1']")
    page.keyboard.press("Enter")
    page.wait_for_selector("#checklist input[type=checkbox]")
    page.locator("#checklist input[type=checkbox]").nth(1).check()

    page.keyboard.press("Control+Enter")  # no applicant yet
    page.wait_for_selector("#error-summary")

    assert _focused(page) == "error-summary"
    assert page.locator("#checklist input[type=checkbox]").nth(1).is_checked()
    assert not page.locator("#checklist input[type=checkbox]").nth(0).is_checked()
    assert axe_violations(page) == []
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")  # the first link of the summary
    assert page.url.endswith("#id_applicant_name")
    assert not Dossier.objects.exists()
