"""The one-stop forms as PDF (and the tracking book as XLSX): RULES.md §1.5.

``render_slip_pdf`` prints BM.01–BM.04 and the stop notice from an issued ``Slip`` row (its
number and data are fixed at issue, in ``services._slip``) and BM.05 from the dossier's steps.
``render_tracking_book_pdf`` / ``render_tracking_book_xlsx`` print BM.06 for many dossiers.

Layout lives in Typst templates (``slip_templates/*.typ``); this module only gathers the data
and passes it as one JSON string (``sys.inputs.data``). The text of the forms is Vietnamese on
purpose: they are official Vietnamese documents, not user-interface strings. Every string is
normalised to NFC first, so decomposed (NFD) input prints exactly like precomposed input.

The Typst compiler (with its font book) is built once per process and reused; QR codes are
cached per address. See docs/slips.md for the fields, numbering, settings and measurements.
"""

from __future__ import annotations

import io
import json
import threading
import unicodedata
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path
from typing import Any, NamedTuple
from urllib.parse import quote
from zoneinfo import ZoneInfo

import numpy as np
import segno
import typst
from django.conf import settings
from django.contrib.auth.models import User
from django.db.models import OuterRef, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _
from numpy.typing import NDArray
from segno import encoder as segno_encoder

from motcua.core.choices import AgencyKind
from motcua.core.exceptions import DomainError
from motcua.core.exports import safe_row
from motcua.core.models import Agency
from motcua.core.signing import sign_pdf
from motcua.core.text import decimal_text
from motcua.core.urls_public import public_url
from motcua.dossiers import numbering
from motcua.dossiers.choices import ApplicantKind, DossierAction, ResultDelivery, SlipForm, StepStatus, Timeliness
from motcua.dossiers.exceptions import DossierErrorCode
from motcua.dossiers.models import CounterVisit, Dossier, DossierEvent, DossierStep, Slip

VN = ZoneInfo("Asia/Ho_Chi_Minh")
TEMPLATE_DIR = Path(__file__).resolve().parent / "slip_templates"

# The printed form label (top right). Decision 3621/QĐ-BYT numbers the forms BM.01–BM.06;
# Circular 03/2025 Annex I as read elsewhere numbers them 01–07 with the stop notice as 05
# (RULES.md §1.5), so the labels are a setting: MOTCUA_SLIP_FORM_LABELS = {"BM01": "Mẫu số 01", …}.
# An empty label prints nothing.
DEFAULT_FORM_LABELS: dict[str, str] = {
    SlipForm.RECEIPT.value: "BM.01",
    SlipForm.SUPPLEMENT.value: "BM.02",
    SlipForm.REFUSAL.value: "BM.03",
    SlipForm.APOLOGY.value: "BM.04",
    SlipForm.CONTROL_SHEET.value: "BM.05",
    SlipForm.TRACKING_BOOK.value: "BM.06",
    SlipForm.STOP_NOTICE.value: "",
}
DEFAULT_FONT = "Libertinus Serif"  # bundled in typst; full Vietnamese coverage (see docs/slips.md)

TITLES: dict[SlipForm, str] = {
    SlipForm.RECEIPT: "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ",
    SlipForm.SUPPLEMENT: "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ",
    SlipForm.REFUSAL: "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ",
    SlipForm.APOLOGY: "PHIẾU XIN LỖI VÀ ĐỀ NGHỊ GIA HẠN THỜI GIAN GIẢI QUYẾT",
    SlipForm.CONTROL_SHEET: "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ",
    SlipForm.TRACKING_BOOK: "SỔ THEO DÕI HỒ SƠ",
    SlipForm.STOP_NOTICE: "THÔNG BÁO DỪNG GIẢI QUYẾT HỒ SƠ",
}
_TEMPLATES: dict[SlipForm, str] = {
    SlipForm.RECEIPT: "bm01.typ",
    SlipForm.SUPPLEMENT: "bm02.typ",
    SlipForm.REFUSAL: "bm03.typ",
    SlipForm.APOLOGY: "bm04.typ",
    SlipForm.CONTROL_SHEET: "bm05.typ",
    SlipForm.TRACKING_BOOK: "bm06.typ",
    SlipForm.STOP_NOTICE: "stop.typ",
}
# The workflow action that issues each slip (its event names the officer who signs).
_ISSUING_ACTION: dict[SlipForm, DossierAction] = {
    SlipForm.RECEIPT: DossierAction.RECEIVE,
    SlipForm.SUPPLEMENT: DossierAction.REQUEST_SUPPLEMENT,
    SlipForm.REFUSAL: DossierAction.REFUSE,
    SlipForm.APOLOGY: DossierAction.APOLOGIZE,
    SlipForm.STOP_NOTICE: DossierAction.STOP,
}
_STEP_RESULT = {Timeliness.EARLY.value: "Trước hạn", Timeliness.ON_TIME.value: "Đúng hạn", Timeliness.LATE.value: "Quá hạn"}
_LEAD_TIME_UNIT = {"working_day": "ngày làm việc", "calendar_day": "ngày", "working_hour": "giờ làm việc", "hour": "giờ"}
# BM.06 "Phương thức nhận kết quả", from the delivery the applicant chose at receipt.
_DELIVERY = {
    ResultDelivery.IN_PERSON.value: "Trực tiếp",
    ResultDelivery.POSTAL.value: "Bưu chính công ích",
    ResultDelivery.ONLINE.value: "Trực tuyến",
}
BOOK_COLUMNS = (
    "STT",
    "Mã hồ sơ",
    "Tên thủ tục hành chính",
    "Tên cá nhân, tổ chức",
    "Địa chỉ, số điện thoại",
    "Cơ quan chủ trì giải quyết",
    "Nhận hồ sơ",
    "Hẹn trả kết quả",
    "Trả kết quả",
    "Phương thức nhận kết quả",
    "Ký nhận",
)


