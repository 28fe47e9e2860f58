"""Face recognition with the labelled images of ../shared/data/faces (skipped, saying so, when
absent). The images are test fixtures only: nothing here writes or shows them anywhere."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
from pytest_django import Settings

from motcua.core.choices import Role
from motcua.core.exceptions import DomainError, PermissionDenied
from motcua.core.models import AuditEvent
from motcua.core.tests.factories import staff_user
from motcua.identity import services
from motcua.identity.choices import AccessAction, ConsentPurpose, FaceScope
from motcua.identity.exceptions import IdentityErrorCode, ImageError
from motcua.identity.face import face_distance, face_encode
from motcua.identity.face_search import face_index_rebuild, face_index_reset
from motcua.identity.models import DataAccess, FaceTemplate
from motcua.identity.tests.factories import CitizenFactory, consent_for, face_bytes

OBAMA_A, OBAMA_B = "barack_obama/obama_01.jpg", "barack_obama/obama_04.jpg"
BIDEN = "joe_biden/biden_01.jpg"
GROUP = "group/group_obama_biden_01.jpg"


def test_same_person_is_closer_than_the_threshold_and_different_people_further(faces: Path, settings: Settings) -> None:
    a, b, c = (face_encode(face_bytes(faces, name)) for name in (OBAMA_A, OBAMA_B, BIDEN))

    assert a.shape == (128,)
    assert face_distance(a, b) < settings.MOTCUA_FACE_THRESHOLD < face_distance(a, c)


def test_rgba_png_is_encoded(faces: Path) -> None:
    assert face_encode(face_bytes(faces, "alex_lacamoire/alex_lacamoire_01.png")).dtype == np.float32


def test_small_image_is_upsampled_to_find_the_face(faces: Path) -> None:
    assert face_encode(face_bytes(faces, "barack_obama/obama_05_small.jpg")).shape == (128,)


def test_photo_without_a_face_is_refused() -> None:
    from motcua.identity.tests.qr_synth import synthetic_photo

    with pytest.raises(ImageError) as caught:
        face_encode(synthetic_photo())

    assert caught.value.code == IdentityErrorCode.FACE_NONE


pytestmark = pytest.mark.django_db


def _enrolled(
    faces: Path, name: str, *, unit_code: str = "32218", purpose: ConsentPurpose = ConsentPurpose.FACE_IDENTIFICATION
) -> Any:
    officer = staff_user(f"enrol{unit_code}", Role.RECEPTION_OFFICER, unit_code=unit_code)
    citizen = CitizenFactory.create()
    consent_for(citizen, purpose, unit_code=unit_code)
    services.face_enrol(actor=officer, citizen=citizen, image=face_bytes(faces, name), consent_purpose=purpose)
    return citizen


def test_enrolment_needs_the_citizens_consent(faces: Path) -> None:
    citizen = CitizenFactory.create()

    with pytest.raises(DomainError) as caught:
        services.face_enrol(
            actor=staff_user("officer", Role.RECEPTION_OFFICER),
            citizen=citizen,
            image=face_bytes(faces, OBAMA_A),
            consent_purpose=ConsentPurpose.FACE_IDENTIFICATION,
        )

    assert (caught.value.code, FaceTemplate.objects.count()) == (IdentityErrorCode.FACE_NO_CONSENT, 0)


def test_enrolment_refuses_a_photo_with_two_faces(faces: Path) -> None:
    citizen = CitizenFactory.create()
    consent_for(citizen, ConsentPurpose.FACE_IDENTIFICATION)

    with pytest.raises(ImageError) as caught:
        services.face_enrol(
            actor=staff_user("officer", Role.RECEPTION_OFFICER),
            citizen=citizen,
            image=face_bytes(faces, GROUP),
            consent_purpose=ConsentPurpose.FACE_IDENTIFICATION,
        )

    assert caught.value.code == IdentityErrorCode.FACE_MANY


def test_enrolled_template_is_encrypted_and_logged(faces: Path) -> None:
    citizen = _enrolled(faces, OBAMA_A)

    template = FaceTemplate.objects.get(citizen=citizen)
    assert (template.unit.code, template.liveness, len(bytes(template.ciphertext))) == ("32218", "not_checked", 8 + 12 + 512 + 16)
    assert DataAccess.objects.filter(citizen=citizen, action=AccessAction.FACE_ENROL).count() == 1


def test_identify_finds_the_returning_citizen_and_logs_the_match(faces: Path) -> None:
    obama = _enrolled(faces, OBAMA_A)
    _enrolled(faces, BIDEN)
    officer = staff_user("officer", Role.RECEPTION_OFFICER)

    decision = services.face_identify(actor=officer, image=face_bytes(faces, OBAMA_B), purpose="counter_intake", dossier_ref="H9")

    assert decision.match is not None
    assert (decision.match.citizen, decision.scope, decision.liveness) == (obama, FaceScope.UNIT, "not_checked")
    access = DataAccess.objects.get(citizen=obama, action=AccessAction.FACE_IDENTIFY)
    assert (access.dossier_ref, access.actor) == ("H9", officer)
    assert AuditEvent.objects.filter(action="identity.face_search", data__matched=True).count() == 1


def test_identify_does_not_search_another_units_templates(faces: Path) -> None:
    _enrolled(faces, OBAMA_A, unit_code="32212")
    officer = staff_user("officer", Role.RECEPTION_OFFICER, unit_code="32218")

    decision = services.face_identify(actor=officer, image=face_bytes(faces, OBAMA_B), purpose="counter_intake")

    assert decision.match is None
    assert AuditEvent.objects.filter(action="identity.face_search", data__matched=False).count() == 1


def test_province_scope_purpose_searches_the_whole_province(faces: Path) -> None:
    obama = _enrolled(faces, OBAMA_A, unit_code="32212")
    officer = staff_user("officer", Role.RECEPTION_OFFICER, unit_code="32218")

    decision = services.face_identify(actor=officer, image=face_bytes(faces, OBAMA_B), purpose="intake_any_place")

    assert decision.match is not None and decision.match.citizen == obama


def test_verification_only_consent_is_not_searchable_one_to_many(faces: Path) -> None:
    _enrolled(faces, OBAMA_A, purpose=ConsentPurpose.FACE_VERIFICATION)

    decision = services.face_identify(
        actor=staff_user("officer", Role.RECEPTION_OFFICER), image=face_bytes(faces, OBAMA_B), purpose="counter_intake"
    )

    assert decision.match is None


@pytest.mark.parametrize("purpose", ["dossier_processing", "citizen_request", ""])
def test_face_search_for_a_purpose_that_does_not_allow_it_is_refused(faces: Path, purpose: str) -> None:
    with pytest.raises(DomainError) as caught:
        services.face_identify(
            actor=staff_user("officer", Role.RECEPTION_OFFICER), image=face_bytes(faces, OBAMA_B), purpose=purpose
        )

    assert caught.value.code in {IdentityErrorCode.FACE_PURPOSE, IdentityErrorCode.PURPOSE_REQUIRED}
    assert DataAccess.objects.count() == 0


def test_face_search_by_a_role_without_it_is_refused_and_logged(faces: Path) -> None:
    leader = staff_user("leader", Role.LEADER)

    with pytest.raises(PermissionDenied):
        services.face_identify(actor=leader, image=face_bytes(faces, OBAMA_B), purpose="counter_intake")

    assert AuditEvent.objects.filter(action="identity.denied", data__attempt="face_identify").count() == 1


def test_verify_confirms_the_holder_and_rejects_someone_else(faces: Path) -> None:
    obama = _enrolled(faces, OBAMA_A, purpose=ConsentPurpose.FACE_VERIFICATION)
    officer = staff_user("officer", Role.RECEPTION_OFFICER)

    same = services.face_verify(actor=officer, citizen=obama, image=face_bytes(faces, OBAMA_B), purpose="counter_intake")
    other = services.face_verify(actor=officer, citizen=obama, image=face_bytes(faces, BIDEN), purpose="counter_intake")

    assert (same.match is not None, other.match is None) == (True, True)
    assert DataAccess.objects.filter(citizen=obama, action=AccessAction.FACE_VERIFY).count() == 2


def test_withdrawing_consent_deletes_templates_and_they_are_no_longer_found(
    faces: Path, django_capture_on_commit_callbacks: Any
) -> None:
    obama = _enrolled(faces, OBAMA_A)
    officer = staff_user("officer", Role.RECEPTION_OFFICER)
    assert services.face_identify(actor=officer, image=face_bytes(faces, OBAMA_B), purpose="counter_intake").match is not None

    with django_capture_on_commit_callbacks(execute=True):
        deleted = services.consent_withdraw(actor=officer, citizen=obama, purpose=ConsentPurpose.FACE_IDENTIFICATION)

    assert (deleted, FaceTemplate.objects.count()) == (1, 0)
    assert services.face_identify(actor=officer, image=face_bytes(faces, OBAMA_B), purpose="counter_intake").match is None


def test_index_is_persisted_encrypted_and_reloaded(faces: Path, settings: Settings) -> None:
    obama = _enrolled(faces, OBAMA_A)
    built = face_index_rebuild()
    files = sorted(p.name for p in Path(settings.MOTCUA_FACE_INDEX_DIR).iterdir())
    face_index_reset()

    decision = services.face_identify(
        actor=staff_user("officer", Role.RECEPTION_OFFICER), image=face_bytes(faces, OBAMA_B), purpose="counter_intake"
    )

    assert built == [("32218", 1, "exact")]
    assert len(files) == 2 and all(name.startswith("unit-") for name in files)
    template = FaceTemplate.objects.get()
    assert bytes(template.ciphertext)[20:40] not in (Path(settings.MOTCUA_FACE_INDEX_DIR) / files[1]).read_bytes()
    assert decision.match is not None and decision.match.citizen == obama


def test_large_partition_switches_to_hnsw(faces: Path, settings: Settings) -> None:
    settings.MOTCUA_FACE_EXACT_MAX = 1
    _enrolled(faces, OBAMA_A)
    _enrolled(faces, BIDEN)

    assert face_index_rebuild() == [("32218", 2, "hnsw")]
