"""Dossiers JSON API: thin adapters over services and selectors."""

from __future__ import annotations

import base64
import binascii
from typing import Annotated, Any, Literal

from django.contrib.auth.models import User
from django.http import FileResponse, HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import File, Form, Query, Router, Status
from ninja.errors import ValidationError
from ninja.files import UploadedFile
from ninja.security import django_auth
from pydantic import ValidationError as PydanticValidationError

from motcua.core.apikeys import ApiKeyAuth
from motcua.core.exceptions import DomainError
from motcua.core.validation import MAX_DOCUMENTS, InRangeDatetime
from motcua.dossiers.choices import Channel, DocumentRead, DossierAction, DossierStatus, SlipForm
from motcua.dossiers.exceptions import DossierErrorCode
from motcua.dossiers.filters import DossierFilter
from motcua.dossiers.models import CounterVisit, Document, Dossier
from motcua.dossiers.public import lookup_payload, lookup_throttle
from motcua.dossiers.scans import document_response
from motcua.dossiers.schemas import (
    ActionIn,
    DocumentFileOut,
    DossierOut,
    DossierPage,
    ErrorOut,
    IntakeIn,
    LookupOut,
    VisitIn,
    VisitOut,
    VisitStatsOut,
)
from motcua.dossiers.selectors import (
    QueueFilter,
    counter_stats,
    counter_visit_get,
    document_content,
    dossier_detail,
    dossier_documents,
    dossier_list,
    dossier_lookup,
    queue_count,
)
from motcua.dossiers.services import (
    MAX_UPLOAD_BYTES,
    ActionInput,
    ApplicantInput,
    DocumentInput,
    IntakeInput,
    VisitInput,
    counter_visit_receive,
    counter_visit_record,
    dossier_act,
    dossier_receive,
)
from motcua.dossiers.validation import idempotency_key

router = Router(tags=["dossiers"], auth=[ApiKeyAuth(), django_auth])
visits_router = Router(tags=["counter visits"], auth=[ApiKeyAuth(), django_auth])
public_router = Router(tags=["look-up"])
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def _idempotency_key(request: HttpRequest, key: str) -> str:
    """The body's key, else the ``Idempotency-Key`` header; too long is refused, never cut."""
    return idempotency_key(key or request.headers.get("Idempotency-Key", ""))


def _intake_input(request: HttpRequest, payload: IntakeIn) -> IntakeInput:
    # The schemas carry the service inputs' field names and types (enums included); only the
    # decoded documents and the key (body or header) differ.
    return IntakeInput(
        **payload.model_dump(exclude={"applicant", "documents", "idempotency_key", "online", "time_limit_unit"}),
        applicant=ApplicantInput(**payload.applicant.model_dump()),
        documents=_documents(payload.documents),
        idempotency_key=_idempotency_key(request, payload.idempotency_key),
        time_limit_unit=payload.time_limit_unit.value if payload.time_limit_unit else "",
    )


def _documents(items: list[Any]) -> list[DocumentInput]:
    documents = []
    for index, item in enumerate(items):
        content = None
        if item.content_base64:
            try:
                content = base64.b64decode(item.content_base64, validate=True)
            except (binascii.Error, ValueError) as exc:
                raise DomainError(
                    DossierErrorCode.INVALID_DOSSIER,
                    _("The dossier has errors. Correct the fields listed."),
                    fields={f"documents.{index}.content_base64": _("Not valid base64.")},
                ) from exc
        documents.append(DocumentInput(**item.model_dump(exclude={"content_base64"}), content=content))
    return documents


@router.post("", response={200: DossierOut, 201: DossierOut, **ERRORS}, summary="Receive a dossier (idempotent)")
def create_dossier(request: HttpRequest, payload: IntakeIn) -> Status[Dossier]:
    user = _user(request)
    result = dossier_receive(actor=user, intake=_intake_input(request, payload), online=payload.online)
    return Status(201 if result.created else 200, dossier_detail(user=user, code=result.dossier.code))


@router.post(
    "/upload",
    response={200: DossierOut, 201: DossierOut, 413: ErrorOut, **ERRORS},
    summary="Receive a dossier with its scans as a multipart upload (idempotent)",
    openapi_extra={
        "description": "multipart/form-data: `intake` is the JSON of the intake (as for `POST /dossiers`, "
        "documents without `content_base64`), and each `files` part is one scan (PDF, JPEG or PNG, at most "
        "10 MB), attached to the document whose `filename` equals the part's file name. Up to 100 files."
    },
)
def create_dossier_upload(
    request: HttpRequest,
    intake: Form[str],
    files: File[list[UploadedFile]] = None,  # type: ignore[assignment]  # optional: an intake without scans
) -> Status[Dossier]:
    user = _user(request)
    try:
        payload = IntakeIn.model_validate_json(intake)
    except PydanticValidationError as exc:
        raise ValidationError([{**e, "loc": ("intake", *e["loc"])} for e in exc.errors(include_url=False)]) from exc
    data = _intake_input(request, payload)
    data.documents = _attach_uploads(data.documents, files or [])
    result = dossier_receive(actor=user, intake=data, online=payload.online)
    return Status(201 if result.created else 200, dossier_detail(user=user, code=result.dossier.code))


