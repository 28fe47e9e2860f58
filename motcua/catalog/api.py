"""Procedure catalogue API (public reference data)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from ninja import Query, Router

from motcua.catalog.filters import ProcedureFilter
from motcua.catalog.models import Procedure, format_duration
from motcua.catalog.schemas import ProcedureListOut, ProcedureOut
from motcua.catalog.selectors import channels_of, procedure_get, procedure_list
from motcua.core.schemas import ErrorOut

router = Router(tags=["procedures"])

MAX_LIMIT = 100


def _duration(value: Decimal | None, unit: str, text: str = "", assumed: bool = False) -> dict[str, Any]:
    return {
        "value": float(value) if value is not None else None,
        "unit": unit or None,
        "text": text,
        "display": format_duration(value, unit),
        "assumed": assumed,
    }


def _sector(procedure: Procedure) -> dict[str, str]:
    return {"slug": procedure.sector.slug, "name": procedure.sector.name}


@router.get("", response={200: ProcedureListOut, 422: ErrorOut}, summary="Search the procedure catalogue")
def list_procedures(
    request: HttpRequest,
    q: str = Query("", max_length=200),  # type: ignore[type-arg]  # ninja's Query() default
    sector: str = Query("", max_length=100),  # type: ignore[type-arg]  # ninja's Query() default
    limit: int = Query(20, ge=1, le=MAX_LIMIT),  # type: ignore[type-arg]  # ninja's Query() default
    # Bounded (issue 9 item 7): an offset past 2**63 reached SQLite as a non-integer (500).
    offset: int = Query(0, ge=0, le=1_000_000),  # type: ignore[type-arg]  # ninja's Query() default
) -> dict[str, Any]:
    """Published procedures whose code, name or sector contain every word of `q` (accents and
    case ignored, so "dang ky khai sinh" finds "Đăng ký khai sinh"), optionally in one sector
    (its slug). An exact code ranks first."""
    filters = ProcedureFilter.from_params({"q": q, "sector": sector})
    queryset = procedure_list(q=filters.q, sector=filters.sector)
    page = list(queryset[offset : offset + limit])
    channels = channels_of(page)
    return {
        "count": queryset.count(),
        "items": [
            {
                "code": p.code,
                "name": p.name,
                "sector": _sector(p),
                "lead_time": _duration(p.lead_time_value, p.lead_time_unit, p.lead_time_text, p.lead_time_assumed),
                "channels": [c.value for c in channels[p.pk]],
            }
            for p in page
        ],
    }


@router.get("/{code}", response={200: ProcedureOut, 404: ErrorOut}, summary="One procedure in full")
def get_procedure(request: HttpRequest, code: str) -> dict[str, Any]:
    """Everything published about one procedure: documents, fees, channels, legal basis,
    agencies, lead time, the unit's service norm and receipt cut-off, and the source."""
    p = procedure_get(code=code)
    levels = [
        name
        for flag, name in (
            (p.level_ministry, "ministry"),
            (p.level_province, "province"),
            (p.level_commune, "commune"),
            (p.level_other, "other"),
        )
        if flag
    ]
    return {
        "code": p.code,
        "name": p.name,
        "url": p.public_url,
        "sector": _sector(p),
        "implementing_level": p.implementing_level,
        "levels": levels,
        "procedure_type": p.procedure_type,
        "decision_no": p.decision_no,
        "subjects": p.subjects,
        "agencies": {
            "competent": p.competent_agencies,
            "implementing": p.implementing_agencies,
            "coordinating": p.coordinating_agencies,
        },
        "receiving_address": p.receiving_address,
        "lead_time": _duration(p.lead_time_value, p.lead_time_unit, p.lead_time_text, p.lead_time_assumed),
        "service_norm": _duration(p.service_norm_value, p.service_norm_unit) if p.service_norm_value is not None else None,
        "receipt_cutoff": p.receipt_cutoff,
        "receipt_cutoff_effective": p.receipt_cutoff.strftime("%H:%M") if p.receipt_cutoff else settings.MOTCUA_RECEIPT_CUTOFF,
        "online_level": p.online_level,
        "channels": [
            {
                "channel": c.channel,
                "time": _duration(c.time_value, c.time_unit, c.time_text, c.time_assumed),
                "fee_text": c.fee_text,
                "note": c.note,
            }
            for c in p.channels.all()
        ],
        "fees": [
            {
                "channel": f.channel or None,
                "is_free": f.is_free,
                "amount_vnd": f.amount_vnd,
                "amount_text": f.amount_text,
                "description": f.description,
                "decided_by_province": f.decided_by_province,
            }
            for f in p.fees.all()
        ],
        "documents": [
            {
                "number": d.position,
                "group": d.group,
                "name": d.name,
                "form_template": d.form_template,
                "quantity_text": d.quantity_text,
                "originals": d.originals,
                "copies": d.copies,
                "note": d.note,
                "conditional": d.conditional,
            }
            for d in p.documents.all()
        ],
        "documents_note": p.documents_note,
        "legal_basis": [{"number": lb.number, "title": lb.title} for lb in p.legal_bases.all()],
        "steps": p.steps,
        "requirements": p.requirements,
        "result": p.result,
        "source_url": p.source_url,
        "version": p.version,
        "valid_from": p.valid_from,
        "valid_to": p.valid_to,
        "updated_at": p.updated_at,
    }
