from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from ninja import Field, Schema

from motcua.catalog.choices import TimeUnit
from motcua.catalog.models import Procedure
from motcua.core.validation import (
    MAX_BASE64_LENGTH,
    MAX_DOCUMENTS,
    MAX_IDEMPOTENCY_KEY,
    MAX_ITEMS,
    MAX_REASON_LENGTH,
    MAX_RESULT_LENGTH,
    MAX_TIME_LIMIT,
    BoundedDatetime,
    Email,
    Fee,
    ItemText,
    SafeStr,
    StepDays,
    max_length,
)
from motcua.dossiers.choices import ApplicantKind, Channel, DossierStatus, Proposal, ResultDelivery, VisitOutcome
from motcua.dossiers.models import CounterVisit, Document, Dossier, DossierEvent, DossierStep, Slip
from motcua.dossiers.selectors import is_handover_late, is_overdue, is_waiting_for_supplement
from motcua.dossiers.services import available_actions, supplement_spent

# Every text is bounded by its model column (core.validation.max_length) and refused when it
# carries a NUL, another control character or a lone surrogate; numbers and dates are bounded
# too (issue 9 item 7). The services check the same bounds for the HTML forms and imports.
_NAME = max_length(Dossier, "applicant_name")
_ID = max_length(Dossier, "applicant_id_number")
_ADDRESS = max_length(Dossier, "applicant_address")
_PHONE = max_length(Dossier, "applicant_phone")
_NOTE = max_length(Dossier, "authorisation_note")
_REQUEST = max_length(Dossier, "request_summary")
_PROCEDURE = max_length(Procedure, "code")
_DOCUMENT_NAME = max_length(Document, "name")


def _key_field() -> Any:
    return Field(
        "",
        max_length=MAX_IDEMPOTENCY_KEY,
        description="Repeat a request with the same key and the same body to get the same record back; "
        "the same key with another body is refused (409 idempotency_key_reused). At most 80 characters.",
    )


class ApplicantIn(Schema):
    kind: ApplicantKind = Field(ApplicantKind.PERSON, description="person | organisation")
    name: SafeStr = Field(..., max_length=_NAME)
    id_number: SafeStr = Field(..., max_length=_ID, description="12-digit personal ID, or tax code for an organisation")
    birth_date: date | None = None
    male: bool | None = None
    address: SafeStr = Field("", max_length=_ADDRESS)
    phone: SafeStr = Field("", max_length=_PHONE)
    email: Email = ""


class DocumentIn(Schema):
    name: SafeStr = Field(..., max_length=_DOCUMENT_NAME)
    content_base64: str | None = Field(
        None,
        max_length=MAX_BASE64_LENGTH,
        description="PDF, JPEG or PNG, base64-encoded. The JSON body is limited to the server's upload size: "
        "send large scans with the multipart endpoint (at most 10 MB a file)",
    )
    filename: SafeStr = Field("", max_length=255)
    procedure_document_id: int | None = Field(None, ge=1, le=2**63 - 1)
    reuse_document_id: int | None = Field(None, ge=1, le=2**63 - 1)


class IntakeIn(Schema):
    procedure_code: SafeStr = Field(..., max_length=_PROCEDURE)
    applicant: ApplicantIn
    channel: Channel = Channel.IN_PERSON
    result_delivery: ResultDelivery = Field(ResultDelivery.IN_PERSON, description="in_person, postal or online")
    documents: list[DocumentIn] = Field([], max_length=MAX_DOCUMENTS)
    representative_name: SafeStr = Field("", max_length=_NAME)
    representative_id_number: SafeStr = Field("", max_length=_ID)
    authorisation_note: SafeStr = Field("", max_length=_NOTE)
    request_summary: SafeStr = Field("", max_length=_REQUEST)
    sets_count: int = Field(1, ge=1, le=50)
    fee_amount: Fee = 0
    fee_paid: bool = False
    deciding_agency_id: int | None = Field(None, ge=1, le=2**63 - 1)
    idempotency_key: SafeStr = _key_field()
    online: bool = False
    time_limit_value: Decimal | None = Field(
        None,
        le=MAX_TIME_LIMIT,
        max_digits=8,
        decimal_places=2,
        description="Only when the procedure has no time limit in the catalogue (RULES.md §1.6): the officer's limit",
    )
    time_limit_unit: TimeUnit | None = Field(None, description="Unit of time_limit_value")
    time_limit_reason: SafeStr = Field("", max_length=500, description="Required with time_limit_value: why this limit")


