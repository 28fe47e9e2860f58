from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
import time_machine
from django.utils import timezone
from pytest_django import Settings

from motcua.core.choices import Role
from motcua.core.exceptions import DomainError, NotFound, PermissionDenied
from motcua.core.models import AuditEvent
from motcua.core.notifications import MemoryBackend
from motcua.core.tests.factories import staff_user
from motcua.identity import services
from motcua.identity.choices import AccessAction, AccessPurpose, AddressKind, ConsentPurpose, NotifyChannel, Sex
from motcua.identity.exceptions import IdentityErrorCode
from motcua.identity.hooks import erasure_providers
from motcua.identity.models import AccessCode, Citizen, Consent, DataAccess, FaceTemplate
from motcua.identity.qr import card_qr_parse
from motcua.identity.tests.factories import CitizenFactory, card_payload, consent_for

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 11, 28)


def _officer(name: str = "officer", unit_code: str = "32218") -> Any:
    return staff_user(name, Role.RECEPTION_OFFICER, unit_code=unit_code)


def test_card_scan_registers_the_citizen_with_a_resolved_commune_and_logs_it() -> None:
    officer = _officer()

    citizen, created = services.citizen_register_from_card(
        actor=officer, card=card_qr_parse(card_payload(), today=TODAY), purpose="counter_intake", dossier_ref="H1.2"
    )

    address = citizen.addresses.get()
    access = DataAccess.objects.get(citizen=citizen)
    assert created is True
    assert (citizen.full_name, citizen.sex, citizen.birth_date) == ("Nguyễn Văn An", Sex.MALE, dt.date(1985, 6, 15))
    assert (address.kind, address.unit.code if address.unit else None, address.valid_to) == (AddressKind.PERMANENT, "32212", None)
    assert (access.action, access.purpose, access.dossier_ref, access.unit.code if access.unit else None) == (
        AccessAction.CARD_SCAN,
        AccessPurpose.COUNTER_INTAKE,
        "H1.2",
        "32218",
    )
    assert AuditEvent.objects.filter(action="identity.card_scan", object_id=str(citizen.pk)).count() == 1


def test_new_card_address_moves_the_old_one_to_history() -> None:
    officer = _officer()
    services.citizen_register_from_card(actor=officer, card=card_qr_parse(card_payload(), today=TODAY), purpose="counter_intake")
    moved = card_payload(address="Khóm 2, Phường An Xuyên, Tỉnh Cà Mau", issued="01092026")

    citizen, created = services.citizen_register_from_card(
        actor=officer, card=card_qr_parse(moved, today=TODAY), purpose="counter_intake"
    )

    rows = list(citizen.addresses.order_by("id").values_list("text", "valid_to"))
    assert created is False
    assert rows == [
        ("Ấp Cái Đôi, Xã Cái Đôi Vàm, Tỉnh Cà Mau", dt.date(2026, 9, 1)),
        ("Khóm 2, Phường An Xuyên, Tỉnh Cà Mau", None),
    ]


def test_card_scan_records_the_officers_unit_as_the_holding_unit() -> None:
    citizen, _created = services.citizen_register_from_card(
        actor=_officer(), card=card_qr_parse(card_payload(), today=TODAY), purpose="counter_intake"
    )

    assert citizen.unit is not None and citizen.unit.code == "32218"


def test_card_scan_at_another_commune_refreshes_the_card_data_but_keeps_the_contacts() -> None:
    """Issue 9, item 1: contacts belong to the holding unit; the card data is the card's."""
    services.citizen_register_from_card(
        actor=_officer(), card=card_qr_parse(card_payload(), today=TODAY), purpose="counter_intake", phone="0912000111"
    )
    moved = card_payload(address="Khóm 2, Phường An Xuyên, Tỉnh Cà Mau", issued="01092026")

    citizen, created = services.citizen_register_from_card(
        actor=_officer("other", unit_code="32212"),
        card=card_qr_parse(moved, today=TODAY),
        purpose="intake_any_place",
        phone="0912000111",
    )

    assert created is False
    assert (citizen.phone, citizen.unit.code if citizen.unit else None) == ("0912000111", "32218")
    assert citizen.addresses.get(valid_to__isnull=True).text == "Khóm 2, Phường An Xuyên, Tỉnh Cà Mau"


