"""Identifier validation: the 12-digit personal ID (RULES.md §6.1) and tax codes."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext_lazy as _

from motcua.core.exceptions import DomainError

# "0" + the 63 pre-2025 GSO province codes; codes on issued IDs never change.
_GSO_PROVINCES = (
    "01 02 04 06 08 10 11 12 14 15 17 19 20 22 24 25 26 27 30 31 33 34 35 36 37 38 40 42 44 45 46 48 "
    "49 51 52 54 56 58 60 62 64 66 67 68 70 72 74 75 77 79 80 82 83 84 86 87 89 91 92 93 94 95 96"
)
PROVINCE_CODES = frozenset("0" + code for code in _GSO_PROVINCES.split())
_PERSONAL_ID = re.compile(r"^\d{12}$")
_TAX_CODE = re.compile(r"^\d{10}(-?\d{3})?$")


@dataclass(frozen=True)
class PersonalId:
    number: str
    province_code: str
    male: bool
    birth_year: int


def normalise_digits(text: str) -> str:
    """Full-width digits to ASCII, spaces and dots removed."""
    return re.sub(r"[\s.]", "", unicodedata.normalize("NFKC", text or ""))


def parse_personal_id(text: str, *, birth_date: date | None = None, male: bool | None = None) -> PersonalId:
    """Validate a 12-digit personal ID: PPP G YY RRRRRR (RULES.md §6.1).

    Raises ``DomainError`` (code ``personal_id_invalid``) when the format, the province code
    or the consistency with the given sex and birth date fails.
    """
    number = normalise_digits(text)
    if not _PERSONAL_ID.match(number):
        raise DomainError("personal_id_invalid", _("A personal ID has exactly 12 digits."))
    province, century_sex, yy = number[:3], int(number[3]), int(number[4:6])
    if province not in PROVINCE_CODES:
        raise DomainError("personal_id_invalid", _("The first three digits of the personal ID are not a province code."))
    birth_year = 1900 + (century_sex // 2) * 100 + yy
    is_male = century_sex % 2 == 0
    if birth_date is not None and birth_date.year != birth_year:
        raise DomainError(
            "personal_id_invalid",
            _("The personal ID says born in %(id_year)s but the birth date says %(year)s.")
            % {"id_year": birth_year, "year": birth_date.year},
        )
    if male is not None and male != is_male:
        raise DomainError("personal_id_invalid", _("The personal ID does not match the sex given."))
    return PersonalId(number=number, province_code=province, male=is_male, birth_year=birth_year)


def parse_tax_code(text: str) -> str:
    """A 10-digit tax code, or 13 with a branch suffix (written 0101234567-001)."""
    code = normalise_digits(text)
    if not _TAX_CODE.match(code):
        raise DomainError("tax_code_invalid", _("A tax code has 10 digits, or 13 with the branch suffix."))
    return code if len(code) <= 11 else f"{code[:10]}-{code[-3:]}"
