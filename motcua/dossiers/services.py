"""Writes of the dossiers app: intake and every workflow action.

``dossier_receive`` (counter or online intake, idempotent) and ``dossier_act`` (every other
action) are the only functions that change a dossier's status. Each runs in one transaction
that also writes the ``DossierEvent``, any ``ClockChange``, slip numbers and the audit event;
notifications and domain events go out on commit.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.core.files.base import ContentFile
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.catalog.choices import TimeUnit
from motcua.catalog.models import Procedure
from motcua.core.audit import audit_record
from motcua.core.calendar import WorkingCalendar, calendar_for
from motcua.core.choices import AgencyKind
from motcua.core.events import publish
from motcua.core.exceptions import DomainError, NotFound, PermissionDenied
from motcua.core.ids import normalise_digits, parse_tax_code
from motcua.core.models import AdministrativeUnit, Agency
from motcua.core.notifications import notify
from motcua.core.scoping import ALL, scope_root_path, user_unit_code
from motcua.dossiers import clock, numbering
from motcua.dossiers.choices import (
    RATABLE_STATUSES,
    ApplicantKind,
    Channel,
    ClockChangeKind,
    DossierAction,
    DossierStatus,
    ResultDelivery,
    SlipForm,
    StepStatus,
    Timeliness,
    VisitOutcome,
)
from motcua.dossiers.models import ClockChange, Counter, CounterVisit, Document, Dossier, DossierEvent, DossierStep, Slip
from motcua.dossiers.numbering import DEFAULT_SLIP_PREFIXES  # noqa: F401  re-exported (older imports)
from motcua.dossiers.validation import (
    action_check,
    idempotency_key,
    intake_fingerprint,
    intake_problems,
    key_reused,
    request_fingerprint,
    visit_problems,
)
from motcua.dossiers.workflow import (
    CREATING_ACTIONS,
    PERM_DECIDE,
    PERM_RECEIVE,
    IllegalTransition,
    guard,
    next_status,
)
from motcua.identity.choices import Sex
from motcua.identity.personal_id import personal_id_check

MAX_UPLOAD_BYTES = getattr(settings, "MOTCUA_MAX_UPLOAD_MB", 10) * 1024 * 1024
_MAGIC = ((b"%PDF-", "application/pdf"), (b"\xff\xd8\xff", "image/jpeg"), (b"\x89PNG\r\n\x1a\n", "image/png"))


# --- Inputs ------------------------------------------------------------------------------------


@dataclass
class ApplicantInput:
    kind: ApplicantKind
    name: str
    id_number: str
    birth_date: date | None = None
    male: bool | None = None
    address: str = ""
    phone: str = ""
    email: str = ""


@dataclass
class DocumentInput:
    name: str
    content: bytes | None = None
    filename: str = ""
    procedure_document_id: int | None = None
    reuse_document_id: int | None = None  # an earlier dossier's digitized document


@dataclass
class IntakeInput:
    procedure_code: str
    applicant: ApplicantInput
    channel: Channel = Channel.IN_PERSON
    result_delivery: str = ResultDelivery.IN_PERSON
    documents: list[DocumentInput] = field(default_factory=list)
    representative_name: str = ""
    representative_id_number: str = ""
    authorisation_note: str = ""
    request_summary: str = ""
    sets_count: int = 1
    fee_amount: int = 0
    fee_paid: bool = False
    deciding_agency_id: int | None = None
    idempotency_key: str = ""
    # Only for a procedure without a time limit in the catalogue (RULES.md §1.6, last bullet):
    # the receiving officer sets one, with the reason.
    time_limit_value: Decimal | None = None
    time_limit_unit: str = ""
    time_limit_reason: str = ""


@dataclass(frozen=True)
class OfficerTimeLimit:
    """A time limit set by the receiving officer for a procedure the catalogue has none for."""

    value: Decimal
    unit: str
    reason: str


@dataclass(frozen=True)
class IntakeResult:
    dossier: Dossier
    created: bool


# --- Helpers -----------------------------------------------------------------------------------


def sniff_content_type(content: bytes) -> str | None:
    for magic, content_type in _MAGIC:
        if content.startswith(magic):
            return content_type
    return None


def next_serial(key: str) -> int:
    """Increment and return a named counter; safe under concurrent transactions.

    One statement on both engines (SQLite ≥ 3.35 and PostgreSQL): the row is created at 1 or
    incremented, and its row lock (PostgreSQL) or the write lock (SQLite) is held until the
    caller's transaction ends, so two intakes never read the same value.
    """
    quote = connection.ops.quote_name
    table, key_col, value_col = quote(Counter._meta.db_table), quote("key"), quote("value")
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({key_col}, {value_col}) VALUES (%s, 1) "  # noqa: S608  names from the model
            f"ON CONFLICT ({key_col}) DO UPDATE SET {value_col} = {table}.{value_col} + 1 RETURNING {value_col}",
            [key],
        )
        row = cursor.fetchone()
    return int(row[0])


def _province_path(unit: AdministrativeUnit) -> str:
    return unit.path.split("/")[0] + "/"


def dossier_code(*, deciding_agency: Agency, received_at: datetime) -> str:
    """``<identifier>-YYMMDD-XXXX`` (or ``-AAXXXX`` for a central system), RULES.md §1.7.

    ``YYMMDD`` is the day of **receipt**; the serial runs per deciding agency and day, so two
    desks receiving for one agency never collide. ``DomainError("agency_identifier_missing")``
    when the agency has no valid electronic identifier (no code is invented).
    """
    identifier = numbering.agency_identifier(deciding_agency)
    day = numbering.code_day(received_at)
    return numbering.format_dossier_code(identifier, day, next_serial(numbering.dossier_code_key(identifier, day)))


def submission_ref(*, submitted_at: datetime) -> str:
    """The provisional reference of an online submission (``TN-YYMMDD-NNNNNN``): the dossier
    code is given only when the centre receives it (RULES.md §1.7)."""
    day = numbering.code_day(submitted_at)
    return numbering.format_submission_ref(day, next_serial(numbering.submission_ref_key(day)))


def _signer_name(signer: User) -> str:
    """The full name a slip prints in its signature block; refused when the account has none
    (RULES.md §1.5: "a staff account without a full name cannot sign")."""
    name = " ".join(signer.get_full_name().split())
    if not name:
        raise DomainError(
            "signer_name_missing",
            _(
                "Your account has no full name, and this slip must print the signer's full name. "
                "Ask an administrator to record your first and last name, then try again."
            ),
            status_code=409,
        )
    return name


def _slip(
    *,
    form: SlipForm,
    agency: Agency,
    at: datetime,
    data: dict[str, Any],
    signer: User | None,
    dossier: Dossier | None = None,
    visit: CounterVisit | None = None,
) -> Slip:
    """Number and record a slip of a dossier or of a counter visit (exactly one of them).
    ``signer``: the person whose name the slip prints (None only for a form without a signature
    block, BM.05)."""
    if signer is not None:
        _signer_name(signer)
    year = timezone.localtime(at).year
    serial = next_serial(numbering.slip_counter_key(form, agency.pk, year))
    if form == SlipForm.RECEIPT:
        # BM.01 "Quyển số … Số thứ tự …": one book per receiving agency per year, whose
        # sequence is the receipt serial; fixed at issue like the number.
        data = {**data, "book": numbering.book_number(year), "book_serial": serial}
    return Slip.objects.create(
        dossier=dossier,
        visit=visit,
        form=form,
        agency=agency,
        year=year,
        serial=serial,
        number=numbering.slip_number(form, serial),
        issued_at=at,
        data=data,
    )


def _issue_receipt(*, dossier: Dossier, agency: Agency, at: datetime, due_at: datetime, signer: User) -> Slip:
    """BM.01 (signed by the receiving officer) and the dossier's BM.05 control sheet, which
    travels with it from receipt (numbered now; its rows come from the steps)."""
    receipt = _slip(
        dossier=dossier, form=SlipForm.RECEIPT, agency=agency, at=at, data={"due_at": due_at.isoformat()}, signer=signer
    )
    _slip(dossier=dossier, form=SlipForm.CONTROL_SHEET, agency=agency, at=at, data={}, signer=None)
    return receipt


def _event(
    *,
    dossier: Dossier,
    action: DossierAction,
    from_status: str,
    to_status: str,
    actor: User | None,
    at: datetime,
    reason: str = "",
    payload: dict[str, Any] | None = None,
    first: bool = False,
) -> DossierEvent:
    # A dossier created in this transaction has no events yet: its first is seq 1.
    seq = 1 if first else (dossier.events.order_by("-seq").values_list("seq", flat=True).first() or 0) + 1
    return DossierEvent.objects.create(
        dossier=dossier,
        seq=seq,
        action=action,
        from_status=from_status,
        to_status=to_status,
        at=at,
        actor=actor,
        actor_label=actor.get_username() if actor else "",
        actor_unit_code=user_unit_code(actor),
        reason=reason,
        payload=payload or {},
    )


def _clock_change(dossier: Dossier, **fields: Any) -> None:
    """Queue a clock change made by an action handler; ``dossier_act`` inserts it with the
    action's event once that exists. A clock change is a new row, never an edit
    (``ClockChange`` is append-only), so it is not inserted first and linked later."""
    pending: list[ClockChange] = dossier.__dict__.setdefault("_pending_clock_changes", [])
    pending.append(ClockChange(dossier=dossier, **fields))


def _contacts_notify(dossier: Dossier, *, kind: str, subject: str, body: str) -> None:
    if dossier.applicant_phone:
        notify(channel="sms", to=dossier.applicant_phone, subject=subject, body=body, kind=kind)
    if dossier.applicant_email:
        notify(channel="email", to=dossier.applicant_email, subject=subject, body=body, kind=kind)


def _fmt(instant: datetime | None) -> str:
    return timezone.localtime(instant).strftime("%H:%M %d/%m/%Y") if instant else ""


def _in_scope(user: User, unit: AdministrativeUnit) -> bool:
    root = scope_root_path(user)
    return root is not None and (root == ALL or unit.path.startswith(root))


# --- Intake ------------------------------------------------------------------------------------


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


def _read_documents(documents: list[DocumentInput]) -> tuple[list[tuple[DocumentInput, str | None]], dict[str, str]]:
    checked: list[tuple[DocumentInput, str | None]] = []
    errors: dict[str, str] = {}
    for index, document in enumerate(documents):
        if not document.name.strip():
            errors[f"documents.{index}.name"] = _("Each document needs a name.")
        content_type = None
        if document.content is not None:
            if len(document.content) > MAX_UPLOAD_BYTES:
                errors[f"documents.{index}.file"] = _("The file is larger than %(mb)s MB.") % {
                    "mb": MAX_UPLOAD_BYTES // (1024 * 1024)
                }
            content_type = sniff_content_type(document.content)
            if content_type is None:
                errors[f"documents.{index}.file"] = _(
                    "Only PDF, JPEG or PNG scans are accepted (the file's content is none of these)."
                )
        checked.append((document, content_type))
    return checked, errors


def default_deciding_agency(receiving: Agency) -> Agency:
    """The People's Committee of the receiving unit decides unless another agency is chosen."""
    return Agency.objects.filter(unit=receiving.unit, kind=AgencyKind.PEOPLES_COMMITTEE).order_by("pk").first() or receiving


