"""Intake: a dossier received at the counter or submitted online (idempotent)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.catalog.choices import TimeUnit
from motcua.catalog.models import Procedure
from motcua.core.audit import audit_record
from motcua.core.calendar import calendar_for
from motcua.core.choices import AgencyKind
from motcua.core.exceptions import DomainError, PermissionDenied
from motcua.core.ids import normalise_digits, parse_tax_code
from motcua.core.models import Agency
from motcua.core.text import fold
from motcua.dossiers import clock, numbering
from motcua.dossiers.choices import (
    ApplicantKind,
    Channel,
    DossierAction,
    DossierStatus,
    ResultDelivery,
)
from motcua.dossiers.exceptions import DossierErrorCode
from motcua.dossiers.models import CounterVisit, Document, Dossier
from motcua.dossiers.services.common import _event, _province_path, _save_clock_changes, submission_ref
from motcua.dossiers.services.documents import _attach_documents, _read_documents
from motcua.dossiers.services.inputs import ApplicantInput, DocumentInput, IntakeInput, IntakeResult, OfficerTimeLimit
from motcua.dossiers.services.issuing import _signer_name
from motcua.dossiers.services.portal import portal_record_write
from motcua.dossiers.services.receipt import _issue_receipt, _officer_limit_payload, _start_clock
from motcua.dossiers.validation import idempotency_key, intake_fingerprint, intake_problems, key_reused
from motcua.dossiers.workflow import (
    CREATING_ACTIONS,
    PERM_RECEIVE,
)
from motcua.identity.choices import Sex
from motcua.identity.personal_id import personal_id_check


def _validate_applicant(applicant: ApplicantInput) -> tuple[str, dict[str, str]]:
    errors: dict[str, str] = {}
    number = applicant.id_number
    name = " ".join(applicant.name.split())
    if not name:
        errors["applicant.name"] = _("Enter the applicant's full name.")
    try:
        if applicant.kind == ApplicantKind.PERSON:
            sex = None if applicant.male is None else (Sex.MALE if applicant.male else Sex.FEMALE)
            number = personal_id_check(normalise_digits(applicant.id_number), sex=sex, birth_date=applicant.birth_date).number
        else:
            number = parse_tax_code(applicant.id_number)
    except DomainError as exc:
        errors["applicant.id_number"] = str(exc.message)
    phone = "".join(ch for ch in applicant.phone if ch.isdigit() or ch == "+")
    if applicant.phone and not (9 <= len(phone.lstrip("+")) <= 12):
        errors["applicant.phone"] = _("A phone number has 10 digits (e.g. 0912345678).")
    return number, errors


def default_deciding_agency(receiving: Agency) -> Agency:
    """The People's Committee of the receiving unit decides unless another agency is chosen."""
    return Agency.objects.filter(unit=receiving.unit, kind=AgencyKind.PEOPLES_COMMITTEE).order_by("pk").first() or receiving


def _receiving_agency(actor: User) -> Agency:
    """The counter officer's agency (the receiving desk), or PermissionDenied."""
    if not actor.is_authenticated or not actor.has_perm(PERM_RECEIVE):
        raise PermissionDenied(DossierErrorCode.FORBIDDEN, _("You do not have permission to do this."))
    profile = getattr(actor, "staff_profile", None)
    if profile is None:
        raise PermissionDenied(DossierErrorCode.NO_AGENCY, _("Your account is not attached to an agency."))
    agency: Agency = profile.agency
    return agency


