"""``manage.py calendar`` (``motcua calendar``): due, between, days, and its error messages."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from motcua.core.choices import OverrideKind
from motcua.core.models import AdministrativeUnit, CalendarOverride

pytestmark = pytest.mark.django_db

SEED_SOURCE = "Công văn 9859/VPCP-KGVX ngày 13/10/2025; Thông báo 9441/TB-BNV"


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    """The msgids are English; pin the language so a Vietnamese catalogue does not change them."""
    with translation.override("en"):
        yield


def run(*args: str) -> str:
    out = StringIO()
    call_command("calendar", *args, stdout=out)
    return out.getvalue()


# --- due --------------------------------------------------------------------------------------


def test_due_prints_the_instant_in_iso_8601_with_the_offset() -> None:
    assert run("due", "--received", "2026-02-13T10:00+07:00", "--working-days", "5") == "2026-02-27T17:00:00+07:00\n"


def test_due_reads_an_offset_in_the_receipt_instant() -> None:
    assert run("due", "--received", "2026-02-13T03:00Z", "--working-days", "5") == "2026-02-27T17:00:00+07:00\n"


def test_due_for_one_working_day_received_friday_at_16_00_is_monday_after_tet() -> None:
    """RULES.md §1.6 golden case: no cut-off for N working days."""
    assert run("due", "--received", "2026-02-13T16:00+07:00", "--working-days", "1") == "2026-02-23T17:00:00+07:00\n"


def test_due_for_working_days_ignores_the_hour_of_receipt() -> None:
    """RULES.md §1.6."""
    assert run("due", "--received", "2026-02-23T15:00:01+07:00", "--working-days", "1") == "2026-02-24T17:00:00+07:00\n"


def test_due_for_one_working_day_received_on_a_saturday_is_monday() -> None:
    """RULES.md §1.6."""
    assert run("due", "--received", "2026-03-07T10:00+07:00", "--working-days", "1") == "2026-03-09T17:00:00+07:00\n"


def test_due_on_the_make_up_saturday() -> None:
    """RULES.md §11: Sat 22/08/2026 is worked."""
    assert run("due", "--received", "2026-08-21T16:30+07:00", "--working-days", "1") == "2026-08-22T17:00:00+07:00\n"
    assert run("due", "--received", "2026-08-28T10:00+07:00", "--working-days", "1") == "2026-09-03T17:00:00+07:00\n"


def test_due_for_calendar_days_rolls_a_saturday_end_to_monday() -> None:
    """RULES.md §1.6 golden case: 15 days from Fri 13/02/2026 → Sat 28/02 → Mon 02/03."""
    assert run("due", "--received", "2026-02-13T10:00+07:00", "--days", "15") == "2026-03-02T17:00:00+07:00\n"


def test_due_same_day_before_and_after_the_cutoff() -> None:
    """RULES.md §1.6: same-day procedures keep the 15:00 cut-off."""
    assert run("due", "--received", "2026-02-23T15:00+07:00", "--same-day") == "2026-02-23T17:00:00+07:00\n"
    assert run("due", "--received", "2026-02-23T15:00:01+07:00", "--same-day") == "2026-02-24T17:00:00+07:00\n"
    assert run("due", "--received", "2026-02-13T16:00+07:00", "--same-day") == "2026-02-23T17:00:00+07:00\n"


def test_due_same_day_with_cutoff_none_counts_a_receipt_until_closing() -> None:
    assert run("due", "--received", "2026-02-23T16:30+07:00", "--same-day", "--cutoff", "none") == "2026-02-23T17:00:00+07:00\n"


def test_due_same_day_with_an_earlier_cutoff() -> None:
    assert run("due", "--received", "2026-02-23T11:30+07:00", "--same-day", "--cutoff", "11:00") == "2026-02-24T17:00:00+07:00\n"


def test_due_for_half_a_day() -> None:
    assert run("due", "--received", "2026-03-02T09:00+07:00", "--working-days", "0.5") == "2026-03-02T15:00:00+07:00\n"


def test_due_for_hours_skips_the_lunch_break() -> None:
    assert run("due", "--received", "2026-03-02T10:00+07:00", "--hours", "2") == "2026-03-02T14:00:00+07:00\n"


def test_due_for_a_unit_uses_its_province_override() -> None:
    province = AdministrativeUnit.objects.get(code="96", valid_to__isnull=True)
    CalendarOverride.objects.create(date=date(2026, 3, 3), kind=OverrideKind.DAY_OFF, unit=province, source="QĐ 12/QĐ-UBND")
    assert (
        run("due", "--received", "2026-03-02T10:00+07:00", "--working-days", "1", "--unit", "32218")
        == "2026-03-04T17:00:00+07:00\n"
    )
    assert (
        run("due", "--received", "2026-03-02T10:00+07:00", "--working-days", "1", "--unit", "00004")
        == "2026-03-03T17:00:00+07:00\n"
    )


# --- between ----------------------------------------------------------------------------------


def test_between_prints_days_then_office_hours() -> None:
    assert run("between", "2026-03-02T09:00", "2026-03-04T13:00") == "2.25 working days (18:00 office hours)\n"


def test_between_across_tet() -> None:
    assert run("between", "2026-02-13T10:00", "2026-02-27T17:00") == "5.625 working days (45:00 office hours)\n"


def test_between_rounds_days_to_six_places_and_keeps_hours_exact() -> None:
    assert run("between", "2026-03-02T09:00", "2026-03-02T09:01") == "0.002083 working days (0:01 office hours)\n"


def test_between_shows_seconds_only_when_there_are_some() -> None:
    assert run("between", "2026-03-02T09:00", "2026-03-02T09:00:30") == "0.001042 working days (0:00:30 office hours)\n"


def test_between_is_negative_when_the_end_comes_first() -> None:
    assert run("between", "2026-03-04T13:00", "2026-03-02T09:00") == "-2.25 working days (-18:00 office hours)\n"


def test_between_over_a_weekend_is_zero() -> None:
    assert run("between", "2026-03-06T17:00", "2026-03-09T07:00") == "0 working days (0:00 office hours)\n"


# --- days -------------------------------------------------------------------------------------


def test_days_lists_the_2026_exceptions_with_their_source() -> None:
    assert run("days", "2026").splitlines() == [
        "2026-01-01  Thu  day_off      holidays 0.109: Tết Dương lịch",
        f"2026-02-16  Mon  day_off      {SEED_SOURCE}",
        f"2026-02-17  Tue  day_off      {SEED_SOURCE}",
        f"2026-02-18  Wed  day_off      {SEED_SOURCE}",
        f"2026-02-19  Thu  day_off      {SEED_SOURCE}",
        f"2026-02-20  Fri  day_off      {SEED_SOURCE}",
        "2026-04-27  Mon  day_off      holidays 0.109: Ngày Giỗ Tổ Hùng Vương (nghỉ bù)",
        "2026-04-30  Thu  day_off      holidays 0.109: Ngày Chiến thắng",
        "2026-05-01  Fri  day_off      holidays 0.109: Ngày Quốc tế Lao động",
        f"2026-08-22  Sat  working_day  {SEED_SOURCE}",
        f"2026-08-31  Mon  day_off      {SEED_SOURCE}",
        "2026-09-01  Tue  day_off      holidays 0.109: Quốc khánh",
        "2026-09-02  Wed  day_off      holidays 0.109: Quốc khánh",
        "2026-11-24  Tue  day_off      holidays 0.109: Ngày Văn hóa Việt Nam",
    ]


def test_days_for_a_unit_include_its_own_overrides() -> None:
    commune = AdministrativeUnit.objects.get(code="32218", valid_to__isnull=True)
    CalendarOverride.objects.create(date=date(2026, 3, 7), kind=OverrideKind.WORKING_DAY, unit=commune, source="QĐ 3/QĐ-UBND")
    lines = run("days", "2026", "--unit", "32218").splitlines()
    assert "2026-03-07  Sat  working_day  QĐ 3/QĐ-UBND" in lines
    assert "2026-03-07  Sat  working_day  QĐ 3/QĐ-UBND" not in run("days", "2026").splitlines()


# --- Errors -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("due", "--received", "yesterday", "--working-days", "1"),
            "'yesterday' is not a date and time; write it like 2026-02-13T10:00 or 2026-02-13T10:00+07:00.",
        ),
        (("due", "--received", "2026-02-13T10:00+07:00", "--working-days", "-1"), "--working-days must be zero or more, not -1."),
        (("due", "--received", "2026-02-13T10:00+07:00", "--working-days", "five"), "--working-days needs a number, not 'five'."),
        (("due", "--received", "2026-02-13T10:00+07:00", "--hours", "-2"), "--hours must be zero or more, not -2."),
        (
            ("due", "--received", "2026-02-13T10:00+07:00", "--working-days", "NaN"),
            "--working-days must be zero or more, not NaN.",
        ),
        (
            ("due", "--received", "2026-02-13T10:00+07:00", "--working-days", "1", "--unit", "99999"),
            "There is no current administrative unit with code '99999'.",
        ),
        (
            ("due", "--received", "2026-02-13T10:00", "--working-days", "1"),
            "'2026-02-13T10:00' has no time zone; add the offset, like 2026-02-13T10:00+07:00.",
        ),
        (("due", "--received", "2026-02-13T10:00+07:00", "--days", "1.5"), "--days needs a whole number of days, not 1.5."),
        (("due", "--received", "2026-02-13T10:00+07:00", "--days", "-3"), "--days must be zero or more, not -3."),
        (
            ("due", "--received", "2026-02-13T10:00+07:00", "--same-day", "--cutoff", "3pm"),
            "--cutoff needs a time like 15:00, or none, not '3pm'.",
        ),
        (
            ("between", "2026-03-02T09:00", "2026-13-02T09:00"),
            "'2026-13-02T09:00' is not a date and time; write it like 2026-02-13T10:00 or 2026-02-13T10:00+07:00.",
        ),
        (("days", "twenty"), "'twenty' is not a year."),
    ],
)
def test_bad_input_raises_a_readable_command_error(args: tuple[str, ...], message: str) -> None:
    with pytest.raises(CommandError) as caught:
        run(*args)
    assert str(caught.value) == message


def test_historical_unit_codes_are_not_accepted() -> None:
    # 964 was a district of Cà Mau until 1 July 2025; only current units have a calendar.
    assert AdministrativeUnit.objects.filter(code="964", valid_to__isnull=False).exists()
    with pytest.raises(CommandError) as caught:
        run("due", "--received", "2026-02-13T10:00+07:00", "--working-days", "1", "--unit", "964")
    assert str(caught.value) == "There is no current administrative unit with code '964'."


def test_working_days_and_hours_together_are_refused() -> None:
    with pytest.raises(CommandError, match="argument --hours: not allowed with argument --working-days"):
        run("due", "--received", "2026-02-13T10:00+07:00", "--working-days", "1", "--hours", "2")


def test_same_day_and_calendar_days_together_are_refused() -> None:
    with pytest.raises(CommandError, match="argument --same-day: not allowed with argument --days"):
        run("due", "--received", "2026-02-13T10:00+07:00", "--days", "1", "--same-day")


def test_a_period_is_required() -> None:
    with pytest.raises(CommandError, match="one of the arguments --working-days --days --hours --same-day is required"):
        run("due", "--received", "2026-02-13T10:00+07:00")
