"""Background tasks (django-tasks): thin, each calls one service."""

from __future__ import annotations

from django_tasks import task

from motcua.registries.common.jobs import import_run


@task()
def registry_import_task(job_id: int) -> str:
    """Run one queued spreadsheet import (``motcua worker`` picks it up)."""
    return str(import_run(job_id=job_id).status)
