"""Typed API schemas of the service-quality index (``/api/v1/indices``)."""

from __future__ import annotations

from decimal import Decimal

from ninja import Field, Schema

from motcua.indices.choices import Status
from motcua.indices.compute import GroupResult, IndicatorResult
from motcua.indices.selectors import RankRow, ServiceIndex


def _num(value: Decimal | int | None) -> float | None:
    return float(value) if value is not None else None


class IndicatorOut(Schema):
    code: str = Field(..., description="As in RULES.md §2.2, e.g. 2.1")
    name: str
    numerator: float | None = Field(..., description="A count; for 2.2 the total processing time in days")
    denominator: int | None
    rate: float | None = Field(..., description="Percent (2 decimals); for 2.2 the average in days")
    points: float | None = Field(..., description="None for monitoring-only indicators and when there is no data")
    max: float
    status: Status = Field(..., description="ok; no_data (nothing to count: never shown as zero); not_computable")
    confirmed: bool = Field(..., description="False where RULES.md marks the points formula as not confirmed")
    unit: str = Field(..., description="percent, or days (2.2)")
    note: str

    @staticmethod
    def of(result: IndicatorResult) -> IndicatorOut:
        return IndicatorOut(
            code=result.code,
            name=result.name,
            numerator=_num(result.numerator),
            denominator=result.denominator,
            rate=_num(result.rate),
            points=_num(result.points),
            max=float(result.max),
            status=result.status,
            confirmed=result.confirmed,
            unit=result.unit,
            note=result.note,
        )


class GroupOut(Schema):
    code: int
    name: str
    points: float
    max: float = Field(..., description="The maximum of the indicators that could be computed")
    max_defined: float = Field(..., description="The group's maximum in the indicator table")
    indicators: list[IndicatorOut]

    @staticmethod
    def of(group: GroupResult) -> GroupOut:
        return GroupOut(
            code=group.code,
            name=group.name,
            points=float(group.points),
            max=float(group.max),
            max_defined=float(group.max_defined),
            indicators=[IndicatorOut.of(i) for i in group.indicators],
        )


class ServiceIndexOut(Schema):
    unit: str = Field(..., description="The unit's official code")
    unit_name: str
    period: str = Field(..., description="YYYY, YYYY-Qn, YYYY-MM or YYYY-MM-DD..YYYY-MM-DD")
    total: float
    max: float = Field(..., description="The points that could be computed")
    max_defined: float = Field(..., description="The points of the whole indicator table (100)")
    score: float | None = Field(..., description="total ÷ max in percent: the grade and the rank use it")
    grade: str | None = Field(..., description="The grade band's name (RULES.md §2.3, configurable)")
    groups: list[GroupOut]

    @staticmethod
    def of(index: ServiceIndex) -> ServiceIndexOut:
        return ServiceIndexOut(
            unit=index.unit.code,
            unit_name=index.unit.name,
            period=index.period.code,
            total=float(index.total),
            max=float(index.max),
            max_defined=float(index.max_defined),
            score=_num(index.score),
            grade=index.grade.name if index.grade else None,
            groups=[GroupOut.of(g) for g in index.groups],
        )


class ItemOut(Schema):
    code: str = Field(..., description="A dossier code, a petition code or a procedure code")
    reason: str
    value: float | None = Field(None, description="2.2: the dossier's processing time in days")


class ItemsOut(Schema):
    count: int
    items: list[ItemOut]


class RankOut(Schema):
    unit: str
    unit_name: str
    total: float
    max: float
    score: float | None
    rank: int | None = Field(..., description='Competition ranking ("1224") by score')
    grade: str | None
    previous_score: float | None
    change: float | None = Field(..., description="Score minus the previous period's score")
    group_ranks: dict[str, int | None]

    @staticmethod
    def of(row: RankRow) -> RankOut:
        index = row.index
        return RankOut(
            unit=index.unit.code,
            unit_name=index.unit.name,
            total=float(index.total),
            max=float(index.max),
            score=_num(index.score),
            rank=row.rank,
            grade=index.grade.name if index.grade else None,
            previous_score=_num(row.previous_score),
            change=_num(row.change),
            group_ranks={str(k): v for k, v in row.group_ranks.items()},
        )


class RankingOut(Schema):
    parent: str
    period: str
    previous_period: str
    units: list[RankOut]
