"""The rating page (kiosk at the counter or the QR link): one question per block, large
buttons, works without JavaScript. And the staff pages: aggregates (groups of at least 5) and a
leader's audited drill-down (docs/satisfaction.md)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from motcua.core.exceptions import DomainError, NotFound, PermissionDenied
from motcua.core.permissions import RATING_DRILLDOWN
from motcua.dossiers.choices import RATABLE_STATUSES
from motcua.dossiers.ratings import dossier_for_token
from motcua.satisfaction.choices import Level, RatingChannel
from motcua.satisfaction.selectors import (
    MIN_GROUP,
    active_criteria,
    month_bounds,
    rating_aggregates,
    rating_drilldown,
    rating_of_dossier,
)
from motcua.satisfaction.services import rating_submit


@require_http_methods(["GET", "POST"])
def rate(request: HttpRequest, token: str) -> HttpResponse:
    dossier = dossier_for_token(token)
    criteria = active_criteria()
    context = {
        "dossier": dossier,
        "criteria": criteria,
        "levels": list(Level),
        "token": token,
        "kiosk": request.GET.get("kiosk") == "1" or request.POST.get("kiosk") == "1",
    }
    if dossier is None:
        return render(request, "satisfaction/rate.html", {**context, "invalid": True}, status=404)
    if dossier.rated:
        return render(request, "satisfaction/thanks.html", {**context, "already": True})
    if request.method == "GET" and dossier.status not in RATABLE_STATUSES:
        return render(request, "satisfaction/rate.html", {**context, "not_open": True})
    if request.method == "POST":

        def level(name: str) -> int:
            try:
                return int(request.POST.get(name, ""))
            except ValueError:
                return 0

        answers = {c.code: level(f"q_{c.code}") for c in criteria if request.POST.get(f"q_{c.code}")}
        try:
            rating_submit(
                token=token,
                overall=level("overall"),
                answers=answers,
                channel=RatingChannel.KIOSK if context["kiosk"] else RatingChannel.QR,
                comment=request.POST.get("comment", ""),
            )
        except DomainError as exc:
            return render(request, "satisfaction/rate.html", {**context, "error": exc}, status=exc.status_code)
        return render(request, "satisfaction/thanks.html", context)
    return render(request, "satisfaction/rate.html", context)


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