# --- Public API --------------------------------------------------------------------------------


def render_slip_pdf(*, dossier: Dossier, form: SlipForm, slip: Slip | None = None) -> bytes:
    """The PDF of one form of one dossier.

    BM.01–BM.04 and the stop notice print the issued ``slip`` (default: the latest of that form);
    ``DomainError(DossierErrorCode.SLIP_NOT_ISSUED, status 404)`` when the form was never issued for the dossier.
    BM.05 is built from the dossier's steps and needs no slip. BM.06 is not per dossier.
    """
    form = SlipForm(form)
    if form == SlipForm.TRACKING_BOOK:
        raise DomainError(
            DossierErrorCode.SLIP_FORM_NOT_PER_DOSSIER,
            _("The tracking book covers many dossiers; print it from the book page."),
            status_code=404,
        )
    if slip is not None and (slip.dossier_id != dossier.pk or slip.form != form):
        raise ValueError(f"slip {slip.pk} is not a {form.value} of dossier {dossier.pk}")
    if form == SlipForm.CONTROL_SHEET:
        if slip is None:  # the BM.05 issued at receipt carries the number (none before receipt)
            slip = Slip.objects.filter(dossier=dossier, form=form).order_by("-issued_at", "-id").first()
        return _compile(_TEMPLATES[form], _control_sheet_data(dossier, slip))
    if slip is None:
        slip = (
            Slip.objects.select_related("agency__unit__parent")
            .filter(dossier=dossier, form=form)
            .order_by("-issued_at", "-id")
            .first()
        )
    if slip is None:
        raise DomainError(
            DossierErrorCode.SLIP_NOT_ISSUED,
            _("No “%(form)s” has been issued for dossier %(code)s.") % {"form": form.label, "code": dossier.code},
            status_code=404,
        )
    builders = {
        SlipForm.RECEIPT: _receipt_data,
        SlipForm.SUPPLEMENT: _supplement_data,
        SlipForm.REFUSAL: _reason_data,
        SlipForm.APOLOGY: _apology_data,
        SlipForm.STOP_NOTICE: _reason_data,
    }
    return _compile(_TEMPLATES[form], builders[form](dossier, slip))


def render_visit_slip_pdf(*, visit: CounterVisit) -> bytes:
    """The slip of a counter visit: BM.02 for a guided supplement, BM.03 for a refusal to
    receive. There is no dossier code: BM.03 "Mã hồ sơ (nếu có)" stays empty and no look-up QR
    code is printed."""
    slip = visit.slips.order_by("-issued_at", "-id").select_related("agency__unit__parent").first()
    if slip is None:
        raise DomainError(DossierErrorCode.SLIP_NOT_ISSUED, _("No slip has been issued for this visit."), status_code=404)
    form = SlipForm(slip.form)
    data = _base_data(form=form, agency=slip.agency, number=slip.number, issued_at=slip.issued_at, code="")
    submitter = visit.representative_name or visit.applicant_name
    data.update(
        applicant=_applicant(visit),
        request=visit.request_summary,
        procedure_name=visit.procedure.name,
        officer=_person(visit.officer),
        submitter=submitter,
        issued_at=_time(slip.issued_at),
        received_at="",
        reason=str(slip.data.get("reason", "")),
        submission_ref="",
    )
    if form == SlipForm.SUPPLEMENT:
        data.update(items=[str(item) for item in slip.data.get("items", [])], contact_phone=slip.agency.phone)
    return _compile(_TEMPLATES[form], data)