def _receiving_agency(actor: User) -> Agency:
    """The counter officer's agency (the receiving desk), or PermissionDenied."""
    if not actor.is_authenticated or not actor.has_perm(PERM_RECEIVE):
        raise PermissionDenied("forbidden", _("You do not have permission to do this."))
    profile = getattr(actor, "staff_profile", None)
    if profile is None:
        raise PermissionDenied("no_agency", _("Your account is not attached to an agency."))
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
    key = idempotency_key(intake.idempotency_key)
    fingerprint = intake_fingerprint(intake, online=online, from_visit_id=from_visit.pk if from_visit else None)
    if problems := intake_problems(intake):  # bounds first: nothing below sees an unsafe text
        raise DomainError("invalid_dossier", _("The dossier has errors. Correct the fields listed."), fields=problems)
    # A repeated key is found by the unique index when the insert fails (below), not looked up
    # first: the look-up cost every intake a round trip to find, almost always, nothing.

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
        # The dossier code starts with the deciding agency's identifier (RULES.md §1.7).
        errors["deciding_agency_id"] = problem
    officer_limit = _officer_time_limit(procedure, intake, errors) if procedure is not None else None
    if errors:
        raise DomainError("invalid_dossier", _("The dossier has errors. Correct the fields listed."), fields=errors)
    assert procedure is not None

    at = now or timezone.now()
    status = CREATING_ACTIONS[DossierAction.SUBMIT_ONLINE if online else DossierAction.RECEIVE]
    try:
        with transaction.atomic():
            return IntakeResult(
                _create_dossier(
                    actor=actor,
                    intake=intake,
                    procedure=procedure,
                    receiving=receiving,
                    deciding=deciding,
                    number=number,
                    documents=documents,
                    key=key,
                    request_hash=fingerprint,
                    at=at,
                    status=status,
                    online=online,
                    officer_limit=officer_limit,
                    from_visit=from_visit,
                ),
                True,
            )
    except IntegrityError:
        # The same key was received before (a double submit, or a concurrent one that won the
        # race): return that dossier. ``exclude`` lets SQLite use the partial unique index.
        if key:
            existing = (
                Dossier.objects.filter(receiving_agency=receiving, idempotency_key=key)
                .exclude(idempotency_key="")
                .order_by()
                .first()
            )
            if existing is not None:
                if existing.request_hash and existing.request_hash != fingerprint:
                    raise key_reused(existing.code) from None
                return IntakeResult(existing, False)
        raise