class VisitApplicantIn(Schema):
    kind: ApplicantKind = ApplicantKind.PERSON
    name: SafeStr = Field(..., max_length=_NAME)
    id_number: SafeStr = Field("", max_length=_ID, description="12-digit personal ID or tax code, if the applicant has one")
    address: SafeStr = Field("", max_length=_ADDRESS)
    phone: SafeStr = Field("", max_length=_PHONE)
    email: Email = ""


class VisitIn(Schema):
    """A counter check that ends without a receipt: guided (BM.02) or refused (BM.03)."""

    outcome: VisitOutcome
    procedure_code: SafeStr = Field(..., max_length=_PROCEDURE)
    applicant: VisitApplicantIn
    reason: SafeStr = Field(
        ..., max_length=MAX_REASON_LENGTH, description="The supplement's reason, or the specific reasons for refusing"
    )
    items: list[ItemText] = Field([], max_length=MAX_ITEMS, description="Guided: every missing or incorrect item")
    representative_name: SafeStr = Field("", max_length=_NAME)
    request_summary: SafeStr = Field("", max_length=_REQUEST)
    idempotency_key: SafeStr = _key_field()


class VisitSlipOut(Schema):
    form: str
    number: str
    issued_at: datetime


class VisitOut(Schema):
    id: int
    outcome: VisitOutcome
    outcome_label: str
    procedure_code: str
    procedure_name: str
    receiving_agency: str
    applicant_kind: str
    applicant_name: str
    applicant_id_number: str
    applicant_address: str
    applicant_phone: str
    applicant_email: str
    representative_name: str
    request_summary: str
    items: list[str]
    reason: str
    officer: str
    at: datetime
    slip: VisitSlipOut | None
    dossier_code: str | None = Field(None, description="Set once the dossier was received from this visit")

    # Read from the CounterVisit's attributes (issue 9 item 14); these are the derived ones.
    @staticmethod
    def resolve_outcome_label(obj: CounterVisit) -> str:
        return str(VisitOutcome(obj.outcome).label)

    @staticmethod
    def resolve_procedure_code(obj: CounterVisit) -> str:
        return obj.procedure.code

    @staticmethod
    def resolve_procedure_name(obj: CounterVisit) -> str:
        return obj.procedure.name

    @staticmethod
    def resolve_receiving_agency(obj: CounterVisit) -> str:
        return obj.receiving_agency.name

    @staticmethod
    def resolve_items(obj: CounterVisit) -> list[str]:
        return list(obj.items)

    @staticmethod
    def resolve_officer(obj: CounterVisit) -> str:
        return obj.officer.get_username() if obj.officer else ""

    @staticmethod
    def resolve_slip(obj: CounterVisit) -> Slip | None:
        return next(iter(obj.slips.all()), None)

    @staticmethod
    def resolve_dossier_code(obj: CounterVisit) -> str | None:
        return obj.dossier.code if obj.dossier else None


class VisitStatsOut(Schema):
    received: int
    guided: int
    refused: int


class ActionIn(Schema):
    reason: SafeStr = Field("", max_length=MAX_REASON_LENGTH)
    items: list[ItemText] = Field([], max_length=MAX_ITEMS)
    agency_id: int | None = Field(None, ge=1, le=2**63 - 1)
    receiver_id: int | None = Field(None, ge=1, le=2**63 - 1)
    step_days: StepDays = Field(None, description="transfer: the step's own time in working days (more than 0, at most 365)")
    new_due_at: BoundedDatetime = Field(None, description="apologize: the new return date, with its time zone")
    fee_amount: Fee | None = None
    result_summary: SafeStr = Field("", max_length=MAX_RESULT_LENGTH)
    proposal: Proposal = Field(Proposal.APPROVE, description="propose (trình ký): approve or reject, proposed to the leader")
    documents: list[DocumentIn] = Field([], max_length=MAX_DOCUMENTS)
    override: bool = Field(
        False, description="request_supplement a second time: a leader's override of the one-request rule (Decree 118 Art. 11(2))"
    )
    override_reason: SafeStr = Field(
        "", max_length=MAX_REASON_LENGTH, description="The written reason for the override (required with override)"
    )