def _officer_time_limit(procedure: Procedure, intake: IntakeInput, errors: dict[str, str]) -> OfficerTimeLimit | None:
    """RULES.md §1.6 (last bullet): a procedure without a time limit in the catalogue stays
    receivable; the officer sets the limit, with a reason. Refused when the catalogue has one."""
    reason = " ".join(intake.time_limit_reason.split())
    if intake.time_limit_value is None and not intake.time_limit_unit and not reason:
        return None
    if procedure.lead_time_value is not None and procedure.lead_time_unit:
        errors["time_limit_value"] = _(
            "This procedure has a time limit in the catalogue (%(limit)s); it cannot be set at intake."
        ) % {"limit": procedure.lead_time_display}
        return None
    value = intake.time_limit_value
    before = len(errors)
    if value is None or not value.is_finite() or value <= 0 or value > 3650:
        errors["time_limit_value"] = _("Enter a positive time limit.")
    if intake.time_limit_unit not in TimeUnit.values:
        errors["time_limit_unit"] = _("Choose the unit of the time limit.")
    if not reason:
        errors["time_limit_reason"] = _("Give the reason for the time limit you set (the catalogue has none).")
    if len(errors) > before or value is None:
        return None
    return OfficerTimeLimit(value=value, unit=intake.time_limit_unit, reason=reason[:500])


@dataclass(frozen=True)
class _CheckedIntake:
    """An intake that passed every check, with what the checks found."""

    intake: IntakeInput
    procedure: Procedure
    receiving: Agency
    deciding: Agency
    number: str  # the applicant's normalised personal ID or tax code
    documents: list[tuple[DocumentInput, str | None]]
    key: str
    officer_limit: OfficerTimeLimit | None
    request_hash: str = ""  # the normalised request's fingerprint (same key, other body: 409)


def dossier_receive(
    *,
    actor: User,
    intake: IntakeInput,
    online: bool = False,
    now: datetime | None = None,
    from_visit: CounterVisit | None = None,
) -> IntakeResult:
    """Receive a dossier at the counter (or record an online submission when ``online``).

    Idempotent: the same ``idempotency_key`` at the same agency returns the first dossier.
    Raises ``DomainError`` with field errors; nothing is written then. ``from_visit``: the
    counter visit (guided or refused earlier) this dossier is received from; the receive event
    names it (``counter_visit_receive`` links the visit).
    """
    receiving = _receiving_agency(actor)
    if not online:
        _signer_name(actor)  # the receiving officer signs BM.01 (RULES.md §1.5)
    key = idempotency_key(intake.idempotency_key)  # a key longer than the column is refused, never cut
    fingerprint = intake_fingerprint(intake, online=online, from_visit_id=from_visit.pk if from_visit else None)
    if problems := intake_problems(intake):  # bounds first: nothing below sees an unsafe text
        raise DomainError(
            DossierErrorCode.INVALID_DOSSIER, _("The dossier has errors. Correct the fields listed."), fields=problems
        )
    checked = _check_intake(intake, receiving, key=key, request_hash=fingerprint)
    at = now or timezone.now()
    # A repeated key is found by the unique index when the insert fails (below), not looked up
    # first: the look-up cost every intake a round trip to find, almost always, nothing.
    try:
        with transaction.atomic():
            return IntakeResult(_create_dossier(actor=actor, checked=checked, at=at, online=online, from_visit=from_visit), True)
    except IntegrityError:
        # The same key was received before (a double submit, or a concurrent one that won the
        # race): return that dossier. ``exclude`` lets SQLite use the partial unique index.
        if checked.key:
            existing = (
                Dossier.objects.unrestricted("an idempotent replay at the officer's own desk")
                .filter(receiving_agency=receiving, idempotency_key=checked.key)
                .exclude(idempotency_key="")
                .order_by()
                .first()
            )
            if existing is not None:
                if existing.request_hash and existing.request_hash != fingerprint:
                    raise key_reused(existing.code) from None
                return IntakeResult(existing, False)
        raise


