"""The audit chain anchored outside the table, and a chain that survives dump and restore
(docs/security.md "Audit log")."""

from __future__ import annotations

import io
import stat
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from pytest_django import Settings

from motcua.core.audit import anchor_read_last, audit_record, audit_verify
from motcua.core.models import AuditChainHead, AuditEvent

pytestmark = pytest.mark.django_db

Capture = Callable[..., Any]


@pytest.fixture
def anchor(settings: Settings, tmp_path: Path) -> Path:
    path = tmp_path / "var" / "audit-anchor.log"
    settings.MOTCUA_AUDIT_ANCHOR_FILE = str(path)
    return path


def _committed_events(capture: Capture, n: int = 3) -> list[AuditEvent]:
    events = []
    for i in range(n):
        with capture(execute=True):
            events.append(audit_record(action="test.event", object_type="thing", object_id=i, data={"n": i, "text": "Phú Tân"}))
    return events


def _sql(statement: str, params: list[Any] | None = None) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params or [])


def test_each_committed_append_adds_an_anchor_line_in_a_private_file(
    anchor: Path, django_capture_on_commit_callbacks: Capture
) -> None:
    events = _committed_events(django_capture_on_commit_callbacks)

    lines = anchor.read_text(encoding="ascii").splitlines()
    assert [line.split()[:2] for line in lines] == [[str(e.pk), e.hash] for e in events]
    assert stat.S_IMODE(anchor.stat().st_mode) == 0o600
    assert stat.S_IMODE(anchor.parent.stat().st_mode) == 0o700
    assert anchor_read_last() == (events[-1].pk, events[-1].hash)


def test_a_rolled_back_append_leaves_no_anchor_line(anchor: Path, django_capture_on_commit_callbacks: Capture) -> None:
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValueError), transaction.atomic():
        audit_record(action="test.event")
        raise ValueError("the change failed")

    assert not anchor.exists()


def test_intact_anchored_chain_verifies(anchor: Path, django_capture_on_commit_callbacks: Capture) -> None:
    events = _committed_events(django_capture_on_commit_callbacks)

    result = audit_verify()

    assert (result.ok, result.checked, result.anchored_event_id) == (True, AuditEvent.objects.count(), events[-1].pk)


def test_cutting_the_newest_rows_and_the_head_row_is_detected_by_the_anchor(
    anchor: Path, django_capture_on_commit_callbacks: Capture
) -> None:
    """Before the anchor, this verified as intact: the head row went with the rows."""
    _first, second, third = _committed_events(django_capture_on_commit_callbacks)
    _sql("DELETE FROM core_auditevent WHERE id >= %s", [second.pk])
    _sql("DELETE FROM core_auditchainhead")

    result = audit_verify()

    assert not result.ok
    assert result.bad_event_id == third.pk
    assert "cut or wiped" in result.reason


def test_wiping_the_whole_log_is_detected_by_the_anchor(anchor: Path, django_capture_on_commit_callbacks: Capture) -> None:
    events = _committed_events(django_capture_on_commit_callbacks)
    _sql("DELETE FROM core_auditevent")
    _sql("DELETE FROM core_auditchainhead")

    result = audit_verify()

    assert (result.ok, result.checked, result.bad_event_id) == (False, 0, events[-1].pk)


def test_a_wiped_log_still_verifies_without_any_anchor(settings: Settings) -> None:
    """The limit the anchor removes: with no anchor file and no head given, nothing is left to compare."""
    settings.MOTCUA_AUDIT_ANCHOR_FILE = ""
    audit_record(action="test.event")
    _sql("DELETE FROM core_auditevent")
    _sql("DELETE FROM core_auditchainhead")

    assert audit_verify().ok


def test_a_head_from_a_backup_manifest_catches_a_wiped_log(settings: Settings) -> None:
    settings.MOTCUA_AUDIT_ANCHOR_FILE = ""
    event = audit_record(action="test.event")
    _sql("DELETE FROM core_auditevent")
    _sql("DELETE FROM core_auditchainhead")

    with pytest.raises(CommandError, match=f"#{event.pk}"):
        call_command("audit", "verify", "--head", f"{event.pk}:{event.hash}")


def test_a_rewritten_chain_is_detected_by_the_anchored_hash(anchor: Path, django_capture_on_commit_callbacks: Capture) -> None:
    """Someone who rewrites every hash consistently from a row on still differs from the anchor."""
    events = _committed_events(django_capture_on_commit_callbacks)
    forged = "f" * 64

    result = audit_verify(expected_head=(events[-1].pk, forged))

    assert (result.ok, result.bad_event_id) == (False, events[-1].pk)
    assert "rewritten" in result.reason


def test_the_anchor_command_anchors_a_log_that_predates_the_anchor(anchor: Path) -> None:
    event = audit_record(action="test.event")  # not committed through on_commit: no anchor line
    assert anchor_read_last() is None

    call_command("audit", "anchor", stdout=io.StringIO())

    assert anchor_read_last() == (event.pk, event.hash)


def test_a_torn_last_line_is_ignored(anchor: Path, django_capture_on_commit_callbacks: Capture) -> None:
    events = _committed_events(django_capture_on_commit_callbacks, n=1)
    with anchor.open("a", encoding="ascii") as handle:
        handle.write("99 abc")

    assert anchor_read_last() == (events[0].pk, events[0].hash)


def test_dumpdata_and_loaddata_keep_the_chain_verifiable(tmp_path: Path) -> None:
    """Django's JSON cut occurred_at to milliseconds and verify failed at event #1 after a reload."""
    with time_machine.travel(datetime(2026, 3, 2, 8, 15, 30, 123456, tzinfo=UTC), tick=False):
        audit_record(action="test.event", data={"text": "Phú Tân"})
    with time_machine.travel(datetime(2026, 3, 2, 8, 15, 31, 654321, tzinfo=UTC), tick=False):
        audit_record(action="test.event", object_id=7, data={"n": 7})
    dump = tmp_path / "audit.json"
    call_command("dumpdata", "core.auditevent", "core.auditchainhead", output=str(dump), verbosity=0)
    _sql("DELETE FROM core_auditevent")
    _sql("DELETE FROM core_auditchainhead")

    call_command("loaddata", str(dump), verbosity=0)

    assert '"2026-03-02T08:15:30.123456Z"' in dump.read_text(encoding="utf-8")
    assert AuditChainHead.objects.count() == 1
    result = audit_verify()
    assert (result.ok, result.checked) == (True, AuditEvent.objects.count())


def test_the_newest_anchor_is_the_largest_id_even_when_concurrent_commits_wrote_out_of_order(anchor: Path) -> None:
    anchor.parent.mkdir(mode=0o700)
    anchor.write_text(f"7 {'a' * 64} t\n9 {'c' * 64} t\n8 {'b' * 64} t\n", encoding="ascii")

    assert anchor_read_last() == (9, "c" * 64)


def test_a_malformed_head_is_refused_by_the_verify_command() -> None:
    with pytest.raises(CommandError, match="--head"):
        call_command("audit", "verify", "--head", "12:not-a-hash")
