"""The append-only, hash-chained audit log.

Services call :func:`audit_record` inside the transaction that makes the change, so the
change and its audit row commit or roll back together. Each row stores the previous row's
hash and its own hash over (previous hash, its content); :func:`audit_verify` recomputes the
chain and names the first row that does not fit.

The chain head is also anchored outside the table: when a transaction with an audit append
commits, one line ``<event id> <hash> <time>`` is appended to ``MOTCUA_AUDIT_ANCHOR_FILE``
(0600). Verification checks that the newest anchored event is still there with the same hash,
so deleting the newest rows together with the chain-head row, or wiping the whole log, no
longer verifies. Only events committed after the last anchor line (the in-flight commit, or
any whose anchor write failed: it is logged) could be cut without notice.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.db import connection, transaction
from django.utils import timezone

from motcua.core.files import append_private
from motcua.core.models import AuditChainHead, AuditEvent

GENESIS_HASH = "0" * 64
# Any constant; serialises appends on PostgreSQL (SQLite's IMMEDIATE transactions already do).
_PG_LOCK_KEY = 0x6D6F7463  # "motc"
# The newest anchor is found in the file's tail (lines are ~100 bytes; concurrent commits may
# write a few lines out of order, hence the largest id of the tail, not the last line).
_ANCHOR_TAIL_BYTES = 64 * 1024

logger = logging.getLogger(__name__)


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
        if anchor_path() is not None:
            event_id, event_hash = event.pk, event.hash
            transaction.on_commit(lambda: anchor_append(event_id=event_id, event_hash=event_hash))
    return event


def anchor_path() -> Path | None:
    value = str(getattr(settings, "MOTCUA_AUDIT_ANCHOR_FILE", "") or "")
    return Path(value) if value else None


def anchor_append(*, event_id: int, event_hash: str) -> None:
    """Append one anchor line (file 0600, folder 0700). Runs after the commit: a failure is
    logged, not raised, because the change it records is already committed."""
    path = anchor_path()
    if path is None:
        return
    line = f"{event_id} {event_hash} {timezone.now().astimezone(UTC).isoformat(timespec='seconds')}\n"
    try:
        append_private(path, line)
    except OSError:
        logger.exception("audit anchor %s not written for event #%s", path, event_id)


def anchor_read_last(path: Path | None = None) -> tuple[int, str] | None:
    """The newest anchored (event id, hash), or None when there is no anchor file or line."""
    path = path or anchor_path()
    if path is None or not path.is_file():
        return None
    with path.open("rb") as handle:
        handle.seek(0, os.SEEK_END)
        size = handle.tell()
        handle.seek(max(0, size - _ANCHOR_TAIL_BYTES))
        tail = handle.read().decode("ascii", errors="replace")
    best: tuple[int, str] | None = None
    for line in tail.splitlines():
        parts = line.split()
        if len(parts) < 2 or not parts[0].isdigit() or len(parts[1]) != 64:
            continue  # the first, cut line of the tail, or a torn write
        candidate = (int(parts[0]), parts[1])
        if best is None or candidate[0] > best[0]:
            best = candidate
    return best


def anchor_head_now() -> tuple[int, str] | None:
    """Write the current chain head to the anchor file (for a log that predates the anchor)."""
    head = AuditChainHead.objects.filter(singleton=1).first()
    if head is None or not head.last_event_id:
        return None
    anchor_append(event_id=head.last_event_id, event_hash=head.last_hash)
    return head.last_event_id, head.last_hash


def parse_head(text: str) -> tuple[int, str]:
    """``"<id>:<hash>"`` (as printed in a backup manifest) → (id, hash); ValueError if not."""
    event_id, _sep, event_hash = text.strip().partition(":")
    if not event_id.isdigit() or len(event_hash) != 64:
        raise ValueError(text)
    return int(event_id), event_hash.lower()


@dataclass(frozen=True)
class AuditVerification:
    ok: bool
    checked: int
    bad_event_id: int | None = None
    reason: str = ""
    # The newest event known from outside the table (anchor file, or a head given), if any.
    anchored_event_id: int | None = None


def audit_verify(*, expected_head: tuple[int, str] | None = None) -> AuditVerification:
    """Walk the whole chain; report the first row whose hash or link does not fit.

    The newest anchored event (anchor file) and ``expected_head`` (e.g. from a backup manifest)
    must be present with the same hash: a log cut at its end, or wiped, does not verify.
    """
    anchors = [a for a in (anchor_read_last(), expected_head) if a is not None]
    wanted = dict(anchors)
    seen: set[int] = set()
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
        if event_id in wanted:
            if wanted[event_id] != stored:
                return AuditVerification(
                    False,
                    checked,
                    event_id,
                    "the event differs from its hash recorded outside the database (the chain was rewritten)",
                )
            seen.add(event_id)
        prev_hash = stored
        last_id = event_id
        checked += 1
    newest_anchor = max((event_id for event_id, _hash in anchors), default=None)
    missing = sorted(set(wanted) - seen)
    if missing:
        return AuditVerification(
            False,
            checked,
            missing[-1],
            "an event recorded outside the database (anchor file or backup manifest) is missing: the log was cut or wiped",
            newest_anchor,
        )
    head = AuditChainHead.objects.filter(singleton=1).first()
    if head is not None and (head.last_event_id != last_id or (head.last_hash or GENESIS_HASH) != prev_hash):
        return AuditVerification(
            False, checked, head.last_event_id, "the newest event recorded in the chain head is missing or changed", newest_anchor
        )
    return AuditVerification(True, checked, anchored_event_id=newest_anchor)
