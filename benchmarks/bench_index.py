"""Index benchmark: the whole service-quality index of a province for a quarter, beside a floor.

Target (issue 12): the index of one province (all its communes) for a quarter over 1,000,000
dossiers in PostgreSQL under 2 s, and within 3× a floor: one hand-written SQL aggregate that
counts the same 2.1 on-time numerator and denominator. Also measured: one commune's index and
the ranking of the province's communes (the same queries grouped by unit, for the quarter and
the one before). The floor's counts are checked against the index's 2.1 (they must agree).

    .venv/bin/python benchmarks/bench_index.py                  # 50,000 dossiers in a temp SQLite file
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/motcua_bench_idx .venv/bin/python benchmarks/bench_index.py
    .venv/bin/python benchmarks/bench_index.py --full           # 1,000,000 in PostgreSQL motcua_bench_1m (kept)

Prints figures; never asserts.
"""

from __future__ import annotations

import argparse
from datetime import datetime
from typing import Any

import _setup

FULL_DATABASE = "motcua_bench_1m"
PROVINCE, COMMUNE = "96", "32218"

FLOOR_SQL = """
SELECT SUM(CASE WHEN ((x.e < %(cut)s AND (
            (x.status = 'supplement_requested' AND x.supplement_count < 2 AND x.e <= x.due_at)
         OR (x.status <> 'supplement_requested' AND x.timeliness IN ('early', 'on_time'))
         OR (x.status <> 'supplement_requested' AND x.timeliness = '' AND x.e <= x.due_at)))
      OR ((x.e IS NULL OR x.e >= %(cut)s) AND x.due_at >= %(cut)s)) THEN 1 ELSE 0 END),
       COUNT(*)
FROM (
  SELECT d.status, d.supplement_count, d.timeliness, d.due_at, d.received_at,
         CASE WHEN d.status = 'supplement_requested'
              THEN (SELECT c.at FROM dossiers_clockchange c WHERE c.dossier_id = d.id AND c.kind = 'pause'
                    ORDER BY c.at DESC, c.id DESC LIMIT 1)
              ELSE COALESCE(d.finished_at, d.returned_at) END AS e
  FROM dossiers_dossier d JOIN core_administrativeunit u ON u.id = d.receiving_unit_id
  WHERE u.path LIKE %(path)s AND d.received_at IS NOT NULL AND d.received_at < %(end)s
) x
WHERE x.received_at >= %(start)s OR x.e IS NULL OR x.e >= %(start)s
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--full", action="store_true", help=f"1,000,000 dossiers in PostgreSQL {FULL_DATABASE}")
    parser.add_argument("--count", type=int, default=None, help="dossiers in the database (default 50,000)")
    parser.add_argument("--repeat", type=int, default=5, help="timed calls per case")
    parser.add_argument("--period", default="", help="the quarter (default: the last full quarter of the seeded months)")
    args = parser.parse_args()
    count = args.count or (1_000_000 if args.full else 50_000)
    url = _setup.postgres_database(FULL_DATABASE) if args.full else None
    _setup.django_setup(database_url=url, name="index")
    if _setup.seed_dossiers(count):
        _setup.analyze()

    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone
    from motcua.indices.periods import parse_period

    from motcua.core.selectors import unit_get
    from motcua.dossiers.models import Dossier
    from motcua.indices.selectors import service_index, service_ranking

    print(_setup.machine())
    today = timezone.localdate()
    quarter = (today.month - 1) // 3 + 1
    default = f"{today.year}-Q{quarter - 1}" if quarter > 1 else f"{today.year - 1}-Q4"
    period = parse_period(args.period or default)
    province, commune = unit_get(code=PROVINCE), unit_get(code=COMMUNE)
    now = timezone.now()
    total = Dossier.objects.unrestricted("benchmark").count()
    print(f"{total:,} dossiers; period {period.label}; province {province.name}")

    def floor() -> tuple[int, int]:
        ops = connection.ops
        params: dict[str, Any] = {
            "path": province.path + "%",
            "start": ops.adapt_datetimefield_value(period.start),
            "end": ops.adapt_datetimefield_value(period.end),
            "cut": ops.adapt_datetimefield_value(period.cutoff(now)),
        }
        with connection.cursor() as cursor:
            cursor.execute(FLOOR_SQL, params)
            on_time, handled = cursor.fetchone()
        return int(on_time or 0), int(handled or 0)

    def province_index() -> Any:
        return service_index(unit=province, period=period, now=now)

    with CaptureQueriesContext(connection) as queries:
        index = province_index()
    result = index.indicator("2.1")
    floor_counts = floor()
    agree = "agree" if (result.numerator, result.denominator) == floor_counts else "DISAGREE"
    print(
        f"2.1 province: {result.numerator:,} / {result.denominator:,} (floor {floor_counts[0]:,} / {floor_counts[1]:,}: "
        f"{agree}); {len(queries)} queries; total {index.total} / {index.max}, score {index.score}"
    )

    floor_ms = _setup.timed(floor, repeat=args.repeat, warmup=1)
    cases: list[tuple[str, Any]] = [
        ("province index (quarter)", province_index),
        ("commune index (quarter)", lambda: service_index(unit=commune, period=period, now=now)),
        ("province ranking (quarter + previous)", lambda: service_ranking(parent=province, period=period, now=now)),
    ]
    floor_p50 = _setup.percentile(floor_ms, 50)
    print(f"{'floor: one SQL aggregate of 2.1':42s} {_setup.summary_ms(floor_ms)}")
    for name, function in cases:
        values = _setup.timed(function, repeat=args.repeat, warmup=1)
        ratio = _setup.percentile(values, 50) / floor_p50 if floor_p50 else float("nan")
        print(f"{name:42s} {_setup.summary_ms(values)}  ×{ratio:5.2f} floor")
    print(f"measured at {datetime.now():%Y-%m-%d %H:%M} on {_setup.vendor()}")


if __name__ == "__main__":
    main()
