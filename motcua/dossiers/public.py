"""The public look-up, shared by the page (/tra-cuu/) and the API (/api/v1/lookup/): the
per-address attempt limit and what a citizen may see (no name, no ID)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from motcua.core import throttle
from motcua.core.exceptions import DomainError
from motcua.dossiers.choices import RATABLE_STATUSES, DossierAction, DossierStatus
from motcua.dossiers.exceptions import DossierErrorCode
from motcua.dossiers.models import Dossier, DossierEvent
from motcua.dossiers.selectors import is_overdue, is_waiting_for_supplement, missing_items

LOOKUP_LIMIT = 30  # attempts per client address per 10 minutes


def lookup_throttle(request: HttpRequest) -> None:
    """Counted in the shared cache by ``core.throttle``, like the login limits."""
    if throttle.count_hit("lookup", request.META.get("REMOTE_ADDR", ""), window_seconds=600) > LOOKUP_LIMIT:
        raise DomainError(
            DossierErrorCode.TOO_MANY_LOOKUPS,
            _("Too many look-ups from this address. Try again in a few minutes."),
            status_code=429,
        )


# What the public timeline tells of each action: the steps a citizen follows, in their words.
# Internal actions (a step finished inside an agency, the rating itself) are left out; no
# officer, reason or note is ever shown (free text may name people).
PUBLIC_EVENTS = {
    DossierAction.SUBMIT_ONLINE: gettext_lazy("Submitted online"),
    DossierAction.RECEIVE: gettext_lazy("Received"),
    DossierAction.REQUEST_SUPPLEMENT: gettext_lazy("Supplement requested"),
    DossierAction.SUPPLEMENT: gettext_lazy("Supplement received"),
    DossierAction.TRANSFER: gettext_lazy("Transferred to %(agency)s"),
    DossierAction.REQUEST_FEES: gettext_lazy("Fees requested"),
    DossierAction.PAY_FEES: gettext_lazy("Fees paid"),
    DossierAction.APPROVE: gettext_lazy("Decision made"),
    DossierAction.REJECT: gettext_lazy("Decision made"),
    DossierAction.APOLOGIZE: gettext_lazy("Return date moved, with a letter of apology"),
    DossierAction.MARK_READY: gettext_lazy("Result ready for return"),
    DossierAction.RETURN_RESULT: gettext_lazy("Result returned"),
    DossierAction.REFUSE: gettext_lazy("Refused"),
    DossierAction.STOP: gettext_lazy("Stopped at the applicant's request"),
}


@dataclass(frozen=True)
class PublicEvent:
    """One line of the public timeline: the local day and what happened."""

    action: str
    on: date
    label: str


def public_timeline(dossier: Dossier) -> list[PublicEvent]:
    """The dossier's history as the citizen may see it (the look-up page and ``LookupOut``):
    received, transferred between agencies (the agency's name), supplement requested, result
    ready, returned… with the local day only. One query."""
    rows = (
        DossierEvent.objects.filter(dossier_id=dossier.pk, action__in=[a.value for a in PUBLIC_EVENTS])
        .order_by("seq")
        .values_list("action", "at", "payload")
    )
    timeline = []
    for action, at, payload in rows:
        label = str(PUBLIC_EVENTS[DossierAction(action)])
        if action == DossierAction.TRANSFER:
            agency = str((payload or {}).get("agency_name") or "")
            label = label % {"agency": agency} if agency else _("Transferred to the competent agency")
        timeline.append(PublicEvent(action=action, on=timezone.localtime(at).date(), label=label))
    return timeline


def lookup_payload(dossier: Dossier) -> dict[str, Any]:
    """The answer for a dossier from ``selectors.dossier_lookup``."""
    from motcua.dossiers.ratings import rating_url_for

    can_rate = dossier.status in RATABLE_STATUSES and not dossier.rated
    # Refused or stopped: no result will come, so no appointment is shown (it read "Hẹn trả kết
    # quả" with a date that no longer means anything).
    ended = dossier.status in (DossierStatus.REFUSED, DossierStatus.STOPPED)
    return {
        "code": dossier.code,
        "procedure_name": dossier.procedure_name,  # type: ignore[attr-defined]  # read by dossier_lookup
        "status": dossier.status,
        "status_label": str(DossierStatus(dossier.status).label),
        "received_at": dossier.received_at,
        "due_at": None if ended else dossier.due_at,
        "ended_without_result": ended,
        "returned_at": dossier.returned_at,
        "timeliness": dossier.timeliness,
        # Waiting for the applicant: "chờ bổ sung" with the working days left, never overdue.
        "waiting_for_supplement": is_waiting_for_supplement(dossier),
        "remaining_days": dossier.remaining_at_pause if is_waiting_for_supplement(dossier) else None,
        "overdue": is_overdue(dossier),
        "missing_items": missing_items(dossier),
        "receiving_agency": dossier.receiving_agency_name,  # type: ignore[attr-defined]
        "can_rate": can_rate,
        "rating_url": rating_url_for(dossier) if can_rate else "",
        "timeline": public_timeline(dossier),
    }
