"""Domain errors: a stable code plus a translated message.

A ``DomainError`` becomes a 4xx JSON body ``{"code": ..., "message": ..., "fields": {...}}``
in the API and a form error in HTML. Codes are per domain and never change meaning.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from django.utils.functional import Promise


class DomainError(Exception):
    status_code = 400

    def __init__(
        self,
        code: str,
        message: str | Promise,
        *,
        status_code: int | None = None,
        fields: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(str(message))
        self.code = code
        self.message = message
        self.fields = fields or {}
        if status_code is not None:
            self.status_code = status_code

    def as_dict(self) -> dict[str, Any]:
        body: dict[str, Any] = {"code": self.code, "message": str(self.message)}
        if self.fields:
            body["fields"] = {k: str(v) if isinstance(v, Promise) else v for k, v in self.fields.items()}
        return body


class NotFound(DomainError):
    status_code = 404


class PermissionDenied(DomainError):
    status_code = 403


# Error codes of the core domain (units, agencies, login, signing, backup) and the API layer's
# generic answers. A ``StrEnum``: a member equals its string value, so clients comparing strings
# keep working (Saleor ``order/error_codes.py``).
class CoreErrorCode(StrEnum):
    AGENCY_AMBIGUOUS = "agency_ambiguous"
    AGENCY_NOT_FOUND = "agency_not_found"
    BACKUP_ARCHIVE_DAMAGED = "backup_archive_damaged"
    BACKUP_DATABASE_MISMATCH = "backup_database_mismatch"
    BACKUP_DATABASE_UNSUPPORTED = "backup_database_unsupported"
    BACKUP_PG_TOOL_FAILED = "backup_pg_tool_failed"
    BACKUP_PG_TOOL_MISSING = "backup_pg_tool_missing"
    BACKUP_TARGET_NOT_EMPTY = "backup_target_not_empty"
    BODY_TOO_LARGE = "body_too_large"
    DEMO_UNITS_MISSING = "demo_units_missing"
    ERROR = "error"
    FORBIDDEN = "forbidden"
    INVALID_CREDENTIALS = "invalid_credentials"
    INVALID_INPUT = "invalid_input"
    LOGIN_LOCKED = "login_locked"
    PERIOD_INVALID = "period_invalid"
    NOT_AUTHENTICATED = "not_authenticated"
    NOT_FOUND = "not_found"
    OTP_INVALID = "otp_invalid"
    OTP_REQUIRED = "otp_required"
    SIGNING_CERTIFICATE_EXPIRED = "signing_certificate_expired"
    SIGNING_CERTIFICATE_MISSING = "signing_certificate_missing"
    SIGNING_CERTIFICATE_UNTRUSTED = "signing_certificate_untrusted"
    SIGNING_FILES_UNREADABLE = "signing_files_unreadable"
    SIGNING_KEY_MISMATCH = "signing_key_mismatch"
    SIGNING_KEY_UNSUPPORTED = "signing_key_unsupported"
    SIGNING_PKCS12_INCOMPLETE = "signing_pkcs12_incomplete"
    SIGNING_PKCS12_UNREADABLE = "signing_pkcs12_unreadable"
    SIGNING_ROOT_UNREADABLE = "signing_root_unreadable"
    SOURCE_REQUIRED = "source_required"
    TAX_CODE_INVALID = "tax_code_invalid"
    TOTP_ALREADY_ON = "totp_already_on"
    TOTP_CODE_MISMATCH = "totp_code_mismatch"
    UNIT_DUPLICATE_CODE = "unit_duplicate_code"
    UNIT_NO_SUCCESSOR = "unit_no_successor"
    UNIT_NOT_FOUND = "unit_not_found"
    UNIT_PARENT_MISSING = "unit_parent_missing"
    UNIT_ROW_INVALID = "unit_row_invalid"