def _create_dossier(
    *,
    actor: User,
    intake: IntakeInput,
    procedure: Procedure,
    receiving: Agency,
    deciding: Agency,
    number: str,
    documents: list[tuple[DocumentInput, str | None]],
    key: str,
    at: datetime,
    status: DossierStatus,
    request_hash: str = "",
    online: bool,
    officer_limit: OfficerTimeLimit | None = None,
    from_visit: CounterVisit | None = None,
) -> Dossier:
    applicant = intake.applicant
    phone = "".join(ch for ch in applicant.phone if ch.isdigit())
    calendar = calendar_for(receiving.unit)
    due_at: datetime | None = None
    limit_value = officer_limit.value if officer_limit else procedure.lead_time_value
    limit_unit = officer_limit.unit if officer_limit else procedure.lead_time_unit
    if status == DossierStatus.RECEIVED:
        due_at = clock.initial_due(
            calendar, received_at=at, value=limit_value, unit=limit_unit or None, cutoff=procedure.receipt_cutoff
        )
    handover_at: datetime | None = None
    if status == DossierStatus.RECEIVED:
        # Electronic when submitted online or when every document is digitized (scanned or reused).
        digitized = bool(documents) and all(d.content is not None or d.reuse_document_id is not None for d, _ in documents)
        handover_at = clock.handover_due(calendar, received_at=at, electronic=intake.channel == Channel.ONLINE or digitized)
    reference = submission_ref(submitted_at=at) if online else ""
    dossier = Dossier(
        # An online submission has no code until it is received (RULES.md §1.7): until then
        # the column holds its submission reference (unique, never shaped like a code).
        code=dossier_code(deciding_agency=deciding, received_at=at) if status == DossierStatus.RECEIVED else reference,
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
        receiving_agency=receiving,
        receiving_unit=receiving.unit,
        deciding_agency=deciding,
        channel=intake.channel,
        result_delivery=intake.result_delivery,
        applicant_kind=applicant.kind,
        applicant_name=" ".join(applicant.name.split()),
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
        fee_paid=intake.fee_paid,
        submitted_at=at if online else None,
        received_at=at if status == DossierStatus.RECEIVED else None,
        due_at=due_at,
        original_due_at=due_at,
        handover_due_at=handover_at,
        status=status,
        idempotency_key=key,
        request_hash=request_hash,
        check_id4=number[-4:],
        check_phone4=phone[-4:] if len(phone) >= 4 else "",
        created_by=actor,
        assigned_to=actor,
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
    for position, (document, content_type) in enumerate(documents, start=1):
        _add_document(dossier=dossier, document=document, content_type=content_type, position=position)
    action = DossierAction.SUBMIT_ONLINE if online else DossierAction.RECEIVE
    event = _event(
        dossier=dossier,
        action=action,
        from_status="",
        to_status=status,
        actor=actor,
        at=at,
        payload={
            "channel": intake.channel,
            "documents": len(documents),
            **({"time_limit": _officer_limit_payload(officer_limit)} if officer_limit else {}),
            **({"counter_visit": from_visit.pk} if from_visit is not None else {}),
        },
        first=True,
    )
    if due_at is not None:
        ClockChange.objects.create(
            dossier=dossier,
            kind=ClockChangeKind.START,
            at=at,
            new_due_at=due_at,
            event=event,
            reason=_officer_time_text(procedure, officer_limit) if officer_limit else _procedure_time_text(procedure),
        )
        _issue_receipt(dossier=dossier, agency=receiving, at=at, due_at=due_at, signer=actor)
        _contacts_notify(
            dossier,
            kind="dossier.received",
            subject=_("Dossier received"),
            body=_(
                "Dossier %(code)s was received. Result due: %(due)s. Look it up with the code and the last 4 digits of your ID."
            )
            % {"code": dossier.code, "due": _fmt(due_at)},
        )
    audit_record(
        action=f"dossier.{action.value}",
        actor=actor,
        unit_code=receiving.unit.code,
        object_type="dossier",
        object_id=dossier.code,
        data={
            "procedure": procedure.code,
            "applicant_id": number,
            # The catalogue gap is reported: the audit log names every officer-set limit.
            **({"time_limit": _officer_limit_payload(officer_limit)} if officer_limit else {}),
        },
    )
    return dossier


def _officer_limit_payload(limit: OfficerTimeLimit) -> dict[str, str]:
    return {"value": str(limit.value), "unit": limit.unit, "reason": limit.reason, "set_by": "receiving_officer"}


def _officer_time_text(procedure: Procedure, limit: OfficerTimeLimit) -> str:
    return _(
        "Time limit set by the receiving officer: %(value)s %(unit)s (procedure %(code)s has none in the catalogue). "
        "Reason: %(reason)s"
    ) % {"value": limit.value, "unit": TimeUnit(limit.unit).label, "code": procedure.code, "reason": limit.reason}


def _procedure_time_text(procedure: Procedure) -> str:
    if procedure.lead_time_unit == clock.SAME_DAY:  # RULES.md §1.6: its own unit, no number
        return _("Statutory time limit: within the day (procedure %(code)s).") % {"code": procedure.code}
    return _("Statutory time limit: %(value)s %(unit)s (procedure %(code)s).") % {
        "value": procedure.lead_time_value,
        "unit": procedure.get_lead_time_unit_display() if procedure.lead_time_unit else "",
        "code": procedure.code,
    }


def _add_document(*, dossier: Dossier, document: DocumentInput, content_type: str | None, position: int) -> Document:
    row = Document(
        dossier=dossier, position=position, name=document.name.strip()[:500], procedure_document_id=document.procedure_document_id
    )
    if document.reuse_document_id is not None:
        source = Document.objects.filter(
            pk=document.reuse_document_id, reusable=True, dossier__applicant_id_number=dossier.applicant_id_number
        ).first()
        if source is None:
            raise DomainError(
                "reuse_not_allowed",
                _("That earlier document cannot be reused for this applicant."),
                fields={"documents": _("Not reusable.")},
            )
        row.source_document = source
        row.file = source.file
        row.content_type, row.size, row.sha256, row.digitized = source.content_type, source.size, source.sha256, True
    elif document.content is not None:
        row.content_type = content_type or ""
        row.size = len(document.content)
        row.sha256 = hashlib.sha256(document.content).hexdigest()
        row.digitized = True
        row.reusable = True
        extension = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}.get(row.content_type, "bin")
        row.file.save(f"{dossier.code}-{position:02d}.{extension}", ContentFile(document.content), save=False)
    row.save()
    return row


