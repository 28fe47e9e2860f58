"""Identity's unit-bound records through the one scoped queryset (issue 9 item 2; docs/security.md
"Scoping", docs/identity.md point 7 "Holding unit"; RULES.md §6.2 "Personal data").

``Consent`` and ``FaceTemplate`` are strict: every direct read is ``restrict(user, "manage")`` or
says why it is not (``unrestricted(reason)``). ``Citizen`` declares its change actions ("edit",
"merge", "erase") but its reads stay national by purpose (not strict). No face images are needed:
the encoder is replaced by a function returning fixed unit vectors, and templates are sealed with
the test key.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import numpy as np
import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from motcua.core.choices import Role
from motcua.core.exceptions import NotFound
from motcua.core.models import AuditEvent
from motcua.core.querysets import UnscopedReadError, strict_scoping
from motcua.core.scoping import scope_allows
from motcua.core.tests.factories import current_unit, staff_user
from motcua.identity import face, services
from motcua.identity.choices import AccessPurpose, ConsentPurpose, FaceScope
from motcua.identity.crypto import template_encrypt, template_key_id
from motcua.identity.exceptions import IdentityErrorCode
from motcua.identity.face_search import face_index_rebuild
from motcua.identity.models import Citizen, Consent, FaceTemplate
from motcua.identity.tests.factories import CitizenFactory, consent_for

pytestmark = pytest.mark.django_db


def _vector(seed: int) -> np.ndarray:
    vector = np.random.default_rng(seed).normal(size=128).astype(np.float32)
    return vector / np.linalg.norm(vector)


def _template(consent: Consent, vector: np.ndarray, *, unit_code: str) -> FaceTemplate:
    blob = template_encrypt(vector, citizen_id=consent.citizen_id, model=face.MODEL_NAME)
    return FaceTemplate.objects.create(
        citizen_id=consent.citizen_id,
        consent=consent,
        unit=current_unit(unit_code),
        source="counter",
        ciphertext=blob,
        key_id=template_key_id(blob),
        model_name=face.MODEL_NAME,
        model_version=face.MODEL_VERSION,
        created_at=timezone.now(),
    )


def _encoder_returns(monkeypatch: pytest.MonkeyPatch, vector: np.ndarray) -> None:
    def encode(data: bytes, *, policy: str = "largest") -> Any:
        return vector

    monkeypatch.setattr(face, "face_encode", encode)


def _officer(name: str, unit_code: str = "32218") -> User:
    return staff_user(name, Role.RECEPTION_OFFICER, unit_code=unit_code)


# --- Consent: "manage" is the holding unit's (and above), with the consent permission ----------


def test_consent_manage_scope_is_the_holding_unit_and_the_units_above_it() -> None:
    """docs/identity.md point 7; RULES.md §6.2 "Personal data": a consent is withdrawn by the unit
    that recorded it or a unit above it, and only with the consent permission."""
    here = consent_for(CitizenFactory.create(), ConsentPurpose.FACE_VERIFICATION, unit_code="32218")
    there = consent_for(CitizenFactory.create(), ConsentPurpose.FACE_VERIFICATION, unit_code="32212")
    officer = _officer("officer")
    province_leader = staff_user("province-leader", Role.LEADER, unit_code="96")
    specialist = staff_user("specialist", Role.SPECIALIST)

    with strict_scoping():
        seen = {
            user.username: sorted(Consent.objects.restrict(user, "manage").values_list("pk", flat=True))
            for user in (officer, province_leader, specialist)
        }

    assert seen == {"officer": [here.pk], "province-leader": sorted([here.pk, there.pk]), "specialist": []}
    assert [scope_allows(officer, c, "manage") for c in (here, there)] == [True, False]


def test_a_face_template_is_managed_by_its_consents_holding_unit_wherever_it_was_enrolled() -> None:
    """docs/identity.md point 7: templates go with their consent (withdrawal is how staff delete them)."""
    consent = consent_for(CitizenFactory.create(), ConsentPurpose.FACE_IDENTIFICATION, unit_code="32218")
    enrolled_elsewhere = _template(consent, _vector(1), unit_code="32212")
    here, there = _officer("here"), _officer("there", unit_code="32212")

    with strict_scoping():
        seen = {u.username: list(FaceTemplate.objects.restrict(u, "manage").values_list("pk", flat=True)) for u in (here, there)}

    assert seen == {"here": [enrolled_elsewhere.pk], "there": []}
    assert (scope_allows(here, enrolled_elsewhere, "manage"), scope_allows(there, enrolled_elsewhere, "manage")) == (True, False)


def test_consent_and_template_reads_without_a_scope_fail_in_strict_mode() -> None:
    """docs/security.md "Strict mode": biometric records are never read without a scope."""
    consent = consent_for(CitizenFactory.create(), ConsentPurpose.FACE_IDENTIFICATION)
    _template(consent, _vector(2), unit_code="32218")

    with strict_scoping():
        with pytest.raises(UnscopedReadError):
            list(Consent.objects.all())
        with pytest.raises(UnscopedReadError):
            FaceTemplate.objects.count()
        through_the_citizen = (consent.citizen.consents.count(), consent.citizen.face_templates.count())

    assert through_the_citizen == (1, 1)


def test_withdrawal_in_strict_mode_deletes_every_template_of_the_consent_wherever_enrolled() -> None:
    """docs/identity.md point 7; RULES.md §6.2 "Personal data": withdrawing a consent deletes its templates."""
    citizen = CitizenFactory.create()
    consent = consent_for(citizen, ConsentPurpose.FACE_IDENTIFICATION, unit_code="32218")
    _template(consent, _vector(3), unit_code="32218")
    _template(consent, _vector(4), unit_code="32212")
    other = _template(consent_for(citizen, ConsentPurpose.FACE_VERIFICATION), _vector(5), unit_code="32218")

    with strict_scoping():
        deleted = services.consent_withdraw(
            actor=_officer("officer"), citizen=citizen, purpose=ConsentPurpose.FACE_IDENTIFICATION
        )

    consent.refresh_from_db()
    assert (deleted, consent.withdrawn_at is not None) == (2, True)
    assert list(FaceTemplate.objects.values_list("pk", flat=True)) == [other.pk]


def test_another_unit_cannot_withdraw_in_strict_mode_and_nothing_changes() -> None:
    """docs/identity.md point 7: another unit is refused (audited) and answered as a missing consent."""
    citizen = CitizenFactory.create()
    consent = consent_for(citizen, ConsentPurpose.FACE_IDENTIFICATION, unit_code="32218")
    template = _template(consent, _vector(6), unit_code="32218")

    with strict_scoping(), pytest.raises(NotFound) as caught:
        services.consent_withdraw(
            actor=_officer("there", unit_code="32212"), citizen=citizen, purpose=ConsentPurpose.FACE_IDENTIFICATION
        )

    consent.refresh_from_db()
    assert (caught.value.code, consent.withdrawn_at) == (IdentityErrorCode.CONSENT_NOT_GIVEN, None)
    assert list(FaceTemplate.objects.values_list("pk", flat=True)) == [template.pk]
    assert list(AuditEvent.objects.filter(action="identity.denied").values_list("data__reason", flat=True)) == [
        "not_holding_unit"
    ]


def test_the_citizens_own_withdrawal_works_in_strict_mode() -> None:
    """RULES.md §6.2 "Personal data": the citizen withdraws on the public page (an explicit unrestricted read)."""
    citizen = CitizenFactory.create()
    _template(consent_for(citizen, ConsentPurpose.FACE_IDENTIFICATION, unit_code="32212"), _vector(7), unit_code="32212")

    with strict_scoping():
        deleted = services.consent_withdraw(
            actor=None, citizen=citizen, purpose=ConsentPurpose.FACE_IDENTIFICATION, by_citizen=True
        )

    assert (deleted, FaceTemplate.objects.count()) == (1, 0)


# --- Faces: the purpose's units, and the system tasks ------------------------------------------


def test_enrolment_in_strict_mode_uses_a_consent_recorded_by_another_unit(monkeypatch: pytest.MonkeyPatch) -> None:
    """docs/identity.md point 7: the consent is national (one active per purpose); the template is
    stored with the enrolling unit."""
    citizen = CitizenFactory.create()
    consent = consent_for(citizen, ConsentPurpose.FACE_IDENTIFICATION, unit_code="32212")
    _encoder_returns(monkeypatch, _vector(8))

    with strict_scoping():
        template = services.face_enrol(
            actor=_officer("officer"), citizen=citizen, image=b"frame", consent_purpose=ConsentPurpose.FACE_IDENTIFICATION
        )

    assert (template.consent_id, template.unit.code) == (consent.pk, "32218")


def test_identification_in_strict_mode_searches_the_purposes_units_not_the_officers_tree(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """docs/identity.md point 4: 1:N covers the searcher's unit, or the whole province for a resident
    of another commune, which lies outside a commune officer's own scope."""
    near, exact = _vector(9), _vector(9) * 0.98 + _vector(10) * 0.02
    exact = exact / np.linalg.norm(exact)
    here = consent_for(CitizenFactory.create(), ConsentPurpose.FACE_IDENTIFICATION, unit_code="32218")
    there = consent_for(CitizenFactory.create(), ConsentPurpose.FACE_IDENTIFICATION, unit_code="32212")
    _template(here, near, unit_code="32218")
    _template(there, exact, unit_code="32212")
    _encoder_returns(monkeypatch, exact)
    officer = _officer("officer")

    with strict_scoping():
        own_unit = services.face_identify(actor=officer, image=b"frame", purpose=AccessPurpose.COUNTER_INTAKE)
        province = services.face_identify(actor=officer, image=b"frame", purpose=AccessPurpose.INTAKE_ANY_PLACE)

    assert own_unit.match is not None and province.match is not None
    assert (own_unit.scope, own_unit.match.citizen.pk) == (FaceScope.UNIT, here.citizen_id)
    assert (province.scope, province.match.citizen.pk) == (FaceScope.PROVINCE, there.citizen_id)