def test_card_scan_at_another_commune_cannot_replace_the_phone() -> None:
    """Issue 9 probe: a Cái Đôi Vàm officer could replace a Phú Tân citizen's phone."""
    citizen, _created = services.citizen_register_from_card(
        actor=_officer(), card=card_qr_parse(card_payload(), today=TODAY), purpose="counter_intake", phone="0912000111"
    )
    other = _officer("other", unit_code="32212")

    with pytest.raises(PermissionDenied) as caught:
        services.citizen_register_from_card(
            actor=other, card=card_qr_parse(card_payload(), today=TODAY), purpose="counter_intake", phone="0999999999"
        )

    citizen.refresh_from_db()
    assert (caught.value.code, list(caught.value.fields)) == (IdentityErrorCode.NOT_HOLDING_UNIT, ["phone"])
    assert citizen.phone == "0912000111"
    assert DataAccess.objects.filter(actor=other).count() == 0


def test_contacts_change_by_another_commune_is_answered_as_a_missing_record() -> None:
    citizen = CitizenFactory.create(phone="0912000111")
    other = _officer("other", unit_code="32212")

    with pytest.raises(NotFound) as caught:
        services.citizen_update_contacts(actor=other, citizen=citizen, purpose="data_correction", phone="0999", email="")

    citizen.refresh_from_db()
    assert (caught.value.code, citizen.phone) == (IdentityErrorCode.CITIZEN_NOT_FOUND, "0912000111")


def test_access_without_a_purpose_is_refused_and_changes_nothing() -> None:
    with pytest.raises(DomainError) as caught:
        services.citizen_register_from_card(actor=_officer(), card=card_qr_parse(card_payload(), today=TODAY), purpose="")

    assert caught.value.code == IdentityErrorCode.PURPOSE_REQUIRED
    assert Citizen.objects.count() == 0


def test_specialist_cannot_register_and_the_attempt_is_logged() -> None:
    specialist = staff_user("spec", Role.SPECIALIST)

    with pytest.raises(PermissionDenied):
        services.citizen_register_from_card(
            actor=specialist, card=card_qr_parse(card_payload(), today=TODAY), purpose="counter_intake"
        )

    assert Citizen.objects.count() == 0
    assert AuditEvent.objects.filter(action="identity.denied", actor=specialist).count() == 1


def test_manual_entry_checks_the_id_against_sex_and_birth_year() -> None:
    with pytest.raises(DomainError) as caught:
        services.citizen_create(
            actor=_officer(),
            personal_id="096085004217",
            full_name="Nguyễn Văn An",
            birth_date=dt.date(1985, 6, 15),
            sex=Sex.FEMALE,
            purpose="counter_intake",
        )

    assert caught.value.code == IdentityErrorCode.PERSONAL_ID_SEX


def test_manual_entry_of_a_registered_id_is_refused() -> None:
    CitizenFactory.create(personal_id="096085004217", sex=Sex.MALE, birth_date=dt.date(1985, 6, 15))

    with pytest.raises(DomainError) as caught:
        services.citizen_create(
            actor=_officer(),
            personal_id="096085004217",
            full_name="Nguyễn Văn An",
            birth_date=dt.date(1985, 6, 15),
            sex=Sex.MALE,
            purpose="counter_intake",
        )

    assert (caught.value.code, Citizen.objects.count()) == (IdentityErrorCode.CITIZEN_EXISTS, 1)


def test_merge_moves_everything_to_the_survivor_and_is_audited() -> None:
    leader = staff_user("leader", Role.LEADER)
    survivor = CitizenFactory.create(phone="")
    duplicate = CitizenFactory.create(phone="0988000111")
    consent_for(duplicate, ConsentPurpose.FACE_IDENTIFICATION)
    DataAccess.objects.create(
        citizen=duplicate,
        accessed_at=timezone.now(),
        actor_name="x",
        purpose=AccessPurpose.COUNTER_INTAKE,
        action=AccessAction.READ,
    )

    merged = services.citizen_merge(actor=leader, survivor=survivor, duplicate=duplicate, reason="Nhập sai số định danh")

    assert not Citizen.objects.filter(pk=duplicate.pk).exists()
    assert (merged.phone, merged.consents.count()) == ("0988000111", 1)
    assert merged.accesses.filter(action=AccessAction.READ).count() == 1
    event = AuditEvent.objects.get(action="identity.merge")
    assert event.data == {
        "duplicate": duplicate.pk,
        "reason": "Nhập sai số định danh",
        "moved": {"addresses": 0, "consents": 1, "face_templates": 0, "accesses": 1},
    }


