"""Background tasks of the dossiers app (django-tasks): thin, each calls one service."""

from __future__ import annotations

from django_tasks import task

from motcua.dossiers.services.portal import portal_records_send


@task()
def portal_sync_send_task() -> int:
    """Send the national-portal outbox's pending records (``motcua worker`` runs it; it is
    enqueued after each change commits when ``MOTCUA_PORTAL_SEND_ON_COMMIT`` is on). One
    attempt per record in the task: a failure waits for its back-off (the next task or
    ``motcua portal_sync send`` tries again)."""
    return portal_records_send(retries=0).sent
