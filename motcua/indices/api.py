"""The index API (``/api/v1/indices``): thin adapters over ``selectors``.

The index and the ranking are public (the national portal publishes them; they hold no personal
data). The items lists name dossiers and petitions: staff of the unit or of its province only.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from django.http import HttpRequest
from ninja import Path, Query, Router
from ninja.security import django_auth

from motcua.core.apikeys import ApiKeyAuth
from motcua.core.periods import Period, period_from
from motcua.core.schemas import ErrorOut
from motcua.core.selectors import unit_get
from motcua.indices.choices import Part
from motcua.indices.schemas import ItemOut, ItemsOut, RankingOut, RankOut, ServiceIndexOut
from motcua.indices.selectors import indicator_items, service_index, service_ranking

router = Router(tags=["indices"])
PUBLIC_ERRORS = {400: ErrorOut, 404: ErrorOut, 422: ErrorOut}
STAFF_ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}
UnitCode = Annotated[str, Query(min_length=1, max_length=10, pattern=r"^[0-9A-Za-z]+$", description="The unit's official code")]
PeriodText = Annotated[str, Query(max_length=20, description="YYYY, YYYY-Qn or YYYY-MM; or give from and to")]
From = Annotated[date | None, Query(alias="from", description="First day (with to), dd included")]
To = Annotated[date | None, Query(alias="to", description="Last day (with from), included")]


def _period(period: str, first: date | None, last: date | None) -> Period:
    return period_from(period or None, first, last)


@router.get(
    "/service",
    auth=None,
    response={200: ServiceIndexOut, **PUBLIC_ERRORS},
    summary="The service-quality index of a commune or province for a period (public)",
    description="400: the period is not valid; 404: no unit has the code. Indicators without data are "
    "`no_data` or `not_computable`, never zero.",
)
def get_service_index(
    request: HttpRequest, unit: UnitCode, period: PeriodText = "", first: From = None, last: To = None
) -> ServiceIndexOut:
    chosen = _period(period, first, last)
    return ServiceIndexOut.of(service_index(unit=unit_get(code=unit), period=chosen))


@router.get(
    "/service/indicators/{code}/items",
    auth=[ApiKeyAuth(), django_auth],
    response={200: ItemsOut, **STAFF_ERRORS},
    summary="The dossiers, petitions or procedures behind an indicator's numerator or denominator (staff)",
    description="401: not logged in; 403: not staff of the unit or of its province, or no permission; "
    "404: unknown unit or indicator, or an indicator with no items (not computable).",
)
def get_indicator_items(
    request: HttpRequest,
    code: Annotated[str, Path(max_length=12)],
    unit: UnitCode,
    period: PeriodText = "",
    first: From = None,
    last: To = None,
    part: Literal["numerator", "denominator"] = "numerator",
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> ItemsOut:
    chosen = _period(period, first, last)
    items = indicator_items(
        user=request.user, unit=unit_get(code=unit), period=chosen, code=code, part=Part(part), limit=limit, offset=offset
    )
    return ItemsOut(
        count=items.count,
        items=[ItemOut(code=i.code, reason=i.reason, value=float(i.value) if i.value is not None else None) for i in items.items],
    )


@router.get(
    "/service/ranking",
    auth=None,
    response={200: RankingOut, **PUBLIC_ERRORS},
    summary="The communes of a province ranked by their index (public)",
    description="400: the period is not valid; 404: no unit has the code, or it is not a province.",
)
def get_ranking(
    request: HttpRequest, parent: UnitCode, period: PeriodText = "", first: From = None, last: To = None
) -> RankingOut:
    chosen = _period(period, first, last)
    rows = service_ranking(parent=unit_get(code=parent), period=chosen)
    return RankingOut(
        parent=parent, period=chosen.code, previous_period=chosen.previous().code, units=[RankOut.of(r) for r in rows]
    )
