"""Identifier helpers: digit normalisation and tax codes. The 12-digit personal ID lives in
``motcua.identity.personal_id`` (RULES.md §6.1)."""

from __future__ import annotations

import re
import unicodedata

from django.utils.translation import gettext_lazy as _

from motcua.core.exceptions import CoreErrorCode, DomainError

_TAX_CODE = re.compile(r"^\d{10}(-?\d{3})?$")


def normalise_digits(text: str) -> str:
    """Full-width digits to ASCII, spaces and dots removed."""
    return re.sub(r"[\s.]", "", unicodedata.normalize("NFKC", text or ""))


def parse_tax_code(text: str) -> str:
    """A 10-digit tax code, or 13 with a branch suffix (written 0101234567-001)."""
    code = normalise_digits(text)
    if not _TAX_CODE.match(code):
        raise DomainError(CoreErrorCode.TAX_CODE_INVALID, _("A tax code has 10 digits, or 13 with the branch suffix."))
    return code if len(code) <= 11 else f"{code[:10]}-{code[-3:]}"