def render_tracking_book_pdf(
    *, dossiers: Iterable[Dossier], agency: Agency, title_period: str, book_year: int | None = None
) -> bytes:
    """BM.06 as an A4 landscape PDF: one row per dossier, in the order given.

    ``book_year``: the year of the book (one per receiving agency per year, ``numbering``); it
    gives the header's number and "Quyển số". STT is each dossier's number in the book (its
    BM.01 "Số thứ tự"), or the row's position for a dossier without a receipt slip.
    """
    number = numbering.book_slip_number(book_year) if book_year else ""
    data = _base_data(form=SlipForm.TRACKING_BOOK, agency=agency, number=number, issued_at=timezone.now(), code="")
    data["period"] = (f"Quyển số: {numbering.book_number(book_year)} — " if book_year else "") + title_period
    data["rows"] = [[str(entry.book_serial or index), *row] for index, (entry, row) in enumerate(_book_rows(dossiers), start=1)]
    return _compile(_TEMPLATES[SlipForm.TRACKING_BOOK], data)


def render_tracking_book_xlsx(*, dossiers: Iterable[Dossier], agency: Agency, title_period: str) -> bytes:
    """BM.06 as a spreadsheet: the header row, then one row per dossier (times as real dates).

    Written with openpyxl in write-only mode (constant memory); for very large books call it from
    a background task, not a request (DESIGN.md: 100k rows take 12–18 s).
    """
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font

    workbook = Workbook(write_only=True)
    workbook.properties.title = _nfc(f"{TITLES[SlipForm.TRACKING_BOOK]} — {agency.name} — {title_period}")
    workbook.properties.creator = _nfc(agency.name)
    sheet = workbook.create_sheet("Sổ theo dõi hồ sơ")
    sheet.freeze_panes = "A2"
    for column, width in zip("ABCDEFGHIJK", (6, 30, 40, 24, 34, 28, 17, 17, 17, 16, 12), strict=True):
        sheet.column_dimensions[column].width = width
    bold = Font(bold=True)
    header = []
    for title in BOOK_COLUMNS:
        cell = WriteOnlyCell(sheet, value=title)
        cell.font = bold
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        header.append(cell)
    sheet.append(header)
    time_format = "hh:mm dd/mm/yyyy"
    for index, entry in enumerate(_book_entries(dossiers), start=1):
        values: list[Any] = [entry.book_serial or index, *entry[:5]]
        for instant in (entry.received_at, entry.due_at, entry.returned_at):
            if instant is None:
                values.append(None)
                continue
            cell = WriteOnlyCell(sheet, value=timezone.localtime(instant, VN).replace(tzinfo=None))
            cell.number_format = time_format
            values.append(cell)
        values += [entry.delivery, None]
        sheet.append(safe_row(values))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def form_label(form: SlipForm) -> str:
    """The printed label of a form: ``settings.MOTCUA_SLIP_FORM_LABELS`` over the defaults."""
    labels: dict[str, str] = getattr(settings, "MOTCUA_SLIP_FORM_LABELS", None) or {}
    return str(labels.get(SlipForm(form).value, DEFAULT_FORM_LABELS[SlipForm(form).value]))


def lookup_url(code: str) -> str:
    """The public look-up address a slip's QR code holds."""
    return public_url("/tra-cuu/?code=" + quote(code, safe=""))


# --- Typst -------------------------------------------------------------------------------------

_LOCK = threading.Lock()


@lru_cache(maxsize=4)
def _compiler(font_paths: tuple[str, ...]) -> typst.Compiler:
    """One compiler per process (per font set): it loads the fonts once and memoises the
    parsed templates between compilations. System fonts are ignored, so output is the same on
    every machine."""
    return typst.Compiler(root=str(TEMPLATE_DIR), font_paths=list(font_paths), ignore_system_fonts=True)