# --- Actions -----------------------------------------------------------------------------------


@dataclass
class ActionInput:
    reason: str = ""
    items: list[str] = field(default_factory=list)  # supplement: what is missing
    agency_id: int | None = None  # transfer: the agency that takes the next step
    receiver_id: int | None = None  # transfer: the person who takes it, if known
    step_days: Decimal | None = None  # transfer: the step's own time (working days)
    new_due_at: datetime | None = None  # apologize
    fee_amount: int | None = None  # request_fees
    result_summary: str = ""  # approve / reject
    documents: list[DocumentInput] = field(default_factory=list)  # supplement / result files
    # request_supplement a second time: a leader's override of the one-request rule, with its
    # written reason (Decree 118 Art. 11(2); RULES.md §1.4 row 3b)
    override: bool = False
    override_reason: str = ""


def supplement_spent(dossier: Dossier) -> bool:
    """The one supplement request the law allows has been made (Decree 118 Art. 11(2))."""
    return dossier.supplement_count >= 1


def may_override_supplement(user: User | AnonymousUser, dossier: Dossier) -> bool:
    """A leader (decide permission) over the dossier's receiving unit, competent agency or open
    step may request a further supplement with a written reason."""
    if not user.is_authenticated or not user.has_perm(PERM_DECIDE):
        return False
    assert isinstance(user, User)
    units = [dossier.receiving_unit, dossier.deciding_agency.unit]
    open_step = dossier.steps.filter(status=StepStatus.OPEN).select_related("agency__unit").first()
    if open_step is not None:
        units.append(open_step.agency.unit)
    return any(_in_scope(user, unit) for unit in units)


