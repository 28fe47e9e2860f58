"""The dossier clock (motcua.core.calendar): RULES.md §1.6 and §11, docs/calendar.md."""

from __future__ import annotations

import csv
import importlib
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from zoneinfo import ZoneInfo

import holidays
import pytest
from django.apps import apps as django_apps
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings
from hypothesis import given, settings
from hypothesis import strategies as st
from pytest_django import DjangoAssertNumQueries

from motcua.core.calendar import (
    NO_CUTOFF,
    DayStatus,
    WorkingCalendar,
    add_working_time,
    between,
    calendar_for,
    due_for_days,
    due_for_hours,
    parse_sessions,
)
from motcua.core.choices import OverrideKind
from motcua.core.models import AdministrativeUnit, CalendarOverride

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
SESSIONS = "07:00-11:00,13:00-17:00"
SEED_SOURCE = "Công văn 9859/VPCP-KGVX ngày 13/10/2025; Thông báo 9441/TB-BNV"
SEED_DAYS_OFF = [date(2026, 2, d) for d in range(16, 21)] + [date(2026, 8, 31)]
SEED_WORKING_DAYS = [date(2026, 8, 22)]

# Built once, without the database: the package plus the 2026 seed as explicit sets.
CAL = WorkingCalendar(
    days_off={d: SEED_SOURCE for d in SEED_DAYS_OFF},
    working_days={d: SEED_SOURCE for d in SEED_WORKING_DAYS},
    sessions=SESSIONS,
    cutoff=time(15, 0),
    tz=TZ,
)
# Odd sessions, to show nothing assumes 8 hours or two sessions.
ODD_CAL = WorkingCalendar(sessions="07:30-11:30,13:30-17:00,18:00-19:15", cutoff=time(15, 0), tz=TZ)


def at(year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0, micro: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, second, micro, tzinfo=TZ)


def current_unit(code: str) -> AdministrativeUnit:
    return AdministrativeUnit.objects.get(code=code, valid_to__isnull=True)


def province_day_off(day: date) -> CalendarOverride:
    """A day off decided by Cà Mau province (code 96) for itself and its communes."""
    return CalendarOverride.objects.create(date=day, kind=OverrideKind.DAY_OFF, unit=current_unit("96"), source="QĐ 12/QĐ-UBND")


# --- What the holidays package gives for 2026 -------------------------------------------------


def test_package_2026_holidays_are_the_official_schedule_less_the_tet_weekend() -> None:
    package = holidays.country_holidays("VN", years=2026)
    assert sorted(package) == [
        date(2026, 1, 1),
        *[date(2026, 2, d) for d in range(16, 21)],  # Tết: Mon–Fri; Sat 14, Sun 15, Sat 21, Sun 22 are weekends
        date(2026, 4, 26),  # Hùng Kings, a Sunday …
        date(2026, 4, 27),  # … observed on Monday
        date(2026, 4, 30),
        date(2026, 5, 1),
        date(2026, 8, 31),  # substitute day off for Saturday 22/08
        date(2026, 9, 1),
        date(2026, 9, 2),
        date(2026, 11, 24),  # Ngày Văn hóa Việt Nam (legal basis not found, RULES.md §11)
    ]


def test_package_weekend_workdays_of_2026_is_saturday_22_august() -> None:
    package = holidays.country_holidays("VN", years=2026)
    assert {d for d in package.weekend_workdays if d.year == 2026} == {date(2026, 8, 22)}


def test_a_swap_across_the_new_year_is_found_in_the_year_of_the_saturday_worked() -> None:
    # The package files Saturday 05/01/2019 (worked) under 2018, the year of its day off 31/12/2018.
    assert CAL.is_working_day(date(2018, 12, 31)) is False
    assert CAL.is_working_day(date(2019, 1, 5)) is True
    assert [s.day for s in CAL.exceptions(2019) if s.working] == [date(2019, 1, 5), date(2019, 5, 4)]


def test_calendar_without_overrides_already_knows_the_2026_swap_from_the_package() -> None:
    package_only = WorkingCalendar(sessions=SESSIONS, cutoff=time(15, 0), tz=TZ)
    assert package_only.is_working_day(date(2026, 8, 22)) is True
    assert package_only.is_working_day(date(2026, 8, 31)) is False
    assert package_only.day_status(date(2026, 8, 22)).source == "holidays 0.109: weekend_workdays"


def test_package_names_are_vietnamese_in_day_status() -> None:
    package_only = WorkingCalendar(sessions=SESSIONS, tz=TZ)
    assert package_only.day_status(date(2026, 4, 27)).source == "holidays 0.109: Ngày Giỗ Tổ Hùng Vương (nghỉ bù)"


# --- Working days -----------------------------------------------------------------------------


def test_weekend_is_not_a_working_day() -> None:
    assert CAL.is_working_day(date(2026, 3, 7)) is False
    assert CAL.is_working_day(date(2026, 3, 8)) is False


def test_ordinary_weekday_is_a_working_day() -> None:
    assert CAL.is_working_day(date(2026, 3, 6)) is True


def test_next_working_day_skips_tet() -> None:
    assert CAL.next_working_day(date(2026, 2, 13)) == date(2026, 2, 23)


def test_working_days_between_excludes_the_first_day() -> None:
    assert CAL.working_days_between(date(2026, 2, 13), date(2026, 2, 27)) == 5
    assert CAL.working_days_between(date(2026, 2, 27), date(2026, 2, 13)) == -5
    assert CAL.working_days_between(date(2026, 3, 2), date(2026, 3, 2)) == 0


def test_exceptions_of_2026_list_weekdays_off_and_the_saturday_worked() -> None:
    assert [(s.day, s.working) for s in CAL.exceptions(2026)] == [
        (date(2026, 1, 1), False),
        *[(date(2026, 2, d), False) for d in range(16, 21)],
        (date(2026, 4, 27), False),
        (date(2026, 4, 30), False),
        (date(2026, 5, 1), False),
        (date(2026, 8, 22), True),
        (date(2026, 8, 31), False),
        (date(2026, 9, 1), False),
        (date(2026, 9, 2), False),
        (date(2026, 11, 24), False),
    ]


