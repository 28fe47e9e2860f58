"""Error codes of the identity domain (stable; they never change meaning)."""

from __future__ import annotations

from enum import StrEnum

from motcua.core.exceptions import DomainError


class IdentityErrorCode(StrEnum):
    # Personal ID (RULES.md §6.1)
    PERSONAL_ID_FORMAT = "personal_id_format"
    PERSONAL_ID_PLACE = "personal_id_place"
    PERSONAL_ID_SEX = "personal_id_sex_mismatch"
    PERSONAL_ID_YEAR = "personal_id_year_mismatch"
    # Card QR (RULES.md §6.2)
    QR_EMPTY = "qr_empty"
    QR_TOO_LONG = "qr_too_long"
    QR_LAYOUT = "qr_layout"
    QR_OLD_ID = "qr_old_id_format"
    QR_NAME = "qr_name_missing"
    QR_BIRTH_DATE = "qr_birth_date"
    QR_SEX = "qr_sex"
    QR_ISSUE_DATE = "qr_issue_date"
    QR_EXTRA = "qr_extra_fields"
    QR_NOT_FOUND = "qr_not_found"
    # Images
    IMAGE_EMPTY = "image_empty"
    IMAGE_TOO_BIG = "image_too_big"
    IMAGE_NOT_IMAGE = "image_not_image"
    IMAGE_TRUNCATED = "image_truncated"
    IMAGE_BOMB = "image_bomb"
    # Faces
    FACE_NONE = "face_none"
    FACE_MANY = "face_many"
    FACE_KEY_MISSING = "face_key_missing"
    FACE_TEMPLATE_DAMAGED = "face_template_damaged"
    FACE_NO_CONSENT = "face_no_consent"
    FACE_NO_TEMPLATE = "face_no_template"
    FACE_PURPOSE = "face_purpose_not_allowed"
    FACE_NO_UNIT = "face_no_unit"
    FACE_LIVENESS = "face_liveness_failed"
    # Citizens, purposes, access codes
    PURPOSE_REQUIRED = "purpose_required"
    CITIZEN_NOT_FOUND = "citizen_not_found"
    CITIZEN_EXISTS = "citizen_exists"
    CITIZEN_INVALID = "citizen_invalid"
    MERGE_SAME = "merge_same_record"
    CONSENT_NOT_GIVEN = "consent_not_given"
    ACCESS_CODE_INVALID = "access_code_invalid"
    ACCESS_CODE_NO_CONTACT = "access_code_no_contact"
    FORBIDDEN = "forbidden"
    NOT_HOLDING_UNIT = "not_holding_unit"


class CardError(DomainError):
    """A personal ID or ID-card QR payload is not valid; ``code`` says exactly why."""

    status_code = 422


class ImageError(DomainError):
    """An uploaded image was refused (not an image, too big, truncated, a bomb)."""

    status_code = 422
