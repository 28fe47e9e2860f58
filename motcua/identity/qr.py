"""The ID-card (CCCD / thẻ căn cước) QR payload (RULES.md §6.2).

Pipe-separated UTF-8 text::

    personal_id | old_id | full_name | birth ddMMyyyy | Nam/Nữ | permanent address | issue ddMMyyyy

Variants handled: 6 fields without the old-ID field; an empty old ID (``||``); extra empty
trailing fields; upper-case names; full-width digits; CR, NUL and other control characters
from scanners. The parser cross-checks the personal ID with the sex and the birth year and
either returns :class:`CardData` or raises :class:`CardError` with a precise code. It never
raises anything else, whatever the input (a Hypothesis fuzz test holds it to that).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from motcua.core.text import fold
from motcua.identity.choices import Sex
from motcua.identity.exceptions import CardError, IdentityErrorCode
from motcua.identity.personal_id import personal_id_check

MAX_PAYLOAD = 1000
_DATE_RE = re.compile(r"[0-9]{8}")
_OLD_ID_RE = re.compile(r"[0-9]{9}|[0-9]{12}")
_SPACES = re.compile(r"\s+")
_DISTRICT_PREFIXES = ("huyen ", "quan ", "thi xa ", "thanh pho ")
RENEWAL_AGES = (14, 25, 40, 60)  # Law on Identity 26/2023 Art. 21(1)
RENEWAL_GRACE_YEARS = 2  # Art. 21(2)


@dataclass(frozen=True)
class CardData:
    personal_id: str
    old_id: str | None
    full_name: str
    birth_date: date
    sex: Sex
    address: str
    issue_date: date
    expiry_date: date | None

    @property
    def address_parts(self) -> list[str]:
        return [part.strip() for part in self.address.split(",") if part.strip()]

    @property
    def address_has_district(self) -> bool:
        """True for pre-July-2025 addresses (…, xã, huyện, tỉnh); after the reform: 2 levels."""
        return any(fold(part).startswith(_DISTRICT_PREFIXES) for part in self.address_parts[:-1])

    def as_dict(self) -> dict[str, Any]:
        return {
            "personal_id": self.personal_id,
            "old_id": self.old_id,
            "full_name": self.full_name,
            "birth_date": self.birth_date.isoformat(),
            "sex": self.sex.value,
            "address": self.address,
            "address_parts": self.address_parts,
            "address_has_district": self.address_has_district,
            "issue_date": self.issue_date.isoformat(),
            "expiry_date": self.expiry_date.isoformat() if self.expiry_date else None,
        }


def payload_normalise(text: str) -> str:
    """NFKC (full-width digits and bars become ASCII), drop control and format characters."""
    text = unicodedata.normalize("NFKC", text)
    text = "".join(ch for ch in text if unicodedata.category(ch) not in {"Cc", "Cf", "Cs", "Co", "Cn"})
    return unicodedata.normalize("NFC", text).strip()


def _name(raw: str) -> str:
    name = _SPACES.sub(" ", raw).strip()
    if name and name == name.upper():
        name = " ".join(word[:1].upper() + word[1:].lower() for word in name.split(" "))
    return name


def _date(raw: str, *, code: IdentityErrorCode, field: str) -> date:
    if not _DATE_RE.fullmatch(raw):
        raise CardError(
            code,
            _("The %(field)s must be 8 digits, ddMMyyyy; the card has “%(value)s”.")
            % {"field": _label(field), "value": raw[:20]},
            fields={field: _("ddMMyyyy")},
        )
    try:
        return date(int(raw[4:]), int(raw[2:4]), int(raw[:2]))
    except ValueError:
        raise CardError(
            code,
            _("The %(field)s %(value)s is not a real date.") % {"field": _label(field), "value": raw},
            fields={field: _("Not a real date.")},
        ) from None


def _label(field: str) -> str:
    labels = {"birth_date": _("date of birth"), "issue_date": _("issue date")}
    return str(labels.get(field, field))


def _sex(raw: str) -> Sex:
    folded = fold(raw)
    if folded == "nam":
        return Sex.MALE
    if folded == "nu":
        return Sex.FEMALE
    raise CardError(
        IdentityErrorCode.QR_SEX,
        _("The sex field must be “Nam” or “Nữ”; the card has “%(value)s”.") % {"value": raw[:20]},
        fields={"sex": _("Nam or Nữ.")},
    )


def _add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a non-leap year
        return day.replace(year=day.year + years, day=28)


def card_expiry(birth_date: date, issue_date: date) -> date | None:
    """When a card issued on ``issue_date`` stops being valid (RULES.md §6.2, Law on Identity
    26/2023 Art. 21): the next renewal birthday (14, 25, 40, 60) after the issue date, except
    that a card issued within the 2 years before a renewal age (from the birthday 2 years
    before it, inclusive) stays valid until the renewal age after that one (Art. 21(2)).
    None: the card never expires (issued at 60 or later, or within 2 years before 60).

    A 29 February birthday falls on 28 February in other years (as everywhere in this module).
    """
    for index, age in enumerate(RENEWAL_AGES):
        renewal = _add_years(birth_date, age)
        if renewal <= issue_date:
            continue
        if issue_date >= _add_years(birth_date, age - RENEWAL_GRACE_YEARS):
            return _add_years(birth_date, RENEWAL_AGES[index + 1]) if index + 1 < len(RENEWAL_AGES) else None
        return renewal
    return None


def card_is_expired(expiry_date: date | None, *, today: date) -> bool:
    """A card is valid through the date printed as "Có giá trị đến" and expired the day after."""
    return expiry_date is not None and today > expiry_date


def card_qr_parse(text: str, *, today: date | None = None) -> CardData:
    """Parse a card QR payload. Raises :class:`CardError` (and nothing else) when it is not valid."""
    if not isinstance(text, str):
        raise CardError(IdentityErrorCode.QR_EMPTY, _("The QR content is empty."))
    if len(text) > MAX_PAYLOAD * 4:
        raise CardError(IdentityErrorCode.QR_TOO_LONG, _("The QR content is too long to be an ID card."))
    payload = payload_normalise(text)
    if not payload:
        raise CardError(IdentityErrorCode.QR_EMPTY, _("The QR content is empty."))
    if len(payload) > MAX_PAYLOAD:
        raise CardError(IdentityErrorCode.QR_TOO_LONG, _("The QR content is too long to be an ID card."))
    fields = [field.strip() for field in payload.split("|")]
    # 7-field cards carry the old ID (digits or empty) second; 6-field cards carry the name there.
    has_old_id = len(fields) >= 7 and (fields[1] == "" or fields[1].isdigit())
    expected = 7 if has_old_id else 6
    if len(fields) < expected:
        raise CardError(
            IdentityErrorCode.QR_LAYOUT,
            _("The QR has %(count)s fields separated by “|”; an ID card has 6 or 7.") % {"count": len(fields)},
        )
    if any(fields[expected:]):
        raise CardError(
            IdentityErrorCode.QR_EXTRA, _("The QR has more fields than an ID card; only empty fields may follow the issue date.")
        )
    values = fields[:expected] if has_old_id else [fields[0], "", *fields[1:expected]]
    personal_id, old_id, raw_name, raw_birth, raw_sex, address, raw_issue = values

    if old_id and not _OLD_ID_RE.fullmatch(old_id):
        raise CardError(
            IdentityErrorCode.QR_OLD_ID, _("The old ID number must have 9 or 12 digits."), fields={"old_id": _("9 or 12 digits.")}
        )
    full_name = _name(raw_name)
    if not full_name:
        raise CardError(IdentityErrorCode.QR_NAME, _("The full name is missing."), fields={"full_name": _("Required.")})
    birth_date = _date(raw_birth, code=IdentityErrorCode.QR_BIRTH_DATE, field="birth_date")
    sex = _sex(raw_sex)
    issue_date = _date(raw_issue, code=IdentityErrorCode.QR_ISSUE_DATE, field="issue_date")
    today = today or timezone.localdate()
    if birth_date > today:
        raise CardError(
            IdentityErrorCode.QR_BIRTH_DATE, _("The date of birth is in the future."), fields={"birth_date": _("In the future.")}
        )
    if issue_date < birth_date or issue_date > today:
        raise CardError(
            IdentityErrorCode.QR_ISSUE_DATE,
            _("The issue date must lie between the date of birth and today."),
            fields={"issue_date": _("Out of range.")},
        )
    personal_id_check(personal_id, sex=sex, birth_date=birth_date)
    return CardData(
        personal_id=personal_id,
        old_id=old_id or None,
        full_name=full_name,
        birth_date=birth_date,
        sex=sex,
        address=_SPACES.sub(" ", address).strip(),
        issue_date=issue_date,
        expiry_date=card_expiry(birth_date, issue_date),
    )
