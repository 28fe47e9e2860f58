"""The dossier clock: working days, office hours and statutory deadlines.

Everything here works on **instants** (timezone-aware datetimes) and returns instants in the
local time zone (``settings.TIME_ZONE``, Asia/Ho_Chi_Minh). A naive datetime is refused with a
``ValueError``: a deadline computed from a wall-clock time with no zone is a bug waiting to happen.

A **working day** is Monday to Friday, unless it is a public holiday (the ``holidays`` package,
VN calendar, lunar dates included) or an extra day off from the override table, or any day
listed as a make-up working day (override table, or the package's ``weekend_workdays``).
Overrides win over the package; for one date, the override of the deepest unit wins
(commune over province over nationwide).

**Working time** is office-session time on working days (by default 07:00–11:00 and
13:00–17:00, so 8 office hours = 1 working day), measured on the local wall clock and
expressed as an exact ``Fraction`` of a working day.

Statutory periods (RULES.md §1.6 and §11; Civil Code 2015 Art. 147–148):

* ``add_working_days`` (``due_for_days``): N whole working days exclude the **receipt day**,
  whatever the hour and whether or not it is a working day; the period ends at the close of
  office of the N-th working day after it. There is no 15:00 cut-off for N-day periods.
  A period with a fraction (0.25, 0.5, 1.25 … internal steps) is continuous office time from
  the receipt, or from the next opening when the receipt was after the cut-off or outside a
  working day; N = 0 is a same-day period.
* ``add_calendar_days``: N calendar days ("N ngày"): day 1 is the calendar day after the
  receipt; the last day is receipt date + N; a last day that is a day off rolls to the close
  of the next working day (Art. 148).
* ``due_same_day``: same-day procedures ("trong ngày", Decree 23/2015 Art. 7 as amended by
  Decree 280/2025): the close of the receipt day, or the close of the next working day when
  received after the cut-off (``MOTCUA_RECEIPT_CUTOFF``, 15:00:00 is still "today"), after
  closing, or on a day off. The cut-off applies here (and to the transfer step) only.
* ``due_for_hours``: continuous office time from the moment of receipt.

See ``docs/calendar.md`` for worked examples.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from decimal import Decimal
from fractions import Fraction
from functools import lru_cache
from time import monotonic as _monotonic
from typing import TYPE_CHECKING, TypeAlias
from zoneinfo import ZoneInfo

import holidays
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Q
from holidays.version import __version__ as package_version

from motcua.core.choices import OverrideKind

if TYPE_CHECKING:
    from motcua.core.models import AdministrativeUnit

__all__ = [
    "NO_CUTOFF",
    "Amount",
    "DayStatus",
    "OfficeMinuteIndex",
    "WorkingCalendar",
    "add_calendar_days",
    "add_working_time",
    "between",
    "calendar_for",
    "due_for_days",
    "due_for_hours",
    "due_same_day",
    "parse_cutoff",
    "parse_sessions",
]

#: An amount of working time: whole or fractional working days (or hours for ``due_for_hours``).
#: Floats are read through their shortest decimal form (``0.1`` means 1/10).
Amount: TypeAlias = Fraction | Decimal | int | float

#: Pass as ``cutoff`` to disable the cut-off of same-day periods: a receipt on a working day up
#: to the close of office counts that day.
NO_CUTOFF = time.max

Session: TypeAlias = tuple[time, time]

_US_PER_SECOND = 1_000_000
_US_PER_HOUR = 3600 * _US_PER_SECOND
_WEEKDAY_ABBR = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


# --- Parsing the settings ---------------------------------------------------------------------


def _parse_hhmm(text: str) -> time:
    try:
        hours, minutes = text.strip().split(":")
        if len(minutes) != 2 or not hours.isdigit() or not minutes.isdigit():
            raise ValueError(text)
        return time(int(hours), int(minutes))
    except ValueError as exc:
        raise ValueError(f"{text.strip()!r} is not a time of day in HH:MM form") from exc


def parse_cutoff(text: str) -> time:
    """``"15:00"`` → ``time(15, 0)``; an empty string or ``"none"`` → ``NO_CUTOFF``."""
    if text.strip().lower() in ("", "none"):
        return NO_CUTOFF
    return _parse_hhmm(text)


def parse_sessions(text: str) -> tuple[Session, ...]:
    """``"07:00-11:00,13:00-17:00"`` → ordered, non-overlapping office sessions."""
    sessions: list[Session] = []
    for part in text.split(","):
        if not part.strip():
            continue
        start_text, sep, end_text = part.partition("-")
        if not sep:
            raise ValueError(f"office session {part.strip()!r} is not in HH:MM-HH:MM form")
        sessions.append((_parse_hhmm(start_text), _parse_hhmm(end_text)))
    return _check_sessions(sessions)


def _check_sessions(sessions: Sequence[Session]) -> tuple[Session, ...]:
    if not sessions:
        raise ValueError("at least one office session is needed")
    previous_end = time.min
    for index, (start, end) in enumerate(sessions):
        if start >= end:
            raise ValueError(f"office session {start:%H:%M}-{end:%H:%M} ends before it starts")
        if index and start < previous_end:
            raise ValueError(f"office session {start:%H:%M}-{end:%H:%M} overlaps or precedes the one before it")
        previous_end = end
    return tuple(sessions)


def _settings_sessions() -> tuple[Session, ...]:
    try:
        return parse_sessions(settings.MOTCUA_OFFICE_SESSIONS)
    except ValueError as exc:
        raise ImproperlyConfigured(f"MOTCUA_OFFICE_SESSIONS: {exc}") from exc


def _settings_cutoff() -> time:
    try:
        return parse_cutoff(settings.MOTCUA_RECEIPT_CUTOFF)
    except ValueError as exc:
        raise ImproperlyConfigured(f"MOTCUA_RECEIPT_CUTOFF: {exc}") from exc


# --- Small helpers ----------------------------------------------------------------------------


def _time_us(value: time) -> int:
    return ((value.hour * 60 + value.minute) * 60 + value.second) * _US_PER_SECOND + value.microsecond


def _us_time(us: int) -> time:
    seconds, micro = divmod(us, _US_PER_SECOND)
    minutes, second = divmod(seconds, 60)
    hour, minute = divmod(minutes, 60)
    return time(hour, minute, second, micro)


def to_fraction(amount: Amount) -> Fraction:
    """An exact ``Fraction`` of ``amount``; refuses booleans, NaN and infinities."""
    if isinstance(amount, bool):
        raise TypeError("a working-time amount must be a number, not a boolean")
    if isinstance(amount, float):
        if not math.isfinite(amount):
            raise ValueError(f"a working-time amount must be finite, not {amount!r}")
        return Fraction(repr(amount))
    if isinstance(amount, Decimal) and not amount.is_finite():
        raise ValueError(f"a working-time amount must be finite, not {amount!r}")
    if not isinstance(amount, Fraction | Decimal | int):
        raise TypeError(f"a working-time amount must be a Fraction, Decimal or int, not {type(amount).__name__}")
    return Fraction(amount)


def _require_aware(value: datetime, name: str) -> None:
    if not isinstance(value, datetime):
        raise TypeError(f"{name} must be a datetime, not {type(value).__name__}")
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(
            f"{name} must be a timezone-aware datetime (got naive {value.isoformat()}); "
            "attach the zone, e.g. django.utils.timezone.make_aware(value)"
        )


# --- The holidays package, cached per year ----------------------------------------------------


@dataclass(frozen=True)
class _PackageYear:
    holidays: Mapping[date, str]
    weekend_workdays: frozenset[date]


PACKAGE_LABEL = f"holidays {package_version}"


@lru_cache(maxsize=64)
def _package_year(year: int) -> _PackageYear:
    """Public holidays and make-up Saturdays of ``year`` from the ``holidays`` package.

    The neighbouring years are populated too, because a swap can cross the new year
    (e.g. 31/12/2018 off in exchange for Saturday 05/01/2019) and the package records the
    worked Saturday under the year of the day off.
    """
    years = [y for y in (year - 1, year, year + 1) if date.min.year <= y <= date.max.year]
    package = holidays.country_holidays("VN", years=years, language="vi")
    return _PackageYear(
        holidays={day: str(name) for day, name in package.items() if day.year == year},
        weekend_workdays=frozenset(day for day in package.weekend_workdays if day.year == year),
    )


# --- The calendar -----------------------------------------------------------------------------


@dataclass(frozen=True)
class DayStatus:
    """Whether a day is worked, and why (``source`` is empty for an ordinary weekday or weekend)."""

    day: date
    working: bool
    source: str

    @property
    def weekday(self) -> str:
        return _WEEKDAY_ABBR[self.day.weekday()]

    @property
    def is_exception(self) -> bool:
        """A weekday that is not worked, or a weekend day that is."""
        return self.working == (self.day.weekday() >= 5)


class WorkingCalendar:
    """Working days and office hours of one unit (or nationwide), with deadline arithmetic.

    Build one with ``calendar_for(unit)`` (one query for the overrides), or directly from
    explicit sets, which needs no database::

        WorkingCalendar(days_off={date(2026, 8, 31): "Notice 9441"}, working_days=[date(2026, 8, 22)])

    ``days_off`` and ``working_days`` are the overrides already resolved for the unit, as
    a mapping date → source or a plain iterable of dates; a date may not be in both.
    """

    def __init__(
        self,
        *,
        days_off: Mapping[date, str] | Iterable[date] = (),
        working_days: Mapping[date, str] | Iterable[date] = (),
        sessions: Sequence[Session] | str | None = None,
        cutoff: time | None = None,
        tz: tzinfo | None = None,
        use_package: bool = True,
    ) -> None:
        self._days_off = _as_source_map(days_off)
        self._working_days = _as_source_map(working_days)
        both = self._days_off.keys() & self._working_days.keys()
        if both:
            raise ValueError(f"dates both off and worked: {', '.join(sorted(d.isoformat() for d in both))}")
        if sessions is None:
            self.sessions = _settings_sessions()
        elif isinstance(sessions, str):
            self.sessions = parse_sessions(sessions)
        else:
            self.sessions = _check_sessions(sessions)
        self.cutoff = _settings_cutoff() if cutoff is None else cutoff
        self.tz: tzinfo = ZoneInfo(settings.TIME_ZONE) if tz is None else tz
        self.use_package = use_package
        self._bounds = tuple((_time_us(start), _time_us(end)) for start, end in self.sessions)
        self._day_us = sum(end - start for start, end in self._bounds)

    # -- Days ------------------------------------------------------------------------------

    @property
    def day_length(self) -> timedelta:
        """Office time in one working day (8 hours by default)."""
        return timedelta(microseconds=self._day_us)

    def minute_index(self, first: date, last: date) -> OfficeMinuteIndex:
        """A fast, precomputed view of this calendar's working time from ``first`` to ``last``
        (inclusive) in whole office minutes (see ``OfficeMinuteIndex``)."""
        return OfficeMinuteIndex(self, first, last)

    def day_status(self, day: date) -> DayStatus:
        """Whether ``day`` is a working day, and the override or package entry that says so."""
        if day in self._working_days:
            return DayStatus(day, True, self._working_days[day])
        if day in self._days_off:
            return DayStatus(day, False, self._days_off[day])
        if self.use_package:
            package = _package_year(day.year)
            name = package.holidays.get(day)
            if name is not None:
                return DayStatus(day, False, f"{PACKAGE_LABEL}: {name}")
            if day in package.weekend_workdays:
                return DayStatus(day, True, f"{PACKAGE_LABEL}: weekend_workdays")
        return DayStatus(day, day.weekday() < 5, "")

    def is_working_day(self, day: date) -> bool:
        if day in self._working_days:
            return True
        if day in self._days_off:
            return False
        if self.use_package:
            package = _package_year(day.year)
            if day in package.holidays:
                return False
            if day in package.weekend_workdays:
                return True
        return day.weekday() < 5

    def next_working_day(self, day: date) -> date:
        """The first working day strictly after ``day``."""
        day += timedelta(days=1)
        while not self.is_working_day(day):
            day += timedelta(days=1)
        return day

    def working_days_between(self, start: date, end: date) -> int:
        """Working days ``d`` with ``start < d <= end`` (the first day excluded, as in the Civil
        Code); negative when ``end`` is before ``start``."""
        if end < start:
            return -self.working_days_between(end, start)
        return sum(1 for day in _days(start + timedelta(days=1), end) if self.is_working_day(day))

    def exceptions(self, year: int) -> list[DayStatus]:
        """Weekdays off and weekend days worked in ``year``, with their source."""
        statuses = (self.day_status(day) for day in _days(date(year, 1, 1), date(year, 12, 31)))
        return [status for status in statuses if status.is_exception]

    def opening(self, day: date) -> datetime:
        """Start of the first office session of ``day`` (local time)."""
        return self._aware(day, self._bounds[0][0])

    def closing(self, day: date) -> datetime:
        """End of the last office session of ``day`` (local time)."""
        return self._aware(day, self._bounds[-1][1])

    # -- Instants --------------------------------------------------------------------------

    def local(self, instant: datetime, name: str = "instant") -> datetime:
        """``instant`` in the calendar's time zone; refuses a naive datetime."""
        _require_aware(instant, name)
        return instant.astimezone(self.tz)

    def reference_date(self, received_at: datetime, *, cutoff: time | None = None) -> date:
        """The day a same-day receipt (or a fractional period) counts from: the receipt date
        if that is a working day and the receipt is at or before the cut-off, otherwise the
        next working day.

        The cut-off never extends past the close of office: with ``NO_CUTOFF`` (or a cut-off
        later than closing), a receipt after closing counts from the next working day, so
        that a due instant is never before the receipt. N-day periods do not use it.
        """
        local = self.local(received_at, "received_at")
        limit = min(self.cutoff if cutoff is None else cutoff, self.sessions[-1][1])
        day = local.date()
        if self.is_working_day(day) and local.time() <= limit:
            return day
        return self.next_working_day(day)

    def between(self, start: datetime, end: datetime) -> Fraction:
        """Working time from ``start`` to ``end`` in working days (8 office hours = 1).

        Only office-session time on working days counts. The result is exact, and
        antisymmetric: ``between(b, a) == -between(a, b)``, so it is additive for any order.
        """
        a = self.local(start, "start")
        b = self.local(end, "end")
        if b < a:
            return -self.between(end, start)
        return Fraction(self._office_us(a, b), self._day_us)

    def office_time_between(self, start: datetime, end: datetime) -> timedelta:
        """``between`` as office time (hours and minutes) rather than days."""
        a = self.local(start, "start")
        b = self.local(end, "end")
        if b < a:
            return -self.office_time_between(end, start)
        return timedelta(microseconds=self._office_us(a, b))

    def add_working_time(self, start: datetime, amount: Amount) -> datetime:
        """The earliest instant ``t`` with ``between(start, t) == amount`` working days.

        A start outside office hours (a day off, before opening, the lunch break, after
        closing) first moves to the next session start; so ``amount == 0`` returns that
        opening. The result is exact when ``amount`` × day length is a whole number of
        microseconds (any quarter-day, any whole minute); otherwise it is rounded up.
        """
        days = to_fraction(amount)
        if days < 0:
            raise ValueError(f"cannot add a negative working time ({amount})")
        local = self.local(start, "start")
        day, position = self._normalise(local.date(), _time_us(local.time()))
        remaining = math.ceil(days * self._day_us)
        if remaining == 0:
            return self._aware(day, position)
        target = self._office_before(position) + remaining
        while target > self._day_us:
            target -= self._day_us
            day = self.next_working_day(day)
        return self._aware(day, self._time_at(target))

    def add_working_days(self, received_at: datetime, days: Amount, *, cutoff: time | None = None) -> datetime:
        """The due instant of a statutory period of ``days`` working days (RULES.md §1.6).

        Whole ``days`` (N ≥ 1): the receipt day is excluded, whatever the hour of receipt and
        whether or not it is a working day (Civil Code Art. 147(1)); the period ends at the
        close of office on the N-th working day after it. No cut-off: ``cutoff`` is ignored.
        N = 0 is a same-day period (``due_same_day``, with ``cutoff``).
        Fractional ``days`` (internal steps): continuous office time from the receipt, or
        from the opening of the next working day when the receipt was after the cut-off
        (``cutoff``, default ``MOTCUA_RECEIPT_CUTOFF``), after closing or on a day off.
        """
        amount = to_fraction(days)
        if amount < 0:
            raise ValueError(f"a period cannot be negative ({days} working days)")
        if amount == 0:
            return self.due_same_day(received_at, cutoff=cutoff)
        if amount.denominator == 1:
            day = self.local(received_at, "received_at").date()
            for _ in range(amount.numerator):
                day = self.next_working_day(day)
            return self.closing(day)
        reference = self.reference_date(received_at, cutoff=cutoff)
        start = received_at if self.local(received_at).date() == reference else self.opening(reference)
        return self.add_working_time(start, amount)

    due_for_days = add_working_days

    def add_calendar_days(self, received_at: datetime, days: Amount) -> datetime:
        """The due instant of a period of ``days`` calendar days ("N ngày", RULES.md §1.6).

        Day 1 is the calendar day after the receipt; the last day is the receipt date + N; if
        that is a day off, the period ends at the close of the next working day (Civil Code
        Art. 148(5)). Otherwise it ends at the close of office of the last day. Whole days
        only; 0 is a same-day period with the default cut-off.
        """
        amount = to_fraction(days)
        if amount < 0:
            raise ValueError(f"a period cannot be negative ({days} days)")
        if amount.denominator != 1:
            raise ValueError(f"a period in calendar days must be whole, not {days}")
        if amount == 0:
            return self.due_same_day(received_at)
        last = self.local(received_at, "received_at").date() + timedelta(days=amount.numerator)
        if not self.is_working_day(last):
            last = self.next_working_day(last)
        return self.closing(last)

    def due_same_day(self, received_at: datetime, *, cutoff: time | None = None) -> datetime:
        """The due instant of a same-day procedure ("trong ngày", "ngay trong ngày").

        The close of the receipt day; the close of the next working day when received after
        the cut-off (``cutoff``, default ``MOTCUA_RECEIPT_CUTOFF``; at 15:00:00 still the same
        day), after closing, or on a day off (Decree 23/2015 Art. 7 as amended by Decree
        280/2025). ``NO_CUTOFF`` keeps only the close of office as the limit.
        """
        return self.closing(self.reference_date(received_at, cutoff=cutoff))

    def due_for_hours(self, received_at: datetime, hours: Amount) -> datetime:
        """The due instant of a period in hours: continuous office time counted from the
        moment of receipt (Civil Code Art. 147(1)); no cut-off."""
        amount = to_fraction(hours)
        if amount < 0:
            raise ValueError(f"a period cannot be negative ({hours} hours)")
        return self.add_working_time(received_at, amount * _US_PER_HOUR / self._day_us)

    # -- Internals -------------------------------------------------------------------------

    def _aware(self, day: date, us: int) -> datetime:
        return datetime.combine(day, _us_time(us)).replace(tzinfo=self.tz)

    def _office_before(self, us: int) -> int:
        """Office time of a working day before the time of day ``us``."""
        total = 0
        for start, end in self._bounds:
            if us <= start:
                break
            total += min(us, end) - start
        return total

    def _time_at(self, target: int) -> int:
        """The earliest time of day with ``target`` (> 0) office time before it."""
        done = 0
        for start, end in self._bounds:
            if target <= done + end - start:
                return start + target - done
            done += end - start
        raise AssertionError("target beyond the working day")  # pragma: no cover - guarded by callers

    def _normalise(self, day: date, us: int) -> tuple[date, int]:
        """The instant itself if it is inside a session of a working day, else the next session start."""
        if self.is_working_day(day):
            for start, end in self._bounds:
                if us < start:
                    return day, start
                if us < end:
                    return day, us
        return self.next_working_day(day), self._bounds[0][0]

    def _office_us(self, a: datetime, b: datetime) -> int:
        """Office microseconds from local ``a`` to local ``b`` (``a <= b``), on the wall clock."""
        day_a, day_b = a.date(), b.date()
        before_a = self._office_before(_time_us(a.time()))
        before_b = self._office_before(_time_us(b.time()))
        if day_a == day_b:
            return before_b - before_a if self.is_working_day(day_a) else 0
        total = self._day_us - before_a if self.is_working_day(day_a) else 0
        inner = _days(day_a + timedelta(days=1), day_b - timedelta(days=1))
        total += self._day_us * sum(1 for day in inner if self.is_working_day(day))
        total += before_b if self.is_working_day(day_b) else 0
        return total