def test_explicit_override_wins_over_the_package() -> None:
    cal = WorkingCalendar(days_off=[date(2026, 3, 6)], working_days=[date(2026, 11, 24)], sessions=SESSIONS, tz=TZ)
    assert cal.is_working_day(date(2026, 3, 6)) is False
    assert cal.is_working_day(date(2026, 11, 24)) is True


def test_a_date_both_off_and_worked_is_refused() -> None:
    with pytest.raises(ValueError, match="both off and worked: 2026-03-06"):
        WorkingCalendar(days_off=[date(2026, 3, 6)], working_days=[date(2026, 3, 6)], sessions=SESSIONS, tz=TZ)


# --- Golden due dates across the 2026 schedule -----------------------------------------------
# N working days (RULES.md §1.6, Civil Code 2015 Art. 147(1)): the receipt day is excluded,
# whatever the hour and whether or not it is a working day; no 15:00 cut-off.


def test_five_days_received_friday_before_tet_are_due_friday_27_february_at_close() -> None:
    """RULES.md §1.6: 23, 24, 25, 26, 27/02 after the Tết closure of 14–22/02."""
    assert CAL.add_working_days(at(2026, 2, 13, 10), 5).isoformat() == "2026-02-27T17:00:00+07:00"


def test_one_day_received_friday_13_february_at_16_00_is_due_at_the_close_of_monday_23_february() -> None:
    """RULES.md §1.6 golden case: no cut-off for N-day periods; Tết 14–22/02 is off."""
    assert CAL.add_working_days(at(2026, 2, 13, 16), 1) == at(2026, 2, 23, 17)


def test_one_day_received_thursday_12_february_after_15_00_is_due_friday_13_february() -> None:
    """RULES.md §1.6: the hour of receipt does not matter for N working days."""
    assert CAL.add_working_days(at(2026, 2, 12, 16), 1) == at(2026, 2, 13, 17)


def test_one_day_received_on_a_saturday_is_due_at_the_close_of_monday() -> None:
    """RULES.md §1.6: the receipt day (a Saturday) is excluded; Monday is the first working day."""
    assert CAL.add_working_days(at(2026, 3, 7, 10), 1) == at(2026, 3, 9, 17)


def test_one_day_received_on_the_tet_saturday_is_due_monday_23_february() -> None:
    """RULES.md §1.6 and §11: Sat 14/02 starts the Tết closure; Mon 23/02 is the first working day."""
    assert CAL.add_working_days(at(2026, 2, 14, 9), 1) == at(2026, 2, 23, 17)


def test_one_day_received_during_tet_is_due_monday_23_february() -> None:
    """RULES.md §1.6 and §11: a receipt on a day off counts from the first working day after it."""
    assert CAL.add_working_days(at(2026, 2, 18, 9), 1) == at(2026, 2, 23, 17)
    assert CAL.add_working_days(at(2026, 2, 18, 9), 2) == at(2026, 2, 24, 17)


def test_one_day_received_friday_21_august_is_due_on_the_make_up_saturday() -> None:
    """RULES.md §11: Sat 22/08/2026 is a make-up working day (swapped with Mon 31/08)."""
    assert CAL.add_working_days(at(2026, 8, 21, 10), 1) == at(2026, 8, 22, 17)
    assert CAL.add_working_days(at(2026, 8, 21, 16, 30), 1) == at(2026, 8, 22, 17)


def test_one_day_received_on_the_make_up_saturday_is_due_monday_24_august() -> None:
    """RULES.md §1.6 and §11: the receipt day is excluded even when it is a make-up Saturday."""
    assert CAL.add_working_days(at(2026, 8, 22, 10), 1) == at(2026, 8, 24, 17)


def test_one_day_received_friday_28_august_skips_the_national_day_closure() -> None:
    """RULES.md §11: closed Sat 29/08 – Wed 02/09/2026 (31/08 swapped with 22/08)."""
    assert CAL.add_working_days(at(2026, 8, 28, 10), 1) == at(2026, 9, 3, 17)


def test_one_day_received_before_hung_kings_observed_is_due_tuesday_28_april() -> None:
    """RULES.md §11: Hùng Kings (Sun 26/04) observed Mon 27/04."""
    assert CAL.add_working_days(at(2026, 4, 24, 10), 1) == at(2026, 4, 28, 17)


def test_one_day_received_wednesday_29_april_skips_30_april_and_1_may() -> None:
    """RULES.md §11."""
    assert CAL.add_working_days(at(2026, 4, 29, 10), 1) == at(2026, 5, 4, 17)


def test_one_day_received_monday_23_november_skips_vietnam_culture_day() -> None:
    """RULES.md §11 (24/11 from the holidays package)."""
    assert CAL.add_working_days(at(2026, 11, 23, 10), 1) == at(2026, 11, 25, 17)


def test_receipt_after_15_00_does_not_move_an_n_day_period() -> None:
    """RULES.md §1.6: the cut-off is never applied to N-day periods."""
    assert CAL.add_working_days(at(2026, 2, 23, 15), 1) == at(2026, 2, 24, 17)
    assert CAL.add_working_days(at(2026, 2, 23, 15, 0, 1), 1) == at(2026, 2, 24, 17)


def test_receipt_after_closing_still_excludes_only_the_receipt_day() -> None:
    """RULES.md §1.6: an online submission at 20:00 Monday is due at the close of Tuesday for 1 day."""
    assert CAL.add_working_days(at(2026, 2, 23, 20), 1) == at(2026, 2, 24, 17)


