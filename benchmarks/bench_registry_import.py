"""Vessel spreadsheet import (issue 13 "Targets"): an XLSX of synthetic vessels with 1 % bad rows
is refused with every error reported, then the corrected file is imported, beside a floor
measured in the same run: python-calamine only reading the same file.

Run: ``.venv/bin/python benchmarks/bench_registry_import.py`` (20,000 rows, about a minute on 2
cores) or ``--rows 100000`` for the issue's target (under 60 s and under 500 MB). The database
is ``DATABASE_URL`` when set, otherwise a throwaway SQLite file.

Each phase runs in a forked child process, so its peak memory is its own (``ru_maxrss`` of the
child: Django and the loaded code are included, as in a worker). It prints wall time, peak RSS
and the import/floor ratio. It asserts nothing: it is a benchmark, not a test.
"""

from __future__ import annotations

import argparse
import io
import os
import pickle
import random
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _setup import django_setup

TARGET_S = 60.0
TARGET_MB = 500.0


def in_child(action: Callable[[], Any]) -> tuple[Any, float, float]:
    """Run ``action`` in a forked child: (its result, wall seconds, the child's peak RSS in MB)."""
    from django.db import connections

    connections.close_all()
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child
        os.close(read)
        start = time.perf_counter()
        try:
            result: Any = action()
        except Exception as exc:  # report, do not hang the parent
            result = f"error: {exc!r}"
        elapsed = time.perf_counter() - start
        with os.fdopen(write, "wb") as out:
            pickle.dump((result, elapsed), out)
        os._exit(0)
    os.close(write)
    with os.fdopen(read, "rb") as source:
        result, elapsed = pickle.load(source)  # noqa: S301  our own child's output
    _pid, _status, usage = os.wait4(pid, 0)
    return result, elapsed, usage.ru_maxrss / 1024  # Linux: kilobytes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=20_000)
    args = parser.parse_args()
    where = django_setup(name="registry")

    from motcua.core.models import AdministrativeUnit
    from motcua.registries.common.jobs import import_run
    from motcua.registries.common.models import ImportJob
    from motcua.registries.vessels.models import Vessel
    from motcua.registries.vessels.seeding import vessel_rows, vessels_xlsx_synthetic

    unit = AdministrativeUnit.objects.get(code="32218", valid_to__isnull=True)
    t0 = time.perf_counter()

    def make_files() -> tuple[bytes, bytes, int]:
        """Generated in a child, so that the parent (whose memory every later child shares) stays lean."""
        rng = random.Random(7)
        rows = vessel_rows(args.rows, unit=unit, rng=rng)
        for index, row in enumerate(rows):  # unique numbers for every row (the generator wraps at 99,999)
            row[0], row[1] = "", f"PT-{index + 1:06d}"
        good = vessels_xlsx_synthetic(rows)
        bad_indexes = rng.sample(range(len(rows)), k=max(1, len(rows) // 100))
        for n, index in enumerate(bad_indexes):
            column, value = [(6, "31/02/2020"), (7, "dài"), (3, ""), (0, "CM-1-TS")][n % 4]
            rows[index][column] = value
        return good, vessels_xlsx_synthetic(rows), len(bad_indexes)

    (good, bad, bad_count), _s, _mb = in_child(make_files)
    bad_indexes = range(bad_count)
    print(f"database: {where}")
    print(f"machine: {os.cpu_count()} CPUs, load average {', '.join(f'{x:.1f}' for x in os.getloadavg())}")
    print(
        f"file: {args.rows:,} synthetic vessel rows, {len(good) / 1e6:.1f} MB XLSX, {len(bad_indexes):,} bad rows;"
        f" written in {time.perf_counter() - t0:.1f} s"
    )

    def floor() -> int:
        from python_calamine import CalamineWorkbook

        return sum(1 for _row in CalamineWorkbook.from_filelike(io.BytesIO(good)).get_sheet_by_index(0).iter_rows())

    def run(content: bytes) -> Callable[[], tuple[str, int, int]]:
        def action() -> tuple[str, int, int]:
            job = ImportJob.objects.create(registry="vessels", unit=unit, filename="bench.xlsx", sha256="bench", content=content)
            job = import_run(job_id=job.pk)
            return str(job.status), len(job.errors), job.created_count

        return action

    floor_rows, floor_s, floor_mb = in_child(floor)
    print(f"floor (calamine read only): {floor_rows:,} rows in {floor_s:.2f} s, peak {floor_mb:.0f} MB")
    refused, refused_s, refused_mb = in_child(run(bad))
    print(
        f"bad file: {refused[0]}, {refused[1]:,} errors reported, nothing written, in {refused_s:.2f} s, peak {refused_mb:.0f} MB"
        f" ({refused_s / floor_s:.1f}× the floor)"
    )
    done, done_s, done_mb = in_child(run(good))
    total = Vessel.objects.unrestricted("benchmark count").filter(unit=unit).count()
    print(
        f"good file: {done[0]}, {done[2]:,} vessels created ({total:,} in the registry), in {done_s:.2f} s, peak {done_mb:.0f} MB"
        f" ({done_s / floor_s:.1f}× the floor)"
    )
    again, again_s, _mb = in_child(run(good))
    print(f"same file again: {again[0]}, {again[2]} created, in {again_s:.2f} s")
    verdict = "PASS" if refused_s + done_s < TARGET_S and max(refused_mb, done_mb) < TARGET_MB else "FAIL"
    print(f"target (100,000 rows): errors + import < {TARGET_S:.0f} s and < {TARGET_MB:.0f} MB: {verdict} at {args.rows:,} rows")


if __name__ == "__main__":
    main()
