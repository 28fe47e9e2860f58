"""Issue 9 item 13: a template that cannot be decrypted is skipped and reported; it never turns
every 1:N identification in the commune into an error. No face images needed: the templates are
random unit vectors sealed with the test key."""

from __future__ import annotations

import numpy as np
import pytest
from django.utils import timezone

from motcua.core.models import AuditEvent
from motcua.core.tests.factories import current_unit
from motcua.identity.choices import ConsentPurpose
from motcua.identity.crypto import template_encrypt, template_key_id
from motcua.identity.face import MODEL_NAME, MODEL_VERSION
from motcua.identity.face_search import face_candidates, face_damaged_templates
from motcua.identity.models import FaceTemplate
from motcua.identity.tests.factories import CitizenFactory, consent_for

pytestmark = pytest.mark.django_db


def _template(vector: np.ndarray, *, damaged: bool = False) -> FaceTemplate:
    citizen = CitizenFactory.create()
    blob = bytearray(template_encrypt(vector, citizen_id=citizen.pk, model=MODEL_NAME))
    if damaged:
        blob[-1] ^= 0xFF  # one flipped bit of the authentication tag
    return FaceTemplate.objects.create(
        citizen=citizen,
        consent=consent_for(citizen, ConsentPurpose.FACE_IDENTIFICATION),
        unit=current_unit("32218"),
        source="counter",
        ciphertext=bytes(blob),
        key_id=template_key_id(bytes(blob)),
        model_name=MODEL_NAME,
        model_version=MODEL_VERSION,
        created_at=timezone.now(),
    )


def _unit_vector(seed: int) -> np.ndarray:
    vector = np.random.default_rng(seed).normal(size=128).astype(np.float32)
    return vector / np.linalg.norm(vector)


def test_identification_still_works_beside_a_template_that_cannot_be_decrypted() -> None:
    good = _template(_unit_vector(1))
    bad = _template(_unit_vector(2), damaged=True)

    found = face_candidates(units=[current_unit("32218")], vector=_unit_vector(1), k=5)

    assert [pk for pk, _ in found] == [good.pk]
    assert face_damaged_templates() == [bad.pk]
    assert AuditEvent.objects.filter(action="identity.face_template_damaged", object_id=str(bad.pk)).count() == 1


def test_a_template_damaged_after_the_index_was_built_is_skipped_when_added() -> None:
    unit = current_unit("32218")
    first = _template(_unit_vector(3))
    face_candidates(units=[unit], vector=_unit_vector(3), k=5)
    later_bad = _template(_unit_vector(4), damaged=True)

    found = face_candidates(units=[unit], vector=_unit_vector(4), k=5)

    assert [pk for pk, _ in found] == [first.pk]
    assert face_damaged_templates(unit.pk) == [later_bad.pk]
