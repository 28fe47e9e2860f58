"""The national-portal outbox (docs/portal-sync.md): the record written with each change, and
the sending of the records in order, with retries.

``portal_record_write`` is called by the services that change a dossier (intake and
``dossier_act``), last in their transaction: the record commits or rolls back with the change.
Its ``seq`` comes from one counter row whose lock is held until that commit, so the sequence is
gap-free and in commit order (every change already serialises on the audit chain's head row,
``core.audit``, so this adds no new wait). The sender reads "everything after the last sent
``seq``": nothing committed later can appear behind it.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import Max
from django.utils import timezone

from motcua.core.audit import audit_record
from motcua.dossiers.models import Counter, Document, Dossier, DossierEvent, PortalDelivery, PortalRecord
from motcua.dossiers.portal_senders import PortalSender, get_sender
from motcua.dossiers.portal_sync import DOCUMENT_FIELDS, EVENT_FIELDS, dossier_portal_payload, export_line
from motcua.dossiers.services.common import next_serial

log = logging.getLogger(__name__)

SEQ_KEY = "portal:seq"
# A claimed record is left to its sender this long before another run may take it over.
CLAIM_SECONDS = 600
MAX_ERROR_CHARS = 500


def portal_record_write(
    *,
    dossier: Dossier,
    event: DossierEvent,
    documents: Sequence[Document] | None = None,
    events: Sequence[DossierEvent] | None = None,
) -> PortalRecord:
    """Append the outbox record of the change ``event`` made to ``dossier`` (already saved).

    Call inside the change's transaction, after everything else it writes. ``documents`` and
    ``events``: all of the dossier's, in order, when the caller holds them (a dossier created
    in this transaction); read from the database otherwise."""
    document_rows = (
        [_document_row(d) for d in documents]
        if documents is not None
        else list(Document.objects.filter(dossier_id=dossier.pk).order_by("position", "id").values(*DOCUMENT_FIELDS))
    )
    event_rows = (
        [_event_row(e) for e in events]
        if events is not None
        else list(DossierEvent.objects.filter(dossier_id=dossier.pk).order_by("seq").values(*EVENT_FIELDS))
    )
    payload = dossier_portal_payload(dossier, documents=document_rows, events=event_rows)
    record = PortalRecord(dossier=dossier, event=event, change=event.action, created_at=event.at, payload=payload)
    if connection.vendor == "postgresql":
        _insert_numbered(record)
    else:
        record.seq = next_serial(SEQ_KEY)
        record.save()
    if getattr(settings, "MOTCUA_PORTAL_SEND_ON_COMMIT", False):
        transaction.on_commit(_enqueue_send)
    return record


def _insert_numbered(record: PortalRecord) -> None:
    """PostgreSQL: take the next ``seq`` and insert the record in one statement (one round trip
    instead of two); the counter row is the one ``next_serial`` keeps, locked until commit."""
    quote = connection.ops.quote_name
    counter, table = quote(Counter._meta.db_table), quote(PortalRecord._meta.db_table)
    key, value = quote("key"), quote("value")
    sql = (
        f"WITH s AS (INSERT INTO {counter} ({key}, {value}) VALUES (%s, 1) "  # noqa: S608  names from the models
        f"ON CONFLICT ({key}) DO UPDATE SET {value} = {counter}.{value} + 1 RETURNING {value}) "
        f"INSERT INTO {table} (seq, dossier_id, event_id, change, created_at, payload) "
        f"SELECT s.{value}, %s, %s, %s, %s, %s::jsonb FROM s RETURNING id, seq"
    )
    with connection.cursor() as cursor:
        cursor.execute(
            sql,
            [SEQ_KEY, record.dossier_id, record.event_id, record.change, record.created_at, json.dumps(record.payload)],
        )
        row = cursor.fetchone()
    record.pk, record.seq = int(row[0]), int(row[1])
    record._state.adding = False
    record._state.db = connection.alias


def _document_row(document: Document) -> dict[str, Any]:
    return {field: getattr(document, field) for field in DOCUMENT_FIELDS}


def _event_row(event: DossierEvent) -> dict[str, Any]:
    actor = event.actor
    return {
        "action": event.action,
        "to_status": event.to_status,
        "at": event.at,
        "actor__first_name": actor.first_name if actor is not None else None,
        "actor__last_name": actor.last_name if actor is not None else None,
    }


# Sending tasks are deferred by this many seconds, and one waiting task serves every change
# committed before it starts: a process enqueues at most one task per window, with no query.
SEND_DELAY_SECONDS = 5.0
_deferred_until: dict[str, datetime] = {}


def _enqueue_send() -> None:
    """Enqueue the worker's sending task to run ``SEND_DELAY_SECONDS`` from now, unless this
    process's last one cannot have started yet (its ``run_after`` is still ahead, with a second
    to spare): that task reads the pending records when it runs, after this change committed.
    A backend that cannot defer (the immediate one) gets a task per change."""
    from django_tasks import task_backends

    from motcua.dossiers.tasks import portal_sync_send_task

    try:
        now = timezone.now()
        if not task_backends[portal_sync_send_task.backend].supports_defer:
            portal_sync_send_task.enqueue()
            return
        pending = _deferred_until.get("run_after")
        if pending is not None and now < pending - timedelta(seconds=1):
            return
        run_after = now + timedelta(seconds=SEND_DELAY_SECONDS)
        portal_sync_send_task.using(run_after=run_after).enqueue()
        _deferred_until["run_after"] = run_after
    except Exception:  # the record is committed; `motcua portal_sync send` or the next change sends it
        log.exception("could not enqueue the portal sending task")


@dataclass(frozen=True)
class SendReport:
    sent: int  # records accepted in this run
    last_seq: int | None  # the highest sent seq after the run
    pending: int  # records still to send
    error: str = ""  # why the run stopped early ("" when it did not)
    waiting_until: datetime | None = None  # the next record may not be tried before this


def _sent_up_to() -> int:
    value = PortalDelivery.objects.filter(sent_at__isnull=False).aggregate(top=Max("seq"))["top"]
    return int(value or 0)


def _claim(record: PortalRecord, now: datetime, *, force: bool) -> PortalDelivery | None:
    """Take the record for this run: create its delivery row, or move an existing one's claim
    forward if it is due (compare-and-set on ``attempts``, so two runs never both take it)."""
    try:
        with transaction.atomic():
            return PortalDelivery.objects.create(
                record=record, seq=record.seq, next_attempt_at=now + timedelta(seconds=CLAIM_SECONDS)
            )
    except IntegrityError:
        pass
    delivery = PortalDelivery.objects.get(record=record)
    if delivery.sent_at is not None:
        return None
    if not force and delivery.next_attempt_at is not None and delivery.next_attempt_at > now:
        return None
    taken = PortalDelivery.objects.filter(pk=delivery.pk, attempts=delivery.attempts, sent_at__isnull=True).update(
        next_attempt_at=now + timedelta(seconds=CLAIM_SECONDS)
    )
    if not taken:
        return None
    delivery.refresh_from_db()
    return delivery


def _backoff(attempts: int, base: float, cap: float) -> float:
    return float(min(cap, base * 2 ** max(0, attempts - 1)))


def portal_records_send(
    *,
    sender: PortalSender | None = None,
    limit: int = 1000,
    retries: int = 2,
    retry_delay: float = 1.0,
    force: bool = False,
    now: Callable[[], datetime] = timezone.now,
    sleep: Callable[[float], None] = time.sleep,
) -> SendReport:
    """Send the pending records in ``seq`` order, at most ``limit``; idempotent.

    A failing record is tried ``retries`` more times in this run (waits of ``retry_delay``,
    doubling), then the run stops there so that no later record overtakes it; the next try
    waits ``MOTCUA_PORTAL_RETRY_SECONDS`` doubling with each failed attempt (at most an hour),
    unless ``force``. A record is marked sent once the sender has returned.
    """
    sender = sender or get_sender()
    base = float(getattr(settings, "MOTCUA_PORTAL_RETRY_SECONDS", 60))
    cursor = _sent_up_to()
    records = list(PortalRecord.objects.filter(seq__gt=cursor).order_by("seq")[:limit])
    sent, error, waiting = 0, "", None
    for record in records:
        delivery = _claim(record, now(), force=force)
        if delivery is None:
            current = PortalDelivery.objects.filter(record=record).first()
            waiting = current.next_attempt_at if current is not None and current.sent_at is None else None
            break
        line = export_line(seq=record.seq, change=record.change, recorded_at=record.created_at, payload=record.payload)
        accepted = False
        for attempt in range(retries + 1):
            if attempt:
                sleep(_backoff(attempt, retry_delay, 60.0))
            delivery.attempts += 1
            delivery.last_attempt_at = now()
            try:
                sender.send(line)
            except Exception as exc:  # any failure of the sender: recorded, retried, in order
                error = f"{type(exc).__name__}: {exc}"[:MAX_ERROR_CHARS]
                delivery.last_error = error
                delivery.save(update_fields=["attempts", "last_attempt_at", "last_error"])
                continue
            accepted = True
            break
        if not accepted:
            waiting = now() + timedelta(seconds=_backoff(delivery.attempts, base, 3600.0))
            delivery.next_attempt_at = waiting
            delivery.save(update_fields=["next_attempt_at"])
            break
        delivery.sent_at = now()
        delivery.next_attempt_at = None
        delivery.last_error = ""
        delivery.save(update_fields=["attempts", "last_attempt_at", "sent_at", "next_attempt_at", "last_error"])
        sent += 1
    if sent:
        audit_record(
            action="portal_sync.send",
            actor_label="portal_sync",
            object_type="portal_record",
            object_id=f"{records[0].seq}-{records[sent - 1].seq}",
            data={"count": sent},
        )
    last = _sent_up_to()
    pending = PortalRecord.objects.filter(seq__gt=last).count()
    return SendReport(sent=sent, last_seq=last or None, pending=pending, error=error, waiting_until=waiting)
