"""The periodic report as XLSX and as PDF (Typst), from ``selectors.one_stop_report``.

Both are official Vietnamese documents sent to the level above, so their text is Vietnamese
whatever the reader's language (as the one-stop forms, docs/slips.md). The XLSX is written in
openpyxl's write-only mode, its annex of dossiers streamed from the database: memory stays flat
whatever the number of rows. The PDF carries the same SVG chart as the page and is signed by
the unit's People's Committee when it holds a signing certificate.
"""

from __future__ import annotations

import io
import json
import threading
import unicodedata
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import typst
from django.utils import timezone, translation

from motcua.core.choices import AgencyKind
from motcua.core.exceptions import DomainError
from motcua.core.exports import safe_row, safe_text
from motcua.core.models import AdministrativeUnit, Agency
from motcua.dossiers.choices import Channel, DossierStatus, Timeliness
from motcua.reports.charts import settled_by_month_svg
from motcua.reports.selectors import Counts, OneStopReport

VN = ZoneInfo("Asia/Ho_Chi_Minh")
TEMPLATE_DIR = Path(__file__).resolve().parent / "typst"
TITLE = "BÁO CÁO TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH"
NOTE = (
    "Số liệu lấy từ hệ thống MotCua tại thời điểm lập báo cáo. Hồ sơ chờ công dân bổ sung không tính là quá hạn "
    "; hồ sơ đang giải quyết được xét tại ngày cuối kỳ theo ngày hẹn trả hiện hành."
)
DATE_FORMAT = "dd/mm/yyyy"
ANNEX_COLUMNS = [
    "Mã hồ sơ",
    "Mã thủ tục",
    "Tên thủ tục",
    "Lĩnh vực",
    "Kênh",
    "Ngày tiếp nhận",
    "Ngày hẹn trả",
    "Ngày kết thúc xử lý",
    "Trạng thái",
    "Kết quả",
]


def _nfc(value: Any) -> Any:
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value)
    if isinstance(value, list | tuple):
        return [_nfc(v) for v in value]
    if isinstance(value, dict):
        return {k: _nfc(v) for k, v in value.items()}
    return value


def _rate(counts: Counts) -> str:
    rate = counts.on_time_rate
    return "—" if rate is None else f"{rate:.1f}".replace(".", ",")


def _row(counts: Counts) -> list[Any]:
    return [
        counts.received,
        counts.carried,
        counts.online,
        counts.direct,
        counts.settled,
        counts.early,
        counts.on_time,
        counts.late,
        _rate(counts),
        counts.pending,
        counts.in_time,
        counts.overdue,
    ]


COLUMNS = [
    "Tổng số nhận giải quyết",
    "Từ kỳ trước",
    "Mới tiếp nhận trực tuyến",
    "Mới tiếp nhận trực tiếp, bưu chính",
    "Đã giải quyết",
    "Trước hạn",
    "Đúng hạn",
    "Quá hạn",
    "Tỷ lệ đúng hạn (%)",
    "Đang giải quyết",
    "Chưa đến hạn",
    "Quá hạn (đang giải quyết)",
]


def _petition_rows(report: OneStopReport) -> list[list[Any]]:
    p = report.petitions
    return [
        ["Phản ánh, kiến nghị tiếp nhận trong kỳ", p.received],
        ["— về quy định, chính sách, thủ tục", p.about_rules],
        ["— về hành vi của cán bộ, công chức", p.about_staff],
        ["— chưa phân loại", p.unclassified],
        ["Đã có trả lời được phê duyệt trong kỳ", p.answered],
        ["— trong đó đúng hạn (15 ngày làm việc)", p.answered_on_time],
        ["Không tiếp nhận (không đủ điều kiện)", p.refused],
        ["Đang xử lý", p.open_at_end],
    ]


