"""The append-only, hash-chained audit log.

Services call :func:`audit_record` inside the transaction that makes the change, so the
change and its audit row commit or roll back together. Each row stores the previous row's
hash and its own hash over (previous hash, its content); :func:`audit_verify` recomputes the
chain and names the first row that does not fit.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.db import connection, transaction
from django.utils import timezone

from motcua.core.models import AuditChainHead, AuditEvent

GENESIS_HASH = "0" * 64
# Any constant; serialises appends on PostgreSQL (SQLite's IMMEDIATE transactions already do).
_PG_LOCK_KEY = 0x6D6F7463  # "motc"


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)


def compute_hash(
    *,
    prev_hash: str,
    occurred_at: datetime,
    actor_id: int | None,
    actor_label: str,
    unit_code: str,
    action: str,
    object_type: str,
    object_id: str,
    data: Any,
) -> str:
    payload = _canonical(
        {
            "prev": prev_hash,
            "at": occurred_at.astimezone(UTC).isoformat(timespec="microseconds"),
            "actor": actor_id,
            "actor_label": actor_label,
            "unit": unit_code,
            "action": action,
            "type": object_type,
            "id": object_id,
            # Round-trip through JSON so the hash sees what the database will give back.
            "data": json.loads(_canonical(data)),
        }
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def audit_record(
    *,
    action: str,
    actor: User | AnonymousUser | None = None,
    unit_code: str = "",
    object_type: str = "",
    object_id: str | int = "",
    data: dict[str, Any] | None = None,
    actor_label: str = "",
) -> AuditEvent:
    """Append one event. Call it inside the service's transaction."""
    user = actor if isinstance(actor, User) else None
    label = actor_label or (user.get_username() if user is not None else "")
    payload = json.loads(_canonical(data or {}))
    # No savepoint of its own: an error here rolls back the caller's whole transaction, which
    # is what a change without its audit row needs.
    with transaction.atomic(savepoint=False):
        # The head row serialises appends: locked until the caller's transaction ends.
        head = AuditChainHead.objects.select_for_update().filter(singleton=1).first()
        if head is None:
            # The very first append (or after a flush): create the head under a lock on
            # PostgreSQL so that two first appends cannot both start a chain (SQLite's
            # IMMEDIATE transactions already serialise writers).
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_PG_LOCK_KEY])
            head, _ = AuditChainHead.objects.select_for_update().get_or_create(singleton=1)
        prev_hash = head.last_hash or GENESIS_HASH
        occurred_at = timezone.now()
        event = AuditEvent(
            occurred_at=occurred_at,
            actor=user,
            actor_label=label,
            unit_code=unit_code,
            action=action,
            object_type=object_type,
            object_id=str(object_id),
            data=payload,
            prev_hash=prev_hash,
        )
        event.hash = compute_hash(
            prev_hash=prev_hash,
            occurred_at=occurred_at,
            actor_id=user.pk if user is not None else None,
            actor_label=label,
            unit_code=unit_code,
            action=action,
            object_type=object_type,
            object_id=str(object_id),
            data=payload,
        )
        event.save()
        AuditChainHead.objects.filter(singleton=1).update(last_event_id=event.pk, last_hash=event.hash)
    return event


@dataclass(frozen=True)
class AuditVerification:
    ok: bool
    checked: int
    bad_event_id: int | None = None
    reason: str = ""


def audit_verify() -> AuditVerification:
    """Walk the whole chain; report the first row whose hash or link does not fit."""
    prev_hash = GENESIS_HASH
    checked = 0
    last_id = 0
    rows = AuditEvent.objects.order_by("id").values_list(
        "id",
        "occurred_at",
        "actor_id",
        "actor_label",
        "unit_code",
        "action",
        "object_type",
        "object_id",
        "data",
        "prev_hash",
        "hash",
    )
    for row in rows.iterator(chunk_size=2000):
        event_id, occurred_at, actor_id, actor_label, unit_code, action, object_type, object_id, data, stored_prev, stored = row
        if stored_prev != prev_hash:
            return AuditVerification(
                False, checked, event_id, "link to the previous event is broken (a row before it was removed or changed)"
            )
        expected = compute_hash(
            prev_hash=stored_prev,
            occurred_at=occurred_at,
            actor_id=actor_id,
            actor_label=actor_label,
            unit_code=unit_code,
            action=action,
            object_type=object_type,
            object_id=object_id,
            data=data,
        )
        if expected != stored:
            return AuditVerification(False, checked, event_id, "content does not match its hash (the row was edited)")
        prev_hash = stored
        last_id = event_id
        checked += 1
    head = AuditChainHead.objects.filter(singleton=1).first()
    if head is not None and (head.last_event_id != last_id or (head.last_hash or GENESIS_HASH) != prev_hash):
        return AuditVerification(
            False, checked, head.last_event_id, "the newest event recorded in the chain head is missing or changed"
        )
    return AuditVerification(True, checked)
