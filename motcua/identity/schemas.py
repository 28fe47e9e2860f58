from __future__ import annotations

from datetime import date

from ninja import Schema


class QrTextIn(Schema):
    text: str


class CardOut(Schema):
    personal_id: str
    old_id: str | None
    full_name: str
    birth_date: date
    sex: str
    address: str
    address_parts: list[str]
    address_has_district: bool
    issue_date: date
    expiry_date: date | None


class LookupIn(Schema):
    personal_id: str
    purpose: str
    dossier_ref: str = ""


class AddressOut(Schema):
    kind: str
    text: str
    unit_code: str | None
    valid_from: date | None
    valid_to: date | None
    current: bool


class ProfileOut(Schema):
    link: str
    personal_id: str
    full_name: str
    birth_date: date
    sex: str
    phone: str
    email: str
    permanent_address: str
    current_address: str
    extras: dict[str, dict[str, object]]


class ConsentIn(Schema):
    consent_purpose: str
    evidence: str


class ConsentOut(Schema):
    consent_purpose: str
    given_at: str
    templates_deleted: int = 0


class FaceMatchOut(Schema):
    matched: bool
    link: str | None = None
    personal_id: str | None = None
    full_name: str | None = None
    distance: float | None = None
    threshold: float
    scope: str
    liveness: str


class TemplateOut(Schema):
    template_id: int
    link: str
    unit_code: str
