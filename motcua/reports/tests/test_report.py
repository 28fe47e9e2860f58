"""The periodic one-stop report's counts on a hand-built quarter (docs/reports.md; RULES.md
§1.6 for early / on time / late and the supplement rule)."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from motcua.core.models import AuditEvent
from motcua.core.periods import parse_period
from motcua.core.tests.factories import current_unit
from motcua.dossiers.choices import Timeliness
from motcua.reports.render import render_report_pdf, render_report_xlsx
from motcua.reports.selectors import one_stop_report, report_dossier_rows
from motcua.reports.tests.conftest import Quarter, timeliness

pytestmark = pytest.mark.django_db
Q1 = parse_period("2026-Q1")


def test_the_clock_judged_the_hand_built_cases_as_intended(quarter: Quarter) -> None:
    """RULES.md §1.6: early before the appointment day, on time on it, late after it."""
    c = quarter.codes
    assert timeliness(c["A"]) == Timeliness.EARLY
    assert timeliness(c["B"]) == Timeliness.LATE
    assert timeliness(c["C"]) == Timeliness.LATE
    assert timeliness(c["D"]) == Timeliness.ON_TIME


def test_the_quarter_counts_received_settled_and_pending_as_the_report_form_does(quarter: Quarter) -> None:
    """Received = carried over (C) + new online (H) + new directly (A, B, D, E, F, G); settled =
    A early, D on time, B and C late; pending E and H overdue, F not yet due, and G waiting for
    the applicant, never overdue (RULES.md §1.6). I ended before the quarter; the other
    commune's dossier is not Phú Tân's."""
    report = one_stop_report(user=None, unit=current_unit("32218"), period=Q1)
    t = report.total
    assert (t.carried, t.online, t.direct, t.received) == (1, 1, 6, 8)
    assert (t.settled, t.early, t.on_time, t.late) == (4, 1, 1, 2)
    assert (t.pending, t.overdue, t.in_time) == (4, 2, 2)
    assert t.on_time_rate == 50.0
    assert [row.name for row in report.by_sector] == ["Hộ tịch"]
    assert report.by_sector[0].counts == t
    assert [(bar.month.month, bar.early, bar.on_time, bar.late) for bar in report.by_month] == [
        (1, 1, 0, 2),
        (2, 0, 1, 0),
        (3, 0, 0, 0),
    ]


def test_the_petitions_received_in_the_quarter_are_counted(quarter: Quarter) -> None:
    report = one_stop_report(user=None, unit=current_unit("32218"), period=Q1)
    assert report.petitions.received == 1
    assert report.petitions.open_at_end == 2  # December's too: still open at the end of March


def test_a_province_report_sums_its_communes(quarter: Quarter) -> None:
    province = current_unit("32218").parent
    assert province is not None
    report = one_stop_report(user=None, unit=province, period=Q1)
    assert report.total.received == 9  # Phú Tân's eight and the other commune's one


def test_the_annex_lists_exactly_the_counted_dossiers(quarter: Quarter) -> None:
    rows = list(report_dossier_rows(user=None, unit=current_unit("32218"), period=Q1))
    c = quarter.codes
    assert sorted(row[0] for row in rows) == sorted(c[k] for k in "ABCDEFGH")


def test_the_xlsx_holds_the_summary_and_the_annex_in_vietnamese(quarter: Quarter) -> None:
    unit = current_unit("32218")
    report = one_stop_report(user=None, unit=unit, period=Q1)
    data = render_report_xlsx(report, unit=unit, dossiers=report_dossier_rows(user=None, unit=unit, period=Q1))
    book = load_workbook(io.BytesIO(data), read_only=True)
    assert book.sheetnames == ["Theo lĩnh vực", "Theo thủ tục", "Theo tháng", "Phản ánh, đánh giá", "Danh sách hồ sơ"]
    summary = [row for row in book["Theo lĩnh vực"].iter_rows(values_only=True)]
    assert summary[-1][1] == "Tổng cộng"
    assert summary[-1][2:6] == (8, 1, 1, 6)
    annex = list(book["Danh sách hồ sơ"].iter_rows(values_only=True))
    assert len(annex) == 1 + 8
    assert annex[1][5].strftime("%d/%m/%Y") == "15/12/2025"  # the oldest receipt first, a real date


def test_the_pdf_is_a_report_with_the_chart(quarter: Quarter) -> None:
    unit = current_unit("32218")
    pdf = render_report_pdf(one_stop_report(user=None, unit=unit, period=Q1), unit=unit)
    assert pdf.startswith(b"%PDF")
    from pypdf import PdfReader

    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "BÁO CÁO TÌNH HÌNH" in text.replace("\n", " ") or "BÁO CÁO" in text
    assert "Quý I năm 2026" in text or "Quarter" not in text


def test_the_report_command_writes_the_file_and_an_audit_row(quarter: Quarter, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from django.core.management import call_command

    before = AuditEvent.objects.unrestricted("test").filter(action="report.export").count()
    target = tmp_path / "q1.xlsx"
    call_command("report", unit="32218", period="2026-Q1", format="xlsx", output=str(target))
    assert load_workbook(target, read_only=True).sheetnames[0] == "Theo lĩnh vực"
    assert AuditEvent.objects.unrestricted("test").filter(action="report.export").count() == before + 1


@pytest.mark.parametrize("period", ["2026-Q5", "26", "2026-13", "1999"])
def test_the_report_command_refuses_a_bad_period_with_a_clear_message(period: str, db: None) -> None:
    from django.core.management import call_command
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="2026-Q3"):
        call_command("report", unit="32218", period=period)
