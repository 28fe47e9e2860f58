"""Authorisation matrix over every identity page and API endpoint (issue 9, item 1), mirroring the
dossier matrix (dossiers/tests/test_pages.py): anonymous → login (pages) or 401 (API); another
commune → 404, the same answer as a missing record; a role without the permission → 403;
the right role → 200. Denials change nothing and are audited (``identity.denied``).

Citizen URLs carry an opaque link bound to the officer who looked the citizen up
(``identity.links``), never the database id. Reads are national by purpose (docs/identity.md:
a commune must recognise a resident of another commune), so another commune's officer reaches a
record only through their own look-up, and then may read it but not change what the holding
unit holds: contacts, the consent it recorded (and so its face templates), the erasure.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import numpy as np
import pytest
import time_machine
from django.conf import settings
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from motcua.core.choices import Role
from motcua.core.models import AuditEvent
from motcua.core.tests.factories import current_unit, staff_user
from motcua.identity.choices import AccessAction, ConsentPurpose, FaceSource
from motcua.identity.crypto import template_encrypt, template_key_id
from motcua.identity.links import citizen_from_link
from motcua.identity.models import Address, Citizen, Consent, DataAccess, FaceTemplate
from motcua.identity.tests.factories import CitizenFactory, card_payload, consent_for, link_for

pytestmark = pytest.mark.django_db

HOLDER = "32218"  # Phú Tân: where the citizen was registered and the consent recorded
OTHER = "32212"  # Cái Đôi Vàm


@pytest.fixture
def citizen() -> Citizen:
    """A Phú Tân citizen with an identification consent and one face template recorded there."""
    citizen = CitizenFactory.create(phone="0912345678")
    consent = consent_for(citizen, ConsentPurpose.FACE_IDENTIFICATION, unit_code=HOLDER)
    blob = template_encrypt(np.full(128, 0.05, dtype="<f4"), citizen_id=citizen.pk, model="dlib_resnet_v1")
    FaceTemplate.objects.create(
        citizen=citizen,
        consent=consent,
        unit=current_unit(HOLDER),
        source=FaceSource.WEBCAM,
        ciphertext=blob,
        key_id=template_key_id(blob),
        model_name="dlib_resnet_v1",
        model_version="1",
        created_at=timezone.now(),
    )
    return citizen


def _state() -> tuple[Any, ...]:
    """Everything a denied request must leave as it was."""
    return (
        list(Citizen.objects.order_by("pk").values_list("pk", "phone", "email", "full_name")),
        list(Consent.objects.order_by("pk").values_list("pk", "withdrawn_at")),
        list(FaceTemplate.objects.order_by("pk").values_list("pk", flat=True)),
        Address.objects.count(),
        DataAccess.objects.count(),
    )


def _denials(user: User) -> list[dict[str, Any]]:
    return list(AuditEvent.objects.filter(action="identity.denied", actor=user).values_list("data", flat=True))


# url name, kind, method, role allowed, role refused. Kind: None (no citizen in the URL), "read"
# (national by purpose), "held" (only the holding unit: another commune gets 404 with its own link).
PAGES: list[tuple[str, str | None, str, Role, Role]] = [
    ("counter", None, "get", Role.RECEPTION_OFFICER, Role.DATA_OFFICER),
    ("face_identify", None, "get", Role.RECEPTION_OFFICER, Role.LEADER),
    ("citizen_merge", None, "get", Role.LEADER, Role.RECEPTION_OFFICER),
    ("access_oversight", None, "get", Role.LEADER, Role.RECEPTION_OFFICER),
    ("counter_register", None, "post", Role.RECEPTION_OFFICER, Role.SPECIALIST),
    ("counter_lookup", None, "post", Role.SPECIALIST, Role.DATA_OFFICER),
    ("citizen", "read", "get", Role.SPECIALIST, Role.DATA_OFFICER),
    ("face_enrol", "read", "get", Role.RECEPTION_OFFICER, Role.LEADER),
    ("face_verify", "read", "get", Role.RECEPTION_OFFICER, Role.SPECIALIST),
    ("citizen_export", "read", "get", Role.LEADER, Role.RECEPTION_OFFICER),
    ("consent_give", "read", "post", Role.RECEPTION_OFFICER, Role.SPECIALIST),
    ("citizen_erase", "held", "get", Role.DATA_PROTECTION_OFFICER, Role.LEADER),
    ("consent_withdraw", "held", "post", Role.RECEPTION_OFFICER, Role.SPECIALIST),
    ("contacts_update", "held", "post", Role.RECEPTION_OFFICER, Role.SPECIALIST),
]
CITIZEN_PAGES = [p for p in PAGES if p[1] is not None]
HELD_PAGES = [p for p in PAGES if p[1] == "held"]


def _url(name: str, kind: str | None, link: str) -> str:
    return reverse(f"identity:{name}", args=[link] if kind else [])


def _card(citizen: Citizen) -> str:
    return card_payload(personal_id=citizen.personal_id, name="TRẦN THỊ MAI", birth="08031990", sex="Nữ")


def _form(citizen: Citizen) -> dict[str, str]:
    """One body that every POST page accepts (each reads the fields it needs)."""
    return {
        "consent_purpose": ConsentPurpose.FACE_IDENTIFICATION.value,
        "evidence": "Phiếu 9",
        "purpose": "data_correction",
        "phone": "0999000111",
        "email": "khac@example.vn",
        "reason": "Đơn yêu cầu",
        "confirm_id": citizen.personal_id,
        "qr_text": _card(citizen),
        "personal_id": citizen.personal_id,
    }


@pytest.mark.parametrize(("name", "kind", "method", "allowed", "refused"), PAGES)
def test_pages_send_anonymous_to_login_and_change_nothing(
    client: Client, citizen: Citizen, name: str, kind: str | None, method: str, allowed: Role, refused: Role
) -> None:
    link = link_for(staff_user("holder", allowed), citizen)
    before = _state()

    response = getattr(client, method)(_url(name, kind, link), _form(citizen))

    assert response.status_code == 302
    assert response["Location"].startswith("/dang-nhap/?next=")
    assert _state() == before


@pytest.mark.parametrize(("name", "kind", "method", "allowed", "refused"), PAGES)
def test_pages_refuse_a_role_without_the_permission_audited_and_change_nothing(
    client: Client, citizen: Citizen, name: str, kind: str | None, method: str, allowed: Role, refused: Role
) -> None:
    user = staff_user("refused", refused)
    client.force_login(user)
    before = _state()

    response = getattr(client, method)(_url(name, kind, link_for(user, citizen)), _form(citizen))

    assert response.status_code == 403
    assert _state() == before
    assert len(_denials(user)) == 1


@pytest.mark.parametrize(("name", "kind", "method", "allowed", "refused"), [p for p in PAGES if p[2] == "get"])
def test_pages_open_to_the_right_role(
    client: Client, citizen: Citizen, name: str, kind: str | None, method: str, allowed: Role, refused: Role
) -> None:
    user = staff_user("allowed", allowed)
    client.force_login(user)

    response = client.get(_url(name, kind, link_for(user, citizen)), {"purpose": "counter_intake"})

    assert response.status_code == 200


@pytest.mark.parametrize(("name", "kind", "method", "allowed", "refused"), CITIZEN_PAGES)
def test_another_communes_officer_with_a_link_not_theirs_gets_404_audited_and_nothing_changes(
    client: Client, citizen: Citizen, name: str, kind: str | None, method: str, allowed: Role, refused: Role
) -> None:
    holders_link = link_for(staff_user("holder", allowed), citizen)
    other = staff_user("other", allowed, unit_code=OTHER)
    client.force_login(other)
    before = _state()

    response = getattr(client, method)(_url(name, kind, holders_link), {**_form(citizen), "purpose": "counter_intake"})

    assert response.status_code == 404
    assert _state() == before
    assert _denials(other) == [{"attempt": "citizen_link", "reason": "link_of_another_user"}]


@pytest.mark.parametrize(("name", "kind", "method", "allowed", "refused"), HELD_PAGES)
def test_another_commune_cannot_change_what_the_holding_unit_holds_even_with_its_own_link(
    client: Client, citizen: Citizen, name: str, kind: str | None, method: str, allowed: Role, refused: Role
) -> None:
    """Issue 9 probe: a Cái Đôi Vàm officer could delete a Phú Tân face template and replace a
    citizen's phone. Now: 404 as for a missing record, audited, nothing changed."""
    other = staff_user("other", allowed, unit_code=OTHER)
    client.force_login(other)
    before = _state()

    response = getattr(client, method)(_url(name, kind, link_for(other, citizen)), _form(citizen))

    assert response.status_code == 404
    assert _state() == before
    assert [d["reason"] for d in _denials(other)] == ["not_holding_unit"]


