from __future__ import annotations

import re
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from pytest_django import Settings

from motcua.core.choices import Role
from motcua.core.notifications import MemoryBackend
from motcua.core.tests.factories import staff_user
from motcua.identity.choices import AccessAction, AccessPurpose, ConsentPurpose
from motcua.identity.hooks import counter_profile_providers
from motcua.identity.links import citizen_from_link
from motcua.identity.models import Citizen, Consent, DataAccess
from motcua.identity.selectors import citizen_profile_for_counter
from motcua.identity.tests.factories import CitizenFactory, card_payload, consent_for, link_for
from motcua.identity.tests.qr_synth import Distortion, synthetic_photo

pytestmark = pytest.mark.django_db


def test_usb_scanner_text_fills_the_card_data_and_finds_the_citizen(client: Client) -> None:
    citizen = CitizenFactory.create(personal_id="096085004217", full_name="Nguyễn Văn An")
    officer = staff_user("officer", Role.RECEPTION_OFFICER)
    client.force_login(officer)

    response = client.post(reverse("identity:counter"), {"qr_text": card_payload() + "\r", "purpose": "counter_intake"})

    html = response.content.decode()
    link = re.search(r'href="/cong-dan/ho-so/([^/"]+)/\?purpose=counter_intake"', html)
    assert response.status_code == 200
    assert "15/06/1985" in html and link is not None
    assert citizen_from_link(user=officer, link=link.group(1)) == citizen
    assert DataAccess.objects.get().action == AccessAction.READ


def test_card_photo_upload_is_decoded_on_the_server(client: Client) -> None:
    client.force_login(staff_user("officer", Role.RECEPTION_OFFICER))
    photo = SimpleUploadedFile(
        "card.jpg", synthetic_photo(distortion=Distortion(rotation=20, blur=0.6)), content_type="image/jpeg"
    )

    response = client.post(reverse("identity:counter"), {"card_image": photo, "purpose": "counter_intake"})

    assert response.status_code == 200
    assert "Nguyễn Văn An" in response.content.decode()


def test_bad_scan_shows_the_precise_error_in_vietnamese(client: Client) -> None:
    client.force_login(staff_user("officer", Role.RECEPTION_OFFICER))

    response = client.post(reverse("identity:counter"), {"qr_text": card_payload(sex="Nữ"), "purpose": "counter_intake"})

    assert response.status_code == 422
    assert "Chữ số thứ 4 của số định danh" in response.content.decode()


def test_not_an_image_upload_gets_a_clear_error(client: Client) -> None:
    client.force_login(staff_user("officer", Role.RECEPTION_OFFICER))
    upload = SimpleUploadedFile("card.jpg", b"not an image", content_type="image/jpeg")

    response = client.post(reverse("identity:counter"), {"card_image": upload, "purpose": "counter_intake"})

    assert response.status_code == 422
    assert Citizen.objects.count() == 0


def test_counter_profile_collects_what_registered_providers_add() -> None:
    citizen = CitizenFactory.create()
    seen: list[dict[str, Any]] = []

    def earlier_dossiers(**kwargs: Any) -> dict[str, Any]:
        seen.append(kwargs)
        return {"dossiers": ["H32.218-260101-0001"]}

    # a name of its own: unregistering "dossiers" would drop the real provider for later tests
    counter_profile_providers.register("test_earlier", earlier_dossiers)
    try:
        profile = citizen_profile_for_counter(
            user=staff_user("officer", Role.RECEPTION_OFFICER), citizen=citizen, purpose="counter_intake", dossier_ref="H2"
        )
    finally:
        counter_profile_providers.unregister("test_earlier")

    assert profile["extras"]["test_earlier"] == {"dossiers": ["H32.218-260101-0001"]}
    assert (seen[0]["citizen"], seen[0]["purpose"], seen[0]["dossier_ref"]) == (citizen, AccessPurpose.COUNTER_INTAKE, "H2")
    assert DataAccess.objects.filter(citizen=citizen, action=AccessAction.READ, dossier_ref="H2").count() == 1


# --- The citizen's own access log -------------------------------------------------------------------------


def _ask_code(client: Client, personal_id: str, django_capture_on_commit_callbacks: Any) -> str:
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("identity:my_access_log"), {"step": "request", "personal_id": personal_id, "channel": "sms"})
    return MemoryBackend.outbox[-1].body.split(": ")[1][:6]


def test_citizen_reads_who_accessed_their_data_after_the_code(client: Client, django_capture_on_commit_callbacks: Any) -> None:
    citizen = CitizenFactory.create(personal_id="096302731506", phone="0912000111")
    officer = staff_user("officer", Role.RECEPTION_OFFICER)
    officer.first_name, officer.last_name = "Phạm", "Bình"
    officer.save()
    staff = Client()
    staff.force_login(officer)
    staff.get(
        reverse("identity:citizen", args=[link_for(officer, citizen)]), {"purpose": "dossier_processing", "dossier": "H32-0007"}
    )
    code = _ask_code(client, "096302731506", django_capture_on_commit_callbacks)

    response = client.post(
        reverse("identity:my_access_log"), {"step": "verify", "personal_id": "096302731506", "code": code}, follow=True
    )

    html = response.content.decode()
    assert "Phạm Bình" in html and "H32-0007" in html and "Xử lý hồ sơ của công dân" in html


