"""Portal-outbox benchmark: intake with the outbox record beside intake without it, same run.

Each intake is the counter receipt of ``bench_intake.py`` (a birth registration, no files).
"Without" replaces the outbox write (``portal_record_write``) with nothing, which is the
intake as it was before the outbox; "with" is the shipped intake. The two alternate in
rounds so that drift of the machine (shared by other work) falls on both alike. Also timed:
sending the records to the file sender (``portal_records_send``) and exporting them as JSON
lines, beside a floor of ``json.dumps`` of the same lines.

    .venv/bin/python benchmarks/bench_portal_sync.py                   # temp SQLite file, 400 intakes a side
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/motcua_bench_portal .venv/bin/python benchmarks/bench_portal_sync.py

Prints figures; never asserts.
"""

from __future__ import annotations

import argparse
import io
import json
import statistics
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import _setup
from bench_intake import OFFICER, _intake

MODES = ("without", "with", "with+task")


@contextmanager
def _outbox(mode: str) -> Iterator[None]:
    """``without``: the intake before the outbox; ``with``: the shipped intake as the tests and
    benchmarks run it; ``with+task``: also enqueueing the worker's sending task on commit into the
    database task backend, as ``motcua serve`` does (no worker runs here: only the enqueue is timed)."""
    from django.test import override_settings

    from motcua.dossiers.services import intake as intake_module

    original = intake_module.portal_record_write
    if mode == "without":
        intake_module.portal_record_write = lambda **kwargs: None  # type: ignore[assignment]  # the intake before the outbox
    overrides = (
        override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}, MOTCUA_PORTAL_SEND_ON_COMMIT=True)
        if mode == "with+task"
        else override_settings()
    )
    try:
        with overrides:
            yield
    finally:
        intake_module.portal_record_write = original  # type: ignore[assignment]


def _round(count: int, prefix: str) -> list[float]:
    from django.contrib.auth.models import User

    from motcua.dossiers.services import dossier_receive

    officer = User.objects.get(username=OFFICER)
    timings: list[float] = []
    for index in range(count):
        started = time.perf_counter()
        dossier_receive(actor=officer, intake=_intake(index, prefix))
        timings.append((time.perf_counter() - started) * 1000)
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=300, help="intakes per side (default 300)")
    parser.add_argument("--rounds", type=int, default=4, help="alternating rounds (default 4)")
    args = parser.parse_args()

    _setup.django_setup(name="portal")
    vendor = _setup.vendor()
    print(_setup.machine())
    for mode in MODES:
        with _outbox(mode):
            _round(5, f"warm-{mode}-{time.time_ns()}")
    _setup.analyze()

    per_round = max(1, args.count // args.rounds)
    timings: dict[str, list[float]] = {mode: [] for mode in MODES}
    for r in range(args.rounds):
        order = MODES[r % len(MODES) :] + MODES[: r % len(MODES)]  # each mode goes first in turn
        for mode in order:
            with _outbox(mode):
                timings[mode].extend(_round(per_round, f"r{r}-{mode}-{time.time_ns()}"))
    with_outbox, without, with_task = timings["with"], timings["without"], timings["with+task"]

    from motcua.dossiers.models import PortalRecord
    from motcua.dossiers.portal_senders import FilePortalSender
    from motcua.dossiers.portal_sync import export_line, portal_records_export
    from motcua.dossiers.services.portal import portal_records_send

    records = PortalRecord.objects.count()
    with tempfile.TemporaryDirectory() as directory:
        sender = FilePortalSender(Path(directory) / "portal.jsonl")
        started = time.perf_counter()
        report = portal_records_send(sender=sender, limit=records + 1)
        send_seconds = time.perf_counter() - started
    started = time.perf_counter()
    exported = portal_records_export(out=io.StringIO(), since=0)
    export_seconds = time.perf_counter() - started
    rows = list(PortalRecord.objects.order_by("seq").values_list("seq", "change", "created_at", "payload"))
    started = time.perf_counter()
    for seq, change, created_at, payload in rows:
        json.dumps(export_line(seq=seq, change=change, recorded_at=created_at, payload=payload), ensure_ascii=False)
    floor_seconds = time.perf_counter() - started

    mean_with, mean_without = statistics.fmean(with_outbox), statistics.fmean(without)
    sides = f"{len(with_outbox)} intakes a side ({', '.join(MODES)}), {args.rounds} alternating rounds"
    print(f"\nPortal outbox on {vendor}: {sides}")
    print(f"  intake without the outbox   {1000 / mean_without:7.0f} dossiers/s   {_setup.summary_ms(without)}")
    print(f"  intake with the outbox      {1000 / mean_with:7.0f} dossiers/s   {_setup.summary_ms(with_outbox)}")
    print(f"  ratio with / without (mean time): {mean_with / mean_without:.3f}  (+{mean_with - mean_without:.2f} ms an intake)")
    print(
        f"  median: {statistics.median(with_outbox):.2f} ms with, {statistics.median(without):.2f} ms without, "
        f"ratio {statistics.median(with_outbox) / statistics.median(without):.3f}"
    )
    mean_task = statistics.fmean(with_task)
    print(f"  with the outbox + task      {1000 / mean_task:7.0f} dossiers/s   {_setup.summary_ms(with_task)}")
    extra = mean_task - mean_without
    print(f"  ratio with+task / without (mean time): {mean_task / mean_without:.3f}  (+{extra:.2f} ms an intake)")
    print(f"  send to the file sender: {report.sent} records in {send_seconds:.2f} s ({report.sent / send_seconds:,.0f}/s)")
    print(
        f"  export as JSON lines: {exported} records in {export_seconds:.2f} s ({exported / export_seconds:,.0f}/s); "
        f"floor json.dumps of the same lines {floor_seconds:.2f} s, ratio {export_seconds / floor_seconds:.1f}"
    )


if __name__ == "__main__":
    main()