def test_verification_in_strict_mode_compares_with_the_citizens_templates_of_the_unit(monkeypatch: pytest.MonkeyPatch) -> None:
    """docs/identity.md point 4: 1:1 uses the citizen's templates within the purpose's units."""
    citizen = CitizenFactory.create()
    vector = _vector(11)
    _template(consent_for(citizen, ConsentPurpose.FACE_VERIFICATION), vector, unit_code="32218")
    _encoder_returns(monkeypatch, vector)

    with strict_scoping():
        decision = services.face_verify(
            actor=_officer("officer"), citizen=citizen, image=b"frame", purpose=AccessPurpose.COUNTER_INTAKE
        )

    assert decision.match is not None and decision.match.citizen.pk == citizen.pk


def test_the_retention_purge_and_the_index_rebuild_run_in_strict_mode() -> None:
    """RULES.md §6.2 "Personal data" (retention): system tasks over every unit read unrestricted, saying why."""
    consent = consent_for(CitizenFactory.create(), ConsentPurpose.FACE_IDENTIFICATION)
    old = _template(consent, _vector(12), unit_code="32218")
    FaceTemplate.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=800))
    fresh = _template(consent, _vector(13), unit_code="32212")

    with strict_scoping():
        purged = services.face_templates_purge_expired()
        built = face_index_rebuild()

    assert (purged, list(FaceTemplate.objects.values_list("pk", flat=True))) == (1, [fresh.pk])
    assert built == [("32212", 1, "exact")]


