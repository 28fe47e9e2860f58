"""Catalogue search latency, beside a plain indexed lookup as the floor.

Run: ``.venv/bin/python benchmarks/bench_catalog.py`` (about 30–60 s on 2 cores).

It sets Django up with ``motcua.config.test_settings`` on a throwaway SQLite database in a
temporary directory (or on ``DATABASE_URL`` if that is set: the catalogue is then imported
into that database), migrates, imports the 588 shipped procedures and measures, server side:

* ``search``: ``procedure_list(q=…, sector=…)`` as the list page uses it (count + first page
  of 25 with channels), for 20 realistic queries, accented and not, one word and several;
* ``floor``: ``Procedure.objects.get(code=…)``, a unique-index lookup;
* ``html``: the whole list page through Django's test client (middleware, template).

The search is also reported in CPU time (``time.thread_time``), which other work on the
machine does not inflate; the verdict is on wall-clock time.

It prints p50/p95/p99 in milliseconds, the search/floor ratio and the target
"p95 < 20 ms" with PASS or FAIL. It asserts nothing: it is a benchmark, not a test.
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

QUERIES: list[tuple[str, str]] = [
    ("dang ky khai sinh", ""),
    ("Đăng ký khai sinh", ""),
    ("khai tu", ""),
    ("kết hôn", ""),
    ("chung thuc ban sao", ""),
    ("tạm trú", ""),
    ("thuong tru", ""),
    ("can cuoc", ""),
    ("hộ kinh doanh", ""),
    ("giay phep xay dung", ""),
    ("đất đai", ""),
    ("thue", ""),
    ("hai quan xuat khau", ""),
    ("bảo hiểm xã hội", ""),
    ("nuoi con nuoi", ""),
    ("1.001193", ""),
    ("dang ky", "ho-tich"),
    ("cap giay", "hai-quan"),
    ("", "thue"),
    ("", ""),
]
SEARCH_ROUNDS = 30
FLOOR_LOOKUPS = 3000
HTML_ROUNDS = 5
TARGET_P95_MS = 20.0


def setup_django() -> str:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.config.test_settings")
    if os.environ.get("DATABASE_URL"):
        where = "DATABASE_URL (" + os.environ["DATABASE_URL"].split("@")[-1] + ")"
    else:
        tmp = tempfile.mkdtemp(prefix="motcua-bench-")
        os.environ["MOTCUA_VAR_DIR"] = tmp
        where = f"throwaway SQLite in {tmp}"
    import django

    django.setup()
    return where


def percentiles(samples: list[float]) -> tuple[float, float, float]:
    ordered = sorted(samples)
    cuts = statistics.quantiles(ordered, n=100, method="inclusive")
    return statistics.median(ordered), cuts[94], cuts[98]


CPU_SAMPLES: list[float] = []  # CPU time of the same calls: not inflated by waiting for a CPU


def timed(action: Callable[[], object], rounds: int, *, cpu: bool = False) -> list[float]:
    samples: list[float] = []
    for _ in range(rounds):
        start, start_cpu = time.perf_counter(), time.thread_time()
        action()
        samples.append((time.perf_counter() - start) * 1000)
        if cpu:
            CPU_SAMPLES.append((time.thread_time() - start_cpu) * 1000)
    return samples


def main() -> None:
    started = time.perf_counter()
    where = setup_django()

    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from motcua.catalog.models import Procedure
    from motcua.catalog.selectors import channels_of, procedure_list
    from motcua.catalog.services import procedures_import

    call_command("migrate", verbosity=0, interactive=False)
    t0 = time.perf_counter()
    report = procedures_import()
    import_s = time.perf_counter() - t0
    codes = list(Procedure.objects.values_list("code", flat=True))
    print(f"database: {where} ({connection.vendor})")
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"machine: {os.cpu_count()} CPUs, load average {load} (other work inflates every figure, the floor too)")
    print(
        f"catalogue: {len(codes)} procedures ({report.created} created, {report.unchanged} unchanged)"
        f" imported in {import_s:.1f} s"
    )

    def search(q: str, sector: str) -> Callable[[], object]:
        def run() -> object:
            queryset = procedure_list(q=q, sector=sector)
            page = list(queryset[:25])
            return queryset.count(), page, channels_of(page)

        return run

    # Warm up caches and the connection.
    for q, sector in QUERIES:
        search(q, sector)()
    search_samples: list[float] = []
    per_query: list[tuple[str, int, float]] = []
    for q, sector in QUERIES:
        samples = timed(search(q, sector), SEARCH_ROUNDS, cpu=True)
        search_samples += samples
        per_query.append(
            (
                f"{q or '(all)'}{' · ' + sector if sector else ''}",
                procedure_list(q=q, sector=sector).count(),
                statistics.median(samples),
            )
        )

    rng = random.Random(7)
    floor_samples = timed(lambda: Procedure.objects.get(code=rng.choice(codes)), FLOOR_LOOKUPS)

    client = Client()
    html_samples: list[float] = []
    for q, sector in QUERIES:
        params = {k: v for k, v in (("q", q), ("sector", sector)) if v}
        client.get("/thu-tuc/", params)
        html_samples += timed(lambda params=params: client.get("/thu-tuc/", params), HTML_ROUNDS)

    print()
    print(f"{'query':<34} {'hits':>5} {'p50 ms':>8}")
    for label, hits, p50 in per_query:
        print(f"{label:<34} {hits:>5} {p50:>8.2f}")
    print()
    print(f"{'measure':<52} {'n':>5} {'p50':>7} {'p95':>7} {'p99':>7}  (ms)")
    rows = [
        ("search: procedure_list, count + first 25 + channels", search_samples),
        ("search, CPU time only (same calls)", CPU_SAMPLES),
        ("floor: Procedure.objects.get(code=…)", floor_samples),
        ("html: GET /thu-tuc/ through the test client", html_samples),
    ]
    results = {}
    for label, samples in rows:
        p50, p95, p99 = percentiles(samples)
        results[label.split(":")[0]] = (p50, p95, p99)
        print(f"{label:<52} {len(samples):>5} {p50:>7.2f} {p95:>7.2f} {p99:>7.2f}")
    s50, s95, _ = results["search"]
    f50, f95, _ = results["floor"]
    print()
    print(f"search / floor: {s50 / f50:.1f}× at p50, {s95 / f95:.1f}× at p95")
    verdict = "PASS" if s95 < TARGET_P95_MS else "FAIL"
    print(f"target: search p95 < {TARGET_P95_MS:.0f} ms server time for the whole catalogue: {verdict} ({s95:.2f} ms)")
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"load average at the end: {load}; total run time: {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