def test_a_cutoff_passed_for_an_n_day_period_is_ignored() -> None:
    """RULES.md §1.6: a per-procedure cut-off only applies to same-day periods."""
    assert CAL.add_working_days(at(2026, 2, 23, 11, 30), 1, cutoff=time(11, 0)) == at(2026, 2, 24, 17)
    assert CAL.add_working_days(at(2026, 2, 23, 16, 30), 1, cutoff=NO_CUTOFF) == at(2026, 2, 24, 17)


def test_zero_working_days_is_a_same_day_period() -> None:
    assert CAL.add_working_days(at(2026, 3, 2, 10), 0) == at(2026, 3, 2, 17)
    assert CAL.add_working_days(at(2026, 3, 2, 16), 0) == at(2026, 3, 3, 17)


def test_whole_decimal_and_fraction_periods_are_whole_days() -> None:
    assert CAL.add_working_days(at(2026, 3, 2, 10), Decimal("2.0")) == at(2026, 3, 4, 17)
    assert CAL.add_working_days(at(2026, 3, 2, 10), Fraction(4, 2)) == at(2026, 3, 4, 17)


def test_due_for_days_is_an_alias_of_add_working_days() -> None:
    assert CAL.due_for_days(at(2026, 2, 13, 10), 5) == at(2026, 2, 27, 17)


# --- Calendar days ("N ngày") ------------------------------------------------------------------


def test_fifteen_days_from_friday_13_february_end_saturday_28_february_and_roll_to_monday_2_march() -> None:
    """RULES.md §1.6 golden case (Civil Code Art. 147–148): 13/02 + 15 = Sat 28/02 → Mon 02/03."""
    assert CAL.add_calendar_days(at(2026, 2, 13, 10), 15) == at(2026, 3, 2, 17)


def test_calendar_days_ignore_the_hour_of_receipt() -> None:
    """RULES.md §1.6: day 1 is the calendar day after receipt, whatever the hour."""
    assert CAL.add_calendar_days(at(2026, 2, 13, 16, 30), 15) == at(2026, 3, 2, 17)
    assert CAL.add_calendar_days(at(2026, 2, 13, 21), 15) == at(2026, 3, 2, 17)


def test_calendar_days_ending_on_a_working_day_end_at_its_close() -> None:
    """RULES.md §1.6: Mon 02/03 + 3 = Thu 05/03."""
    assert CAL.add_calendar_days(at(2026, 3, 2, 9), 3) == at(2026, 3, 5, 17)


def test_calendar_days_count_days_off_inside_the_period() -> None:
    """RULES.md §1.6: calendar days run through Tết; only a last day off rolls forward."""
    assert CAL.add_calendar_days(at(2026, 2, 10, 9), 10) == at(2026, 2, 23, 17)  # Fri 20/02 is Tết
    assert CAL.add_calendar_days(at(2026, 2, 12, 9), 12) == at(2026, 2, 24, 17)


def test_calendar_days_ending_on_the_make_up_saturday_end_that_saturday() -> None:
    """RULES.md §11: Sat 22/08/2026 is worked, so a period ending on it does not roll."""
    assert CAL.add_calendar_days(at(2026, 8, 14, 9), 8) == at(2026, 8, 22, 17)


def test_calendar_days_ending_on_31_august_roll_to_thursday_3_september() -> None:
    """RULES.md §11: Fri 21/08 + 10 = Mon 31/08 (off) → closed until Wed 02/09 → Thu 03/09."""
    assert CAL.add_calendar_days(at(2026, 8, 21, 9), 10) == at(2026, 9, 3, 17)


def test_calendar_days_must_be_whole() -> None:
    with pytest.raises(ValueError, match=r"a period in calendar days must be whole, not 1\.5"):
        CAL.add_calendar_days(at(2026, 3, 2, 9), Decimal("1.5"))


# --- Same-day procedures and the 15:00 cut-off ----------------------------------------------------
# RULES.md §1.6: "trong ngày" is due at the close of the receipt day, or of the next working day
# when received after 15:00, after closing or on a day off (Decree 23/2015 as amended by 280/2025).


def test_same_day_received_in_the_morning_is_due_at_the_close_of_that_day() -> None:
    """RULES.md §1.6."""
    assert CAL.due_same_day(at(2026, 3, 2, 10)) == at(2026, 3, 2, 17)


def test_same_day_received_at_exactly_15_00_is_still_due_that_day() -> None:
    """RULES.md §1.6: "after 15:00" is strictly after 15:00:00."""
    assert CAL.due_same_day(at(2026, 2, 23, 15)) == at(2026, 2, 23, 17)


def test_same_day_received_one_microsecond_after_15_00_is_due_the_next_working_day() -> None:
    """RULES.md §1.6."""
    assert CAL.due_same_day(at(2026, 2, 23, 15, 0, 0, 1)) == at(2026, 2, 24, 17)
    assert CAL.due_same_day(at(2026, 2, 23, 15, 0, 1)) == at(2026, 2, 24, 17)


def test_same_day_received_friday_13_february_after_15_00_is_due_monday_23_february() -> None:
    """RULES.md §1.6 and §11: the next working day after Fri 13/02 is Mon 23/02 (Tết)."""
    assert CAL.due_same_day(at(2026, 2, 13, 16)) == at(2026, 2, 23, 17)


def test_same_day_received_on_a_saturday_is_due_at_the_close_of_monday() -> None:
    """RULES.md §1.6: received on a day off."""
    assert CAL.due_same_day(at(2026, 3, 7, 10)) == at(2026, 3, 9, 17)


def test_same_day_received_during_tet_is_due_monday_23_february() -> None:
    """RULES.md §1.6 and §11."""
    assert CAL.due_same_day(at(2026, 2, 18, 9)) == at(2026, 2, 23, 17)


def test_same_day_on_the_make_up_saturday() -> None:
    """RULES.md §11: Sat 22/08/2026 is worked: due that day; after 15:00 on Friday 21/08, due on it."""
    assert CAL.due_same_day(at(2026, 8, 22, 10)) == at(2026, 8, 22, 17)
    assert CAL.due_same_day(at(2026, 8, 21, 16)) == at(2026, 8, 22, 17)
    assert CAL.due_same_day(at(2026, 8, 22, 16)) == at(2026, 8, 24, 17)


