"""Notifications to citizens (e-mail, SMS) through a pluggable backend, sent on commit.

The backend is chosen by ``settings.MOTCUA_NOTIFICATION_BACKEND`` (dotted path):
``FileBackend`` (the demo default: JSON lines in ``var/notifications.log``),
``MemoryBackend`` (tests: ``MemoryBackend.outbox``), ``DjangoEmailBackend`` (e-mail through
Django's configured mail backend; SMS is handed to ``MOTCUA_SMS_BACKEND`` when set). A real
SMS gateway is one small class with a ``send(message)`` method.
"""

from __future__ import annotations

import json
import threading
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import ClassVar, Literal, Protocol

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string

Channel = Literal["email", "sms"]


@dataclass(frozen=True)
class Message:
    channel: Channel
    to: str
    subject: str
    body: str
    kind: str = ""  # e.g. "dossier.received", "identity.access_code"
    created_at: datetime = field(default_factory=timezone.now)


class NotificationBackend(Protocol):
    def send(self, message: Message) -> None: ...


class FileBackend:
    """Appends each message as one JSON line to a file (the demo's outbox)."""

    _lock = threading.Lock()

    def __init__(self, path: Path | None = None) -> None:
        default: Path = getattr(settings, "MOTCUA_NOTIFICATION_FILE", Path(settings.VAR_DIR) / "notifications.log")
        self.path = Path(path) if path is not None else Path(default)

    def send(self, message: Message) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        line = json.dumps({**asdict(message), "created_at": message.created_at.isoformat()}, ensure_ascii=False)
        with self._lock, self.path.open("a", encoding="utf-8") as fh:
            fh.write(line + "\n")


class MemoryBackend:
    """Keeps messages in memory (tests)."""

    outbox: ClassVar[list[Message]] = []

    def send(self, message: Message) -> None:
        MemoryBackend.outbox.append(message)


class DjangoEmailBackend:
    """E-mail through Django's mail settings; SMS through ``MOTCUA_SMS_BACKEND`` if set."""

    def send(self, message: Message) -> None:
        if message.channel == "email":
            from django.core.mail import send_mail

            send_mail(message.subject, message.body, None, [message.to])
            return
        sms_path = getattr(settings, "MOTCUA_SMS_BACKEND", "")
        if sms_path:
            import_string(sms_path)().send(message)


def get_backend() -> NotificationBackend:
    path = getattr(settings, "MOTCUA_NOTIFICATION_BACKEND", "motcua.core.notifications.FileBackend")
    backend: NotificationBackend = import_string(path)()
    return backend


def notify(*, channel: Channel, to: str, subject: str, body: str, kind: str = "") -> Message:
    """Queue a message to be sent when the current transaction commits (at once outside one)."""
    message = Message(channel=channel, to=to, subject=subject, body=body, kind=kind)
    transaction.on_commit(lambda: get_backend().send(message))
    return message
