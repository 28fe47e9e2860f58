"""The one receipt path (RULES.md §1.4 row 3a): a dossier received at the counter and an online
submission that passes the check are received the same way.

``_start_clock`` (before the dossier row is written): the code dated the day of receipt, the
received and due instants from the catalogue's time limit (or the one the receiving officer
set), the hand-over deadline. ``_issue_receipt`` (after): the clock's START change, BM.01 signed
by the receiving officer, the BM.05 control sheet and the message to the applicant.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django.contrib.auth.models import User
from django.utils.translation import gettext as _

from motcua.catalog.models import Procedure
from motcua.core.calendar import WorkingCalendar
from motcua.core.notifications import messages_language
from motcua.dossiers import clock, numbering
from motcua.dossiers.choices import ClockChangeKind, SlipForm
from motcua.dossiers.models import Dossier, Slip
from motcua.dossiers.services.common import _clock_change, _contacts_notify, _fmt, dossier_code
from motcua.dossiers.services.inputs import OfficerTimeLimit
from motcua.dossiers.services.issuing import _slip


def _snapshot_limit(dossier: Dossier) -> OfficerTimeLimit | None:
    """The limit the receiving officer set when recording an online submission whose procedure
    has none in the catalogue (kept in the procedure snapshot), if any."""
    snapshot = dossier.procedure_snapshot or {}
    procedure = dossier.procedure
    if procedure.lead_time_value is not None and procedure.lead_time_unit:
        return None
    if not snapshot.get("lead_time_reason"):
        return None
    return OfficerTimeLimit(
        value=Decimal(str(snapshot["lead_time_value"])),
        unit=str(snapshot["lead_time_unit"]),
        reason=str(snapshot["lead_time_reason"]),
    )


def _start_clock(
    dossier: Dossier, *, at: datetime, calendar: WorkingCalendar, electronic: bool, officer_limit: OfficerTimeLimit | None
) -> clock.Explanation:
    """Set what receipt fixes on the dossier (not saved here); return the clock's reason (a
    code and parameters, worded when shown: ``ClockChange.explanation``).

    The code is given now, dated today (RULES.md §1.7: the code date, BM.01 and the clock
    agree); an online submission keeps its reference in ``submission_ref`` (one recorded
    before TN- references keeps the code it has).
    """
    procedure = dossier.procedure
    value: Decimal | None
    if officer_limit is not None:
        value, unit = officer_limit.value, officer_limit.unit
        reason = clock.officer_limit_reason(code=procedure.code, value=value, unit=unit, reason=officer_limit.reason)
    else:
        value, unit = procedure.lead_time_value, procedure.lead_time_unit
        reason = clock.statutory_reason(code=procedure.code, value=value, unit=unit)
    if not dossier.code or numbering.is_submission_ref(dossier.code):
        dossier.code = dossier_code(deciding_agency=dossier.deciding_agency, received_at=at)
    due = clock.initial_due(calendar, received_at=at, value=value, unit=unit or None, cutoff=procedure.receipt_cutoff)
    dossier.received_at = at
    dossier.due_at = due
    dossier.original_due_at = due
    dossier.handover_due_at = clock.handover_due(calendar, received_at=at, electronic=electronic)
    return reason


def _issue_receipt(*, dossier: Dossier, at: datetime, signer: User, reason: clock.Explanation) -> Slip:
    """The clock's START change (saved with the action's event), BM.01 signed by the receiving
    officer, the BM.05 control sheet that travels with the dossier from receipt (numbered now;
    its rows come from the steps), and the applicant's message with the due date."""
    assert dossier.due_at is not None
    _clock_change(dossier, kind=ClockChangeKind.START, at=at, new_due_at=dossier.due_at, **reason.fields())
    agency = dossier.receiving_agency
    receipt = _slip(
        dossier=dossier, form=SlipForm.RECEIPT, agency=agency, at=at, data={"due_at": dossier.due_at.isoformat()}, signer=signer
    )
    _slip(dossier=dossier, form=SlipForm.CONTROL_SHEET, agency=agency, at=at, data={}, signer=None)
    with messages_language():
        _contacts_notify(
            dossier,
            kind="dossier.received",
            subject=_("Dossier received"),
            body=_(
                "Dossier %(code)s was received. Result due: %(due)s. Look it up with the code and the last 4 digits of your ID."
            )
            % {"code": dossier.code, "due": _fmt(dossier.due_at)},
        )
    return receipt


def _officer_limit_payload(limit: OfficerTimeLimit) -> dict[str, str]:
    return {"value": str(limit.value), "unit": limit.unit, "reason": limit.reason, "set_by": "receiving_officer"}


def _procedure_time_text(procedure: Procedure) -> str:
    """The START clock change's explanation in the active language, as the seeder's (``clock``)."""
    return clock.statutory_time_text(code=procedure.code, value=procedure.lead_time_value, unit=procedure.lead_time_unit)