def test_same_day_received_before_opening_counts_that_day() -> None:
    assert CAL.reference_date(at(2026, 2, 23, 6, 30)) == date(2026, 2, 23)
    assert CAL.due_same_day(at(2026, 2, 23, 6, 30)) == at(2026, 2, 23, 17)


def test_same_day_without_cutoff_counts_a_receipt_until_closing() -> None:
    assert CAL.due_same_day(at(2026, 2, 23, 16, 30), cutoff=NO_CUTOFF) == at(2026, 2, 23, 17)
    assert CAL.due_same_day(at(2026, 2, 23, 17), cutoff=NO_CUTOFF) == at(2026, 2, 23, 17)


def test_same_day_received_after_closing_is_due_the_next_working_day_even_without_cutoff() -> None:
    assert CAL.due_same_day(at(2026, 2, 23, 20), cutoff=NO_CUTOFF) == at(2026, 2, 24, 17)


def test_same_day_cutoff_can_be_given_per_call() -> None:
    assert CAL.due_same_day(at(2026, 2, 23, 11, 30), cutoff=time(11, 0)) == at(2026, 2, 24, 17)


@override_settings(MOTCUA_RECEIPT_CUTOFF="16:00")
def test_cutoff_default_comes_from_settings() -> None:
    cal = WorkingCalendar(sessions=SESSIONS, tz=TZ)
    assert cal.cutoff == time(16, 0)
    assert cal.reference_date(at(2026, 3, 2, 15, 30)) == date(2026, 3, 2)
    assert cal.due_same_day(at(2026, 3, 2, 15, 30)) == at(2026, 3, 2, 17)


@override_settings(MOTCUA_RECEIPT_CUTOFF="")
def test_empty_cutoff_setting_disables_the_cutoff() -> None:
    assert WorkingCalendar(sessions=SESSIONS, tz=TZ).cutoff == NO_CUTOFF


@override_settings(MOTCUA_RECEIPT_CUTOFF="3 pm")
def test_bad_cutoff_setting_is_a_configuration_error() -> None:
    with pytest.raises(ImproperlyConfigured, match="MOTCUA_RECEIPT_CUTOFF: '3 pm' is not a time of day in HH:MM form"):
        WorkingCalendar(sessions=SESSIONS, tz=TZ)


# --- Half-days and hours ----------------------------------------------------------------------


def test_half_day_from_opening_ends_at_the_morning_close() -> None:
    assert CAL.add_working_time(at(2026, 3, 2, 7), Fraction(1, 2)) == at(2026, 3, 2, 11)


def test_half_day_from_09_00_ends_at_15_00_the_same_day() -> None:
    assert CAL.add_working_time(at(2026, 3, 2, 9), Fraction(1, 2)) == at(2026, 3, 2, 15)


def test_quarter_day_from_10_30_ends_at_14_30_across_lunch() -> None:
    assert CAL.add_working_time(at(2026, 3, 2, 10, 30), Decimal("0.25")) == at(2026, 3, 2, 14, 30)


def test_float_amounts_are_read_as_their_decimal_form() -> None:
    assert CAL.add_working_time(at(2026, 3, 2, 9), 0.5) == at(2026, 3, 2, 15)
    assert CAL.between(at(2026, 3, 2, 7), CAL.add_working_time(at(2026, 3, 2, 7), 0.1)) == Fraction(1, 10)


def test_half_day_period_received_in_the_morning_ends_the_same_afternoon() -> None:
    assert CAL.add_working_days(at(2026, 3, 2, 9), Decimal("0.5")) == at(2026, 3, 2, 15)


def test_one_and_a_half_days_from_09_00_end_the_next_day_at_15_00() -> None:
    assert CAL.add_working_days(at(2026, 3, 2, 9), Decimal("1.5")) == at(2026, 3, 3, 15)


def test_fractional_period_received_after_cutoff_starts_at_the_next_opening() -> None:
    assert CAL.add_working_days(at(2026, 3, 2, 16), Decimal("0.5")) == at(2026, 3, 3, 11)


def test_fractional_period_received_during_tet_starts_on_monday_23_february() -> None:
    assert CAL.add_working_days(at(2026, 2, 18, 9), Decimal("0.25")) == at(2026, 2, 23, 9)


def test_two_hours_from_10_00_end_at_14_00_because_of_the_lunch_break() -> None:
    assert CAL.due_for_hours(at(2026, 3, 2, 10), 2) == at(2026, 3, 2, 14)


def test_one_hour_from_10_00_ends_at_11_00_not_after_lunch() -> None:
    assert CAL.due_for_hours(at(2026, 3, 2, 10), 1) == at(2026, 3, 2, 11)


def test_hours_ignore_the_cutoff() -> None:
    assert CAL.due_for_hours(at(2026, 3, 2, 16), 1) == at(2026, 3, 2, 17)
    assert CAL.due_for_hours(at(2026, 3, 2, 16), 2) == at(2026, 3, 3, 8)


def test_hours_received_on_a_saturday_count_from_monday_opening() -> None:
    assert CAL.due_for_hours(at(2026, 3, 7, 10), Decimal("1.5")) == at(2026, 3, 9, 8, 30)


def test_start_in_the_lunch_break_moves_to_13_00() -> None:
    assert CAL.add_working_time(at(2026, 3, 2, 12), Fraction(1, 8)) == at(2026, 3, 2, 14)


def test_zero_time_from_the_evening_is_the_next_opening() -> None:
    assert CAL.add_working_time(at(2026, 3, 2, 19), 0) == at(2026, 3, 3, 7)


def test_zero_time_inside_office_hours_is_the_start_itself() -> None:
    assert CAL.add_working_time(at(2026, 3, 2, 9, 15), 0) == at(2026, 3, 2, 9, 15)