# --- Citizen: change actions scoped by the holding unit; reads national by purpose ----------------


def test_citizen_changes_are_scoped_by_action_and_holding_unit() -> None:
    """docs/identity.md point 7: contacts, merge and erasure belong to the holding unit (and above),
    each with its own permission; a record without a holding unit is the system administrators'."""
    held_here = CitizenFactory.create()
    held_there = CitizenFactory.create(unit=current_unit("32212"))
    unheld = CitizenFactory.create(unit=None)
    officer = _officer("officer")
    dpo = staff_user("dpo", Role.DATA_PROTECTION_OFFICER)
    leader = staff_user("leader", Role.LEADER)
    admin = staff_user("root", Role.SYSTEM_ADMINISTRATOR, unit_code="96")

    def ids(user: User, action: str) -> list[int]:
        return sorted(Citizen.objects.restrict(user, action).values_list("pk", flat=True))

    assert {
        "officer edit": ids(officer, "edit"),
        "officer erase": ids(officer, "erase"),
        "dpo erase": ids(dpo, "erase"),
        "leader merge": ids(leader, "merge"),
        "admin erase": ids(admin, "erase"),
    } == {
        "officer edit": [held_here.pk],
        "officer erase": [],
        "dpo erase": [held_here.pk],
        "leader merge": [held_here.pk],
        "admin erase": sorted([held_here.pk, held_there.pk, unheld.pk]),
    }
    assert [scope_allows(officer, c, "edit") for c in (held_here, held_there, unheld)] == [True, False, False]
    assert scope_allows(admin, unheld, "erase") is True


def test_citizen_reads_stay_national_by_purpose_in_strict_mode() -> None:
    """docs/identity.md "Scoping decision": a citizen is reached by exact personal ID from any unit."""
    citizen = CitizenFactory.create(unit=current_unit("32212"))

    with strict_scoping():
        found = Citizen.objects.filter(personal_id=citizen.personal_id).first()

    assert found == citizen