def test_another_communes_officer_may_still_read_the_record_through_their_own_look_up(client: Client, citizen: Citizen) -> None:
    """Reads stay national by purpose (a resident of another commune at the counter)."""
    other = staff_user("other", Role.RECEPTION_OFFICER, unit_code=OTHER)
    client.force_login(other)

    lookup = client.post(
        reverse("identity:counter_lookup"),
        {"lookup-personal_id": citizen.personal_id, "lookup-purpose": "intake_any_place", "lookup-dossier_ref": ""},
    )
    page = client.get(lookup["Location"])

    html = page.content.decode()
    assert (lookup.status_code, page.status_code) == (302, 200)
    assert citizen.full_name in html
    assert "/lien-he/" not in html  # no contacts form
    assert "rut-dong-y" not in html  # no withdraw button for Phú Tân's consent


def test_a_database_id_in_the_url_no_longer_resolves(client: Client, citizen: Citizen) -> None:
    client.force_login(staff_user("officer", Role.RECEPTION_OFFICER))

    page = client.get(f"/cong-dan/ho-so/{citizen.pk}/", {"purpose": "counter_intake"})
    api = client.get(f"/api/v1/identity/citizens/{citizen.pk}/export")

    assert (page.status_code, api.status_code) == (404, 404)
    assert DataAccess.objects.count() == 0


