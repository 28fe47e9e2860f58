"""The workflow handlers of ``dossier_act``, one per action (the step handlers are in ``steps``)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib.auth.models import User
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.core.calendar import WorkingCalendar
from motcua.core.exceptions import DomainError
from motcua.core.notifications import messages_language
from motcua.dossiers import clock
from motcua.dossiers.choices import (
    Channel,
    ClockChangeKind,
    DossierAction,
    Proposal,
    SlipForm,
)
from motcua.dossiers.exceptions import DossierErrorCode
from motcua.dossiers.models import Dossier
from motcua.dossiers.services.common import (
    _clock_change,
    _contacts_notify,
    _fmt,
    _require_reason,
    supplement_spent,
)
from motcua.dossiers.services.documents import _attach_documents, _checked_documents
from motcua.dossiers.services.inputs import ActionInput
from motcua.dossiers.services.issuing import _slip
from motcua.dossiers.services.preconditions import extension_error, new_due_error
from motcua.dossiers.services.receipt import _issue_receipt, _snapshot_limit, _start_clock
from motcua.dossiers.services.steps import _back_to_desk, _close_open_step


def _on_request_supplement(
    dossier: Dossier, actor: User, data: ActionInput, at: datetime, calendar: WorkingCalendar
) -> dict[str, Any]:
    items = [i.strip() for i in data.items if i.strip()]
    if not items:
        raise DomainError(
            DossierErrorCode.SUPPLEMENT_ITEMS_REQUIRED,
            _("List every missing or incorrect document (guide once and completely)."),
            fields={"items": _("Required.")},
        )
    reason = _require_reason(data, _("Give the reason for the supplement request."))
    override = supplement_spent(dossier)  # dossier_act has checked the leader's override
    dossier.supplement_count += 1
    remaining = None
    if dossier.due_at is not None:
        remaining = clock.remaining_at(calendar, at=at, due_at=dossier.due_at)
        dossier.remaining_at_pause = clock.as_days(remaining)
        _clock_change(dossier, kind=ClockChangeKind.PAUSE, at=at, old_due_at=dossier.due_at, reason=reason)
    _slip(
        dossier=dossier,
        form=SlipForm.SUPPLEMENT,
        agency=dossier.receiving_agency,
        at=at,
        data={"items": items, "reason": reason},
        signer=actor,
    )
    with messages_language():
        _contacts_notify(
            dossier,
            kind="dossier.supplement_requested",
            subject=_("Your dossier needs more documents"),
            body=_("Dossier %(code)s needs: %(items)s. Reason: %(reason)s")
            % {"code": dossier.code, "items": "; ".join(items), "reason": reason},
        )
    payload: dict[str, Any] = {"items": items, "remaining_days": str(remaining) if remaining is not None else None}
    if override:
        payload.update(
            override=True,
            override_reason=data.override_reason.strip(),
            violation="supplement_once",
            request=dossier.supplement_count,
        )
    return payload


def _on_supplement(dossier: Dossier, actor: User, data: ActionInput, at: datetime, calendar: WorkingCalendar) -> dict[str, Any]:
    stored = _attach_documents(dossier=dossier, documents=_checked_documents(data.documents))
    pause = dossier.clock_changes.filter(kind=ClockChangeKind.PAUSE).order_by("-at", "-id").first()
    if pause is not None and pause.old_due_at is not None:
        remaining = clock.remaining_at(calendar, at=pause.at, due_at=pause.old_due_at)
        new_due = clock.resume_due(calendar, resumed_at=at, remaining=remaining)
        _clock_change(
            dossier,
            kind=ClockChangeKind.RESUME,
            at=at,
            old_due_at=dossier.due_at,
            new_due_at=new_due,
            **clock.resume_reason(remaining).fields(),
        )
        dossier.due_at = new_due
    dossier.remaining_at_pause = None
    payload: dict[str, Any] = {"documents": stored}
    if dossier.handover_due_at is not None and not dossier.steps.exists():
        # Not yet at the agency: the desk's hand-over time counts again from the complete dossier.
        dossier.handover_due_at = clock.handover_due(calendar, received_at=at, electronic=_is_electronic(dossier))
        payload["handover_due_at"] = dossier.handover_due_at.isoformat()
    return payload


def _is_electronic(dossier: Dossier) -> bool:
    """RULES.md §1.4 row 4: an online dossier, or one whose documents are all digitized."""
    if dossier.channel == Channel.ONLINE:
        return True
    documents = dossier.documents.filter(is_result=False)
    return documents.exists() and not documents.filter(digitized=False).exists()


def _on_refuse(dossier: Dossier, actor: User, data: ActionInput, at: datetime, calendar: WorkingCalendar) -> dict[str, Any]:
    reason = _require_reason(data, _("Give the specific reason for refusing the dossier."))
    _slip(dossier=dossier, form=SlipForm.REFUSAL, agency=dossier.receiving_agency, at=at, data={"reason": reason}, signer=actor)
    with messages_language():
        _contacts_notify(
            dossier,
            kind="dossier.refused",
            subject=_("Dossier refused"),
            body=_("Dossier %(code)s was refused: %(reason)s") % {"code": dossier.code, "reason": reason},
        )
    return {}


def _on_request_fees(dossier: Dossier, actor: User, data: ActionInput, at: datetime, calendar: WorkingCalendar) -> dict[str, Any]:
    if data.fee_amount is None or data.fee_amount <= 0:
        raise DomainError(
            DossierErrorCode.FEE_AMOUNT_INVALID, _("Enter the amount to pay in VND."), fields={"fee_amount": _("Required.")}
        )
    dossier.fee_amount = data.fee_amount
    dossier.fee_paid = False
    return {"fee_amount": data.fee_amount}


def _on_pay_fees(dossier: Dossier, actor: User, data: ActionInput, at: datetime, calendar: WorkingCalendar) -> dict[str, Any]:
    dossier.fee_paid = True
    return {"fee_amount": dossier.fee_amount}


def _on_decide(
    dossier: Dossier, actor: User, data: ActionInput, at: datetime, calendar: WorkingCalendar, approved: bool
) -> dict[str, Any]:
    # The leader may sign the specialist's draft result as proposed (``_on_propose``).
    summary = data.result_summary.strip() or data.reason.strip() or dossier.result_summary
    if not approved and not summary:
        raise DomainError(
            DossierErrorCode.REASON_REQUIRED, _("A rejection must state its reasons."), fields={"result_summary": _("Required.")}
        )
    dossier.result_summary = summary
    _close_open_step(dossier, actor, at, summary)
    _back_to_desk(dossier)
    _attach_documents(dossier=dossier, documents=_checked_documents(data.documents), result=True)
    return {"approved": approved}


def _on_propose(dossier: Dossier, actor: User, data: ActionInput, at: datetime, calendar: WorkingCalendar) -> dict[str, Any]:
    """Trình ký: the specialist ends the processing (RULES.md §1.4 row 5) with a proposal to
    the leader who decides (row 7): approve or reject, a note, optionally a draft result (its
    text is kept as the result summary until the decision; its files join the result)."""
    proposal = Proposal(data.proposal)
    draft = data.result_summary.strip()
    if proposal == Proposal.REJECT and not (draft or data.reason.strip()):
        raise DomainError(
            DossierErrorCode.REASON_REQUIRED,
            _("A proposal to reject must state its reasons."),
            fields={"reason": _("Required.")},
        )
    dossier.result_summary = draft
    stored = _attach_documents(dossier=dossier, documents=_checked_documents(data.documents), result=True)
    return {"proposal": proposal.value, "draft_result": draft, "documents": stored}


def _on_return_for_rework(
    dossier: Dossier, actor: User, data: ActionInput, at: datetime, calendar: WorkingCalendar
) -> dict[str, Any]:
    """The leader sends the proposal back to the specialist with a reason (RULES.md §1.4 row 7):
    the dossier is assigned to the specialist who proposed it, so it is in their "Của tôi"."""
    _require_reason(data, _("Say what has to be reworked."))
    proposer = dossier.events.filter(action=DossierAction.PROPOSE).order_by("-seq").values_list("actor_id", flat=True).first()
    if proposer is not None:
        dossier.assigned_to_id = proposer
    return {"assigned_to": proposer}


def _on_approve(dossier: Dossier, actor: User, data: ActionInput, at: datetime, calendar: WorkingCalendar) -> dict[str, Any]:
    return _on_decide(dossier, actor, data, at, calendar, approved=True)


def _on_reject(dossier: Dossier, actor: User, data: ActionInput, at: datetime, calendar: WorkingCalendar) -> dict[str, Any]:
    return _on_decide(dossier, actor, data, at, calendar, approved=False)


def _on_apologize(dossier: Dossier, actor: User, data: ActionInput, at: datetime, calendar: WorkingCalendar) -> dict[str, Any]:
    reason = _require_reason(data, _("Give the reason for the delay."))
    new_due = data.new_due_at
    if new_due is not None and timezone.is_naive(new_due):
        new_due = timezone.make_aware(new_due)
    error = extension_error(dossier, at, calendar) or new_due_error(dossier, new_due, calendar)
    if error is not None:
        raise error
    assert new_due is not None and dossier.due_at is not None  # new_due_error checked both
    _clock_change(dossier, kind=ClockChangeKind.EXTEND, at=at, old_due_at=dossier.due_at, new_due_at=new_due, reason=reason)
    _slip(
        dossier=dossier,
        form=SlipForm.APOLOGY,
        agency=dossier.deciding_agency,
        at=at,
        data={"reason": reason, "old_due_at": dossier.due_at.isoformat(), "new_due_at": new_due.isoformat()},
        signer=actor,
    )
    old = dossier.due_at
    dossier.due_at = new_due
    dossier.extension_used = True
    with messages_language():
        _contacts_notify(
            dossier,
            kind="dossier.apology",
            subject=_("Apology: new return date"),
            body=_("We apologise: dossier %(code)s will be late (%(reason)s). New return date: %(due)s.")
            % {"code": dossier.code, "reason": reason, "due": _fmt(new_due)},
        )
    return {"old_due_at": old.isoformat(), "new_due_at": new_due.isoformat()}


def _on_mark_ready(dossier: Dossier, actor: User, data: ActionInput, at: datetime, calendar: WorkingCalendar) -> dict[str, Any]:
    with messages_language():
        _contacts_notify(
            dossier,
            kind="dossier.ready",
            subject=_("Result ready"),
            body=_("The result of dossier %(code)s is ready. Bring the receipt or your ID card to collect it.")
            % {"code": dossier.code},
        )
    return {}


def _on_return(dossier: Dossier, actor: User, data: ActionInput, at: datetime, calendar: WorkingCalendar) -> dict[str, Any]:
    return {"delivered_to": data.reason.strip(), "delivery": dossier.result_delivery}


def _on_stop(dossier: Dossier, actor: User, data: ActionInput, at: datetime, calendar: WorkingCalendar) -> dict[str, Any]:
    reason = _require_reason(data, _("Record the applicant's request to stop (reason)."))
    _close_open_step(dossier, actor, at, reason)
    _slip(
        dossier=dossier, form=SlipForm.STOP_NOTICE, agency=dossier.receiving_agency, at=at, data={"reason": reason}, signer=actor
    )
    return {}


def _on_receive_online(
    dossier: Dossier, actor: User, data: ActionInput, at: datetime, calendar: WorkingCalendar
) -> dict[str, Any]:
    """An online submission passes the completeness check: the clock starts now, and the dossier
    gets its code, dated today (RULES.md §1.7: the code date, BM.01 and the clock agree). The
    submission reference stays in ``submission_ref`` and still finds the dossier."""
    reason = _start_clock(dossier, at=at, calendar=calendar, electronic=True, officer_limit=_snapshot_limit(dossier))
    dossier.assigned_to = actor  # the officer who checked the online submission takes it
    _issue_receipt(dossier=dossier, at=at, signer=actor, reason=reason)
    return {"code": dossier.code, "submission_ref": dossier.submission_ref}
