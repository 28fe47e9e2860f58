from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from ninja import Field, Schema


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
    missing_items: list[str]
    receiving_agency: str
    can_rate: bool
    rating_url: str


class ErrorOut(Schema):
    code: str
    message: str
    fields: dict[str, str] | None = None