def _compile(template: str, data: dict[str, Any]) -> bytes:
    font_paths = tuple(str(p) for p in getattr(settings, "MOTCUA_SLIP_FONT_PATHS", ()) or ())
    payload = json.dumps(_nfc_all(data), ensure_ascii=False)
    # A fixed creation time (the issue time) keeps the bytes of a re-printed slip identical.
    issued: datetime | None = data.get("_timestamp")
    stamp = int(issued.timestamp()) if issued is not None else None
    with _LOCK:  # the compiler is not shared across threads at once
        pdf = _compiler(font_paths).compile(
            str(TEMPLATE_DIR / template), format="pdf", sys_inputs={"data": payload}, timestamp=stamp
        )
    assert isinstance(pdf, bytes)
    # RULES.md §1.5: every electronic form carries the issuing agency's digital signature.
    reason = " ".join(part for part in (data["title"].capitalize(), data["number"] and f"số {data['number']}") if part)
    return sign_pdf(pdf, agency=data["_agency"], reason=_nfc(reason))


@lru_cache(maxsize=2048)
def _qr_svg(url: str) -> str:
    """The QR code of ``url`` as SVG (level M, raised when it fits in the same version)."""
    buffer = io.BytesIO()
    qr_code(url).save(buffer, kind="svg", xmldecl=False, border=0)
    return buffer.getvalue().decode()


@lru_cache(maxsize=256)
def qr_svg(url: str) -> str:
    """The QR code of ``url`` as SVG for a page (the kiosk's phone link): a ``viewBox`` and no
    fixed size, so CSS sizes it, and the standard quiet zone of 4 modules."""
    buffer = io.BytesIO()
    qr_code(url).save(buffer, kind="svg", xmldecl=False, border=4, omitsize=True, light="#fff")
    return buffer.getvalue().decode()


# --- QR codes: segno, with a faster choice of the data mask ------------------------------------
#
# segno picks the mask the standard way (ISO/IEC 18004:2015 §7.8.3: the lowest penalty of the
# eight), in pure Python: ~1 ms a mask, so ~8–10 ms a code, the largest part of a new receipt.
# ``qr_code`` makes the same symbol faster: segno encodes it once with mask 0; the eight masked
# matrices are derived from it with numpy and scored with segno's exact rules; segno then makes
# the symbol with the winning mask. Tests check it equals ``segno.make`` for many inputs; any
# surprise falls back to ``segno.make``. Relies on segno.encoder helpers (pin segno to 1.6.x).


def qr_code(url: str) -> segno.QRCode:
    """``segno.make(url, error="m", micro=False)``, with the mask chosen ~3× faster."""
    first = segno.make(url, error="m", micro=False, mask=0)
    try:
        best = _best_mask(first)
    except Exception:  # the helper relies on segno internals: never fail a slip because of it
        return segno.make(url, error="m", micro=False)
    return first if best == 0 else segno.make(url, error="m", micro=False, mask=best)


@lru_cache(maxsize=8)
def _mask_layout(size: int) -> tuple[NDArray[np.bool_], NDArray[np.uint8], NDArray[np.uint8]]:
    """For a symbol of ``size`` modules: the data region, the function modules as segno has them
    while it evaluates masks (format and version areas light), and the eight mask patterns."""
    encoder: Any = segno_encoder  # segno's helpers are untyped

    function = encoder.make_matrix(size, size)
    encoder.add_finder_patterns(function, size, size)
    encoder.add_alignment_patterns(function, size, size)
    values = np.array([list(row) for row in function], dtype=np.uint8)
    region = values > 1
    region[-8, 8] = False  # the dark module is not data
    base = np.where(region, 0, values).astype(np.uint8)
    masks = np.array(
        [[[int(fn(i, j)) for j in range(size)] for i in range(size)] for fn in encoder.get_data_mask_functions(False)],
        dtype=np.uint8,
    )
    return region, base, masks & region


def _best_mask(code: segno.QRCode) -> int:
    final = np.array([list(row) for row in code.matrix], dtype=np.uint8)
    size = final.shape[0]
    region, base, masks = _mask_layout(size)
    data = np.where(region, final ^ masks[code.mask], 0).astype(np.uint8)
    scores = [_penalty(np.where(region, data ^ mask, base).astype(np.uint8)) for mask in masks]
    return int(np.argmin(scores))  # the first of equal scores, as segno does


