"""The registries API (/api/v1/registries): vessel list with filters, one vessel (audited), its
history, an import's status; anonymous, another commune and a role without the permission are
refused."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.test import Client

from motcua.core.apikeys import apikey_create
from motcua.core.choices import Role
from motcua.core.models import AuditEvent
from motcua.core.tests.factories import staff_user
from motcua.registries.common.jobs import import_run, import_start
from motcua.registries.vessels.tests.factories import administrator, officer, row, vessel, xlsx

pytestmark = pytest.mark.django_db


def _auth(user: object) -> dict[str, str]:
    _row, key = apikey_create(user=user)  # type: ignore[arg-type]
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def test_the_list_filters_and_hides_the_owners_personal_id() -> None:
    vessel(registration_number="CM-00001-TS", max_length_m=Decimal(8), owner_personal_id="096085004217")
    vessel(registration_number="CM-00002-TS", max_length_m=Decimal(16))
    auth = _auth(officer())

    everything = Client().get("/api/v1/registries/vessels", **auth)  # type: ignore[arg-type]
    large = Client().get("/api/v1/registries/vessels?size_class=15to24", **auth)  # type: ignore[arg-type]

    assert everything.status_code == 200 and everything.json()["count"] == 2
    assert "096085004217" not in everything.content.decode()
    assert [v["registration_number"] for v in large.json()["items"]] == ["CM-00002-TS"]


def test_one_vessel_shows_its_needs_and_flags_and_the_read_is_audited() -> None:
    """RULES.md §7.2: a 16 m vessel needs inspection and VMS; no licence is a high-risk flag."""
    boat = vessel(max_length_m=Decimal(16), owner_personal_id="096085004217", licence_number="")
    auth = _auth(officer())

    response = Client().get(f"/api/v1/registries/vessels/{boat.pk}", **auth)  # type: ignore[arg-type]

    body = response.json()
    assert response.status_code == 200 and body["owner_personal_id"] == "096085004217"
    assert body["needs"] == {"registration": True, "inspection": True, "licence": True, "vms": True, "zone": "offshore"}
    assert set(body["flags"]) == {"no_licence", "vms_missing", "no_inspection"}
    assert AuditEvent.objects.unrestricted("test").filter(action="registry.read", object_id=str(boat.pk)).exists()


def test_the_history_lists_every_change() -> None:
    boat = vessel()
    auth = _auth(officer())

    response = Client().get(f"/api/v1/registries/vessels/{boat.pk}/history", **auth)  # type: ignore[arg-type]

    fields = {c["field"] for c in response.json()}
    assert response.status_code == 200 and {"registration_number", "owner_name", "max_length_m"} <= fields


def test_an_import_status_lists_every_row_error() -> None:
    admin = administrator()
    job = import_start(actor=admin, registry="vessels", filename="t.xlsx", content=xlsx([row(1), row(2, registered="x")]))
    import_run(job_id=job.pk)

    response = Client().get(f"/api/v1/registries/imports/{job.pk}", **_auth(admin))  # type: ignore[arg-type]

    assert response.status_code == 200
    assert response.json()["status"] == "refused" and response.json()["errors"][0]["row"] == 3


def test_anonymous_another_commune_and_a_role_without_the_permission_are_refused() -> None:
    boat = vessel()
    other = _auth(officer("khac", code="32214"))
    protector = _auth(staff_user("dpo", Role.DATA_PROTECTION_OFFICER))
    urls = [f"/api/v1/registries/vessels/{boat.pk}", f"/api/v1/registries/vessels/{boat.pk}/history"]

    anonymous = [Client().get(u).status_code for u in [*urls, "/api/v1/registries/vessels"]]
    elsewhere = [Client().get(u, **other).status_code for u in urls]  # type: ignore[arg-type]
    listing = Client().get("/api/v1/registries/vessels", **other)  # type: ignore[arg-type]
    forbidden = [Client().get(u, **protector).status_code for u in [*urls, "/api/v1/registries/vessels"]]  # type: ignore[arg-type]
    officer_import = Client().get("/api/v1/registries/imports/1", **_auth(officer()))  # type: ignore[arg-type]

    assert set(anonymous) == {401} and set(elsewhere) == {404} and listing.json()["count"] == 0
    assert set(forbidden) == {403} and officer_import.status_code == 403


def test_a_bad_filter_or_id_is_a_422_not_a_crash() -> None:
    auth = _auth(officer())

    bad_flag = Client().get("/api/v1/registries/vessels?flag=<script>", **auth)  # type: ignore[arg-type]
    huge = Client().get("/api/v1/registries/vessels/99999999999999", **auth)  # type: ignore[arg-type]

    assert bad_flag.status_code == 422 and huge.status_code == 422


def test_the_seed_command_makes_synthetic_vessels_and_a_running_campaign() -> None:
    from django.core.management import call_command

    officer()
    call_command("seed_registries", "--vessels", "40")

    from motcua.registries.vessels.models import ReviewCampaign, ReviewItem, Vessel

    campaign = ReviewCampaign.objects.unrestricted("test").get()
    assert Vessel.objects.unrestricted("test").count() == 40
    assert "synthetic" in campaign.name and campaign.status == "open"
    assert ReviewItem.objects.unrestricted("test").filter(campaign=campaign, state="done").count() == 13
    assert campaign.starts_on <= date.today() <= campaign.ends_on