def test_a_link_expires_with_the_staff_session(client: Client, citizen: Citizen) -> None:
    officer = staff_user("officer", Role.RECEPTION_OFFICER)
    link = link_for(officer, citizen)

    with time_machine.travel(timezone.now() + timedelta(seconds=settings.SESSION_COOKIE_AGE + 1)):
        client.force_login(officer)
        response = client.get(reverse("identity:citizen", args=[link]), {"purpose": "counter_intake"})

    assert response.status_code == 404
    assert DataAccess.objects.count() == 0


def test_a_link_is_opaque(citizen: Citizen) -> None:
    link = link_for(staff_user("officer", Role.RECEPTION_OFFICER), citizen)

    assert link.split(".")[0] == citizen.ref
    assert re.fullmatch(r"[A-Za-z0-9_-]{22}", citizen.ref)  # 16 random bytes, URL-safe base64: 128 bits
    assert CitizenFactory.create().ref != citizen.ref


def test_lookup_leads_to_the_link_url_with_the_purpose(client: Client, citizen: Citizen) -> None:
    officer = staff_user("officer", Role.SPECIALIST)
    client.force_login(officer)

    response = client.post(
        reverse("identity:counter_lookup"),
        {"lookup-personal_id": citizen.personal_id, "lookup-purpose": "dossier_processing", "lookup-dossier_ref": "H9"},
    )

    path, query = response["Location"].split("?")
    assert response.status_code == 302
    assert query == "purpose=dossier_processing&dossier=H9"
    assert path.startswith(f"/cong-dan/ho-so/{citizen.ref}.")


