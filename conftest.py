"""Shared pytest fixtures for the whole suite."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

SHARED_DATA = Path(os.environ.get("MOTCUA_SHARED_DATA", Path(__file__).resolve().parent.parent / "shared" / "data"))


@pytest.fixture
def shared_data() -> Path:
    """``../shared/data`` (real public data); tests that need it skip, saying so, when absent."""
    if not SHARED_DATA.is_dir():
        pytest.skip(f"shared data folder {SHARED_DATA} is absent")
    return SHARED_DATA


@pytest.fixture(scope="session", autouse=True)
def _pki_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Signing keys (the demo CA and agency certificates) in a temporary folder, never var/."""
    from django.test import override_settings

    path = tmp_path_factory.mktemp("pki")
    with override_settings(MOTCUA_PKI_DIR=path):
        yield path


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: None, django_db_blocker: pytest.FixtureRequest) -> None:
    """Load the real administrative units once into the test database.

    Tests run in transactions that roll back, so they all see the units. A test marked
    ``transaction=True`` empties the tables when it ends and must use the ``units`` fixture.
    """
    from motcua.core.units_import import units_import

    with django_db_blocker.unblock():  # type: ignore[attr-defined]
        units_import()


@pytest.fixture
def units(db: None) -> None:
    """The administrative units (imported again only if a transactional test emptied them)."""
    from motcua.core.models import AdministrativeUnit
    from motcua.core.units_import import units_import

    if not AdministrativeUnit.objects.exists():
        units_import()
