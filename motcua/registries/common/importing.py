"""Spreadsheet import for every registry (docs/registries.md, issue 13 item 1).

A registry declares its columns (:class:`Column`) in a :class:`RegistryDefinition`. An import
reads the first sheet of an XLSX/XLS/ODS file (python-calamine: formulas give their cached
values, dates come as dates) or a CSV file (UTF-8, comma or semicolon), and runs in two passes
over the rows so that memory stays flat at 100,000 rows:

1. **validate** every row: each cell parsed by its column's kind (dates as text dd/mm/yyyy,
   as real date cells or as Excel serial numbers; Vietnamese text normalised to NFC; a cell
   inside a merged area reads empty and says so), the registry's cross-field rules, and
   duplicate natural keys inside the file. *All* row errors are collected and stored on the job;
   if there is one, nothing is written.
2. **write** in one transaction: rows whose natural key is new are created, rows whose key
   exists are compared and only real differences are written (with their history), unchanged
   rows are counted. The same file imported twice therefore creates and changes nothing.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from motcua.core.text import fold, nfc
from motcua.registries.common.models import RegistryRecord

TEXT, DATE, DECIMAL, INT, BOOL, CHOICE = "text", "date", "decimal", "int", "bool", "choice"
EXCEL_EPOCH = date(1899, 12, 30)  # serial 1 = 01/01/1900 with Lotus's leap-year bug folded in
MAX_SERIAL = 2958465  # 31/12/9999
_DATE_TEXT = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[ T].*)?$")
_TRUE = {"co", "x", "1", "true", "yes", "dung", "da lap"}
_FALSE = {"khong", "0", "false", "no", "chua", ""}


class CellError(ValueError):
    """A cell that cannot be read; the message is already translated."""


@dataclass(frozen=True)
class Column:
    field: str
    label: str | Promise
    kind: str = TEXT
    required: bool = False
    max_length: int = 0
    choices: type[models.TextChoices] | None = None
    aliases: tuple[str, ...] = ()
    minimum: Decimal | None = None
    maximum: Decimal | None = None
    check: Callable[[Any], Any] | None = None  # returns the cleaned value or raises CellError
    # Other words a file may use for a choice (Vietnamese names, abbreviations) → the value.
    choice_aliases: tuple[tuple[str, str], ...] = ()

    def headers(self) -> set[str]:
        return {fold(str(self.label)), fold(self.field), *(fold(a) for a in self.aliases)}


@dataclass(frozen=True)
class RegistryDefinition:
    key: str
    model: type[RegistryRecord]
    label: str | Promise
    columns: tuple[Column, ...]
    default_status: str
    # Cross-field rules: values → {field: translated message}.
    clean_row: Callable[[dict[str, Any]], dict[str, str]] | None = None
    list_url_name: str = ""

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.field == name)


REGISTRIES: dict[str, RegistryDefinition] = {}


def registry_register(definition: RegistryDefinition) -> None:
    """Called from the registry app's ``AppConfig.ready()``."""
    REGISTRIES[definition.key] = definition


@dataclass
class RowError:
    row: int
    column: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "message": self.message}


@dataclass
class ParsedRow:
    row: int
    values: dict[str, Any]
    errors: list[RowError] = field(default_factory=list)


# --- reading ------------------------------------------------------------------------------------


@dataclass
class Table:
    rows: Iterator[tuple[int, list[Any]]]  # (1-based row number as the spreadsheet shows it, cells)
    merged: set[tuple[int, int]]  # (row number, 0-based column) inside a merged area, not its first cell
    total: int


def _merged_cells(sheet: Any) -> set[tuple[int, int]]:
    covered: set[tuple[int, int]] = set()
    try:
        ranges = sheet.merged_cell_ranges or []
    except Exception:  # the XLS/ODS readers may not know merged cells: none then
        return covered
    for (r0, c0), (r1, c1) in ranges:
        for r in range(r0, r1 + 1):
            for c in range(c0, c1 + 1):
                if (r, c) != (r0, c0):
                    covered.add((r + 1, c))
    return covered


