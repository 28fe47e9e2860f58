"""Inter-agency steps (liên thông): transfer to an agency, complete its step, back to the desk."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib.auth.models import User
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.core.calendar import WorkingCalendar
from motcua.core.exceptions import DomainError
from motcua.core.models import Agency
from motcua.core.notifications import messages_language, notify
from motcua.core.permissions import ROLE_PERMISSIONS
from motcua.dossiers import clock
from motcua.dossiers.choices import (
    DossierAction,
    StepStatus,
    Timeliness,
)
from motcua.dossiers.exceptions import DossierErrorCode
from motcua.dossiers.models import Dossier, DossierStep
from motcua.dossiers.services.common import _fmt, _province_path
from motcua.dossiers.services.inputs import ActionInput
from motcua.dossiers.services.preconditions import open_step_error
from motcua.dossiers.workflow import PERM_PROCESS


def _close_open_step(dossier: Dossier, actor: User, at: datetime, note: str) -> DossierStep | None:
    step = dossier.steps.filter(status=StepStatus.OPEN).first()
    if step is None:
        return None
    step.status = StepStatus.DONE
    step.completed_at = at
    step.completed_by = actor
    step.note = note
    step.timeliness = clock.judge(finished_at=at, due_at=step.due_at)
    step.save()
    dossier.current_agency = None
    return step


def _back_to_desk(dossier: Dossier) -> None:
    """The dossier is back at the one-stop desk: with the officer who received it, so that it
    is in their own queue for the next step (another transfer, marking ready, the return)."""
    dossier.assigned_to_id = (
        dossier.events.filter(action=DossierAction.RECEIVE).order_by("seq").values_list("actor_id", flat=True).first()
    )


def transfer_agencies(dossier: Dossier) -> QuerySet[Agency]:
    """The agencies a dossier may be handed over to: those of its province."""
    return (
        Agency.objects.select_related("unit")
        .filter(unit__path__startswith=_province_path(dossier.receiving_unit))
        .order_by("unit__code", "name")
    )


def transfer_receivers(agency: Agency) -> QuerySet[User]:
    """The people who may take a transferred dossier at ``agency``: its active staff whose
    roles carry the process permission."""
    roles = [role.value for role, permissions in ROLE_PERMISSIONS.items() if PERM_PROCESS in permissions]
    return (
        User.objects.filter(is_active=True, staff_profile__agency=agency, staff_profile__role_rows__role__in=roles)
        .distinct()
        .order_by("last_name", "first_name", "username")
    )


def _on_transfer(dossier: Dossier, actor: User, data: ActionInput, at: datetime, calendar: WorkingCalendar) -> dict[str, Any]:
    agency = transfer_agencies(dossier).filter(pk=data.agency_id).first() if data.agency_id else dossier.deciding_agency
    if agency is None or not agency.unit.path.startswith(_province_path(dossier.receiving_unit)):
        raise DomainError(
            DossierErrorCode.TRANSFER_AGENCY_INVALID,
            _("Choose an agency of this province to transfer the dossier to."),
            fields={"agency_id": _("Not valid.")},
        )
    receiver = transfer_receivers(agency).filter(pk=data.receiver_id).first() if data.receiver_id else None
    if data.receiver_id and receiver is None:
        raise DomainError(
            DossierErrorCode.TRANSFER_RECEIVER_INVALID,
            _("The receiving person does not work at that agency."),
            fields={"receiver_id": _("Not valid.")},
        )
    previous = _close_open_step(dossier, actor, at, data.reason.strip())
    due = dossier.due_at or at
    if data.step_days is not None:
        if data.step_days <= 0:
            raise DomainError(
                DossierErrorCode.STEP_DAYS_INVALID, _("A step needs a positive time."), fields={"step_days": _("Not valid.")}
            )
        due = min(due, calendar.add_working_time(at, data.step_days))
    position = (dossier.steps.order_by("-position").values_list("position", flat=True).first() or 0) + 1
    handover: dict[str, Any] = {}
    if position == 1 and dossier.handover_due_at is not None:
        # The desk's hand-over to the agency against its own deadline (RULES.md §1.4 row 4).
        result = clock.judge(finished_at=at, due_at=dossier.handover_due_at)
        handover = {
            "handover_due_at": timezone.localtime(dossier.handover_due_at).isoformat(),
            "handover_timeliness": result.value,
            "handover_late": result == Timeliness.LATE,
        }
    DossierStep.objects.create(
        dossier=dossier,
        position=position,
        agency=agency,
        handed_over_by=actor,
        received_by=receiver,
        started_at=at,
        due_at=max(due, at),
    )
    dossier.assigned_to = receiver
    dossier.current_agency = agency
    if receiver is not None and receiver.email:
        # The named officer learns it is in their own queue ("Của tôi"); sent on commit.
        with messages_language():
            notify(
                channel="email",
                to=receiver.email,
                subject=_("Dossier %(code)s handed over to you") % {"code": dossier.code},
                body=_("Dossier %(code)s (%(procedure)s) has been handed over to you at %(agency)s; step due %(due)s.")
                % {"code": dossier.code, "procedure": dossier.procedure.name, "agency": agency.name, "due": _fmt(max(due, at))},
                kind="dossier.transferred",
            )
    return {
        "agency": agency.pk,
        "agency_name": agency.name,
        "receiver": receiver.pk if receiver else None,
        "receiver_name": (receiver.get_full_name() or receiver.get_username()) if receiver else "",
        "previous_step": previous.position if previous else None,
        **handover,
    }


def _on_complete_step(
    dossier: Dossier, actor: User, data: ActionInput, at: datetime, calendar: WorkingCalendar
) -> dict[str, Any]:
    step = _close_open_step(dossier, actor, at, data.reason.strip())
    if step is None:  # dossier_act asked preconditions.open_step_error first
        error = open_step_error(dossier, at, calendar)
        assert error is not None
        raise error
    _back_to_desk(dossier)
    return {"step": step.position, "timeliness": step.timeliness}
