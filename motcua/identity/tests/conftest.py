"""Fixtures of the identity tests: a fixed, test-only template key, a private index folder,
a clean in-process face index and an empty notification outbox for every test."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pytest_django import Settings

from motcua.core.notifications import MemoryBackend

TEST_FACE_KEY = "dGVzdC1vbmx5LWZhY2Uta2V5LW5vdC1mb3ItcHJvZCE="  # 32 bytes, tests only


@pytest.fixture(autouse=True)
def _identity_settings(settings: Settings, tmp_path: Path) -> Iterator[None]:
    from motcua.identity.face_search import face_index_reset

    settings.MOTCUA_FACE_KEY = TEST_FACE_KEY
    settings.MOTCUA_FACE_INDEX_DIR = tmp_path / "face_index"
    face_index_reset()
    MemoryBackend.outbox.clear()
    yield
    face_index_reset()


@pytest.fixture
def faces(shared_data: Path) -> Path:
    """The labelled face images (test fixtures only; never shown anywhere)."""
    folder = shared_data / "faces" / "images"
    if not folder.is_dir():
        pytest.skip(f"face images {folder} are absent")
    return folder
