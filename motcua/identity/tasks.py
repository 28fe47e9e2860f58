"""Background tasks (django-tasks): thin, each calls one service.

django-tasks has no scheduler of its own: run ``motcua face purge-expired`` once a day from
cron or a systemd timer, or enqueue :data:`face_templates_purge_task` from one.
"""

from __future__ import annotations

from django_tasks import task

from motcua.identity.face_search import face_index_rebuild
from motcua.identity.services import face_templates_purge_expired


@task()
def face_templates_purge_task() -> int:
    """Retention: delete face templates unused for ``MOTCUA_FACE_RETENTION_DAYS``."""
    return face_templates_purge_expired()


@task()
def face_index_rebuild_task(unit_ids: list[int]) -> int:
    """Rebuild the named index partitions so deleted templates leave memory and disk."""
    return sum(count for _code, count, _kind in face_index_rebuild(unit_ids=unit_ids))
