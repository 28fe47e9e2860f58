"""``motcua calendar``: the dossier clock from the command line.

    motcua calendar due --received 2026-02-13T10:00+07:00 --working-days 5 [--unit CODE]
    motcua calendar due --received 2026-02-13T10:00+07:00 --days 15 [--unit CODE]
    motcua calendar due --received 2026-03-02T10:00+07:00 --hours 2 [--unit CODE]
    motcua calendar due --received 2026-03-02T16:00+07:00 --same-day [--cutoff HH:MM|none] [--unit CODE]
    motcua calendar between 2026-03-02T09:00 2026-03-04T13:00 [--unit CODE]
    motcua calendar days 2026 [--unit CODE]

``due --received`` needs an offset (``+07:00``, ``Z``): a receipt instant without a zone is
refused. For ``between`` a naive date-time is local time (``TIME_ZONE``). Output instants are
ISO 8601 with the offset (RULES.md §1.6, docs/calendar.md).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from motcua.core.calendar import WorkingCalendar, calendar_for, parse_cutoff
from motcua.core.models import AdministrativeUnit


def _parse_instant(text: str, calendar: WorkingCalendar, *, require_offset: bool = False) -> datetime:
    try:
        value = datetime.fromisoformat(text.strip())
    except ValueError as exc:
        message = _("%(value)s is not a date and time; write it like 2026-02-13T10:00 or 2026-02-13T10:00+07:00.")
        raise CommandError(message % {"value": repr(text)}) from exc
    if value.tzinfo is None or value.utcoffset() is None:
        if require_offset:
            message = _("%(value)s has no time zone; add the offset, like 2026-02-13T10:00+07:00.")
            raise CommandError(message % {"value": repr(text)})
        value = value.replace(tzinfo=calendar.tz)
    return value


def _parse_amount(text: str, option: str) -> Decimal:
    try:
        value = Decimal(text.strip())
    except InvalidOperation as exc:
        raise CommandError(_("%(option)s needs a number, not %(value)s.") % {"option": option, "value": repr(text)}) from exc
    if not value.is_finite() or value < 0:
        raise CommandError(_("%(option)s must be zero or more, not %(value)s.") % {"option": option, "value": text})
    return value


def _format_days(value: Fraction) -> str:
    """Exact decimal when there is one (``2.5``), else rounded to six places (``0.002083``)."""
    quantised = (Decimal(value.numerator) / Decimal(value.denominator)).quantize(Decimal("0.000001"))
    text = format(quantised.normalize(), "f")
    return "0" if text in ("-0", "0") else text


def _format_office_time(value: timedelta) -> str:
    """``H:MM`` (``H:MM:SS`` or ``H:MM:SS.ffffff`` when needed), with a sign when negative."""
    sign = "-" if value < timedelta(0) else ""
    total_us = abs(value) // timedelta(microseconds=1)
    seconds, micro = divmod(total_us, 1_000_000)
    minutes, second = divmod(seconds, 60)
    hours, minute = divmod(minutes, 60)
    text = f"{sign}{hours}:{minute:02d}"
    if second or micro:
        text += f":{second:02d}"
    if micro:
        text += f".{micro:06d}"
    return text


class Command(BaseCommand):
    help = "Working-day calendar: due instants, working time between two instants, and a year's exceptions."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)

        due = sub.add_parser("due", help="Due instant of a period received at a moment.")
        due.add_argument(
            "--received", required=True, help="Receipt instant, ISO 8601 with its offset, e.g. 2026-02-13T10:00+07:00."
        )
        amount = due.add_mutually_exclusive_group(required=True)
        amount.add_argument(
            "--working-days", dest="working_days", help="N working days after the receipt day (0.25 steps for internal steps)."
        )
        amount.add_argument("--days", help="N calendar days after the receipt day; a last day off rolls to the next working day.")
        amount.add_argument("--hours", help="Period in office hours, counted from the moment of receipt.")
        amount.add_argument(
            "--same-day",
            dest="same_day",
            action="store_true",
            help="Same-day procedure: close of the receipt day, cut-off applies.",
        )
        due.add_argument("--unit", help="Administrative-unit code whose overrides apply (default: nationwide).")
        due.add_argument("--cutoff", help="Same-day (and fractional) cut-off HH:MM, or 'none' (default: MOTCUA_RECEIPT_CUTOFF).")

        between = sub.add_parser("between", help="Working time between two instants.")
        between.add_argument("start", help="ISO 8601 instant (naive = local time).")
        between.add_argument("end", help="ISO 8601 instant (naive = local time).")
        between.add_argument("--unit", help="Administrative-unit code whose overrides apply (default: nationwide).")

        days = sub.add_parser("days", help="Weekdays off and weekend days worked in a year, with their source.")
        days.add_argument("year", help="Year, e.g. 2026.")
        days.add_argument("--unit", help="Administrative-unit code whose overrides apply (default: nationwide).")

    def handle(self, *args: Any, **options: Any) -> None:
        calendar = calendar_for(self._unit(options.get("unit")))
        action = options["action"]
        if action == "due":
            self._due(calendar, options)
        elif action == "between":
            self._between(calendar, options)
        else:
            self._days(calendar, options)

    def _unit(self, code: str | None) -> AdministrativeUnit | None:
        if code is None:
            return None
        unit = AdministrativeUnit.objects.filter(code=code.strip(), valid_to__isnull=True).first()
        if unit is None:
            raise CommandError(_("There is no current administrative unit with code %(code)s.") % {"code": repr(code)})
        return unit

    def _due(self, calendar: WorkingCalendar, options: dict[str, Any]) -> None:
        received = _parse_instant(options["received"], calendar, require_offset=True)
        cutoff: time | None = None
        if options.get("cutoff") is not None:
            try:
                cutoff = parse_cutoff(options["cutoff"])
            except ValueError as exc:
                raise CommandError(
                    _("--cutoff needs a time like 15:00, or none, not %(value)s.") % {"value": repr(options["cutoff"])}
                ) from exc
        if options.get("same_day"):
            due = calendar.due_same_day(received, cutoff=cutoff)
        elif options.get("hours") is not None:
            due = calendar.due_for_hours(received, _parse_amount(options["hours"], "--hours"))
        elif options.get("days") is not None:
            days = _parse_amount(options["days"], "--days")
            if days != days.to_integral_value():
                raise CommandError(_("--days needs a whole number of days, not %(value)s.") % {"value": options["days"]})
            due = calendar.add_calendar_days(received, days)
        else:
            due = calendar.add_working_days(received, _parse_amount(options["working_days"], "--working-days"), cutoff=cutoff)
        self.stdout.write(due.isoformat())

    def _between(self, calendar: WorkingCalendar, options: dict[str, Any]) -> None:
        start = _parse_instant(options["start"], calendar)
        end = _parse_instant(options["end"], calendar)
        days = calendar.between(start, end)
        office = calendar.office_time_between(start, end)
        message = _("%(days)s working days (%(hours)s office hours)")
        self.stdout.write(message % {"days": _format_days(days), "hours": _format_office_time(office)})

    def _days(self, calendar: WorkingCalendar, options: dict[str, Any]) -> None:
        text = options["year"].strip()
        if not text.isdigit() or not date.min.year < int(text) < date.max.year:
            raise CommandError(_("%(value)s is not a year.") % {"value": repr(options["year"])})
        for status in calendar.exceptions(int(text)):
            kind = "working_day" if status.working else "day_off"
            self.stdout.write(f"{status.day.isoformat()}  {status.weekday}  {kind:<11}  {status.source}")
