"""Public look-up benchmark over HTTP on loopback, beside a bare one-row view.

Target (issue "Performance"): public look-up over HTTP on loopback with 1,000,000 dossiers in
PostgreSQL, 20 concurrent clients: p99 under 50 ms and at least 0.7 of the throughput of a bare
Django view reading one row.

The database is seeded with ``dossiers_seed`` (100,000 by default; ``--full``: 1,000,000 in the
PostgreSQL database ``motcua_bench_1m``, created once and kept, so reruns reuse it). gunicorn
serves ``motcua.config.wsgi`` with 2 sync workers and the production settings plus the
benchmark URLconf (``_bench_settings``, ``_bench_urls``). Three targets, each with 20
keep-alive connections over a fixed sample of 5,000 random dossiers:

* floor: ``/bench/floor/<pk>``, a bare view reading one dossier row by primary key;
* ``/bench/lookup/<code>?check=NNNN``: ``selectors.dossier_lookup`` through a tiny view;
* ``/api/v1/lookup/<code>?check=NNNN``: the public look-up API (its per-address throttle is
  neutralised: the server's cache stores nothing, see ``_bench_settings``).

The load generator is ``wrk`` (``apt-get install -y wrk``) for a fixed duration, or, without
it or with ``--client python``, Python threads with ``http.client`` for a fixed number of
requests. The client shares the 2 cores with the server; the floor pays the same cost.

    .venv/bin/python benchmarks/bench_lookup.py                  # 100,000 dossiers, temp SQLite or DATABASE_URL
    .venv/bin/python benchmarks/bench_lookup.py --full           # 1,000,000 in PostgreSQL motcua_bench_1m

Prints figures; never asserts.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import _setup

FULL_DATABASE = "motcua_bench_1m"
CONNECTIONS = 20
SAMPLE = 5_000
TARGET_P99_MS = 50.0
TARGET_RATIO = 0.7

WRK_SCRIPT = """
local paths = {}
for line in io.lines("%(paths)s") do paths[#paths + 1] = line end
local counter = 0
function setup(thread) thread:set("id", counter); counter = counter + 1 end
function init(args) i = id * 997 end
function request()
  i = i + 1
  return wrk.format("GET", paths[(i %% #paths) + 1])
end
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('RESULT {"requests": %%d, "seconds": %%f, "p50": %%f, "p95": %%f, "p99": %%f, '
    .. '"non_2xx": %%d, "socket_errors": %%d}\\n',
    summary.requests, summary.duration / 1e6, latency:percentile(50) / 1e3, latency:percentile(95) / 1e3,
    latency:percentile(99) / 1e3, e.status, e.connect + e.read + e.write + e.timeout))
end
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def get(port: int, path: str) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def start_server(url: str, port: int, workers: int) -> subprocess.Popen[bytes]:
    env = _setup.child_env(DJANGO_SETTINGS_MODULE="_bench_settings", DATABASE_URL=url)
    command = [
        sys.executable, "-m", "gunicorn", "motcua.config.wsgi:application", "--workers", str(workers),
        "--bind", f"127.0.0.1:{port}", "--log-level", "warning", "--chdir", str(_setup.ROOT),
    ]  # fmt: skip
    return subprocess.Popen(command, env=env, start_new_session=True)  # noqa: S603  fixed argv, no shell


def stop_server(server: subprocess.Popen[bytes]) -> None:
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


def wait_ready(port: int, path: str, server: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn exited with {server.returncode}")
        try:
            if get(port, path)[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.3)
    raise SystemExit("gunicorn did not answer within 60 s")


def run_wrk(port: int, paths: list[str], seconds: int, workdir: Path) -> dict[str, float]:
    paths_file = workdir / f"paths-{time.monotonic_ns()}.txt"
    paths_file.write_text("\n".join(paths) + "\n", encoding="utf-8")
    script = workdir / f"script-{time.monotonic_ns()}.lua"
    script.write_text(WRK_SCRIPT % {"paths": paths_file}, encoding="utf-8")
    command = [
        "wrk",
        "-t2",
        f"-c{CONNECTIONS}",
        f"-d{seconds}s",
        "--timeout",
        "10s",
        "-s",
        str(script),
        f"http://127.0.0.1:{port}",
    ]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout  # noqa: S603  fixed argv, no shell
    line = next(line for line in output.splitlines() if line.startswith("RESULT "))
    result: dict[str, float] = json.loads(line.removeprefix("RESULT "))
    result["rps"] = result["requests"] / result["seconds"]
    return result


def run_python(port: int, paths: list[str], requests: int) -> dict[str, float]:
    """``requests`` GETs over ``CONNECTIONS`` keep-alive connections (one thread each)."""
    latencies: list[float] = []
    errors = [0, 0]
    lock = threading.Lock()
    per_client = requests // CONNECTIONS

    def client(offset: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        mine: list[float] = []
        for n in range(per_client):
            started = time.perf_counter()
            try:
                conn.request("GET", paths[(offset * 997 + n) % len(paths)])
                response = conn.getresponse()
                response.read()
                if response.status >= 300:
                    with lock:
                        errors[0] += 1
            except OSError:
                with lock:
                    errors[1] += 1
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            mine.append((time.perf_counter() - started) * 1000)
        conn.close()
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=client, args=(i,)) for i in range(CONNECTIONS)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - started
    return {
        "requests": len(latencies), "seconds": seconds, "rps": len(latencies) / seconds,
        "p50": _setup.percentile(latencies, 50), "p95": _setup.percentile(latencies, 95), "p99": _setup.percentile(latencies, 99),
        "non_2xx": errors[0], "socket_errors": errors[1],
    }  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--full", action="store_true", help=f"1,000,000 dossiers in PostgreSQL {FULL_DATABASE}, 30 s per target")
    parser.add_argument("--count", type=int, default=None, help="dossiers in the database (default 100,000)")
    parser.add_argument("--seconds", type=int, default=None, help="wrk: seconds per target (default 15; --full 30)")
    parser.add_argument("--requests", type=int, default=20_000, help="python client: requests per target")
    parser.add_argument("--client", choices=["wrk", "python"], default="wrk" if shutil.which("wrk") else "python")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers")
    args = parser.parse_args()
    count = args.count or (1_000_000 if args.full else 100_000)
    seconds = args.seconds or (30 if args.full else 15)

    url = _setup.postgres_database(FULL_DATABASE) if args.full else None
    url = _setup.django_setup(database_url=url, name="lookup")
    if _setup.seed_dossiers(count):
        _setup.analyze()
    from django.db import connections

    from motcua.dossiers.models import Dossier

    total = Dossier.objects.count()
    sample = list(Dossier.objects.order_by("?").values_list("pk", "code", "check_id4")[:SAMPLE])
    connections.close_all()
    targets = {
        "floor: one row by pk": [f"/bench/floor/{pk}" for pk, _c, _k in sample],
        "dossier_lookup, tiny view": [f"/bench/lookup/{code}?check={check}" for _p, code, check in sample],
        "GET /api/v1/lookup/{code}": [f"/api/v1/lookup/{code}?check={check}" for _p, code, check in sample],
    }
    print(_setup.machine())
    port = free_port()
    server = start_server(url, port, args.workers)
    results: dict[str, dict[str, float]] = {}
    workdir = Path(tempfile.mkdtemp(prefix="motcua-lookup-"))
    try:
        wait_ready(port, targets["floor: one row by pk"][0], server)
        for label, paths in targets.items():
            status, body = get(port, paths[0])
            if status != 200:
                print(f"  {label}: GET {paths[0]} answered {status} {body[:200]!r}; skipped")
                continue
            if args.client == "wrk":
                run_wrk(port, paths, 3, workdir)  # warm-up: connections, caches, the OS page cache
                results[label] = run_wrk(port, paths, seconds, workdir)
            else:
                run_python(port, paths, min(2_000, args.requests))
                results[label] = run_python(port, paths, args.requests)
    finally:
        stop_server(server)
        shutil.rmtree(workdir, ignore_errors=True)

    how = f"wrk, {seconds} s per target" if args.client == "wrk" else f"python threads, {args.requests:,} requests per target"
    print(f"\nLook-up over HTTP on {_setup.vendor()}, {total:,} dossiers; gunicorn {args.workers} sync workers; "
          f"{CONNECTIONS} connections ({how})")  # fmt: skip
    floor = results.get("floor: one row by pk")
    for label, r in results.items():
        ratio = f"{r['rps'] / floor['rps']:.2f} of floor" if floor else ""
        errors = (
            f"  non-2xx {int(r['non_2xx'])}, socket errors {int(r['socket_errors'])}"
            if r["non_2xx"] or r["socket_errors"]
            else ""
        )
        print(f"  {label:32s} {r['rps']:7.0f} req/s  p50 {r['p50']:6.1f} ms  p95 {r['p95']:6.1f} ms  p99 {r['p99']:6.1f} ms  "
              f"{ratio}{errors}")  # fmt: skip
    api = results.get("GET /api/v1/lookup/{code}")
    if api and floor:
        ratio_ok = "yes" if api["rps"] / floor["rps"] >= TARGET_RATIO else "no"
        print(f"  targets: p99 {api['p99']:.1f} ms (< {TARGET_P99_MS:.0f} ms: {'yes' if api['p99'] < TARGET_P99_MS else 'no'}); "
              f"throughput {api['rps'] / floor['rps']:.2f} of the floor (≥ {TARGET_RATIO}: {ratio_ok})")  # fmt: skip


if __name__ == "__main__":
    main()