# --- Flows of the right role ------------------------------------------------------------------------------


def test_citizen_page_without_a_purpose_asks_for_one_and_logs_nothing(client: Client, citizen: Citizen) -> None:
    officer = staff_user("officer", Role.RECEPTION_OFFICER)
    client.force_login(officer)

    html = client.get(reverse("identity:citizen", args=[link_for(officer, citizen)])).content.decode()

    assert citizen.full_name not in html
    assert DataAccess.objects.count() == 0


def test_citizen_page_with_a_purpose_is_a_logged_read(client: Client, citizen: Citizen) -> None:
    officer = staff_user("officer", Role.RECEPTION_OFFICER)
    client.force_login(officer)

    html = client.get(
        reverse("identity:citizen", args=[link_for(officer, citizen)]), {"purpose": "counter_intake", "dossier": "H7"}
    ).content.decode()

    assert citizen.full_name in html
    assert list(DataAccess.objects.values_list("actor__username", "action", "dossier_ref")) == [
        ("officer", AccessAction.READ, "H7")
    ]


def test_oversight_shows_only_accesses_from_the_leaders_units(client: Client, citizen: Citizen) -> None:
    here = staff_user("here", Role.RECEPTION_OFFICER, unit_code="32218")
    there = staff_user("there", Role.RECEPTION_OFFICER, unit_code="32212")
    client.force_login(here)
    client.get(reverse("identity:citizen", args=[link_for(here, citizen)]), {"purpose": "counter_intake", "dossier": "HERE-1"})
    client.force_login(there)
    client.get(reverse("identity:citizen", args=[link_for(there, citizen)]), {"purpose": "counter_intake", "dossier": "THERE-1"})
    client.force_login(staff_user("leader", Role.LEADER, unit_code="32218"))

    html = client.get(reverse("identity:access_oversight")).content.decode()

    assert "HERE-1" in html and "THERE-1" not in html


def test_oversight_list_has_a_query_budget(client: Client, citizen: Citizen, django_assert_max_num_queries: Any) -> None:
    officer = staff_user("officer", Role.RECEPTION_OFFICER)
    client.force_login(officer)
    url = reverse("identity:citizen", args=[link_for(officer, citizen)])
    for n in range(30):
        client.get(url, {"purpose": "counter_intake", "dossier": f"H{n}"})
    client.force_login(staff_user("leader", Role.LEADER))

    with django_assert_max_num_queries(12):
        response = client.get(reverse("identity:access_oversight"))

    assert response.content.decode().count("counter_intake") == 0
    assert response.content.decode().count("<tr><td>") == 30


def test_counter_register_creates_the_citizen_held_by_the_officers_unit(client: Client) -> None:
    client.force_login(staff_user("officer", Role.RECEPTION_OFFICER))

    response = client.post(
        reverse("identity:counter_register"), {"qr_text": card_payload(), "purpose": "counter_intake", "phone": "0912000111"}
    )

    citizen = Citizen.objects.get()
    assert response.status_code == 302
    assert response["Location"].startswith(f"/cong-dan/ho-so/{citizen.ref}.")
    assert response["Location"].endswith("/?purpose=counter_intake")
    assert (citizen.phone, citizen.unit.code if citizen.unit else None) == ("0912000111", HOLDER)


def test_counter_register_by_another_commune_cannot_replace_the_phone(client: Client, citizen: Citizen) -> None:
    """Issue 9 probe: the card scan form was a second way to replace a citizen's phone."""
    other = staff_user("other", Role.RECEPTION_OFFICER, unit_code=OTHER)
    client.force_login(other)
    before = _state()

    response = client.post(
        reverse("identity:counter_register"),
        {"qr_text": _card(citizen), "purpose": "counter_intake", "phone": "0999000111"},
    )

    assert (response.status_code, "not_holding_unit" in response.content.decode()) == (403, True)
    assert _state() == before
    assert [d["reason"] for d in _denials(other)] == ["not_holding_unit"]