def _rating_rows(report: OneStopReport) -> list[list[Any]]:
    r = report.ratings
    rate = "—" if r.satisfied_rate is None else f"{r.satisfied_rate:.1f}".replace(".", ",")
    return [
        ["Số lượt đánh giá", r.total],
        ["Rất hài lòng", r.by_level.get(5, 0)],
        ["Hài lòng", r.by_level.get(4, 0)],
        ["Bình thường", r.by_level.get(3, 0)],
        ["Không hài lòng", r.by_level.get(2, 0)],
        ["Rất không hài lòng", r.by_level.get(1, 0)],
        ["Tỷ lệ hài lòng, rất hài lòng (%)", rate],
    ]


def _place_date(unit: AdministrativeUnit, at: datetime) -> str:
    local = timezone.localtime(at, VN)
    return f"{unit.name}, ngày {local.day:02d} tháng {local.month:02d} năm {local.year}"


# --- PDF ----------------------------------------------------------------------------------------

_LOCK = threading.Lock()


@lru_cache(maxsize=1)
def _compiler() -> typst.Compiler:
    return typst.Compiler(root=str(TEMPLATE_DIR), ignore_system_fonts=True)


def render_report_pdf(report: OneStopReport, *, unit: AdministrativeUnit) -> bytes:
    with translation.override("vi"):
        chart = settled_by_month_svg(report.by_month)
        period = report.period.label
    parent = unit.parent.name if unit.parent is not None else "ỦY BAN NHÂN DÂN"
    data = {
        "title": TITLE,
        "unit_name": f"Ủy ban nhân dân {unit.name}" if not unit.name.lower().startswith("ủy ban") else unit.name,
        "parent_name": parent,
        "place_date": _place_date(unit, report.generated_at),
        "period": period,
        "sector_rows": [[str(i), row.name, *map(str, _row(row.counts))] for i, row in enumerate(report.by_sector, 1)],
        "total_row": [str(v) for v in _row(report.total)],
        "chart_svg": chart,
        "month_rows": [[bar.month.strftime("%m/%Y"), str(bar.early), str(bar.on_time), str(bar.late)] for bar in report.by_month],
        "petition_rows": [[label, str(value)] for label, value in _petition_rows(report)],
        "rating_rows": [[label, str(value)] for label, value in _rating_rows(report)],
        "note": NOTE,
    }
    payload = json.dumps(_nfc(data), ensure_ascii=False)
    with _LOCK:
        pdf = _compiler().compile(
            str(TEMPLATE_DIR / "one_stop.typ"),
            format="pdf",
            sys_inputs={"data": payload},
            timestamp=int(report.generated_at.timestamp()),
        )
    assert isinstance(pdf, bytes)
    return _signed(pdf, unit=unit, period=period)


def _signed(pdf: bytes, *, unit: AdministrativeUnit, period: str) -> bytes:
    """Signed by the unit's People's Committee when it can sign; else as it is (a province's
    summary has no such agency here, and a report is not refused for want of a certificate:
    the officer signs the paper copy)."""
    from motcua.core.signing import sign_pdf

    agency = Agency.objects.filter(unit=unit, kind=AgencyKind.PEOPLES_COMMITTEE).first()
    if agency is None:
        return pdf
    try:
        return sign_pdf(pdf, agency=agency, reason=f"Báo cáo kết quả giải quyết TTHC {period}")
    except DomainError:
        return pdf


# --- XLSX ---------------------------------------------------------------------------------------

_CHANNEL = {Channel.IN_PERSON: "Trực tiếp", Channel.ONLINE: "Trực tuyến", Channel.POSTAL: "Bưu chính"}
_TIMELINESS = {Timeliness.EARLY: "Trước hạn", Timeliness.ON_TIME: "Đúng hạn", Timeliness.LATE: "Quá hạn"}


