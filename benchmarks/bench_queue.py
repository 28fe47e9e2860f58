"""Queue benchmark: the staff queues and the code search with a fixed query budget at scale.

Target (issue "Performance"): queue pages with a fixed query budget and under 100 ms at 1M
rows. Measured for the reception officer of Xã Phú Tân (``phutan.reception``): the first page
of 50 of ``dossier_queue`` for "mine", "due soon" (2 days) and "overdue", the count a pager
shows (capped at 1,000, and the exact count for comparison), ``Dossier.objects.restrict(user, "view").filter(code=…)``
and the whole HTML queue page through the test client. Each call gets a fresh user object, as a
request does, so the queries of the scoping (roles, unit) are counted too. The floor is the
same page read straight from the table without scoping (one indexed query). On PostgreSQL, a
case slower than 100 ms, or whose plan reads the dossier table sequentially, prints its plan.

    .venv/bin/python benchmarks/bench_queue.py                 # 100,000 dossiers in a temp SQLite file
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/motcua_bench_q .venv/bin/python benchmarks/bench_queue.py
    .venv/bin/python benchmarks/bench_queue.py --full          # 1,000,000 in PostgreSQL motcua_bench_1m (kept)

Prints figures; never asserts.
"""

from __future__ import annotations

import argparse
import random
from collections.abc import Callable
from typing import Any

import _setup

OFFICER = "phutan.reception"
FULL_DATABASE = "motcua_bench_1m"
BUDGET_MS = 100


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--full", action="store_true", help=f"1,000,000 dossiers in PostgreSQL {FULL_DATABASE}")
    parser.add_argument("--count", type=int, default=None, help="dossiers in the database (default 100,000)")
    parser.add_argument("--repeat", type=int, default=30, help="timed calls per case")
    args = parser.parse_args()
    count = args.count or (1_000_000 if args.full else 100_000)
    url = _setup.postgres_database(FULL_DATABASE) if args.full else None
    _setup.django_setup(database_url=url, name="queue")
    if _setup.seed_dossiers(count):
        _setup.analyze()

    from django.contrib.auth.models import User
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from motcua.dossiers.models import Dossier
    from motcua.dossiers.selectors import OPEN_STATUSES, QueueFilter, dossier_queue, queue_count

    print(_setup.machine())
    officer_id = User.objects.get(username=OFFICER).pk
    now = timezone.now()
    total = Dossier.objects.count()
    unit_id = Dossier.objects.filter(receiving_unit__code="32218").values_list("receiving_unit_id", flat=True).first()
    codes = list(
        Dossier.objects.filter(receiving_unit_id=unit_id).order_by("?").values_list("code", flat=True)[: args.repeat + 5]
    )
    picks = iter(random.Random(1).choices(codes, k=10 * (args.repeat + 5)))

    def user() -> Any:
        return User.objects.get(pk=officer_id)  # a fresh object: nothing cached, as in a request

    cases: list[tuple[str, Callable[[Any], Any]]] = [
        ("queue: mine, first 50", lambda u: list(dossier_queue(user=u, flt=QueueFilter(mine=True), now=now)[:50])),
        (
            "queue: due within 2 days, first 50",
            lambda u: list(dossier_queue(user=u, flt=QueueFilter(due_within_days=2), now=now)[:50]),
        ),
        ("queue: overdue, first 50", lambda u: list(dossier_queue(user=u, flt=QueueFilter(overdue=True), now=now)[:50])),
        (
            "queue: overdue, count as the pager does (capped)",
            lambda u: queue_count(dossier_queue(user=u, flt=QueueFilter(overdue=True), now=now)),
        ),
        (
            "queue: overdue, exact count (not used)",
            lambda u: dossier_queue(user=u, flt=QueueFilter(overdue=True), now=now).count(),
        ),
        (
            'Dossier.objects.restrict(user, "view").filter(code=…)',
            lambda u: Dossier.objects.restrict(u, "view").filter(code=next(picks)).first(),
        ),
        (
            "floor: overdue page, no scoping",
            lambda u: list(
                Dossier.objects.filter(receiving_unit_id=unit_id, status__in_literal=OPEN_STATUSES, due_at__lt=now)
                .select_related("procedure", "receiving_unit", "assigned_to")
                .order_by("due_at", "id")[:50]
            ),
        ),
    ]
    # The whole HTML page as the officer gets it (session, user, scope, capped count, 50 rows).
    from django.test import Client

    client = Client()
    client.force_login(User.objects.get(pk=officer_id))

    def page(view: str) -> int:
        response = client.get(f"/ho-so/?view={view}")
        assert response.status_code == 200, response.status_code
        return int(response.content.count(b"<tr") - 1)

    cases += [
        ("page: GET /ho-so/?view=mine (HTML)", lambda u: page("mine")),
        ("page: GET /ho-so/?view=overdue (HTML)", lambda u: page("overdue")),
    ]
    print(f"\nQueues on {_setup.vendor()}, {total:,} dossiers, officer {OFFICER} (budget {BUDGET_MS} ms)")
    floor_ms = None
    results: list[tuple[str, float, float, int, int]] = []
    for label, call in cases:
        fresh = user()
        with CaptureQueriesContext(connection) as captured:
            rows = call(fresh)
        queries = len(captured.captured_queries)
        size = rows if isinstance(rows, int) else (len(rows) if isinstance(rows, list) else int(rows is not None))
        users = [user() for _ in range(args.repeat + 2)]
        timings = _setup.timed(lambda users=users, call=call: call(users.pop()), repeat=args.repeat, warmup=2)
        p50, p95 = _setup.percentile(timings, 50), _setup.percentile(timings, 95)
        results.append((label, p50, p95, queries, size))
        if label.startswith("floor"):
            floor_ms = p50
        if connection.vendor == "postgresql" and not label.startswith(("floor", "page")):
            _explain_if_slow(label, call, user(), captured.captured_queries, p95)
    for label, p50, p95, queries, size in results:
        ratio = f"{p50 / floor_ms:6.1f}× floor" if floor_ms else ""
        verdict = "ok" if p95 < BUDGET_MS else "OVER BUDGET"
        print(f"  {label:40s} p50 {p50:8.2f} ms  p95 {p95:8.2f} ms  {queries:2d} queries  {size:3d} rows  {ratio}  {verdict}")


def _explain_if_slow(label: str, call: Callable[[Any], Any], user: Any, queries: list[dict[str, Any]], p95: float) -> None:
    """EXPLAIN ANALYZE the slowest query of a case when it is over budget or scans the table."""
    from django.db import connection

    slowest = max(queries, key=lambda q: float(q["time"]))["sql"]
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + slowest)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    if p95 >= BUDGET_MS or "Seq Scan on dossiers_dossier" in plan:
        print(f"\n-- {label}: p95 {p95:.1f} ms; plan of its slowest query:\n{slowest}\n{plan}\n")


if __name__ == "__main__":
    main()
