"""Preconditions of workflow actions beyond the status table: one function per rule, asked
both by the page (``available_actions`` hides an action whose precondition fails) and by
``dossier_act`` (which refuses it when forced), so the rule is written once.

Each check returns the ``DomainError`` the service raises, or ``None`` when the action may go
ahead. ``ACTION_PRECONDITIONS`` maps an action to its checks (data: a new action adds a row).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from django.utils.translation import gettext as _

from motcua.core.calendar import WorkingCalendar
from motcua.core.exceptions import DomainError
from motcua.dossiers import clock
from motcua.dossiers.choices import DossierAction, StepStatus
from motcua.dossiers.exceptions import DossierErrorCode
from motcua.dossiers.models import Dossier

Check = Callable[[Dossier, datetime, WorkingCalendar], DomainError | None]

# Actions that end a dossier: ``dossier_act`` refuses them without ``ActionInput.confirm``
# (the page's ticked box, issue 10 item 6).
CONFIRM_REQUIRED: frozenset[DossierAction] = frozenset({DossierAction.REFUSE, DossierAction.STOP, DossierAction.REJECT})


def open_step_error(dossier: Dossier, at: datetime, calendar: WorkingCalendar) -> DomainError | None:
    """Completing a step needs a step in progress."""
    if any(s.status == StepStatus.OPEN for s in dossier.steps.all()):
        return None
    return DomainError(DossierErrorCode.NO_OPEN_STEP, _("This dossier has no step in progress."), status_code=409)


def proposal_error(dossier: Dossier, at: datetime, calendar: WorkingCalendar) -> DomainError | None:
    """A proposal for decision (trình ký) is made at the competent agency: not while another
    agency holds a liên thông step (RULES.md §1.4 rows 5a and 7)."""
    if dossier.current_agency_id is None or dossier.current_agency_id == dossier.deciding_agency_id:
        return None
    return DomainError(
        DossierErrorCode.STEP_AT_ANOTHER_AGENCY,
        _("Another agency is handling a step of this dossier: it can be submitted for decision once that step is finished."),
        status_code=409,
    )


def extension_error(dossier: Dossier, at: datetime, calendar: WorkingCalendar) -> DomainError | None:
    """The return date is re-set once only, at least one working day before it (RULES.md §1.4 row 6)."""
    if dossier.extension_used:
        return DomainError(DossierErrorCode.EXTENSION_USED, _("The return date may be re-set only once."), status_code=409)
    if dossier.due_at is None or not clock.can_extend(calendar, now=at, due_at=dossier.due_at):
        return DomainError(
            DossierErrorCode.EXTENSION_TOO_LATE,
            _("An apology must be sent at least one working day before the due date."),
            status_code=409,
        )
    return None


def new_due_error(dossier: Dossier, new_due: datetime | None, calendar: WorkingCalendar) -> DomainError | None:
    """The new return date: after the current due date, on a working day of the unit's calendar
    (RULES.md §1.4 row 6, §11)."""
    if new_due is None or dossier.due_at is None or new_due <= dossier.due_at:
        return DomainError(
            DossierErrorCode.NEW_DUE_INVALID,
            _("The new date must be after the current due date."),
            fields={"new_due_at": _("The new return date must be after the current due date.")},
        )
    if not calendar.is_working_day(calendar.local(new_due).date()):
        return DomainError(
            DossierErrorCode.NEW_DUE_NOT_WORKING_DAY,
            _("The new return date must be a working day."),
            fields={"new_due_at": _("New return date: %(day)s is not a working day.") % {"day": _fmt_day(calendar, new_due)}},
        )
    return None


def _fmt_day(calendar: WorkingCalendar, value: datetime) -> str:
    return calendar.local(value).strftime("%d/%m/%Y")


ACTION_PRECONDITIONS: dict[DossierAction, tuple[Check, ...]] = {
    DossierAction.COMPLETE_STEP: (open_step_error,),
    DossierAction.PROPOSE: (proposal_error,),
    DossierAction.APOLOGIZE: (extension_error,),
}


def precondition_error(dossier: Dossier, action: DossierAction, at: datetime, calendar: WorkingCalendar) -> DomainError | None:
    """The first failing precondition of ``action`` on ``dossier`` at ``at``, or None."""
    for check in ACTION_PRECONDITIONS.get(action, ()):
        error = check(dossier, at, calendar)
        if error is not None:
            return error
    return None
