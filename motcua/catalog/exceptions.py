"""Error codes of the catalog domain: procedures and their import (stable; they never change meaning).

A ``DomainError`` takes a member (a ``StrEnum``, so it equals its string value: API clients and
tests that compare strings keep working). Saleor's ``order/error_codes.py`` is the model.
"""

from __future__ import annotations

from enum import StrEnum


class CatalogErrorCode(StrEnum):
    CATALOG_DUPLICATE_CODE = "catalog_duplicate_code"
    CATALOG_FIELD_NOT_EDITABLE = "catalog_field_not_editable"
    CATALOG_IMPORT_FAILED = "catalog_import_failed"
    CATALOG_PROCEDURE_INVALID = "catalog_procedure_invalid"
    CATALOG_RECORD_INVALID = "catalog_record_invalid"
    CATALOG_SOURCE_INVALID = "catalog_source_invalid"
    CATALOG_SOURCE_MISSING = "catalog_source_missing"
    FORBIDDEN = "forbidden"
    PROCEDURE_NOT_FOUND = "procedure_not_found"
