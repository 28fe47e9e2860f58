"""Shared set-up for the dossier benchmarks (``bench_intake``, ``bench_lookup``, ``bench_queue``).

``django_setup()`` points Django at the benchmark database and prepares it:

* ``DJANGO_SETTINGS_MODULE`` is ``motcua.config.test_settings`` (fixed secret, in-memory
  files and notifications), so nothing from ``var/`` is touched; loaded working calendars
  are kept for 60 s as in production;
* the database is ``DATABASE_URL`` when it is set, otherwise a fresh SQLite file in a
  temporary directory (removed at exit), or a named PostgreSQL database that is created once
  and kept (``postgres_database``) so that a million seeded rows are reused by later runs;
* migrations run, the administrative units and the procedure catalogue are imported, and the
  demo agencies and users of the three demo communes exist.

Import this module before anything from Django or ``motcua``.
"""

from __future__ import annotations

import atexit
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.config.test_settings")
# Keep loaded working calendars for 60 s, as the production settings do (tests read them fresh).
os.environ.setdefault("MOTCUA_TEST_CALENDAR_CACHE_SECONDS", "60")

PG_ADMIN_URL = os.environ.get("MOTCUA_BENCH_PG_ADMIN", "postgres://postgres@127.0.0.1:5432/postgres")
DEMO_PASSWORD = "bench-password-not-secret"  # noqa: S105  throw-away demo users of a benchmark database
UNITS = ("32218", "32212", "32214")


def temp_sqlite_url(name: str) -> str:
    """A SQLite file in a fresh temporary directory that is removed when the process exits."""
    directory = Path(tempfile.mkdtemp(prefix=f"motcua-{name}-"))
    atexit.register(shutil.rmtree, directory, ignore_errors=True)
    return f"sqlite:///{directory / 'bench.sqlite3'}"


def postgres_database(name: str, *, recreate: bool = False) -> str:
    """The URL of PostgreSQL database ``name`` on the benchmark server, created if absent."""
    import psycopg

    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is not None
        if exists and recreate:
            conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
            exists = False
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')
    return PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + name


def django_setup(*, database_url: str | None = None, name: str = "bench", quiet: bool = False) -> str:
    """Configure Django on the benchmark database, migrate and load reference data.

    ``database_url`` wins over ``DATABASE_URL``, which wins over a temporary SQLite file.
    Returns the URL in use (also left in ``os.environ["DATABASE_URL"]`` for child processes).
    """
    url = database_url or os.environ.get("DATABASE_URL") or temp_sqlite_url(name)
    if url.startswith(("postgres://", "postgresql://")):
        postgres_database(url.rsplit("/", 1)[1].split("?")[0])  # created when missing
    django_connect(url)
    from django.core.management import call_command

    from motcua.catalog.models import Procedure
    from motcua.catalog.services import procedures_import
    from motcua.core.demo import demo_setup
    from motcua.core.models import AdministrativeUnit, Agency
    from motcua.core.units_import import units_import

    started = time.perf_counter()
    call_command("migrate", interactive=False, verbosity=0)
    if not AdministrativeUnit.objects.filter(code__in=UNITS, valid_to__isnull=True).exists():
        units_import()
    if not Procedure.objects.exists():
        procedures_import()
    if Agency.objects.filter(unit__code__in=UNITS).count() < 3 * len(UNITS):
        demo_setup(password=DEMO_PASSWORD)
    if not quiet:
        print(f"database: {describe(url)} (ready in {time.perf_counter() - started:.1f} s)")
    return url


def django_connect(url: str) -> None:
    """Set Django up on ``url`` without touching the schema (for child processes)."""
    os.environ["DATABASE_URL"] = url
    # The audit anchor belongs to one database: never the real var/audit-anchor.log here.
    os.environ.setdefault("MOTCUA_AUDIT_ANCHOR_FILE", str(Path(tempfile.gettempdir()) / f"motcua-bench-anchor-{os.getpid()}.log"))
    import django

    django.setup()


def describe(url: str) -> str:
    """The database vendor and name, without credentials."""
    vendor = "SQLite" if url.startswith("sqlite") else "PostgreSQL"
    return f"{vendor} {url.rsplit('/', 1)[-1]}"


def vendor() -> str:
    from django.db import connection

    return "SQLite" if connection.vendor == "sqlite" else "PostgreSQL"


def child_env(**extra: str) -> dict[str, str]:
    """The environment for a child process that must see the same database and settings."""
    env = dict(os.environ)
    env.setdefault("MOTCUA_SECRET_KEY", "benchmark-only-secret-key")
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), str(BENCH_DIR), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    env.update(extra)
    return env


def seed_dossiers(count: int, *, rng_seed: int = 42, months: int = 6, quiet: bool = False) -> int:
    """Top the database up to at least ``count`` dossiers with ``dossiers_seed``; the number added."""
    from motcua.dossiers.models import Dossier
    from motcua.dossiers.seeding import dossiers_seed

    have = Dossier.objects.count()
    if have >= count:
        if not quiet:
            print(f"dossiers: {have:,} already there (reused)")
        return 0

    def progress(done: int, total: int, seconds: float) -> None:
        if not quiet:
            print(f"  seeded {done:,}/{total:,} ({done / max(seconds, 1e-9):,.0f} dossiers/s)", flush=True)

    report = dossiers_seed(count=count - have, unit_codes=list(UNITS), months=months, rng_seed=rng_seed + have, progress=progress)
    if not quiet:
        print(f"dossiers: {have:,} + {report.count:,} seeded in {report.seconds:.1f} s ({report.rate:,.0f}/s)")
    return report.count


def analyze() -> None:
    """Refresh planner statistics (PostgreSQL ANALYZE; SQLite ANALYZE) after a bulk load."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def percentile(values: Sequence[float], p: float) -> float:
    """The ``p``-th percentile (nearest rank) of ``values``."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))]


def timed(function: Callable[[], Any], *, repeat: int, warmup: int = 2) -> list[float]:
    """Milliseconds of ``repeat`` calls of ``function`` after ``warmup`` calls."""
    for _ in range(warmup):
        function()
    out: list[float] = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        out.append((time.perf_counter() - started) * 1000)
    return out


def summary_ms(values: Sequence[float]) -> str:
    return (
        f"p50 {percentile(values, 50):7.2f} ms  p95 {percentile(values, 95):7.2f} ms  "
        f"p99 {percentile(values, 99):7.2f} ms  mean {statistics.fmean(values):7.2f} ms"
    )


def machine() -> str:
    """One line about the machine (cores, load), printed with every run."""
    load = os.getloadavg()
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return f"{cores} cores, load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}, Python {sys.version.split()[0]}"