class EventOut(Schema):
    seq: int
    action: str
    from_status: str
    to_status: str
    at: datetime
    actor: str
    reason: str
    payload: dict[str, object]

    @staticmethod
    def resolve_actor(obj: DossierEvent) -> str:
        return obj.actor_label


class StepOut(Schema):
    position: int
    agency: str
    started_at: datetime
    due_at: datetime
    completed_at: datetime | None
    status: str
    timeliness: str
    handed_over_by: str
    received_by: str
    note: str

    @staticmethod
    def resolve_agency(obj: DossierStep) -> str:
        return obj.agency.name

    @staticmethod
    def resolve_handed_over_by(obj: DossierStep) -> str:
        return obj.handed_over_by.get_username() if obj.handed_over_by else ""

    @staticmethod
    def resolve_received_by(obj: DossierStep) -> str:
        return obj.received_by.get_username() if obj.received_by else ""


class DossierDocumentOut(Schema):
    id: int
    name: str
    content_type: str
    size: int
    digitized: bool
    reusable: bool
    reused: bool
    is_result: bool


class DocumentFileOut(Schema):
    """A document of the dossier with its scan's metadata (``GET /dossiers/{code}/documents``)."""

    id: int
    position: int
    name: str
    submitted: bool
    digitized: bool
    reusable: bool
    reused: bool
    is_result: bool
    scanned: bool = Field(description="A scan is stored; `url` gives its bytes")
    content_type: str = Field(description="application/pdf, image/jpeg or image/png; empty when not scanned")
    size: int = Field(description="Bytes of the scan (0 when not scanned)")
    sha256: str = Field(description="SHA-256 of the scan, hex; empty when not scanned")
    uploaded_at: datetime
    url: str | None = Field(description="GET the scan's bytes here (an audited read); null when not scanned")

    @staticmethod
    def resolve_scanned(obj: Document) -> bool:
        return bool(obj.file)

    @staticmethod
    def resolve_url(obj: Document) -> str | None:
        from django.urls import reverse

        if not obj.file:
            return None
        return reverse("api:dossier_document_content", kwargs={"code": obj.dossier.code, "doc_id": obj.pk})


class ClockChangeOut(Schema):
    kind: str
    at: datetime
    old_due_at: datetime | None
    new_due_at: datetime | None
    reason: str  # the explanation in the request's language (``ClockChange.explanation``)
    reason_code: str  # a ClockReason value, or "" for a reason a person typed
    reason_params: dict[str, Any]

    @staticmethod
    def resolve_reason(obj: Any) -> str:
        return str(obj.explanation)


class SlipOut(Schema):
    form: str
    number: str
    issued_at: datetime


class DossierSummaryOut(Schema):
    code: str
    status: str
    status_label: str
    procedure_code: str
    procedure_name: str
    applicant_name: str
    received_at: datetime | None
    due_at: datetime | None
    timeliness: str
    overdue: bool
    waiting_for_supplement: bool = Field(description="Waiting for the applicant (chờ bổ sung): never overdue")
    remaining_at_pause: Decimal | None = Field(description="Working days left when the supplement request stopped the clock")
    handover_due_at: datetime | None = Field(description="The desk's deadline to hand the dossier to the competent agency")
    handover_late: bool = Field(description="Received, not yet handed over, and past the hand-over deadline (chuyển muộn)")

    # Read from the Dossier's attributes (issue 9 item 14); these are the derived ones.
    @staticmethod
    def resolve_status_label(obj: Dossier) -> str:
        return str(DossierStatus(obj.status).label)

    @staticmethod
    def resolve_procedure_code(obj: Dossier) -> str:
        return obj.procedure.code

    @staticmethod
    def resolve_procedure_name(obj: Dossier) -> str:
        return obj.procedure.name

    @staticmethod
    def resolve_overdue(obj: Dossier) -> bool:
        return is_overdue(obj)

    @staticmethod
    def resolve_waiting_for_supplement(obj: Dossier) -> bool:
        return is_waiting_for_supplement(obj)

    @staticmethod
    def resolve_handover_late(obj: Dossier) -> bool:
        return is_handover_late(obj)