def test_wrong_code_shows_nothing(client: Client, django_capture_on_commit_callbacks: Any) -> None:
    CitizenFactory.create(personal_id="096302731506")
    code = _ask_code(client, "096302731506", django_capture_on_commit_callbacks)

    response = client.post(
        reverse("identity:my_access_log"),
        {"step": "verify", "personal_id": "096302731506", "code": "999999" if code != "999999" else "000000"},
    )

    assert response.status_code == 400
    assert "Mã không đúng" in response.content.decode() or "mã không đúng" in response.content.decode()


def test_unknown_id_gets_the_same_answer_as_a_known_one(client: Client, django_capture_on_commit_callbacks: Any) -> None:
    CitizenFactory.create(personal_id="096302731506")
    with django_capture_on_commit_callbacks(execute=True):
        known = client.post(
            reverse("identity:my_access_log"), {"step": "request", "personal_id": "096302731506", "channel": "sms"}
        )
        unknown = Client().post(
            reverse("identity:my_access_log"), {"step": "request", "personal_id": "079199000318", "channel": "sms"}
        )

    assert known.status_code == unknown.status_code == 200
    assert _without_tokens(known.content.decode(), "096302731506") == _without_tokens(unknown.content.decode(), "079199000318")


def _without_tokens(html: str, personal_id: str) -> str:
    return re.sub(r"[A-Za-z0-9]{64}", "TOKEN", html.replace(personal_id, "ID"))


def test_citizen_withdraws_their_own_consent(client: Client, django_capture_on_commit_callbacks: Any) -> None:
    citizen = CitizenFactory.create(personal_id="096302731506")
    consent_for(citizen, ConsentPurpose.FACE_IDENTIFICATION)
    code = _ask_code(client, "096302731506", django_capture_on_commit_callbacks)
    client.post(reverse("identity:my_access_log"), {"step": "verify", "personal_id": "096302731506", "code": code})

    client.post(reverse("identity:my_access_withdraw"), {"consent_purpose": "face_identification"})

    assert Consent.objects.filter(withdrawn_at__isnull=True).count() == 0


def test_withdraw_without_a_verified_session_does_nothing(client: Client) -> None:
    consent_for(CitizenFactory.create(), ConsentPurpose.FACE_IDENTIFICATION)

    response = client.post(reverse("identity:my_access_withdraw"), {"consent_purpose": "face_identification"})

    assert response.status_code == 302
    assert Consent.objects.filter(withdrawn_at__isnull=True).count() == 1


def test_public_page_is_open_to_anonymous(client: Client) -> None:
    assert client.get(reverse("identity:my_access_log")).status_code == 200


def test_oversized_upload_is_refused_unread(client: Client, settings: Settings) -> None:
    settings.MOTCUA_IMAGE_MAX_BYTES = 100
    client.force_login(staff_user("officer", Role.RECEPTION_OFFICER))
    upload = SimpleUploadedFile("card.jpg", b"\xff\xd8" + b"\x00" * 1000, content_type="image/jpeg")

    response = client.post(reverse("identity:counter"), {"card_image": upload, "purpose": "counter_intake"})

    assert response.status_code == 422
    assert "Tệp nặng 0.0 MB; giới hạn là 0.0 MB." in response.content.decode()


def test_counter_flags_an_expired_card(client: Client) -> None:
    """RULES.md §6.2: born 15/06/1985, issued 01/07/2021 (at 36) → valid to 15/06/2025, expired today."""
    client.force_login(staff_user("officer", Role.RECEPTION_OFFICER))

    response = client.post(reverse("identity:counter"), {"qr_text": card_payload(issued="01072021"), "purpose": "counter_intake"})

    validity = re.search(r'<dd id="card-validity">(.*?)</dd>', response.content.decode(), re.S)
    assert validity is not None
    assert validity.group(1) == '15/06/2025 <strong class="status-overdue">đã hết hạn: thẻ phải được cấp đổi</strong>'


def test_counter_shows_a_valid_card_without_the_flag(client: Client) -> None:
    """RULES.md §6.2, Art. 21(2): born 15/06/1985, issued 01/07/2023 (at 38) → valid to 15/06/2045."""
    client.force_login(staff_user("officer", Role.RECEPTION_OFFICER))

    response = client.post(reverse("identity:counter"), {"qr_text": card_payload(issued="01072023"), "purpose": "counter_intake"})

    validity = re.search(r'<dd id="card-validity">(.*?)</dd>', response.content.decode(), re.S)
    assert validity is not None
    assert validity.group(1) == "15/06/2045"
