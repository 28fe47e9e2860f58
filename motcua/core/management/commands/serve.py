"""``motcua serve``: gunicorn and the task worker.

The address is checked before anything starts: a port that is taken (or an address this
machine does not have) ends the command at once with a translated message and a non-zero exit,
instead of announcing a server that gunicorn then fails to start. The command also exits
non-zero when gunicorn or the worker stops on its own.

The address served is passed to the children as ``MOTCUA_SERVED_URL``, so that links built
outside a request (a background task's message) point at it unless ``MOTCUA_PUBLIC_URL`` is set
(``motcua.core.urls_public``).
"""

from __future__ import annotations

import errno
import os
import signal
import socket
import subprocess
import sys
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from motcua.core.urls_public import served_url


def parse_bind(bind: str) -> tuple[str, int]:
    """``host:port`` (``[::1]:8000`` for IPv6) as a (host, port) pair."""
    host, sep, port = bind.rpartition(":")
    if not sep or not port.isdigit() or not 0 < int(port) < 65536:
        raise CommandError(
            _("The address to serve must be host:port, for example 127.0.0.1:8000 (got “%(bind)s”).") % {"bind": bind}
        )
    return host.strip("[]") or "0.0.0.0", int(port)  # noqa: S104  an empty host means every address, as for gunicorn


def check_free(host: str, port: int) -> None:
    """Bind and release the address, as gunicorn will; a clear error when that cannot work."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as gunicorn: a TIME_WAIT port is free
        try:
            probe.bind((host, port))
        except OSError as error:
            if error.errno == errno.EADDRINUSE:
                raise CommandError(
                    _(
                        "Port %(port)s on %(host)s is already in use by another program. Stop that program, or serve on "
                        "another port: motcua serve --bind %(host)s:%(other)s"
                    )
                    % {"port": port, "host": host, "other": port + 1}
                ) from error
            raise CommandError(
                _("Cannot serve on %(host)s:%(port)s: %(reason)s")
                % {"host": host, "port": port, "reason": error.strerror or error}
            ) from error


class Command(BaseCommand):
    help = "Serve MotCua with gunicorn (production WSGI server) and run the background-task worker beside it."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--bind", default=os.environ.get("MOTCUA_BIND", "127.0.0.1:8000"))
        parser.add_argument("--workers", type=int, default=int(os.environ.get("MOTCUA_WEB_WORKERS", "3")))
        parser.add_argument("--no-worker", action="store_true", help="do not start the task worker")

    def handle(self, *args: Any, **options: Any) -> None:
        host, port = parse_bind(options["bind"])
        check_free(host, port)
        env = dict(os.environ)
        env.setdefault("MOTCUA_SERVED_URL", served_url(host, port))
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
        self.stdout.write(_("MotCua is serving on %(url)s (Ctrl+C to stop)") % {"url": env["MOTCUA_SERVED_URL"]})
        stopped: list[int] = []

        def stop(signum: int, frame: Any) -> None:
            stopped.append(signum)
            for child in children:
                if child.poll() is None:
                    child.terminate()

        previous = {signum: signal.signal(signum, stop) for signum in (signal.SIGINT, signal.SIGTERM)}
        try:
            while all(child.poll() is None for child in children):
                time.sleep(0.5)
        finally:
            ended = [child for child in children if child.poll() is not None]
            for child in children:
                if child.poll() is None:
                    child.terminate()
            for child in children:
                try:
                    child.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    child.kill()
            for signum, handler in previous.items():
                signal.signal(signum, handler)
        if not stopped and any(child.returncode != 0 for child in ended):
            raise CommandError(
                _("The web server stopped on its own (exit code %(code)s); see the messages above.")
                % {"code": next(child.returncode for child in ended if child.returncode != 0)}
            )
