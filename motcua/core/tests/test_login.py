from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from pytest_django import Settings
from time_machine import TimeMachineFixture

from motcua.core.choices import Role
from motcua.core.models import AuditEvent
from motcua.core.tests.factories import PASSWORD, staff_user

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as TestResponse  # what Client.post returns

pytestmark = pytest.mark.django_db


def _login(client: Client, username: str, password: str, otp: str = "") -> TestResponse:
    return client.post("/dang-nhap/", {"username": username, "password": password, "otp_token": otp})


def test_right_password_logs_in_and_is_audited(client: Client) -> None:
    user = staff_user("officer", Role.RECEPTION_OFFICER)

    response = _login(client, "officer", PASSWORD)

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)
    assert AuditEvent.objects.filter(action="auth.login", actor=user).count() == 1


def test_passwords_are_hashed_with_argon2(settings: Settings) -> None:
    from django.conf import settings as real
    from django.contrib.auth.hashers import get_hashers

    assert real.PASSWORD_HASHERS  # the test settings swap in a fast hasher; production uses argon2 first
    from motcua.config import settings as prod

    assert prod.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    assert get_hashers()


def test_wrong_password_is_refused_with_a_vietnamese_message(client: Client) -> None:
    staff_user("officer", Role.RECEPTION_OFFICER)

    response = _login(client, "officer", "wrong password")

    assert response.status_code == 401
    assert "Tên đăng nhập hoặc mật khẩu không đúng" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(action="auth.login_failed", actor_label="officer").count() == 1


def test_repeated_failures_from_one_address_block_it_even_for_the_right_password(client: Client) -> None:
    staff_user("officer", Role.RECEPTION_OFFICER)
    for _ in range(5):
        _login(client, "officer", "wrong password")

    response = _login(client, "officer", PASSWORD)

    assert response.status_code == 429
    assert "Đăng nhập sai quá nhiều lần" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(action="auth.locked").count() == 1
    assert AuditEvent.objects.filter(action="auth.login_refused_locked").count() == 1


def test_a_stranger_cannot_lock_a_colleague_out_by_typing_their_name(client: Client) -> None:
    """Issue 9 item 10: the back-off holds the failing address, not the account everywhere."""
    user = staff_user("officer", Role.RECEPTION_OFFICER)
    stranger = Client(REMOTE_ADDR="10.9.9.9")
    for _ in range(8):
        stranger.post("/dang-nhap/", {"username": "officer", "password": "guess"})

    response = Client(REMOTE_ADDR="127.0.0.7").post("/dang-nhap/", {"username": "officer", "password": PASSWORD})

    assert _login(stranger, "officer", PASSWORD).status_code == 429
    assert response.status_code == 302
    assert AuditEvent.objects.filter(action="auth.login", actor=user).count() == 1


def test_one_address_failing_on_many_names_is_blocked_for_all(client: Client, settings: Settings) -> None:
    settings.MOTCUA_LOGIN_MAX_FAILURES_PER_ADDRESS = 6
    staff_user("officer", Role.RECEPTION_OFFICER)
    for n in range(6):
        _login(client, f"name{n}", "guess")

    assert _login(client, "officer", PASSWORD).status_code == 429


def test_guessing_unknown_names_writes_no_row_per_name(client: Client) -> None:
    from django.contrib.auth.models import User
    from django.db import connection

    tables_before = {t: _count(t) for t in connection.introspection.table_names() if t != "motcua_cache"}
    for n in range(3):
        _login(client, f"khong-ton-tai-{n}", "guess")

    grown = {t for t, before in tables_before.items() if _count(t) != before}
    assert grown <= {"core_auditevent", "core_auditchainhead"}  # only the audit log records the attempts
    assert not User.objects.filter(username__startswith="khong-ton-tai").exists()


def _count(table: str) -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608  names from introspection
        return int(cursor.fetchone()[0])


def test_back_off_doubles_and_is_capped() -> None:
    from motcua.core.throttle import backoff_seconds

    assert [backoff_seconds(f, free=5, first_seconds=60, max_seconds=900) for f in range(3, 11)] == [
        0, 0, 60, 120, 240, 480, 900, 900,
    ]  # fmt: skip