def _attach_uploads(documents: list[DocumentInput], files: list[UploadedFile]) -> list[DocumentInput]:
    """Each uploaded file's content goes to the document with its file name; the size is checked
    before the file is read (issue 9 item 7: the documented 10 MB per file)."""
    invalid = _("The dossier has errors. Correct the fields listed.")
    if len(files) > MAX_DOCUMENTS:
        raise DomainError(
            DossierErrorCode.TOO_MANY_DOCUMENTS, invalid, fields={"files": _("At most %(n)s files.") % {"n": MAX_DOCUMENTS}}
        )
    by_name = {d.filename: d for d in documents if d.filename and d.content is None and d.reuse_document_id is None}
    for index, upload in enumerate(files):
        if upload.size is not None and upload.size > MAX_UPLOAD_BYTES:
            raise DomainError(
                DossierErrorCode.DOCUMENT_TOO_LARGE,
                _("The file is larger than %(mb)s MB.") % {"mb": MAX_UPLOAD_BYTES // (1024 * 1024)},
                status_code=413,
                fields={f"files.{index}": upload.name or ""},
            )
        document = by_name.pop(upload.name or "", None)
        if document is None:
            raise DomainError(
                DossierErrorCode.DOCUMENT_FILE_UNMATCHED,
                invalid,
                fields={f"files.{index}": _("No document of the intake has the file name %(name)s.") % {"name": upload.name}},
            )
        document.content = upload.read()
    return documents


@router.get("", response={200: DossierPage, **ERRORS}, summary="Dossiers in my scope (queues)")
def list_dossiers(
    request: HttpRequest,
    mine: bool = False,
    overdue: bool = False,
    # Bounded at the boundary (issue 9 item 7): a huge day count overflowed the date arithmetic.
    due_within_days: Annotated[int | None, Query(ge=0, le=366)] = None,
    status: DossierStatus | None = None,
    q: Annotated[str, Query(max_length=200)] = "",
    # The queue page's filter (``filters.DossierFilter``, one definition for the page, its
    # export and this list): a procedure's code, a sector's slug, a due window, the channel,
    # the assignee's user id, the sort ("-" for descending).
    procedure: Annotated[str, Query(max_length=40)] = "",
    sector: Annotated[str, Query(max_length=120)] = "",
    due: Annotated[Literal["", "overdue", "today", "3days"], Query()] = "",
    channel: Channel | None = None,
    officer: Annotated[int | None, Query(ge=1, le=2**63 - 1)] = None,
    sort: Annotated[Literal["due", "-due", "received", "-received", "code", "-code", "applicant", "-applicant"], Query()] = "due",
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> dict[str, Any]:
    user = _user(request)
    tab = QueueFilter(mine=mine, overdue=overdue, due_within_days=due_within_days)
    params = {"status": status, "procedure": procedure, "sector": sector, "due": due, "channel": channel, "sort": sort}
    flt = DossierFilter.from_params({**{k: str(v) for k, v in params.items() if v}, "officer": str(officer or "")})
    # ``q`` searches the whole "view" scope, any status, as the queue page's search does (it
    # searched only the open queue: a returned dossier was found on the page, not here).
    qs = dossier_list(user=user, tab=tab, flt=flt, q=q)
    count, more = queue_count(qs)
    return {"count": count, "more": more, "items": list(qs[offset : offset + limit])}


@router.get("/{code}", response={200: DossierOut, **ERRORS}, summary="One dossier: events, steps, documents, clock, rating")
def get_dossier(request: HttpRequest, code: str) -> Dossier:
    user = _user(request)
    return dossier_detail(user=user, code=code)


@router.post("/{code}/actions/{action}", response={200: DossierOut, **ERRORS}, summary="Do a workflow action")
def act(request: HttpRequest, code: str, action: str, payload: ActionIn) -> Dossier:
    user = _user(request)
    if action not in DossierAction.values or action in (DossierAction.SUBMIT_ONLINE,):
        raise DomainError(DossierErrorCode.UNKNOWN_ACTION, _("Unknown action."), status_code=404)
    data = ActionInput(
        reason=payload.reason,
        items=payload.items,
        agency_id=payload.agency_id,
        receiver_id=payload.receiver_id,
        step_days=payload.step_days,
        new_due_at=payload.new_due_at,
        fee_amount=payload.fee_amount,
        result_summary=payload.result_summary,
        proposal=payload.proposal,
        documents=_documents(payload.documents),
        override=payload.override,
        override_reason=payload.override_reason,
    )
    dossier = dossier_act(actor=user, code=code, action=DossierAction(action), data=data)
    return dossier_detail(user=user, code=dossier.code)  # receipt gives an online submission its code


@router.get("/{code}/slips/{form}.pdf", response={200: None, **ERRORS}, summary="An official slip as PDF")
def slip_pdf(request: HttpRequest, code: str, form: str) -> HttpResponse:
    from motcua.dossiers.slips import render_slip_pdf

    user = _user(request)
    normalised = form.upper().replace(".", "")
    if normalised not in SlipForm.values or normalised == SlipForm.TRACKING_BOOK:
        raise DomainError(DossierErrorCode.UNKNOWN_FORM, _("Unknown form."), status_code=404)
    dossier = dossier_detail(user=user, code=code)
    pdf = render_slip_pdf(dossier=dossier, form=SlipForm(normalised))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{dossier.code}-{normalised}.pdf"'  # the stored code, not as typed
    return response


@router.get(
    "/{code}/documents",
    response={200: list[DocumentFileOut], **ERRORS},
    summary="The dossier's documents with their scans' metadata (no content)",
)
def list_documents(request: HttpRequest, code: str) -> list[Document]:
    _dossier, documents = dossier_documents(user=_user(request), code=code)
    return documents


# The scan's bytes, as stored (the intake accepts only these types); declared so that clients and
# the schema checks know the answer is a file, not JSON.
_SCAN_CONTENT = {
    media: {"schema": {"type": "string", "format": "binary"}}
    for media in ("application/pdf", "image/jpeg", "image/png", "application/octet-stream")
}


@router.get(
    "/{code}/documents/{doc_id}/content",
    response={200: None, **ERRORS},
    url_name="dossier_document_content",
    summary="A document's scan (bytes; every read is audited)",
    openapi_extra={
        "description": "The scan as stored (PDF, JPEG or PNG), as an attachment; `Cache-Control: private, no-store`. "
        "Each answer writes one `document.download` audit row; 404 when the document has no scan.",
        "responses": {"200": {"description": "The scan", "content": _SCAN_CONTENT}},
    },
)
def document_content_get(request: HttpRequest, code: str, doc_id: int) -> FileResponse:
    content = document_content(user=_user(request), code=code, doc_id=doc_id, read=DocumentRead.DOWNLOAD, channel="api")
    return document_response(content)


@public_router.get(
    "/{code}", response={200: LookupOut, 404: ErrorOut, 429: ErrorOut}, summary="Public look-up by code and check digits"
)
def lookup(request: HttpRequest, code: str, check: Annotated[str, Query(max_length=40)]) -> dict[str, Any]:
    """`check`: the last 4 digits of the applicant's ID number or phone."""
    lookup_throttle(request)
    return lookup_payload(dossier_lookup(code=code, check=check))


# --- Counter visits: the check ends in a guided supplement or a refusal (no dossier code) -------


@visits_router.post(
    "", response={200: VisitOut, 201: VisitOut, **ERRORS}, summary="Guide a supplement or refuse to receive (idempotent)"
)
def create_visit(request: HttpRequest, payload: VisitIn) -> Status[CounterVisit]:
    user = _user(request)
    visit = VisitInput(
        **payload.model_dump(exclude={"applicant", "idempotency_key"}),
        applicant=ApplicantInput(**payload.applicant.model_dump()),
        idempotency_key=_idempotency_key(request, payload.idempotency_key),
    )
    result = counter_visit_record(actor=user, visit=visit)
    return Status(201 if result.created else 200, counter_visit_get(user=user, pk=result.visit.pk))


@visits_router.get("/stats", response={200: VisitStatsOut, **ERRORS}, summary="Check outcomes at my unit's counter")
def visit_stats(request: HttpRequest, start: InRangeDatetime, end: InRangeDatetime) -> dict[str, Any]:
    user = _user(request)
    if timezone.is_naive(start) or timezone.is_naive(end):
        start, end = (timezone.make_aware(t) if timezone.is_naive(t) else t for t in (start, end))
    stats = counter_stats(user=user, start=start, end=end)
    return {"received": stats.received, "guided": stats.guided, "refused": stats.refused}


@visits_router.get("/{visit_id}", response={200: VisitOut, **ERRORS}, summary="One counter visit")
def get_visit(request: HttpRequest, visit_id: int) -> CounterVisit:
    return counter_visit_get(user=_user(request), pk=visit_id)


@visits_router.post(
    "/{visit_id}/receive", response={200: DossierOut, 201: DossierOut, **ERRORS}, summary="Receive the dossier from a visit"
)
def receive_visit(request: HttpRequest, visit_id: int, payload: IntakeIn) -> Status[Dossier]:
    user = _user(request)
    if payload.online:
        raise DomainError(
            DossierErrorCode.INVALID_DOSSIER, _("A counter visit is received at the counter."), fields={"online": _("Not valid.")}
        )
    result = counter_visit_receive(actor=user, visit_id=visit_id, intake=_intake_input(request, payload))
    return Status(201 if result.created else 200, dossier_detail(user=user, code=result.dossier.code))


@visits_router.get("/{visit_id}/slip.pdf", response={200: None, **ERRORS}, summary="The visit's BM.02 or BM.03 as PDF")
def visit_slip_pdf(request: HttpRequest, visit_id: int) -> HttpResponse:
    from motcua.dossiers.slips import render_visit_slip_pdf

    visit = counter_visit_get(user=_user(request), pk=visit_id)
    response = HttpResponse(render_visit_slip_pdf(visit=visit), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="visit-{visit.pk}.pdf"'
    return response