def _as_source_map(days: Mapping[date, str] | Iterable[date]) -> dict[date, str]:
    if isinstance(days, Mapping):
        return {day: str(source) for day, source in days.items()}
    return {day: "override" for day in days}


def _days(first: date, last: date) -> Iterator[date]:
    day = first
    while day <= last:
        yield day
        day += timedelta(days=1)


# --- Loading a unit's calendar ----------------------------------------------------------------


def _ancestor_paths(path: str) -> list[str]:
    """``"96/32218/"`` → ``["96/", "96/32218/"]`` (the unit and every unit above it)."""
    parts = [part for part in path.split("/") if part]
    return ["/".join(parts[: index + 1]) + "/" for index in range(len(parts))]


# Loaded calendars per unit path and settings, each with its expiry (time.monotonic()).
_LOADED: dict[tuple[str, str, str, str], tuple[float, WorkingCalendar]] = {}


def calendar_cache_clear() -> None:
    """Forget every loaded calendar (called when an override is saved or deleted)."""
    _LOADED.clear()


class OfficeMinuteIndex:
    """Working time as a count of office minutes since ``first``, for one calendar and a fixed
    span of days (``WorkingCalendar.minute_index``).

    ``add`` and ``between`` give exactly what ``WorkingCalendar.add_working_time`` and
    ``between`` give for whole-minute instants and amounts (a property test holds them to it),
    at a fraction of the cost: the demo seeder places millions of events with it. Deadlines
    that are stored are still computed by the calendar's own statutory functions.
    """

    def __init__(self, calendar: WorkingCalendar, first: date, last: date) -> None:
        self.tz: tzinfo = calendar.tz
        sessions = [(s.hour * 60 + s.minute, e.hour * 60 + e.minute) for s, e in calendar.sessions]
        self.day = sum(e - s for s, e in sessions)
        self.before = [sum(min(max(m - s, 0), e - s) for s, e in sessions) for m in range(24 * 60 + 1)]
        # Time of day (minutes) after r office minutes: the earliest (r ends a session) or the next start.
        self.end_at = [next(s + r - self.before[s] for s, e in sessions if r <= self.before[e]) for r in range(self.day + 1)]
        self.start_at = [next(s + r - self.before[s] for s, e in sessions if r < self.before[e]) for r in range(self.day)]
        self.first = first
        self.dates: list[date] = []
        self.index: list[int] = []  # per calendar day: its working-day index, or the next working day's
        self.working: list[bool] = []
        for offset in range((last - first).days + 1):
            day = first + timedelta(days=offset)
            self.index.append(len(self.dates))
            self.working.append(calendar.is_working_day(day))
            if self.working[-1]:
                self.dates.append(day)

    def minutes(self, days: float) -> int:
        return max(0, round(days * self.day))

    def at(self, instant: datetime) -> int:
        """Office minutes before ``instant`` (an instant out of office counts as the next opening)."""
        local = instant.astimezone(self.tz)
        offset = (local.date() - self.first).days
        if not 0 <= offset < len(self.index):
            raise ValueError(f"{instant} is outside the indexed days ({self.first} + {len(self.index)} days)")
        base = self.index[offset] * self.day
        if not self.working[offset]:
            return base
        return base + self.before[local.hour * 60 + local.minute + (1 if local.second or local.microsecond else 0)]

    def instant(self, minutes: int, *, start: bool) -> datetime:
        """The earliest instant with ``minutes`` office minutes before it (``start``: the instant to
        start working from, i.e. the next session start at a boundary)."""
        if start:
            k, r = divmod(minutes, self.day)
            minute = self.start_at[r]
        else:
            k = (minutes - 1) // self.day
            minute = self.end_at[minutes - k * self.day]
        day = self.dates[k]
        return datetime(day.year, day.month, day.day, minute // 60, minute % 60, tzinfo=self.tz)

    def add(self, instant: datetime, minutes: int) -> datetime:
        """``WorkingCalendar.add_working_time(instant, Fraction(minutes, day))`` for whole minutes."""
        begin = self.at(instant)
        return self.instant(begin, start=True) if minutes <= 0 else self.instant(begin + minutes, start=False)

    def between(self, start: datetime, end: datetime) -> int:
        """``WorkingCalendar.between(start, end)`` in office minutes, for whole-minute instants."""
        return self.at(end) - self.at(start)


def calendar_for(unit: AdministrativeUnit | None = None) -> WorkingCalendar:
    """The working calendar of ``unit`` (nationwide when None).

    One query, then kept in this process for ``MOTCUA_CALENDAR_CACHE_SECONDS`` (60 by
    default; 0 reads the overrides on every call). Saving or deleting an override in this
    process forgets the loaded calendars when its transaction commits; other processes pick
    the change up within that time. The returned calendar is immutable: reuse it.
    """
    ttl = float(getattr(settings, "MOTCUA_CALENDAR_CACHE_SECONDS", 60))
    if ttl <= 0:
        return _calendar_load(unit)
    key = (
        unit.path if unit is not None else "",
        str(settings.MOTCUA_OFFICE_SESSIONS),
        str(settings.MOTCUA_RECEIPT_CUTOFF),
        settings.TIME_ZONE,
    )
    now = _monotonic()
    hit = _LOADED.get(key)
    if hit is not None and hit[0] > now:
        return hit[1]
    calendar = _calendar_load(unit)
    _LOADED[key] = (now + ttl, calendar)
    return calendar


def _calendar_load(unit: AdministrativeUnit | None) -> WorkingCalendar:
    """Read the overrides of ``unit`` and every unit above it (and the nationwide ones)."""
    # Imported here: the calendar module must import without the app registry.
    from motcua.core.models import AdministrativeUnit, CalendarOverride

    condition = Q(unit__isnull=True)
    if unit is not None:
        # A subquery on the indexed path, not a join: joined, PostgreSQL hashed all 14,000
        # units for every call (3.6 ms against 0.1 ms).
        ancestors = AdministrativeUnit.objects.filter(path__in=_ancestor_paths(unit.path)).values("pk")
        condition |= Q(unit_id__in=ancestors)
    rows = CalendarOverride.objects.filter(condition).values_list("date", "kind", "source", "unit__path", "updated_at", "pk")
    chosen: dict[date, tuple[tuple[int, datetime, int], str, str]] = {}
    for day, kind, source, path, updated_at, pk in rows:
        # The deepest unit wins; for two rows at one depth (cannot happen on one branch), the newest.
        rank = (path.count("/") if path else 0, updated_at, pk)
        if day not in chosen or rank > chosen[day][0]:
            chosen[day] = (rank, kind, source)
    days_off = {day: source for day, (_rank, kind, source) in chosen.items() if kind == OverrideKind.DAY_OFF}
    working_days = {day: source for day, (_rank, kind, source) in chosen.items() if kind == OverrideKind.WORKING_DAY}
    return WorkingCalendar(days_off=days_off, working_days=working_days)


# --- Module-level shortcuts (one query each; prefer a WorkingCalendar for many calls) ---------


def due_for_days(
    received_at: datetime,
    days: Amount,
    *,
    cutoff: time | None = None,
    unit: AdministrativeUnit | None = None,
) -> datetime:
    """``WorkingCalendar.add_working_days`` on ``calendar_for(unit)``; ``cutoff`` only matters
    for same-day (0) and fractional periods."""
    return calendar_for(unit).add_working_days(received_at, days, cutoff=cutoff)


def add_calendar_days(received_at: datetime, days: Amount, *, unit: AdministrativeUnit | None = None) -> datetime:
    """``WorkingCalendar.add_calendar_days`` on ``calendar_for(unit)``."""
    return calendar_for(unit).add_calendar_days(received_at, days)


def due_same_day(received_at: datetime, *, cutoff: time | None = None, unit: AdministrativeUnit | None = None) -> datetime:
    """``WorkingCalendar.due_same_day`` on ``calendar_for(unit)``."""
    return calendar_for(unit).due_same_day(received_at, cutoff=cutoff)


def due_for_hours(received_at: datetime, hours: Amount, *, unit: AdministrativeUnit | None = None) -> datetime:
    """``WorkingCalendar.due_for_hours`` on ``calendar_for(unit)``."""
    return calendar_for(unit).due_for_hours(received_at, hours)


def add_working_time(start: datetime, amount: Amount, *, unit: AdministrativeUnit | None = None) -> datetime:
    """``WorkingCalendar.add_working_time`` on ``calendar_for(unit)``."""
    return calendar_for(unit).add_working_time(start, amount)


def between(start: datetime, end: datetime, *, unit: AdministrativeUnit | None = None) -> Fraction:
    """``WorkingCalendar.between`` on ``calendar_for(unit)``."""
    return calendar_for(unit).between(start, end)
