from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.db import transaction

from motcua.core.notifications import FileBackend, MemoryBackend, Message, notify


@pytest.fixture(autouse=True)
def _empty_outbox() -> None:
    MemoryBackend.outbox.clear()


@pytest.mark.django_db(transaction=True)
def test_message_is_sent_only_when_the_transaction_commits(units: None) -> None:
    with transaction.atomic():
        notify(channel="sms", to="0912345678", subject="", body="Hồ sơ đã được tiếp nhận", kind="dossier.received")
        assert MemoryBackend.outbox == []

    assert [(m.channel, m.to, m.kind) for m in MemoryBackend.outbox] == [("sms", "0912345678", "dossier.received")]


@pytest.mark.django_db(transaction=True)
def test_rolled_back_transaction_sends_nothing(units: None) -> None:
    with pytest.raises(RuntimeError), transaction.atomic():
        notify(channel="email", to="a@example.vn", subject="x", body="y")
        raise RuntimeError("failed")

    assert MemoryBackend.outbox == []


def test_file_backend_writes_json_lines(tmp_path: Path) -> None:
    backend = FileBackend(tmp_path / "out.log")

    backend.send(Message(channel="email", to="a@example.vn", subject="Giấy hẹn", body="Ngày hẹn trả: 27/02/2026"))
    backend.send(Message(channel="sms", to="0912345678", subject="", body="Mã: 123456"))

    lines = [json.loads(line) for line in (tmp_path / "out.log").read_text(encoding="utf-8").splitlines()]
    assert [(line["channel"], line["to"], line["body"]) for line in lines] == [
        ("email", "a@example.vn", "Ngày hẹn trả: 27/02/2026"),
        ("sms", "0912345678", "Mã: 123456"),
    ]


def test_file_backend_masks_one_time_codes_and_keeps_the_rest(tmp_path: Path) -> None:
    """Issue 9 item 11: one-time codes never appear in clear in the notification log."""
    backend = FileBackend(tmp_path / "out.log")

    backend.send(
        Message(channel="sms", to="0912345678", subject="", body="Mã xác minh: 482913. Hết hạn sau 10 phút.", secrets=("482913",))
    )

    text = (tmp_path / "out.log").read_text(encoding="utf-8")
    assert "482913" not in text
    line = json.loads(text)
    assert (line["body"], line["redacted"]) == ("Mã xác minh: ******. Hết hạn sau 10 phút.", True)


def test_file_backend_creates_the_log_for_its_owner_only(tmp_path: Path) -> None:
    """Issue 9 item 11: var/ files 0600, directories 0700."""
    path = tmp_path / "var" / "notifications.log"

    FileBackend(path).send(Message(channel="sms", to="0912345678", subject="", body="x"))

    assert (path.stat().st_mode & 0o777, path.parent.stat().st_mode & 0o777) == (0o600, 0o700)


@pytest.mark.django_db(transaction=True)
def test_access_code_is_sent_in_clear_but_logged_masked(units: None, tmp_path: Path) -> None:
    """The delivery backend gets the code (the citizen needs it); the message says what to mask."""
    from motcua.identity.choices import NotifyChannel
    from motcua.identity.services import access_code_request
    from motcua.identity.tests.factories import CitizenFactory

    citizen = CitizenFactory.create(phone="0912345678")

    access_code_request(personal_id=citizen.personal_id, channel=NotifyChannel.SMS)

    [message] = [m for m in MemoryBackend.outbox if m.kind == "identity.access_code"]
    [code] = message.secrets
    assert len(code) == 6 and code in message.body
    assert code not in message.redacted().body
