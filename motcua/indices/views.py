"""Staff pages of the index: ``/chi-so/`` (the index of the user's unit for a chosen period, the
six groups, every number a link) and ``/chi-so/<code>/`` (the items behind one number). Thin
adapters over ``selectors``; both need the items permission in the unit's scope."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from motcua.core.exceptions import DomainError, NotFound
from motcua.core.models import AdministrativeUnit
from motcua.core.periods import Period, period_from
from motcua.core.scoping import user_unit
from motcua.core.selectors import unit_get
from motcua.indices.choices import ItemKind, Part
from motcua.indices.measures import MEASURES
from motcua.indices.selectors import AVERAGE_TIME, indicator_get, indicator_items, items_allowed, service_index

PAGE = 100


def _unit_and_period(request: HttpRequest) -> tuple[AdministrativeUnit, Period | DomainError]:
    code = request.GET.get("unit", "").strip()[:10]
    unit = None
    if code:
        try:
            unit = unit_get(code=code)
        except NotFound as exc:
            raise Http404(str(exc.message)) from exc
    else:
        unit = user_unit(request.user)
    if unit is None or not items_allowed(request.user, unit):
        raise DjangoPermissionDenied
    try:
        period: Period | DomainError = period_from(request.GET.get("period", "").strip()[:20] or None)
    except DomainError as exc:
        period = exc
    return unit, period


@login_required
@never_cache
@require_GET
def index_page(request: HttpRequest) -> HttpResponse:
    unit, period = _unit_and_period(request)
    if isinstance(period, DomainError):
        context = {"unit": unit, "period_text": request.GET.get("period", "")[:20], "error": period}
        return render(request, "indices/index.html", context, status=400)
    index = service_index(unit=unit, period=period)
    linked = {*MEASURES, AVERAGE_TIME}
    return render(request, "indices/index.html", {"unit": unit, "period_text": period.code, "index": index, "linked": linked})


_LINKS = {ItemKind.DOSSIER: "dossiers:detail", ItemKind.PETITION: "feedback:detail", ItemKind.PROCEDURE: "catalog:detail"}


@login_required
@never_cache
@require_GET
def items_page(request: HttpRequest, code: str) -> HttpResponse:
    unit, period = _unit_and_period(request)
    if isinstance(period, DomainError):
        raise Http404(str(period.message))
    part = Part.DENOMINATOR if request.GET.get("part") == Part.DENOMINATOR else Part.NUMERATOR
    try:
        offset = max(0, min(int(request.GET.get("offset", "0")), 1_000_000))
    except ValueError:
        offset = 0
    try:
        indicator = indicator_get(code[:12])
        items = indicator_items(
            user=request.user, unit=unit, period=period, code=indicator.code, part=part, limit=PAGE, offset=offset
        )
    except NotFound as exc:
        raise Http404(str(exc.message)) from exc
    measure = MEASURES.get(indicator.code)
    kind = ItemKind.DOSSIER if indicator.code == AVERAGE_TIME or measure is None else measure.items
    if measure is not None:
        chosen = measure.numerator if part == Part.NUMERATOR else measure.denominator
        if chosen.distinct:
            kind = ItemKind.PROCEDURE
    context = {
        "unit": unit,
        "period": period,
        "indicator": indicator,
        "part": part,
        "items": items,
        "kind": kind,
        "link": _LINKS[kind],
        "offset": offset,
        "next_offset": offset + PAGE if offset + PAGE < items.count else None,
        "previous_offset": max(0, offset - PAGE) if offset else None,
        "first": offset + 1 if items.count else 0,
        "last": offset + len(items.items),
    }
    return render(request, "indices/items.html", context)
