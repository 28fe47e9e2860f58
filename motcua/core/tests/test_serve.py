"""``motcua serve`` on a port that is taken ends at once, non-zero, with a clear message (issue
10 item 10), instead of announcing a server that gunicorn then fails to start."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def taken_port() -> Iterator[int]:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen(1)
        yield holder.getsockname()[1]


def _serve(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "DJANGO_SETTINGS_MODULE": "motcua.config.test_settings"}
    return subprocess.run(  # noqa: S603  fixed argv
        [sys.executable, "-m", "motcua.cli", "serve", "--no-worker", *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_serve_on_a_taken_port_exits_non_zero_with_a_vietnamese_message(taken_port: int) -> None:
    result = _serve("--bind", f"127.0.0.1:{taken_port}")

    assert result.returncode == 1
    assert f"Cổng {taken_port} trên 127.0.0.1 đang được một chương trình khác sử dụng." in result.stderr
    assert "đang phục vụ" not in result.stdout


def test_serve_on_a_taken_port_says_so_in_english_too(taken_port: int) -> None:
    with translation.override("en"), pytest.raises(CommandError) as raised:
        call_command("serve", "--no-worker", "--bind", f"127.0.0.1:{taken_port}")

    assert str(raised.value) == (
        f"Port {taken_port} on 127.0.0.1 is already in use by another program. Stop that program, or serve on another "
        f"port: motcua serve --bind 127.0.0.1:{taken_port + 1}"
    )


def test_serve_refuses_an_address_without_a_port() -> None:
    with translation.override("en"), pytest.raises(CommandError) as raised:
        call_command("serve", "--no-worker", "--bind", "127.0.0.1")

    assert str(raised.value) == "The address to serve must be host:port, for example 127.0.0.1:8000 (got “127.0.0.1”)."


class _ExitedAtOnce:
    """A child process that has already ended with status 1 (gunicorn failing to start)."""

    def __init__(self, argv: list[str], **_kwargs: object) -> None:
        self.argv = argv
        self.returncode = 1

    def poll(self) -> int:
        return 1

    def terminate(self) -> None:  # pragma: no cover - never running
        raise AssertionError("already ended")

    def wait(self, timeout: float | None = None) -> int:
        return 1


def test_serve_exits_non_zero_when_the_web_server_stops_on_its_own(monkeypatch: pytest.MonkeyPatch) -> None:
    """The port was free at the check but gunicorn still failed: the command does not stay up."""
    monkeypatch.setattr(subprocess, "Popen", _ExitedAtOnce)  # only gunicorn: --no-worker
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]

    with translation.override("en"), pytest.raises(CommandError) as raised:
        call_command("serve", "--no-worker", "--bind", f"127.0.0.1:{port}")

    assert str(raised.value) == "The web server stopped on its own (exit code 1); see the messages above."
