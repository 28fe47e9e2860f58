"""API schemas of the catalogue."""

from __future__ import annotations

from datetime import date, datetime, time

from ninja import Field, Schema


class SectorOut(Schema):
    slug: str
    name: str


class DurationOut(Schema):
    value: float | None
    unit: str | None  # working_day, calendar_day, working_hour, hour
    text: str  # as published on the portal
    display: str  # in words, in the request's language
    assumed: bool  # the unit was inferred: the published time had none


class ProcedureListItem(Schema):
    code: str
    name: str
    sector: SectorOut
    lead_time: DurationOut
    channels: list[str]  # in_person, online, postal


class ProcedureListOut(Schema):
    count: int
    items: list[ProcedureListItem]


class AgenciesOut(Schema):
    competent: list[str]
    implementing: list[str]
    coordinating: list[str]


class ChannelOut(Schema):
    channel: str
    time: DurationOut
    fee_text: str
    note: str


class FeeOut(Schema):
    channel: str | None  # None: every channel
    is_free: bool
    amount_vnd: int | None
    amount_text: str
    description: str
    decided_by_province: bool


class DocumentOut(Schema):
    number: int
    group: str
    name: str
    form_template: str
    quantity_text: str
    originals: int
    copies: int
    note: str = Field("", description="What the catalogue says beyond the document (alternatives, explanations)")
    conditional: bool = Field(False, description="Needed only in some cases (the name or note says which)")


class LegalBasisOut(Schema):
    number: str
    title: str


class ProcedureOut(Schema):
    code: str
    name: str
    url: str
    sector: SectorOut
    implementing_level: str
    levels: list[str]  # ministry, province, commune, other
    procedure_type: str
    decision_no: str
    subjects: str
    agencies: AgenciesOut
    receiving_address: str
    lead_time: DurationOut
    service_norm: DurationOut | None
    receipt_cutoff: time | None  # None: the default cut-off applies
    receipt_cutoff_effective: str  # HH:MM
    online_level: str
    channels: list[ChannelOut]
    fees: list[FeeOut]
    documents: list[DocumentOut]
    documents_note: str
    legal_basis: list[LegalBasisOut]
    steps: str
    requirements: str
    result: str
    source_url: str
    version: int
    valid_from: date | None
    valid_to: date | None
    updated_at: datetime
