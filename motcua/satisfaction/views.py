"""The rating page (kiosk at the counter or the QR link): five large faces, one tap records
the overall level, the questions are optional after it; works without JavaScript. The
counter tablet's waiting screen. And the staff pages: aggregates (groups of at least 5) and a
leader's audited drill-down (docs/satisfaction.md)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from motcua.core.exceptions import DomainError, NotFound, PermissionDenied
from motcua.core.permissions import DOSSIER_RECEIVE, RATING_DRILLDOWN
from motcua.dossiers.choices import RATABLE_STATUSES
from motcua.dossiers.ratings import dossier_for_token, rating_url_for
from motcua.dossiers.slips import qr_svg
from motcua.satisfaction.choices import Level, RatingChannel
from motcua.satisfaction.exceptions import SatisfactionErrorCode
from motcua.satisfaction.models import RatingCriterion
from motcua.satisfaction.selectors import (
    MIN_GROUP,
    active_criteria,
    kiosk_next_dossier,
    month_bounds,
    rating_aggregates,
    rating_details_open,
    rating_drilldown,
    rating_for_link,
    rating_of_dossier,
)
from motcua.satisfaction.services import kiosk_leave, rating_add_details, rating_submit

KIOSK_IDLE_SECONDS = 30  # the tablet goes back to its waiting screen after this long untouched
THANKS_IDLE_SECONDS = 10


def _levels(request: HttpRequest, criteria: list[RatingCriterion]) -> tuple[int, dict[str, int]]:
    def level(name: str) -> int:
        try:
            return int(request.POST.get(name, ""))
        except ValueError:
            return 0

    return level("overall"), {c.code: level(f"q_{c.code}") for c in criteria if request.POST.get(f"q_{c.code}")}


@require_http_methods(["GET", "POST"])
def rate(request: HttpRequest, token: str) -> HttpResponse:
    """The rating page, on the counter's tablet (``?kiosk=1``, opened by the officer) or on the
    citizen's phone (the QR or SMS link). Step 1: five faces, one tap records the overall
    level. Step 2 (optional): the questions and a comment, added to the same rating
    (``rating_add_details``). Works without JavaScript; on the tablet, kiosk.js goes back to
    the waiting screen after 30 s untouched."""
    dossier = dossier_for_token(token)
    criteria = active_criteria()
    kiosk = request.GET.get("kiosk") == "1" or request.POST.get("kiosk") == "1"
    # Only a signed-in officer's tablet has a waiting screen to go back to.
    reset_url = reverse("satisfaction:kiosk") if kiosk and request.user.is_authenticated else ""
    context: dict[str, Any] = {
        "dossier": dossier,
        "criteria": criteria,
        "levels": list(Level),
        "token": token,
        "kiosk": kiosk,
        "base_template": "satisfaction/kiosk_base.html" if kiosk else "satisfaction/public_base.html",
        "kiosk_reset_url": reset_url,
        "kiosk_idle": KIOSK_IDLE_SECONDS,
        "step": "overall",
    }
    if dossier is None:
        return render(request, "satisfaction/rate.html", {**context, "invalid": True}, status=404)
    # Where the details step is found again (the language switch comes back to it).
    details_path = request.path + "?step=details" + ("&kiosk=1" if kiosk else "")
    thanks = {**context, "kiosk_idle": THANKS_IDLE_SECONDS}
    if request.method == "POST" and request.POST.get("step") == "details":
        if request.POST.get("skip"):
            return render(request, "satisfaction/thanks.html", thanks)
        _overall, answers = _levels(request, criteria)
        try:
            rating_add_details(token=token, answers=answers, comment=request.POST.get("comment", ""))
        except DomainError as exc:
            if exc.code == SatisfactionErrorCode.RATING_INVALID:
                return render(request, "satisfaction/rate.html", {**context, "step": "details", "error": exc}, status=400)
            if exc.code == SatisfactionErrorCode.RATING_NOT_FOUND:  # details before the overall tap
                return render(request, "satisfaction/rate.html", {**context, "error": exc}, status=exc.status_code)
            return render(request, "satisfaction/thanks.html", {**thanks, "already": True})
        return render(request, "satisfaction/thanks.html", thanks)
    if dossier.rated:
        rating = rating_for_link(dossier) if request.GET.get("step") == "details" else None
        if rating is not None and rating_details_open(rating):
            return render(request, "satisfaction/rate.html", {**context, "step": "details", "lang_next": details_path})
        return render(request, "satisfaction/thanks.html", {**thanks, "already": True})
    if request.method == "GET" and dossier.status not in RATABLE_STATUSES:
        return render(request, "satisfaction/rate.html", {**context, "not_open": True})
    if request.method == "POST":
        overall, answers = _levels(request, criteria)
        comment = request.POST.get("comment", "")
        try:
            rating_submit(
                token=token,
                overall=overall,
                answers=answers,
                channel=RatingChannel.KIOSK if kiosk else RatingChannel.QR,
                comment=comment,
            )
        except DomainError as exc:
            return render(request, "satisfaction/rate.html", {**context, "error": exc}, status=exc.status_code)
        if answers or comment.strip() or not criteria:
            return render(request, "satisfaction/thanks.html", thanks)
        return render(request, "satisfaction/rate.html", {**context, "step": "details", "lang_next": details_path})
    if kiosk:
        # The phone link: the same page without ?kiosk=1, on the citizen's own phone.
        phone_url = rating_url_for(dossier, absolute=True)
        context |= {
            "phone_url": phone_url,
            "phone_qr_svg": mark_safe(qr_svg(phone_url)),  # noqa: S308  segno's own SVG, no user input
            "lookup_url": settings.MOTCUA_PUBLIC_URL.rstrip("/") + reverse("dossiers:lookup"),
        }
    return render(request, "satisfaction/rate.html", context)


@login_required
@never_cache
@require_GET
def kiosk(request: HttpRequest) -> HttpResponse:
    """The counter tablet's waiting screen (signed in as the counter officer): a neutral welcome,
    or the dossier this officer has just closed, to rate (``kiosk_next_dossier``). It polls
    itself every 5 s (htmx), so the offer appears when the officer returns the result on their
    own computer. Nothing on it leads to a staff page."""
    if not request.user.has_perm(DOSSIER_RECEIVE):
        raise DjangoPermissionDenied
    return _kiosk_page(request)


def _kiosk_page(request: HttpRequest, error: DomainError | None = None) -> HttpResponse:
    dossier = kiosk_next_dossier(user=request.user)
    context = {
        "kiosk": True,
        "next_dossier": dossier,
        "next_rating_url": rating_url_for(dossier) if dossier else "",
        "leave_error": error,
    }
    return render(request, "satisfaction/kiosk.html", context, status=error.status_code if error else 200)


@login_required
@never_cache
@require_POST
def kiosk_leave_view(request: HttpRequest) -> HttpResponse:
    """The officer's own way out of kiosk mode: their password (``services.kiosk_leave``)."""
    if not isinstance(request.user, User) or not request.user.has_perm(DOSSIER_RECEIVE):
        raise DjangoPermissionDenied
    try:
        kiosk_leave(user=request.user, password=request.POST.get("password", ""))
    except DomainError as exc:
        return _kiosk_page(request, exc)
    return redirect("core:staff_home")


