"""Preconditions of workflow actions (services/preconditions.py): the page does not offer an
action whose precondition fails, and the service still refuses it when it is forced."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import User

from motcua.core.choices import AgencyKind, Role
from motcua.core.exceptions import DomainError
from motcua.dossiers.choices import DossierAction, DossierStatus
from motcua.dossiers.models import Dossier, DossierEvent
from motcua.dossiers.services import ActionInput, available_actions, dossier_act, dossier_receive
from motcua.dossiers.tests.factories import commune_agencies, intake, procedure, staff

pytestmark = pytest.mark.django_db
VN = ZoneInfo("Asia/Ho_Chi_Minh")


def at(day: str, hm: str = "10:00") -> dt.datetime:
    return dt.datetime.fromisoformat(f"{day}T{hm}").replace(tzinfo=VN)


@pytest.fixture
def officer() -> User:
    procedure()
    commune_agencies()
    return staff("officer", Role.RECEPTION_OFFICER)


@pytest.fixture
def leader() -> User:
    return staff("leader", Role.LEADER, kind=AgencyKind.PEOPLES_COMMITTEE, full_name="Lê Văn Cường")


def _received(officer: User, when: str = "2026-12-07") -> Dossier:
    return dossier_receive(actor=officer, intake=intake(), now=at(when)).dossier  # 5 working days: due 14/12 17:00


def test_complete_step_is_not_offered_without_an_open_step_and_is_refused_when_forced(officer: User) -> None:
    specialist = staff("spec", Role.SPECIALIST, kind=AgencyKind.PEOPLES_COMMITTEE)
    dossier = _received(officer)
    dossier_act(actor=officer, code=dossier.code, action=DossierAction.TRANSFER, now=at("2026-12-07", "11:00"))
    offered_with_step = available_actions(specialist, Dossier.objects.get(pk=dossier.pk))
    dossier_act(actor=specialist, code=dossier.code, action=DossierAction.COMPLETE_STEP, now=at("2026-12-08"))
    events = DossierEvent.objects.filter(dossier=dossier).count()

    offered = available_actions(specialist, Dossier.objects.get(pk=dossier.pk), now=at("2026-12-08", "11:00"))
    with pytest.raises(DomainError) as forced:
        dossier_act(actor=specialist, code=dossier.code, action=DossierAction.COMPLETE_STEP, now=at("2026-12-08", "11:00"))

    assert DossierAction.COMPLETE_STEP in offered_with_step
    assert DossierAction.COMPLETE_STEP not in offered
    assert forced.value.code == "no_open_step"
    assert DossierEvent.objects.filter(dossier=dossier).count() == events


def test_apology_is_not_offered_once_the_extension_is_used_rules_1_4_row_6(officer: User, leader: User) -> None:
    dossier = _received(officer)
    dossier_act(
        actor=leader,
        code=dossier.code,
        action=DossierAction.APOLOGIZE,
        data=ActionInput(reason="Chờ xác minh", new_due_at=at("2026-12-17", "17:00")),
        now=at("2026-12-09"),
    )

    offered = available_actions(leader, Dossier.objects.get(pk=dossier.pk), now=at("2026-12-09", "11:00"))
    with pytest.raises(DomainError) as forced:
        dossier_act(
            actor=leader,
            code=dossier.code,
            action=DossierAction.APOLOGIZE,
            data=ActionInput(reason="Lần hai", new_due_at=at("2026-12-21", "17:00")),
            now=at("2026-12-09", "11:00"),
        )

    assert DossierAction.APOLOGIZE not in offered
    assert forced.value.code == "extension_used"
    assert Dossier.objects.get(pk=dossier.pk).due_at == at("2026-12-17", "17:00")


def test_apology_is_not_offered_less_than_one_working_day_before_due_rules_1_4_row_6(officer: User, leader: User) -> None:
    dossier = _received(officer)  # due Monday 14/12 17:00

    early = available_actions(leader, dossier, now=at("2026-12-11", "09:00"))
    late = available_actions(leader, dossier, now=at("2026-12-14", "09:00"))
    with pytest.raises(DomainError) as forced:
        dossier_act(
            actor=leader,
            code=dossier.code,
            action=DossierAction.APOLOGIZE,
            data=ActionInput(reason="Chờ xác minh", new_due_at=at("2026-12-21", "17:00")),
            now=at("2026-12-14", "09:00"),
        )

    assert DossierAction.APOLOGIZE in early
    assert DossierAction.APOLOGIZE not in late
    assert forced.value.code == "extension_too_late"
    assert Dossier.objects.get(pk=dossier.pk).extension_used is False


def test_apology_new_date_on_a_sunday_is_refused_naming_the_field_rules_1_4_row_6_and_11(officer: User, leader: User) -> None:
    """RULES.md §1.4 row 6 and §11: the new return date is a working day of the unit's calendar."""
    dossier = _received(officer)

    with pytest.raises(DomainError) as sunday:
        dossier_act(
            actor=leader,
            code=dossier.code,
            action=DossierAction.APOLOGIZE,
            data=ActionInput(reason="Chờ xác minh", new_due_at=at("2026-12-20", "17:00")),
            now=at("2026-12-09"),
        )
    unchanged = Dossier.objects.get(pk=dossier.pk)
    monday = dossier_act(
        actor=leader,
        code=dossier.code,
        action=DossierAction.APOLOGIZE,
        data=ActionInput(reason="Chờ xác minh", new_due_at=at("2026-12-21", "17:00")),
        now=at("2026-12-09"),
    )

    assert sunday.value.code == "new_due_not_working_day"
    assert list(sunday.value.fields) == ["new_due_at"]
    assert (unchanged.due_at, unchanged.extension_used) == (at("2026-12-14", "17:00"), False)
    assert monday.due_at == at("2026-12-21", "17:00") and monday.status == DossierStatus.RECEIVED
