"""Text helpers: Vietnamese diacritics folding for accent-insensitive search."""

from __future__ import annotations

import re
import unicodedata

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