def dossier_permission_for(user: User | AnonymousUser, dossier: Dossier, action: DossierAction) -> bool:
    """May ``user`` do ``action`` on ``dossier`` now (table, role and unit)?"""
    try:
        transition = guard(DossierStatus(dossier.status), action, received=dossier.received_at is not None)
    except IllegalTransition:
        return False
    if action == DossierAction.REQUEST_SUPPLEMENT and supplement_spent(dossier):
        return may_override_supplement(user, dossier)
    if not user.is_authenticated or not user.has_perm(transition.permission):
        return False
    assert isinstance(user, User)
    if transition.permission == PERM_RECEIVE:
        return _in_scope(user, dossier.receiving_unit)
    units = [dossier.deciding_agency.unit]
    open_step = dossier.steps.filter(status=StepStatus.OPEN).select_related("agency__unit").first()
    if open_step is not None:
        units.append(open_step.agency.unit)
    return any(_in_scope(user, unit) for unit in units)


def available_actions(user: User | AnonymousUser, dossier: Dossier) -> list[DossierAction]:
    from motcua.dossiers.workflow import allowed_actions

    received = dossier.received_at is not None
    return [
        a for a in allowed_actions(DossierStatus(dossier.status), received=received) if dossier_permission_for(user, dossier, a)
    ]


def dossier_act(
    *, actor: User, code: str, action: DossierAction, data: ActionInput | None = None, now: datetime | None = None
) -> Dossier:
    """Do one workflow action on a dossier; see the table in ``workflow.py``."""
    data = data or ActionInput()
    action_check(data)  # bounds before the dossier is locked (issue 9 item 7)
    at = now or timezone.now()
    with transaction.atomic():
        dossier = (
            Dossier.objects.select_for_update()
            .select_related("receiving_unit", "deciding_agency__unit", "receiving_agency", "procedure")
            .filter(numbering.code_filter(code))
            .first()
        )
        if dossier is None or not _visible(actor, dossier):
            raise NotFound("dossier_not_found", _("No dossier has the code %(code)s.") % {"code": code})
        status = DossierStatus(dossier.status)
        try:
            guard(status, action, received=dossier.received_at is not None)
        except IllegalTransition as exc:
            raise DomainError(
                "action_not_allowed",
                _("“%(action)s” is not possible while the dossier is “%(status)s”.")
                % {"action": action.label, "status": status.label},
                status_code=409,
            ) from exc
        if action == DossierAction.REQUEST_SUPPLEMENT and supplement_spent(dossier):
            _check_override(data)
        if not dossier_permission_for(actor, dossier, action):
            raise PermissionDenied("forbidden", _("You do not have permission to do this."))
        history = [DossierStatus(s) for s in dossier.events.order_by("seq").values_list("to_status", flat=True)]
        target = next_status(history, action)
        calendar = calendar_for(dossier.receiving_unit)
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
        for change in dossier.__dict__.pop("_pending_clock_changes", []):
            change.event = event
            change.save()
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
        if target == DossierStatus.RETURNED:
            publish("dossier.returned", dossier_id=dossier.pk)
        elif target in RATABLE_STATUSES:  # refused or stopped: the applicant may rate too
            publish("dossier.closed", dossier_id=dossier.pk)
    return dossier


