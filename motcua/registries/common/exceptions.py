"""Error codes of the registry framework (stable; they never change meaning)."""

from __future__ import annotations

from enum import StrEnum


class RegistryErrorCode(StrEnum):
    ACTION_NOT_ALLOWED = "registry_action_not_allowed"
    FORBIDDEN = "registry_forbidden"
    INVALID_RECORD = "invalid_registry_record"
    NOT_FOUND = "registry_record_not_found"
    IMPORT_FILE_INVALID = "registry_import_file_invalid"
    IMPORT_NOT_FOUND = "registry_import_not_found"
    NO_UNIT = "registry_no_unit"
