"""Permission matrix over every identity page and API endpoint: anonymous, a role without the
permission, the right role; another unit where unit matters. Denials change nothing and log
the attempt."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from motcua.core.choices import Role
from motcua.core.models import AuditEvent
from motcua.core.tests.factories import staff_user
from motcua.identity.choices import AccessAction, ConsentPurpose
from motcua.identity.models import Citizen, Consent, DataAccess
from motcua.identity.tests.factories import CitizenFactory, card_payload, consent_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def citizen() -> Citizen:
    return CitizenFactory()


# (url name, needs citizen pk, method, role allowed, role refused)
STAFF_PAGES = [
    ("counter", False, "get", Role.RECEPTION_OFFICER, Role.DATA_OFFICER),
    ("face_identify", False, "get", Role.RECEPTION_OFFICER, Role.LEADER),
    ("citizen", True, "get", Role.SPECIALIST, Role.DATA_OFFICER),
    ("face_enrol", True, "get", Role.RECEPTION_OFFICER, Role.LEADER),
    ("face_verify", True, "get", Role.RECEPTION_OFFICER, Role.SPECIALIST),
    ("citizen_export", True, "get", Role.LEADER, Role.RECEPTION_OFFICER),
    ("citizen_erase", True, "get", Role.LEADER, Role.RECEPTION_OFFICER),
    ("citizen_merge", False, "get", Role.LEADER, Role.RECEPTION_OFFICER),
    ("access_oversight", False, "get", Role.LEADER, Role.RECEPTION_OFFICER),
    ("counter_register", False, "post", Role.RECEPTION_OFFICER, Role.SPECIALIST),
    ("counter_lookup", False, "post", Role.SPECIALIST, Role.DATA_OFFICER),
    ("consent_give", True, "post", Role.RECEPTION_OFFICER, Role.SPECIALIST),
    ("consent_withdraw", True, "post", Role.RECEPTION_OFFICER, Role.SPECIALIST),
    ("contacts_update", True, "post", Role.RECEPTION_OFFICER, Role.SPECIALIST),
]


def _url(name: str, needs_pk: bool, citizen: Citizen) -> str:
    return reverse(f"identity:{name}", args=[citizen.pk] if needs_pk else [])


@pytest.mark.parametrize(("name", "needs_pk", "method", "allowed", "refused"), STAFF_PAGES)
def test_staff_pages_send_anonymous_to_login(
    client: Client, citizen: Citizen, name: str, needs_pk: bool, method: str, allowed: Role, refused: Role
) -> None:
    response = getattr(client, method)(_url(name, needs_pk, citizen))

    assert response.status_code == 302
    assert response["Location"].startswith("/dang-nhap/?next=")


@pytest.mark.parametrize(("name", "needs_pk", "method", "allowed", "refused"), STAFF_PAGES)
def test_staff_pages_refuse_a_role_without_the_permission(
    client: Client, citizen: Citizen, name: str, needs_pk: bool, method: str, allowed: Role, refused: Role
) -> None:
    user = staff_user("refused", refused)
    client.force_login(user)
    before = (Citizen.objects.count(), Consent.objects.count(), DataAccess.objects.count())

    response = getattr(client, method)(_url(name, needs_pk, citizen), {"consent_purpose": "face_identification", "evidence": "x"})

    assert response.status_code == 403
    assert (Citizen.objects.count(), Consent.objects.count(), DataAccess.objects.count()) == before
    assert AuditEvent.objects.filter(action="identity.denied", actor=user).count() == 1


@pytest.mark.parametrize(("name", "needs_pk", "method", "allowed", "refused"), [p for p in STAFF_PAGES if p[2] == "get"])
def test_staff_pages_open_to_the_right_role(
    client: Client, citizen: Citizen, name: str, needs_pk: bool, method: str, allowed: Role, refused: Role
) -> None:
    client.force_login(staff_user("allowed", allowed))

    response = client.get(_url(name, needs_pk, citizen), {"purpose": "counter_intake"})

    assert response.status_code == 200


def test_citizen_page_without_a_purpose_asks_for_one_and_logs_nothing(client: Client, citizen: Citizen) -> None:
    client.force_login(staff_user("officer", Role.RECEPTION_OFFICER))

    html = client.get(reverse("identity:citizen", args=[citizen.pk])).content.decode()

    assert citizen.full_name not in html
    assert DataAccess.objects.count() == 0


def test_citizen_page_with_a_purpose_is_a_logged_read(client: Client, citizen: Citizen) -> None:
    officer = staff_user("officer", Role.RECEPTION_OFFICER)
    client.force_login(officer)

    html = client.get(
        reverse("identity:citizen", args=[citizen.pk]), {"purpose": "counter_intake", "dossier": "H7"}
    ).content.decode()

    assert citizen.full_name in html
    assert list(DataAccess.objects.values_list("actor__username", "action", "dossier_ref")) == [
        ("officer", AccessAction.READ, "H7")
    ]


def test_oversight_shows_only_accesses_from_the_leaders_units(client: Client, citizen: Citizen) -> None:
    here = staff_user("here", Role.RECEPTION_OFFICER, unit_code="32218")
    there = staff_user("there", Role.RECEPTION_OFFICER, unit_code="32212")
    client.force_login(here)
    client.get(reverse("identity:citizen", args=[citizen.pk]), {"purpose": "counter_intake", "dossier": "HERE-1"})
    client.force_login(there)
    client.get(reverse("identity:citizen", args=[citizen.pk]), {"purpose": "counter_intake", "dossier": "THERE-1"})
    client.force_login(staff_user("leader", Role.LEADER, unit_code="32218"))

    html = client.get(reverse("identity:access_oversight")).content.decode()

    assert "HERE-1" in html and "THERE-1" not in html


def test_oversight_list_has_a_query_budget(client: Client, citizen: Citizen, django_assert_max_num_queries: Any) -> None:
    officer = staff_user("officer", Role.RECEPTION_OFFICER)
    client.force_login(officer)
    for n in range(30):
        client.get(reverse("identity:citizen", args=[citizen.pk]), {"purpose": "counter_intake", "dossier": f"H{n}"})
    client.force_login(staff_user("leader", Role.LEADER))

    with django_assert_max_num_queries(12):
        response = client.get(reverse("identity:access_oversight"))

    assert response.content.decode().count("counter_intake") == 0
    assert response.content.decode().count("<tr><td>") == 30


def test_counter_register_by_the_right_role_creates_the_citizen(client: Client) -> None:
    client.force_login(staff_user("officer", Role.RECEPTION_OFFICER))

    response = client.post(
        reverse("identity:counter_register"), {"qr_text": card_payload(), "purpose": "counter_intake", "phone": "0912000111"}
    )

    citizen = Citizen.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/cong-dan/ho-so/{citizen.pk}/?purpose=counter_intake"
    assert citizen.phone == "0912000111"


def test_consent_forms_by_the_right_role(client: Client, citizen: Citizen) -> None:
    client.force_login(staff_user("officer", Role.RECEPTION_OFFICER))

    client.post(
        reverse("identity:consent_give", args=[citizen.pk]), {"consent_purpose": "face_identification", "evidence": "Phiếu 3"}
    )
    assert Consent.objects.filter(withdrawn_at__isnull=True).count() == 1
    client.post(reverse("identity:consent_withdraw", args=[citizen.pk]), {"consent_purpose": "face_identification"})

    assert Consent.objects.filter(withdrawn_at__isnull=True).count() == 0


def test_export_downloads_everything_as_json(client: Client, citizen: Citizen) -> None:
    consent_for(citizen, ConsentPurpose.FACE_VERIFICATION)
    client.force_login(staff_user("leader", Role.LEADER))

    response = client.get(reverse("identity:citizen_export", args=[citizen.pk]))

    body = response.json()
    assert response["Content-Disposition"] == f'attachment; filename="citizen-{citizen.pk}.json"'
    assert (body["format"], body["citizen"]["personal_id"], len(body["consents"])) == (
        "motcua.identity.export/1",
        citizen.personal_id,
        1,
    )
    assert [a["action"] for a in body["accesses"]] == ["export"]


def test_erase_needs_the_personal_id_typed_again(client: Client, citizen: Citizen) -> None:
    client.force_login(staff_user("leader", Role.LEADER))

    wrong = client.post(
        reverse("identity:citizen_erase", args=[citizen.pk]), {"reason": "Đơn số 1", "confirm_id": "000000000000"}
    )
    assert (wrong.status_code, Citizen.objects.count()) == (400, 1)
    right = client.post(
        reverse("identity:citizen_erase", args=[citizen.pk]), {"reason": "Đơn số 1", "confirm_id": citizen.personal_id}
    )

    assert (right.status_code, Citizen.objects.count()) == (302, 0)


def test_merge_page_merges_two_records(client: Client) -> None:
    keep, dup = CitizenFactory(), CitizenFactory()
    client.force_login(staff_user("leader", Role.LEADER))

    response = client.post(
        reverse("identity:citizen_merge"), {"survivor_id": keep.personal_id, "duplicate_id": dup.personal_id, "reason": "Trùng"}
    )

    assert response.status_code == 302
    assert list(Citizen.objects.values_list("pk", flat=True)) == [keep.pk]


# --- API -------------------------------------------------------------------------------------------------

API = "/api/v1/identity"


def _api_calls(citizen: Citizen) -> list[tuple[str, str, dict[str, Any], Role, Role]]:
    return [
        ("post", f"{API}/qr/parse", {"text": card_payload()}, Role.SPECIALIST, Role.DATA_OFFICER),
        (
            "post",
            f"{API}/citizens/lookup",
            {"personal_id": citizen.personal_id, "purpose": "counter_intake"},
            Role.SPECIALIST,
            Role.DATA_OFFICER,
        ),
        ("get", f"{API}/citizens/{citizen.pk}/export", {}, Role.LEADER, Role.RECEPTION_OFFICER),
        (
            "post",
            f"{API}/citizens/{citizen.pk}/consents",
            {"consent_purpose": "face_identification", "evidence": "P1"},
            Role.RECEPTION_OFFICER,
            Role.SPECIALIST,
        ),
        ("delete", f"{API}/citizens/{citizen.pk}/consents/face_identification", {}, Role.RECEPTION_OFFICER, Role.SPECIALIST),
    ]


@pytest.mark.parametrize("index", range(5))
def test_api_refuses_anonymous(client: Client, citizen: Citizen, index: int) -> None:
    method, url, body, _allowed, _refused = _api_calls(citizen)[index]

    response = getattr(client, method)(url, body, content_type="application/json")

    assert (response.status_code, response.json()["code"]) == (401, "not_authenticated")


@pytest.mark.parametrize("index", range(5))
def test_api_refuses_a_role_without_the_permission(client: Client, citizen: Citizen, index: int) -> None:
    method, url, body, _allowed, refused = _api_calls(citizen)[index]
    client.force_login(staff_user("refused", refused))

    response = getattr(client, method)(url, body, content_type="application/json")

    assert (response.status_code, response.json()["code"]) == (403, "forbidden")
    assert (Consent.objects.count(), DataAccess.objects.count()) == (0, 0)


@pytest.mark.parametrize("index", range(4))
def test_api_serves_the_right_role(client: Client, citizen: Citizen, index: int) -> None:
    method, url, body, allowed, _refused = _api_calls(citizen)[index]
    client.force_login(staff_user("allowed", allowed))

    response = getattr(client, method)(url, body, content_type="application/json")

    assert response.status_code == 200


@pytest.mark.parametrize(
    ("url", "files", "allowed", "refused"),
    [
        ("/qr/decode", {}, Role.SPECIALIST, Role.DATA_OFFICER),
        ("/face/identify", {"purpose": "counter_intake"}, Role.RECEPTION_OFFICER, Role.LEADER),
        ("/citizens/{pk}/face", {}, Role.RECEPTION_OFFICER, Role.LEADER),
        ("/citizens/{pk}/face/verify", {"purpose": "counter_intake"}, Role.RECEPTION_OFFICER, Role.SPECIALIST),
    ],
)
def test_api_upload_endpoints_follow_the_matrix(
    client: Client, citizen: Citizen, url: str, files: dict[str, str], allowed: Role, refused: Role
) -> None:
    from motcua.identity.tests.qr_synth import synthetic_photo

    path = API + url.format(pk=citizen.pk)
    assert client.post(path, {**files, "image": _upload(synthetic_photo())}).status_code == 401
    client.force_login(staff_user("refused", refused))
    assert client.post(path, {**files, "image": _upload(synthetic_photo())}).status_code == 403
    client.force_login(staff_user("allowed", allowed))

    response = client.post(path, {**files, "image": _upload(synthetic_photo())})

    assert response.status_code != 403


def _upload(data: bytes) -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("photo.jpg", data, content_type="image/jpeg")


def test_api_lookup_returns_the_counter_profile(client: Client) -> None:
    citizen = CitizenFactory(personal_id="096302731506", full_name="Lê Thị Hoa")
    client.force_login(staff_user("officer", Role.RECEPTION_OFFICER))

    body = client.post(
        f"{API}/citizens/lookup", {"personal_id": "096302731506", "purpose": "counter_intake"}, content_type="application/json"
    ).json()

    assert (body["citizen_id"], body["full_name"], body["extras"]) == (citizen.pk, "Lê Thị Hoa", {})


def test_api_qr_parse_error_is_a_json_body(client: Client) -> None:
    client.force_login(staff_user("officer", Role.RECEPTION_OFFICER))

    response = client.post(f"{API}/qr/parse", {"text": "abc"}, content_type="application/json")

    assert (response.status_code, response.json()["code"]) == (422, "qr_layout")
