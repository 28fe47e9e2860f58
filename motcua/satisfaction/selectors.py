"""Reads of ratings: aggregates only (never per dossier)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Avg, Count, Q

from motcua.core.models import AdministrativeUnit
from motcua.core.scoping import restrict
from motcua.satisfaction.models import Rating, RatingCriterion


@dataclass(frozen=True)
class RatingSummary:
    count: int
    average: float | None
    satisfied_share: float | None  # satisfied + very satisfied, the SIPAS-style share


def rating_summary(*, user: User | AnonymousUser, since: date | None = None) -> RatingSummary:
    units = restrict(AdministrativeUnit.objects.all(), user, unit_path="path").values("code")
    qs = Rating.objects.filter(unit_code__in=units)
    if since is not None:
        qs = qs.filter(month__gte=since)
    agg = qs.aggregate(n=Count("id"), avg=Avg("overall"), good=Count("id", filter=Q(overall__gte=4)))
    n = agg["n"] or 0
    return RatingSummary(n, float(agg["avg"]) if agg["avg"] is not None else None, (agg["good"] / n) if n else None)


def active_criteria() -> list[RatingCriterion]:
    return list(RatingCriterion.objects.filter(active=True))
