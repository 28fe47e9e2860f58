"""Background tasks of the dossiers app (django-tasks): thin, each calls one service."""

from __future__ import annotations

from django_tasks import task

from motcua.dossiers.services.portal import portal_records_send


@task()
def portal_sync_send_task() -> int:
    """Send the national-portal outbox's pending records (``motcua worker`` runs it; a change
    enqueues it, deferred and shared, when ``MOTCUA_PORTAL_SEND_ON_COMMIT`` is on: docs/portal-sync.md
    "Worker"). One
    attempt per record in the task: a failure waits for its back-off (the next task or
    ``motcua portal_sync send`` tries again). Sends batch after batch until nothing is pending."""
    total = 0
    while True:
        report = portal_records_send(retries=0)
        total += report.sent
        if report.error or not report.sent or not report.pending:
            return total
