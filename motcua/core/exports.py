"""Safe cell values for every spreadsheet and CSV export (issue 9 item 9).

**Formula injection** (OWASP "CSV Injection"): a spreadsheet program runs a cell that starts with
``=``, ``+``, ``-`` or ``@`` as a formula, and tab or carriage return can smuggle one in after a
field separator. Text that a citizen or an officer typed (a name, an address, a note) is therefore
prefixed with an apostrophe when it starts with one of those characters, which every spreadsheet
shows as literal text. Numbers and dates are real typed cells and are left alone.

**Characters a workbook cannot hold**: XML 1.0 forbids C0 control characters other than tab, line
feed and carriage return; openpyxl raises on them (a NUL byte in one name used to break the whole
period's tracking book). They are removed.
"""

from __future__ import annotations

import re
from typing import Any

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")

# C0 controls except \t \n \r, and the two non-characters XML 1.0 excludes.
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
# Lone surrogates cannot be encoded as UTF-8 in the file either.
_SURROGATE = re.compile(r"[\ud800-\udfff]")


def safe_text(value: str) -> str:
    """``value`` as literal spreadsheet text: control characters dropped, formulas defused."""
    text = _SURROGATE.sub("\ufffd", _ILLEGAL.sub("", value))
    if text.startswith(FORMULA_TRIGGERS):
        return "'" + text
    return text


def safe_cell(value: Any) -> Any:
    """``safe_text`` for strings; any other value (number, date, None, a styled cell) unchanged."""
    if isinstance(value, str):
        return safe_text(value)
    return value


def safe_row(values: list[Any]) -> list[Any]:
    return [safe_cell(value) for value in values]