def read_table(content: bytes, filename: str) -> Table:
    """The first sheet of a spreadsheet, or a CSV file, as numbered rows of cell values."""
    name = filename.lower()
    if name.endswith(".csv"):
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise CellError(_("The CSV file is not UTF-8 text. Save it as “CSV UTF-8” and try again.")) from None
        dialect = ";" if text[:2000].count(";") > text[:2000].count(",") else ","
        lines = list(csv.reader(io.StringIO(text), delimiter=dialect))
        return Table(rows=iter(enumerate(lines, start=1)), merged=set(), total=len(lines))
    if not name.endswith((".xlsx", ".xlsm", ".xls", ".ods")):
        raise CellError(_("Choose an XLSX, XLS, ODS or CSV file."))
    from python_calamine import CalamineWorkbook

    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(content))
        sheet = book.get_sheet_by_index(0)
        first_column = sheet.start[1] if sheet.start else 0
        merged = _merged_cells(sheet)
        total = sheet.height
        # Row by row (the sheet stays in calamine's compact memory); iter_rows starts at row 1 but
        # at the first used column, so pad each row back to column A.
        pad = [""] * first_column
        rows = (pad + row for row in sheet.iter_rows()) if first_column else sheet.iter_rows()
    except Exception as exc:  # calamine raises its own errors on a damaged file
        raise CellError(_("The file cannot be read as a spreadsheet.")) from exc
    return Table(rows=iter(enumerate(rows, start=1)), merged=merged, total=total)


# --- cells --------------------------------------------------------------------------------------


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def parse_text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a number typed in a text column (a phone, a year) reads without ".0"
    if isinstance(value, datetime | date):
        return value.strftime("%d/%m/%Y")
    return " ".join(nfc(str(value)).split())


def parse_date(value: Any) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, bool):
        raise CellError(_("Write a date as dd/mm/yyyy."))
    if isinstance(value, int | float):
        serial = int(value)
        if not 1 <= serial <= MAX_SERIAL:
            raise CellError(_("The number %(value)s is not a spreadsheet date.") % {"value": value})
        return EXCEL_EPOCH + timedelta(days=serial)
    text = parse_text(value)
    match = _DATE_TEXT.match(text)
    try:
        if match:
            day, month, year = (int(g) for g in match.groups())
            return date(year, month, day)
        iso = _ISO_DATE.match(text)
        if iso:
            year, month, day = (int(g) for g in iso.groups())
            return date(year, month, day)
        if text.isdigit():
            return parse_date(int(text))
    except ValueError:
        raise CellError(_("“%(value)s” is not a real date.") % {"value": text}) from None
    raise CellError(_("“%(value)s” is not a date: write it as dd/mm/yyyy.") % {"value": text})


def parse_decimal(value: Any) -> Decimal:
    if isinstance(value, bool):
        raise CellError(_("Write a number."))
    if isinstance(value, int | float):
        return Decimal(str(value))
    text = parse_text(value).replace(" ", "")
    # 1.234,5 is Vietnamese for 1234.5 (dot for thousands, comma for decimals); 12,5 is 12.5.
    text = text.replace(".", "").replace(",", ".") if "," in text and "." in text else text.replace(",", ".")
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise CellError(_("“%(value)s” is not a number.") % {"value": parse_text(value)}) from None
    if not number.is_finite():
        raise CellError(_("“%(value)s” is not a number.") % {"value": parse_text(value)})
    return number


@lru_cache(maxsize=256)
def _choice_options(column: Column, language: str) -> dict[str, str]:
    """Folded value, label (in ``language``) and alias → value; built once per column and language."""
    assert column.choices is not None
    options = {fold(str(v)): str(v) for v in column.choices.values} | {
        fold(str(lbl)): str(v) for v, lbl in column.choices.choices
    }
    return options | {fold(alias): value for alias, value in column.choice_aliases}


