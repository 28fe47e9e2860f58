"""Text helpers: Vietnamese diacritics folding for accent-insensitive search."""

from __future__ import annotations

import re
import unicodedata
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from fractions import Fraction

_SPACE = re.compile(r"\s+")
# Letters that Unicode decomposition does not fold by itself.
_EXTRA = str.maketrans({"đ": "d", "Đ": "d", "ð": "d", "Ð": "d", "ı": "i"})


def fold(text: str | None) -> str:
    """Fold text for search: NFD, drop combining marks, đ→d, casefold, collapse spaces.

    ``fold("Đăng ký khai sinh") == fold("dang ky khai sinh") == "dang ky khai sinh"``.
    """
    if not text:
        return ""
    decomposed = unicodedata.normalize("NFD", text.translate(_EXTRA))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _SPACE.sub(" ", stripped.translate(_EXTRA).casefold()).strip()


def nfc(text: str) -> str:
    """Normalise to NFC (what Vietnamese text is stored as)."""
    return unicodedata.normalize("NFC", text)


def search_terms(query: str | None) -> list[str]:
    """The folded, non-empty words of a search query."""
    return [t for t in fold(query).split(" ") if t]


def decimal_text(value: Decimal | Fraction | float | int | str, *, separator: str = ",") -> str:
    """A number of days or hours as people write it: at most two decimals, no trailing zeros, a
    decimal comma (Vietnamese; pass ``separator`` for another language).

    ``Decimal("1.00")`` → "1", ``Decimal("0.50")`` → "0,5", ``Fraction(5, 2)`` → "2,5". The one
    formatter of durations: catalogue pages, the intake checklist, clock reasons and slips.
    """
    try:
        number = Decimal(value.numerator) / Decimal(value.denominator) if isinstance(value, Fraction) else Decimal(str(value))
        rounded = number.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    except (InvalidOperation, ValueError, ZeroDivisionError):
        return str(value)
    text = format(rounded, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    if text == "-0":
        text = "0"
    return text.replace(".", separator)