def test_consent_forms_by_the_holding_unit(client: Client) -> None:
    citizen = CitizenFactory.create()
    officer = staff_user("officer", Role.RECEPTION_OFFICER)
    client.force_login(officer)
    link = link_for(officer, citizen)

    client.post(reverse("identity:consent_give", args=[link]), {"consent_purpose": "face_identification", "evidence": "Phiếu 3"})
    assert Consent.objects.filter(withdrawn_at__isnull=True).count() == 1
    client.post(reverse("identity:consent_withdraw", args=[link]), {"consent_purpose": "face_identification"})

    assert Consent.objects.filter(withdrawn_at__isnull=True).count() == 0


def test_contacts_change_by_the_holding_unit(client: Client, citizen: Citizen) -> None:
    officer = staff_user("officer", Role.RECEPTION_OFFICER)
    client.force_login(officer)

    response = client.post(
        reverse("identity:contacts_update", args=[link_for(officer, citizen)]),
        {"phone": "0988777666", "email": "moi@example.vn", "purpose": "data_correction"},
    )

    citizen.refresh_from_db()
    assert response.status_code == 302
    assert (citizen.phone, citizen.email) == ("0988777666", "moi@example.vn")


def test_export_downloads_everything_as_json(client: Client, citizen: Citizen) -> None:
    leader = staff_user("leader", Role.LEADER)
    client.force_login(leader)

    response = client.get(reverse("identity:citizen_export", args=[link_for(leader, citizen)]))

    body = response.json()
    assert response["Content-Disposition"] == 'attachment; filename="citizen-data.json"'
    assert (body["format"], body["citizen"]["personal_id"], body["citizen"]["ref"], len(body["consents"])) == (
        "motcua.identity.export/1",
        citizen.personal_id,
        citizen.ref,
        1,
    )
    assert "id" not in body["citizen"]
    assert [a["action"] for a in body["accesses"]] == ["export"]


def test_erase_needs_the_personal_id_typed_again(client: Client, citizen: Citizen) -> None:
    dpo = staff_user("dpo", Role.DATA_PROTECTION_OFFICER)
    client.force_login(dpo)
    url = reverse("identity:citizen_erase", args=[link_for(dpo, citizen)])

    wrong = client.post(url, {"reason": "Đơn số 1", "confirm_id": "000000000000"})
    assert (wrong.status_code, Citizen.objects.count()) == (400, 1)
    right = client.post(url, {"reason": "Đơn số 1", "confirm_id": citizen.personal_id})

    assert (right.status_code, Citizen.objects.count()) == (302, 0)


def test_erase_needs_a_reason_and_changes_nothing_without_one(client: Client, citizen: Citizen) -> None:
    dpo = staff_user("dpo", Role.DATA_PROTECTION_OFFICER)
    client.force_login(dpo)
    before = _state()

    response = client.post(
        reverse("identity:citizen_erase", args=[link_for(dpo, citizen)]), {"reason": "", "confirm_id": citizen.personal_id}
    )

    assert response.status_code == 400
    assert _state() == before


def test_a_leader_may_no_longer_erase(client: Client, citizen: Citizen) -> None:
    """Erasure is the data-protection role's alone (issue 9)."""
    leader = staff_user("leader", Role.LEADER)
    client.force_login(leader)
    before = _state()

    response = client.post(
        reverse("identity:citizen_erase", args=[link_for(leader, citizen)]),
        {"reason": "Đơn số 1", "confirm_id": citizen.personal_id},
    )

    assert response.status_code == 403
    assert _state() == before


