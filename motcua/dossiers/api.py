"""Dossiers JSON API: thin adapters over services and selectors."""

from __future__ import annotations

import base64
import binascii
from typing import Any

from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Router, Status
from ninja.security import django_auth

from motcua.core.apikeys import ApiKeyAuth
from motcua.core.exceptions import DomainError
from motcua.dossiers.choices import ApplicantKind, Channel, DossierAction, DossierStatus, SlipForm
from motcua.dossiers.models import Dossier
from motcua.dossiers.public import lookup_payload, lookup_throttle
from motcua.dossiers.schemas import ActionIn, DossierOut, DossierPage, ErrorOut, IntakeIn, LookupOut
from motcua.dossiers.selectors import QueueFilter, dossier_detail, dossier_lookup, dossier_queue, is_overdue, queue_count
from motcua.dossiers.services import (
    ActionInput,
    ApplicantInput,
    DocumentInput,
    IntakeInput,
    available_actions,
    dossier_act,
    dossier_receive,
)

router = Router(tags=["dossiers"], auth=[ApiKeyAuth(), django_auth])
public_router = Router(tags=["look-up"])
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def _documents(items: list[Any]) -> list[DocumentInput]:
    documents = []
    for index, item in enumerate(items):
        content = None
        if item.content_base64:
            try:
                content = base64.b64decode(item.content_base64, validate=True)
            except (binascii.Error, ValueError) as exc:
                raise DomainError(
                    "invalid_dossier",
                    _("The dossier has errors. Correct the fields listed."),
                    fields={f"documents.{index}.content_base64": _("Not valid base64.")},
                ) from exc
        documents.append(DocumentInput(**item.model_dump(exclude={"content_base64"}), content=content))
    return documents


def summary(dossier: Dossier) -> dict[str, Any]:
    return {
        "code": dossier.code,
        "status": dossier.status,
        "status_label": str(DossierStatus(dossier.status).label),
        "procedure_code": dossier.procedure.code,
        "procedure_name": dossier.procedure.name,
        "applicant_name": dossier.applicant_name,
        "received_at": dossier.received_at,
        "due_at": dossier.due_at,
        "timeliness": dossier.timeliness,
        "overdue": is_overdue(dossier),
    }


def detail(dossier: Dossier, user: User) -> dict[str, Any]:
    return {
        **summary(dossier),
        "submission_ref": dossier.submission_ref,
        "channel": dossier.channel,
        "result_delivery": dossier.result_delivery,
        "applicant_kind": dossier.applicant_kind,
        "applicant_id_number": dossier.applicant_id_number,
        "applicant_address": dossier.applicant_address,
        "applicant_phone": dossier.applicant_phone,
        "applicant_email": dossier.applicant_email,
        "representative_name": dossier.representative_name,
        "receiving_agency": dossier.receiving_agency.name,
        "deciding_agency": dossier.deciding_agency.name,
        "original_due_at": dossier.original_due_at,
        "finished_at": dossier.finished_at,
        "returned_at": dossier.returned_at,
        "fee_amount": dossier.fee_amount,
        "fee_paid": dossier.fee_paid,
        "supplement_count": dossier.supplement_count,
        "extension_used": dossier.extension_used,
        "result_summary": dossier.result_summary,
        "events": [
            {
                "seq": e.seq,
                "action": e.action,
                "from_status": e.from_status,
                "to_status": e.to_status,
                "at": e.at,
                "actor": e.actor_label,
                "reason": e.reason,
                "payload": e.payload,
            }
            for e in dossier.events.all()
        ],
        "steps": [
            {
                "position": s.position,
                "agency": s.agency.name,
                "started_at": s.started_at,
                "due_at": s.due_at,
                "completed_at": s.completed_at,
                "status": s.status,
                "timeliness": s.timeliness,
                "handed_over_by": s.handed_over_by.get_username() if s.handed_over_by else "",
                "received_by": s.received_by.get_username() if s.received_by else "",
                "note": s.note,
            }
            for s in dossier.steps.all()
        ],
        "documents": [
            {
                "id": d.pk,
                "name": d.name,
                "content_type": d.content_type,
                "size": d.size,
                "digitized": d.digitized,
                "reusable": d.reusable,
                "reused": d.reused,
                "is_result": d.is_result,
            }
            for d in dossier.documents.all()
        ],
        "clock": [
            {"kind": c.kind, "at": c.at, "old_due_at": c.old_due_at, "new_due_at": c.new_due_at, "reason": c.reason}
            for c in dossier.clock_changes.all()
        ],
        "slips": [{"form": s.form, "number": s.number, "issued_at": s.issued_at} for s in dossier.slips.all()],
        "rated": dossier.rated,
        "allowed_actions": [a.value for a in available_actions(user, dossier)],
    }


