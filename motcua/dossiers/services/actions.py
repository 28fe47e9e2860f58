"""``dossier_act``: every workflow action after intake, in one transaction with its event and audit row."""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.core.audit import audit_record
from motcua.core.calendar import calendar_for
from motcua.core.events import publish
from motcua.core.exceptions import DomainError, NotFound, PermissionDenied
from motcua.core.scoping import user_unit_code
from motcua.dossiers import clock, numbering
from motcua.dossiers.choices import (
    RATABLE_STATUSES,
    DossierAction,
    DossierStatus,
)
from motcua.dossiers.exceptions import DossierErrorCode
from motcua.dossiers.models import Dossier
from motcua.dossiers.services.common import _event, _save_clock_changes, supplement_spent
from motcua.dossiers.services.handlers import (
    _on_apologize,
    _on_approve,
    _on_mark_ready,
    _on_pay_fees,
    _on_propose,
    _on_receive_online,
    _on_refuse,
    _on_reject,
    _on_request_fees,
    _on_request_supplement,
    _on_return,
    _on_return_for_rework,
    _on_stop,
    _on_supplement,
)
from motcua.dossiers.services.inputs import ActionInput
from motcua.dossiers.services.permissions import dossier_permission_for
from motcua.dossiers.services.portal import portal_record_write
from motcua.dossiers.services.preconditions import CONFIRM_REQUIRED, precondition_error
from motcua.dossiers.services.steps import _on_complete_step, _on_transfer
from motcua.dossiers.validation import action_check
from motcua.dossiers.workflow import (
    IllegalTransition,
    guard,
    next_status,
)


def dossier_act(
    *, actor: User, code: str, action: DossierAction, data: ActionInput | None = None, now: datetime | None = None
) -> Dossier:
    """Do one workflow action on a dossier; see the table in ``workflow.py``."""
    data = data or ActionInput()
    action_check(data)  # bounds before the dossier is locked (issue 9 item 7)
    at = now or timezone.now()
    with transaction.atomic():
        dossier = (
            Dossier.objects.restrict(actor, "view")
            .select_for_update(of=("self",))
            .select_related("receiving_unit", "deciding_agency__unit", "current_agency__unit", "receiving_agency", "procedure")
            .filter(numbering.code_filter(code))
            .first()
        )
        if dossier is None:
            raise NotFound(DossierErrorCode.DOSSIER_NOT_FOUND, _("No dossier has the code %(code)s.") % {"code": code})
        status = DossierStatus(dossier.status)
        try:
            guard(status, action, received=dossier.received_at is not None)
        except IllegalTransition as exc:
            raise DomainError(
                DossierErrorCode.ACTION_NOT_ALLOWED,
                _("“%(action)s” is not possible while the dossier is “%(status)s”.")
                % {"action": action.label, "status": status.label},
                status_code=409,
            ) from exc
        if action == DossierAction.REQUEST_SUPPLEMENT and supplement_spent(dossier):
            _check_override(data)
        if not dossier_permission_for(actor, dossier, action):
            raise PermissionDenied(DossierErrorCode.FORBIDDEN, _("You do not have permission to do this."))
        calendar = calendar_for(dossier.receiving_unit)
        error = precondition_error(dossier, action, at, calendar)
        if error is not None:
            raise error
        if action in CONFIRM_REQUIRED and not data.confirm:
            raise DomainError(
                DossierErrorCode.CONFIRMATION_REQUIRED,
                _("This ends the dossier: tick the confirmation box to go ahead."),
                fields={"confirm": _("Confirm that the dossier ends here.")},
            )
        history = [DossierStatus(s) for s in dossier.events.order_by("seq").values_list("to_status", flat=True)]
        target = next_status(history, action)
        handler = _HANDLERS[action]
        payload = handler(dossier, actor, data, at, calendar)
        event = _event(
            dossier=dossier,
            action=action,
            from_status=status,
            to_status=target,
            actor=actor,
            at=at,
            reason=data.reason.strip(),
            payload=payload,
        )
        _save_clock_changes(dossier, event)
        dossier.status = target
        if (
            target in (DossierStatus.APPROVED, DossierStatus.REJECTED, DossierStatus.REFUSED, DossierStatus.STOPPED)
            and dossier.finished_at is None
        ):
            dossier.finished_at = at
        if target == DossierStatus.RETURNED:
            dossier.returned_at = at
        dossier.timeliness = _timeliness(dossier)
        dossier.save()
        audit_record(
            # A second supplement request is a recorded violation (RULES.md §1.4 row 3b).
            action="dossier.supplement_override" if payload.get("override") else f"dossier.{action.value}",
            actor=actor,
            unit_code=user_unit_code(actor),
            object_type="dossier",
            object_id=dossier.code,
            data={"from": status.value, "to": target.value, **{k: v for k, v in payload.items() if k != "documents"}},
        )
        # Last write of the change: the outbox record commits or rolls back with it.
        portal_record_write(dossier=dossier, event=event)
        if target == DossierStatus.RETURNED:
            publish("dossier.returned", dossier_id=dossier.pk)
        elif target in RATABLE_STATUSES:  # refused or stopped: the applicant may rate too
            publish("dossier.closed", dossier_id=dossier.pk)
    return dossier


def _timeliness(dossier: Dossier) -> str:
    """RULES.md §1.6 (``clock.dossier_outcome``): the first end of processing (decided >
    returned > stopped/refused, a refusal or stop while a supplement is pending ending at the
    request) against the appointment in force, which the resumes moved by the citizen's
    supplement time. Only a final judgement is stored: a dossier waiting for the applicant is
    not finished (and never shown as late)."""
    events = list(dossier.events.order_by("seq").values_list("action", "at"))
    outcome = clock.dossier_outcome(events, due_at=dossier.due_at)
    return outcome.timeliness if outcome.final else ""


def _check_override(data: ActionInput) -> None:
    """A second supplement request: refused unless a leader overrides with a written reason."""
    if not data.override:
        raise DomainError(
            DossierErrorCode.SUPPLEMENT_ALREADY_REQUESTED,
            _(
                "A supplement has already been requested for this dossier: the law allows one request only "
                "(Decree 118/2025 Art. 11(2)). A leader may override it with a written reason."
            ),
            status_code=409,
        )
    if not data.override_reason.strip():
        raise DomainError(
            DossierErrorCode.OVERRIDE_REASON_REQUIRED,
            _("Write the reason for requesting a second supplement; it is recorded as a violation."),
            fields={"override_reason": _("Required.")},
        )


_HANDLERS = {
    DossierAction.RECEIVE: _on_receive_online,
    DossierAction.REQUEST_SUPPLEMENT: _on_request_supplement,
    DossierAction.SUPPLEMENT: _on_supplement,
    DossierAction.REFUSE: _on_refuse,
    DossierAction.TRANSFER: _on_transfer,
    DossierAction.COMPLETE_STEP: _on_complete_step,
    DossierAction.REQUEST_FEES: _on_request_fees,
    DossierAction.PAY_FEES: _on_pay_fees,
    DossierAction.PROPOSE: _on_propose,
    DossierAction.APPROVE: _on_approve,
    DossierAction.REJECT: _on_reject,
    DossierAction.RETURN_FOR_REWORK: _on_return_for_rework,
    DossierAction.APOLOGIZE: _on_apologize,
    DossierAction.MARK_READY: _on_mark_ready,
    DossierAction.RETURN_RESULT: _on_return,
    DossierAction.STOP: _on_stop,
}