def _penalty(m: NDArray[np.uint8]) -> int:
    """segno.encoder.mask_scores (N1 + N2 + N3 + N4) on a numpy matrix."""
    size = m.shape[0]

    def runs(a: NDArray[np.uint8]) -> int:  # N1: each run of 5 + i same-colour modules in a row costs 3 + i
        edges = np.ones((a.shape[0], a.shape[1] + 1), dtype=bool)
        edges[:, 1:-1] = a[:, 1:] != a[:, :-1]
        lengths = np.diff(np.flatnonzero(edges.ravel()))
        return int(np.sum(lengths[lengths >= 5] - 2))

    same = (m[:-1, :-1] == m[1:, :-1]) & (m[:-1, :-1] == m[:-1, 1:]) & (m[:-1, :-1] == m[1:, 1:])
    by_rows, by_cols = m.tobytes(), m.T.tobytes()
    n3 = sum(_finder_like(lines[k : k + size], size) for lines in (by_rows, by_cols) for k in range(0, size * size, size))
    dark = int(m.sum()) / (size * size)
    return runs(m) + runs(m.T) + 3 * int(same.sum()) + n3 + 10 * int(abs(dark * 100 - 50) / 5)


_N3 = bytes((1, 0, 1, 1, 1, 0, 1))


def _finder_like(seq: bytes, size: int) -> int:
    """N3, exactly as segno counts it: 1:1:3:1:1 with 4 light modules on one side."""
    count = 0
    idx = seq.find(_N3)
    while idx != -1:
        offset = idx + 7
        if idx in (0, size - 7) or not any(seq[max(idx - 4, 0) : min(idx, size)]) or not any(seq[offset : min(offset + 4, size)]):
            count += 40
        else:
            offset = idx + 4
        idx = seq.find(_N3, offset)
    return count


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def _nfc_all(value: Any) -> Any:
    if isinstance(value, str):
        return _nfc(value)
    if isinstance(value, dict):
        return {k: _nfc_all(v) for k, v in value.items() if not k.startswith("_")}
    if isinstance(value, list | tuple):
        return [_nfc_all(v) for v in value]
    return value


# --- Formatting --------------------------------------------------------------------------------


def _time(instant: datetime | None) -> str:
    """``HH:MM dd/mm/yyyy`` in Vietnam time (empty when unknown)."""
    return timezone.localtime(instant, VN).strftime("%H:%M %d/%m/%Y") if instant else ""


def _iso_time(value: Any) -> str:
    if not value:
        return ""
    try:
        instant = datetime.fromisoformat(str(value))
    except ValueError:
        return str(value)
    return _time(instant if timezone.is_aware(instant) else timezone.make_aware(instant, VN))


def _place_date(agency: Agency, day: date) -> str:
    return f"{agency.unit.short_name or agency.unit.name}, ngày {day:%d} tháng {day:%m} năm {day:%Y}"


def _person(user: User | None) -> str:
    if user is None:
        return ""
    return user.get_full_name().strip() or user.get_username()


def _number_text(value: Decimal) -> str:
    return decimal_text(value)  # Vietnamese whatever the active language: an official form


def lead_time_text(dossier: Dossier) -> str:
    """The statutory time as printed on BM.01 ("5 ngày làm việc"), from the procedure as it was
    at receipt. Vietnamese whatever the active language: it is the text of an official form."""
    snapshot = dossier.procedure_snapshot or {}
    raw, unit = snapshot.get("lead_time_value"), snapshot.get("lead_time_unit") or ""
    if raw is None:
        raw, unit = dossier.procedure.lead_time_value, dossier.procedure.lead_time_unit
    if unit == "same_day":  # RULES.md §1.6: its own unit, printed without a number
        return "Trong ngày"
    try:
        value = Decimal(str(raw)) if raw is not None else None
    except InvalidOperation:
        value = None
    if value is None or not unit:
        return ""
    text = f"{_number_text(value)} {_LEAD_TIME_UNIT.get(unit, unit)}"
    reason = snapshot.get("lead_time_reason")
    if reason:  # the catalogue had no time limit: the receiving officer set it (RULES.md §1.6)
        text += f" (do cán bộ tiếp nhận xác định: {reason})"
    return text


def _agency_lines(agency: Agency) -> list[str]:
    """Left header (RULES.md §1.5, Decree 30/2020): the governing body, then the issuing agency.

    A commune (or provincial) public-service centre prints two lines, "UBND XÃ PHÚ TÂN" /
    "TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG": the People's Committee that set it up, then the centre
    (its name without the unit, which the first line already says). Any other agency prints the
    governing People's Committee (for a committee, the one of the unit above) and its name; a
    one-stop desk that is not a centre adds BỘ PHẬN TIẾP NHẬN VÀ TRẢ KẾT QUẢ.
    """
    unit = agency.unit
    if agency.kind == AgencyKind.SERVICE_CENTRE:
        return [f"UBND {unit.name}", _without_unit(agency.name, unit.name, unit.short_name)]
    governing_unit = unit
    if agency.kind == AgencyKind.PEOPLES_COMMITTEE and unit.parent is not None:
        governing_unit = unit.parent
    lines = [f"Ủy ban nhân dân {governing_unit.name}", agency.name]
    if agency.is_one_stop_desk:
        lines.append("Bộ phận tiếp nhận và trả kết quả")
    return lines