def _visible(user: User, dossier: Dossier) -> bool:
    from motcua.dossiers.selectors import dossier_queryset

    return dossier_queryset(user).filter(pk=dossier.pk).exists()


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
            "supplement_already_requested",
            _(
                "A supplement has already been requested for this dossier: the law allows one request only "
                "(Decree 118/2025 Art. 11(2)). A leader may override it with a written reason."
            ),
            status_code=409,
        )
    if not data.override_reason.strip():
        raise DomainError(
            "override_reason_required",
            _("Write the reason for requesting a second supplement; it is recorded as a violation."),
            fields={"override_reason": _("Required.")},
        )


def _require_reason(data: ActionInput, message: str) -> str:
    reason = data.reason.strip()
    if not reason:
        raise DomainError("reason_required", message, fields={"reason": _("Required.")})
    return reason


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


def _on_request_supplement(
    dossier: Dossier, actor: User, data: ActionInput, at: datetime, calendar: WorkingCalendar
) -> dict[str, Any]:
    items = [i.strip() for i in data.items if i.strip()]
    if not items:
        raise DomainError(
            "supplement_items_required",
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
    documents, errors = _read_documents(data.documents)
    if errors:
        raise DomainError("invalid_documents", _("Some files are not acceptable."), fields=errors)
    start = dossier.documents.count()
    for offset, (document, content_type) in enumerate(documents, start=1):
        _add_document(dossier=dossier, document=document, content_type=content_type, position=start + offset)
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
            reason=_("Supplement received; %(days)s working days were left.") % {"days": _days_text(remaining)},
        )
        dossier.due_at = new_due
    dossier.remaining_at_pause = None
    payload: dict[str, Any] = {"documents": len(documents)}
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


def _days_text(value: Any) -> str:
    text = f"{float(value):.2f}".rstrip("0").rstrip(".")
    return text.replace(".", ",")


def _on_refuse(dossier: Dossier, actor: User, data: ActionInput, at: datetime, calendar: WorkingCalendar) -> dict[str, Any]:
    reason = _require_reason(data, _("Give the specific reason for refusing the dossier."))
    _slip(dossier=dossier, form=SlipForm.REFUSAL, agency=dossier.receiving_agency, at=at, data={"reason": reason}, signer=actor)
    _contacts_notify(
        dossier,
        kind="dossier.refused",
        subject=_("Dossier refused"),
        body=_("Dossier %(code)s was refused: %(reason)s") % {"code": dossier.code, "reason": reason},
    )
    return {}


def _on_transfer(dossier: Dossier, actor: User, data: ActionInput, at: datetime, calendar: WorkingCalendar) -> dict[str, Any]:
    agency = (
        Agency.objects.select_related("unit").filter(pk=data.agency_id).first() if data.agency_id else dossier.deciding_agency
    )
    if agency is None or not agency.unit.path.startswith(_province_path(dossier.receiving_unit)):
        raise DomainError(
            "transfer_agency_invalid",
            _("Choose an agency of this province to transfer the dossier to."),
            fields={"agency_id": _("Not valid.")},
        )
    receiver = User.objects.filter(pk=data.receiver_id, staff_profile__agency=agency).first() if data.receiver_id else None
    if data.receiver_id and receiver is None:
        raise DomainError(
            "transfer_receiver_invalid",
            _("The receiving person does not work at that agency."),
            fields={"receiver_id": _("Not valid.")},
        )
    previous = _close_open_step(dossier, actor, at, data.reason.strip())
    due = dossier.due_at or at
    if data.step_days is not None:
        if data.step_days <= 0:
            raise DomainError("step_days_invalid", _("A step needs a positive time."), fields={"step_days": _("Not valid.")})
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
    return {
        "agency": agency.pk,
        "agency_name": agency.name,
        "receiver": receiver.pk if receiver else None,
        "previous_step": previous.position if previous else None,
        **handover,
    }


def _on_complete_step(
    dossier: Dossier, actor: User, data: ActionInput, at: datetime, calendar: WorkingCalendar
) -> dict[str, Any]:
    step = _close_open_step(dossier, actor, at, data.reason.strip())
    if step is None:
        raise DomainError("no_open_step", _("This dossier has no step in progress."), status_code=409)
    _back_to_desk(dossier)
    return {"step": step.position, "timeliness": step.timeliness}