def test_a_full_day_from_09_00_ends_at_09_00_the_next_working_day() -> None:
    assert CAL.add_working_time(at(2026, 2, 13, 9), 1) == at(2026, 2, 23, 9)


def test_an_amount_finer_than_a_microsecond_is_rounded_up() -> None:
    # 1/7 day = 4114.285714… s of office time.
    assert CAL.add_working_time(at(2026, 3, 2, 7), Fraction(1, 7)) == at(2026, 3, 2, 8, 8, 34, 285715)


def test_negative_amounts_are_refused() -> None:
    with pytest.raises(ValueError, match=r"cannot add a negative working time \(-1/4\)"):
        CAL.add_working_time(at(2026, 3, 2, 9), Fraction(-1, 4))
    with pytest.raises(ValueError, match=r"a period cannot be negative \(-1 working days\)"):
        CAL.add_working_days(at(2026, 3, 2, 9), -1)
    with pytest.raises(ValueError, match=r"a period cannot be negative \(-2 hours\)"):
        CAL.due_for_hours(at(2026, 3, 2, 9), -2)


def test_boolean_and_nan_amounts_are_refused() -> None:
    with pytest.raises(TypeError, match="not a boolean"):
        CAL.add_working_time(at(2026, 3, 2, 9), True)
    with pytest.raises(ValueError, match="must be finite"):
        CAL.add_working_time(at(2026, 3, 2, 9), float("nan"))


# --- Measuring working time -------------------------------------------------------------------


def test_between_counts_only_office_hours() -> None:
    assert CAL.between(at(2026, 3, 2, 9), at(2026, 3, 4, 13)) == Fraction(9, 4)


def test_between_across_lunch_counts_two_hours() -> None:
    assert CAL.between(at(2026, 3, 2, 10), at(2026, 3, 2, 14)) == Fraction(1, 4)


def test_between_over_a_weekend_is_zero() -> None:
    assert CAL.between(at(2026, 3, 6, 17), at(2026, 3, 9, 7)) == 0


def test_between_across_tet_counts_only_working_days() -> None:
    assert CAL.between(at(2026, 2, 13, 10), at(2026, 2, 27, 17)) == Fraction(45, 8)


def test_between_is_negative_when_the_end_is_first() -> None:
    assert CAL.between(at(2026, 3, 4, 13), at(2026, 3, 2, 9)) == Fraction(-9, 4)


def test_between_of_an_instant_and_itself_is_zero() -> None:
    assert CAL.between(at(2026, 3, 2, 9), at(2026, 3, 2, 9)) == 0


def test_office_time_between_is_in_hours() -> None:
    assert CAL.office_time_between(at(2026, 3, 2, 9), at(2026, 3, 4, 13)) == timedelta(hours=18)


def test_day_length_is_eight_office_hours_by_default() -> None:
    assert CAL.day_length == timedelta(hours=8)


# --- Time zones -------------------------------------------------------------------------------


def test_naive_datetimes_are_refused_with_a_clear_message() -> None:
    naive = datetime(2026, 3, 2, 9)
    with pytest.raises(ValueError, match=r"received_at must be a timezone-aware datetime \(got naive 2026-03-02T09:00:00\)"):
        CAL.add_working_days(naive, 1)
    with pytest.raises(ValueError, match="must be a timezone-aware datetime"):
        CAL.between(naive, at(2026, 3, 2, 10))
    with pytest.raises(ValueError, match="must be a timezone-aware datetime"):
        CAL.add_working_time(naive, 1)
    with pytest.raises(ValueError, match="must be a timezone-aware datetime"):
        CAL.due_for_hours(naive, 1)


def test_utc_input_is_read_as_the_same_instant_and_answered_in_local_time() -> None:
    due = CAL.add_working_days(datetime(2026, 2, 13, 3, 0, tzinfo=UTC), 5)
    assert due.isoformat() == "2026-02-27T17:00:00+07:00"
    assert due.tzinfo == TZ


def test_utc_evening_is_already_the_next_local_day() -> None:
    # 17:30 UTC on Sunday 01/03 is 00:30 on Monday 02/03 in Vietnam.
    assert CAL.reference_date(datetime(2026, 3, 1, 17, 30, tzinfo=UTC)) == date(2026, 3, 2)


def test_a_european_dst_change_does_not_move_vietnamese_office_hours() -> None:
    berlin = ZoneInfo("Europe/Berlin")
    # Sunday 29/03/2026 is the switch to summer time in Europe; Vietnam keeps +07:00.
    before = datetime(2026, 3, 27, 9, 0, tzinfo=berlin)  # 15:00 in Vietnam
    after = datetime(2026, 3, 30, 9, 0, tzinfo=berlin)  # 14:00 in Vietnam
    assert CAL.between(before, after) == Fraction(2 + 5, 8)  # Fri 15:00–17:00, Mon 07:00–11:00 and 13:00–14:00
    assert CAL.add_working_time(before, Fraction(1, 2)).isoformat() == "2026-03-30T09:00:00+07:00"


def test_every_result_has_the_plus_seven_offset_all_year() -> None:
    offsets = {CAL.closing(date(2026, 1, 1) + timedelta(days=n)).utcoffset() for n in range(365)}
    assert offsets == {timedelta(hours=7)}


# --- Office sessions --------------------------------------------------------------------------


