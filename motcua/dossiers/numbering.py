"""Dossier codes, online submission references and slip numbers (RULES.md §1.5, §1.7).

Pure formatting and validation: no database. The services draw the serials from ``Counter``
rows (``services.next_serial``) and the seeder reserves them in blocks; both build the keys and
the printed text with these functions, so the two can never disagree.

- Dossier code: ``<deciding agency's electronic identifier>-YYMMDD-XXXX`` (XXXX a serial per
  deciding agency per day of **receipt**, at least 4 digits, growing as needed); with
  ``MOTCUA_DOSSIER_SYSTEM_DIGITS = "AA"`` (a centrally provided service, Circular 03/2025
  Art. 13(3) as added by Circular 04/2025) ``<identifier>-YYMMDD-AAXXXX``.
- Submission reference of an online dossier before it is received: ``TN-YYMMDD-NNNNNN``
  (submission day, a serial per day): not a dossier code, and never parsed as one.
- Slip numbers: ``<serial>/<prefix>-TTPVHCC`` for forms the centre issues,
  ``<serial>/PXL`` for BM.04, which the competent agency issues.
- The tracking book (BM.06): one book per receiving agency per year, ``Quyển số 01/<year>``;
  the book's sequence is the receipt (BM.01) serial.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime
from functools import lru_cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.core.exceptions import DomainError
from motcua.core.models import Agency
from motcua.dossiers.choices import SlipForm
from motcua.dossiers.exceptions import DossierErrorCode

# Decision 20/2020/QĐ-TTg identifiers are dot-separated groups of digits and capital letters
# (000.00.00.H12, G01.01.96, 000.701.18.G12). The exact grammar is [L] in RULES.md §1.7, so a
# deployment may replace it (MOTCUA_AGENCY_IDENTIFIER_PATTERN). At least two groups: this keeps
# "TN" (the submission reference) from ever being read as an identifier.
DEFAULT_IDENTIFIER_PATTERN = r"[0-9A-Z]+(?:\.[0-9A-Z]+)+"
SUBMISSION_PREFIX = "TN"
_SUBMISSION_RE = re.compile(rf"^{SUBMISSION_PREFIX}-(\d{{6}})-(\d{{6,}})$")

# Number prefixes per form (RULES.md §1.5); the stop notice's official prefix was not found,
# so "TBD" (Thông báo dừng) keeps its numbers apart from the receipt's. Override with
# settings.MOTCUA_SLIP_PREFIXES.
DEFAULT_SLIP_PREFIXES = {"BM02": "PBS", "BM03": "PTC", "BM04": "PXL", "BM05": "PKS", "BM06": "STD", "STOP": "TBD"}
# Forms the competent agency issues (RULES.md §1.5: "Số: …/PXL"): no centre suffix.
AGENCY_ISSUED_FORMS = frozenset({SlipForm.APOLOGY})
DEFAULT_ISSUER_SUFFIX = "TTPVHCC"
BOOK_NUMBER = 1  # one tracking book per receiving agency per year


# --- Dossier codes -----------------------------------------------------------------------------

# Dashes a phone keyboard or a word processor may put in a typed code (hyphen, non-breaking
# hyphen, figure dash, en dash, em dash, minus sign): all read as "-".
_DASHES = str.maketrans(dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2212", "-"))


def normalise_code(text: str) -> str:
    """A dossier code or submission reference as typed, scanned or pasted, in the form codes are
    stored: NFKC (full-width letters and digits from some phone keyboards become ASCII), every
    space removed (inside too: "000.00.00.h12 - 260301 - 0001"), dashes unified, upper case.
    Codes only ever hold digits, capital letters, dots and hyphens, so nothing that matches is
    lost. The one normaliser of the look-up page and API, the queue search and the API's
    ``/dossiers/{code}`` paths (through ``code_filter``)."""
    return "".join(unicodedata.normalize("NFKC", text).translate(_DASHES).split()).upper()


@lru_cache(maxsize=4)
def _identifier_re(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


def identifier_pattern() -> re.Pattern[str]:
    return _identifier_re(str(getattr(settings, "MOTCUA_AGENCY_IDENTIFIER_PATTERN", "") or DEFAULT_IDENTIFIER_PATTERN))


def system_digits() -> str:
    """``AA`` of a centrally provided service, or "" (the default: provinces and communes)."""
    digits = str(getattr(settings, "MOTCUA_DOSSIER_SYSTEM_DIGITS", "") or "")
    if digits and not re.fullmatch(r"\d{2}", digits):
        raise ImproperlyConfigured("MOTCUA_DOSSIER_SYSTEM_DIGITS must be empty or two digits (e.g. 01).")
    return digits


def code_day(instant: datetime) -> str:
    """``YYMMDD`` of an instant, in local time."""
    return timezone.localtime(instant).strftime("%y%m%d")


def identifier_problem(agency: Agency) -> str:
    """Why ``agency`` cannot decide dossiers (no or malformed electronic identifier), or ""."""
    identifier = agency.identifier.strip()
    if not identifier:
        return _(
            "%(agency)s has no electronic identifier (Decision 20/2020/QĐ-TTg), so no dossier code can be given for it: "
            "an administrator must record it first."
        ) % {"agency": agency.name}
    if not identifier_pattern().fullmatch(identifier):
        return _("The electronic identifier “%(identifier)s” of %(agency)s is not valid.") % {
            "identifier": identifier,
            "agency": agency.name,
        }
    return ""


def agency_identifier(agency: Agency) -> str:
    """The deciding agency's electronic identifier, as it goes into dossier codes.

    ``DomainError(DossierErrorCode.AGENCY_IDENTIFIER_MISSING)`` when it has none or it is malformed: RULES.md
    §1.7 gives no fallback, and an invented identifier would be a wrong code forever.
    """
    problem = identifier_problem(agency)
    if problem:
        raise DomainError(DossierErrorCode.AGENCY_IDENTIFIER_MISSING, problem, fields={"deciding_agency_id": problem})
    return agency.identifier.strip()


def dossier_code_key(identifier: str, day: str) -> str:
    """The ``Counter`` key of the serial: per deciding agency and day of receipt."""
    return f"dossier:{identifier}:{day}"


def format_dossier_code(identifier: str, day: str, serial: int) -> str:
    code = f"{identifier}-{day}-{system_digits()}{serial:04d}"
    if not is_dossier_code(code):
        raise ValueError(f"not a dossier code: {code}")
    return code


def parse_dossier_code(code: str) -> tuple[str, date, str] | None:
    """(identifier, receipt day, serial part) of a well-formed code, else None.

    Only the separators ``-YYMMDD-`` (a real date) and the configured identifier grammar are
    checked (RULES.md §1.7); the serial part is digits (``AA`` included when configured).
    """
    parts = code.strip().rsplit("-", 2)
    if len(parts) != 3:
        return None
    identifier, day, serial = parts
    if not (re.fullmatch(r"\d{6}", day) and re.fullmatch(r"\d{4,}", serial)):
        return None
    if not identifier_pattern().fullmatch(identifier):
        return None
    try:
        received = datetime.strptime(day, "%y%m%d").date()
    except ValueError:
        return None
    return identifier, received, serial


def is_dossier_code(code: str) -> bool:
    return parse_dossier_code(code) is not None


# --- Online submission references ----------------------------------------------------------------


def submission_ref_key(day: str) -> str:
    return f"submission:{day}"


def format_submission_ref(day: str, serial: int) -> str:
    return f"{SUBMISSION_PREFIX}-{day}-{serial:06d}"


def is_submission_ref(text: str) -> bool:
    return _SUBMISSION_RE.fullmatch(text.strip()) is not None


# --- Slip numbers and the tracking book ---------------------------------------------------------


def slip_counter_key(form: SlipForm | str, agency_id: int, year: int) -> str:
    return f"slip:{SlipForm(form).value}:{agency_id}:{year}"


def slip_prefix(form: SlipForm | str) -> str:
    prefixes: dict[str, str] = getattr(settings, "MOTCUA_SLIP_PREFIXES", None) or {}
    value = SlipForm(form).value
    return str(prefixes.get(value, DEFAULT_SLIP_PREFIXES.get(value, "")))


def slip_number(form: SlipForm | str, serial: int) -> str:
    """Numbers such as "0012/PBS-TTPVHCC" (the centre), "0003/PXL" (BM.04, the competent agency), "0001/TTPVHCC"
    (a form without a prefix). The suffix is ``MOTCUA_SLIP_ISSUER_SUFFIX`` (default TTPVHCC)."""
    prefix = slip_prefix(form)
    if SlipForm(form) in AGENCY_ISSUED_FORMS:
        return f"{serial:04d}/{prefix}" if prefix else f"{serial:04d}"
    return f"{serial:04d}/{_centre_tail(form)}"


def _centre_tail(form: SlipForm | str) -> str:
    """PBS-TTPVHCC, or TTPVHCC for a form without a prefix."""
    prefix = slip_prefix(form)
    suffix = str(getattr(settings, "MOTCUA_SLIP_ISSUER_SUFFIX", "") or DEFAULT_ISSUER_SUFFIX)
    return f"{prefix}-{suffix}" if prefix else suffix


def book_number(year: int) -> str:
    """The "Quyển số" of the tracking book of ``year``: ``01/2026``."""
    return f"{BOOK_NUMBER:02d}/{year}"


def book_slip_number(year: int) -> str:
    """The number BM.06 prints for the book of ``year``: ``01/2026/STD-TTPVHCC``."""
    return f"{book_number(year)}/{_centre_tail(SlipForm.TRACKING_BOOK)}"


def code_filter(text: str) -> Q:
    """The dossier a code or a submission reference names: a submission reference keeps finding
    its dossier after receipt gave it a code. Case and spaces are ignored (``normalise_code``)."""
    text = normalise_code(text)
    return Q(submission_ref=text) if is_submission_ref(text) else Q(code=text)
