"""Kill -9 durability of idempotent intake (issue 9 item 8): no acknowledged dossier is lost, none
is duplicated, when the server dies mid-run and clients replay their keys.

1. A fresh SQLite file (or ``DATABASE_URL``) is prepared as for the other benchmarks
   (``_setup.py``: migrations, units, catalogue, demo agencies and officers).
2. gunicorn serves the project on 127.0.0.1 (loopback only) with the real database settings
   (WAL, ``synchronous=NORMAL``, IMMEDIATE transactions).
3. ``--clients`` threads post intakes to ``POST /api/v1/dossiers``, each with its own
   idempotency key, and note every answer; a client stops at its first request without an
   answer (the one in flight when the server died).
4. After ``--kill-after`` seconds the whole gunicorn process group gets SIGKILL, mid-request.
5. gunicorn is started again, and every key that was sent (answered or not) is posted again
   with exactly the same body.
6. The database is read directly: one dossier per key at most.

Prints: sent, acknowledged (201/200 before the kill), found (acknowledged and answered 200 with
the same code on replay), lost (acknowledged, but the replay created a new dossier or answered
another code), duplicated (a key with more than one dossier), committed without an answer,
created on replay. Bounded: the run stops at ``--deadline`` seconds whatever happens.

    .venv/bin/python benchmarks/durability_kill9.py                 # 8 clients, kill after 6 s
    .venv/bin/python benchmarks/durability_kill9.py --clients 8 --kill-after 10
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/motcua_durability .venv/bin/python benchmarks/durability_kill9.py

Exit status 1 when an acknowledged dossier was lost or a key was duplicated.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from typing import Any

import _setup

OFFICER = "phutan.reception"
PROCEDURE = "1.001193"  # Thủ tục đăng ký khai sinh


@dataclass
class Sent:
    key: str
    body: str
    status: int | None = None  # None: no answer (the server died, or the request timed out)
    code: str = ""


@dataclass
class Ledger:
    lock: threading.Lock = field(default_factory=threading.Lock)
    sent: list[Sent] = field(default_factory=list)

    def add(self, item: Sent) -> None:
        with self.lock:
            self.sent.append(item)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def body_for(client: int, index: int, run: str) -> tuple[str, str]:
    key = f"k9-{run}-{client}-{index}"
    body = {
        "procedure_code": PROCEDURE,
        "applicant": {
            "kind": "person",
            "name": "Nguyễn Văn An",
            "id_number": f"0960850{(client * 10_000 + index) % 100_000:05d}",
            "phone": f"09{(client * 10_000 + index) % 100_000_000:08d}",
            "address": "Ấp 3, Xã Phú Tân, Tỉnh Cà Mau",
        },
        "request_summary": "Đăng ký khai sinh cho con",
        "idempotency_key": key,
    }
    return key, json.dumps(body, ensure_ascii=False)


def post(port: int, api_key: str, body: str, timeout: float = 30) -> tuple[int, dict[str, Any]]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request(
            "POST",
            "/api/v1/dossiers",
            body=body.encode(),
            headers={"Content-Type": "application/json", "Authorization": f"Bearer {api_key}"},
        )
        response = conn.getresponse()
        raw = response.read()
        return response.status, json.loads(raw) if raw else {}
    finally:
        conn.close()


def start_server(port: int, workers: int, env: dict[str, str]) -> subprocess.Popen[bytes]:
    command = [
        sys.executable, "-m", "gunicorn", "motcua.config.wsgi:application", "--workers", str(workers),
        "--bind", f"127.0.0.1:{port}", "--log-level", "warning", "--timeout", "30", "--chdir", str(_setup.ROOT),
    ]  # fmt: skip
    return subprocess.Popen(command, env=env, start_new_session=True)  # noqa: S603  fixed argv, no shell


def wait_ready(port: int, server: subprocess.Popen[bytes], deadline: float) -> None:
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn exited with {server.returncode}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/api/v1/openapi.json")
            if conn.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.3)
    raise SystemExit("gunicorn did not answer in time")


def kill_group(server: subprocess.Popen[bytes], sig: int) -> None:
    if server.poll() is None:
        os.killpg(server.pid, sig)
    server.wait(timeout=30)


def client_loop(client: int, port: int, api_key: str, run: str, ledger: Ledger, stop: threading.Event) -> None:
    index = 0
    while not stop.is_set():
        key, body = body_for(client, index, run)
        item = Sent(key, body)
        ledger.add(item)
        try:
            status, answer = post(port, api_key, body, timeout=10)
            item.status, item.code = status, str(answer.get("code", ""))
        except (OSError, http.client.HTTPException, json.JSONDecodeError):
            item.status = None  # in flight when the server died: replayed below
            return
        index += 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers")
    parser.add_argument("--kill-after", type=float, default=6.0, help="seconds of load before SIGKILL")
    parser.add_argument("--deadline", type=float, default=300.0, help="the whole run's limit in seconds")
    args = parser.parse_args()
    deadline = time.monotonic() + args.deadline

    url = _setup.django_setup(name="durability")
    from django.contrib.auth.models import User

    from motcua.core.apikeys import apikey_create
    from motcua.dossiers.models import Dossier

    _row, api_key = apikey_create(user=User.objects.get(username=OFFICER))
    pki = tempfile.mkdtemp(prefix="motcua-k9-pki-")
    env = _setup.child_env(DJANGO_SETTINGS_MODULE="motcua.config.test_settings", DATABASE_URL=url, MOTCUA_PKI_DIR=pki)
    port = free_port()
    run = str(int(time.time()))
    print(_setup.machine())
    print(f"database: {_setup.describe(url)}; {args.clients} clients; gunicorn {args.workers} sync workers on 127.0.0.1:{port}")

    server = start_server(port, args.workers, env)
    ledger = Ledger()
    stop = threading.Event()
    try:
        wait_ready(port, server, deadline)
        threads = [
            threading.Thread(target=client_loop, args=(c, port, api_key, run, ledger, stop), daemon=True)
            for c in range(args.clients)
        ]
        started = time.monotonic()
        for thread in threads:
            thread.start()
        time.sleep(min(args.kill_after, max(0.0, deadline - time.monotonic() - 60)))
        kill_group(server, signal.SIGKILL)
        killed_at = time.monotonic() - started
        stop.set()
        for thread in threads:
            thread.join(timeout=15)
        print(f"SIGKILL to the gunicorn process group after {killed_at:.1f} s")

        server = start_server(port, args.workers, env)
        wait_ready(port, server, deadline)
        with ledger.lock:
            sent = list(ledger.sent)
        replay: dict[str, tuple[int, str]] = {}
        for item in sent:
            if time.monotonic() > deadline:
                raise SystemExit("deadline reached during the replay")
            status, answer = post(port, api_key, item.body)
            replay[item.key] = (status, str(answer.get("code", "")))
    finally:
        stop.set()
        if server.poll() is None:
            kill_group(server, signal.SIGTERM)

    acknowledged = [s for s in sent if s.status in (200, 201)]
    refused = [s for s in sent if s.status is not None and s.status not in (200, 201)]
    unanswered = [s for s in sent if s.status is None]
    found = [s for s in acknowledged if replay[s.key] == (200, s.code)]
    lost = [s for s in acknowledged if replay[s.key] != (200, s.code)]
    committed_unanswered = [s for s in unanswered if replay[s.key][0] == 200]
    created_on_replay = [s for s in unanswered if replay[s.key][0] == 201]
    replay_errors = [s for s in sent if replay[s.key][0] not in (200, 201)]
    per_key: dict[str, int] = {}
    for key in Dossier.objects.filter(idempotency_key__startswith=f"k9-{run}-").values_list("idempotency_key", flat=True):
        per_key[key] = per_key.get(key, 0) + 1
    duplicated = [k for k, n in per_key.items() if n > 1]
    missing = [s for s in sent if s.key not in per_key]

    print(f"sent                      {len(sent):6d}")
    print(f"acknowledged              {len(acknowledged):6d}")
    print(f"refused before the kill   {len(refused):6d}")
    print(f"in flight at the kill     {len(unanswered):6d}  (no answer)")
    print(f"found on replay           {len(found):6d}  (acknowledged, replay 200 with the same code)")
    print(f"lost                      {len(lost):6d}  (acknowledged, replay created another dossier)")
    print(f"duplicated                {len(duplicated):6d}  (keys with more than one dossier)")
    print(f"committed, unanswered     {len(committed_unanswered):6d}  (replay 200: done before the kill)")
    print(f"created on replay         {len(created_on_replay):6d}  (replay 201: rolled back by the kill)")
    print(f"replay errors             {len(replay_errors):6d}")
    print(f"keys without a dossier    {len(missing):6d}")
    if lost or duplicated or replay_errors or missing:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
