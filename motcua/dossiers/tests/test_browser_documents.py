"""Issue 10 item 1 in a real headless Chromium: the viewer shows a scanned image inline and a
PDF in the browser's own viewer, framed by the page under its Content-Security-Policy."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

import pytest

from motcua.core.choices import Role
from motcua.core.models import AuditEvent
from motcua.dossiers.services import DocumentInput, dossier_receive
from motcua.dossiers.tests.factories import commune_agencies, intake, procedure, staff
from motcua.dossiers.tests.test_browser import _login
from motcua.dossiers.tests.test_documents import png, real_pdf

if TYPE_CHECKING:
    from playwright.sync_api import Page
    from pytest_django.live_server_helper import LiveServer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
# Set to a folder to keep the screenshots (checked by eye when the viewer changes).
SHOTS = os.environ.get("MOTCUA_SCREENSHOTS", "")


def test_viewer_shows_the_image_and_the_pdf_and_each_view_is_audited(
    page: Page,
    live_server: LiveServer,
    units: None,
) -> None:
    base = live_server.url
    procedure()
    commune_agencies()
    officer = staff("officer", Role.RECEPTION_OFFICER)
    documents = [
        DocumentInput(name="Giấy chứng sinh", content=png(240, 160), filename="chung-sinh.png"),
        DocumentInput(name="Tờ khai đăng ký khai sinh", content=real_pdf(), filename="to-khai.pdf"),
    ]
    dossier = dossier_receive(actor=officer, intake=intake(documents=documents)).dossier
    image, pdf = dossier.documents.order_by("position")
    _login(page, base, "officer")

    page.goto(f"{base}/ho-so/{dossier.code}/")
    page.click("a[aria-label='Xem Giấy chứng sinh']")
    page.wait_for_url(f"{base}/ho-so/{dossier.code}/giay-to/{image.pk}/")
    shown = page.wait_for_selector("img.doc-image[alt='Giấy chứng sinh']")
    assert shown is not None
    page.wait_for_function("document.querySelector('img.doc-image').complete")
    assert page.evaluate("document.querySelector('img.doc-image').naturalWidth") == 240
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, "viewer-image.png"), full_page=True)

    page.keyboard.press("ArrowRight")  # the next document, by keyboard
    page.wait_for_url(f"{base}/ho-so/{dossier.code}/giay-to/{pdf.pk}/")
    frame_element = page.wait_for_selector("iframe.doc-frame")
    assert frame_element is not None
    page.wait_for_timeout(1500)  # the PDF viewer draws the first page
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, "viewer-pdf.png"), full_page=True)
    frame = frame_element.content_frame()
    assert frame is not None and frame.url.endswith(f"/giay-to/{pdf.pk}/tep")

    views = AuditEvent.objects.filter(action="document.view").order_by("id")
    assert [(e.object_id, e.data["dossier"]) for e in views] == [(str(image.pk), dossier.code), (str(pdf.pk), dossier.code)]
