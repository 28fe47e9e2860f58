"""Issue 9 item 14: error codes are enums per app (Saleor ``order/error_codes.py``), and the
permission names are defined once (``core/permissions.py``)."""

from __future__ import annotations

import re
from enum import StrEnum
from pathlib import Path

import pytest

from motcua.catalog.exceptions import CatalogErrorCode
from motcua.core.exceptions import CoreErrorCode
from motcua.dossiers.exceptions import DossierErrorCode
from motcua.registries.common.exceptions import RegistryErrorCode
from motcua.satisfaction.exceptions import SatisfactionErrorCode

PACKAGE = Path(__file__).resolve().parents[2]
_RAISED = re.compile(r'(?:DomainError|NotFound|PermissionDenied)\(\s*"([a-z_0-9]+)"')
_MEMBER = re.compile(r"(?:DomainError|NotFound|PermissionDenied)\(\s*(\w+ErrorCode)\.(\w+)")


def _sources(app: str) -> list[Path]:
    return [p for p in (PACKAGE / app).rglob("*.py") if "tests" not in p.parts]


@pytest.mark.parametrize(
    ("app", "enum"),
    [
        ("dossiers", DossierErrorCode),
        ("catalog", CatalogErrorCode),
        ("core", CoreErrorCode),
        ("satisfaction", SatisfactionErrorCode),
        ("registries", RegistryErrorCode),
    ],
)
def test_every_error_code_an_app_raises_is_a_member_of_its_enum(app: str, enum: type[StrEnum]) -> None:
    literals = {code for path in _sources(app) for code in _RAISED.findall(path.read_text())}
    members = {(cls, name) for path in _sources(app) for cls, name in _MEMBER.findall(path.read_text())}

    assert literals - set(enum) == set()
    assert {name for cls, name in members if cls == enum.__name__} <= set(enum.__members__)


def test_error_codes_keep_their_string_values() -> None:
    """API clients compare strings: a member equals its value."""
    assert str(DossierErrorCode.INVALID_DOSSIER) == "invalid_dossier"
    assert str(DossierErrorCode.IDEMPOTENCY_KEY_REUSED) == "idempotency_key_reused"
    assert str(CoreErrorCode.BODY_TOO_LARGE) == "body_too_large"
    assert str(SatisfactionErrorCode.ALREADY_RATED) == "already_rated"


def test_dossier_permissions_are_the_ones_defined_in_core() -> None:
    from motcua.core import permissions
    from motcua.dossiers import workflow

    assert (workflow.PERM_VIEW, workflow.PERM_RECEIVE, workflow.PERM_PROCESS, workflow.PERM_DECIDE) == (
        permissions.DOSSIER_VIEW,
        permissions.DOSSIER_RECEIVE,
        permissions.DOSSIER_PROCESS,
        permissions.DOSSIER_DECIDE,
    )
    source = (PACKAGE / "dossiers" / "workflow.py").read_text()
    assert '"dossiers.' not in source


def test_dossier_document_schemas_have_distinct_names() -> None:
    from motcua.config.api import api

    names = set(api.get_openapi_schema()["components"]["schemas"])

    assert {"DocumentOut", "DossierDocumentOut"} <= names
