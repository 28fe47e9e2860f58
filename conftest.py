"""Shared pytest fixtures for the whole suite."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Page
    from pytest_django.live_server_helper import LiveServer

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


CHROMIUM = os.environ.get("MOTCUA_CHROMIUM", shutil.which("chromium") or "/usr/bin/chromium")


@pytest.fixture(scope="session")
def _browser_sessions_ended(django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    """End the PostgreSQL sessions the live server's request threads left open, once, after the
    last browser test and before the test database is dropped.

    A request thread whose browser went away can keep its session, and PostgreSQL then refuses
    to drop the test database. Ending them any earlier also ended the connection the test
    thread uses while Playwright's event loop runs (Django keys connections by context), which
    failed the next browser test. SQLite has nothing to end.
    """
    yield
    from django.db import connection

    with django_db_blocker.unblock():
        if connection.vendor != "postgresql":
            return
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )


@pytest.fixture
def page(live_server: LiveServer, _browser_sessions_ended: None) -> Iterator[Page]:
    """A tab of Debian's headless Chromium driven by Playwright, in Vietnamese."""
    playwright_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"no Chromium at {CHROMIUM}: install Debian's chromium (.ci/run does)")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # Playwright's sync API runs an event loop in this thread
    with playwright_api.sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        context = browser.new_context(locale="vi-VN", accept_downloads=True)
        tab = context.new_page()
        tab.set_default_timeout(15000)
        yield tab
        context.close()
        browser.close()


@pytest.fixture(autouse=True)
def _default_language() -> Iterator[None]:
    """Every test starts in Vietnamese, the default: a request in English (the language
    middleware activates the reader's language for the thread) must not leak into the next
    test's services and messages."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)
