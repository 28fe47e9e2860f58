"""Identity API (session auth; staff roles and purposes as on the pages). Every endpoint that
reads personal data calls the same logged selector or service as the HTML page."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja import File, Form, Router
from ninja.files import UploadedFile
from ninja.security import django_auth

from motcua.core.exceptions import DomainError, NotFound
from motcua.core.permissions import IDENTITY_VIEW
from motcua.core.schemas import ErrorOut
from motcua.identity import selectors, services
from motcua.identity.choices import ConsentPurpose, FaceSource
from motcua.identity.exceptions import IdentityErrorCode
from motcua.identity.links import citizen_from_link, citizen_link
from motcua.identity.models import Citizen
from motcua.identity.qr import card_qr_parse
from motcua.identity.qr_decode import card_qr_from_image
from motcua.identity.schemas import (
    CardOut,
    ConsentIn,
    ConsentOut,
    FaceMatchOut,
    LookupIn,
    ProfileOut,
    QrTextIn,
    TemplateOut,
)
from motcua.identity.services import FaceDecision

router = Router(tags=["identity"], auth=django_auth)

_ERRORS: dict[int, Any] = {
    400: ErrorOut,
    401: ErrorOut,
    403: ErrorOut,
    404: ErrorOut,
    409: ErrorOut,
    422: ErrorOut,
    503: ErrorOut,
}


def _consent_purpose(value: str) -> ConsentPurpose:
    try:
        return ConsentPurpose(value)
    except ValueError:
        raise DomainError(
            IdentityErrorCode.CITIZEN_INVALID,
            _("Unknown consent purpose."),
            fields={"consent_purpose": ", ".join(ConsentPurpose.values)},
            status_code=422,
        ) from None


def _citizen(request: HttpRequest, link: str) -> Citizen:
    """The record behind the caller's own opaque link (from ``citizens/lookup`` or a face match;
    never a database id); the service called next checks the permission and logs."""
    return citizen_from_link(user=request.user, link=link)


@router.post("/qr/parse", response={200: CardOut, **_ERRORS}, summary="Parse an ID-card QR payload")
def qr_parse(request: HttpRequest, payload: QrTextIn) -> dict[str, Any]:
    """Pure parsing (no database read): the structured card data, or a precise error code."""
    services.permission_require(request.user, IDENTITY_VIEW, what="api_qr_parse")
    return card_qr_parse(payload.text).as_dict()


@router.post("/qr/decode", response={200: CardOut, **_ERRORS}, summary="Find and parse the QR in a card photo")
def qr_decode(request: HttpRequest, image: File[UploadedFile]) -> dict[str, Any]:
    services.permission_require(request.user, IDENTITY_VIEW, what="api_qr_decode")
    return card_qr_from_image(image.read()).as_dict()


@router.post("/citizens/lookup", response={200: ProfileOut, **_ERRORS}, summary="Counter profile of a citizen (logged)")
def citizen_lookup(request: HttpRequest, payload: LookupIn) -> dict[str, Any]:
    """Exact personal ID and a purpose; returns what the intake may reuse. Writes a DataAccess row."""
    citizen = selectors.citizen_find(
        user=request.user, personal_id=payload.personal_id, purpose=payload.purpose, dossier_ref=payload.dossier_ref
    )
    if citizen is None:
        raise NotFound(IdentityErrorCode.CITIZEN_NOT_FOUND, _("No citizen with this personal ID is registered."))
    return selectors.citizen_profile_for_counter(
        user=request.user, citizen=citizen, purpose=payload.purpose, dossier_ref=payload.dossier_ref
    )


@router.get("/citizens/{link}/export", response={200: dict[str, Any], **_ERRORS}, summary="Everything held (JSON)")
def citizen_export(request: HttpRequest, link: str) -> dict[str, Any]:
    return selectors.citizen_export(user=request.user, citizen=_citizen(request, link))


@router.post("/citizens/{link}/consents", response={200: ConsentOut, **_ERRORS}, summary="Record a face consent")
def consent_give(request: HttpRequest, link: str, payload: ConsentIn) -> dict[str, Any]:
    citizen = _citizen(request, link)
    consent = services.consent_give(
        actor=request.user, citizen=citizen, purpose=_consent_purpose(payload.consent_purpose), evidence=payload.evidence
    )
    return {"consent_purpose": consent.purpose, "given_at": consent.given_at.isoformat()}


@router.delete("/citizens/{link}/consents/{consent_purpose}", response={200: ConsentOut, **_ERRORS}, summary="Withdraw")
def consent_withdraw(request: HttpRequest, link: str, consent_purpose: str) -> dict[str, Any]:
    """Withdrawing deletes the consent's face templates."""
    citizen = _citizen(request, link)
    deleted = services.consent_withdraw(actor=request.user, citizen=citizen, purpose=_consent_purpose(consent_purpose))
    return {"consent_purpose": consent_purpose, "given_at": "", "templates_deleted": deleted}


@router.post("/citizens/{link}/face", response={200: TemplateOut, **_ERRORS}, summary="Enrol a face (consent needed)")
def face_enrol(
    request: HttpRequest,
    link: str,
    image: File[UploadedFile],
    consent_purpose: Form[str] = ConsentPurpose.FACE_IDENTIFICATION.value,
    source: Form[str] = FaceSource.WEBCAM.value,
    purpose: Form[str] = "counter_intake",
) -> dict[str, Any]:
    citizen = _citizen(request, link)
    template = services.face_enrol(
        actor=request.user,
        citizen=citizen,
        image=image.read(),
        consent_purpose=_consent_purpose(consent_purpose),
        source=FaceSource(source) if source in FaceSource.values else FaceSource.UPLOAD,
        purpose=purpose,
    )
    return {"template_id": template.pk, "link": link, "unit_code": template.unit.code}


def _decision(request: HttpRequest, decision: FaceDecision) -> dict[str, Any]:
    match = decision.match
    user = request.user
    return {
        "matched": match is not None,
        "link": citizen_link(user=user, citizen=match.citizen) if match and isinstance(user, User) else None,
        "personal_id": match.citizen.personal_id if match else None,
        "full_name": match.citizen.full_name if match else None,
        "distance": round(match.distance, 4) if match else None,
        "threshold": decision.threshold,
        "scope": decision.scope.value,
        "liveness": decision.liveness,
    }


@router.post("/face/identify", response={200: FaceMatchOut, **_ERRORS}, summary="1:N: which returning citizen is this?")
def face_identify(
    request: HttpRequest,
    image: File[UploadedFile],
    purpose: Form[str],
    dossier_ref: Form[str] = "",
) -> dict[str, Any]:
    """Only staff with the face-search role, in a unit, for a purpose that allows it; logged."""
    return _decision(
        request, services.face_identify(actor=request.user, image=image.read(), purpose=purpose, dossier_ref=dossier_ref)
    )


@router.post("/citizens/{link}/face/verify", response={200: FaceMatchOut, **_ERRORS}, summary="1:1 against the record")
def face_verify(
    request: HttpRequest,
    link: str,
    image: File[UploadedFile],
    purpose: Form[str],
    dossier_ref: Form[str] = "",
) -> dict[str, Any]:
    citizen = _citizen(request, link)
    decision = services.face_verify(
        actor=request.user, citizen=citizen, image=image.read(), purpose=purpose, dossier_ref=dossier_ref
    )
    body = _decision(request, decision)
    if decision.match is None:
        body.update(link=link)
    return body
