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
