"""``dossiers.clock.initial_due``: the appointment instant from the catalogue's lead time
(RULES.md §1.6), on the 2026 calendar with the Tết and National Day seed."""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from motcua.core.calendar import WorkingCalendar
from motcua.core.exceptions import DomainError
from motcua.dossiers import clock

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
CAL = WorkingCalendar(
    days_off=[date(2026, 2, d) for d in range(16, 21)] + [date(2026, 8, 31)],
    working_days=[date(2026, 8, 22)],
    sessions="07:00-11:00,13:00-17:00",
    cutoff=time(15, 0),
    tz=TZ,
)


def at(month: int, day: int, hour: int, minute: int = 0, second: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, second, tzinfo=TZ)


def due(received_at: datetime, value: Decimal | int | None, unit: str, cutoff: time | None = None) -> datetime:
    return clock.initial_due(CAL, received_at=received_at, value=value, unit=unit, cutoff=cutoff)


def test_one_working_day_received_friday_at_16_00_is_due_monday_after_tet() -> None:
    """RULES.md §1.6 golden case: no 15:00 cut-off for N working days."""
    assert due(at(2, 13, 16), Decimal("1"), clock.WORKING_DAY) == at(2, 23, 17)


def test_a_procedure_cutoff_does_not_move_an_n_day_period() -> None:
    """RULES.md §1.6: the per-procedure cut-off is kept for same-day procedures only."""
    assert due(at(3, 2, 12), Decimal("3"), clock.WORKING_DAY, cutoff=time(11, 0)) == at(3, 5, 17)


def test_fifteen_calendar_days_from_friday_13_february_roll_to_monday_2_march() -> None:
    """RULES.md §1.6 golden case: last day Sat 28/02 is off → close of Mon 02/03."""
    assert due(at(2, 13, 10), Decimal("15"), clock.CALENDAR_DAY) == at(3, 2, 17)


def test_same_day_before_and_after_the_cutoff() -> None:
    """RULES.md §1.6: same-day (value 0 or none) is the close of the receipt day, the next working day after 15:00."""
    assert due(at(3, 2, 14, 59), Decimal("0"), clock.SAME_DAY) == at(3, 2, 17)
    assert due(at(3, 2, 15, 0, 1), None, clock.SAME_DAY) == at(3, 3, 17)
    assert due(at(2, 13, 16), Decimal("0"), clock.SAME_DAY) == at(2, 23, 17)


def test_same_day_honours_the_procedure_cutoff() -> None:
    """RULES.md §1.6: the cut-off stays configurable per procedure for same-day."""
    assert due(at(3, 2, 11, 30), Decimal("0"), clock.SAME_DAY, cutoff=time(11, 0)) == at(3, 3, 17)


def test_same_day_received_on_the_make_up_saturday_is_due_that_day() -> None:
    """RULES.md §11: Sat 22/08/2026 is a working day."""
    assert due(at(8, 22, 9), Decimal("0"), clock.SAME_DAY) == at(8, 22, 17)


def test_half_a_working_day_is_still_continuous_office_time() -> None:
    """RULES.md §1.6: fractional steps (0.25/0.5) keep working as documented."""
    assert due(at(3, 2, 9), Decimal("0.5"), clock.WORKING_DAY) == at(3, 2, 15)
    assert due(at(3, 2, 16), Decimal("0.5"), clock.WORKING_DAY) == at(3, 3, 11)


def test_hours_count_from_the_moment_of_receipt() -> None:
    assert due(at(3, 2, 10), Decimal("2"), clock.HOUR) == at(3, 2, 14)


def test_no_time_limit_is_refused_with_its_code() -> None:
    with pytest.raises(DomainError) as caught:
        due(at(3, 2, 10), None, clock.WORKING_DAY)

    assert caught.value.code == "procedure_no_time_limit"


def test_an_unknown_unit_is_refused() -> None:
    with pytest.raises(DomainError) as caught:
        due(at(3, 2, 10), Decimal("1"), "fortnight")

    assert caught.value.code == "procedure_time_unit_unknown"
