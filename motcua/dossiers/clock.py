"""The dossier's statutory clock on top of ``core.calendar`` (RULES.md §1.6).

* ``initial_due``: the appointment instant from the procedure's lead time.
* ``remaining_at`` / ``resume_due``: a supplement request pauses the clock; the working time
  that was left is given back from the moment the supplement arrives.
* ``can_extend``: an apology with a new date is allowed once, and only up to one working day
  before the due instant.
* ``judge``: early / on time / late of a finished dossier or step.
"""

from __future__ import annotations

from datetime import datetime, time
from decimal import Decimal
from fractions import Fraction

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from motcua.core.calendar import WorkingCalendar
from motcua.core.exceptions import DomainError
from motcua.dossiers.choices import Timeliness

# catalog.choices.TimeUnit values (kept as strings: dossiers reads the catalogue, never the reverse)
WORKING_DAY = "working_day"
CALENDAR_DAY = "calendar_day"
WORKING_HOUR = "working_hour"
HOUR = "hour"
SAME_DAY = "same_day"


def initial_due(
    calendar: WorkingCalendar,
    *,
    received_at: datetime,
    value: Decimal | int | None,
    unit: str | None,
    cutoff: time | None = None,
) -> datetime:
    """The due instant for a lead time of ``value`` ``unit`` received at ``received_at``
    (RULES.md §1.6).

    * working days: N whole working days after the receipt day, no cut-off (fractions:
      continuous office time, see ``WorkingCalendar.add_working_days``);
    * calendar days: receipt date + N, rolled to the next working day if that is a day off;
    * same day: the close of the receipt day, or of the next working day after the cut-off;
    * hours: continuous office time from the receipt.

    ``cutoff`` (the procedure's own, else ``MOTCUA_RECEIPT_CUTOFF``) only applies to same-day
    and fractional periods; it is ignored for N-day periods. For a same-day procedure the value
    may be 0 or None.
    """
    if unit == SAME_DAY:
        return calendar.due_same_day(received_at, cutoff=cutoff)
    if value is None or not unit:
        raise DomainError(
            "procedure_no_time_limit",
            _("This procedure has no time limit in the catalogue; a data officer must set it before dossiers can be received."),
        )
    amount = Fraction(str(value))
    if unit == WORKING_DAY:
        return calendar.add_working_days(received_at, amount, cutoff=cutoff)
    if unit == CALENDAR_DAY:
        if amount.denominator != 1:
            # A fraction of a calendar day is not a statutory period: count it as office time.
            return calendar.add_working_days(received_at, amount, cutoff=cutoff)
        return calendar.add_calendar_days(received_at, amount)
    if unit in (WORKING_HOUR, HOUR):
        return calendar.due_for_hours(received_at, amount)
    raise DomainError("procedure_time_unit_unknown", _("The procedure's time unit is not known."))


def remaining_at(calendar: WorkingCalendar, *, at: datetime, due_at: datetime) -> Fraction:
    """Working time left until ``due_at`` (zero when already past)."""
    return calendar.between(at, due_at) if at < due_at else Fraction(0)


def resume_due(calendar: WorkingCalendar, *, resumed_at: datetime, remaining: Fraction) -> datetime:
    """The new due instant when the clock restarts with ``remaining`` working time left."""
    return calendar.add_working_time(resumed_at, remaining)


def can_extend(calendar: WorkingCalendar, *, now: datetime, due_at: datetime) -> bool:
    """An apology must come at least one working day before the due instant (RULES.md §1.4.6)."""
    return now < due_at and calendar.between(now, due_at) >= 1


def judge(*, finished_at: datetime, due_at: datetime) -> Timeliness:
    """Late after the due instant; early when finished on an earlier calendar day."""
    if finished_at > due_at:
        return Timeliness.LATE
    if timezone.localtime(finished_at).date() < timezone.localtime(due_at).date():
        return Timeliness.EARLY
    return Timeliness.ON_TIME
