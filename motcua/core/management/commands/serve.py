from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Serve MotCua with gunicorn (production WSGI server) and run the background-task worker beside it."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--bind", default=os.environ.get("MOTCUA_BIND", "127.0.0.1:8000"))
        parser.add_argument("--workers", type=int, default=int(os.environ.get("MOTCUA_WEB_WORKERS", "3")))
        parser.add_argument("--no-worker", action="store_true", help="do not start the task worker")

    def handle(self, *args: Any, **options: Any) -> None:
        env = dict(os.environ)
        children: list[subprocess.Popen[bytes]] = []
        if not options["no_worker"]:
            children.append(subprocess.Popen([sys.executable, "-m", "motcua.cli", "worker"], env=env))
        web = subprocess.Popen(  # noqa: S603  fixed argv, no shell
            [
                sys.executable,
                "-m",
                "gunicorn",
                "motcua.config.wsgi:application",
                "--bind",
                options["bind"],
                "--workers",
                str(options["workers"]),
                "--access-logfile",
                "-",
                "--graceful-timeout",
                "10",
            ],
            env=env,
        )
        children.append(web)
        self.stdout.write(f"MotCua is serving on http://{options['bind']} (Ctrl+C to stop)")

        def stop(signum: int, frame: Any) -> None:
            for child in children:
                if child.poll() is None:
                    child.terminate()

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        try:
            while all(child.poll() is None for child in children):
                time.sleep(0.5)
        finally:
            stop(signal.SIGTERM, None)
            for child in children:
                try:
                    child.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    child.kill()