def parse_cell(column: Column, value: Any) -> Any:
    """One cell's cleaned value (None when blank and optional), or :class:`CellError`."""
    if _blank(value):
        if column.required:
            raise CellError(_("This cell is empty."))
        return "" if column.kind in (TEXT, CHOICE) else (False if column.kind == BOOL else None)
    if column.kind == DATE:
        result: Any = parse_date(value)
    elif column.kind in (DECIMAL, INT):
        result = parse_decimal(value)
        if column.minimum is not None and result < column.minimum:
            raise CellError(_("The value must be at least %(min)s.") % {"min": column.minimum})
        if column.maximum is not None and result > column.maximum:
            raise CellError(_("The value must be at most %(max)s.") % {"max": column.maximum})
        if column.kind == INT:
            if result != result.to_integral_value():
                raise CellError(_("Write a whole number."))
            result = int(result)
    elif column.kind == BOOL:
        folded = fold(parse_text(value))
        if folded in _TRUE:
            result = True
        elif folded in _FALSE:
            result = False
        else:
            raise CellError(_("Write “có” or “không”."))
    elif column.kind == CHOICE:
        assert column.choices is not None
        folded = fold(parse_text(value))
        options = _choice_options(column, get_language() or "")
        if folded not in options:
            allowed = ", ".join(str(lbl) for _v, lbl in column.choices.choices)
            raise CellError(_("“%(value)s” is not one of: %(allowed)s.") % {"value": parse_text(value), "allowed": allowed})
        result = options[folded]
    else:
        result = parse_text(value)
        if column.max_length and len(result) > column.max_length:
            raise CellError(_("At most %(n)d characters.") % {"n": column.max_length})
    if column.check is not None:
        result = column.check(result)
    return result


# --- rows ---------------------------------------------------------------------------------------


def header_map(definition: RegistryDefinition, header: list[Any]) -> tuple[dict[int, tuple[Column, str]], list[RowError]]:
    """Which spreadsheet column holds which registry column; missing required columns are errors."""
    by_header: dict[str, Column] = {}
    for column in definition.columns:
        for name in column.headers():
            by_header[name] = column
    found: dict[int, tuple[Column, str]] = {}
    for index, cell in enumerate(header):
        match = by_header.get(fold(parse_text(cell))) if not _blank(cell) else None
        if match is not None and all(match is not c for c, _h in found.values()):
            found[index] = (match, parse_text(cell))  # errors name the column as the file heads it
    present = [c for c, _h in found.values()]
    errors = [
        RowError(0, str(c.label), _("The required column “%(name)s” is missing from the header row.") % {"name": c.label})
        for c in definition.columns
        if c.required and c not in present
    ]
    return found, errors


def parse_rows(definition: RegistryDefinition, table: Table) -> Iterator[ParsedRow | list[RowError]]:
    """Yield header errors (a list) once, then one :class:`ParsedRow` per non-empty data row."""
    header_row = 0
    columns: dict[int, tuple[Column, str]] = {}
    for number, cells in table.rows:
        if not header_row:
            if all(_blank(c) for c in cells):
                continue
            header_row = number
            columns, errors = header_map(definition, cells)
            for e in errors:
                e.row = number
            yield errors
            if errors:
                return
            continue
        if all(_blank(c) for c in cells):
            continue
        parsed = ParsedRow(row=number, values={})
        names = {}
        for index, (column, heading) in columns.items():
            names[column.field] = heading
            value = cells[index] if index < len(cells) else None
            try:
                parsed.values[column.field] = parse_cell(column, value)
            except CellError as exc:
                message = str(exc)
                if (number, index) in table.merged:
                    message = _("This cell is inside merged cells, which read as empty: unmerge them and fill every row.")
                parsed.errors.append(RowError(number, heading, message))
        if not parsed.errors and definition.clean_row is not None:
            for name, message in definition.clean_row(parsed.values).items():
                parsed.errors.append(RowError(number, names.get(name) or str(definition.column(name).label), message))
        yield parsed
    if not header_row:
        yield [RowError(1, "", _("The file has no header row."))]


def key_of(definition: RegistryDefinition, values: Mapping[str, Any]) -> str:
    return definition.model.key_of(values)