def test_merging_a_record_with_itself_is_refused() -> None:
    citizen = CitizenFactory.create()

    with pytest.raises(DomainError) as caught:
        services.citizen_merge(actor=staff_user("leader", Role.LEADER), survivor=citizen, duplicate=citizen, reason="x")

    assert caught.value.code == IdentityErrorCode.MERGE_SAME


def test_reception_officer_cannot_merge() -> None:
    a, b = CitizenFactory.create(), CitizenFactory.create()

    with pytest.raises(PermissionDenied):
        services.citizen_merge(actor=_officer(), survivor=a, duplicate=b, reason="x")

    assert Citizen.objects.count() == 2


def test_another_commune_cannot_merge_records_held_by_the_holding_unit() -> None:
    """Issue 9, item 1: changes to a citizen's record belong to the unit that holds it."""
    a, b = CitizenFactory.create(), CitizenFactory.create()
    leader = staff_user("leader", Role.LEADER, unit_code="32214")

    with pytest.raises(NotFound):
        services.citizen_merge(actor=leader, survivor=a, duplicate=b, reason="Trùng")

    assert Citizen.objects.count() == 2
    assert list(AuditEvent.objects.filter(action="identity.denied", actor=leader).values_list("data", flat=True)) == [
        {"attempt": "citizen_merge", "reason": "not_holding_unit"}
    ]


def test_erasure_by_another_communes_data_protection_officer_changes_nothing() -> None:
    citizen = CitizenFactory.create()
    consent_for(citizen, ConsentPurpose.FACE_VERIFICATION)
    dpo = staff_user("dpo", Role.DATA_PROTECTION_OFFICER, unit_code="32212")

    with pytest.raises(NotFound):
        services.citizen_erase(actor=dpo, citizen=citizen, reason="Đơn yêu cầu số 5")

    assert (Citizen.objects.count(), Consent.objects.count()) == (1, 1)
    assert AuditEvent.objects.filter(action="identity.erase").count() == 0


def test_erasure_needs_a_reason() -> None:
    citizen = CitizenFactory.create()

    with pytest.raises(DomainError) as excinfo:
        services.citizen_erase(actor=staff_user("dpo", Role.DATA_PROTECTION_OFFICER), citizen=citizen, reason="  ")

    assert (excinfo.value.code, list(excinfo.value.fields)) == ("citizen_invalid", ["reason"])
    assert Citizen.objects.count() == 1


def test_erasure_deletes_everything_and_the_audit_keeps_no_personal_id() -> None:
    citizen = CitizenFactory.create(personal_id="096302731506", sex=Sex.FEMALE, birth_date=dt.date(2002, 1, 1))
    consent_for(citizen, ConsentPurpose.FACE_VERIFICATION)
    pk = citizen.pk

    services.citizen_erase(actor=staff_user("dpo", Role.DATA_PROTECTION_OFFICER), citizen=citizen, reason="Đơn yêu cầu số 5")

    event = AuditEvent.objects.get(action="identity.erase")
    assert not Citizen.objects.filter(pk=pk).exists()
    assert Consent.objects.count() == 0
    assert "096302731506" not in json.dumps(list(AuditEvent.objects.values("data", "object_id")), default=str)
    assert event.data == {
        "reason": "Đơn yêu cầu số 5",
        "deleted": {"addresses": 0, "consents": 1, "face_templates": 0, "accesses": 0},
    }


def test_erasure_refused_by_a_provider_changes_nothing() -> None:
    citizen = CitizenFactory.create()

    def keep(**kwargs: Any) -> dict[str, Any]:
        raise DomainError("retention_required", "Hồ sơ phải lưu trữ theo luật")

    erasure_providers.register("test", keep)
    try:
        with pytest.raises(DomainError):
            services.citizen_erase(actor=staff_user("dpo", Role.DATA_PROTECTION_OFFICER), citizen=citizen, reason="x")
    finally:
        erasure_providers.unregister("test")

    assert Citizen.objects.filter(pk=citizen.pk).exists()


def test_consent_is_recorded_once_per_purpose() -> None:
    officer, citizen = _officer(), CitizenFactory.create()

    first = services.consent_give(actor=officer, citizen=citizen, purpose=ConsentPurpose.FACE_IDENTIFICATION, evidence="Phiếu 12")
    second = services.consent_give(
        actor=officer, citizen=citizen, purpose=ConsentPurpose.FACE_IDENTIFICATION, evidence="Phiếu 13"
    )

    assert (first.pk == second.pk, first.unit.code, Consent.objects.count()) == (True, "32218", 1)