def _check_intake(intake: IntakeInput, receiving: Agency, *, key: str, request_hash: str) -> _CheckedIntake:
    """Every check of an intake at once; ``DomainError(DossierErrorCode.INVALID_DOSSIER, fields=…)`` lists every
    bad field."""
    procedure = Procedure.objects.filter(code=intake.procedure_code.strip()).first()
    errors: dict[str, str] = {}
    if procedure is None:
        errors["procedure_code"] = _("No procedure has the code %(code)s.") % {"code": intake.procedure_code}
    number, applicant_errors = _validate_applicant(intake.applicant)
    errors.update(applicant_errors)
    documents, document_errors = _read_documents(intake.documents)
    errors.update(document_errors)
    if intake.channel not in Channel.values:
        errors["channel"] = _("Choose how the dossier was submitted.")
    if intake.result_delivery not in ResultDelivery.values:
        errors["result_delivery"] = _("Choose how the applicant will receive the result.")
    if intake.representative_id_number:
        try:
            personal_id_check(normalise_digits(intake.representative_id_number))
        except DomainError as exc:
            errors["representative_id_number"] = str(exc.message)
    if intake.fee_amount < 0:
        errors["fee_amount"] = _("Fees cannot be negative.")
    if not 1 <= intake.sets_count <= 50:
        errors["sets_count"] = _("The number of sets must be between 1 and 50.")
    deciding = _deciding_agency(intake, receiving, errors)
    officer_limit = _officer_time_limit(procedure, intake, errors) if procedure is not None else None
    if errors:
        raise DomainError(
            DossierErrorCode.INVALID_DOSSIER, _("The dossier has errors. Correct the fields listed."), fields=errors
        )
    assert procedure is not None
    return _CheckedIntake(
        intake=intake,
        procedure=procedure,
        receiving=receiving,
        deciding=deciding,
        number=number,
        documents=documents,
        key=key,
        officer_limit=officer_limit,
        request_hash=request_hash,
    )


def _deciding_agency(intake: IntakeInput, receiving: Agency, errors: dict[str, str]) -> Agency:
    """The competent agency chosen at intake (in the province: RULES.md §1.2), by default the
    receiving unit's People's Committee; it needs an identifier (the code starts with it, §1.7)."""
    deciding = default_deciding_agency(receiving)
    if intake.deciding_agency_id is not None:
        chosen = Agency.objects.select_related("unit").filter(pk=intake.deciding_agency_id).first()
        if chosen is None or not chosen.unit.path.startswith(_province_path(receiving.unit)):
            errors["deciding_agency_id"] = _(
                "The competent agency must be in the same province (reception regardless of boundary applies within a province)."
            )
        else:
            deciding = chosen
    if "deciding_agency_id" not in errors and (problem := numbering.identifier_problem(deciding)):
        errors["deciding_agency_id"] = problem
    return deciding


def _create_dossier(
    *, actor: User, checked: _CheckedIntake, at: datetime, online: bool, from_visit: CounterVisit | None
) -> Dossier:
    """The dossier row, its documents, its first event and, at receipt, the clock and BM.01."""
    intake, officer_limit = checked.intake, checked.officer_limit
    status = CREATING_ACTIONS[DossierAction.SUBMIT_ONLINE if online else DossierAction.RECEIVE]
    dossier = _new_dossier(actor=actor, checked=checked, at=at, status=status, online=online)
    received = status == DossierStatus.RECEIVED
    clock_reason: clock.Explanation | None = None
    if received:
        # Electronic when submitted online or when every document is digitized (scanned or reused).
        documents = checked.documents
        digitized = bool(documents) and all(d.content is not None or d.reuse_document_id is not None for d, _ in documents)
        clock_reason = _start_clock(
            dossier,
            at=at,
            calendar=calendar_for(checked.receiving.unit),
            electronic=intake.channel == Channel.ONLINE or digitized,
            officer_limit=officer_limit,
        )
    # Field validation only: the unique and check constraints are enforced by the database in
    # the same transaction (validating them here would cost one query each per intake), and
    # the foreign keys point at rows this function has just read.
    dossier.full_clean(
        exclude=["procedure", "receiving_agency", "receiving_unit", "deciding_agency", "created_by", "assigned_to"],
        validate_unique=False,
        validate_constraints=False,
    )
    dossier.save()
    stored: list[Document] = []
    _attach_documents(dossier=dossier, documents=checked.documents, start=0, stored=stored)
    action = DossierAction.SUBMIT_ONLINE if online else DossierAction.RECEIVE
    limit_payload = {"time_limit": _officer_limit_payload(officer_limit)} if officer_limit else {}
    event = _event(
        dossier=dossier,
        action=action,
        from_status="",
        to_status=status,
        actor=actor,
        at=at,
        payload={
            "channel": intake.channel,
            "documents": len(checked.documents),
            **limit_payload,
            **({"counter_visit": from_visit.pk} if from_visit is not None else {}),
        },
        first=True,
    )
    if received:
        assert clock_reason is not None  # set above for every received dossier
        _issue_receipt(dossier=dossier, at=at, signer=actor, reason=clock_reason)
        _save_clock_changes(dossier, event)
    audit_record(
        action=f"dossier.{action.value}",
        actor=actor,
        unit_code=checked.receiving.unit.code,
        object_type="dossier",
        object_id=dossier.code,
        # The catalogue gap is reported: the audit log names every officer-set limit.
        data={"procedure": checked.procedure.code, "applicant_id": checked.number, **limit_payload},
    )
    # Last write of the intake: the outbox record commits or rolls back with the dossier. The
    # dossier is new: its documents and its one event are those above (no query to read them).
    portal_record_write(dossier=dossier, event=event, documents=stored, events=[event])
    return dossier


