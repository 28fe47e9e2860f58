"""Open311 GeoReport v2 benchmark over HTTP on loopback, beside a bare one-row view.

Target (issue 11): ``GET /open311/v2/requests.json`` over 100,000 requests (petitions), 20
concurrent clients: p99 under 50 ms and at least 0.7 of the throughput of a bare Django view
reading one row.

The petitions are inserted in bulk (rows only, no events: the Open311 reads touch the petition
table alone) across the three demo communes over the last 12 months, in every state. gunicorn
serves the production settings with the benchmark URLconf, as in ``bench_lookup.py``, whose
server and load-client functions this script reuses. Targets, 20 keep-alive connections each:

* floor: ``/bench/petition-floor/<pk>``, a bare view reading one petition row by primary key;
* ``requests/{id}.json``: one request by its id (a random sample of 5,000);
* ``requests.json?service_request_id=a,b,c``: three requests by id;
* ``requests.json?jurisdiction_id=…&status=open&start_date=…`` : one commune's open requests of
  one week (tens of rows).

    .venv/bin/python benchmarks/bench_open311.py                 # temp SQLite, or DATABASE_URL
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/motcua_bench_open311 .venv/bin/python benchmarks/bench_open311.py

Prints figures; never asserts.
"""

from __future__ import annotations

import argparse
import random
import shutil
import tempfile
from datetime import timedelta
from pathlib import Path
from urllib.parse import quote

import _setup
from bench_lookup import CONNECTIONS, free_port, get, run_python, run_wrk, start_server, stop_server, wait_ready

COUNT = 100_000
SAMPLE = 5_000
TARGET_P99_MS = 50.0
TARGET_RATIO = 0.7


