"""Periodic report benchmark (docs/reports.md): a commune's quarterly PDF, and the province's
XLSX with its annex of 100,000 dossiers.

Targets (issue 12): the quarterly PDF in under 2 s; the XLSX with 100,000 rows in under 10 s in
bounded memory. Printed beside floors measured in the same run:

- the report's counts (``one_stop_report``) beside one hand-written SQL ``COUNT`` over the
  same rows (what the aggregates cannot beat);
- the PDF beside the counts it prints (the rest is Typst and the signature);
- the XLSX beside reading the same rows from the database without writing them, and its peak
  Python memory (tracemalloc) for a tenth of the rows and for all of them: flat memory means the
  two peaks are close.

    .venv/bin/python benchmarks/bench_report.py                 # SQLite, 100,000 dossiers
    DATABASE_URL=sqlite:////tmp/bench_report.sqlite3 .venv/bin/python benchmarks/bench_report.py   # kept for re-runs
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/motcua_bench_report .venv/bin/python benchmarks/bench_report.py
"""

from __future__ import annotations

import argparse
import time
import tracemalloc
from typing import Any

import _setup


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=100_000, help="dossiers in the database (default 100,000)")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    _setup.django_setup(name="report")
    if _setup.seed_dossiers(args.count):
        _setup.analyze()
    print(_setup.machine())

    from django.db import connection
    from django.utils import timezone

    from motcua.core.models import AdministrativeUnit
    from motcua.core.periods import PeriodKind, current_period, period_between
    from motcua.reports.render import render_report_pdf, render_report_xlsx
    from motcua.reports.selectors import one_stop_report, report_dossier_rows

    today = timezone.localdate()
    commune = AdministrativeUnit.objects.get(code="32218", valid_to__isnull=True)
    province = commune.parent
    assert province is not None
    quarter = current_period(PeriodKind.QUARTER, today).previous()
    everything = period_between(today.replace(year=today.year - 1), today)

    unit_ids = list(AdministrativeUnit.objects.filter(path__startswith=commune.path).values_list("pk", flat=True))

    def floor_count() -> Any:
        """One hand-written aggregate: the rows of the period, and the settled ones on time."""
        marks = ", ".join(["%s"] * len(unit_ids))
        sql = (
            "SELECT COUNT(*), SUM(CASE WHEN finished_at >= %s AND finished_at < %s THEN 1 ELSE 0 END), "
            "SUM(CASE WHEN finished_at >= %s AND finished_at < %s AND timeliness IN ('early', 'on_time') THEN 1 ELSE 0 END) "
            "FROM dossiers_dossier WHERE receiving_unit_id IN (" + marks + ") AND received_at IS NOT NULL "
            "AND received_at < %s AND (finished_at IS NULL OR finished_at >= %s)"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [quarter.start, quarter.end, quarter.start, quarter.end, *unit_ids, quarter.end, quarter.start])
            return cursor.fetchone()

    def counts() -> Any:
        return one_stop_report(user=None, unit=commune, period=quarter)

    report = counts()
    floor = _setup.timed(floor_count, repeat=args.repeat)
    aggregate = _setup.timed(counts, repeat=args.repeat)
    pdf = _setup.timed(lambda: render_report_pdf(counts(), unit=commune), repeat=args.repeat)
    print(f"commune {commune.code}, {quarter.code}: {report.total.received:,} dossiers counted")
    print(f"  floor, one SQL COUNT over the rows : {_setup.summary_ms(floor)}")
    print(f"  the report's counts                : {_setup.summary_ms(aggregate)}  ratio {_ratio(aggregate, floor)}")
    print(f"  quarterly PDF (counts + Typst)     : {_setup.summary_ms(pdf)}  target < 2,000 ms")
    print(f"  PDF / counts: {_ratio(pdf, aggregate)}")

    province_report = one_stop_report(user=None, unit=province, period=everything)
    rows = province_report.total.received
    print(f"province {province.code}, {everything.code}: {rows:,} dossiers in the annex")

    def read_rows() -> int:
        return sum(1 for _ in report_dossier_rows(user=None, unit=province, period=everything))

    def xlsx(limit: int | None = None) -> bytes:
        stream = report_dossier_rows(user=None, unit=province, period=everything)
        if limit is not None:
            stream = (row for i, row in zip(range(limit), stream, strict=False))
        return render_report_xlsx(province_report, unit=province, dossiers=stream)

    read = _setup.timed(read_rows, repeat=2, warmup=1)
    write = _setup.timed(xlsx, repeat=2, warmup=0)
    print(f"  floor, reading the rows            : {_setup.summary_ms(read)}")
    print(f"  XLSX with the annex                : {_setup.summary_ms(write)}  target < 10,000 ms; ratio {_ratio(write, read)}")
    peaks = []
    for limit in (rows // 10, rows):
        tracemalloc.start()
        started = time.perf_counter()
        size = len(xlsx(limit))
        seconds = time.perf_counter() - started
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        peaks.append(peak)
        mib, file_mib = peak / 2**20, size / 2**20
        print(f"  {limit:>9,} rows: peak Python memory {mib:6.1f} MiB, file {file_mib:5.1f} MiB ({seconds:.1f} s traced)")
    print(f"  memory for all rows / a tenth of them: {peaks[1] / max(peaks[0], 1):.2f} (the file itself is held once, in memory)")


def _ratio(values: list[float], floor: list[float]) -> str:
    import statistics

    return f"{statistics.median(values) / max(statistics.median(floor), 1e-9):.1f}×"


if __name__ == "__main__":
    main()
