"""Reporting periods: a month, a quarter, a year or any range of days, in Vietnam's time.

``parse_period("2026-Q3")``, ``parse_period("2026-07")``, ``parse_period("2026")`` or
``period_between(date(2026, 7, 1), date(2026, 9, 30))``. A period covers whole days from ``first``
to ``last`` inclusive; ``start``/``end`` are the aware instants (Asia/Ho_Chi_Minh) of its first
moment and of the first moment after it, for half-open ``[start, end)`` filters. The periodic
reports and the index read the same periods.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.core.exceptions import CoreErrorCode, DomainError

VN = ZoneInfo("Asia/Ho_Chi_Minh")
EARLIEST_YEAR = 2000
LATEST_YEAR = 2099
MAX_RANGE_DAYS = 5 * 366  # a range longer than five years is a typing mistake

_PATTERN = re.compile(r"^\s*(?P<year>\d{4})(?:-(?:(?P<quarter>[Qq][1-4])|(?P<month>0[1-9]|1[0-2])))?\s*$")


class PeriodKind(StrEnum):
    MONTH = "month"
    QUARTER = "quarter"
    YEAR = "year"
    RANGE = "range"


@dataclass(frozen=True)
class Period:
    kind: PeriodKind
    first: date
    last: date  # inclusive

    @property
    def start(self) -> datetime:
        return datetime.combine(self.first, time.min, tzinfo=VN)

    @property
    def end(self) -> datetime:
        """The first instant after the period."""
        return datetime.combine(self.last + timedelta(days=1), time.min, tzinfo=VN)

    @property
    def code(self) -> str:
        """``2026``, ``2026-Q3``, ``2026-07`` or ``2026-07-01..2026-07-15``."""
        if self.kind is PeriodKind.YEAR:
            return f"{self.first.year}"
        if self.kind is PeriodKind.QUARTER:
            return f"{self.first.year}-Q{(self.first.month - 1) // 3 + 1}"
        if self.kind is PeriodKind.MONTH:
            return f"{self.first.year}-{self.first.month:02d}"
        return f"{self.first.isoformat()}..{self.last.isoformat()}"

    @property
    def label(self) -> str:
        """In the reader's language: "Quý III năm 2026", "Tháng 07/2026", "Năm 2026"."""
        if self.kind is PeriodKind.YEAR:
            return _("Year %(year)s") % {"year": self.first.year}
        if self.kind is PeriodKind.QUARTER:
            roman = ("I", "II", "III", "IV")[(self.first.month - 1) // 3]
            return _("Quarter %(quarter)s of %(year)s") % {"quarter": roman, "year": self.first.year}
        if self.kind is PeriodKind.MONTH:
            return _("Month %(month)s") % {"month": self.first.strftime("%m/%Y")}
        return _("From %(first)s to %(last)s") % {
            "first": self.first.strftime("%d/%m/%Y"),
            "last": self.last.strftime("%d/%m/%Y"),
        }

    def cutoff(self, now: datetime | None = None) -> datetime:
        """When open dossiers are judged: the end of the period, or now if it has not ended
        (RULES.md §1.6: "a dossier still open at the end of the period is judged at the
        period's last day")."""
        current = now or timezone.now()
        return min(self.end, max(current, self.start))

    def previous(self) -> Period:
        """The period of the same kind and length just before this one."""
        if self.kind is PeriodKind.YEAR:
            return year_period(self.first.year - 1)
        if self.kind is PeriodKind.QUARTER:
            first = _add_months(self.first, -3)
            return quarter_period(first.year, (first.month - 1) // 3 + 1)
        if self.kind is PeriodKind.MONTH:
            first = _add_months(self.first, -1)
            return month_period(first.year, first.month)
        length = (self.last - self.first).days + 1
        return Period(PeriodKind.RANGE, self.first - timedelta(days=length), self.first - timedelta(days=1))

    def months(self) -> list[date]:
        """The first day of every month the period touches (for monthly trends)."""
        out, month = [], self.first.replace(day=1)
        while month <= self.last:
            out.append(month)
            month = _add_months(month, 1)
        return out


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def _refused(message: str) -> DomainError:
    return DomainError(CoreErrorCode.PERIOD_INVALID, message, fields={"period": message}, status_code=400)


def _invalid(text: str) -> DomainError:
    return _refused(
        _("“%(text)s” is not a period: write 2026, 2026-Q3 or 2026-07 (between %(first)s and %(last)s).")
        % {"text": text[:40], "first": EARLIEST_YEAR, "last": LATEST_YEAR}
    )


def _check_year(year: int, text: str) -> None:
    if not EARLIEST_YEAR <= year <= LATEST_YEAR:
        raise _invalid(text)


def year_period(year: int) -> Period:
    _check_year(year, str(year))
    return Period(PeriodKind.YEAR, date(year, 1, 1), date(year, 12, 31))


def quarter_period(year: int, quarter: int) -> Period:
    _check_year(year, f"{year}-Q{quarter}")
    first = date(year, 3 * (quarter - 1) + 1, 1)
    return Period(PeriodKind.QUARTER, first, _add_months(first, 3) - timedelta(days=1))


def month_period(year: int, month: int) -> Period:
    _check_year(year, f"{year}-{month:02d}")
    first = date(year, month, 1)
    return Period(PeriodKind.MONTH, first, _add_months(first, 1) - timedelta(days=1))


def period_between(first: date, last: date) -> Period:
    """Any range of whole days, both ends included."""
    text = f"{first.isoformat()}..{last.isoformat()}"
    _check_year(first.year, text)
    _check_year(last.year, text)
    if last < first:
        raise _refused(_("The period ends before it starts."))
    if (last - first).days + 1 > MAX_RANGE_DAYS:
        raise _refused(_("A period can be at most five years long."))
    return Period(PeriodKind.RANGE, first, last)


def parse_period(text: str) -> Period:
    """``YYYY``, ``YYYY-Qn`` or ``YYYY-MM``; anything else is refused with a translated error."""
    match = _PATTERN.match(text or "")
    if match is None:
        raise _invalid(text or "")
    year = int(match["year"])
    if match["quarter"]:
        return quarter_period(year, int(match["quarter"][1]))
    if match["month"]:
        return month_period(year, int(match["month"]))
    return year_period(year)


def current_period(kind: PeriodKind, today: date) -> Period:
    """The month, quarter or year holding ``today``."""
    if kind is PeriodKind.YEAR:
        return year_period(today.year)
    if kind is PeriodKind.QUARTER:
        return quarter_period(today.year, (today.month - 1) // 3 + 1)
    return month_period(today.year, today.month)


def period_from(
    value: str | None = None, first: date | None = None, last: date | None = None, *, today: date | None = None
) -> Period:
    """The period a caller asked for: ``value``, else the ``first``–``last`` range, else the
    current quarter."""
    if value:
        if first is not None or last is not None:
            raise _refused(_("Give either a period or from and to dates, not both."))
        return parse_period(value)
    if first is not None or last is not None:
        if first is None or last is None:
            raise _refused(_("Give both the from and the to date."))
        return period_between(first, last)
    return current_period(PeriodKind.QUARTER, today or timezone.localdate())
