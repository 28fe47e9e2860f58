"""The 12-digit personal identification number (RULES.md §6.1): ``PPP G YY RRRRRR``.

``PPP`` is the province code of the birth-registration place ("0" + the 2-digit GSO code of
one of the 63 pre-2025 provinces; codes on issued IDs never change), ``G`` the century and
sex digit (even: male, odd: female; 0/1 → 1900s, 2/3 → 2000s, …), ``YY`` the last two digits
of the birth year. Pure functions, no database.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from motcua.identity.choices import Sex
from motcua.identity.exceptions import CardError, IdentityErrorCode

_ID_RE = re.compile(r"[0-9]{12}")

# The 63 provinces before 1 July 2025 (GSO codes). The 34 provinces after the reform kept
# codes from this list, so births registered since then fall inside it too.
_PROVINCES = (
    "01 02 04 06 08 10 11 12 14 15 17 19 20 22 24 25 26 27 30 31 33 34 35 36 37 38 40 42 44 45 46 48 49 "
    "51 52 54 56 58 60 62 64 66 67 68 70 72 74 75 77 79 80 82 83 84 86 87 89 91 92 93 94 95 96"
)
PROVINCE_CODES: frozenset[str] = frozenset(_PROVINCES.split())


@dataclass(frozen=True)
class PersonalIdInfo:
    number: str
    place_code: str
    sex: Sex
    birth_year: int


def _place_codes() -> frozenset[str]:
    extra = getattr(settings, "MOTCUA_ID_EXTRA_PLACE_CODES", [])
    return frozenset("0" + code for code in PROVINCE_CODES) | frozenset(extra)


def personal_id_parse(number: str) -> PersonalIdInfo:
    """Read the place, sex and birth year out of a personal ID, or raise ``CardError``."""
    if not isinstance(number, str) or not _ID_RE.fullmatch(number):
        raise CardError(
            IdentityErrorCode.PERSONAL_ID_FORMAT,
            _("The personal ID must have exactly 12 digits."),
            fields={"personal_id": _("12 digits, no spaces.")},
        )
    place = number[:3]
    if place not in _place_codes():
        raise CardError(
            IdentityErrorCode.PERSONAL_ID_PLACE,
            _("The personal ID starts with %(code)s, which is not a province code.") % {"code": place},
            fields={"personal_id": _("The first three digits must be a province code.")},
        )
    century_sex = int(number[3])
    sex = Sex.MALE if century_sex % 2 == 0 else Sex.FEMALE
    birth_year = 1900 + (century_sex // 2) * 100 + int(number[4:6])
    return PersonalIdInfo(number=number, place_code=place, sex=sex, birth_year=birth_year)


def personal_id_check(number: str, *, sex: Sex | None = None, birth_date: date | None = None) -> PersonalIdInfo:
    """Validate the number and that it agrees with the sex and birth date given."""
    info = personal_id_parse(number)
    if sex is not None and info.sex != sex:
        raise CardError(
            IdentityErrorCode.PERSONAL_ID_SEX,
            _("The 4th digit of the personal ID says %(id_sex)s, but the sex given is %(sex)s.")
            % {"id_sex": info.sex.label, "sex": sex.label},
            fields={"sex": _("Does not match the personal ID.")},
        )
    if birth_date is not None and info.birth_year != birth_date.year:
        raise CardError(
            IdentityErrorCode.PERSONAL_ID_YEAR,
            _("The personal ID says born in %(id_year)s, but the birth date is in %(year)s.")
            % {"id_year": info.birth_year, "year": birth_date.year},
            fields={"birth_date": _("Does not match the personal ID.")},
        )
    return info