def test_lock_expires_after_the_window(client: Client, time_machine: TimeMachineFixture) -> None:
    import datetime as dt

    time_machine.move_to(dt.datetime(2026, 3, 2, 8, 0, tzinfo=dt.UTC))
    staff_user("officer", Role.RECEPTION_OFFICER)
    for _ in range(5):
        _login(client, "officer", "wrong password")
    time_machine.move_to(dt.datetime(2026, 3, 2, 8, 16, tzinfo=dt.UTC))

    response = _login(client, "officer", PASSWORD)

    assert response.status_code == 302


def test_enrolled_totp_is_required(client: Client) -> None:
    user = staff_user("leader", Role.LEADER)
    TOTPDevice.objects.create(user=user, name="phone", confirmed=True)

    response = _login(client, "leader", PASSWORD)

    assert response.status_code == 401
    assert "_auth_user_id" not in client.session


def test_enrolled_totp_with_the_right_code_logs_in(client: Client) -> None:
    user = staff_user("leader", Role.LEADER)
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    code = f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"

    response = _login(client, "leader", PASSWORD, otp=code)

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_wrong_totp_code_counts_as_a_failure(client: Client) -> None:
    user = staff_user("leader", Role.LEADER)
    TOTPDevice.objects.create(user=user, name="phone", confirmed=True)

    response = _login(client, "leader", PASSWORD, otp="000000")

    assert response.status_code == 401
    assert AuditEvent.objects.get(action="auth.login_failed", actor_label="leader").data["reason"] == "otp"


def _code_for(key: str) -> str:
    device = TOTPDevice(key=key)
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def test_totp_setup_page_creates_no_device(client: Client) -> None:
    """A GET only shows the key (kept in the session); writes happen in the confirming POST."""
    user = staff_user("leader", Role.LEADER)
    client.force_login(user)

    first = client.get("/lam-viec/xac-thuc-hai-buoc/")
    second = client.get("/lam-viec/xac-thuc-hai-buoc/")

    assert first.status_code == second.status_code == 200
    assert first.context["secret"] == second.context["secret"]
    assert not TOTPDevice.objects.filter(user=user).exists()
    assert not AuditEvent.objects.filter(action="auth.totp_enabled").exists()


def test_totp_setup_confirms_with_a_code(client: Client) -> None:
    user = staff_user("leader", Role.LEADER)
    client.force_login(user)
    assert client.get("/lam-viec/xac-thuc-hai-buoc/").status_code == 200
    key = client.session["motcua_totp_setup_key"]

    response = client.post("/lam-viec/xac-thuc-hai-buoc/", {"token": _code_for(key)})

    assert response.status_code == 302
    device = TOTPDevice.objects.get(user=user)
    assert device.confirmed
    assert device.key == key
    assert AuditEvent.objects.filter(action="auth.totp_enabled", actor=user).count() == 1
    assert "motcua_totp_setup_key" not in client.session


def test_totp_setup_with_a_wrong_code_stores_nothing(client: Client) -> None:
    user = staff_user("leader", Role.LEADER)
    client.force_login(user)
    client.get("/lam-viec/xac-thuc-hai-buoc/")

    response = client.post("/lam-viec/xac-thuc-hai-buoc/", {"token": "000000"})

    assert response.status_code == 200
    assert response.context["form"].errors["token"]
    assert not TOTPDevice.objects.filter(user=user).exists()
    assert not AuditEvent.objects.filter(action="auth.totp_enabled").exists()


def test_logout_is_post_only_and_audited(client: Client) -> None:
    user = staff_user("officer", Role.RECEPTION_OFFICER)
    client.force_login(user)

    assert client.get("/dang-xuat/").status_code == 405
    response = client.post("/dang-xuat/")

    assert response.status_code == 302
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(action="auth.logout", actor=user).exists()


def test_open_redirect_after_login_is_refused(client: Client) -> None:
    staff_user("officer", Role.RECEPTION_OFFICER)

    response = client.post("/dang-nhap/", {"username": "officer", "password": PASSWORD, "next": "https://evil.example/"})

    assert response.status_code == 302
    assert response["Location"] == "/lam-viec/"
