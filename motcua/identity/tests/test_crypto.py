from __future__ import annotations

import numpy as np
import pytest
from pytest_django import Settings

from motcua.core.exceptions import DomainError
from motcua.identity.crypto import face_key_generate, template_decrypt, template_encrypt, template_needs_reencrypt
from motcua.identity.exceptions import IdentityErrorCode


def test_template_round_trips_and_is_not_stored_in_clear() -> None:
    vector = np.linspace(-0.2, 0.2, 128, dtype=np.float32)

    blob = template_encrypt(vector, citizen_id=7, model="m")

    assert vector.tobytes() not in blob
    assert np.array_equal(template_decrypt(blob, citizen_id=7, model="m"), vector)


def test_blob_moved_to_another_citizen_does_not_decrypt() -> None:
    blob = template_encrypt(np.zeros(128, dtype=np.float32), citizen_id=7, model="m")

    with pytest.raises(DomainError) as caught:
        template_decrypt(blob, citizen_id=8, model="m")

    assert caught.value.code == IdentityErrorCode.FACE_TEMPLATE_DAMAGED


def test_missing_key_is_a_clear_configuration_error(settings: Settings) -> None:
    settings.MOTCUA_FACE_KEY = ""

    with pytest.raises(DomainError) as caught:
        template_encrypt(np.zeros(128, dtype=np.float32), citizen_id=1, model="m")

    assert (caught.value.code, caught.value.status_code) == (IdentityErrorCode.FACE_KEY_MISSING, 503)


def test_rotated_key_still_decrypts_old_blobs_and_flags_them(settings: Settings) -> None:
    old = template_encrypt(np.ones(128, dtype=np.float32), citizen_id=1, model="m")
    settings.MOTCUA_FACE_KEY = f"{face_key_generate()},{settings.MOTCUA_FACE_KEY}"

    assert float(template_decrypt(old, citizen_id=1, model="m")[0]) == 1.0
    assert template_needs_reencrypt(old) is True
