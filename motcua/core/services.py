"""Writes of the core app. Each service is keyword-only, runs in one transaction and
writes its audit event inside it."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.models import AnonymousUser, User
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_otp import devices_for_user, match_token
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from motcua.core import throttle
from motcua.core.audit import audit_record
from motcua.core.choices import AgencyKind, OverrideKind, Role
from motcua.core.exceptions import CoreErrorCode, DomainError, PermissionDenied
from motcua.core.models import AdministrativeUnit, Agency, CalendarOverride, StaffProfile, StaffRole
from motcua.core.permissions import ADMIN_ROLES, CALENDAR_EDIT
from motcua.core.scoping import unit_in_scope

if TYPE_CHECKING:  # core.signing loads pyHanko (~0.3 s): imported where a certificate is installed
    from motcua.core.signing import CertificateInfo

# --- Login with lock-out and optional TOTP --------------------------------------------------


def _client_label(request: HttpRequest | None) -> dict[str, Any]:
    if request is None:
        return {}
    return {"ip": request.META.get("REMOTE_ADDR", ""), "agent": request.META.get("HTTP_USER_AGENT", "")[:200]}


def user_has_totp(user: User) -> bool:
    return any(True for _ in devices_for_user(user, confirmed=True))


def _client_address(request: HttpRequest | None) -> str:
    return request.META.get("REMOTE_ADDR", "") if request is not None else ""


def _locked_error(block: throttle.Block) -> DomainError:
    until = timezone.localtime(timezone.now() + timedelta(seconds=block.seconds_left))
    return DomainError(
        CoreErrorCode.LOGIN_LOCKED,
        _("Too many failed logins. Try again after %(time)s.") % {"time": until.strftime("%H:%M %d/%m/%Y")},
        status_code=429,
    )


def login_check(*, request: HttpRequest | None, username: str, password: str, otp_token: str = "") -> User:
    """Authenticate a staff login, enforcing the attempt limits and, where enrolled, a TOTP code.

    Limits (``core.throttle``, in the shared cache, never a table row per name): failed attempts
    on one account **from one address** back off after ``MOTCUA_LOGIN_MAX_FAILURES`` (1 minute,
    then doubling up to ``MOTCUA_LOGIN_LOCK_MINUTES``), and one address that fails on any
    accounts ``MOTCUA_LOGIN_MAX_FAILURES_PER_ADDRESS`` times backs off the same way. So a stranger
    who types a colleague's name five times blocks only themselves: the colleague, at another
    desk, still logs in (issue 9 item 10).

    Raises ``DomainError`` with code ``login_locked``, ``invalid_credentials``,
    ``otp_required`` or ``otp_invalid``. Every outcome is written to the audit log.
    """
    username = username.strip()
    address = _client_address(request)
    block = throttle.blocked("login.pair", username, address) or throttle.blocked("login.address", address)
    if block is not None:
        with transaction.atomic():
            audit_record(action="auth.login_refused_locked", actor_label=username[:150], data=_client_label(request))
        raise _locked_error(block)
    user = authenticate(request, username=username, password=password)
    if user is None:
        _login_failed(username=username, request=request, reason="password")
        raise DomainError(CoreErrorCode.INVALID_CREDENTIALS, _("The user name or password is wrong."), status_code=401)
    if user_has_totp(user):
        token = otp_token.strip().replace(" ", "")
        if not token:
            raise DomainError(
                CoreErrorCode.OTP_REQUIRED, _("Enter the 6-digit code from your authenticator app."), status_code=401
            )
        if match_token(user, token) is None:
            _login_failed(username=username, request=request, reason="otp")
            raise DomainError(CoreErrorCode.OTP_INVALID, _("The authenticator code is wrong or expired."), status_code=401)
    throttle.forget("login.pair", username, address)
    with transaction.atomic():
        audit_record(action="auth.login", actor=user, data=_client_label(request))
    return user


def _login_failed(*, username: str, request: HttpRequest | None, reason: str) -> None:
    address = _client_address(request)
    max_seconds = int(settings.MOTCUA_LOGIN_LOCK_MINUTES) * 60
    # The counters live as long as the longest block, so the back-off keeps growing while an
    # attack goes on and starts again from nothing once it has stopped for that long.
    pair = throttle.count_hit("login.pair", username, address, window_seconds=max_seconds)
    per_address = throttle.count_hit("login.address", address, window_seconds=max_seconds)
    locked = False
    for scope, who, failures, free in (
        ("login.pair", (username, address), pair, int(settings.MOTCUA_LOGIN_MAX_FAILURES)),
        ("login.address", (address,), per_address, int(settings.MOTCUA_LOGIN_MAX_FAILURES_PER_ADDRESS)),
    ):
        seconds = throttle.backoff_seconds(failures, free=free, first_seconds=60, max_seconds=max_seconds)
        if seconds:
            throttle.block_for(scope, *who, seconds=seconds)
            locked = True
    with transaction.atomic():
        audit_record(
            action="auth.locked" if locked else "auth.login_failed",
            actor_label=username[:150],
            data={**_client_label(request), "reason": reason, "failures": pair, "failures_from_address": per_address},
        )


def logout_record(*, user: User) -> None:
    with transaction.atomic():
        audit_record(action="auth.logout", actor=user)


def totp_enable(*, user: User, key: str, token: str) -> TOTPDevice:
    """Turn on two-step login with the key shown to the user at set-up (hex, kept in their
    session until now, never stored unconfirmed): the code must match it. One confirmed device
    and its audit row in one transaction."""
    if user_has_totp(user):
        raise DomainError("totp_already_on", _("Two-step login is already on for your account."), status_code=409)
    device = TOTPDevice(user=user, name="MotCua", key=key, confirmed=True)
    # Checked with the bare algorithm: ``TOTPDevice.verify_token`` saves the device to count failures.
    check = TOTP(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=device.drift)
    if not token.strip().isdigit() or not check.verify(int(token.strip()), tolerance=device.tolerance):
        raise DomainError(
            "totp_code_mismatch",
            _("The code does not match. Check the time on your phone and try again."),
            fields={"token": _("Not valid.")},
        )
    device.last_t = check.t()  # the confirming code cannot be used again to log in
    with transaction.atomic():
        device.save()
        audit_record(action="auth.totp_enabled", actor=user, object_type="user", object_id=str(user.pk))
    return device


# --- Agencies and staff ------------------------------------------------------------------------


def agency_ensure(
    *,
    unit: AdministrativeUnit,
    kind: AgencyKind,
    name: str,
    identifier: str = "",
    is_one_stop_desk: bool = False,
    phone: str = "",
    actor: User | None = None,
) -> Agency:
    """Create the agency if it does not exist (idempotent by unit and name). An existing agency
    only gets the identifier and phone it lacks (nothing recorded is overwritten)."""
    with transaction.atomic():
        agency, created = Agency.objects.get_or_create(
            unit=unit,
            name=name,
            defaults={"kind": kind, "identifier": identifier, "is_one_stop_desk": is_one_stop_desk, "phone": phone},
        )
        missing = {f: v for f, v in (("identifier", identifier), ("phone", phone)) if v and not getattr(agency, f)}
        if not created and missing:
            for field_name, value in missing.items():
                setattr(agency, field_name, value)
            agency.full_clean()
            agency.save(update_fields=list(missing))
            audit_record(
                action="agency.update", actor=actor, unit_code=unit.code, object_type="agency", object_id=agency.pk, data=missing
            )
        if created:
            agency.full_clean()
            audit_record(
                action="agency.create",
                actor=actor,
                unit_code=unit.code,
                object_type="agency",
                object_id=agency.pk,
                data={"name": name, "kind": str(kind)},
            )
    return agency


def staff_ensure(
    *,
    username: str,
    agency: Agency,
    roles: list[Role],
    password: str | None = None,
    full_name: str = "",
    position: str = "",
    email: str = "",
    actor: User | None = None,
) -> StaffProfile:
    """Create or update a staff member with exactly these roles (idempotent)."""
    with transaction.atomic():
        user, created = User.objects.get_or_create(username=username, defaults={"email": email})
        first, _sep, last = full_name.rpartition(" ")
        user.first_name, user.last_name = (first, last) if first else ("", full_name)
        if email:
            user.email = email
        if password is not None:
            user.set_password(password)
        user.is_staff = any(role in ADMIN_ROLES for role in roles)
        user.save()
        profile, _p = StaffProfile.objects.update_or_create(user=user, defaults={"agency": agency, "position": position})
        profile.full_clean()
        wanted = {r.value for r in roles}
        StaffRole.objects.filter(profile=profile).exclude(role__in=wanted).delete()
        for role in wanted:
            StaffRole.objects.get_or_create(profile=profile, role=role)
        audit_record(
            action="staff.create" if created else "staff.update",
            actor=actor,
            unit_code=agency.unit.code,
            object_type="user",
            object_id=user.pk,
            data={"username": username, "agency": agency.pk, "roles": sorted(wanted)},
        )
    return profile


# --- Calendar overrides -------------------------------------------------------------------------


def calendar_override_set(
    *,
    actor: User | AnonymousUser | None,
    day: date,
    kind: OverrideKind,
    source: str,
    unit: AdministrativeUnit | None = None,
    note: str = "",
    check_permission: bool = True,
) -> CalendarOverride:
    """Create or change the override for one day (nationwide when ``unit`` is None)."""
    if check_permission:
        if actor is None or not actor.is_authenticated or not actor.has_perm(CALENDAR_EDIT):
            raise PermissionDenied(CoreErrorCode.FORBIDDEN, _("You do not have permission to do this."))
        if unit is None and not actor.has_perm("core.change_administrativeunit"):
            raise PermissionDenied(CoreErrorCode.FORBIDDEN, _("Only a system administrator may change the nationwide calendar."))
        if unit is not None and not unit_in_scope(actor, unit):
            raise PermissionDenied(CoreErrorCode.FORBIDDEN, _("This unit is outside your area."))
    if not source.strip():
        raise DomainError(
            CoreErrorCode.SOURCE_REQUIRED,
            _("Give the notice or decision number this change comes from."),
            fields={"source": _("Required.")},
        )
    with transaction.atomic():
        override, created = CalendarOverride.objects.update_or_create(
            date=day, unit=unit, defaults={"kind": kind, "source": source.strip(), "note": note}
        )
        override.full_clean()
        audit_record(
            action="calendar.override_set",
            actor=actor,
            unit_code=unit.code if unit else "",
            object_type="calendar_override",
            object_id=override.pk,
            data={"date": day.isoformat(), "kind": str(kind), "source": source, "created": created},
        )
    return override


# --- Signing certificates (core.signing) -----------------------------------------------------


def signing_certificate_install(
    *, agency: Agency, key: Any, cert: Any, chain: list[Any], actor_label: str = "cli"
) -> CertificateInfo:
    """Install an agency's signing key and certificate (checked, see ``signing.certificate_install``),
    with its audit row. The files are written inside the transaction: if they cannot be written,
    no audit row says they were."""
    from motcua.core.signing import certificate_install

    with transaction.atomic():
        info = certificate_install(agency=agency, key=key, cert=cert, chain=chain)
        audit_record(
            action="signing.certificate_installed",
            actor_label=actor_label,
            unit_code=agency.unit.code,
            object_type="agency",
            object_id=agency.pk,
            data=_certificate_data(info),
        )
    return info


def signing_root_install(*, data: bytes, name: str, actor_label: str = "cli") -> list[CertificateInfo]:
    """Trust the root certificate(s) in ``data`` for verification, with an audit row."""
    from motcua.core.signing import root_install

    with transaction.atomic():
        infos = root_install(data=data, name=name)
        audit_record(
            action="signing.root_installed",
            actor_label=actor_label,
            object_type="trust_root",
            object_id=name,
            data={"roots": [_certificate_data(info) for info in infos]},
        )
    return infos


def _certificate_data(info: CertificateInfo) -> dict[str, Any]:
    return {
        "subject": info.subject,
        "issuer": info.issuer,
        "serial": info.serial,
        "not_before": info.not_before.isoformat(),
        "not_after": info.not_after.isoformat(),
        "sha256": info.sha256,
    }
