"""Bounds on the dossiers services' inputs, checked before any transaction opens (issue 9 item 7),
and the idempotency fingerprint of a request (issue 9 item 8).

The API schemas carry the same bounds (``dossiers/schemas.py``) so that a client learns them
from the OpenAPI document; these checks are for every other caller (the HTML forms, imports,
commands), with the same limits from ``core.validation`` and the model columns.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from motcua.core.exceptions import DomainError
from motcua.core.validation import (
    EARLIEST,
    LATEST,
    MAX_DOCUMENTS,
    MAX_FEE_VND,
    MAX_IDEMPOTENCY_KEY,
    MAX_ITEM_LENGTH,
    MAX_ITEMS,
    MAX_REASON_LENGTH,
    MAX_RESULT_LENGTH,
    MAX_STEP_DAYS,
    max_length,
    text_problem,
)
from motcua.dossiers.exceptions import DossierErrorCode
from motcua.dossiers.models import CounterVisit, Document, Dossier

if TYPE_CHECKING:
    from motcua.dossiers.services import ActionInput, ApplicantInput, DocumentInput, IntakeInput, VisitInput


def idempotency_key(raw: str) -> str:
    """The stripped key; a key longer than the column or with a control character is refused
    (422), never cut: two different long keys cut to the same 80 characters would have
    returned one applicant's dossier to another."""
    key = raw.strip()
    if len(key) > MAX_IDEMPOTENCY_KEY or text_problem(key) is not None:
        raise DomainError(
            DossierErrorCode.IDEMPOTENCY_KEY_INVALID,
            _("The idempotency key must be at most %(n)s characters, without control characters.") % {"n": MAX_IDEMPOTENCY_KEY},
            status_code=422,
            fields={"idempotency_key": _("Not valid.")},
        )
    return key


def _text(errors: dict[str, str], name: str, value: str, limit: int) -> None:
    problem = text_problem(value)
    if problem is not None:
        errors[name] = problem
    elif len(value) > limit:
        errors[name] = _("At most %(n)s characters.") % {"n": limit}


def _row_id(errors: dict[str, str], name: str, value: int | None) -> None:
    # A primary key beyond 64 bits made SQLite's driver raise OverflowError (a 500).
    if value is not None and not 1 <= value < 2**63:
        errors[name] = _("Not valid.")


def _email(errors: dict[str, str], name: str, value: str) -> None:
    if value.strip():
        try:
            validate_email(value.strip())
        except DjangoValidationError:
            errors[name] = _("Enter a valid e-mail address.")


def _applicant(errors: dict[str, str], applicant: ApplicantInput) -> None:
    _text(errors, "applicant.name", applicant.name, max_length(Dossier, "applicant_name"))
    _text(errors, "applicant.id_number", applicant.id_number, max_length(Dossier, "applicant_id_number"))
    _text(errors, "applicant.address", applicant.address, max_length(Dossier, "applicant_address"))
    _text(errors, "applicant.phone", applicant.phone, max_length(Dossier, "applicant_phone"))
    _email(errors, "applicant.email", applicant.email)


def _documents(errors: dict[str, str], documents: list[DocumentInput]) -> None:
    if len(documents) > MAX_DOCUMENTS:
        errors["documents"] = _("At most %(n)s documents at a time.") % {"n": MAX_DOCUMENTS}
        return
    for index, document in enumerate(documents):
        _text(errors, f"documents.{index}.name", document.name, max_length(Document, "name"))
        _text(errors, f"documents.{index}.filename", document.filename, 255)


def intake_problems(intake: IntakeInput) -> dict[str, str]:
    """Field errors of an intake's bounds (empty when every field is within them)."""
    errors: dict[str, str] = {}
    _text(errors, "procedure_code", intake.procedure_code, 40)
    _applicant(errors, intake.applicant)
    _text(errors, "representative_name", intake.representative_name, max_length(Dossier, "representative_name"))
    _text(
        errors,
        "representative_id_number",
        intake.representative_id_number,
        max_length(Dossier, "representative_id_number"),
    )
    _text(errors, "authorisation_note", intake.authorisation_note, max_length(Dossier, "authorisation_note"))
    _text(errors, "request_summary", intake.request_summary, max_length(Dossier, "request_summary"))
    _text(errors, "time_limit_reason", intake.time_limit_reason, 500)
    _row_id(errors, "deciding_agency_id", intake.deciding_agency_id)
    if intake.fee_amount > MAX_FEE_VND:
        errors["fee_amount"] = _("Fees cannot exceed %(n)s VND.") % {"n": f"{MAX_FEE_VND:,}".replace(",", ".")}
    _documents(errors, intake.documents)
    return errors