class DossierOut(DossierSummaryOut):
    submission_ref: str = Field("", description="TN-YYMMDD-NNNNNN of an online submission (its code comes at receipt)")
    channel: str
    result_delivery: str
    applicant_kind: str
    applicant_id_number: str
    applicant_address: str
    applicant_phone: str
    applicant_email: str
    representative_name: str
    receiving_agency: str
    deciding_agency: str
    original_due_at: datetime | None
    finished_at: datetime | None
    returned_at: datetime | None
    fee_amount: int
    fee_paid: bool
    supplement_count: int
    supplement_spent: bool = Field(description="The one supplement request is used: a further one needs a leader's override")
    extension_used: bool
    result_summary: str
    events: list[EventOut]
    steps: list[StepOut]
    documents: list[DossierDocumentOut]
    clock: list[ClockChangeOut]
    slips: list[SlipOut]
    rated: bool
    allowed_actions: list[str]

    @staticmethod
    def resolve_receiving_agency(obj: Dossier) -> str:
        return obj.receiving_agency.name

    @staticmethod
    def resolve_deciding_agency(obj: Dossier) -> str:
        return obj.deciding_agency.name

    @staticmethod
    def resolve_supplement_spent(obj: Dossier) -> bool:
        return supplement_spent(obj)

    @staticmethod
    def resolve_events(obj: Dossier) -> Any:
        return obj.events.all()

    @staticmethod
    def resolve_steps(obj: Dossier) -> Any:
        return obj.steps.all()

    @staticmethod
    def resolve_documents(obj: Dossier) -> Any:
        return obj.documents.all()

    @staticmethod
    def resolve_clock(obj: Dossier) -> Any:
        return obj.clock_changes.all()

    @staticmethod
    def resolve_slips(obj: Dossier) -> Any:
        return obj.slips.all()

    @staticmethod
    def resolve_allowed_actions(obj: Dossier, context: dict[str, Any]) -> list[str]:
        return [a.value for a in available_actions(context["request"].user, obj)]


class DossierPage(Schema):
    count: int = Field(description="Rows in the queue, counted up to 1,000")
    more: bool = Field(False, description="True when the queue has more than `count` rows")
    items: list[DossierSummaryOut]


class PublicEventOut(Schema):
    action: str = Field(description="The workflow action (receive, transfer, request_supplement, mark_ready, return_result, …)")
    on: date = Field(description="The local day (Asia/Ho_Chi_Minh)")
    label: str = Field(description="What happened, in the reader's language (no officer, no personal data)")


class LookupOut(Schema):
    code: str
    procedure_name: str
    status: str
    status_label: str
    received_at: datetime | None
    due_at: datetime | None = Field(description="The appointment; null once the dossier is refused or stopped")
    ended_without_result: bool = Field(False, description="Refused or stopped: no result will be issued")
    returned_at: datetime | None
    timeliness: str
    waiting_for_supplement: bool = Field(description="Waiting for the applicant's supplement (chờ bổ sung): the clock is stopped")
    remaining_days: Decimal | None = Field(description="Working days left when the clock stopped for the supplement")
    overdue: bool
    missing_items: list[str]
    receiving_agency: str
    can_rate: bool
    rating_url: str
    timeline: list[PublicEventOut] = Field(description="The public timeline of the dossier, oldest first")


class ErrorOut(Schema):
    code: str
    message: str
    fields: dict[str, str] | None = None