def test_sessions_parse_in_order() -> None:
    assert parse_sessions("07:30-11:30, 13:30-17:00") == ((time(7, 30), time(11, 30)), (time(13, 30), time(17, 0)))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "at least one office session is needed"),
        ("07:00", "'07:00' is not in HH:MM-HH:MM form"),
        ("11:00-07:00", "office session 11:00-07:00 ends before it starts"),
        ("07:00-11:00,10:00-12:00", "office session 10:00-12:00 overlaps or precedes the one before it"),
        ("7h-11h", "'7h' is not a time of day in HH:MM form"),
    ],
)
def test_bad_sessions_are_refused(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_sessions(text)


@override_settings(MOTCUA_OFFICE_SESSIONS="07:30-11:30,13:30-17:30")
def test_sessions_come_from_settings() -> None:
    cal = WorkingCalendar(tz=TZ)
    assert cal.add_working_days(at(2026, 3, 2, 9), 1) == at(2026, 3, 3, 17, 30)
    assert cal.add_working_time(at(2026, 3, 2, 11), Fraction(1, 8)) == at(2026, 3, 2, 14, 0)


def test_odd_sessions_change_the_length_of_a_working_day() -> None:
    assert ODD_CAL.day_length == timedelta(hours=8, minutes=45)
    assert ODD_CAL.add_working_days(at(2026, 3, 2, 9), 1) == at(2026, 3, 3, 19, 15)


# --- Database: overrides per unit, the seed, the shared data -----------------------------------


@pytest.mark.django_db
def test_seed_migration_stored_the_official_2026_schedule() -> None:
    rows = CalendarOverride.objects.filter(unit__isnull=True, source=SEED_SOURCE).order_by("date")
    assert [(r.date, r.kind) for r in rows] == [
        *[(date(2026, 2, d), OverrideKind.DAY_OFF) for d in range(16, 21)],
        (date(2026, 8, 22), OverrideKind.WORKING_DAY),
        (date(2026, 8, 31), OverrideKind.DAY_OFF),
    ]


@pytest.mark.django_db
def test_seed_migration_is_idempotent_and_its_reverse_removes_exactly_its_rows() -> None:
    migration = importlib.import_module("motcua.core.migrations.0002_seed_calendar_2026")
    other = CalendarOverride.objects.create(date=date(2026, 3, 6), kind=OverrideKind.DAY_OFF, source="QĐ 1/2026")
    migration.seed(django_apps, None)
    assert CalendarOverride.objects.filter(source=SEED_SOURCE).count() == 7
    migration.unseed(django_apps, None)
    assert list(CalendarOverride.objects.values_list("pk", flat=True)) == [other.pk]


@pytest.mark.django_db
def test_golden_due_dates_hold_with_the_database_calendar() -> None:
    assert due_for_days(at(2026, 2, 13, 10), 5).isoformat() == "2026-02-27T17:00:00+07:00"
    assert due_for_days(at(2026, 8, 21, 10), 1) == at(2026, 8, 22, 17)
    assert due_for_days(at(2026, 8, 28, 10), 1) == at(2026, 9, 3, 17)
    assert due_for_hours(at(2026, 3, 2, 10), 2) == at(2026, 3, 2, 14)
    assert add_working_time(at(2026, 3, 2, 9), Fraction(1, 2)) == at(2026, 3, 2, 15)
    assert between(at(2026, 3, 2, 9), at(2026, 3, 4, 13)) == Fraction(9, 4)


@pytest.mark.django_db
def test_seeded_days_report_their_notice_as_source() -> None:
    status = calendar_for().day_status(date(2026, 8, 22))
    assert (status.working, status.source) == (True, SEED_SOURCE)


@pytest.mark.django_db
def test_province_day_off_applies_to_its_commune_but_not_to_another_province() -> None:
    province_day_off(date(2026, 3, 3))
    assert calendar_for(current_unit("32218")).is_working_day(date(2026, 3, 3)) is False
    assert calendar_for(current_unit("96")).is_working_day(date(2026, 3, 3)) is False
    assert calendar_for(current_unit("00004")).is_working_day(date(2026, 3, 3)) is True
    assert calendar_for().is_working_day(date(2026, 3, 3)) is True


@pytest.mark.django_db
def test_province_day_off_moves_the_commune_due_date() -> None:
    province_day_off(date(2026, 3, 3))
    assert due_for_days(at(2026, 3, 2, 10), 1, unit=current_unit("32218")) == at(2026, 3, 4, 17)
    assert due_for_days(at(2026, 3, 2, 10), 1, unit=current_unit("00004")) == at(2026, 3, 3, 17)


@pytest.mark.django_db
def test_commune_override_wins_over_province_and_nationwide_for_the_same_date() -> None:
    day = date(2026, 3, 6)
    CalendarOverride.objects.create(date=day, kind=OverrideKind.DAY_OFF, source="nationwide notice")
    CalendarOverride.objects.create(date=day, kind=OverrideKind.WORKING_DAY, unit=current_unit("96"), source="province decision")
    CalendarOverride.objects.create(date=day, kind=OverrideKind.DAY_OFF, unit=current_unit("32218"), source="commune decision")
    assert calendar_for().day_status(day) == DayStatus(day, False, "nationwide notice")
    assert calendar_for(current_unit("96")).day_status(day).source == "province decision"
    assert calendar_for(current_unit("96")).is_working_day(day) is True
    assert calendar_for(current_unit("32218")).is_working_day(day) is False
    assert calendar_for(current_unit("32218")).day_status(day).source == "commune decision"


@pytest.mark.django_db
def test_working_day_override_turns_a_package_holiday_into_a_working_day() -> None:
    CalendarOverride.objects.create(date=date(2026, 11, 24), kind=OverrideKind.WORKING_DAY, source="hypothetical notice")
    assert calendar_for().is_working_day(date(2026, 11, 24)) is True
    assert due_for_days(at(2026, 11, 23, 10), 1) == at(2026, 11, 24, 17)


@pytest.mark.django_db
def test_an_override_edit_applies_on_the_next_call() -> None:
    assert calendar_for().is_working_day(date(2026, 3, 6)) is True
    row = CalendarOverride.objects.create(date=date(2026, 3, 6), kind=OverrideKind.DAY_OFF, source="notice")
    assert calendar_for().is_working_day(date(2026, 3, 6)) is False
    row.delete()
    assert calendar_for().is_working_day(date(2026, 3, 6)) is True


@pytest.mark.django_db
def test_a_unit_calendar_costs_one_query_and_a_due_date_none_more(django_assert_num_queries: DjangoAssertNumQueries) -> None:
    commune = current_unit("32218")
    with django_assert_num_queries(1):
        cal = calendar_for(commune)
    with django_assert_num_queries(0):
        assert cal.add_working_days(at(2026, 2, 13, 10), 60) == at(2026, 5, 20, 17)


@pytest.mark.django_db
def test_every_public_holiday_of_the_shared_data_is_not_a_working_day(shared_data: Path) -> None:
    cal = calendar_for()
    with (shared_data / "holidays" / "vn_public_holidays_2024_2027.csv").open(encoding="utf-8") as handle:
        days = [date.fromisoformat(row["date"]) for row in csv.DictReader(handle)]
    assert len(days) == 56
    assert [d for d in days if cal.is_working_day(d)] == []


@pytest.mark.django_db
def test_every_make_up_saturday_of_the_shared_data_is_a_working_day(shared_data: Path) -> None:
    cal = calendar_for()
    with (shared_data / "holidays" / "vn_weekend_workdays_2024_2027.csv").open(encoding="utf-8") as handle:
        days = [date.fromisoformat(row["date"]) for row in csv.DictReader(handle)]
    assert days == [date(2024, 5, 4), date(2025, 4, 26), date(2026, 8, 22)]
    assert all(cal.is_working_day(d) for d in days)


@pytest.mark.django_db
def test_the_calendar_has_no_exception_beyond_the_shared_data_2024_2027(shared_data: Path) -> None:
    folder = shared_data / "holidays"
    with (folder / "vn_public_holidays_2024_2027.csv").open(encoding="utf-8") as handle:
        off = {date.fromisoformat(row["date"]) for row in csv.DictReader(handle)}
    with (folder / "vn_weekend_workdays_2024_2027.csv").open(encoding="utf-8") as handle:
        worked = {date.fromisoformat(row["date"]) for row in csv.DictReader(handle)}
    cal = calendar_for()
    listed = {s.day: s.working for year in range(2024, 2028) for s in cal.exceptions(year)}
    assert listed == {d: False for d in off if d.weekday() < 5} | {d: True for d in worked}


# --- Properties -------------------------------------------------------------------------------

LOCAL_INSTANTS = st.datetimes(min_value=datetime(2024, 1, 1), max_value=datetime(2027, 12, 31, 23, 59, 59)).map(
    lambda naive: naive.replace(tzinfo=TZ)
)
INSTANTS = st.one_of(LOCAL_INSTANTS, LOCAL_INSTANTS.map(lambda value: value.astimezone(UTC)))
QUARTER_DAYS = st.integers(min_value=0, max_value=240).map(lambda quarters: Fraction(quarters, 4))
WHOLE_DAYS = st.integers(min_value=0, max_value=40)
FRACTIONAL_DAYS = st.integers(min_value=0, max_value=160).map(lambda q: Fraction(4 * q + 1 + q % 3, 4))  # never whole
CUTOFFS = st.sampled_from([time(15, 0), time(11, 0), NO_CUTOFF])


def in_office_hours(cal: WorkingCalendar, instant: datetime) -> bool:
    local = instant.astimezone(TZ)
    inside = any(start <= local.time() <= end for start, end in cal.sessions)
    return cal.is_working_day(local.date()) and inside


@settings(deadline=None)
@given(a=INSTANTS, b=INSTANTS, days=WHOLE_DAYS, cutoff=CUTOFFS)
def test_due_date_is_monotone_in_the_receipt_instant(a: datetime, b: datetime, days: int, cutoff: time) -> None:
    first, second = sorted([a, b])
    assert CAL.add_working_days(first, days, cutoff=cutoff) <= CAL.add_working_days(second, days, cutoff=cutoff)


@settings(deadline=None)
@given(a=INSTANTS, b=INSTANTS, days=FRACTIONAL_DAYS)
def test_fractional_due_date_is_monotone_in_the_receipt_instant(a: datetime, b: datetime, days: Fraction) -> None:
    first, second = sorted([a, b])
    assert CAL.add_working_days(first, days) <= CAL.add_working_days(second, days)


@settings(deadline=None)
@given(received=INSTANTS, n=WHOLE_DAYS, m=WHOLE_DAYS)
def test_due_date_is_monotone_in_the_number_of_days(received: datetime, n: int, m: int) -> None:
    """RULES.md §1.6: more working days never end earlier (0 is same-day)."""
    small, large = sorted([n, m])
    assert CAL.add_working_days(received, small) <= CAL.add_working_days(received, large)


@settings(deadline=None)
@given(start=INSTANTS, x=QUARTER_DAYS, y=QUARTER_DAYS)
def test_adding_more_working_time_never_ends_earlier(start: datetime, x: Fraction, y: Fraction) -> None:
    small, large = sorted([x, y])
    assert CAL.add_working_time(start, small) <= CAL.add_working_time(start, large)


@settings(deadline=None)
@given(received=INSTANTS, days=st.one_of(WHOLE_DAYS, FRACTIONAL_DAYS), cutoff=CUTOFFS)
def test_due_instant_is_in_office_hours_of_a_working_day(received: datetime, days: int | Fraction, cutoff: time) -> None:
    due = CAL.add_working_days(received, days, cutoff=cutoff)
    assert due.utcoffset() == timedelta(hours=7)
    assert in_office_hours(CAL, due)


@settings(deadline=None)
@given(received=INSTANTS, days=st.one_of(WHOLE_DAYS, FRACTIONAL_DAYS), cutoff=CUTOFFS)
def test_due_instant_is_never_before_the_receipt(received: datetime, days: int | Fraction, cutoff: time) -> None:
    assert CAL.add_working_days(received, days, cutoff=cutoff) >= received


@settings(deadline=None)
@given(received=INSTANTS, n=st.integers(min_value=1, max_value=60), m=st.integers(min_value=1, max_value=60))
def test_calendar_day_due_is_monotone_in_the_number_of_days(received: datetime, n: int, m: int) -> None:
    """RULES.md §1.6 (Civil Code Art. 147–148)."""
    small, large = sorted([n, m])
    assert CAL.add_calendar_days(received, small) <= CAL.add_calendar_days(received, large)


@settings(deadline=None)
@given(received=INSTANTS, days=st.integers(min_value=1, max_value=60))
def test_calendar_day_due_is_at_the_close_of_a_working_day_after_the_receipt(received: datetime, days: int) -> None:
    """RULES.md §1.6: never on a day off (Art. 148(5)), never before the receipt, never before receipt date + N."""
    due = CAL.add_calendar_days(received, days)
    assert CAL.is_working_day(due.date()) and due == CAL.closing(due.date())
    assert due > received
    assert due.date() >= received.astimezone(TZ).date() + timedelta(days=days)


@settings(deadline=None)
@given(received=INSTANTS, days=st.integers(min_value=1, max_value=40))
def test_working_day_due_is_the_close_of_the_nth_working_day_after_the_receipt_date(received: datetime, days: int) -> None:
    """RULES.md §1.6: the receipt day is excluded whatever the hour; exactly N working days follow it."""
    due = CAL.add_working_days(received, days)
    assert due == CAL.closing(due.date())
    assert CAL.working_days_between(received.astimezone(TZ).date(), due.date()) == days


@settings(deadline=None)
@given(received=INSTANTS, cutoff=CUTOFFS)
def test_same_day_is_never_later_than_one_working_day(received: datetime, cutoff: time) -> None:
    """RULES.md §1.6: a same-day period ends at the latest when a 1-working-day period ends."""
    same_day = CAL.due_same_day(received, cutoff=cutoff)
    assert received <= same_day <= CAL.add_working_days(received, 1)
    assert in_office_hours(CAL, same_day)


@settings(deadline=None)
@given(a=INSTANTS, b=INSTANTS, cutoff=CUTOFFS)
def test_same_day_due_is_monotone_in_the_receipt_instant(a: datetime, b: datetime, cutoff: time) -> None:
    first, second = sorted([a, b])
    assert CAL.due_same_day(first, cutoff=cutoff) <= CAL.due_same_day(second, cutoff=cutoff)


@settings(deadline=None)
@given(received=INSTANTS, quarter_hours=st.integers(min_value=1, max_value=400))
def test_hours_due_instant_is_in_office_hours_of_a_working_day(received: datetime, quarter_hours: int) -> None:
    assert in_office_hours(CAL, CAL.due_for_hours(received, Fraction(quarter_hours, 4)))


@settings(deadline=None)
@given(cal=st.sampled_from([CAL, ODD_CAL]), start=INSTANTS, amount=QUARTER_DAYS)
def test_measuring_what_was_added_gives_the_amount_back(cal: WorkingCalendar, start: datetime, amount: Fraction) -> None:
    assert cal.between(start, cal.add_working_time(start, amount)) == amount


@settings(deadline=None)
@given(start=INSTANTS, minutes=st.integers(min_value=1, max_value=480 * 20))
def test_measuring_whole_minutes_added_gives_them_back(start: datetime, minutes: int) -> None:
    amount = Fraction(minutes, 480)
    end = CAL.add_working_time(start, amount)
    assert CAL.between(start, end) == amount
    assert in_office_hours(CAL, end)


@settings(deadline=None)
@given(cal=st.sampled_from([CAL, ODD_CAL]), a=INSTANTS, b=INSTANTS, c=INSTANTS)
def test_between_is_additive(cal: WorkingCalendar, a: datetime, b: datetime, c: datetime) -> None:
    first, middle, last = sorted([a, b, c])
    assert cal.between(first, middle) + cal.between(middle, last) == cal.between(first, last)
    assert cal.between(a, b) + cal.between(b, c) == cal.between(a, c)


@settings(deadline=None)
@given(a=INSTANTS, b=INSTANTS)
def test_between_is_antisymmetric(a: datetime, b: datetime) -> None:
    assert CAL.between(b, a) == -CAL.between(a, b)


# --- The per-process cache of loaded calendars ---------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_loaded_calendar_is_reused_then_forgotten_when_an_override_commits(
    units: None, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    from motcua.core.calendar import calendar_cache_clear
    from motcua.core.services import calendar_override_set
    from motcua.core.tests.factories import current_unit

    unit = current_unit("32218")
    day = date(2026, 12, 3)  # a Thursday
    calendar_cache_clear()
    with override_settings(MOTCUA_CALENDAR_CACHE_SECONDS=60):
        with django_assert_num_queries(1):
            first = calendar_for(unit)
            again = calendar_for(unit)
        assert again is first and first.is_working_day(day)

        calendar_override_set(
            actor=None, day=day, kind=OverrideKind.DAY_OFF, source="QĐ 1/UBND", unit=unit, check_permission=False
        )

        assert not calendar_for(unit).is_working_day(day)
    calendar_cache_clear()


@pytest.mark.django_db
def test_calendar_cache_expires_and_can_be_switched_off(units: None, monkeypatch: pytest.MonkeyPatch) -> None:
    from motcua.core import calendar as calendar_module
    from motcua.core.tests.factories import current_unit

    unit = current_unit("32218")
    clock = [1000.0]
    monkeypatch.setattr(calendar_module, "_monotonic", lambda: clock[0])
    calendar_module.calendar_cache_clear()
    with override_settings(MOTCUA_CALENDAR_CACHE_SECONDS=60):
        first = calendar_for(unit)
        clock[0] += 59
        assert calendar_for(unit) is first
        assert calendar_for(None) is not first  # another unit, another entry
        clock[0] += 2
        assert calendar_for(unit) is not first
    with override_settings(MOTCUA_CALENDAR_CACHE_SECONDS=0):
        assert calendar_for(unit) is not calendar_for(unit)
    calendar_module.calendar_cache_clear()
