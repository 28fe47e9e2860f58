"""Counter intake UI benchmark: a trained reception officer receives a birth registration
(procedure 1.001193) with an ID-card scan, in headless Chromium, and the script counts what the
officer does: clicks, keystrokes and seconds.

Target (issue 10, "Targets and checks"): at most 25 keystrokes and 8 clicks besides attaching
scans. The walk, as an officer who knows the page would do it:

* one click on "Tiếp nhận hồ sơ" in the menu (the previous applicant's dossier page is open);
* the procedure box has the focus; with nothing typed it offers the unit's most-used
  procedures, and at a commune that is the birth registration: ArrowDown, Enter;
* the USB scanner reads the card's QR into the card field and ends with Enter (the scanner's
  keys, counted apart: the officer types none of them); name, ID, birth date and address fill in;
* the focus is on the first document: Space, Tab, Tab, Space tick the two papers brought; the
  scan of the declaration is attached (counted apart, as the target says);
* one click on the phone field and 10 digits (the card carries no phone);
* Ctrl+Enter receives; the dossier page opens with "In phiếu tiếp nhận" focused: Enter opens
  BM.01 ready to print.

The database is the benchmark's own (``_setup``: a temporary SQLite file unless DATABASE_URL is
set) with the real catalogue and the demo communes; 12 earlier dossiers of the desk make its
most-used list (8 birth registrations, 4 others). The server is Django's live-server thread.

    .venv/bin/python benchmarks/bench_intake_ui.py

"Seconds" is the machine time of the scripted walk (no human delay); the keystroke-level model
estimate beside it adds a person's time (Card, Moran and Newell: 0.28 s a keystroke, 1.1 s to
point plus 0.2 s to click, 1.35 s to think before each step). Prints figures; never asserts.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from typing import Any

import _setup

OFFICER = "phutan.reception"
PROCEDURE = "1.001193"  # Thủ tục đăng ký khai sinh
CARD = "096085004217||NGUYỄN VĂN AN|15061985|Nam|Ấp 3, Xã Phú Tân, Tỉnh Cà Mau|01072025"
PHONE = "0912345678"
TARGET_KEYS = 25
TARGET_CLICKS = 8
# Keystroke-level model (Card, Moran & Newell 1980), seconds.
KLM_KEY, KLM_POINT_CLICK, KLM_MENTAL = 0.28, 1.3, 1.35
SCAN_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


@dataclass
class Tally:
    """What the officer did (the scanner's keys and the attached scans apart)."""

    keys: int = 0
    clicks: int = 0
    steps: int = 0
    scanner_keys: int = 0
    attachments: int = 0
    log: list[str] = field(default_factory=list)

    def key(self, page: Any, key: str) -> None:
        page.keyboard.press(key)
        self.keys += 1
        self.log.append(key)

    def type(self, page: Any, text: str) -> None:
        page.keyboard.type(text)
        self.keys += len(text)
        self.log.append(f"type {text!r}")

    def click(self, page: Any, selector: str) -> None:
        page.click(selector)
        self.clicks += 1
        self.log.append(f"click {selector}")

    def step(self) -> None:
        self.steps += 1


def _history() -> None:
    """The desk's earlier dossiers: what makes its most-used list."""
    from django.contrib.auth.models import User

    from motcua.catalog.models import Procedure
    from motcua.dossiers.choices import ApplicantKind, Channel
    from motcua.dossiers.models import Dossier
    from motcua.dossiers.services import ApplicantInput, IntakeInput, dossier_receive

    officer = User.objects.get(username=OFFICER)
    if Dossier.objects.filter(receiving_unit__code="32218").count() >= 12:
        return
    others = list(Procedure.objects.filter(is_published=True, lead_time_value__gt=0).exclude(code=PROCEDURE).order_by("code"))[:4]
    codes = [PROCEDURE] * 8 + [p.code for p in others]
    for index, code in enumerate(codes):
        dossier_receive(
            actor=officer,
            intake=IntakeInput(
                procedure_code=code,
                applicant=ApplicantInput(
                    kind=ApplicantKind.PERSON, name="Lê Thị Hoa", id_number="096185004321", phone="0987654321", address="Ấp 1"
                ),
                channel=Channel.IN_PERSON,
                idempotency_key=f"bench-ui-history-{index}",
            ),
        )


def _server() -> Any:
    from django.conf import settings
    from django.contrib.staticfiles.handlers import StaticFilesHandler
    from django.test.testcases import LiveServerThread

    settings.ALLOWED_HOSTS = ["localhost", "127.0.0.1"]
    server = LiveServerThread("localhost", StaticFilesHandler, port=0)
    server.daemon = True
    server.start()
    server.is_ready.wait()
    if server.error:
        raise server.error
    return server


def _walk(page: Any, base: str, tally: Tally, scan: str) -> tuple[str, float]:
    """The receipt, timed from the menu click to the opened BM.01."""
    page.goto(f"{base}/ho-so/")  # the previous applicant is done (not counted)
    started = time.perf_counter()

    tally.step()
    tally.click(page, "nav.main-nav a[href='/ho-so/tiep-nhan/']")
    page.wait_for_selector("#intake-form[data-enhanced] #procedure-search:focus")

    tally.step()  # the procedure: the unit's most-used first
    tally.key(page, "ArrowDown")
    page.wait_for_selector(f"#procedure-option-1[data-code='{PROCEDURE}'][aria-selected='true']")
    tally.key(page, "Enter")
    page.wait_for_selector("#checklist h2")
    page.wait_for_selector("#id_card_qr:focus")

    tally.step()  # the card: the scanner types it and ends with Enter
    page.keyboard.insert_text(CARD)
    page.keyboard.press("Enter")
    tally.scanner_keys += len(CARD) + 1
    page.wait_for_selector("#card-qr-status:has-text('Đã đọc thẻ')")

    tally.step()  # the papers brought: the declaration (with its scan) and the birth certificate
    tally.key(page, "Space")
    tally.key(page, "Tab")
    tally.key(page, "Tab")
    tally.key(page, "Space")
    page.locator("#checklist input[type=file]").first.set_input_files(
        {"name": "to-khai.pdf", "mimeType": "application/pdf", "buffer": SCAN_PDF}
    )
    tally.attachments += 1

    tally.step()  # the phone, which the card does not carry
    tally.click(page, "#id_applicant_phone")
    tally.type(page, PHONE)

    tally.step()  # receive, then print
    tally.key(page, "Control+Enter")
    page.wait_for_selector("#receipt-ready a:focus")
    with page.context.expect_page() as receipt_tab:
        tally.key(page, "Enter")
    receipt = receipt_tab.value
    receipt.wait_for_load_state()
    seconds = time.perf_counter() - started
    return receipt.url, seconds


def main() -> None:
    _setup.django_setup(name="intake_ui")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # Playwright's sync API runs an event loop here
    print(_setup.machine())
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        print("playwright is not installed: nothing measured")
        return
    chromium = os.environ.get("MOTCUA_CHROMIUM", "/usr/bin/chromium")
    if not os.path.exists(chromium):
        print(f"no Chromium at {chromium}: nothing measured")
        return
    _history()
    server = _server()
    base = f"http://localhost:{server.port}"
    tally = Tally()
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=chromium, headless=True, args=["--no-sandbox", "--disable-gpu"])
            context = browser.new_context(locale="vi-VN")
            page = context.new_page()
            page.set_default_timeout(20000)
            page.goto(f"{base}/dang-nhap/")
            page.fill("#id_username", OFFICER)
            page.fill("#id_password", _setup.DEMO_PASSWORD)
            page.click("main form button[type=submit]")
            page.wait_for_url(f"{base}/lam-viec/")
            receipt_url, seconds = _walk(page, base, tally, CARD)
            context.close()
            browser.close()
    finally:
        server.terminate()

    from motcua.dossiers.models import Dossier

    dossier = Dossier.objects.filter(applicant_id_number="096085004217").order_by("-id").first()
    human = tally.keys * KLM_KEY + tally.clicks * KLM_POINT_CLICK + tally.steps * KLM_MENTAL
    print(f"\nCounter intake of a birth registration ({PROCEDURE}) with a card scan")
    print(f"  dossier                 {dossier.code if dossier else '— not received —'}")
    print(f"  receipt opened          {receipt_url.removeprefix(base)}")
    if dossier is not None:
        documents = list(dossier.documents.all())
        scanned = sum(1 for d in documents if d.file)
        print(f"  documents               {len(documents)} ticked, {scanned} with its scan")
    print(f"  keystrokes              {tally.keys:4d}   (target ≤ {TARGET_KEYS})")
    print(f"  clicks                  {tally.clicks:4d}   (target ≤ {TARGET_CLICKS})")
    print(f"  scans attached          {tally.attachments:4d}   (apart from the target)")
    print(f"  scanner keys            {tally.scanner_keys:4d}   (typed by the USB scanner, not the officer)")
    print(f"  seconds, machine        {seconds:7.2f}")
    print(f"  seconds, KLM estimate   {human:7.1f}   ({tally.steps} steps; a person's time, for the 30-second aim)")
    print("  officer's input:        " + ", ".join(tally.log))


if __name__ == "__main__":
    main()