def test_withdrawing_a_consent_that_was_not_given_is_a_clear_error() -> None:
    with pytest.raises(DomainError) as caught:
        services.consent_withdraw(actor=_officer(), citizen=CitizenFactory.create(), purpose=ConsentPurpose.FACE_VERIFICATION)

    assert caught.value.code == IdentityErrorCode.CONSENT_NOT_GIVEN


# --- One-time codes -------------------------------------------------------------------------------


def test_access_code_goes_to_the_registered_phone_on_commit(django_capture_on_commit_callbacks: Any) -> None:
    CitizenFactory.create(personal_id="096302731506", phone="0912000111")

    with django_capture_on_commit_callbacks(execute=True):
        services.access_code_request(personal_id="096302731506", channel=NotifyChannel.SMS)

    assert [(m.channel, m.to, m.kind) for m in MemoryBackend.outbox] == [("sms", "0912000111", "identity.access_code")]


def test_unknown_personal_id_sends_nothing_and_reveals_nothing(django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        services.access_code_request(personal_id="096302731506", channel=NotifyChannel.SMS)

    assert (MemoryBackend.outbox, AccessCode.objects.count()) == ([], 0)


def _sent_code() -> str:
    return MemoryBackend.outbox[-1].body.split(": ")[1][:6]


def test_right_code_opens_the_log_once(django_capture_on_commit_callbacks: Any) -> None:
    citizen = CitizenFactory.create(personal_id="096302731506", email="hoa@example.vn")
    with django_capture_on_commit_callbacks(execute=True):
        services.access_code_request(personal_id="096302731506", channel=NotifyChannel.EMAIL)
    code = _sent_code()

    assert services.access_code_verify(personal_id="096302731506", code=code) == citizen
    with pytest.raises(DomainError) as caught:
        services.access_code_verify(personal_id="096302731506", code=code)
    assert caught.value.code == IdentityErrorCode.ACCESS_CODE_INVALID


def test_code_expires(django_capture_on_commit_callbacks: Any) -> None:
    CitizenFactory.create(personal_id="096302731506")
    with django_capture_on_commit_callbacks(execute=True):
        services.access_code_request(personal_id="096302731506", channel=NotifyChannel.SMS)
    code = _sent_code()

    with time_machine.travel(timezone.now() + dt.timedelta(minutes=11)), pytest.raises(DomainError):
        services.access_code_verify(personal_id="096302731506", code=code)


def test_wrong_codes_lock_the_code_after_the_limit(django_capture_on_commit_callbacks: Any) -> None:
    CitizenFactory.create(personal_id="096302731506")
    with django_capture_on_commit_callbacks(execute=True):
        services.access_code_request(personal_id="096302731506", channel=NotifyChannel.SMS)
    code = _sent_code()
    for _ in range(5):
        with pytest.raises(DomainError):
            services.access_code_verify(personal_id="096302731506", code="000000" if code != "000000" else "111111")

    with pytest.raises(DomainError):
        services.access_code_verify(personal_id="096302731506", code=code)

    assert AccessCode.objects.get().attempts == 5


def test_at_most_three_codes_an_hour(django_capture_on_commit_callbacks: Any) -> None:
    CitizenFactory.create(personal_id="096302731506")

    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(5):
            services.access_code_request(personal_id="096302731506", channel=NotifyChannel.SMS)

    assert len(MemoryBackend.outbox) == 3


def test_expired_templates_are_purged_and_recent_ones_kept(settings: Settings) -> None:
    settings.MOTCUA_FACE_RETENTION_DAYS = 30
    citizen = CitizenFactory.create()
    consent = consent_for(citizen, ConsentPurpose.FACE_IDENTIFICATION)
    now = timezone.now()
    for created, matched in ((now - dt.timedelta(days=40), None), (now - dt.timedelta(days=40), now - dt.timedelta(days=2))):
        FaceTemplate.objects.create(
            citizen=citizen,
            consent=consent,
            unit=consent.unit,
            source="webcam",
            ciphertext=b"x",
            key_id="k",
            model_name="m",
            model_version="v",
            created_at=created,
            last_matched_at=matched,
        )

    deleted = services.face_templates_purge_expired(now=now)

    assert (deleted, FaceTemplate.objects.count()) == (1, 1)
    assert AuditEvent.objects.filter(action="identity.face_retention_purge").count() == 1


def test_retention_task_calls_the_service() -> None:
    from motcua.identity.tasks import face_templates_purge_task

    result = face_templates_purge_task.enqueue()

    assert result.return_value == 0
