"""Issue 9 item 12: security headers on every response."""

from __future__ import annotations

import pytest
from django.test import Client, override_settings

pytestmark = pytest.mark.django_db


def test_pages_forbid_inline_script_and_eval() -> None:
    response = Client().get("/")

    policy = response.headers["Content-Security-Policy"]
    script = next(part for part in policy.split("; ") if part.startswith("script-src"))
    assert script == "script-src 'self'"
    assert "frame-ancestors 'none'" in policy and "object-src 'none'" in policy


def test_referrer_policy_nosniff_and_no_framing() -> None:
    response = Client().get("/")

    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"


def test_camera_is_refused_outside_the_counter_pages() -> None:
    response = Client().get("/")

    assert response.headers["Permissions-Policy"].startswith("camera=()")


def test_camera_is_allowed_for_this_origin_on_the_counter_page(client: Client) -> None:
    from motcua.core.choices import Role
    from motcua.core.tests.factories import staff_user

    client.force_login(staff_user("quay1", Role.RECEPTION_OFFICER))
    response = client.get("/cong-dan/quay/")

    assert response.status_code == 200
    assert response.headers["Permissions-Policy"].startswith("camera=(self)")


def test_no_hsts_without_secure_cookies() -> None:
    assert "Strict-Transport-Security" not in Client().get("/").headers


@override_settings(SECURE_HSTS_SECONDS=31536000, SECURE_SSL_REDIRECT=False)
def test_hsts_is_sent_over_https_when_configured() -> None:
    response = Client().get("/", secure=True)

    assert response.headers["Strict-Transport-Security"] == "max-age=31536000"


def test_hsts_is_configured_exactly_when_cookies_are_secure() -> None:
    import importlib
    import os

    from motcua.config import settings as settings_module

    old = os.environ.get("MOTCUA_SECURE_COOKIES")
    os.environ["MOTCUA_SECURE_COOKIES"] = "1"
    try:
        secure = importlib.reload(settings_module)
        assert (secure.SESSION_COOKIE_SECURE, secure.SECURE_HSTS_SECONDS) == (True, 31536000)
    finally:
        if old is None:
            os.environ.pop("MOTCUA_SECURE_COOKIES")
        else:
            os.environ["MOTCUA_SECURE_COOKIES"] = old
        importlib.reload(settings_module)


def test_staff_sessions_end_after_one_working_day() -> None:
    from django.conf import settings

    assert (settings.SESSION_COOKIE_AGE, settings.SESSION_EXPIRE_AT_BROWSER_CLOSE) == (10 * 3600, True)


def test_api_docs_page_alone_may_run_its_inline_start_script() -> None:
    docs = Client().get("/api/v1/docs").headers["Content-Security-Policy"]
    home = Client().get("/").headers["Content-Security-Policy"]

    assert "script-src 'self' 'unsafe-inline'" in docs
    assert "'unsafe-inline'" not in next(p for p in home.split("; ") if p.startswith("script-src"))


def test_no_template_carries_inline_script_or_eval() -> None:
    """Under ``script-src 'self'`` inline handlers, inline scripts, ``hx-on`` and ``js:`` values
    silently stop working: every behaviour lives in a static file."""
    import re
    from pathlib import Path

    import motcua

    root = Path(motcua.__file__).parent
    pattern = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>|\son[a-z]+\s*=|\bhx-on\b|hx-(?:vals|headers)=['\"]js:", re.I)
    offenders = [
        f"{path.relative_to(root)}: {match.group(0)}"
        for path in root.rglob("*.html")
        for match in pattern.finditer(path.read_text(encoding="utf-8"))
        # JSON data blocks are not executed.
        if "application/json" not in match.group(0)
    ]
    assert offenders == []
