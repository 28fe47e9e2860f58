"""Helpers shared by the dossier services: serial numbers and codes, the event log, queued
clock changes, notifications to the applicant."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib.auth.models import User
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.core.exceptions import DomainError
from motcua.core.models import AdministrativeUnit, Agency
from motcua.core.notifications import notify
from motcua.core.scoping import user_unit_code
from motcua.dossiers import numbering
from motcua.dossiers.choices import (
    DossierAction,
)
from motcua.dossiers.exceptions import DossierErrorCode
from motcua.dossiers.models import ClockChange, Counter, Dossier, DossierEvent
from motcua.dossiers.services.inputs import ActionInput


def next_serial(key: str) -> int:
    """Increment and return a named counter; safe under concurrent transactions.

    One statement on both engines (SQLite ≥ 3.35 and PostgreSQL): the row is created at 1 or
    incremented, and its row lock (PostgreSQL) or the write lock (SQLite) is held until the
    caller's transaction ends, so two intakes never read the same value.
    """
    quote = connection.ops.quote_name
    table, key_col, value_col = quote(Counter._meta.db_table), quote("key"), quote("value")
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({key_col}, {value_col}) VALUES (%s, 1) "  # noqa: S608  names from the model
            f"ON CONFLICT ({key_col}) DO UPDATE SET {value_col} = {table}.{value_col} + 1 RETURNING {value_col}",
            [key],
        )
        row = cursor.fetchone()
    return int(row[0])


def _province_path(unit: AdministrativeUnit) -> str:
    return unit.path.split("/")[0] + "/"


def dossier_code(*, deciding_agency: Agency, received_at: datetime) -> str:
    """``<identifier>-YYMMDD-XXXX`` (or ``-AAXXXX`` for a central system), RULES.md §1.7.

    ``YYMMDD`` is the day of **receipt**; the serial runs per deciding agency and day, so two
    desks receiving for one agency never collide. ``DomainError(DossierErrorCode.AGENCY_IDENTIFIER_MISSING)``
    when the agency has no valid electronic identifier (no code is invented).
    """
    identifier = numbering.agency_identifier(deciding_agency)
    day = numbering.code_day(received_at)
    return numbering.format_dossier_code(identifier, day, next_serial(numbering.dossier_code_key(identifier, day)))


def submission_ref(*, submitted_at: datetime) -> str:
    """The provisional reference of an online submission (``TN-YYMMDD-NNNNNN``): the dossier
    code is given only when the centre receives it (RULES.md §1.7)."""
    day = numbering.code_day(submitted_at)
    return numbering.format_submission_ref(day, next_serial(numbering.submission_ref_key(day)))


def _event(
    *,
    dossier: Dossier,
    action: DossierAction,
    from_status: str,
    to_status: str,
    actor: User | None,
    at: datetime,
    reason: str = "",
    payload: dict[str, Any] | None = None,
    first: bool = False,
) -> DossierEvent:
    # A dossier created in this transaction has no events yet: its first is seq 1.
    seq = 1 if first else (dossier.events.order_by("-seq").values_list("seq", flat=True).first() or 0) + 1
    return DossierEvent.objects.create(
        dossier=dossier,
        seq=seq,
        action=action,
        from_status=from_status,
        to_status=to_status,
        at=at,
        actor=actor,
        actor_label=actor.get_username() if actor else "",
        actor_unit_code=user_unit_code(actor),
        reason=reason,
        payload=payload or {},
    )


def _clock_change(dossier: Dossier, **fields: Any) -> None:
    """Queue a clock change made by an action handler; ``dossier_act`` inserts it with the
    action's event once that exists (``_save_clock_changes``). A clock change is a new row, never an edit
    (``ClockChange`` is append-only), so it is not inserted first and linked later."""
    pending: list[ClockChange] = dossier.__dict__.setdefault("_pending_clock_changes", [])
    pending.append(ClockChange(dossier=dossier, **fields))


def _save_clock_changes(dossier: Dossier, event: DossierEvent) -> None:
    """Insert the clock changes queued by ``_clock_change``, linked to the action's event."""
    for change in dossier.__dict__.pop("_pending_clock_changes", []):
        change.event = event
        change.save()


def _contacts_notify(dossier: Dossier, *, kind: str, subject: str, body: str) -> None:
    if dossier.applicant_phone:
        notify(channel="sms", to=dossier.applicant_phone, subject=subject, body=body, kind=kind)
    if dossier.applicant_email:
        notify(channel="email", to=dossier.applicant_email, subject=subject, body=body, kind=kind)


def _fmt(instant: datetime | None) -> str:
    return timezone.localtime(instant).strftime("%H:%M %d/%m/%Y") if instant else ""


def _require_reason(data: ActionInput, message: str) -> str:
    reason = data.reason.strip()
    if not reason:
        raise DomainError(DossierErrorCode.REASON_REQUIRED, message, fields={"reason": _("Required.")})
    return reason


def supplement_spent(dossier: Dossier) -> bool:
    """The one supplement request the law allows has been made (Decree 118 Art. 11(2))."""
    return dossier.supplement_count >= 1
