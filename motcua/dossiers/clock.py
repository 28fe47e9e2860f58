"""The dossier's statutory clock on top of ``core.calendar`` (RULES.md §1.6).

* ``initial_due``: the appointment instant from the procedure's lead time.
* ``remaining_at`` / ``resume_due``: a supplement request pauses the clock; the working time
  that was left is given back from the moment the supplement arrives.
* ``can_extend``: an apology with a new date is allowed once, and only up to one working day
  before the due instant.
* ``judge``: early / on time / late of a finished dossier or step.
* ``dossier_outcome``: the 766 judgement of a whole dossier from its events (end of
  processing, the citizen's supplement time, early / on time / late).
* ``supplement_time``: the working time the citizen spent supplementing.
* ``handover_due``: the one-stop desk's own deadline to hand a received dossier to the
  competent agency (RULES.md §1.4 row 4).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, time, tzinfo
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any

from django.utils import formats, timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from motcua.catalog.choices import TimeUnit
from motcua.core.calendar import WorkingCalendar
from motcua.core.exceptions import DomainError
from motcua.core.text import decimal_text
from motcua.dossiers.choices import ClockReason, DossierAction, Timeliness
from motcua.dossiers.exceptions import DossierErrorCode

# The catalogue's lead-time units, named here for the clock's callers. dossiers sits above
# catalog (DESIGN.md, layers), so it imports the enum; the catalogue never imports dossiers.
WORKING_DAY = TimeUnit.WORKING_DAY
CALENDAR_DAY = TimeUnit.CALENDAR_DAY
WORKING_HOUR = TimeUnit.WORKING_HOUR
HOUR = TimeUnit.HOUR
SAME_DAY = TimeUnit.SAME_DAY


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
            DossierErrorCode.PROCEDURE_NO_TIME_LIMIT,
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
    raise DomainError(DossierErrorCode.PROCEDURE_TIME_UNIT_UNKNOWN, _("The procedure's time unit is not known."))


def remaining_at(calendar: WorkingCalendar, *, at: datetime, due_at: datetime) -> Fraction:
    """Working time left until ``due_at`` (zero when already past)."""
    return calendar.between(at, due_at) if at < due_at else Fraction(0)


def resume_due(calendar: WorkingCalendar, *, resumed_at: datetime, remaining: Fraction) -> datetime:
    """The new due instant when the clock restarts with ``remaining`` working time left."""
    return calendar.add_working_time(resumed_at, remaining)


def as_days(value: Fraction) -> Decimal:
    """A working-time amount as a decimal of days, to 4 places (for storing and showing)."""
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(Decimal("0.0001"), ROUND_HALF_UP)


def can_extend(calendar: WorkingCalendar, *, now: datetime, due_at: datetime) -> bool:
    """An apology must come at least one working day before the due instant (RULES.md §1.4.6)."""
    return now < due_at and calendar.between(now, due_at) >= 1


def judge(*, finished_at: datetime, due_at: datetime, tz: tzinfo | None = None) -> Timeliness:
    """Late after the due instant; early when finished on an earlier calendar day (in ``tz``,
    by default the current time zone; the seeder passes its zone, as a loop is faster so)."""
    if finished_at > due_at:
        return Timeliness.LATE
    zone = tz or timezone.get_current_timezone()
    if finished_at.astimezone(zone).date() < due_at.astimezone(zone).date():
        return Timeliness.EARLY
    return Timeliness.ON_TIME


# --- The whole dossier: RULES.md §1.6 "Classification" (766 formula 2.1) ---------------------

_DECIDED = frozenset({DossierAction.APPROVE, DossierAction.REJECT})  # "Đã xử lý xong"
_ENDED_EARLY = frozenset({DossierAction.REFUSE, DossierAction.STOP})  # "Từ chối" / "Dừng xử lý"


@dataclass(frozen=True)
class Outcome:
    """The 766 judgement of a dossier.

    ``final`` is False when the dossier has no end yet, or when its only end is a supplement
    request it is still waiting on (the portal then judges it at the request; the dossier is
    not finished, so the services do not store that judgement).
    """

    timeliness: str  # a Timeliness value, or "" when there is nothing to judge
    end_at: datetime | None
    final: bool
    supplement_requests: int
    supplement_pending: bool
    supplement_days: Fraction  # the citizen's supplement time, working days (0 without a calendar)
    processing_days: Fraction | None  # receipt → end minus the supplement time (needs a calendar)


def supplement_intervals(events: Iterable[tuple[str, datetime]]) -> list[tuple[datetime, datetime | None]]:
    """(requested at, supplemented at or None while pending) for every supplement request."""
    intervals: list[tuple[datetime, datetime | None]] = []
    for action, at in events:
        if action == DossierAction.REQUEST_SUPPLEMENT:
            intervals.append((at, None))
        elif action == DossierAction.SUPPLEMENT and intervals and intervals[-1][1] is None:
            intervals[-1] = (intervals[-1][0], at)
    return intervals


def supplement_time(
    calendar: WorkingCalendar, events: Iterable[tuple[str, datetime]], *, until: datetime | None = None
) -> Fraction:
    """Working time from each "Yêu cầu bổ sung" to its "hoàn thành bổ sung" (RULES.md §1.6),
    clipped at ``until`` (the end of processing; a pending request runs to it)."""
    total = Fraction(0)
    for start, end in supplement_intervals(events):
        stop = end if end is not None else until
        if stop is None:
            continue
        if until is not None:
            stop = min(stop, until)
        if stop > start:
            total += calendar.between(start, stop)
    return total


def dossier_outcome(
    events: Sequence[tuple[str, datetime]],
    *,
    due_at: datetime | None,
    received_at: datetime | None = None,
    calendar: WorkingCalendar | None = None,
    allowed_days: Fraction | None = None,
    tz: tzinfo | None = None,
) -> Outcome:
    """Early / on time / late of a dossier from its events, as the national portal judges it.

    ``events`` are (action, at) in order; ``due_at`` is the appointment now in force: it moved
    on every resume by the working time left at the pause, so the citizen's supplement time is
    already subtracted from it (nothing moves it while a supplement is pending, so it is also
    the due date in force at a pending request).

    * The end of processing is the first of: the decision (approve / reject) > the return >
      the refusal or stop.
    * A refusal or stop **while a supplement is pending** ends at the request: the citizen's
      waiting is never charged to the agency.
    * With no other end, a pending supplement request is the end (not final); in that case
      only, two or more supplement requests make the dossier late.
    * Without an appointment, ``end − receipt − supplement time ≤ allowed_days`` (needs
      ``calendar``, ``received_at`` and ``allowed_days``).
    """
    decided = returned = ended = None
    pending_at: datetime | None = None  # the open supplement request
    ended_pending = False
    requests = 0
    for action, at in events:
        if action == DossierAction.REQUEST_SUPPLEMENT:
            requests += 1
            pending_at = at
        elif action == DossierAction.SUPPLEMENT:
            pending_at = None
        elif action in _DECIDED and decided is None:
            decided = at
        elif action == DossierAction.RETURN_RESULT and returned is None:
            returned = at
        elif action in _ENDED_EARLY and ended is None:
            if pending_at is not None:
                ended, ended_pending = pending_at, True
            else:
                ended = at
    final = True
    end = decided or returned or ended
    if end is None and pending_at is not None:
        end, final = pending_at, False
    elif end is None:
        final = False
    supplement_days = supplement_time(calendar, events, until=end) if calendar is not None and end is not None else Fraction(0)
    processing = None
    if calendar is not None and received_at is not None and end is not None:
        processing = max(Fraction(0), calendar.between(received_at, end) - supplement_days) if end > received_at else Fraction(0)
    pending = pending_at is not None or ended_pending
    timeliness = ""
    if end is not None:
        if not final and requests >= 2:
            timeliness = Timeliness.LATE
        elif due_at is not None:
            timeliness = judge(finished_at=end, due_at=due_at, tz=tz)
        elif processing is not None and allowed_days is not None:
            timeliness = Timeliness.LATE if processing > allowed_days else Timeliness.ON_TIME
    return Outcome(
        timeliness=timeliness,
        end_at=end,
        final=final,
        supplement_requests=requests,
        supplement_pending=pending,
        supplement_days=supplement_days,
        processing_days=processing,
    )


# --- The desk's own deadline: hand-over to the competent agency (RULES.md §1.4 row 4) -----------

#: Electronic dossiers received after this time go to the agency by the end of the next working
#: day's morning session (Decree 118 Art. 18 as worded in provincial procedures, RULES.md §1.6).
HANDOVER_CUTOFF = time(15, 0)


def handover_due(calendar: WorkingCalendar, *, received_at: datetime, electronic: bool) -> datetime:
    """When the one-stop desk must have handed the dossier to the competent agency.

    * Electronic (online, or every document digitized): at once, i.e. by the close of office of
      the receipt day when received on a working day at or before 15:00; otherwise by the end of
      the morning session of the next working day.
    * Paper: within 1 working day, i.e. by the close of office of the working day after the
      receipt day (after the next working day when received on a day off).

    Built on the calendar's day primitives only (no ``add_working_days`` cut-off).
    """
    local = calendar.local(received_at, "received_at")
    day = local.date()
    working = calendar.is_working_day(day)
    if electronic:
        closing = calendar.closing(day)
        if working and local.time() <= HANDOVER_CUTOFF and local <= closing:
            return closing
        following = calendar.next_working_day(day)
        morning_end = calendar.sessions[0][1]
        return datetime.combine(following, morning_end).replace(tzinfo=calendar.tz)
    reference = day if working else calendar.next_working_day(day)
    return calendar.closing(calendar.next_working_day(reference))


# --- What the clock changes say (the services and the demo seeder write the same codes) ---------
# A clock change stores a reason code and its parameters (``ClockChange.reason_code`` /
# ``reason_params``); ``reason_text`` words them in the active language when the change is shown,
# so the same dossier is explained in Vietnamese to one reader and in English to another.


def days_text(value: Decimal | Fraction | float | int | str) -> str:
    """A number of days as written in a reason: at most two decimals, the active language's
    decimal separator (a comma in Vietnamese) and no trailing zeros (``Decimal("2.50")`` → "2,5",
    ``Decimal("5.00")`` → "5")."""
    return decimal_text(value, separator=str(formats.get_format("DECIMAL_SEPARATOR")))


@dataclass(frozen=True)
class Explanation:
    """A clock change's reason as stored: a ``ClockReason`` code, its parameters and what a
    person typed (only the officer's reason for a time limit)."""

    code: str
    params: dict[str, Any]
    typed: str = ""

    def fields(self) -> dict[str, Any]:
        """The ``ClockChange`` columns that hold it."""
        return {"reason_code": self.code, "reason_params": self.params, "reason": self.typed}

    def text(self) -> str:
        """Worded in the active language."""
        return reason_text(self.code, self.params, self.typed)


def statutory_reason(*, code: str, value: Decimal | None, unit: str) -> Explanation:
    """A START change from the procedure's time limit (RULES.md §1.6)."""
    return Explanation(
        ClockReason.STATUTORY, {"procedure": code, "value": str(value) if value is not None else None, "unit": unit}
    )


def officer_limit_reason(*, code: str, value: Decimal, unit: str, reason: str) -> Explanation:
    """A START change from the limit the receiving officer set for a procedure that has none in
    the catalogue, with the officer's reason as typed."""
    return Explanation(ClockReason.OFFICER_LIMIT, {"procedure": code, "value": str(value), "unit": unit}, reason)


def resume_reason(remaining: Decimal | Fraction) -> Explanation:
    """A RESUME change: the working time left when the clock stopped for the supplement
    (RULES.md §1.6: a supplement restarts the clock with what remained)."""
    return Explanation(ClockReason.RESUME, {"remaining_days": str(as_days(Fraction(str(remaining))))})


def _unit_label(unit: object) -> str:
    return str(TimeUnit(str(unit)).label) if unit in TimeUnit.values else ""


def reason_text(code: str, params: dict[str, Any], typed: str = "") -> str:
    """A clock change's explanation in the active language; ``typed`` is what a person wrote
    (the officer's reason for a time limit). An unknown code shows ``typed`` alone."""
    if code == ClockReason.STATUTORY:
        if params.get("unit") == SAME_DAY:
            return gettext("Statutory time limit: within the day (procedure %(code)s).") % {"code": params.get("procedure", "")}
        value = params.get("value")
        return gettext("Statutory time limit: %(value)s %(unit)s (procedure %(code)s).") % {
            "value": days_text(value) if value is not None else "",
            "unit": _unit_label(params.get("unit")),
            "code": params.get("procedure", ""),
        }
    if code == ClockReason.OFFICER_LIMIT:
        return gettext(
            "Time limit set by the receiving officer: %(value)s %(unit)s (procedure %(code)s has none in the catalogue). "
            "Reason: %(reason)s"
        ) % {
            "value": days_text(params.get("value") or 0),
            "unit": _unit_label(params.get("unit")),
            "code": params.get("procedure", ""),
            "reason": typed,
        }
    if code == ClockReason.RESUME:
        return gettext("Supplement received; %(days)s working days were left.") % {
            "days": days_text(params.get("remaining_days") or 0)
        }
    return typed


def statutory_time_text(*, code: str, value: Decimal | None, unit: str) -> str:
    """The START explanation from the procedure's time limit, in the active language (a same-day
    procedure has its own unit and no number)."""
    return statutory_reason(code=code, value=value, unit=unit).text()


def resume_text(remaining: Decimal | Fraction) -> str:
    """The RESUME explanation, in the active language."""
    return resume_reason(remaining).text()
