"""The dossiers part of a citizen's data export (issue 9, item 1): a staff export lists only the
dossiers in the user's scope (``Dossier.objects.restrict(user, "view")``); the citizen's own export, after
the one-time code, lists all of theirs, wherever they were filed."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from motcua.core.choices import AgencyKind, Role
from motcua.core.models import AuditEvent
from motcua.core.notifications import MemoryBackend
from motcua.dossiers.models import Dossier
from motcua.dossiers.services import dossier_receive
from motcua.dossiers.tests.factories import PERSONAL_ID, commune_agencies, intake, procedure, staff
from motcua.identity import selectors
from motcua.identity.links import citizen_link
from motcua.identity.models import Citizen, DataAccess

pytestmark = pytest.mark.django_db

COMMUNES = ("32218", "32212", "32214")  # Phú Tân, Cái Đôi Vàm, Phú Mỹ


@pytest.fixture
def citizen() -> Citizen:
    return Citizen.objects.create(
        personal_id=PERSONAL_ID, full_name="Nguyễn Văn An", birth_date=dt.date(1985, 6, 15), sex="male", phone="0912345678"
    )


@pytest.fixture
def codes() -> dict[str, str]:
    """One dossier of the same applicant received in each of three communes."""
    procedure()
    received = {}
    for n, code in enumerate(COMMUNES):
        commune_agencies(code)
        officer = staff(f"officer{n}", Role.RECEPTION_OFFICER, code=code)
        received[code] = dossier_receive(actor=officer, intake=intake(idempotency_key=f"scope-{n}")).dossier.code
    return received


def _codes(export: dict[str, Any]) -> list[str]:
    return sorted(d["code"] for d in export["other"]["dossiers"]["dossiers"])


def test_a_leaders_export_lists_only_the_dossiers_of_their_commune(citizen: Citizen, codes: dict[str, str]) -> None:
    """Issue 9 probe: a Phú Mỹ leader's export of a citizen listed the dossiers of three communes."""
    leader = staff("leader", Role.LEADER, code="32214", kind=AgencyKind.PEOPLES_COMMITTEE)

    export = selectors.citizen_export(user=leader, citizen=citizen)

    assert Dossier.objects.count() == 3
    assert _codes(export) == [codes["32214"]]


def test_the_export_page_of_a_leader_is_scoped_the_same_way(client: Client, citizen: Citizen, codes: dict[str, str]) -> None:
    leader = staff("leader", Role.LEADER, code="32214", kind=AgencyKind.PEOPLES_COMMITTEE)
    client.force_login(leader)

    body = client.get(reverse("identity:citizen_export", args=[citizen_link(user=leader, citizen=citizen)])).json()

    assert _codes(body) == [codes["32214"]]


def test_the_citizens_own_export_after_the_code_lists_every_dossier(
    client: Client, citizen: Citizen, codes: dict[str, str], django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("identity:my_access_log"), {"step": "request", "personal_id": PERSONAL_ID, "channel": "sms"})
    code = MemoryBackend.outbox[-1].body.split(": ")[1][:6]
    client.post(reverse("identity:my_access_log"), {"step": "verify", "personal_id": PERSONAL_ID, "code": code})

    response = client.get(reverse("identity:my_access_export"))

    assert response["Content-Disposition"] == 'attachment; filename="my-data.json"'
    assert _codes(response.json()) == sorted(codes.values())
    assert AuditEvent.objects.filter(action="identity.self_export", object_id=str(citizen.pk)).count() == 1


def test_the_own_export_without_the_code_shows_nothing(client: Client, citizen: Citizen, codes: dict[str, str]) -> None:
    response = client.get(reverse("identity:my_access_export"))

    assert (response.status_code, response["Location"]) == (302, reverse("identity:my_access_log"))
    assert AuditEvent.objects.filter(action="identity.self_export").count() == 0


def test_the_intake_prefill_takes_only_the_officers_own_link(client: Client, citizen: Citizen) -> None:
    """Issue 9, item 1: ``?citizen=`` carries the opaque link, never a database id, and a link
    made for another officer pre-fills nothing (and reads nothing)."""
    procedure()
    commune_agencies()
    officer = staff("officer", Role.RECEPTION_OFFICER)
    colleague = staff("colleague", Role.RECEPTION_OFFICER)
    client.force_login(officer)

    by_id = client.get(f"/ho-so/tiep-nhan/?citizen={citizen.pk}").content.decode()
    by_foreign_link = client.get(f"/ho-so/tiep-nhan/?citizen={citizen_link(user=colleague, citizen=citizen)}").content.decode()
    by_own_link = client.get(f"/ho-so/tiep-nhan/?citizen={citizen_link(user=officer, citizen=citizen)}").content.decode()

    assert 'value="Nguyễn Văn An"' not in by_id and 'value="Nguyễn Văn An"' not in by_foreign_link
    assert 'value="Nguyễn Văn An"' in by_own_link
    assert DataAccess.objects.filter(citizen=citizen).count() == 1
