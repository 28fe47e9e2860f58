"""Intake benchmark: ``dossier_receive`` throughput beside a bare bulk insert of the same rows.

Target (issue "Performance"): intake at service level, without PDF, at least 100 dossiers/s
on SQLite and 200/s on PostgreSQL on a 2-core machine; floor: a bare bulk insert of the same
rows. Each intake is a counter receipt of a birth registration (no uploaded files, no PDF
rendering): validation, the dossier code (counter), the due time from the working calendar,
the event, the clock start, the receipt slip number, the audit event (hash chain) and the
notification on commit. The floor inserts copies of exactly the dossier, event, clock-change
and slip rows those intakes wrote, with ``bulk_create`` in one transaction.

    .venv/bin/python benchmarks/bench_intake.py                    # temp SQLite file, 300 intakes
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/motcua_bench_intake .venv/bin/python benchmarks/bench_intake.py
    .venv/bin/python benchmarks/bench_intake.py --full             # 2,000 intakes

Prints figures; never asserts.
"""

from __future__ import annotations

import argparse
import multiprocessing
import statistics
import time
from typing import Any

import _setup

OFFICER = "phutan.reception"
PROCEDURE = "1.001193"  # Thủ tục đăng ký khai sinh (1 working day)


def _intake(index: int, prefix: str) -> Any:
    from motcua.dossiers.choices import ApplicantKind, Channel
    from motcua.dossiers.services import ApplicantInput, IntakeInput

    return IntakeInput(
        procedure_code=PROCEDURE,
        applicant=ApplicantInput(
            kind=ApplicantKind.PERSON,
            name="Nguyễn Văn An",
            id_number=f"0960850{index % 100_000:05d}",
            phone=f"09{index % 100_000_000:08d}",
            address="Ấp 3, Xã Phú Tân, Tỉnh Cà Mau",
        ),
        channel=Channel.IN_PERSON,
        request_summary="Đăng ký khai sinh cho con",
        idempotency_key=f"{prefix}-{index}",
    )


def _run(count: int, prefix: str) -> tuple[list[float], list[int]]:
    """Sequential intakes: per-intake milliseconds and the new dossiers' ids."""
    from django.contrib.auth.models import User

    from motcua.dossiers.services import dossier_receive

    officer = User.objects.get(username=OFFICER)
    timings: list[float] = []
    ids: list[int] = []
    for index in range(count):
        started = time.perf_counter()
        result = dossier_receive(actor=officer, intake=_intake(index, prefix))
        timings.append((time.perf_counter() - started) * 1000)
        ids.append(result.dossier.pk)
    return timings, ids


def _worker(url: str, prefix: str, count: int, barrier: Any, results: Any) -> None:
    _setup.django_connect(url)
    _run(3, f"{prefix}-warm")
    barrier.wait(timeout=120)
    started = time.time()
    _run(count, prefix)
    results.put((started, time.time(), count))


def _parallel(url: str, processes: int, count: int) -> float:
    """Dossiers/s of ``processes`` processes each doing ``count`` intakes at once (wall clock)."""
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(processes)
    results = context.Queue()
    workers = [
        context.Process(target=_worker, args=(url, f"par{p}-{time.time_ns()}", count, barrier, results)) for p in range(processes)
    ]
    for worker in workers:
        worker.start()
    done = [results.get(timeout=1800) for _ in workers]
    for worker in workers:
        worker.join()
    return sum(n for _s, _e, n in done) / (max(e for _s, e, _n in done) - min(s for s, _e, _n in done))


def _floor(ids: list[int]) -> float:
    """Dossiers/s of a bare bulk insert of copies of the rows the intakes wrote."""
    from django.db import transaction

    from motcua.dossiers.models import ClockChange, Dossier, DossierEvent, Slip

    def copies(model: Any, rows: list[dict[str, Any]], **changes: Any) -> list[Any]:
        out = []
        for row in rows:
            row = {k: v for k, v in row.items() if k != "id"}
            for key, change in changes.items():
                row[key] = change(row)
            out.append(model(**row))
        return out

    dossiers = list(Dossier.objects.filter(pk__in=ids).values())
    events = list(DossierEvent.objects.filter(dossier_id__in=ids).values())
    clocks = list(ClockChange.objects.filter(dossier_id__in=ids).values())
    slips = list(Slip.objects.filter(dossier_id__in=ids).values())
    tag = time.time_ns() % 1_000_000
    started = time.perf_counter()
    with transaction.atomic():
        new = copies(Dossier, dossiers, code=lambda r: f"{r['code']}-F{tag}", idempotency_key=lambda r: "")
        Dossier.objects.bulk_create(new, batch_size=1000)
        new_id = {old["id"]: row.pk for old, row in zip(dossiers, new, strict=True)}
        new_events = copies(DossierEvent, events, dossier_id=lambda r: new_id[r["dossier_id"]])
        DossierEvent.bulk_objects.bulk_create(new_events, batch_size=1000)
        event_id = {old["id"]: row.pk for old, row in zip(events, new_events, strict=True)}
        ClockChange.bulk_objects.bulk_create(
            copies(
                ClockChange, clocks, dossier_id=lambda r: new_id[r["dossier_id"]], event_id=lambda r: event_id.get(r["event_id"])
            ),
            batch_size=1000,
        )
        Slip.bulk_objects.bulk_create(
            copies(Slip, slips, dossier_id=lambda r: new_id[r["dossier_id"]], serial=lambda r: r["serial"] + 10_000_000 + tag),
            batch_size=1000,
        )
    return len(ids) / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--full", action="store_true", help="2,000 intakes (default 300)")
    parser.add_argument("--count", type=int, default=None, help="intakes per measurement")
    args = parser.parse_args()
    count = args.count or (2_000 if args.full else 300)

    url = _setup.django_setup(name="intake")
    vendor = _setup.vendor()
    target = 100 if vendor == "SQLite" else 200
    print(_setup.machine())
    _run(10, f"warm-{time.time_ns()}")  # imports, calendar and permission caches
    # Planner statistics, as autovacuum keeps them on a live database: a freshly created table
    # has none, and PostgreSQL then read the idempotency key through the agency's index,
    # scanning every dossier of the agency, instead of the unique index.
    _setup.analyze()

    timings, ids = _run(count, f"seq-{time.time_ns()}")
    sequential = count / (sum(timings) / 1000)
    parallel = _parallel(url, 2, count // 2)
    floor = _floor(ids)

    print(f"\nIntake on {vendor}, {count} dossiers per measurement (target ≥ {target} dossiers/s)")
    print(f"  dossier_receive, 1 process     {sequential:8.0f} dossiers/s   {_setup.summary_ms(timings)}")
    print(f"  dossier_receive, 2 processes   {parallel:8.0f} dossiers/s")
    print(f"  floor: bulk insert, same rows  {floor:8.0f} dossiers/s")
    print(f"  ratio to the floor: 1 process {sequential / floor:.3f}, 2 processes {parallel / floor:.3f}")
    print(f"  against the target: 1 process {sequential / target:.2f}×, 2 processes {parallel / target:.2f}×")
    print(f"  median intake {statistics.median(timings):.1f} ms")


if __name__ == "__main__":
    main()
