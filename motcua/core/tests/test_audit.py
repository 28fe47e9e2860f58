from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction

from motcua.core.audit import GENESIS_HASH, audit_record, audit_verify
from motcua.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def _three_events() -> list[AuditEvent]:
    return [
        audit_record(action="test.event", object_type="thing", object_id=i, data={"n": i, "text": "Phú Tân"}) for i in range(3)
    ]


def test_events_form_a_chain() -> None:
    first, second, third = _three_events()

    assert second.prev_hash == first.hash
    assert third.prev_hash == second.hash
    assert len({first.hash, second.hash, third.hash}) == 3


def test_intact_chain_verifies() -> None:
    _three_events()

    result = audit_verify()

    assert result.ok
    assert result.checked == AuditEvent.objects.count()


def test_edited_row_is_named() -> None:
    _first, second, _third = _three_events()
    with connection.cursor() as cursor:
        cursor.execute("UPDATE core_auditevent SET data = %s WHERE id = %s", ['{"n": 99, "text": "Phú Tân"}', second.pk])

    result = audit_verify()

    assert not result.ok
    assert result.bad_event_id == second.pk
    assert "edited" in result.reason


def test_deleted_row_breaks_the_link_of_the_next() -> None:
    _first, second, third = _three_events()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_auditevent WHERE id = %s", [second.pk])

    result = audit_verify()

    assert not result.ok
    assert result.bad_event_id == third.pk


def test_deleted_newest_row_is_detected_by_the_chain_head() -> None:
    _first, _second, third = _three_events()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_auditevent WHERE id = %s", [third.pk])

    result = audit_verify()

    assert not result.ok
    assert result.bad_event_id == third.pk


def test_orm_refuses_to_change_or_delete_events() -> None:
    event = audit_record(action="test.event")

    with pytest.raises(RuntimeError):
        event.save()
    with pytest.raises(RuntimeError):
        event.delete()


def test_event_rolls_back_with_its_transaction() -> None:
    before = AuditEvent.objects.count()

    with pytest.raises(ValueError), transaction.atomic():
        audit_record(action="test.event")
        raise ValueError("the change failed")

    assert AuditEvent.objects.count() == before
    assert audit_verify().ok


def test_verify_command_exits_zero_when_intact(capsys: pytest.CaptureFixture[str]) -> None:
    _three_events()

    call_command("audit", "verify")

    assert "intact" in capsys.readouterr().out


def test_verify_command_fails_naming_the_row() -> None:
    _first, second, _third = _three_events()
    with connection.cursor() as cursor:
        cursor.execute("UPDATE core_auditevent SET action = %s WHERE id = %s", ["test.forged", second.pk])

    with pytest.raises(CommandError, match=f"#{second.pk}"):
        call_command("audit", "verify")


def test_first_event_links_to_genesis() -> None:
    audit_record(action="test.event")

    first = AuditEvent.objects.order_by("id").first()

    assert first is not None and first.prev_hash == GENESIS_HASH
