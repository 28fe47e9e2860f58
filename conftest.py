"""Shared pytest fixtures for the whole suite."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

SHARED_DATA = Path(os.environ.get("MOTCUA_SHARED_DATA", Path(__file__).resolve().parent.parent / "shared" / "data"))


@pytest.fixture
def shared_data() -> Path:
    """``../shared/data`` (real public data); tests that need it skip, saying so, when absent."""
    if not SHARED_DATA.is_dir():
        pytest.skip(f"shared data folder {SHARED_DATA} is absent")
    return SHARED_DATA