@router.post("", response={200: DossierOut, 201: DossierOut, **ERRORS}, summary="Receive a dossier (idempotent)")
def create_dossier(request: HttpRequest, payload: IntakeIn) -> Status[dict[str, Any]]:
    user = _user(request)
    key = payload.idempotency_key or request.headers.get("Idempotency-Key", "")
    if payload.channel not in Channel.values:
        raise DomainError(
            "invalid_dossier", _("The dossier has errors. Correct the fields listed."), fields={"channel": _("Not valid.")}
        )
    if payload.applicant.kind not in ApplicantKind.values:
        raise DomainError(
            "invalid_dossier", _("The dossier has errors. Correct the fields listed."), fields={"applicant.kind": _("Not valid.")}
        )
    # The schemas carry the service inputs' field names; only the typed and decoded ones differ.
    applicant = payload.applicant.model_dump()
    intake = IntakeInput(
        **payload.model_dump(exclude={"applicant", "documents", "channel", "idempotency_key", "online"}),
        applicant=ApplicantInput(**{**applicant, "kind": ApplicantKind(applicant["kind"])}),
        channel=Channel(payload.channel),
        documents=_documents(payload.documents),
        idempotency_key=key,
    )
    result = dossier_receive(actor=user, intake=intake, online=payload.online)
    return Status(201 if result.created else 200, detail(dossier_detail(user=user, code=result.dossier.code), user))


@router.get("", response={200: DossierPage, **ERRORS}, summary="Dossiers in my scope (queues)")
def list_dossiers(
    request: HttpRequest,
    mine: bool = False,
    overdue: bool = False,
    due_within_days: int | None = None,
    status: str | None = None,
    q: str = "",
    limit: int = 50,
    offset: int = 0,
) -> dict[str, Any]:
    user = _user(request)
    if status is not None and status not in DossierStatus.values:
        raise DomainError("invalid_input", _("Unknown status."), status_code=422, fields={"status": _("Not valid.")})
    flt = QueueFilter(
        mine=mine, overdue=overdue, due_within_days=due_within_days, status=DossierStatus(status) if status else None, q=q
    )
    qs = dossier_queue(user=user, flt=flt)
    limit = max(1, min(limit, 200))
    count, more = queue_count(qs)
    return {"count": count, "more": more, "items": [summary(d) for d in qs[offset : offset + limit]]}


@router.get("/{code}", response={200: DossierOut, **ERRORS}, summary="One dossier: events, steps, documents, clock, rating")
def get_dossier(request: HttpRequest, code: str) -> dict[str, Any]:
    user = _user(request)
    return detail(dossier_detail(user=user, code=code), user)


@router.post("/{code}/actions/{action}", response={200: DossierOut, **ERRORS}, summary="Do a workflow action")
def act(request: HttpRequest, code: str, action: str, payload: ActionIn) -> dict[str, Any]:
    user = _user(request)
    if action not in DossierAction.values or action in (DossierAction.SUBMIT_ONLINE,):
        raise DomainError("unknown_action", _("Unknown action."), status_code=404)
    data = ActionInput(
        reason=payload.reason,
        items=payload.items,
        agency_id=payload.agency_id,
        receiver_id=payload.receiver_id,
        step_days=payload.step_days,
        new_due_at=payload.new_due_at,
        fee_amount=payload.fee_amount,
        result_summary=payload.result_summary,
        documents=_documents(payload.documents),
    )
    dossier = dossier_act(actor=user, code=code, action=DossierAction(action), data=data)
    return detail(dossier_detail(user=user, code=dossier.code), user)  # receipt gives an online submission its code


@router.get("/{code}/slips/{form}.pdf", response={200: None, **ERRORS}, summary="An official slip as PDF")
def slip_pdf(request: HttpRequest, code: str, form: str) -> HttpResponse:
    from motcua.dossiers.slips import render_slip_pdf

    user = _user(request)
    normalised = form.upper().replace(".", "")
    if normalised not in SlipForm.values or normalised == SlipForm.TRACKING_BOOK:
        raise DomainError("unknown_form", _("Unknown form."), status_code=404)
    dossier = dossier_detail(user=user, code=code)
    pdf = render_slip_pdf(dossier=dossier, form=SlipForm(normalised))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{code}-{normalised}.pdf"'
    return response


@public_router.get(
    "/{code}", response={200: LookupOut, 404: ErrorOut, 429: ErrorOut}, summary="Public look-up by code and check digits"
)
def lookup(request: HttpRequest, code: str, check: str) -> dict[str, Any]:
    """`check`: the last 4 digits of the applicant's ID number or phone."""
    lookup_throttle(request)
    return lookup_payload(dossier_lookup(code=code, check=check))
