"""The leader's dashboard (issue 12 item 4): today's work and this month's figures, read only.

Today's numbers are the leader's own queue (``dossiers.selectors.dossier_queue``, capped like
the queue tabs they link to): received today, due today, overdue, awaiting the leader's
decision. This month's figures come from the periodic report of the month
(``selectors.one_stop_report``): settled on time, satisfied ratings, petitions answered within
15 working days, digitised dossiers; and the last six months' on-time rate as a trend.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.contrib.auth.models import User
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from motcua.core.models import AdministrativeUnit
from motcua.core.periods import PeriodKind, current_period, period_between
from motcua.dossiers.choices import DossierStatus
from motcua.dossiers.models import Document, Dossier
from motcua.dossiers.selectors import QueueFilter, dossier_queue, queue_count
from motcua.reports.selectors import MonthBar, OneStopReport, one_stop_report

VN = ZoneInfo("Asia/Ho_Chi_Minh")
TREND_MONTHS = 6


@dataclass(frozen=True)
class Figure:
    value: int
    more: bool  # the count reached the queue's cap ("more than 1,000")
    url: str


@dataclass(frozen=True)
class Rate:
    numerator: int
    denominator: int

    @property
    def percent(self) -> float | None:
        return round(100 * self.numerator / self.denominator, 1) if self.denominator else None


@dataclass(frozen=True)
class Dashboard:
    unit: AdministrativeUnit
    received_today: Figure
    due_today: Figure
    overdue: Figure
    awaiting_decision: Figure
    month: OneStopReport
    on_time: Rate
    satisfied: Rate
    petitions_on_time: Rate
    digitised: Rate
    trend: list[tuple[MonthBar, float | None]]


def leader_dashboard(*, user: User, unit: AdministrativeUnit, now: datetime | None = None) -> Dashboard:
    now = now or timezone.now()
    today = timezone.localtime(now, VN).date()
    day_start = datetime.combine(today, time.min, tzinfo=VN)
    day_end = day_start + timedelta(days=1)
    waiting = Q(status=DossierStatus.SUPPLEMENT_REQUESTED)
    queue = dossier_queue(user=user, flt=QueueFilter(), now=now).filter(receiving_unit__path__startswith=unit.path)

    def figure(qs: QuerySet[Dossier], url: str) -> Figure:
        value, more = queue_count(qs)
        return Figure(value, more, url)

    received = (
        Dossier.objects.restrict(user, "view")
        .filter(receiving_unit__path__startswith=unit.path, received_at__gte=day_start, received_at__lt=day_end)
        .order_by()
    )
    month_period = current_period(PeriodKind.MONTH, today)
    month = one_stop_report(user=user, unit=unit, period=month_period, now=now)
    trend_period = period_between(_months_back(month_period.first, TREND_MONTHS - 1), month_period.last)
    trend_report = one_stop_report(user=user, unit=unit, period=trend_period, now=now)
    trend = [(bar, _rate(bar.early + bar.on_time, bar.early + bar.on_time + bar.late)) for bar in trend_report.by_month]
    return Dashboard(
        unit=unit,
        received_today=figure(received, "/ho-so/?view=all&sort=-received"),
        due_today=figure(queue.filter(due_at__gte=now, due_at__lt=day_end).exclude(waiting), "/ho-so/?view=all&due=today"),
        overdue=figure(queue.filter(due_at__lt=now).exclude(waiting), "/ho-so/?view=overdue"),
        awaiting_decision=figure(queue.filter(status=DossierStatus.AWAITING_DECISION), "/ho-so/?view=decide"),
        month=month,
        on_time=Rate(month.total.early + month.total.on_time, month.total.settled),
        satisfied=Rate(month.ratings.satisfied, month.ratings.total),
        petitions_on_time=Rate(month.petitions.answered_on_time, month.petitions.answered),
        digitised=_digitised(user, unit, month_period.start, month_period.end),
        trend=trend,
    )


def _months_back(first: date, months: int) -> date:
    index = first.year * 12 + first.month - 1 - months
    return date(index // 12, index % 12 + 1, 1)


def _rate(numerator: int, denominator: int) -> float | None:
    return Rate(numerator, denominator).percent


def _digitised(user: User, unit: AdministrativeUnit, start: datetime, end: datetime) -> Rate:
    """Dossiers received in the month whose documents are all digitised (at least one document)."""
    documents = Document.objects.filter(dossier=OuterRef("pk"))
    received = (
        Dossier.objects.restrict(user, "view")
        .filter(receiving_unit__path__startswith=unit.path, received_at__gte=start, received_at__lt=end)
        .order_by()
    )
    total = received.count()
    digitised = received.filter(Exists(documents), ~Exists(documents.filter(digitized=False))).count()
    return Rate(digitised, total)
