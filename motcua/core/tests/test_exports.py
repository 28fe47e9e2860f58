"""Issue 9 item 9: spreadsheet and CSV cells never run as formulas (OWASP CSV injection) and never
carry characters a workbook cannot hold."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from motcua.core.exports import FORMULA_TRIGGERS, safe_cell, safe_row, safe_text


@pytest.mark.parametrize("trigger", FORMULA_TRIGGERS)
def test_text_starting_with_a_formula_trigger_is_prefixed_with_an_apostrophe(trigger: str) -> None:
    assert safe_text(f'{trigger}HYPERLINK("http://x","bấm")') == f'\'{trigger}HYPERLINK("http://x","bấm")'


def test_ordinary_vietnamese_text_is_unchanged() -> None:
    assert safe_text("Nguyễn Văn An, Ấp 3 - Xã Phú Tân") == "Nguyễn Văn An, Ấp 3 - Xã Phú Tân"


def test_nul_and_other_control_characters_are_dropped() -> None:
    assert safe_text("Lê\x00 Thị\x0b Bé\x1f") == "Lê Thị Bé"


def test_numbers_dates_and_empty_cells_keep_their_type() -> None:
    day = dt.datetime(2026, 3, 2, 10, 0)
    assert safe_row([1, -5, day, None, "-5"]) == [1, -5, day, None, "'-5"]
    assert safe_cell(-1.5) == -1.5


@given(st.text())
def test_any_text_can_be_written_to_a_workbook_and_never_starts_a_formula(text: str) -> None:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("x")
    sheet.append([safe_text(text)])
    buffer = io.BytesIO()
    workbook.save(buffer)

    [[value]] = list(load_workbook(io.BytesIO(buffer.getvalue()), read_only=True).active.iter_rows(values_only=True))
    assert value is None or not str(value).startswith(FORMULA_TRIGGERS)
