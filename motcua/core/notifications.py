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
from django.utils import timezone, translation
from django.utils.module_loading import import_string

from motcua.core.files import append_private

Channel = Literal["email", "sms"]


@dataclass(frozen=True)
class Message:
    channel: Channel
    to: str
    subject: str
    body: str
    kind: str = ""  # e.g. "dossier.received", "identity.access_code"
    created_at: datetime = field(default_factory=timezone.now)
    # Values in the body that must never be written down in clear (one-time codes): a delivery
    # backend sends them, a log or outbox file masks them.
    secrets: tuple[str, ...] = ()

    def redacted(self) -> Message:
        """The message with every secret in its subject and body replaced by a mask."""
        subject, body = self.subject, self.body
        for secret in self.secrets:
            if secret:
                subject = subject.replace(secret, REDACTED)
                body = body.replace(secret, REDACTED)
        return Message(channel=self.channel, to=self.to, subject=subject, body=body, kind=self.kind, created_at=self.created_at)


REDACTED = "******"


class NotificationBackend(Protocol):
    def send(self, message: Message) -> None: ...


class FileBackend:
    """Appends each message as one JSON line to a file (the demo's outbox).

    The file is a log, not a delivery channel: secrets (one-time codes) are masked in it, and it
    is created readable by the owner only (0600, directory 0700). To try a one-time code in the
    demo, use ``ConsoleBackend``, which prints to the server's console and writes nothing.
    """

    _lock = threading.Lock()

    def __init__(self, path: Path | None = None) -> None:
        default: Path = getattr(settings, "MOTCUA_NOTIFICATION_FILE", Path(settings.VAR_DIR) / "notifications.log")
        self.path = Path(path) if path is not None else Path(default)

    def send(self, message: Message) -> None:
        safe = message.redacted()
        record = {**asdict(safe), "created_at": safe.created_at.isoformat(), "redacted": bool(message.secrets)}
        record.pop("secrets")
        line = json.dumps(record, ensure_ascii=False)
        with self._lock:
            append_private(self.path, line + "\n")


class ConsoleBackend:
    """Prints each message, in full, to standard output (a demo on one's own machine)."""

    def send(self, message: Message) -> None:
        print(f"[{message.kind or 'message'}] {message.channel} → {message.to}: {message.subject}\n{message.body}", flush=True)


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


def messages_language() -> translation.override:
    """The language of messages to applicants and officers (SMS, e-mail): the default language,
    Vietnamese, whatever language the page of the officer whose action sends them is in. Use it
    around the gettext calls that word the message (issue 10 item 9)."""
    return translation.override(settings.LANGUAGE_CODE)


def notify(*, channel: Channel, to: str, subject: str, body: str, kind: str = "", secrets: tuple[str, ...] = ()) -> Message:
    """Queue a message to be sent when the current transaction commits (at once outside one).

    ``secrets``: values in the body (a one-time code) that logs and outbox files must mask."""
    message = Message(channel=channel, to=to, subject=subject, body=body, kind=kind, secrets=secrets)
    transaction.on_commit(lambda: get_backend().send(message))
    return message
