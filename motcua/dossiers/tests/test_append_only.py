"""Append-only records: dossier events, clock changes and issued slips refuse every change
through the ORM, on instances and on querysets; a dossier with records cannot be deleted
(STYLE.md "Where logic lives" 4; issue 9 item 4; docs/security.md "Immutable records").

RULES.md §1.4 (every step is recorded; the return date is re-set at most once, so a clock
change is a new row, never an edit) and §1.5 (issued forms 01–04 and 06 are kept at the
one-stop unit) are why these rows never change."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.db.models import Model, ProtectedError

from motcua.core.audit import audit_record
from motcua.core.choices import Role
from motcua.core.models import AuditEvent
from motcua.core.querysets import AppendOnlyError, AppendOnlyModel
from motcua.dossiers.choices import ClockChangeKind, DossierAction, SlipForm
from motcua.dossiers.models import ClockChange, Dossier, DossierEvent, Slip
from motcua.dossiers.services import ActionInput, dossier_act, dossier_receive
from motcua.dossiers.tests.factories import commune_agencies, intake, procedure, staff

pytestmark = pytest.mark.django_db
VN = ZoneInfo("Asia/Ho_Chi_Minh")
RECORDS = [DossierEvent, ClockChange, Slip, AuditEvent]


@pytest.fixture
def officer() -> User:
    procedure()
    commune_agencies()
    return staff("officer", Role.RECEPTION_OFFICER)


@pytest.fixture
def dossier(officer: User) -> Dossier:
    received = dossier_receive(actor=officer, intake=intake(), now=dt.datetime(2026, 3, 2, 10, tzinfo=VN)).dossier
    audit_record(action="test.event", actor=officer)
    return received


def _snapshot(model: type[Model]) -> list[tuple[Any, ...]]:
    return list(model._default_manager.order_by("pk").values_list())


def _changes(model: type[Model]) -> dict[str, Callable[[], object]]:
    row = model._default_manager.order_by("pk").first()
    assert row is not None
    assert issubclass(model, AppendOnlyModel)
    bulk = model.bulk_objects
    fields: dict[type[Model], str] = {DossierEvent: "reason", ClockChange: "reason", Slip: "number", AuditEvent: "action"}
    field = fields[model]

    def save_stored() -> object:
        setattr(row, field, "forged")
        row.save()
        return None

    def bulk_update() -> object:
        setattr(row, field, "forged")
        return model._default_manager.bulk_update([row], [field])

    return {
        "instance save": save_stored,
        "instance delete": row.delete,
        "queryset update": lambda: model._default_manager.all().update(**{field: "forged"}),
        "queryset delete": lambda: model._default_manager.filter(pk=row.pk).delete(),
        "bulk_update": bulk_update,
        "update_or_create": lambda: model._default_manager.update_or_create(pk=row.pk, defaults={field: "forged"}),
        "bulk_create on objects": lambda: model._default_manager.bulk_create([model(**{field: "new"})]),
        "bulk_update through bulk_objects": lambda: bulk.all().update(**{field: "forged"}),
    }


@pytest.mark.parametrize("model", RECORDS, ids=lambda m: m.__name__)
@pytest.mark.parametrize(
    "operation",
    [
        "instance save",
        "instance delete",
        "queryset update",
        "queryset delete",
        "bulk_update",
        "update_or_create",
        "bulk_create on objects",
        "bulk_update through bulk_objects",
    ],
)
def test_append_only_record_refuses_the_change_and_nothing_changes(dossier: Dossier, model: type[Model], operation: str) -> None:
    before = _snapshot(model)
    change = _changes(model)[operation]

    with pytest.raises(AppendOnlyError, match="append-only"):
        change()

    assert _snapshot(model) == before


def test_a_stored_pk_given_to_a_new_instance_inserts_and_never_overwrites(dossier: Dossier) -> None:
    stored = Slip.objects.get(dossier=dossier, form=SlipForm.RECEIPT)
    before = _snapshot(Slip)
    copy = Slip(pk=stored.pk, dossier=dossier, form=stored.form, agency=stored.agency, year=1999, serial=1, number="forged",
                issued_at=stored.issued_at)  # fmt: skip

    with pytest.raises(IntegrityError), transaction.atomic():
        copy.save()

    assert _snapshot(Slip) == before


def test_the_seeders_bulk_manager_inserts(dossier: Dossier) -> None:
    event = DossierEvent.objects.get(dossier=dossier)

    created = ClockChange.bulk_objects.bulk_create(
        [ClockChange(dossier=dossier, kind=ClockChangeKind.PAUSE, at=event.at, event=event, reason="bulk")]
    )

    assert ClockChange.objects.filter(pk=created[0].pk, reason="bulk").count() == 1


def test_a_dossier_with_records_cannot_be_deleted(dossier: Dossier) -> None:
    counts = [model._default_manager.count() for model in (Dossier, *RECORDS)]

    with pytest.raises(ProtectedError):
        dossier.delete()
    with pytest.raises(ProtectedError):
        Dossier.objects.filter(pk=dossier.pk).delete()

    assert [model._default_manager.count() for model in (Dossier, *RECORDS)] == counts


def test_a_user_who_acted_cannot_be_deleted_as_that_would_rewrite_hashed_rows(officer: User, dossier: Dossier) -> None:
    before = (_snapshot(AuditEvent), _snapshot(DossierEvent))

    with pytest.raises(ProtectedError):
        officer.delete()

    assert (_snapshot(AuditEvent), _snapshot(DossierEvent)) == before
    assert User.objects.filter(pk=officer.pk).exists()


def test_a_clock_change_is_inserted_with_its_event_never_linked_afterwards(officer: User, dossier: Dossier) -> None:
    """RULES.md §1.4 row 3b: the supplement request pauses the clock; the pause is a new row."""
    dossier_act(
        actor=officer,
        code=dossier.code,
        action=DossierAction.REQUEST_SUPPLEMENT,
        data=ActionInput(items=["Bản sao giấy khai sinh"], reason="Thiếu giấy tờ"),
        now=dt.datetime(2026, 3, 3, 10, tzinfo=VN),
    )

    pause = ClockChange.objects.get(dossier=dossier, kind=ClockChangeKind.PAUSE)
    assert pause.event is not None
    assert (pause.event.action, pause.event.seq) == (DossierAction.REQUEST_SUPPLEMENT, 2)
