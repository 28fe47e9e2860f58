from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from ninja import Field, Schema

from motcua.catalog.choices import TimeUnit
from motcua.dossiers.choices import ApplicantKind, VisitOutcome


class ApplicantIn(Schema):
    kind: str = Field("person", description="person | organisation")
    name: str
    id_number: str = Field(..., description="12-digit personal ID, or tax code for an organisation")
    birth_date: date | None = None
    male: bool | None = None
    address: str = ""
    phone: str = ""
    email: str = ""


class DocumentIn(Schema):
    name: str
    content_base64: str | None = Field(None, description="PDF, JPEG or PNG, base64-encoded")
    filename: str = ""
    procedure_document_id: int | None = None
    reuse_document_id: int | None = None


class IntakeIn(Schema):
    procedure_code: str
    applicant: ApplicantIn
    channel: str = "in_person"
    result_delivery: str = Field("in_person", description="in_person, postal or online")
    documents: list[DocumentIn] = []
    representative_name: str = ""
    representative_id_number: str = ""
    authorisation_note: str = ""
    request_summary: str = ""
    sets_count: int = 1
    fee_amount: int = 0
    fee_paid: bool = False
    deciding_agency_id: int | None = None
    idempotency_key: str = Field("", description="Repeat a request with the same key to get the same dossier back")
    online: bool = False
    time_limit_value: Decimal | None = Field(
        None, description="Only when the procedure has no time limit in the catalogue (RULES.md §1.6): the officer's limit"
    )
    time_limit_unit: TimeUnit | None = Field(None, description="Unit of time_limit_value")
    time_limit_reason: str = Field("", description="Required with time_limit_value: why this limit")


class VisitApplicantIn(Schema):
    kind: ApplicantKind = ApplicantKind.PERSON
    name: str
    id_number: str = Field("", description="12-digit personal ID or tax code, if the applicant has one")
    address: str = ""
    phone: str = ""
    email: str = ""


class VisitIn(Schema):
    """A counter check that ends without a receipt: guided (BM.02) or refused (BM.03)."""

    outcome: VisitOutcome
    procedure_code: str
    applicant: VisitApplicantIn
    reason: str = Field(..., description="The supplement's reason, or the specific reasons for refusing")
    items: list[str] = Field([], description="Guided: every missing or incorrect item")
    representative_name: str = ""
    request_summary: str = ""
    idempotency_key: str = Field("", description="Repeat a request with the same key to get the same visit back")


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


class VisitStatsOut(Schema):
    received: int
    guided: int
    refused: int


class ActionIn(Schema):
    reason: str = ""
    items: list[str] = []
    agency_id: int | None = None
    receiver_id: int | None = None
    step_days: Decimal | None = None
    new_due_at: datetime | None = None
    fee_amount: int | None = None
    result_summary: str = ""
    documents: list[DocumentIn] = []
    override: bool = Field(
        False, description="request_supplement a second time: a leader's override of the one-request rule (Decree 118 Art. 11(2))"
    )
    override_reason: str = Field("", description="The written reason for the override (required with override)")


class EventOut(Schema):
    seq: int
    action: str
    from_status: str
    to_status: str
    at: datetime
    actor: str
    reason: str
    payload: dict[str, object]


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


class DocumentOut(Schema):
    id: int
    name: str
    content_type: str
    size: int
    digitized: bool
    reusable: bool
    reused: bool
    is_result: bool


class ClockChangeOut(Schema):
    kind: str
    at: datetime
    old_due_at: datetime | None
    new_due_at: datetime | None
    reason: str


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
    documents: list[DocumentOut]
    clock: list[ClockChangeOut]
    slips: list[SlipOut]
    rated: bool
    allowed_actions: list[str]


class DossierPage(Schema):
    count: int = Field(description="Rows in the queue, counted up to 1,000")
    more: bool = Field(False, description="True when the queue has more than `count` rows")
    items: list[DossierSummaryOut]


class LookupOut(Schema):
    code: str
    procedure_name: str
    status: str
    status_label: str
    received_at: datetime | None
    due_at: datetime | None
    returned_at: datetime | None
    timeliness: str
    waiting_for_supplement: bool = Field(description="Waiting for the applicant's supplement (chờ bổ sung): the clock is stopped")
    remaining_days: Decimal | None = Field(description="Working days left when the clock stopped for the supplement")
    overdue: bool
    missing_items: list[str]
    receiving_agency: str
    can_rate: bool
    rating_url: str


class ErrorOut(Schema):
    code: str
    message: str
    fields: dict[str, str] | None = None