def _on_request_fees(dossier: Dossier, actor: User, data: ActionInput, at: datetime, calendar: WorkingCalendar) -> dict[str, Any]:
    if data.fee_amount is None or data.fee_amount <= 0:
        raise DomainError("fee_amount_invalid", _("Enter the amount to pay in đồng."), fields={"fee_amount": _("Required.")})
    dossier.fee_amount = data.fee_amount
    dossier.fee_paid = False
    return {"fee_amount": data.fee_amount}


def _on_pay_fees(dossier: Dossier, actor: User, data: ActionInput, at: datetime, calendar: WorkingCalendar) -> dict[str, Any]:
    dossier.fee_paid = True
    return {"fee_amount": dossier.fee_amount}


def _on_decide(
    dossier: Dossier, actor: User, data: ActionInput, at: datetime, calendar: WorkingCalendar, approved: bool
) -> dict[str, Any]:
    summary = data.result_summary.strip() or data.reason.strip()
    if not approved and not summary:
        raise DomainError("reason_required", _("A rejection must state its reasons."), fields={"result_summary": _("Required.")})
    dossier.result_summary = summary
    _close_open_step(dossier, actor, at, summary)
    _back_to_desk(dossier)
    documents, errors = _read_documents(data.documents)
    if errors:
        raise DomainError("invalid_documents", _("Some files are not acceptable."), fields=errors)
    start = dossier.documents.count()
    for offset, (document, content_type) in enumerate(documents, start=1):
        row = _add_document(dossier=dossier, document=document, content_type=content_type, position=start + offset)
        Document.objects.filter(pk=row.pk).update(is_result=True)
    return {"approved": approved}


def _on_approve(dossier: Dossier, actor: User, data: ActionInput, at: datetime, calendar: WorkingCalendar) -> dict[str, Any]:
    return _on_decide(dossier, actor, data, at, calendar, approved=True)


def _on_reject(dossier: Dossier, actor: User, data: ActionInput, at: datetime, calendar: WorkingCalendar) -> dict[str, Any]:
    return _on_decide(dossier, actor, data, at, calendar, approved=False)


def _on_apologize(dossier: Dossier, actor: User, data: ActionInput, at: datetime, calendar: WorkingCalendar) -> dict[str, Any]:
    reason = _require_reason(data, _("Give the reason for the delay."))
    if dossier.extension_used:
        raise DomainError("extension_used", _("The return date may be re-set only once."), status_code=409)
    if dossier.due_at is None or not clock.can_extend(calendar, now=at, due_at=dossier.due_at):
        raise DomainError(
            "extension_too_late", _("An apology must be sent at least one working day before the due date."), status_code=409
        )
    new_due = data.new_due_at
    if new_due is None or new_due <= dossier.due_at:
        raise DomainError(
            "new_due_invalid", _("The new date must be after the current due date."), fields={"new_due_at": _("Not valid.")}
        )
    if timezone.is_naive(new_due):
        new_due = timezone.make_aware(new_due)
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
    _contacts_notify(
        dossier,
        kind="dossier.apology",
        subject=_("Apology: new return date"),
        body=_("We apologise: dossier %(code)s will be late (%(reason)s). New return date: %(due)s.")
        % {"code": dossier.code, "reason": reason, "due": _fmt(new_due)},
    )
    return {"old_due_at": old.isoformat(), "new_due_at": new_due.isoformat()}


def _on_mark_ready(dossier: Dossier, actor: User, data: ActionInput, at: datetime, calendar: WorkingCalendar) -> dict[str, Any]:
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
    procedure = dossier.procedure
    if numbering.is_submission_ref(dossier.code):  # a submission from before TN- references keeps its code
        dossier.code = dossier_code(deciding_agency=dossier.deciding_agency, received_at=at)
    value, unit = procedure.lead_time_value, procedure.lead_time_unit
    snapshot = dossier.procedure_snapshot or {}
    time_text = _procedure_time_text(procedure)
    if (value is None or not unit) and snapshot.get("lead_time_reason"):
        # The catalogue has no time limit; the officer set one when recording the submission.
        limit = OfficerTimeLimit(
            value=Decimal(str(snapshot["lead_time_value"])),
            unit=str(snapshot["lead_time_unit"]),
            reason=str(snapshot["lead_time_reason"]),
        )
        value, unit, time_text = limit.value, limit.unit, _officer_time_text(procedure, limit)
    due = clock.initial_due(calendar, received_at=at, value=value, unit=unit or None, cutoff=procedure.receipt_cutoff)
    dossier.received_at = at
    dossier.due_at = due
    dossier.original_due_at = due
    dossier.handover_due_at = clock.handover_due(calendar, received_at=at, electronic=True)  # the online channel
    dossier.assigned_to = actor  # the officer who checked the online submission takes it
    _clock_change(dossier, kind=ClockChangeKind.START, at=at, new_due_at=due, reason=time_text)
    _issue_receipt(dossier=dossier, agency=dossier.receiving_agency, at=at, due_at=due, signer=actor)
    _contacts_notify(
        dossier,
        kind="dossier.received",
        subject=_("Dossier received"),
        body=_("Dossier %(code)s was received. Result due: %(due)s. Look it up with the code and the last 4 digits of your ID.")
        % {"code": dossier.code, "due": _fmt(due)},
    )
    return {"code": dossier.code, "submission_ref": dossier.submission_ref}


