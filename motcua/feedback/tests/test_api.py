"""The petitions API: receipt from another system (idempotent), the book, a petition and its
actions, the published answers; anonymous, another commune and a role without the permission
are refused and nothing changes."""

from __future__ import annotations

import pytest
from django.test import Client

from motcua.core.apikeys import apikey_create
from motcua.core.choices import AgencyKind, Role
from motcua.core.models import AuditEvent
from motcua.dossiers.tests.factories import staff
from motcua.feedback.models import Petition, PetitionEvent
from motcua.feedback.tests.factories import officer, petition

pytestmark = pytest.mark.django_db
BODY = {
    "unit_code": "32218",
    "title": "Thu phí sai quy định",
    "content": "Bộ phận một cửa thu phí chứng thực cao hơn mức niêm yết.",
    "petitioner_name": "Phạm Văn Nam",
    "petitioner_address": "Ấp Tân Lợi, xã Phú Tân",
    "petitioner_phone": "0987654321",
    "idempotency_key": "sys-1",
}


def _auth(user: object) -> dict[str, str]:
    _row, key = apikey_create(user=user)  # type: ignore[arg-type]
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def test_another_system_sends_a_petition_once() -> None:
    auth = _auth(officer())

    first = Client().post("/api/v1/petitions", BODY, content_type="application/json", **auth)  # type: ignore[arg-type]
    again = Client().post("/api/v1/petitions", BODY, content_type="application/json", **auth)  # type: ignore[arg-type]

    assert first.status_code == 201 and again.status_code == 200
    assert first.json()["code"] == again.json()["code"] and first.json()["channel"] == "api"
    assert first.json()["actions"] == ["classify", "refuse", "merge"]
    assert Petition.objects.unrestricted("test").count() == 1


def test_the_book_lists_without_personal_data_and_a_petition_shows_it_audited() -> None:
    item = petition()
    auth = _auth(officer())

    listing = Client().get("/api/v1/petitions?view=open", **auth)  # type: ignore[arg-type]
    detail = Client().get(f"/api/v1/petitions/{item.code}", **auth)  # type: ignore[arg-type]

    assert [row["code"] for row in listing.json()["items"]] == [item.code]
    assert "Lê Thị Hoa" not in listing.content.decode()
    assert detail.json()["petitioner_name"] == "Lê Thị Hoa"
    assert AuditEvent.objects.filter(action="petition.read.api", object_id=item.code).count() == 1


def test_an_action_through_the_api_and_its_error_body() -> None:
    item = petition()
    auth = _auth(officer())

    done = Client().post(
        f"/api/v1/petitions/{item.code}/actions/classify",
        {"classification": "within", "category": "obstacle", "report_class": "conduct"},
        content_type="application/json",
        **auth,  # type: ignore[arg-type]
    )
    refused = Client().post(f"/api/v1/petitions/{item.code}/actions/publish", {}, content_type="application/json", **auth)  # type: ignore[arg-type]

    assert done.status_code == 200 and done.json()["status"] == "classified"
    assert refused.status_code == 409 and refused.json()["code"] == "petition_action_not_allowed"


def test_anonymous_another_commune_and_no_permission_are_refused_and_nothing_changes() -> None:
    item = petition()
    stranger = _auth(staff("khac", Role.LEADER, code="32212", kind=AgencyKind.PEOPLES_COMMITTEE))
    no_perm = _auth(staff("dl", Role.DATA_OFFICER))
    events = PetitionEvent.objects.count()
    act = f"/api/v1/petitions/{item.code}/actions/refuse"

    assert Client().get("/api/v1/petitions").status_code == 401
    assert Client().post(act, {"reason": "x"}, content_type="application/json").status_code == 401
    assert Client().get(f"/api/v1/petitions/{item.code}", **stranger).status_code == 404  # type: ignore[arg-type]
    assert Client().post(act, {"reason": "x"}, content_type="application/json", **stranger).status_code == 404  # type: ignore[arg-type]
    assert Client().get("/api/v1/petitions", **no_perm).status_code == 403  # type: ignore[arg-type]
    assert Client().post(act, {"reason": "x"}, content_type="application/json", **no_perm).status_code == 403  # type: ignore[arg-type]
    assert PetitionEvent.objects.count() == events


def test_published_answers_are_public_without_personal_data() -> None:
    petition()

    response = Client().get("/api/v1/petitions/published?unit_code=32218")

    assert response.status_code == 200 and response.json() == []  # nothing answered yet
