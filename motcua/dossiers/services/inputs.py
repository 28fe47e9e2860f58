"""Inputs of the dossier services: intake, counter visits and workflow actions."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from motcua.dossiers.choices import (
    ApplicantKind,
    Channel,
    Proposal,
    ResultDelivery,
    VisitOutcome,
)
from motcua.dossiers.models import CounterVisit, Dossier


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
    # None: the service decides (fees taken at the counter are collected there, Decree 118 Art. 24).
    fee_paid: bool | None = None
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


@dataclass
class ActionInput:
    reason: str = ""
    items: list[str] = field(default_factory=list)  # supplement: what is missing
    agency_id: int | None = None  # transfer: the agency that takes the next step
    receiver_id: int | None = None  # transfer: the person who takes it, if known
    step_days: Decimal | None = None  # transfer: the step's own time (working days)
    new_due_at: datetime | None = None  # apologize
    fee_amount: int | None = None  # request_fees
    result_summary: str = ""  # approve / reject; propose: the draft result
    proposal: Proposal = Proposal.APPROVE  # propose (trình ký): what the specialist proposes
    documents: list[DocumentInput] = field(default_factory=list)  # supplement / result files
    # request_supplement a second time: a leader's override of the one-request rule, with its
    # written reason (Decree 118 Art. 11(2); RULES.md §1.4 row 3b)
    override: bool = False
    override_reason: str = ""
    # refuse / stop / reject end the dossier: the page sends the person's ticked confirmation
    # (False when not ticked, and the service refuses); a programmatic caller confirms by calling.
    confirm: bool = True


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
