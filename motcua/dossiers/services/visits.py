"""Counter visits: the completeness check ends without a receipt (RULES.md §1.4 row 2)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.catalog.models import Procedure
from motcua.core.audit import audit_record
from motcua.core.exceptions import DomainError
from motcua.core.scoping import user_unit_code
from motcua.dossiers.choices import (
    SlipForm,
    VisitOutcome,
)
from motcua.dossiers.exceptions import DossierErrorCode
from motcua.dossiers.models import CounterVisit
from motcua.dossiers.services.inputs import IntakeInput, IntakeResult, VisitInput, VisitResult
from motcua.dossiers.services.intake import _receiving_agency, _validate_applicant, dossier_receive
from motcua.dossiers.services.issuing import _slip
from motcua.dossiers.validation import idempotency_key, intake_fingerprint, key_reused, request_fingerprint, visit_problems

_VISIT_SLIP = {VisitOutcome.GUIDED: SlipForm.SUPPLEMENT, VisitOutcome.REFUSED: SlipForm.REFUSAL}


def counter_visit_record(*, actor: User, visit: VisitInput, now: datetime | None = None) -> VisitResult:
    """Record the outcome of the completeness check when the dossier is not received: a guided
    supplement (BM.02) or a refusal to receive (BM.03), each with its numbered slip and no
    dossier code (Decree 118/2025 Art. 17; RULES.md §1.4 row 2, §1.5).

    Idempotent per receiving agency and ``idempotency_key``, as the intake. Raises
    ``DomainError(DossierErrorCode.INVALID_VISIT, fields=…)``; nothing is written then.
    """
    receiving = _receiving_agency(actor)
    key = idempotency_key(visit.idempotency_key)
    fingerprint = request_fingerprint(visit)
    if problems := visit_problems(visit):  # bounds first: nothing below sees an unsafe text
        raise DomainError(DossierErrorCode.INVALID_VISIT, _("The visit has errors. Correct the fields listed."), fields=problems)
    errors: dict[str, str] = {}
    if visit.outcome not in VisitOutcome.values:
        errors["outcome"] = _("Choose the outcome: guide a supplement or refuse to receive.")
    procedure = Procedure.objects.filter(code=visit.procedure_code.strip()).first()
    if procedure is None:
        errors["procedure_code"] = _("No procedure has the code %(code)s.") % {"code": visit.procedure_code}
    number, applicant_errors = _validate_applicant(visit.applicant)
    if not visit.applicant.id_number.strip():
        # The ID is printed on BM.03 when the applicant has one; a visit is recorded without it.
        applicant_errors.pop("applicant.id_number", None)
        number = ""
    errors.update(applicant_errors)
    items = [i.strip()[:500] for i in visit.items if i.strip()]
    reason = visit.reason.strip()
    outcome = VisitOutcome(visit.outcome) if visit.outcome in VisitOutcome.values else None
    if outcome == VisitOutcome.GUIDED and not items:
        errors["items"] = _("List every missing or incorrect document (guide once and completely).")
    if outcome == VisitOutcome.REFUSED and items:
        errors["items"] = _("A refusal states its reasons; it lists no items to supplement.")
    if not reason:
        errors["reason"] = (
            _("Give the reason for the supplement request.")
            if outcome == VisitOutcome.GUIDED
            else _("Give the specific reason for refusing to receive the dossier.")
        )
    if errors:
        raise DomainError(DossierErrorCode.INVALID_VISIT, _("The visit has errors. Correct the fields listed."), fields=errors)
    assert procedure is not None and outcome is not None
    at = now or timezone.now()
    applicant = visit.applicant
    try:
        with transaction.atomic():
            row = CounterVisit(
                outcome=outcome,
                procedure=procedure,
                receiving_agency=receiving,
                receiving_unit=receiving.unit,
                applicant_kind=applicant.kind,
                applicant_name=" ".join(applicant.name.split()),
                applicant_id_number=number,
                applicant_address=applicant.address.strip(),
                applicant_phone="".join(ch for ch in applicant.phone if ch.isdigit()),
                applicant_email=applicant.email.strip(),
                representative_name=visit.representative_name.strip(),
                request_summary=visit.request_summary.strip()[:500] or procedure.name[:500],
                items=items,
                reason=reason,
                officer=actor,
                at=at,
                idempotency_key=key,
                request_hash=fingerprint,
            )
            row.full_clean(
                exclude=["procedure", "receiving_agency", "receiving_unit", "officer", "dossier"],
                validate_unique=False,
                validate_constraints=False,
            )
            row.save()
            data: dict[str, Any] = {"items": items, "reason": reason} if outcome == VisitOutcome.GUIDED else {"reason": reason}
            slip = _slip(visit=row, form=_VISIT_SLIP[outcome], agency=receiving, at=at, data=data, signer=actor)
            audit_record(
                action=f"counter_visit.{outcome.value}",
                actor=actor,
                unit_code=receiving.unit.code,
                object_type="counter_visit",
                object_id=row.pk,
                data={"procedure": procedure.code, "applicant_id": number, "slip": slip.number},
            )
            return VisitResult(row, True)
    except IntegrityError:
        if key:
            existing = (
                CounterVisit.objects.unrestricted("an idempotent replay at the officer's own desk")
                .filter(receiving_agency=receiving, idempotency_key=key)
                .exclude(idempotency_key="")
                .order_by()
                .first()
            )
            if existing is not None:
                if existing.request_hash and existing.request_hash != fingerprint:
                    raise key_reused(str(existing.pk)) from None
                return VisitResult(existing, False)
        raise


def counter_visit_receive(*, actor: User, visit_id: int, intake: IntakeInput, now: datetime | None = None) -> IntakeResult:
    """The applicant came back: receive the dossier (BM.01, code, clock) from the visit, in one
    step, and link the visit to it. A visit becomes at most one dossier; repeating the same
    intake key returns that dossier."""
    from motcua.dossiers.selectors import counter_visit_get

    _receiving_agency(actor)
    found = counter_visit_get(user=actor, pk=visit_id)
    key = idempotency_key(intake.idempotency_key)
    with transaction.atomic():
        visit = (
            CounterVisit.objects.restrict(actor, "view")
            .select_for_update(of=("self",))
            .select_related("dossier")
            .get(pk=found.pk)
        )
        if visit.dossier is not None:
            if key and visit.dossier.idempotency_key == key:
                fingerprint = intake_fingerprint(intake, online=False, from_visit_id=visit.pk)
                if visit.dossier.request_hash and visit.dossier.request_hash != fingerprint:
                    raise key_reused(visit.dossier.code)
                return IntakeResult(visit.dossier, False)
            raise DomainError(
                DossierErrorCode.VISIT_ALREADY_RECEIVED,
                _("This visit was already received as dossier %(code)s.") % {"code": visit.dossier.code},
                status_code=409,
            )
        result = dossier_receive(actor=actor, intake=intake, now=now, from_visit=visit)
        if result.created:
            visit.dossier = result.dossier
            visit.save(update_fields=["dossier"])
            audit_record(
                action="counter_visit.receive",
                actor=actor,
                unit_code=user_unit_code(actor),
                object_type="counter_visit",
                object_id=visit.pk,
                data={"dossier": result.dossier.code, "outcome": visit.outcome},
            )
    return result