def seed_petitions(count: int, *, rng_seed: int = 11) -> int:
    """Insert petitions until the table holds ``count``; returns how many were added."""
    from django.db import transaction
    from django.utils import timezone

    from motcua.core.models import AdministrativeUnit, Agency
    from motcua.core.text import fold
    from motcua.feedback.choices import ContentCategory, PetitionChannel, PetitionStatus
    from motcua.feedback.models import Petition
    from motcua.feedback.seeding import CASES

    existing = Petition.objects.unrestricted("benchmark").count()
    if existing >= count:
        return 0
    rng = random.Random(rng_seed)
    now = timezone.now()
    units = list(AdministrativeUnit.objects.filter(code__in=_setup.UNITS, valid_to__isnull=True))
    desks = {u.pk: Agency.objects.filter(unit=u).order_by("kind").first() for u in units}
    statuses = list(PetitionStatus)
    batch: list[Petition] = []
    for n in range(existing, count):
        unit = units[n % len(units)]
        case = CASES[n % len(CASES)]
        received = now - timedelta(minutes=rng.randint(60, 365 * 24 * 60))
        status = rng.choice(statuses)
        published = status in (PetitionStatus.PUBLISHED, PetitionStatus.CLOSED)
        batch.append(
            Petition(
                code=f"PA-{unit.code}-B{n:07d}",
                unit=unit,
                agency=desks[unit.pk],
                channel=PetitionChannel.WEB,
                category=rng.choice(ContentCategory.values),
                title=case.title,
                content=case.content,
                content_folded=fold(case.content),
                petitioner_name="Nguyễn Văn Bench",
                petitioner_phone="0900000000",
                status=status,
                received_at=received,
                clock_started_at=received,
                answer_due_at=received + timedelta(days=21),
                step_due_at=received + timedelta(days=3),
                answer=case.answer if published else "",
                published_at=received + timedelta(days=10) if published else None,
                merged_into=None,
            )
        )
        if len(batch) == 5_000:
            with transaction.atomic():
                Petition.objects.bulk_create(batch)
            batch = []
    if batch:
        with transaction.atomic():
            Petition.objects.bulk_create(batch)
    return count - existing


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=COUNT, help="petitions in the database (default 100,000)")
    parser.add_argument("--seconds", type=int, default=15, help="wrk: seconds per target")
    parser.add_argument("--requests", type=int, default=20_000, help="python client: requests per target")
    parser.add_argument("--client", choices=["wrk", "python"], default="wrk" if shutil.which("wrk") else "python")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers")
    args = parser.parse_args()

    url = _setup.django_setup(name="open311")
    if seed_petitions(args.count):
        _setup.analyze()
    from django.db import connections
    from django.utils import timezone

    from motcua.feedback.choices import OPEN_STATUSES
    from motcua.feedback.models import Petition

    rows = Petition.objects.unrestricted("benchmark")
    total = rows.count()
    sample = list(rows.order_by("?").values_list("pk", "code")[:SAMPLE])
    open_count = rows.filter(status__in=OPEN_STATUSES).count()
    connections.close_all()
    week = quote((timezone.now() - timedelta(days=7)).isoformat(timespec="seconds"))
    codes = [code for _pk, code in sample]
    targets = {
        "floor: one row by pk": [f"/bench/petition-floor/{pk}" for pk, _c in sample],
        "requests/{id}.json": [f"/open311/v2/requests/{code}.json" for code in codes],
        "requests.json?service_request_id=3 ids": [
            f"/open311/v2/requests.json?service_request_id={','.join(codes[i : i + 3])}" for i in range(0, len(codes) - 3, 3)
        ],
        "requests.json, a commune's open week": [
            f"/open311/v2/requests.json?jurisdiction_id={unit}&status=open&start_date={week}" for unit in _setup.UNITS
        ],
    }
    print(_setup.machine())
    port = free_port()
    server = start_server(url, port, args.workers)
    results: dict[str, dict[str, float]] = {}
    workdir = Path(tempfile.mkdtemp(prefix="motcua-open311-"))
    try:
        wait_ready(port, targets["floor: one row by pk"][0], server)
        for label, paths in targets.items():
            status, body = get(port, paths[0])
            if status != 200:
                print(f"  {label}: GET {paths[0]} answered {status} {body[:200]!r}; skipped")
                continue
            if args.client == "wrk":
                run_wrk(port, paths, 3, workdir)
                results[label] = run_wrk(port, paths, args.seconds, workdir)
            else:
                run_python(port, paths, min(2_000, args.requests))
                results[label] = run_python(port, paths, args.requests)
    finally:
        stop_server(server)
        shutil.rmtree(workdir, ignore_errors=True)

    how = (
        f"wrk, {args.seconds} s per target" if args.client == "wrk" else f"python threads, {args.requests:,} requests per target"
    )
    print(f"\nOpen311 over HTTP on {_setup.vendor()}, {total:,} requests ({open_count:,} open); gunicorn {args.workers} sync "
          f"workers; {CONNECTIONS} connections ({how})")  # fmt: skip
    floor = results.get("floor: one row by pk")
    for label, r in results.items():
        ratio = r["rps"] / floor["rps"] if floor else 0.0
        print(f"  {label:40s} {r['rps']:7.0f} req/s  p50 {r['p50']:6.1f} ms  p95 {r['p95']:6.1f} ms  p99 {r['p99']:6.1f} ms  "
              f"{ratio:.2f} of floor" + (f"  non-2xx {int(r['non_2xx'])}" if r["non_2xx"] else ""))  # fmt: skip
    for label in ("requests/{id}.json", "requests.json?service_request_id=3 ids"):
        r = results.get(label)
        if r and floor:
            ok_p99 = "yes" if r["p99"] < TARGET_P99_MS else "no"
            ok_ratio = "yes" if r["rps"] / floor["rps"] >= TARGET_RATIO else "no"
            print(f"  target, {label}: p99 {r['p99']:.1f} ms (< {TARGET_P99_MS:.0f}: {ok_p99}); "
                  f"{r['rps'] / floor['rps']:.2f} of the floor (≥ {TARGET_RATIO}: {ok_ratio})")  # fmt: skip


if __name__ == "__main__":
    main()
