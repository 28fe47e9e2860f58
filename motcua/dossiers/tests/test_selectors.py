"""The staff queues' scope, the capped count and the lean public look-up."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import User
from django.test import Client
from pytest_django import DjangoAssertNumQueries

from motcua.core.choices import AgencyKind, Role
from motcua.dossiers import selectors
from motcua.dossiers.choices import OPEN_STATUSES, TERMINAL_STATUSES, DossierAction, DossierStatus
from motcua.dossiers.models import Dossier
from motcua.dossiers.public import lookup_payload
from motcua.dossiers.selectors import QueueFilter, dossier_lookup, dossier_queue, queue_count
from motcua.dossiers.services import ActionInput, dossier_act, dossier_receive
from motcua.dossiers.tests.factories import commune_agencies, intake, procedure, staff

pytestmark = pytest.mark.django_db
VN = ZoneInfo("Asia/Ho_Chi_Minh")
NOW = dt.datetime(2026, 3, 2, 10, 0, tzinfo=VN)


@pytest.fixture
def officer() -> User:
    procedure()
    commune_agencies()
    return staff("officer", Role.RECEPTION_OFFICER)


def _receive(officer: User, key: str = "") -> Dossier:
    return dossier_receive(actor=officer, intake=intake(idempotency_key=key), now=NOW).dossier


def _codes(user: User, flt: QueueFilter | None = None) -> set[str]:
    return set(dossier_queue(user=user, flt=flt or QueueFilter(), now=NOW).values_list("code", flat=True))


def test_open_statuses_are_the_non_terminal_ones_in_order() -> None:
    assert set(OPEN_STATUSES) | TERMINAL_STATUSES == set(DossierStatus)
    assert list(OPEN_STATUSES) == [s for s in DossierStatus if s in OPEN_STATUSES]


def test_inter_agency_dossier_is_in_the_other_communes_queue_while_its_step_is_open(officer: User) -> None:
    other_pc = commune_agencies("32214")[AgencyKind.PEOPLES_COMMITTEE]
    specialist = staff("spec-phumy", Role.SPECIALIST, code="32214", kind=AgencyKind.PEOPLES_COMMITTEE)
    bystander = staff("spec-caidoivam", Role.SPECIALIST, code="32212", kind=AgencyKind.PEOPLES_COMMITTEE)
    dossier = _receive(officer)
    assert dossier.code not in _codes(specialist)

    dossier_act(
        actor=officer,
        code=dossier.code,
        action=DossierAction.TRANSFER,
        data=ActionInput(agency_id=other_pc.pk, receiver_id=specialist.pk),
        now=NOW + dt.timedelta(hours=1),
    )

    assert dossier.code in _codes(specialist)
    assert dossier.code in _codes(specialist, QueueFilter(mine=True))
    assert dossier.code in _codes(officer)
    assert dossier.code not in _codes(bystander)
    assert not Dossier.objects.restrict(bystander, "view").filter(code=dossier.code).exists()

    dossier_act(
        actor=specialist,
        code=dossier.code,
        action=DossierAction.COMPLETE_STEP,
        data=ActionInput(reason="Đã xác minh"),
        now=NOW + dt.timedelta(hours=2),
    )

    # Its part is done: off the other commune's work queue, still readable there.
    assert dossier.code not in _codes(specialist)
    assert dossier.code not in _codes(specialist, QueueFilter(mine=True))
    assert Dossier.objects.restrict(specialist, "view").filter(code=dossier.code).exists()
    assert dossier.code in _codes(officer)


def test_mine_is_what_is_assigned_to_me(officer: User) -> None:
    colleague = staff("colleague", Role.RECEPTION_OFFICER)
    dossier = _receive(officer)

    assert _codes(officer, QueueFilter(mine=True)) == {dossier.code}
    assert _codes(colleague, QueueFilter(mine=True)) == set()
    assert _codes(colleague) == {dossier.code}


def test_closed_dossiers_leave_the_queue(officer: User) -> None:
    dossier = _receive(officer)
    dossier_act(actor=officer, code=dossier.code, action=DossierAction.STOP, data=ActionInput(reason="Người nộp xin dừng"))

    assert _codes(officer) == set()


def test_queue_is_empty_for_anonymous_and_users_without_a_unit(officer: User) -> None:
    from django.contrib.auth.models import AnonymousUser

    _receive(officer)
    loose = User.objects.create_user("loose", password="x")

    assert not dossier_queue(user=AnonymousUser(), flt=QueueFilter()).exists()
    assert not dossier_queue(user=loose, flt=QueueFilter()).exists()


def test_queue_count_stops_at_the_cap(officer: User, monkeypatch: pytest.MonkeyPatch) -> None:
    for index in range(5):
        _receive(officer, key=f"cap-{index}")
    qs = dossier_queue(user=officer, flt=QueueFilter(), now=NOW)

    assert queue_count(qs) == (5, False)
    monkeypatch.setattr(selectors, "QUEUE_COUNT_CAP", 5)
    assert queue_count(qs) == (5, False)
    monkeypatch.setattr(selectors, "QUEUE_COUNT_CAP", 3)
    assert queue_count(qs) == (3, True)


def test_queue_page_says_more_than_the_cap(officer: User, client: Client, monkeypatch: pytest.MonkeyPatch) -> None:
    for index in range(4):
        _receive(officer, key=f"page-{index}")
    client.force_login(officer)

    full = client.get("/ho-so/?view=all").content.decode()
    monkeypatch.setattr(selectors, "QUEUE_COUNT_CAP", 2)
    capped = client.get("/ho-so/?view=all").content.decode()

    assert "4 hồ sơ" in full
    assert "Hơn 2 hồ sơ" in capped


def test_lookup_reads_one_row_and_the_payload_one_more_for_the_public_timeline(
    officer: User, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    dossier = _receive(officer)

    with django_assert_num_queries(2):
        found = dossier_lookup(code=dossier.code, check="4217")
        payload = lookup_payload(found)

    assert payload["code"] == dossier.code
    assert payload["procedure_name"] == "Thủ tục đăng ký khai sinh"
    assert payload["receiving_agency"] == dossier.receiving_agency.name
    assert payload["due_at"] == dossier.due_at
    assert payload["can_rate"] is False


def test_current_agency_follows_the_open_step_and_the_migration_fills_it(officer: User) -> None:
    import importlib

    from django.apps import apps as django_apps

    pc = commune_agencies()[AgencyKind.PEOPLES_COMMITTEE]
    dossier = _receive(officer)
    assert dossier.current_agency_id is None

    moved = dossier_act(
        actor=officer, code=dossier.code, action=DossierAction.TRANSFER, data=ActionInput(agency_id=pc.pk), now=NOW
    )
    assert moved.current_agency_id == pc.pk

    # Rows written before the column existed get it from their open step.
    Dossier.objects.filter(pk=dossier.pk).update(current_agency=None)
    migration = importlib.import_module("motcua.dossiers.migrations.0002_open_queues")
    migration.current_agency_backfill(django_apps, None)
    assert Dossier.objects.get(pk=dossier.pk).current_agency_id == pc.pk

    back = dossier_act(
        actor=staff("spec", Role.SPECIALIST, kind=AgencyKind.PEOPLES_COMMITTEE),
        code=dossier.code,
        action=DossierAction.COMPLETE_STEP,
        data=ActionInput(reason="Xong"),
        now=NOW + dt.timedelta(hours=1),
    )
    assert back.current_agency_id is None


def test_in_literal_refuses_anything_but_identifiers() -> None:
    with pytest.raises(ValueError):
        list(Dossier.objects.filter(status__in_literal=["received'; DROP TABLE x; --"]))
    with pytest.raises(ValueError):
        list(Dossier.objects.filter(status__in_literal=[]))


def test_queue_sql_repeats_the_partial_index_condition_word_for_word(officer: User) -> None:
    """SQLite uses a partial index only when the query says its condition literally."""
    from django.db import connection

    _receive(officer)
    qs = dossier_queue(user=officer, flt=QueueFilter(overdue=True), now=NOW)
    sql, params = qs.query.sql_with_params()
    literal = ", ".join(f"'{status}'" for status in OPEN_STATUSES)

    assert f'"status" IN ({literal})' in sql
    assert not any(param in OPEN_STATUSES for param in params)
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
            plan = " ".join(str(row[-1]) for row in cursor.fetchall())
        assert "dossiers_open_" in plan, plan


def test_decided_dossier_comes_back_to_the_officer_who_received_it(officer: User) -> None:
    leader = staff("leader", Role.LEADER, kind=AgencyKind.PEOPLES_COMMITTEE)
    specialist = staff("spec", Role.SPECIALIST, kind=AgencyKind.PEOPLES_COMMITTEE)
    pc = commune_agencies()[AgencyKind.PEOPLES_COMMITTEE]
    dossier = _receive(officer)
    dossier_act(
        actor=officer,
        code=dossier.code,
        action=DossierAction.TRANSFER,
        data=ActionInput(agency_id=pc.pk, receiver_id=specialist.pk),
        now=NOW,
    )
    assert _codes(specialist, QueueFilter(mine=True)) == {dossier.code}
    assert _codes(officer, QueueFilter(mine=True)) == set()

    dossier_act(actor=specialist, code=dossier.code, action=DossierAction.PROPOSE, now=NOW + dt.timedelta(minutes=30))
    decided = dossier_act(
        actor=leader,
        code=dossier.code,
        action=DossierAction.APPROVE,
        data=ActionInput(result_summary="Đã cấp"),
        now=NOW + dt.timedelta(hours=1),
    )

    assert decided.assigned_to_id == officer.pk and decided.current_agency_id is None
    assert _codes(officer, QueueFilter(mine=True)) == {dossier.code}
    assert _codes(specialist, QueueFilter(mine=True)) == set()
