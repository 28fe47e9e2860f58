"""``OfficeMinuteIndex`` (the demo seeder's fast working-time arithmetic) gives exactly what
``WorkingCalendar.add_working_time`` and ``between`` give (RULES.md §1.6: working time is office
time on working days; issue 9 item 14: the seeder must not carry its own copy of the rules)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from fractions import Fraction
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from motcua.core.calendar import OfficeMinuteIndex, WorkingCalendar

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
FIRST, LAST = date(2026, 1, 1), date(2026, 12, 31)
# Tết 2026 (package), an override day off and a make-up Saturday (RULES.md §11).
CALENDAR = WorkingCalendar(
    days_off={date(2026, 8, 31): "Thông báo 9441"},
    working_days={date(2026, 8, 22): "Thông báo 9441"},
    sessions="07:00-11:00,13:00-17:00",
    tz=TZ,
)
INDEX = CALENDAR.minute_index(FIRST, LAST)

instants = st.builds(
    lambda day, minute: datetime(2026, 1, 1, tzinfo=TZ) + timedelta(days=day, minutes=minute),
    st.integers(min_value=0, max_value=300),
    st.integers(min_value=0, max_value=24 * 60 - 1),
)


@settings(max_examples=300, deadline=None)
@given(start=instants, minutes=st.integers(min_value=0, max_value=20 * 480))
def test_add_is_the_calendars_add_working_time(start: datetime, minutes: int) -> None:
    assert INDEX.add(start, minutes) == CALENDAR.add_working_time(start, Fraction(minutes, 480))


@settings(max_examples=300, deadline=None)
@given(start=instants, end=instants)
def test_between_is_the_calendars_between_in_minutes(start: datetime, end: datetime) -> None:
    assert INDEX.between(start, end) == CALENDAR.between(start, end) * 480


def test_add_skips_tet_and_works_the_make_up_saturday() -> None:
    friday_before_tet = datetime(2026, 2, 13, 16, 0, tzinfo=TZ)
    friday_before_makeup = datetime(2026, 8, 21, 16, 0, tzinfo=TZ)

    assert INDEX.add(friday_before_tet, 120) == datetime(2026, 2, 23, 8, 0, tzinfo=TZ)
    assert INDEX.add(friday_before_makeup, 120) == datetime(2026, 8, 22, 8, 0, tzinfo=TZ)


def test_an_instant_outside_the_indexed_days_is_refused() -> None:
    index = OfficeMinuteIndex(CALENDAR, date(2026, 3, 1), date(2026, 3, 31))

    with pytest.raises(ValueError, match="outside"):
        index.at(datetime(2026, 4, 2, 9, 0, tzinfo=TZ))