def _without_unit(name: str, *unit_names: str) -> str:
    """ "Trung tâm Phục vụ hành chính công xã Phú Tân" → "Trung tâm Phục vụ hành chính công"."""
    folded = _nfc(name).casefold()
    for unit_name in unit_names:
        tail = " " + _nfc(unit_name).casefold()
        if unit_name and folded.endswith(tail) and len(folded) > len(tail):
            return name[: len(name) - len(tail)].rstrip(" ,-")
    return name


def _base_data(*, form: SlipForm, agency: Agency, number: str, issued_at: datetime, code: str) -> dict[str, Any]:
    url = lookup_url(code) if code else ""
    return {
        "font": str(getattr(settings, "MOTCUA_SLIP_FONT", DEFAULT_FONT) or DEFAULT_FONT),
        "title": TITLES[form],
        "label": form_label(form),
        "agency_lines": _agency_lines(agency),
        "agency_name": agency.name,
        "number": number,
        "place_date": _place_date(agency, timezone.localtime(issued_at, VN).date()),
        "code": code,
        "lookup_url": url,
        "qr_svg": _qr_svg(url) if url else "",
        "_timestamp": issued_at,
        "_agency": agency,  # the signer (core.signing)
    }


def _applicant(dossier: Dossier | CounterVisit) -> dict[str, str]:
    person = dossier.applicant_kind == ApplicantKind.PERSON
    return {
        "name_label": "Ông/Bà" if person else "Tổ chức",
        "name": dossier.applicant_name,
        "id_label": "Số định danh cá nhân" if person else "Mã số thuế",
        "id_number": dossier.applicant_id_number,
        "address": dossier.applicant_address,
        "phone": dossier.applicant_phone,
        "email": dossier.applicant_email,
    }


def _officer(dossier: Dossier, slip: Slip, form: SlipForm) -> str:
    """The person who issued the slip: the actor of the event written in the same action."""
    event = (
        DossierEvent.objects.select_related("actor")
        .filter(dossier=dossier, action=_ISSUING_ACTION[form], at=slip.issued_at)
        .order_by("-seq")
        .first()
    )
    if event is None:
        return ""
    return _person(event.actor) or event.actor_label


def _slip_data(dossier: Dossier, slip: Slip, form: SlipForm) -> dict[str, Any]:
    data = _base_data(form=form, agency=slip.agency, number=slip.number, issued_at=slip.issued_at, code=dossier.code)
    provisional = numbering.is_submission_ref(dossier.code)
    data.update(
        # An online submission refused or stopped before receipt has no code (BM.03: "Mã hồ sơ
        # (nếu có)"): its submission reference prints on its own line.
        code="" if provisional else dossier.code,
        submission_ref=dossier.submission_ref if provisional else "",
        applicant=_applicant(dossier),
        request=dossier.request_summary,
        procedure_name=str((dossier.procedure_snapshot or {}).get("name") or dossier.procedure.name),
        officer=_officer(dossier, slip, form),
        submitter=dossier.representative_name or dossier.applicant_name,
        issued_at=_time(slip.issued_at),
        received_at=_time(dossier.received_at),
    )
    return data


def _return_place(dossier: Dossier) -> str:
    """BM.01 "Nhận kết quả tại": where, or how, the applicant chose to receive the result."""
    if dossier.result_delivery == ResultDelivery.POSTAL:
        return _nfc(f"qua dịch vụ bưu chính công ích, tại địa chỉ: {dossier.applicant_address or '(chưa ghi)'}")
    if dossier.result_delivery == ResultDelivery.ONLINE:
        return "trực tuyến, vào kho dữ liệu của tổ chức, cá nhân trên Cổng Dịch vụ công quốc gia"
    receiving = dossier.receiving_agency
    return ", ".join(part for part in (receiving.name, receiving.address) if part)


