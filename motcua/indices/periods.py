"""The period of an index: a year ``YYYY``, a quarter ``YYYY-Qn``, a month ``YYYY-MM``, or any
range of days (from and to, both included), in Asia/Ho_Chi_Minh (RULES.md §2.2: "the period is
a month, quarter or year"; the issue adds any range)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.core.exceptions import DomainError
from motcua.indices.exceptions import IndexErrorCode

VN = ZoneInfo("Asia/Ho_Chi_Minh")
FIRST_YEAR, LAST_YEAR = 2000, 2099
MAX_RANGE_DAYS = 366 * 5
_YEAR = re.compile(r"^(\d{4})$")
_QUARTER = re.compile(r"^(\d{4})-[Qq]([1-4])$")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


@dataclass(frozen=True)
class Period:
    """Days ``first`` to ``last`` (both included); ``label`` as given (``2026-Q3``) or
    ``YYYY-MM-DD..YYYY-MM-DD`` for a range; ``kind`` year, quarter, month or range."""

    first: date
    last: date
    kind: str
    label: str

    @property
    def start(self) -> datetime:
        """The first instant (00:00 in Việt Nam)."""
        return datetime.combine(self.first, time.min, tzinfo=VN)

    @property
    def end(self) -> datetime:
        """The instant after the period (00:00 of the day after ``last``): ``[start, end)``."""
        return datetime.combine(self.last + timedelta(days=1), time.min, tzinfo=VN)

    def cutoff(self, now: datetime | None = None) -> datetime:
        """When open dossiers are judged: the end of the period, or now if it has not ended
        (RULES.md §1.6: "a dossier still open at the end of the period is judged at the
        period's last day")."""
        current = now or timezone.now()
        return min(self.end, max(current, self.start))

    def previous(self) -> Period:
        """The period of the same kind just before (a range: the same number of days)."""
        if self.kind == "year":
            return parse_period(str(self.first.year - 1))
        if self.kind == "quarter":
            q = (self.first.month - 1) // 3 + 1
            year, q = (self.first.year - 1, 4) if q == 1 else (self.first.year, q - 1)
            return parse_period(f"{year}-Q{q}")
        if self.kind == "month":
            year, month = (self.first.year - 1, 12) if self.first.month == 1 else (self.first.year, self.first.month - 1)
            return parse_period(f"{year}-{month:02d}")
        days = (self.last - self.first).days + 1
        return range_period(self.first - timedelta(days=days), self.first - timedelta(days=1))


def _invalid(message: str) -> DomainError:
    return DomainError(IndexErrorCode.PERIOD_INVALID, message, fields={"period": message}, status_code=400)


def _year(text: str) -> int:
    year = int(text)
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise _invalid(_("The year must be between %(a)s and %(b)s.") % {"a": FIRST_YEAR, "b": LAST_YEAR})
    return year


def parse_period(value: str) -> Period:
    """``YYYY``, ``YYYY-Qn`` or ``YYYY-MM``; anything else is refused with ``index_period_invalid``."""
    text = (value or "").strip()
    if match := _YEAR.match(text):
        year = _year(match[1])
        return Period(date(year, 1, 1), date(year, 12, 31), "year", f"{year}")
    if match := _QUARTER.match(text):
        year, quarter = _year(match[1]), int(match[2])
        first = date(year, 3 * quarter - 2, 1)
        last = (date(year + 1, 1, 1) if quarter == 4 else date(year, 3 * quarter + 1, 1)) - timedelta(days=1)
        return Period(first, last, "quarter", f"{year}-Q{quarter}")
    if match := _MONTH.match(text):
        year, month = _year(match[1]), int(match[2])
        if not 1 <= month <= 12:
            raise _invalid(_("The month must be between 01 and 12."))
        first = date(year, month, 1)
        last = (date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)) - timedelta(days=1)
        return Period(first, last, "month", f"{year}-{month:02d}")
    raise _invalid(_("Write the period as YYYY, YYYY-Qn or YYYY-MM (for example 2026-Q3), or give from and to dates."))


def range_period(first: date, last: date) -> Period:
    """Any range of days, both ends included."""
    for day in (first, last):
        if not FIRST_YEAR <= day.year <= LAST_YEAR:
            raise _invalid(_("The year must be between %(a)s and %(b)s.") % {"a": FIRST_YEAR, "b": LAST_YEAR})
    if last < first:
        raise _invalid(_("The end date is before the start date."))
    if (last - first).days > MAX_RANGE_DAYS:
        raise _invalid(_("A period may cover at most five years."))
    return Period(first, last, "range", f"{first.isoformat()}..{last.isoformat()}")


def period_from(
    value: str | None = None, first: date | None = None, last: date | None = None, *, today: date | None = None
) -> Period:
    """The period a caller asked for: ``value``, else the ``first``–``last`` range, else the
    current quarter."""
    if value:
        if first is not None or last is not None:
            raise _invalid(_("Give either a period or from and to dates, not both."))
        return parse_period(value)
    if first is not None or last is not None:
        if first is None or last is None:
            raise _invalid(_("Give both the from and the to date."))
        return range_period(first, last)
    day = today or timezone.localdate()
    return parse_period(f"{day.year}-Q{(day.month - 1) // 3 + 1}")
