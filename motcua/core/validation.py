"""Input bounds shared by the API schemas, the HTML forms and the services (issue 9 item 7).

One source of truth: a text field's limit is the model column's ``max_length`` (read with
:func:`max_length`), and the other limits are the constants below. Every text that reaches the
database goes through :func:`text_problem` first: a NUL byte is accepted by SQLite and then breaks
the XLSX tracking book for the whole period; a lone surrogate cannot be encoded and made the
insert fail with a 500.
"""

from __future__ import annotations

import unicodedata
from datetime import UTC, datetime
from decimal import Decimal
from typing import Annotated

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.db import models
from django.utils.translation import gettext as _
from pydantic import AfterValidator, Field
from pydantic_core import PydanticCustomError

# Fees in đồng: far above any fee of a commune procedure, far below the 2^63 of the column.
MAX_FEE_VND = 1_000_000_000_000
# A transfer step's own time, and an officer-set time limit, in working days (one year).
MAX_STEP_DAYS = Decimal(365)
# An officer-set time limit (RULES.md §1.6, last bullet): at most ten years, in any unit.
MAX_TIME_LIMIT = Decimal(3650)
# Documents in one intake, one supplement or one decision (the receipt lists every one).
MAX_DOCUMENTS = 100
# Items of a supplement request (BM.02 lists every one).
MAX_ITEMS = 100
MAX_ITEM_LENGTH = 500
# Free texts stored in TextField columns (reasons, result summaries, notes).
MAX_REASON_LENGTH = 2000
MAX_RESULT_LENGTH = 5000
# The idempotency key's column (Dossier.idempotency_key, CounterVisit.idempotency_key).
MAX_IDEMPOTENCY_KEY = 80
# The base64 text of one scan sent inside a JSON body (the body limit caps it anyway).
MAX_BASE64_LENGTH = 14_000_000
# A date the API accepts for a due date: this century, give or take.
EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
LATEST = datetime(2100, 1, 1, tzinfo=UTC)
# Digits of a look-up check value (last 4 of the ID number or phone).
CHECK_DIGITS = 4

_ALLOWED_CONTROLS = {"\t", "\n", "\r"}


def max_length(model: type[models.Model], field: str) -> int:
    """The ``max_length`` of a model's text column (the one bound the schema and form share)."""
    column = model._meta.get_field(field)
    length = getattr(column, "max_length", None)
    assert isinstance(length, int), f"{model.__name__}.{field} has no max_length"
    return int(length)


def text_problem(value: str) -> str | None:
    """Why a text cannot be stored (translated), or None: NUL and other control characters
    (tab and line breaks excepted) and lone surrogates are refused."""
    for ch in value:
        if ch in _ALLOWED_CONTROLS:
            continue
        category = unicodedata.category(ch)
        if category == "Cs":
            return _("The text contains an invalid character (a broken Unicode character).")
        if category == "Cc":
            return _("The text contains a control character (such as a NUL byte), which is not allowed.")
    return None


def _clean_text(value: str) -> str:
    problem = text_problem(value)
    if problem is not None:
        raise PydanticCustomError("unsafe_text", problem)
    return value


def _clean_email(value: str) -> str:
    value = value.strip()
    if value:
        try:
            validate_email(value)
        except DjangoValidationError as exc:
            raise PydanticCustomError("email", _("Enter a valid e-mail address.")) from exc
    return value


def _aware_in_range(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    if value.tzinfo is None or value.utcoffset() is None:
        raise PydanticCustomError("naive_datetime", _("Give the time with its time zone (e.g. +07:00)."))
    return _in_range(value)


def _in_range(value: datetime) -> datetime:
    # By year, before any time-zone arithmetic: 0001-01-01T00:00+07:00 overflowed the conversion.
    if not EARLIEST.year <= value.year < LATEST.year:
        raise PydanticCustomError("datetime_range", _("The date must be between 2000 and 2099."))
    return value


SafeStr = Annotated[str, AfterValidator(_clean_text)]
"""A ``str`` with no control character or lone surrogate; bound its length with ``Field(max_length=…)``."""

ItemText = Annotated[str, Field(max_length=MAX_ITEM_LENGTH), AfterValidator(_clean_text)]
"""One item of a list (a missing document of a supplement request)."""


Email = Annotated[str, Field(max_length=254), AfterValidator(_clean_email)]
"""An e-mail address as Django's ``EmailField`` accepts it, or the empty string."""

BoundedDatetime = Annotated[datetime | None, AfterValidator(_aware_in_range)]
"""A timezone-aware datetime between 2000 and 2099 (a naive one is refused, not guessed)."""

InRangeDatetime = Annotated[datetime, AfterValidator(_in_range)]
"""A datetime between 2000 and 2099, naive or aware (query bounds such as a period's start and end)."""

StepDays = Annotated[Decimal | None, Field(gt=0, le=MAX_STEP_DAYS, max_digits=7, decimal_places=2)]
"""A step's own time in working days: more than 0, at most a year."""

Fee = Annotated[int, Field(ge=0, le=MAX_FEE_VND)]
"""Fees in đồng."""
