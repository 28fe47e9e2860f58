"""Error codes of the index domain (stable; they never change meaning)."""

from __future__ import annotations

from enum import StrEnum


class IndexErrorCode(StrEnum):
    UNIT_NOT_FOUND = "index_unit_not_found"
    INDICATOR_NOT_FOUND = "index_indicator_not_found"
    NO_ITEMS = "index_indicator_has_no_items"
    FORBIDDEN = "index_forbidden"