# --- Staff pages ---------------------------------------------------------------------------------


def _raise_http(exc: DomainError) -> None:
    """Denials become the styled 403 / 404 pages (the selectors audited them already)."""
    if isinstance(exc, NotFound):
        raise Http404(str(exc.message)) from exc
    if isinstance(exc, PermissionDenied):
        raise DjangoPermissionDenied(str(exc.message)) from exc


@login_required
@never_cache
@require_GET
def aggregates(request: HttpRequest) -> HttpResponse:
    """Ratings per unit in the user's scope for one ended month; groups under 5 are suppressed."""
    start, end = month_bounds(request.GET.get("month"))
    context = {"start": start, "end": end, "month": f"{start:%Y-%m}", "min_group": MIN_GROUP, "levels": list(Level)}
    try:
        groups = rating_aggregates(user=request.user, start=start, end=end, unit_code=request.GET.get("unit") or None)
    except DomainError as exc:
        _raise_http(exc)
        return render(request, "satisfaction/aggregates.html", {**context, "error": exc}, status=exc.status_code)
    context |= {"groups": groups, "can_drilldown": request.user.has_perm(RATING_DRILLDOWN)}
    return render(request, "satisfaction/aggregates.html", context)


@login_required
@never_cache
@require_GET
def drilldown_unit(request: HttpRequest, unit_code: str) -> HttpResponse:
    """A leader of the unit reads its individual ratings for one month (audited)."""
    start, end = month_bounds(request.GET.get("month"))
    try:
        rows = rating_drilldown(user=request.user, unit_code=unit_code, start=start, end=end)
    except DomainError as exc:
        _raise_http(exc)
        return render(request, "satisfaction/drilldown.html", {"error": exc}, status=exc.status_code)
    context = {"rows": rows, "unit_code": unit_code, "start": start, "end": end, "month": f"{start:%Y-%m}"}
    return render(request, "satisfaction/drilldown.html", context)


@login_required
@never_cache
@require_GET
def drilldown_dossier(request: HttpRequest, code: str) -> HttpResponse:
    """A leader of the receiving unit reads one dossier's rating (audited)."""
    try:
        row = rating_of_dossier(user=request.user, code=code)
    except DomainError as exc:
        _raise_http(exc)
        return render(request, "satisfaction/drilldown.html", {"error": exc}, status=exc.status_code)
    return render(request, "satisfaction/drilldown.html", {"rows": [row] if row else [], "dossier_code": code})
