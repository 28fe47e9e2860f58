"""The public look-up, shared by the page (/tra-cuu/) and the API (/api/v1/lookup/): the
per-address attempt limit and what a citizen may see (no name, no ID)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _

from motcua.core import throttle
from motcua.core.exceptions import DomainError
from motcua.dossiers.choices import RATABLE_STATUSES, DossierStatus
from motcua.dossiers.exceptions import DossierErrorCode
from motcua.dossiers.models import Dossier
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


def lookup_payload(dossier: Dossier) -> dict[str, Any]:
    """The answer for a dossier from ``selectors.dossier_lookup``."""
    from motcua.dossiers.ratings import rating_url_for

    can_rate = dossier.status in RATABLE_STATUSES and not dossier.rated
    return {
        "code": dossier.code,
        "procedure_name": dossier.procedure_name,  # type: ignore[attr-defined]  # read by dossier_lookup
        "status": dossier.status,
        "status_label": str(DossierStatus(dossier.status).label),
        "received_at": dossier.received_at,
        "due_at": dossier.due_at,
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
    }
