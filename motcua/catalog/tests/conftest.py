"""Catalogue fixtures: the shipped catalogue is imported once per test session."""

from __future__ import annotations

import pytest
from pytest_django import DjangoDbBlocker

from motcua.catalog.services import ImportReport


@pytest.fixture(scope="session")
def _shipped_catalogue(django_db_setup: None, django_db_blocker: DjangoDbBlocker) -> ImportReport:
    from motcua.catalog.services import procedures_import

    with django_db_blocker.unblock():
        return procedures_import()


@pytest.fixture
def catalogue(db: None, _shipped_catalogue: ImportReport) -> ImportReport:
    """The 588 shipped procedures (imported again only if a transactional test emptied them)."""
    from motcua.catalog.models import Procedure
    from motcua.catalog.services import procedures_import

    if Procedure.objects.count() != _shipped_catalogue.total:
        return procedures_import()
    return _shipped_catalogue
