"""Core pages: home, staff login/logout with lock-out and TOTP, language switch, workspace."""

from __future__ import annotations

import base64

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex

from motcua.core.exceptions import DomainError
from motcua.core.forms import LoginForm, TotpConfirmForm
from motcua.core.permissions import user_roles
from motcua.core.services import login_check, logout_record, totp_enable, user_has_totp
from motcua.core.workspace import attention_providers

TOTP_SETUP_KEY = "motcua_totp_setup_key"


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "core/home.html")


def _safe_next(request: HttpRequest, fallback: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return fallback


def login_view(request: HttpRequest) -> HttpResponse:
    form = LoginForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            user = login_check(
                request=request,
                username=form.cleaned_data["username"],
                password=form.cleaned_data["password"],
                otp_token=form.cleaned_data["otp_token"],
            )
        except DomainError as exc:
            form.add_error(None, str(exc.message))
            status = exc.status_code
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            return redirect(_safe_next(request, "/lam-viec/"))
    elif request.method == "POST":
        status = 400
    return render(request, "core/login.html", {"form": form, "next": request.GET.get("next", "")}, status=status)


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        logout_record(user=request.user)
    logout(request)
    return redirect("core:home")


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    language = request.POST.get("language", "")
    response = HttpResponseRedirect(_safe_next(request, "/"))
    if language in {code for code, _name in settings.LANGUAGES}:
        response.set_cookie(settings.LANGUAGE_COOKIE_NAME, language, max_age=365 * 24 * 3600, samesite="Lax")
    return response


@login_required
def staff_home(request: HttpRequest) -> HttpResponse:
    assert isinstance(request.user, User)  # login_required
    roles = sorted(user_roles(request.user), key=lambda r: r.value)
    attention = attention_providers.collect(user=request.user, now=timezone.now())  # apps above core (core.workspace)
    return render(
        request,
        "core/staff_home.html",
        {"roles": roles, "has_totp": user_has_totp(request.user), "attention": attention},
    )


@login_required
def totp_setup(request: HttpRequest) -> HttpResponse:
    """Turn on two-step login: show the key as a QR code, confirm with one code."""
    user = request.user
    assert isinstance(user, User)  # login_required
    if user_has_totp(user):
        messages.info(request, _("Two-step login is already on for your account."))
        return redirect("core:staff_home")
    # The key waits in the session until the user proves they scanned it: a GET creates no device.
    key = request.session.get(TOTP_SETUP_KEY)
    if not isinstance(key, str):
        key = request.session[TOTP_SETUP_KEY] = random_hex(20)
    form = TotpConfirmForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            totp_enable(user=user, key=key, token=form.cleaned_data["token"])
        except DomainError as exc:
            form.add_error("token", str(exc.message))
        else:
            del request.session[TOTP_SETUP_KEY]
            messages.success(request, _("Two-step login is on. You will be asked for a code at every login."))
            return redirect("core:staff_home")
    device = TOTPDevice(user=user, name="MotCua", key=key)  # not saved: only for its QR code
    qr_svg = segno.make(device.config_url, error="m").svg_inline(scale=4)
    return render(
        request,
        "core/totp_setup.html",
        {"form": form, "qr_svg": qr_svg, "secret": base64.b32encode(device.bin_key).decode().rstrip("=")},
    )
