"""Senders of the national-portal outbox (docs/portal-sync.md "Plugging a sender").

The sender is chosen by ``settings.MOTCUA_PORTAL_SENDER`` (dotted path to a class built with
no arguments): ``FilePortalSender`` (the demo default: JSON lines in
``var/portal-sync.jsonl``), ``MemoryPortalSender`` (tests). A sender has one method,
``send(line)``: it delivers one line (a dict, the export format) and returns, or raises any
exception to say the line was not accepted (it is retried later, in order). It must be safe to
call twice with the same line: delivery is at least once, and ``line["seq"]`` is the key a
receiver deduplicates on. A real HTTP sender is such a class, written when the portal's
connection data (endpoint, credentials, message mapping: Circular 04/2025/TT-VPCP) is
given to the deployment; nothing here guesses them.
"""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any, ClassVar, Protocol

from django.conf import settings
from django.utils.module_loading import import_string

from motcua.core.files import append_private


class PortalSender(Protocol):
    def send(self, line: dict[str, Any]) -> None: ...


class FilePortalSender:
    """Appends each line as JSON to ``MOTCUA_PORTAL_FILE`` (0600 in a 0700 folder)."""

    _lock = threading.Lock()

    def __init__(self, path: Path | None = None) -> None:
        default = getattr(settings, "MOTCUA_PORTAL_FILE", Path(settings.VAR_DIR) / "portal-sync.jsonl")
        self.path = Path(path) if path is not None else Path(default)

    def send(self, line: dict[str, Any]) -> None:
        text = json.dumps(line, ensure_ascii=False, separators=(",", ":"))
        with self._lock:
            append_private(self.path, text + "\n")


class MemoryPortalSender:
    """Keeps the lines in memory (tests: ``MemoryPortalSender.sent``)."""

    sent: ClassVar[list[dict[str, Any]]] = []

    def send(self, line: dict[str, Any]) -> None:
        MemoryPortalSender.sent.append(line)


def get_sender() -> PortalSender:
    path = getattr(settings, "MOTCUA_PORTAL_SENDER", "motcua.dossiers.portal_senders.FilePortalSender")
    sender: PortalSender = import_string(path)()
    return sender
