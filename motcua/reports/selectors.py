"""The periodic one-stop report (báo cáo tình hình, kết quả giải quyết TTHC): reads only.

For a unit (a commune, or a province = its communes) and a period (core.periods), the dossiers
its one-stop desks received are counted as the usual report form counts them (docs/reports.md):

- **received** = carried over from before the period (received earlier, not finished when the
  period began) + new in the period, online or directly (in person or by post);
- **settled** in the period (the end of processing, RULES.md §1.6, falls in it): early, on time,
  late as the clock judged them (``Dossier.timeliness``);
- **pending** at the end of the period: not yet due, or overdue (the appointment passed before the
  period ended; a dossier waiting for the applicant's supplement is never overdue, §1.6).

Then the petitions (RULES.md §5) and the ratings (§3.2) of the same unit and period. Every count
is one conditional aggregate per grouping (sector, procedure, month), so a province's quarter is
a handful of queries whatever the number of dossiers.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.catalog.models import Procedure
from motcua.core.exceptions import DomainError, NotFound
from motcua.core.models import AdministrativeUnit
from motcua.core.periods import Period
from motcua.core.permissions import REPORT_VIEW
from motcua.core.scoping import ALL, scope_root_path
from motcua.core.text import fold
from motcua.dossiers.choices import Channel, DossierStatus, Timeliness
from motcua.dossiers.models import Dossier
from motcua.feedback.choices import PetitionStatus, ReportClass
from motcua.feedback.models import Petition
from motcua.reports.exceptions import ReportErrorCode
from motcua.satisfaction.choices import Level
from motcua.satisfaction.models import Rating

VN = ZoneInfo("Asia/Ho_Chi_Minh")

_COUNT_FIELDS = ("carried", "online", "direct", "settled", "early", "on_time", "late", "pending", "overdue")


@dataclass(frozen=True)
class Counts:
    carried: int = 0
    online: int = 0
    direct: int = 0
    settled: int = 0
    early: int = 0
    on_time: int = 0
    late: int = 0
    pending: int = 0
    overdue: int = 0

    @property
    def new(self) -> int:
        return self.online + self.direct

    @property
    def received(self) -> int:
        return self.carried + self.new

    @property
    def in_time(self) -> int:
        """Pending and not yet due."""
        return self.pending - self.overdue

    @property
    def on_time_rate(self) -> float | None:
        """Early or on time among the settled, in per cent; None when nothing was settled."""
        return round(100 * (self.early + self.on_time) / self.settled, 1) if self.settled else None


@dataclass(frozen=True)
class Row:
    code: str
    name: str
    counts: Counts


@dataclass(frozen=True)
class MonthBar:
    month: date
    early: int
    on_time: int
    late: int


@dataclass(frozen=True)
class PetitionSummary:
    received: int = 0
    about_rules: int = 0  # "Quy định, chính sách, thủ tục"
    about_staff: int = 0  # "Hành vi của cán bộ công chức"
    unclassified: int = 0
    answered: int = 0
    answered_on_time: int = 0
    refused: int = 0
    open_at_end: int = 0


@dataclass(frozen=True)
class RatingSummary:
    total: int = 0
    by_level: dict[int, int] = field(default_factory=dict)

    @property
    def satisfied(self) -> int:
        return self.by_level.get(Level.SATISFIED, 0) + self.by_level.get(Level.VERY_SATISFIED, 0)

    @property
    def satisfied_rate(self) -> float | None:
        return round(100 * self.satisfied / self.total, 1) if self.total else None


@dataclass(frozen=True)
class OneStopReport:
    unit_code: str
    unit_name: str
    period: Period
    generated_at: datetime
    total: Counts
    by_sector: list[Row]
    by_procedure: list[Row]
    by_month: list[MonthBar]
    petitions: PetitionSummary
    ratings: RatingSummary


# --- Who may read which unit ----------------------------------------------------------------


def report_unit(*, user: User | AnonymousUser | None, code: str = "") -> AdministrativeUnit:
    """The current unit ``code`` (the user's own when empty) if the user may read its report."""
    from motcua.core.scoping import user_unit

    if user is None or not user.is_authenticated or not user.has_perm(REPORT_VIEW):
        raise DomainError(ReportErrorCode.UNIT_OUT_OF_SCOPE, _("You may not read reports."), status_code=403)
    root = scope_root_path(user)
    if not code:
        own = user_unit(user)
        if own is None:
            raise NotFound(ReportErrorCode.UNIT_NOT_FOUND, _("Your account belongs to no unit: name one."))
        code = own.code
    unit = _current_unit(code)
    if root is None or (root != ALL and not unit.path.startswith(root)):
        # The same answer as a unit that does not exist: the scope is not revealed.
        raise NotFound(ReportErrorCode.UNIT_NOT_FOUND, _("No unit with this code in your scope."))
    return unit


def _current_unit(code: str) -> AdministrativeUnit:
    unit = AdministrativeUnit.objects.filter(code=code.strip()[:10], valid_to__isnull=True).first()
    if unit is None:
        raise NotFound(ReportErrorCode.UNIT_NOT_FOUND, _("No unit with this code in your scope."))
    return unit


def command_unit(code: str) -> AdministrativeUnit:
    """The unit for ``motcua report`` (a command run by the operator, not a user's request)."""
    return _current_unit(code)


# --- The report ---------------------------------------------------------------------------------


def _unit_ids(unit: AdministrativeUnit) -> list[int]:
    """The ids of the unit and every unit below it (one small query): the dossier query then
    filters its own indexed ``receiving_unit_id`` column instead of joining the units."""
    return list(AdministrativeUnit.objects.filter(path__startswith=unit.path).values_list("pk", flat=True))


def _dossiers(user: User | None, unit: AdministrativeUnit, period: Period) -> QuerySet[Dossier]:
    # The scope: ``report_unit`` checked that ``unit`` lies in the user's scope, and every
    # dossier received under it is in the "view" scope of that user (the receiving unit is one of
    # its ways), so the rows are read without the generic scope's OR over the steps (which cost
    # five times the whole count at 100,000 dossiers, docs/performance.md).
    if user is not None and not _in_scope(user, unit):
        return Dossier.objects.unrestricted("report: a unit outside the reader's scope reads nothing").none()
    reason = "report: dossiers received under a unit that report_unit checked against the user's scope"
    return Dossier.objects.unrestricted(reason).filter(
        Q(finished_at__isnull=True) | Q(finished_at__gte=period.start),
        receiving_unit_id__in=_unit_ids(unit),
        received_at__isnull=False,
        received_at__lt=period.end,
    )


def _in_scope(user: User, unit: AdministrativeUnit) -> bool:
    root = scope_root_path(user)
    return user.has_perm(REPORT_VIEW) and root is not None and (root == ALL or unit.path.startswith(root))


def _conditions(period: Period) -> dict[str, Q]:
    settled = Q(finished_at__gte=period.start, finished_at__lt=period.end)
    pending = Q(finished_at__isnull=True) | Q(finished_at__gte=period.end)
    waiting = Q(finished_at__isnull=True, status=DossierStatus.SUPPLEMENT_REQUESTED)
    return {
        "carried": Q(received_at__lt=period.start),
        "online": Q(received_at__gte=period.start, channel=Channel.ONLINE),
        "direct": Q(received_at__gte=period.start) & ~Q(channel=Channel.ONLINE),
        "settled": settled,
        "early": settled & Q(timeliness=Timeliness.EARLY),
        "on_time": settled & Q(timeliness=Timeliness.ON_TIME),
        "late": settled & Q(timeliness=Timeliness.LATE),
        "pending": pending,
        "overdue": pending & Q(due_at__lt=period.end) & ~waiting,
    }


def _aggregates(period: Period) -> dict[str, Any]:
    return {name: Count("pk", filter=condition) for name, condition in _conditions(period).items()}


def _counts(values: dict[str, Any]) -> Counts:
    return Counts(**{name: int(values.get(name) or 0) for name in _COUNT_FIELDS})


def _sum(counts: list[Counts]) -> Counts:
    return Counts(**{name: sum(getattr(c, name) for c in counts) for name in _COUNT_FIELDS})


def one_stop_report(*, user: User | None, unit: AdministrativeUnit, period: Period, now: datetime | None = None) -> OneStopReport:
    """The report of ``unit`` for ``period``; ``user`` None for the operator's command.

    Two passes over the dossiers: the conditional counts grouped by procedure (sectors and the
    total are sums of those rows), and the settled ones grouped by month."""
    dossiers = _dossiers(user, unit, period)
    by_procedure = {
        row["procedure_id"]: _counts(row) for row in dossiers.values("procedure_id").annotate(**_aggregates(period)).order_by()
    }
    procedures = {
        p.pk: p
        for p in Procedure.objects.filter(pk__in=list(by_procedure))
        .select_related("sector")
        .only("code", "name", "sector__slug", "sector__name")
    }
    procedure_rows = sorted(
        (Row(code=procedures[pk].code, name=procedures[pk].name, counts=counts) for pk, counts in by_procedure.items()),
        key=lambda row: (fold(row.name), row.code),
    )
    sector_counts: dict[tuple[str, str], list[Counts]] = {}
    for pk, counts in by_procedure.items():
        sector = procedures[pk].sector
        key = (sector.slug, sector.name) if sector is not None else ("", str(_("No sector")))
        sector_counts.setdefault(key, []).append(counts)
    sectors = sorted(
        (Row(code=slug, name=name, counts=_sum(items)) for (slug, name), items in sector_counts.items()),
        key=lambda row: fold(row.name),
    )
    settled = _conditions(period)["settled"]
    months: dict[date, dict[str, int]] = {month: {} for month in period.months()}
    for row in (
        dossiers.filter(settled)
        .annotate(month=TruncMonth("finished_at", tzinfo=VN))
        .values("month", "timeliness")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        month = row["month"].date() if isinstance(row["month"], datetime) else row["month"]
        months.setdefault(month, {})[row["timeliness"]] = row["n"]
    bars = [
        MonthBar(month, early=v.get(Timeliness.EARLY, 0), on_time=v.get(Timeliness.ON_TIME, 0), late=v.get(Timeliness.LATE, 0))
        for month, v in sorted(months.items())
    ]
    return OneStopReport(
        unit_code=unit.code,
        unit_name=unit.name,
        period=period,
        generated_at=now or timezone.now(),
        total=_sum(list(by_procedure.values())),
        by_sector=sectors,
        by_procedure=procedure_rows,
        by_month=bars,
        petitions=_petitions(user, unit, period),
        ratings=_ratings(user, unit, period),
    )


_PETITION_ENDED = (
    PetitionStatus.PUBLISHED,
    PetitionStatus.CLOSED,
    PetitionStatus.REFUSED,
    PetitionStatus.MERGED,
    PetitionStatus.FORWARDED,
)


def _petitions(user: User | None, unit: AdministrativeUnit, period: Period) -> PetitionSummary:
    # Counts only, of a unit that ``report_unit`` checked against the reader's scope: a province
    # reviewer or a unit administrator reads them without the petition-handling permission (a
    # scoped read would have given them 0 petitions).
    if user is not None and not _in_scope(user, unit):
        return PetitionSummary()
    qs = Petition.objects.unrestricted("report: counts of petitions of a unit in the reader's scope")
    qs = qs.filter(unit_id__in=_unit_ids(unit))
    received = Q(received_at__gte=period.start, received_at__lt=period.end)
    answered = Q(approved_at__gte=period.start, approved_at__lt=period.end)
    values = qs.aggregate(
        received=Count("pk", filter=received),
        about_rules=Count("pk", filter=received & Q(report_class=ReportClass.REGULATION)),
        about_staff=Count("pk", filter=received & Q(report_class=ReportClass.CONDUCT)),
        unclassified=Count("pk", filter=received & Q(report_class="")),
        answered=Count("pk", filter=answered),
        answered_on_time=Count("pk", filter=answered & Q(answered_on_time=True)),
        refused=Count("pk", filter=received & Q(status=PetitionStatus.REFUSED)),
        # Still open now among those received before the end (the state at the end of a past
        # period is approximated by today's, docs/reports.md).
        open_at_end=Count(
            "pk",
            filter=Q(received_at__lt=period.end)
            & ~Q(status__in=_PETITION_ENDED)
            & (Q(approved_at__isnull=True) | Q(approved_at__gte=period.end)),
        ),
    )
    return PetitionSummary(**{k: int(v or 0) for k, v in values.items()})


def _ratings(user: User | None, unit: AdministrativeUnit, period: Period) -> RatingSummary:
    if user is not None and not _in_scope(user, unit):
        return RatingSummary()
    qs = Rating.objects.unrestricted("report: counts of ratings of a unit in the reader's scope (levels only)")
    codes = AdministrativeUnit.objects.filter(path__startswith=unit.path).values("code")
    rows = (
        qs.filter(unit_code__in=codes, month__gte=period.first.replace(day=1), month__lte=period.last)
        .values("overall")
        .annotate(n=Count("pk"))
        .order_by()
    )
    by_level = {int(row["overall"]): int(row["n"]) for row in rows}
    return RatingSummary(total=sum(by_level.values()), by_level=by_level)


# --- The annex: one row per dossier ----------------------------------------------------------------

ANNEX_FIELDS = ("code", "procedure_id", "channel", "received_at", "due_at", "finished_at", "status", "timeliness")


def report_dossier_rows(*, user: User | None, unit: AdministrativeUnit, period: Period) -> Iterator[tuple[Any, ...]]:
    """Every dossier the report counts, oldest receipt first, streamed (no personal data):
    (code, procedure code, procedure name, sector, channel, received, due, finished, status,
    timeliness). The procedures are read once, not joined on every row."""
    dossiers = _dossiers(user, unit, period)
    names = {
        pk: (code, name, sector or "")
        for pk, code, name, sector in Procedure.objects.filter(pk__in=dossiers.order_by().values("procedure_id")).values_list(
            "pk", "code", "name", "sector__name"
        )
    }
    for code, procedure_id, channel, received, due, finished, status, timeliness in (
        dossiers.order_by("received_at", "pk").values_list(*ANNEX_FIELDS).iterator(chunk_size=5000)
    ):
        procedure_code, procedure_name, sector = names[procedure_id]
        yield (code, procedure_code, procedure_name, sector, channel, received, due, finished, status, timeliness)
