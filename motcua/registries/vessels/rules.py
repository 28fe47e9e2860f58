"""The vessel rules of RULES.md §7, pure (no database): the registration number (§7.1), the size
class and what each class needs (§7.2), certificate expiry warnings and the high-risk flags."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.utils.translation import gettext as _

from motcua.core.text import nfc
from motcua.registries.vessels.choices import NumberKind, SizeClass, Zone

# §7.1: province letters, 5 digits 00001–99999, the literal TS.
STANDARD = re.compile(r"^([A-ZĐ]{1,3})-(\d{5})-TS$")
# §7.1 (Annex IX): government fisheries vessels, KN (patrol) or NC (research), 3 digits.
GOVERNMENT = re.compile(r"^(KN|NC)-(\d{3})-([A-ZĐ]{1,3}|VN)$")
LEGACY_PROVINCE = "BL"  # Bạc Liêu, merged into Cà Mau in 2025; whether numbers change is [NF]
WARNING_DAYS = (30, 60, 90)
LICENCE_GRACE_DAYS = 10
VMS_SILENCE = timedelta(hours=6)


class NumberError(ValueError):
    pass


def normalise_number(text: str) -> str:
    return re.sub(r"[\s]+", "", nfc(text).upper().replace("–", "-").replace("—", "-").replace("‐", "-"))


def number_kind(text: str) -> NumberKind:
    """The kind of a registration number (§7.1), or :class:`NumberError` with the reason."""
    number = normalise_number(text)
    if not number:
        return NumberKind.NONE
    if GOVERNMENT.match(number):
        return NumberKind.GOVERNMENT
    match = STANDARD.match(number)
    if not match:
        raise NumberError(_("“%(n)s” is not a registration number: write it as CM-01234-TS.") % {"n": text})
    if match.group(2) == "00000":
        raise NumberError(_("The five digits run from 00001 to 99999."))
    return NumberKind.LEGACY_BL if match.group(1) == LEGACY_PROVINCE else NumberKind.STANDARD


def size_class(length: Decimal | None) -> SizeClass:
    if length is None or length < 6:
        return SizeClass.UNDER_6
    if length < 12:
        return SizeClass.FROM_6
    if length < 15:
        return SizeClass.FROM_12
    if length < 24:
        return SizeClass.FROM_15
    return SizeClass.FROM_24


@dataclass(frozen=True)
class Needs:
    registration: bool
    inspection: bool  # technical inspection and safety certificate (Law Art. 67: ≥ 12 m)
    licence: bool
    vms: bool
    zone: Zone


NEEDS: dict[SizeClass, Needs] = {
    SizeClass.UNDER_6: Needs(registration=False, inspection=False, licence=True, vms=False, zone=Zone.COASTAL),
    SizeClass.FROM_6: Needs(registration=True, inspection=False, licence=True, vms=False, zone=Zone.COASTAL),
    SizeClass.FROM_12: Needs(registration=True, inspection=True, licence=True, vms=False, zone=Zone.INSHORE),
    SizeClass.FROM_15: Needs(registration=True, inspection=True, licence=True, vms=True, zone=Zone.OFFSHORE),
    SizeClass.FROM_24: Needs(registration=True, inspection=True, licence=True, vms=True, zone=Zone.OFFSHORE),
}


def expiry_warning(expires_on: date | None, today: date) -> int | None:
    """The warning band a certificate is in: 0 (expired), 30, 60 or 90 (days ahead), or None."""
    if expires_on is None:
        return None
    left = (expires_on - today).days
    if left < 0:
        return 0
    for band in WARNING_DAYS:
        if left <= band:
            return band
    return None


def licence_expired_long(expires_on: date | None, today: date) -> bool:
    """§7.2 high-risk: the licence expired ≥ 10 days ago."""
    return expires_on is not None and (today - expires_on).days >= LICENCE_GRACE_DAYS


def vms_silent(last_signal: datetime | None, now: datetime) -> bool:
    """§7.2 high-risk: no VMS position for ≥ 6 h (whether the vessel is at sea and unreported is
    not in our data: the officer checks)."""
    return last_signal is None or now - last_signal >= VMS_SILENCE
