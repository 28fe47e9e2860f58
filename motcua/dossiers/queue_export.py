"""The queue's XLSX export: the current list (tab or search, filter, sort), every page.

The rows come from ``selectors.dossier_list_export`` (scoped and audited); this module only
writes them, with openpyxl in write-only mode (constant memory), dates as real date cells shown
dd/mm/yyyy, text through ``core.exports.safe_row`` (no formula injection).
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from typing import Any
from zoneinfo import ZoneInfo

from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.core.exports import safe_row
from motcua.dossiers.models import Dossier

VN = ZoneInfo("Asia/Ho_Chi_Minh")
DATE_FORMAT = "dd/mm/yyyy"


def queue_columns() -> list[str]:
    """The header, in the reader's language (the queue table's columns)."""
    return [_("Code"), _("Applicant"), _("Procedure"), _("Received on"), _("Due"), _("Status"), _("Officer")]


def render_queue_xlsx(*, dossiers: Iterable[Dossier], title: str) -> bytes:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    workbook.properties.title = title
    sheet = workbook.create_sheet(_("Dossiers")[:31])
    sheet.freeze_panes = "A2"
    for column, width in zip("ABCDEFG", (30, 28, 50, 12, 12, 28, 24), strict=True):
        sheet.column_dimensions[column].width = width
    bold = Font(bold=True)
    header = []
    for text in queue_columns():
        cell = WriteOnlyCell(sheet, value=text)
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    for dossier in dossiers:
        values: list[Any] = [dossier.code, dossier.applicant_name, dossier.procedure.name]
        for instant in (dossier.received_at, dossier.due_at):
            if instant is None:
                values.append(None)
                continue
            cell = WriteOnlyCell(sheet, value=timezone.localtime(instant, VN).date())
            cell.number_format = DATE_FORMAT
            values.append(cell)
        officer = dossier.assigned_to
        values += [dossier.get_status_display(), (officer.get_full_name() or officer.get_username()) if officer else ""]
        sheet.append(safe_row(values))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