def test_merge_page_merges_two_records(client: Client) -> None:
    keep, dup = CitizenFactory.create(), CitizenFactory.create()
    client.force_login(staff_user("leader", Role.LEADER))

    response = client.post(
        reverse("identity:citizen_merge"), {"survivor_id": keep.personal_id, "duplicate_id": dup.personal_id, "reason": "Trùng"}
    )

    assert response.status_code == 302
    assert response["Location"].startswith(f"/cong-dan/ho-so/{keep.ref}.")
    assert list(Citizen.objects.values_list("pk", flat=True)) == [keep.pk]


# --- API -------------------------------------------------------------------------------------------------

API = "/api/v1/identity"

# method, path ({link} is the caller's link), JSON body, role allowed, role refused, kind
API_CALLS: list[tuple[str, str, dict[str, Any], Role, Role, str | None]] = [
    ("post", "/qr/parse", {"text": card_payload()}, Role.SPECIALIST, Role.DATA_OFFICER, None),
    ("post", "/citizens/lookup", {"personal_id": "{pid}", "purpose": "counter_intake"}, Role.SPECIALIST, Role.DATA_OFFICER, None),
    ("get", "/citizens/{link}/export", {}, Role.LEADER, Role.RECEPTION_OFFICER, "read"),
    (
        "post",
        "/citizens/{link}/consents",
        {"consent_purpose": "face_verification", "evidence": "P1"},
        Role.RECEPTION_OFFICER,
        Role.SPECIALIST,
        "read",
    ),
    ("delete", "/citizens/{link}/consents/face_identification", {}, Role.RECEPTION_OFFICER, Role.SPECIALIST, "held"),
]
API_IDS = [f"{c[0]} {c[1]}" for c in API_CALLS]


def _api(call: tuple[str, str, dict[str, Any], Role, Role, str | None], citizen: Citizen, link: str) -> tuple[str, str, Any]:
    method, path, body = call[0], API + call[1].format(link=link), call[2]
    return method, path, {k: v.format(pid=citizen.personal_id) if isinstance(v, str) else v for k, v in body.items()}


@pytest.mark.parametrize("call", API_CALLS, ids=API_IDS)
def test_api_refuses_anonymous(client: Client, citizen: Citizen, call: Any) -> None:
    method, path, body = _api(call, citizen, link_for(staff_user("holder", call[3]), citizen))
    before = _state()

    response = getattr(client, method)(path, body, content_type="application/json")

    assert (response.status_code, response.json()["code"]) == (401, "not_authenticated")
    assert _state() == before


@pytest.mark.parametrize("call", API_CALLS, ids=API_IDS)
def test_api_refuses_a_role_without_the_permission(client: Client, citizen: Citizen, call: Any) -> None:
    user = staff_user("refused", call[4])
    client.force_login(user)
    method, path, body = _api(call, citizen, link_for(user, citizen))
    before = _state()

    response = getattr(client, method)(path, body, content_type="application/json")

    assert (response.status_code, response.json()["code"]) == (403, "forbidden")
    assert _state() == before
    assert len(_denials(user)) == 1


@pytest.mark.parametrize("call", API_CALLS, ids=API_IDS)
def test_api_serves_the_right_role(client: Client, citizen: Citizen, call: Any) -> None:
    user = staff_user("allowed", call[3])
    client.force_login(user)
    method, path, body = _api(call, citizen, link_for(user, citizen))

    response = getattr(client, method)(path, body, content_type="application/json")

    assert response.status_code == 200


@pytest.mark.parametrize("call", [c for c in API_CALLS if c[5]], ids=[i for i, c in zip(API_IDS, API_CALLS, strict=True) if c[5]])
def test_api_another_commune_with_a_link_not_theirs_gets_404(client: Client, citizen: Citizen, call: Any) -> None:
    other = staff_user("other", call[3], unit_code=OTHER)
    client.force_login(other)
    method, path, body = _api(call, citizen, link_for(staff_user("holder", call[3]), citizen))
    before = _state()

    response = getattr(client, method)(path, body, content_type="application/json")

    assert (response.status_code, response.json()["code"]) == (404, "citizen_not_found")
    assert _state() == before
    assert [d["reason"] for d in _denials(other)] == ["link_of_another_user"]


