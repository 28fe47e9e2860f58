"""What dossiers adds to a citizen at the counter and in exports costs a fixed number of
queries, however many dossiers the citizen has (issue 9 item 14: N+1 in identity_hooks)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test.utils import CaptureQueriesContext

from motcua.core.choices import Role
from motcua.dossiers.identity_hooks import dossiers_for_counter, dossiers_for_export
from motcua.dossiers.services import DocumentInput, dossier_receive
from motcua.dossiers.tests.factories import PDF, PERSONAL_ID, commune_agencies, intake, procedure, staff
from motcua.identity.models import Citizen

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer() -> User:
    procedure()
    commune_agencies()
    return staff("officer", Role.RECEPTION_OFFICER)


@pytest.fixture
def citizen() -> Citizen:
    return Citizen.objects.create(
        personal_id=PERSONAL_ID, full_name="Nguyễn Văn An", birth_date=dt.date(1985, 6, 15), sex="male", phone="0912345678"
    )


def _receive(officer: User, count: int, start: int = 0) -> None:
    for n in range(start, start + count):
        documents = [
            DocumentInput(name="Tờ khai", content=PDF, filename="to-khai.pdf"),
            DocumentInput(name="Giấy chứng sinh", content=PDF, filename="chung-sinh.pdf"),
        ]
        dossier_receive(actor=officer, intake=intake(idempotency_key=f"hooks-{n}", documents=documents))


def _queries(call: Callable[[], Any]) -> tuple[int, Any]:
    with CaptureQueriesContext(connection) as captured:
        result = call()
    return len(captured.captured_queries), result


def test_staff_export_queries_do_not_grow_with_the_dossiers(officer: User, citizen: Citizen) -> None:
    _receive(officer, 1)
    one, first = _queries(lambda: dossiers_for_export(citizen=citizen, user=officer))
    _receive(officer, 4, start=1)

    five, second = _queries(lambda: dossiers_for_export(citizen=citizen, user=officer))

    assert len(first["dossiers"]) == 1
    assert len(second["dossiers"]) == 5
    assert second["dossiers"][0]["documents"] == ["Tờ khai", "Giấy chứng sinh"]
    assert five == one


def test_own_export_queries_do_not_grow_with_the_dossiers(officer: User, citizen: Citizen) -> None:
    _receive(officer, 1)
    one, _first = _queries(lambda: dossiers_for_export(citizen=citizen, user=None))
    _receive(officer, 4, start=1)

    five, second = _queries(lambda: dossiers_for_export(citizen=citizen, user=None))

    assert len(second["dossiers"]) == 5
    assert five == one


def test_counter_profile_queries_do_not_grow_with_the_dossiers(officer: User, citizen: Citizen) -> None:
    _receive(officer, 1)
    one, first = _queries(lambda: dossiers_for_counter(user=officer, citizen=citizen, purpose="counter_intake"))
    _receive(officer, 4, start=1)

    five, second = _queries(lambda: dossiers_for_counter(user=officer, citizen=citizen, purpose="counter_intake"))

    assert len(first["dossiers"]) == 1
    assert len(second["dossiers"]) == 5
    assert five == one
