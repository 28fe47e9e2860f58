"""Encryption of face templates at rest (AES-256-GCM, key from the environment).

``settings.MOTCUA_FACE_KEY`` holds one or more URL-safe base64 keys of 32 bytes, separated by
commas: the first encrypts, every one decrypts (key rotation: add the new key first, run
``motcua face rebuild-index --reencrypt``, then drop the old one). A stored blob is
``key id (8 bytes) | nonce (12) | ciphertext+tag``; the associated data binds it to its
citizen and model, so a blob copied onto another citizen's row does not decrypt.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os

import numpy as np
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from motcua.core.exceptions import DomainError
from motcua.identity.exceptions import IdentityErrorCode
from motcua.identity.face import DIMENSIONS, Vector

_KEY_ID_LEN = 8
_NONCE_LEN = 12


def _keys() -> list[tuple[bytes, AESGCM]]:
    raw = str(getattr(settings, "MOTCUA_FACE_KEY", "") or "")
    keys: list[tuple[bytes, AESGCM]] = []
    for item in (part.strip() for part in raw.split(",")):
        if not item:
            continue
        try:
            key = base64.urlsafe_b64decode(item + "=" * (-len(item) % 4))
        except (binascii.Error, ValueError):
            key = b""
        if len(key) != 32:
            raise DomainError(
                IdentityErrorCode.FACE_KEY_MISSING,
                _("MOTCUA_FACE_KEY must be 32 bytes in URL-safe base64."),
                status_code=503,
            )
        keys.append((hashlib.sha256(key).digest()[:_KEY_ID_LEN], AESGCM(key)))
    if not keys:
        raise DomainError(
            IdentityErrorCode.FACE_KEY_MISSING,
            _("Face recognition is not configured: the template key (MOTCUA_FACE_KEY) is not set."),
            status_code=503,
        )
    return keys


def face_key_generate() -> str:
    return base64.urlsafe_b64encode(os.urandom(32)).decode()


def _aad(citizen_id: int, model: str) -> bytes:
    return f"motcua.face:{citizen_id}:{model}".encode()


def blob_encrypt(plain: bytes, *, aad: bytes) -> bytes:
    key_id, aead = _keys()[0]
    nonce = os.urandom(_NONCE_LEN)
    return key_id + nonce + aead.encrypt(nonce, plain, aad)


def blob_decrypt(blob: bytes | memoryview, *, aad: bytes) -> bytes | None:
    """The plain bytes, or None when no configured key opens the blob (or it was altered)."""
    blob = bytes(blob)
    key_id, nonce, sealed = blob[:_KEY_ID_LEN], blob[_KEY_ID_LEN : _KEY_ID_LEN + _NONCE_LEN], blob[_KEY_ID_LEN + _NONCE_LEN :]
    for candidate_id, aead in _keys():
        if candidate_id == key_id:
            try:
                return aead.decrypt(nonce, sealed, aad)
            except InvalidTag:
                return None
    return None


def template_encrypt(vector: Vector, *, citizen_id: int, model: str) -> bytes:
    return blob_encrypt(np.asarray(vector, dtype="<f4").tobytes(), aad=_aad(citizen_id, model))


def template_decrypt(blob: bytes | memoryview, *, citizen_id: int, model: str) -> Vector:
    plain = blob_decrypt(blob, aad=_aad(citizen_id, model))
    if plain is not None and len(plain) == DIMENSIONS * 4:
        return np.frombuffer(plain, dtype="<f4").astype(np.float32)
    raise DomainError(
        IdentityErrorCode.FACE_TEMPLATE_DAMAGED,
        _("A stored face template cannot be decrypted (wrong key or altered data)."),
        status_code=500,
    )


def template_key_id(blob: bytes | memoryview) -> str:
    return bytes(blob[:_KEY_ID_LEN]).hex()


def template_needs_reencrypt(blob: bytes | memoryview) -> bool:
    return bytes(blob[:_KEY_ID_LEN]) != _keys()[0][0]
