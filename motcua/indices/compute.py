"""Pure arithmetic of the index (RULES.md §2.2 scoring, §2.3 grades and ranking): rates, points
from an indicator's formula and parameters, the grade band of a score, competition ranking.
No database access: ``selectors`` counts, this module turns counts into points."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.utils.translation import gettext_lazy as _

from motcua.indices.choices import FormulaKind, Status

# RULES.md §2.1: the six groups (portal codes) in order.
GROUP_NAMES: dict[int, Any] = {
    1: _("Transparency"),
    2: _("Progress of processing"),
    3: _("Online services"),
    4: _("Online payment"),
    5: _("Satisfaction"),
    6: _("Digitisation"),
}
HUNDRED = Decimal(100)
CENT = Decimal("0.01")


def round2(value: Decimal) -> Decimal:
    """RULES.md §2.2: "Round to 2 decimals"."""
    return value.quantize(CENT, ROUND_HALF_UP)


def rate_of(numerator: int, denominator: int) -> Decimal | None:
    """The rate in percent, or None when there is nothing to divide by."""
    if denominator <= 0:
        return None
    return round2(Decimal(numerator) * HUNDRED / Decimal(denominator))


def points_for(formula: str, parameters: dict[str, Any], max_points: Decimal, rate: Decimal | None) -> Decimal | None:
    """Points from the rate (percent) by the indicator's formula:

    * ``linear``: ``max × rate / 100``; with ``scale``: ``min(max, scale × rate / 100)``;
    * ``threshold``: ``min(max, max × rate / threshold)`` (``threshold`` in percent);
    * ``monitoring``: no points.
    """
    if rate is None or formula == FormulaKind.MONITORING or max_points <= 0:
        return None
    if formula == FormulaKind.THRESHOLD:
        threshold = Decimal(str(parameters.get("threshold", 100)))
        if threshold <= 0:
            return max_points
        return round2(min(max_points, max_points * rate / threshold))
    scale = parameters.get("scale")
    if scale is not None:
        return round2(min(max_points, Decimal(str(scale)) * rate / HUNDRED))
    return round2(min(max_points, max_points * rate / HUNDRED))


@dataclass
class IndicatorResult:
    code: str
    group: int
    name: str
    numerator: Decimal | int | None
    denominator: int | None
    rate: Decimal | None
    points: Decimal | None
    max: Decimal
    status: Status
    confirmed: bool
    note: str = ""
    unit: str = "percent"  # "percent", or "days" for 2.2

    @property
    def scored(self) -> bool:
        return self.status == Status.OK and self.points is not None and self.max > 0


def score_indicator(
    *,
    code: str,
    group: int,
    name: str,
    formula: str,
    parameters: dict[str, Any],
    max_points: Decimal,
    confirmed: bool,
    numerator: int,
    denominator: int,
    note: str = "",
) -> IndicatorResult:
    """An indicator from its counts. Nothing to count is "no data" (never zero points), except
    where the parameters say an empty denominator earns the maximum (5.2, 5.3: "6 if there were
    no PAKN")."""
    if denominator <= 0:
        if parameters.get("empty_points") == "max":
            return IndicatorResult(code, group, name, 0, 0, None, max_points, max_points, Status.OK, confirmed, note)
        return IndicatorResult(code, group, name, 0, 0, None, None, max_points, Status.NO_DATA, confirmed, note)
    rate = rate_of(numerator, denominator)
    points = points_for(formula, parameters, max_points, rate)
    return IndicatorResult(code, group, name, numerator, denominator, rate, points, max_points, Status.OK, confirmed, note)


@dataclass
class GroupResult:
    code: int
    name: str
    indicators: list[IndicatorResult] = field(default_factory=list)

    @property
    def points(self) -> Decimal:
        return sum((i.points for i in self.indicators if i.scored and i.points is not None), Decimal(0))

    @property
    def max(self) -> Decimal:
        """The maximum of the indicators that could be scored."""
        return sum((i.max for i in self.indicators if i.scored), Decimal(0))

    @property
    def max_defined(self) -> Decimal:
        """The group's maximum in the indicator table (RULES.md §2.1)."""
        return sum((i.max for i in self.indicators), Decimal(0))


def score_percent(total: Decimal, maximum: Decimal) -> Decimal | None:
    """The total as a percent of the points that could be computed (the grade and the rank use it)."""
    return round2(total * HUNDRED / maximum) if maximum > 0 else None


def grade_for(score: Decimal | None, bands: Sequence[tuple[Decimal, Any]]) -> Any:
    """The band whose lower bound is the highest one not above ``score`` (``bands``: (min, grade))."""
    if score is None:
        return None
    for minimum, grade in sorted(bands, key=lambda band: band[0], reverse=True):
        if score >= minimum:
            return grade
    return None


def competition_ranks(values: Sequence[Decimal | None]) -> list[int | None]:
    """Competition ranking "1224" (RULES.md §2.3): equal values share a rank and the next rank
    is skipped; higher is better; a unit without a value has no rank."""
    ranked = sorted((v for v in values if v is not None), reverse=True)
    first: dict[Decimal, int] = {}
    for position, value in enumerate(ranked, start=1):
        first.setdefault(value, position)
    return [first[v] if v is not None else None for v in values]
