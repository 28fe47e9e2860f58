"""The dossier's side of a rating (RULES.md §3.2)."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.core.audit import audit_record
from motcua.core.exceptions import DomainError, NotFound
from motcua.dossiers.choices import (
    RATABLE_STATUSES,
    DossierAction,
    DossierStatus,
)
from motcua.dossiers.exceptions import DossierErrorCode
from motcua.dossiers.models import Dossier
from motcua.dossiers.services.common import _event


def dossier_record_rating(*, dossier_id: int, now: datetime | None = None) -> Dossier:
    """Record in the dossier's log that the applicant rated it (RULES.md §3.2), and set ``rated``.

    Called by ``satisfaction.services.rating_submit`` in its transaction. The event and the
    audit row carry no level, answer or channel: whoever reads the dossier's log (the handling
    officer included) learns that it was rated, never how. Refused unless the dossier is
    closed (``RATABLE_STATUSES``) and not yet rated.
    """
    at = now or timezone.now()
    with transaction.atomic():
        dossier = (
            Dossier.objects.unrestricted("the applicant rates through a signed link")
            .select_for_update(of=("self",))
            .select_related("receiving_unit")
            .filter(pk=dossier_id)
            .first()
        )
        if dossier is None:
            raise NotFound(DossierErrorCode.DOSSIER_NOT_FOUND, _("No such dossier."))
        status = DossierStatus(dossier.status)
        if status not in RATABLE_STATUSES:
            raise DomainError(
                DossierErrorCode.RATING_NOT_OPEN,
                _("A dossier can be rated once it is closed: returned, refused or stopped."),
                status_code=409,
            )
        if dossier.rated:
            raise DomainError(
                DossierErrorCode.ALREADY_RATED, _("This dossier has already been rated. Thank you."), status_code=409
            )
        _event(
            dossier=dossier,
            action=DossierAction.RATE,
            from_status=status,
            to_status=status,
            actor=None,
            at=at,
        )
        dossier.rated = True
        dossier.save(update_fields=["rated"])
        audit_record(
            action=f"dossier.{DossierAction.RATE.value}",
            actor_label="applicant",
            unit_code=dossier.receiving_unit.code,
            object_type="dossier",
            object_id=dossier.code,
            data={"status": status.value},
        )
    return dossier