def visit_problems(visit: VisitInput) -> dict[str, str]:
    """Field errors of a counter visit's bounds."""
    errors: dict[str, str] = {}
    _text(errors, "procedure_code", visit.procedure_code, 40)
    _applicant(errors, visit.applicant)
    _text(errors, "reason", visit.reason, MAX_REASON_LENGTH)
    _text(errors, "representative_name", visit.representative_name, max_length(CounterVisit, "representative_name"))
    _text(errors, "request_summary", visit.request_summary, max_length(CounterVisit, "request_summary"))
    if len(visit.items) > MAX_ITEMS:
        errors["items"] = _("At most %(n)s items.") % {"n": MAX_ITEMS}
    for index, item in enumerate(visit.items[:MAX_ITEMS]):
        _text(errors, f"items.{index}", item, MAX_ITEM_LENGTH)
    return errors


def action_check(data: ActionInput) -> None:
    """Refuse an action's input out of bounds before the dossier is locked."""
    if data.step_days is not None and (not data.step_days.is_finite() or not 0 < data.step_days <= MAX_STEP_DAYS):
        raise DomainError(
            DossierErrorCode.STEP_DAYS_INVALID,
            _("A step's time is more than 0 and at most %(n)s working days.") % {"n": MAX_STEP_DAYS},
            fields={"step_days": _("Not valid.")},
        )
    if data.new_due_at is not None and (
        data.new_due_at.tzinfo is None
        or data.new_due_at.utcoffset() is None
        or not EARLIEST.year <= data.new_due_at.year < LATEST.year
    ):
        raise DomainError(
            DossierErrorCode.NEW_DUE_INVALID,
            _("Give the new date with its time zone, between 2000 and 2099."),
            fields={"new_due_at": _("Not valid.")},
        )
    if data.fee_amount is not None and data.fee_amount > MAX_FEE_VND:
        raise DomainError(
            DossierErrorCode.FEE_AMOUNT_INVALID,
            _("Fees cannot exceed %(n)s VND.") % {"n": f"{MAX_FEE_VND:,}".replace(",", ".")},
            fields={"fee_amount": _("Not valid.")},
        )
    errors: dict[str, str] = {}
    _row_id(errors, "agency_id", data.agency_id)
    _row_id(errors, "receiver_id", data.receiver_id)
    _text(errors, "reason", data.reason, MAX_REASON_LENGTH)
    _text(errors, "override_reason", data.override_reason, MAX_REASON_LENGTH)
    _text(errors, "result_summary", data.result_summary, MAX_RESULT_LENGTH)
    if len(data.items) > MAX_ITEMS:
        errors["items"] = _("At most %(n)s items.") % {"n": MAX_ITEMS}
    for index, item in enumerate(data.items[:MAX_ITEMS]):
        _text(errors, f"items.{index}", item, MAX_ITEM_LENGTH)
    _documents(errors, data.documents)
    if errors:
        raise DomainError(DossierErrorCode.INVALID_INPUT, _("Some values are not valid. Check the fields listed."), fields=errors)


# --- Idempotency fingerprint -------------------------------------------------------------------


def _plain(value: Any) -> Any:
    if isinstance(value, bytes):
        return "sha256:" + hashlib.sha256(value).hexdigest()
    if isinstance(value, Decimal):
        return str(value.normalize()) if value.is_finite() else str(value)
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, str):
        return " ".join(value.split())  # whitespace differences are the same request
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value if value is None or isinstance(value, bool | int | float) else str(value)


def request_fingerprint(data: Any, **extra: Any) -> str:
    """SHA-256 of a service input (a dataclass) without its idempotency key, normalised: the
    same key with this fingerprint is the same request; with another one it is a reused key."""
    fields = {f.name: getattr(data, f.name) for f in dataclasses.fields(data) if f.name != "idempotency_key"}
    plain = _plain({**fields, **extra})
    return hashlib.sha256(json.dumps(plain, sort_keys=True, ensure_ascii=False, default=str).encode()).hexdigest()


def intake_fingerprint(intake: IntakeInput, *, online: bool, from_visit_id: int | None) -> str:
    """The fingerprint of an intake request (what ``dossier_receive`` stores with the key)."""
    return request_fingerprint(intake, online=online, from_visit=from_visit_id)


def key_reused(code_or_id: str) -> DomainError:
    """409: the key came with another request body (issue 9 item 8)."""
    return DomainError(
        DossierErrorCode.IDEMPOTENCY_KEY_REUSED,
        _(
            "This idempotency key was already used for a different request (%(record)s). "
            "Use a new key for a new request, or send exactly the same request again."
        )
        % {"record": code_or_id},
        status_code=409,
        fields={"idempotency_key": _("Already used for a different request.")},
    )