def render_report_xlsx(report: OneStopReport, *, unit: AdministrativeUnit, dossiers: Iterable[tuple[Any, ...]]) -> bytes:
    """The workbook, written by XlsxWriter in constant-memory mode: each row goes to a temporary
    file as it is written, so memory stays flat whatever the annex's length (measured 2× faster
    than openpyxl's write-only mode on the annex's rows: docs/performance.md)."""
    import xlsxwriter

    with translation.override("vi"):
        period = report.period.label
        statuses = {s.value: str(s.label) for s in DossierStatus}
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False})
    workbook.set_properties({"title": f"{TITLE} {period}", "author": unit.name})
    bold = workbook.add_format({"bold": True})
    date_cell = workbook.add_format({"num_format": DATE_FORMAT})

    def sheet(name: str, header: list[str] | None = None, *, widths: tuple[int, ...] = ()) -> Any:
        ws = workbook.add_worksheet(name)
        for column, width in enumerate(widths):
            ws.set_column(column, column, width)
        ws.row = 0  # the next row to write (constant-memory mode writes rows in order)
        if header is not None:
            put(ws, header, bold)
        return ws

    def put(ws: Any, values: list[Any], style: Any = None) -> None:
        for column, value in enumerate(safe_row(values)):
            if value is None or value == "":
                continue
            if isinstance(value, str):
                ws.write_string(ws.row, column, value, style)
            else:
                ws.write(ws.row, column, value, style)
        ws.row += 1

    summary = sheet("Theo lĩnh vực", widths=(6, 40, *([12] * len(COLUMNS))))
    put(summary, [TITLE], bold)
    put(summary, [unit.name, period, _place_date(unit, report.generated_at)])
    summary.row += 1
    put(summary, ["STT", "Lĩnh vực", *COLUMNS], bold)
    for i, row in enumerate(report.by_sector, 1):
        put(summary, [i, row.name, *_row(row.counts)])
    put(summary, ["", "Tổng cộng", *_row(report.total)], bold)

    procedures = sheet("Theo thủ tục", ["STT", "Mã thủ tục", "Tên thủ tục", *COLUMNS], widths=(6, 12, 60))
    for i, row in enumerate(report.by_procedure, 1):
        put(procedures, [i, row.code, row.name, *_row(row.counts)])

    months = sheet("Theo tháng", ["Tháng", "Trước hạn", "Đúng hạn", "Quá hạn"])
    for bar in report.by_month:
        put(months, [bar.month.strftime("%m/%Y"), bar.early, bar.on_time, bar.late])

    voice = sheet("Phản ánh, đánh giá", ["Phản ánh, kiến nghị", "Số lượng"], widths=(50, 12))
    for label, value in _petition_rows(report):
        put(voice, [label, value])
    voice.row += 1
    put(voice, ["Đánh giá mức độ hài lòng", "Số lượng"], bold)
    for label, value in _rating_rows(report):
        put(voice, [label, value])

    annex = sheet("Danh sách hồ sơ", ANNEX_COLUMNS, widths=(30, 12, 50, 24, 12, 12, 12, 14, 28, 12))
    annex.freeze_panes(1, 0)
    write_string, write_datetime, row_number = annex.write_string, annex.write_datetime, 1
    offset = timedelta(hours=7)  # Asia/Ho_Chi_Minh has no daylight saving time: local = UTC + 7 h
    for code, procedure_code, procedure_name, sector, channel, received, due, finished, status, timeliness in dossiers:
        texts = (code, procedure_code, procedure_name, sector or "", _CHANNEL.get(channel, channel))
        for column, text in enumerate(texts):
            if text:
                write_string(row_number, column, safe_text(text))
        for column, instant in ((5, received), (6, due), (7, finished)):
            if instant is not None:
                write_datetime(row_number, column, (instant.astimezone(UTC) + offset).replace(tzinfo=None), date_cell)
        write_string(row_number, 8, statuses.get(status, status))
        if timeliness:
            write_string(row_number, 9, _TIMELINESS.get(timeliness, ""))
        row_number += 1
    workbook.close()
    return buffer.getvalue()
