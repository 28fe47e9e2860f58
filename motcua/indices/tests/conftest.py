"""The indicator table and grade bands come from a data migration; a transactional test (the
browser tests) empties every table when it ends, so each test here puts them back if missing."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps


def seed_indicator_table() -> None:
    from motcua.indices.models import Indicator

    if not Indicator.objects.exists():
        importlib.import_module("motcua.indices.migrations.0002_seed_indicators").seed(apps, None)


@pytest.fixture(autouse=True)
def _indicator_table(request: pytest.FixtureRequest) -> None:
    if request.node.get_closest_marker("django_db") is not None:
        request.getfixturevalue("db" if not _transactional(request) else "transactional_db")
        seed_indicator_table()


def _transactional(request: pytest.FixtureRequest) -> bool:
    marker = request.node.get_closest_marker("django_db")
    return bool(marker and marker.kwargs.get("transaction"))