def _receipt_data(dossier: Dossier, slip: Slip) -> dict[str, Any]:
    data = _slip_data(dossier, slip, SlipForm.RECEIPT)
    documents = [d.name for d in dossier.documents.all() if d.submitted and not d.is_result]
    data.update(
        representative=(
            {
                "name": dossier.representative_name,
                "id_number": dossier.representative_id_number,
                "authorisation": dossier.authorisation_note,
            }
            if dossier.representative_name
            else None
        ),
        documents=documents,
        sets=f"{dossier.sets_count:02d}",
        lead_time=lead_time_text(dossier),
        received_at=_time(dossier.received_at or slip.issued_at),
        # The appointment as printed at receipt; later moves are on BM.02/BM.04.
        due_at=_iso_time(slip.data.get("due_at")) or _time(dossier.original_due_at or dossier.due_at),
        return_place=_return_place(dossier),
        book=str(slip.data.get("book") or numbering.book_number(slip.year)),
        book_serial=str(slip.data.get("book_serial") or slip.serial),
    )
    return data


def _supplement_data(dossier: Dossier, slip: Slip) -> dict[str, Any]:
    data = _slip_data(dossier, slip, SlipForm.SUPPLEMENT)
    data.update(
        items=[str(item) for item in slip.data.get("items", [])],
        reason=str(slip.data.get("reason", "")),
        contact_phone=slip.agency.phone,
    )
    return data


def _reason_data(dossier: Dossier, slip: Slip) -> dict[str, Any]:
    """BM.03 (refusal) and the stop notice: the common fields and the stated reason."""
    data = _slip_data(dossier, slip, SlipForm(slip.form))
    data["reason"] = str(slip.data.get("reason", ""))
    return data


def _apology_data(dossier: Dossier, slip: Slip) -> dict[str, Any]:
    data = _slip_data(dossier, slip, SlipForm.APOLOGY)
    received = dossier.received_at or slip.issued_at
    data.update(
        reason=str(slip.data.get("reason", "")),
        old_due_at=_iso_time(slip.data.get("old_due_at")),
        new_due_at=_iso_time(slip.data.get("new_due_at")),
        received_date=f"{timezone.localtime(received, VN):%d/%m/%Y}",
        receiving_agency_name=dossier.receiving_agency.name,
    )
    return data


def _control_sheet_data(dossier: Dossier, slip: Slip | None) -> dict[str, Any]:
    """BM.05: one row per hand-over (each step), plus the hand-back to the one-stop desk once
    the last step is done."""
    steps = list(
        DossierStep.objects.filter(dossier=dossier)
        .select_related("agency", "handed_over_by", "received_by", "completed_by")
        .order_by("position")
    )
    receipt = Slip.objects.filter(dossier=dossier, form=SlipForm.RECEIPT).order_by("issued_at", "id").only("number").first()
    receiving = dossier.receiving_agency
    issued_at = slip.issued_at if slip is not None else timezone.now()
    data = _base_data(
        form=SlipForm.CONTROL_SHEET, agency=receiving, number=slip.number if slip else "", issued_at=issued_at, code=dossier.code
    )
    rows = _handover_rows(dossier, steps)
    rows += [
        {
            "unit": step.agency.name,
            "step_due": _time(step.due_at),
            "given_at": _time(step.started_at),
            "given_by": _person(step.handed_over_by),
            "received_at": _time(step.started_at),
            "received_by": _person(step.received_by),
            "result": _STEP_RESULT.get(step.timeliness, ""),
            "note": step.note,
        }
        for step in steps
    ]
    last = steps[-1] if steps else None
    if last is not None and last.status == StepStatus.DONE and last.completed_at is not None:
        ready = (
            DossierEvent.objects.select_related("actor")
            .filter(dossier=dossier, action=DossierAction.MARK_READY, at__gte=last.completed_at)
            .order_by("seq")
            .first()
        )
        rows.append(
            {
                "unit": receiving.name,
                "step_due": "",
                "given_at": _time(last.completed_at),
                "given_by": _person(last.completed_by),
                "received_at": _time(ready.at) if ready else "",
                "received_by": (_person(ready.actor) or ready.actor_label) if ready else "",
                "result": _STEP_RESULT.get(dossier.timeliness, ""),
                "note": "",
            }
        )
    coordinating = sorted({s.agency.name for s in steps if s.agency_id != dossier.deciding_agency_id})
    data.update(
        applicant=_applicant(dossier),
        receipt_number=receipt.number if receipt else "",
        deciding_agency_name=dossier.deciding_agency.name,
        coordinating="; ".join(coordinating),
        received_at=_time(dossier.received_at),
        due_at=_time(dossier.due_at),
        rows=rows,
        transferred=bool(steps),
    )
    return data