def fees_paid_at_intake(intake: IntakeInput, *, online: bool) -> bool:
    """Whether the fees are paid when the dossier is taken in: as the caller says, or else paid
    when an amount was taken at the counter (Decree 118 Art. 24: fees are collected at the
    counter or online; an online submission pays through the portal, recorded later)."""
    if intake.fee_paid is not None:
        return intake.fee_paid
    return intake.fee_amount > 0 and not online


def _new_dossier(*, actor: User, checked: _CheckedIntake, at: datetime, status: DossierStatus, online: bool) -> Dossier:
    """The dossier row as the applicant and the officer gave it (not saved; receipt adds its
    code and clock). An online submission has no code until it is received (RULES.md §1.7):
    until then the code column holds its submission reference (unique, never shaped like a code)."""
    intake, procedure, officer_limit, number = checked.intake, checked.procedure, checked.officer_limit, checked.number
    applicant = intake.applicant
    phone = "".join(ch for ch in applicant.phone if ch.isdigit())
    limit_value = officer_limit.value if officer_limit else procedure.lead_time_value
    limit_unit = officer_limit.unit if officer_limit else procedure.lead_time_unit
    reference = submission_ref(submitted_at=at) if online else ""
    return Dossier(
        code=reference,
        submission_ref=reference,
        procedure=procedure,
        procedure_snapshot={
            "code": procedure.code,
            "name": procedure.name,
            "lead_time_value": str(limit_value) if limit_value is not None else None,
            "lead_time_unit": limit_unit,
            "version": getattr(procedure, "version", 1),
            # Set by the receiving officer (the catalogue has no time limit): printed on BM.01.
            **({"lead_time_reason": officer_limit.reason} if officer_limit else {}),
        },
        receiving_agency=checked.receiving,
        receiving_unit=checked.receiving.unit,
        deciding_agency=checked.deciding,
        channel=intake.channel,
        result_delivery=intake.result_delivery,
        applicant_kind=applicant.kind,
        applicant_name=" ".join(applicant.name.split()),
        applicant_name_folded=fold(applicant.name)[:200],
        applicant_id_number=number,
        applicant_address=applicant.address.strip(),
        applicant_phone=phone,
        applicant_email=applicant.email.strip(),
        representative_name=intake.representative_name.strip(),
        representative_id_number=intake.representative_id_number.strip(),
        authorisation_note=intake.authorisation_note.strip(),
        request_summary=intake.request_summary.strip() or procedure.name[:500],
        sets_count=intake.sets_count,
        fee_amount=intake.fee_amount,
        fee_paid=fees_paid_at_intake(intake, online=online),
        submitted_at=at if online else None,
        status=status,
        idempotency_key=checked.key,
        request_hash=checked.request_hash,
        check_id4=number[-4:],
        check_phone4=phone[-4:] if len(phone) >= 4 else "",
        created_by=actor,
        assigned_to=actor,
    )
