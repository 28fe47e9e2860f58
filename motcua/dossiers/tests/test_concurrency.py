"""Reliability: concurrent intakes from separate processes (issue "Reliability").

"200 concurrent intakes (separate processes) give exactly 200 dossiers with 200 distinct codes,
on SQLite and on PostgreSQL; the same idempotency key sent twice gives one dossier."

The test commits a procedure, the agencies and a reception officer (``transaction=True``), then
starts 8 worker processes (spawn) that set Django up themselves against the same database,
wait on a barrier and call ``dossier_receive`` at once: first all 8 with one shared
idempotency key, then 25 intakes each with their own keys.

Which database the workers open: on PostgreSQL, pytest-django's test database itself (a real
database, committed rows are visible to other connections). On SQLite, pytest-django's test
database is in memory (``file:memorydb_default?mode=memory&cache=shared``, private to this
process), so the test copies it, committed set-up included, into a file under ``tmp_path`` with
SQLite's backup API and points the workers there; they write through the same settings as
production (WAL, IMMEDIATE transactions, busy timeout), and the test reads the file back.

Module-level imports stay free of Django models: the spawned workers import this module
before they have set Django up.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
import os
import sqlite3
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

WORKERS = 8
INTAKES_PER_WORKER = 25
SHARED_KEY = "same-key-from-every-worker"
OFFICER = "concurrency.reception"
AT = dt.datetime(2026, 3, 10, 10, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))


def _worker(database_url: str, index: int, barrier: Any, results: Any) -> None:
    """One process: set Django up on ``database_url``, then intake at the barrier."""
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.config.test_settings")
    import django

    django.setup()
    from django.contrib.auth.models import User
    from django.db import connections

    from motcua.dossiers.services import dossier_receive
    from motcua.dossiers.tests.factories import intake

    out: list[tuple[str, str, bool]] = []
    try:
        officer = User.objects.get(username=OFFICER)
        barrier.wait(timeout=120)
        shared = dossier_receive(actor=officer, intake=intake(documents=[], idempotency_key=SHARED_KEY), now=AT)
        out.append((SHARED_KEY, shared.dossier.code, shared.created))
        barrier.wait(timeout=120)
        for n in range(INTAKES_PER_WORKER):
            key = f"worker-{index}-{n}"
            result = dossier_receive(actor=officer, intake=intake(documents=[], idempotency_key=key), now=AT)
            out.append((key, result.dossier.code, result.created))
        results.put((index, out, ""))
    except Exception as exc:  # reported to the test, which fails with it
        results.put((index, out, f"{type(exc).__name__}: {exc}"))
    finally:
        connections.close_all()


def _database_for_workers(tmp_path: Path) -> tuple[str, Path | None]:
    """A DATABASE_URL the workers can open, and the SQLite file to read back (if any)."""
    from django.db import connection

    settings = connection.settings_dict
    if connection.vendor == "postgresql":
        user = settings["USER"] or ""
        password = f":{settings['PASSWORD']}" if settings["PASSWORD"] else ""
        return (
            f"postgres://{user}{password}@{settings['HOST'] or '127.0.0.1'}:{settings['PORT'] or 5432}/{settings['NAME']}",
            None,
        )
    assert connection.vendor == "sqlite"
    from django.db import DEFAULT_DB_ALIAS, connections
    from django.db.backends.sqlite3.base import DatabaseWrapper as SQLiteWrapper

    sqlite = connections[DEFAULT_DB_ALIAS]
    assert isinstance(sqlite, SQLiteWrapper)
    if not sqlite.is_in_memory_db():
        return f"sqlite:///{settings['NAME']}", Path(settings["NAME"])
    path = tmp_path / "concurrency.sqlite3"
    connection.ensure_connection()
    with sqlite3.connect(path) as target:
        connection.connection.backup(target)
    target.close()
    return f"sqlite:///{path}", path


def _rows(path: Path | None) -> list[tuple[str, str]]:
    """(code, idempotency key) of every dossier the workers wrote."""
    if path is None:
        from motcua.dossiers.models import Dossier

        return list(Dossier.objects.values_list("code", "idempotency_key"))
    with sqlite3.connect(path) as db:
        rows = db.execute("SELECT code, idempotency_key FROM dossiers_dossier").fetchall()
    db.close()
    return rows


def _outbox(path: Path | None) -> list[tuple[int, int]]:
    """(seq, dossier id) of every national-portal outbox record the workers wrote."""
    if path is None:
        from motcua.dossiers.models import PortalRecord

        return list(PortalRecord.objects.values_list("seq", "dossier_id"))
    with sqlite3.connect(path) as db:
        rows = db.execute("SELECT seq, dossier_id FROM dossiers_portalrecord").fetchall()
    db.close()
    return rows


# 15 s on SQLite and 19 s on PostgreSQL on the 2 shared cores (22 s and 28 s before bf689f0 made
# intake lighter): under the ~20 s that would make it `slow`.
@pytest.mark.django_db(transaction=True)
def test_concurrent_intakes_from_separate_processes_get_distinct_codes_and_one_dossier_per_key(
    units: None, tmp_path: Path
) -> None:
    from motcua.core.choices import Role
    from motcua.dossiers.tests.factories import commune_agencies, procedure, staff

    procedure()
    commune_agencies()
    staff(OFFICER, Role.RECEPTION_OFFICER)
    database_url, sqlite_file = _database_for_workers(tmp_path)
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(WORKERS)
    results = context.Queue()
    processes = [context.Process(target=_worker, args=(database_url, i, barrier, results)) for i in range(WORKERS)]

    for process in processes:
        process.start()
    reports = [results.get(timeout=300) for _ in processes]
    for process in processes:
        process.join(timeout=60)

    errors = [error for _index, _out, error in reports if error]
    assert errors == []
    answers = [row for _index, out, _error in reports for row in out]
    shared = [(code, created) for key, code, created in answers if key == SHARED_KEY]
    assert len(shared) == WORKERS
    assert len({code for code, _created in shared}) == 1
    assert sum(created for _code, created in shared) == 1
    rows = _rows(sqlite_file)
    codes = [code for code, _key in rows]
    assert len(rows) == WORKERS * INTAKES_PER_WORKER + 1
    assert [key for _code, key in rows].count(SHARED_KEY) == 1
    assert len(set(codes)) == len(codes)
    # One agency, one day: the serials are exactly 1..201, in the code format of the service.
    assert sorted(codes) == [f"000.18.20.H12-260310-{n:04d}" for n in range(1, len(codes) + 1)]
    # The portal outbox (docs/portal-sync.md): one record per dossier, seq gap-free 1..201.
    outbox = _outbox(sqlite_file)
    assert sorted(seq for seq, _dossier in outbox) == list(range(1, len(codes) + 1))
    assert len({dossier for _seq, dossier in outbox}) == len(codes)
