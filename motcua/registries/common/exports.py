"""XLSX export of a registry (openpyxl write-only: flat memory; dates as real date cells shown
dd/mm/yyyy; text defused by ``core.exports.safe_row``)."""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from motcua.core.exports import safe_row

DATE_FORMAT = "DD/MM/YYYY"


def _cells(sheet: WriteOnlyWorksheet, values: Sequence[Any]) -> list[Any]:
    out: list[Any] = []
    for value in safe_row(list(values)):
        if isinstance(value, datetime):
            value = timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
        if isinstance(value, date):
            cell = WriteOnlyCell(sheet, value=value)
            cell.number_format = DATE_FORMAT if not isinstance(value, datetime) else "DD/MM/YYYY HH:MM"
            out.append(cell)
        else:
            out.append(value)
    return out


def xlsx_bytes(*, title: str, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=title[:31])
    sheet.append([str(h) for h in header])
    for row in rows:
        sheet.append(_cells(sheet, row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