_HANDLERS = {
    DossierAction.RECEIVE: _on_receive_online,
    DossierAction.REQUEST_SUPPLEMENT: _on_request_supplement,
    DossierAction.SUPPLEMENT: _on_supplement,
    DossierAction.REFUSE: _on_refuse,
    DossierAction.TRANSFER: _on_transfer,
    DossierAction.COMPLETE_STEP: _on_complete_step,
    DossierAction.REQUEST_FEES: _on_request_fees,
    DossierAction.PAY_FEES: _on_pay_fees,
    DossierAction.APPROVE: _on_approve,
    DossierAction.REJECT: _on_reject,
    DossierAction.APOLOGIZE: _on_apologize,
    DossierAction.MARK_READY: _on_mark_ready,
    DossierAction.RETURN_RESULT: _on_return,
    DossierAction.STOP: _on_stop,
}


# --- Counter visits: the check ends without a receipt (RULES.md §1.4 row 2) --------------------


@dataclass
class VisitInput:
    """A counter visit that ends in a guided supplement (BM.02) or a refusal to receive (BM.03)."""

    outcome: VisitOutcome
    procedure_code: str
    applicant: ApplicantInput
    reason: str
    items: list[str] = field(default_factory=list)  # guided: every missing or incorrect item
    representative_name: str = ""
    request_summary: str = ""
    idempotency_key: str = ""


@dataclass(frozen=True)
class VisitResult:
    visit: CounterVisit
    created: bool


_VISIT_SLIP = {VisitOutcome.GUIDED: SlipForm.SUPPLEMENT, VisitOutcome.REFUSED: SlipForm.REFUSAL}


def counter_visit_record(*, actor: User, visit: VisitInput, now: datetime | None = None) -> VisitResult:
    """Record the outcome of the completeness check when the dossier is not received: a guided
    supplement (BM.02) or a refusal to receive (BM.03), each with its numbered slip and no
    dossier code (Decree 118/2025 Art. 17; RULES.md §1.4 row 2, §1.5).

    Idempotent per receiving agency and ``idempotency_key``, as the intake. Raises
    ``DomainError("invalid_visit", fields=…)``; nothing is written then.
    """
    receiving = _receiving_agency(actor)
    key = idempotency_key(visit.idempotency_key)
    fingerprint = request_fingerprint(visit)
    if problems := visit_problems(visit):  # bounds first: nothing below sees an unsafe text
        raise DomainError("invalid_visit", _("The visit has errors. Correct the fields listed."), fields=problems)
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
        raise DomainError("invalid_visit", _("The visit has errors. Correct the fields listed."), fields=errors)
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
                CounterVisit.objects.filter(receiving_agency=receiving, idempotency_key=key)
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
        visit = CounterVisit.objects.select_for_update().select_related("dossier").get(pk=found.pk)
        if visit.dossier is not None:
            if key and visit.dossier.idempotency_key == key:
                fingerprint = intake_fingerprint(intake, online=False, from_visit_id=visit.pk)
                if visit.dossier.request_hash and visit.dossier.request_hash != fingerprint:
                    raise key_reused(visit.dossier.code)
                return IntakeResult(visit.dossier, False)
            raise DomainError(
                "visit_already_received",
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


# --- Rating ------------------------------------------------------------------------------------


def dossier_record_rating(*, dossier_id: int, now: datetime | None = None) -> Dossier:
    """Record in the dossier's log that the applicant rated it (RULES.md §3.2), and set ``rated``.

    Called by ``satisfaction.services.rating_submit`` in its transaction. The event and the
    audit row carry no level, answer or channel: whoever reads the dossier's log (the handling
    officer included) learns that it was rated, never how. Refused unless the dossier is
    closed (``RATABLE_STATUSES``) and not yet rated.
    """
    at = now or timezone.now()
    with transaction.atomic():
        dossier = Dossier.objects.select_for_update().select_related("receiving_unit").filter(pk=dossier_id).first()
        if dossier is None:
            raise NotFound("dossier_not_found", _("No such dossier."))
        status = DossierStatus(dossier.status)
        if status not in RATABLE_STATUSES:
            raise DomainError(
                "rating_not_open",
                _("A dossier can be rated once it is closed: returned, refused or stopped."),
                status_code=409,
            )
        if dossier.rated:
            raise DomainError("already_rated", _("This dossier has already been rated. Thank you."), status_code=409)
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