def test_api_another_commune_cannot_delete_the_holding_units_face_templates(client: Client, citizen: Citizen) -> None:
    """Issue 9 probe: withdrawing Phú Tân's consent from Cái Đôi Vàm deleted its face template.
    Now the answer is the one for a missing consent; the template stays."""
    other = staff_user("other", Role.RECEPTION_OFFICER, unit_code=OTHER)
    client.force_login(other)
    before = _state()

    response = client.delete(f"{API}/citizens/{link_for(other, citizen)}/consents/face_identification")

    assert (response.status_code, response.json()["code"]) == (404, "consent_not_given")
    assert _state() == before
    assert FaceTemplate.objects.filter(citizen=citizen).count() == 1
    assert [d["reason"] for d in _denials(other)] == ["not_holding_unit"]


@pytest.mark.parametrize(
    ("url", "files", "allowed", "refused"),
    [
        ("/qr/decode", {}, Role.SPECIALIST, Role.DATA_OFFICER),
        ("/face/identify", {"purpose": "counter_intake"}, Role.RECEPTION_OFFICER, Role.LEADER),
        ("/citizens/{link}/face", {}, Role.RECEPTION_OFFICER, Role.LEADER),
        ("/citizens/{link}/face/verify", {"purpose": "counter_intake"}, Role.RECEPTION_OFFICER, Role.SPECIALIST),
    ],
)
def test_api_upload_endpoints_follow_the_matrix(
    client: Client, citizen: Citizen, url: str, files: dict[str, str], allowed: Role, refused: Role
) -> None:
    from motcua.identity.tests.qr_synth import synthetic_photo

    refused_user, allowed_user = staff_user("refused", refused), staff_user("allowed", allowed)
    other = staff_user("other", allowed, unit_code=OTHER)
    before = _state()
    assert client.post(API + url.format(link="x"), {**files, "image": _upload(synthetic_photo())}).status_code == 401
    client.force_login(refused_user)
    path = API + url.format(link=link_for(refused_user, citizen))
    assert client.post(path, {**files, "image": _upload(synthetic_photo())}).status_code == 403
    if "{link}" in url:
        client.force_login(other)
        foreign = API + url.format(link=link_for(allowed_user, citizen))
        assert client.post(foreign, {**files, "image": _upload(synthetic_photo())}).status_code == 404
    assert _state() == before
    client.force_login(allowed_user)

    response = client.post(API + url.format(link=link_for(allowed_user, citizen)), {**files, "image": _upload(synthetic_photo())})

    assert response.status_code not in (401, 403, 404)


def _upload(data: bytes) -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("photo.jpg", data, content_type="image/jpeg")


def test_api_lookup_returns_the_counter_profile_with_the_callers_link(client: Client) -> None:
    citizen = CitizenFactory.create(personal_id="096302731506", full_name="Lê Thị Hoa")
    officer = staff_user("officer", Role.RECEPTION_OFFICER)
    client.force_login(officer)

    body = client.post(
        f"{API}/citizens/lookup", {"personal_id": "096302731506", "purpose": "counter_intake"}, content_type="application/json"
    ).json()

    assert body["full_name"] == "Lê Thị Hoa"
    assert body["link"].startswith(citizen.ref + f".{officer.pk}.")
    intake_link = body["extras"]["dossiers"]["intake_url"].removeprefix("/ho-so/tiep-nhan/?citizen=")
    assert citizen_from_link(user=officer, link=intake_link) == citizen
    assert "citizen_id" not in body


def test_api_qr_parse_error_is_a_json_body(client: Client) -> None:
    client.force_login(staff_user("officer", Role.RECEPTION_OFFICER))

    response = client.post(f"{API}/qr/parse", {"text": "abc"}, content_type="application/json")

    assert (response.status_code, response.json()["code"]) == (422, "qr_layout")