def _handover_rows(dossier: Dossier, steps: list[DossierStep]) -> list[dict[str, Any]]:
    """The first row: the one-stop desk's hand-over to the competent agency against its own
    deadline (RULES.md §1.4 row 4), judged when the first transfer recorded it."""
    if dossier.handover_due_at is None:
        return []
    transfer = (
        DossierEvent.objects.select_related("actor")
        .filter(dossier=dossier, action=DossierAction.TRANSFER)
        .order_by("seq")
        .first()
    )
    first = steps[0] if steps else None
    desk = dossier.receiving_agency.name
    return [
        {
            "unit": f"{desk} → {first.agency.name}" if first is not None else desk,
            "step_due": _time(dossier.handover_due_at),
            "given_at": _time(transfer.at) if transfer else "",
            "given_by": (_person(transfer.actor) or transfer.actor_label) if transfer else "",
            "received_at": _time(transfer.at) if transfer else "",
            "received_by": _person(first.received_by) if first is not None else "",
            "result": _STEP_RESULT.get(transfer.payload.get("handover_timeliness", ""), "") if transfer else "",
            "note": "Chuyển hồ sơ đến cơ quan giải quyết",
        }
    ]


# --- Tracking book -----------------------------------------------------------------------------


class _BookEntry(NamedTuple):
    """One dossier's line in BM.06 (text already in NFC; times as instants)."""

    code: str
    procedure: str
    applicant: str
    contact: str
    lead_agency: str
    received_at: datetime | None
    due_at: datetime | None
    returned_at: datetime | None
    delivery: str
    book_serial: int | None  # its number in the tracking book (BM.01 "Số thứ tự")


_BOOK_VALUES = (
    "code",
    "procedure_snapshot__name",
    "procedure__name",
    "applicant_name",
    "applicant_address",
    "applicant_phone",
    "deciding_agency__name",
    "received_at",
    "due_at",
    "returned_at",
    "result_delivery",
    "book_serial",
)


def _book_entry(
    code: str,
    snapshot_name: Any,
    procedure_name: str,
    name: str,
    address: str,
    phone: str,
    lead: str,
    received: datetime | None,
    due: datetime | None,
    returned: datetime | None,
    delivery: str,
    book_serial: int | None,
) -> _BookEntry:
    contact = ", ".join(part for part in (address, phone) if part)
    return _BookEntry(
        _nfc(code),
        _nfc(str(snapshot_name or procedure_name)),
        _nfc(name),
        _nfc(contact),
        _nfc(lead),
        received,
        due,
        returned,
        _DELIVERY.get(delivery, ""),
        book_serial,
    )


def _receipt_serial() -> Subquery:
    return Subquery(
        Slip.objects.filter(dossier=OuterRef("pk"), form=SlipForm.RECEIPT).order_by("issued_at", "id").values("serial")[:1]
    )


def _book_entries(dossiers: Iterable[Dossier]) -> Iterator[_BookEntry]:
    """A queryset is read as plain values in chunks (no model instances); any other iterable of
    dossiers is read attribute by attribute (their book numbers in one query per 2,000)."""
    if isinstance(dossiers, QuerySet):
        rows = dossiers.annotate(book_serial=_receipt_serial()).values_list(*_BOOK_VALUES)
        for values in rows.iterator(chunk_size=2000):
            yield _book_entry(*values)
        return
    batch: list[Dossier] = []
    for d in dossiers:
        batch.append(d)
        if len(batch) == 2000:
            yield from _book_batch(batch)
            batch = []
    yield from _book_batch(batch)


def _book_batch(batch: list[Dossier]) -> Iterator[_BookEntry]:
    if not batch:
        return
    serials = dict(
        Slip.objects.filter(dossier_id__in=[d.pk for d in batch], form=SlipForm.RECEIPT)
        .order_by("dossier_id", "-issued_at", "-id")
        .values_list("dossier_id", "serial")
    )
    for d in batch:
        snapshot_name = (d.procedure_snapshot or {}).get("name")
        yield _book_entry(
            d.code,
            snapshot_name,
            "" if snapshot_name else d.procedure.name,
            d.applicant_name,
            d.applicant_address,
            d.applicant_phone,
            d.deciding_agency.name,
            d.received_at,
            d.due_at,
            d.returned_at,
            d.result_delivery,
            serials.get(d.pk),
        )


def _book_rows(dossiers: Iterable[Dossier]) -> Iterator[tuple[_BookEntry, list[str]]]:
    for entry in _book_entries(dossiers):
        yield (
            entry,
            [
                *entry[:5],
                _time(entry.received_at),
                _time(entry.due_at),
                _time(entry.returned_at),
                entry.delivery,
                "",
            ],
        )
