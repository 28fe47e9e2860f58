"""Typed API schemas of the vessel registry."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.utils import timezone
from ninja import Field, Schema

from motcua.registries.common.choices import ChangeAction, ImportStatus
from motcua.registries.vessels.choices import Flag, Gear, HullMaterial, NumberKind, SizeClass, VesselStatus, Zone


class VesselRowOut(Schema):
    id: int
    registration_number: str
    commune_number: str
    number_kind: NumberKind
    name: str
    owner_name: str
    hamlet: str
    max_length_m: Decimal
    size_class: SizeClass
    gear: Gear | None = None
    licence_expires_on: date | None
    inspection_expires_on: date | None
    status: VesselStatus

    @staticmethod
    def resolve_gear(obj: Any) -> str | None:
        return obj.gear or None


class NeedsOut(Schema):
    registration: bool
    inspection: bool
    licence: bool
    vms: bool
    zone: Zone


class VesselOut(VesselRowOut):
    owner_personal_id: str
    owner_linked: bool
    owner_address: str
    registered_on: date | None
    engine_power_kw: Decimal | None
    hull_material: HullMaterial | None = None
    year_built: int | None
    place_built: str
    design_code: str
    inspection_book_number: str
    safety_certificate_number: str
    inspected_on: date | None
    licence_number: str
    licence_issued_on: date | None
    zone: Zone | None = None
    registered_port: str
    vms_installed: bool
    vms_last_signal_at: datetime | None
    catch_log_last_on: date | None
    transferred_out_on: date | None
    transfer_destination: str
    deleted_on: date | None
    needs: NeedsOut
    flags: list[Flag]

    @staticmethod
    def resolve_owner_linked(obj: Any) -> bool:
        return obj.owner_citizen_id is not None

    @staticmethod
    def resolve_hull_material(obj: Any) -> str | None:
        return obj.hull_material or None

    @staticmethod
    def resolve_zone(obj: Any) -> str | None:
        return obj.zone or None

    @staticmethod
    def resolve_needs(obj: Any) -> dict[str, Any]:
        needs = obj.needs
        return {
            "registration": needs.registration,
            "inspection": needs.inspection,
            "licence": needs.licence,
            "vms": needs.vms,
            "zone": needs.zone,
        }

    @staticmethod
    def resolve_flags(obj: Any) -> list[str]:
        now = timezone.now()
        return list(obj.flags(timezone.localdate(now), now))


class ChangeOut(Schema):
    at: datetime
    actor: str = Field(..., alias="actor_label")
    action: ChangeAction
    field: str
    old: str
    new: str


class RowErrorOut(Schema):
    row: int = Field(..., description="The spreadsheet's row number (0: the whole file)")
    column: str
    message: str


class ImportJobOut(Schema):
    id: int
    registry: str
    filename: str
    status: ImportStatus
    total_rows: int
    processed_rows: int
    percent: int
    created_count: int
    updated_count: int
    unchanged_count: int
    errors: list[RowErrorOut]
    created_at: datetime
    finished_at: datetime | None
