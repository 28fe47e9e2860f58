"""Identity pages: the counter (card QR, look-up, face), the citizen page, face capture,
oversight, and the public page where a citizen reads who accessed their data.

Thin adapters: parse input, call one service or selector, render. A ``DomainError`` becomes a
form error with its status code. No face image is ever rendered or stored.
"""

from __future__ import annotations

import contextlib
from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.core.paginator import Paginator
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from motcua.core.exceptions import DomainError, NotFound
from motcua.core.permissions import (
    ACCESS_LOG_VIEW,
    CONSENT_MANAGE,
    FACE_ENROL,
    FACE_SEARCH,
    IDENTITY_EDIT,
    IDENTITY_ERASE,
    IDENTITY_EXPORT,
    IDENTITY_MERGE,
    IDENTITY_VIEW,
)
from motcua.core.scoping import scope_allows
from motcua.identity import selectors, services
from motcua.identity.choices import AccessPurpose, ConsentPurpose, FaceSource, NotifyChannel
from motcua.identity.forms import (
    AccessCodeRequestForm,
    AccessCodeVerifyForm,
    ConsentForm,
    ContactsForm,
    CounterScanForm,
    EnrolForm,
    EraseForm,
    FaceImageForm,
    LookupForm,
    MergeForm,
    PurposeForm,
    RegisterFromCardForm,
    WithdrawForm,
)
from motcua.identity.images import image_check_size
from motcua.identity.links import citizen_from_link, citizen_link
from motcua.identity.models import Citizen
from motcua.identity.qr import CardData, card_is_expired, card_qr_parse
from motcua.identity.qr_decode import card_qr_from_image

_SESSION_CITIZEN = "identity_access_log_citizen"
_SESSION_MINUTES = 15


def _staff(request: HttpRequest, permission: str) -> User:
    """The logged-in user if they hold ``permission`` (login_required ran before)."""
    user = request.user
    if not isinstance(user, User) or not user.has_perm(permission):
        with contextlib.suppress(DomainError):  # logs the refused attempt, then raises; we answer 403
            services.permission_require(
                user, permission, what=(request.resolver_match.url_name if request.resolver_match else "") or ""
            )
        raise DjangoPermissionDenied
    return user


def _fail(form: Form, exc: DomainError) -> int:
    form.add_error(None, f"{exc.message}")
    for field, message in exc.fields.items():
        if field in form.fields:
            form.add_error(field, str(message))
    return exc.status_code


def _read_upload(upload: UploadedFile | None) -> bytes:
    """The upload's bytes; an oversized file is refused from its declared size, unread."""
    if upload is None:
        return b""
    image_check_size(upload.size or 0)
    return upload.read()


def _citizen_url(user: User, citizen: Citizen, purpose: str, dossier_ref: str = "") -> str:
    """The record's page for this officer: an opaque link of theirs, never the database id."""
    query = {"purpose": purpose}
    if dossier_ref:
        query["dossier"] = dossier_ref
    return f"{reverse('identity:citizen', args=[citizen_link(user=user, citizen=citizen)])}?{urlencode(query)}"


def _citizen_or_404(user: User, link: str) -> Citizen:
    """The citizen behind the officer's own link; a forged, expired or foreign link is a 404."""
    try:
        return citizen_from_link(user=user, link=link)
    except NotFound:
        raise Http404 from None


# --- Counter ----------------------------------------------------------------------------------------


@login_required
@never_cache
def counter(request: HttpRequest) -> HttpResponse:
    """Scan the card QR (USB scanner, browser camera or photo) and find or register the citizen."""
    user = _staff(request, IDENTITY_VIEW)
    scan = CounterScanForm(request.POST or None, request.FILES or None)
    lookup = LookupForm(prefix="lookup")
    status = 200
    card: CardData | None = None
    citizen = None
    register = None
    if request.method == "POST" and scan.is_valid():
        data = scan.cleaned_data
        try:
            if data.get("card_image"):
                card = card_qr_from_image(_read_upload(data["card_image"]))
            else:
                card = card_qr_parse(data["qr_text"])
            citizen = selectors.citizen_find(
                user=user, personal_id=card.personal_id, purpose=data["purpose"], dossier_ref=data["dossier_ref"]
            )
        except DomainError as exc:
            status = _fail(scan, exc)
            card = None
        else:
            payload = "|".join(
                [
                    card.personal_id,
                    card.old_id or "",
                    card.full_name,
                    card.birth_date.strftime("%d%m%Y"),
                    "Nam" if card.sex == "male" else "Nữ",
                    card.address,
                    card.issue_date.strftime("%d%m%Y"),
                ]
            )
            register = RegisterFromCardForm(
                initial={
                    "qr_text": payload,
                    "purpose": data["purpose"],
                    "dossier_ref": data["dossier_ref"],
                    "phone": citizen.phone if citizen else "",
                    "email": citizen.email if citizen else "",
                }
            )
    elif request.method == "POST":
        status = 400
    context = {
        "scan": scan,
        "lookup": lookup,
        "card": card,
        "card_expired": card is not None and card_is_expired(card.expiry_date, today=timezone.localdate()),
        "citizen": citizen,
        "citizen_link": citizen_link(user=user, citizen=citizen) if citizen else "",
        "register": register,
        "can_edit": user.has_perm(IDENTITY_EDIT),
        "can_search_face": user.has_perm(FACE_SEARCH),
    }
    return render(request, "identity/counter.html", context, status=status)


@login_required
@require_POST
def counter_register(request: HttpRequest) -> HttpResponse:
    user = _staff(request, IDENTITY_EDIT)
    form = RegisterFromCardForm(request.POST)
    if not form.is_valid():
        return render(request, "identity/error.html", {"message": _("The card data was incomplete. Scan again.")}, status=400)
    data = form.cleaned_data
    try:
        citizen, created = services.citizen_register_from_card(
            actor=user,
            card=card_qr_parse(data["qr_text"]),
            purpose=data["purpose"],
            dossier_ref=data["dossier_ref"],
            phone=data["phone"],
            email=data["email"],
        )
    except DomainError as exc:
        return render(request, "identity/error.html", {"message": exc.message, "code": exc.code}, status=exc.status_code)
    messages.success(request, _("Citizen registered.") if created else _("Citizen record brought up to date with the card."))
    return redirect(_citizen_url(user, citizen, data["purpose"], data["dossier_ref"]))


@login_required
@require_POST
def counter_lookup(request: HttpRequest) -> HttpResponse:
    user = _staff(request, IDENTITY_VIEW)
    form = LookupForm(request.POST, prefix="lookup")
    status = 400
    if form.is_valid():
        data = form.cleaned_data
        try:
            citizen = selectors.citizen_find(
                user=user, personal_id=data["personal_id"], purpose=data["purpose"], dossier_ref=data["dossier_ref"]
            )
        except DomainError as exc:
            status = _fail(form, exc)
        else:
            if citizen is not None:
                return redirect(_citizen_url(user, citizen, data["purpose"], data["dossier_ref"]))
            form.add_error("personal_id", _("No citizen with this personal ID is registered. Scan their card to register them."))
            status = 404
    context = {"scan": CounterScanForm(), "lookup": form, "can_edit": user.has_perm(IDENTITY_EDIT)}
    return render(request, "identity/counter.html", context, status=status)


# --- Citizen page -------------------------------------------------------------------------------------


@login_required
@never_cache
def citizen_page(request: HttpRequest, link: str) -> HttpResponse:
    """The record as the counter may reuse it. Needs a purpose; each view is a logged read."""
    user = _staff(request, IDENTITY_VIEW)
    purpose = request.GET.get("purpose", "")
    dossier_ref = request.GET.get("dossier", "")[:60]
    citizen = _citizen_or_404(user, link)
    if purpose not in AccessPurpose.values:
        form = PurposeForm(initial={"dossier_ref": dossier_ref})
        return render(request, "identity/purpose.html", {"form": form, "link": link})
    try:
        profile = selectors.citizen_profile_for_counter(user=user, citizen=citizen, purpose=purpose, dossier_ref=dossier_ref)
    except DomainError as exc:
        return render(request, "identity/error.html", {"message": exc.message, "code": exc.code}, status=exc.status_code)
    consents = list(citizen.consents.filter(withdrawn_at__isnull=True).select_related("unit").order_by("purpose"))
    for consent in consents:  # only the unit that recorded a consent (or above it) may withdraw it
        consent.held_here = scope_allows(user, consent, "manage")  # type: ignore[attr-defined]
    context = {
        "citizen": citizen,
        "link": link,
        "profile": profile,
        "prefill": {k: v for k, v in profile.items() if k != "extras"},
        "addresses": citizen.addresses.select_related("unit").order_by("kind", "-valid_from", "-id"),
        "consents": consents,
        "templates_count": citizen.face_templates.count(),
        "purpose": purpose,
        "purpose_label": AccessPurpose(purpose).label,
        "dossier_ref": dossier_ref,
        "consent_form": ConsentForm(),
        "contacts_form": ContactsForm(initial={"phone": citizen.phone, "email": citizen.email, "purpose": purpose}),
        "can": {
            "edit": scope_allows(user, citizen, "edit"),
            "consent": user.has_perm(CONSENT_MANAGE),
            "enrol": user.has_perm(FACE_ENROL),
            "verify": user.has_perm(FACE_SEARCH),
            "export": user.has_perm(IDENTITY_EXPORT),
            "erase": scope_allows(user, citizen, "erase"),
        },
    }
    return render(request, "identity/citizen.html", context)


@login_required
@require_POST
def consent_give(request: HttpRequest, link: str) -> HttpResponse:
    user = _staff(request, CONSENT_MANAGE)
    citizen = _citizen_or_404(user, link)
    form = ConsentForm(request.POST)
    purpose = request.POST.get("purpose", AccessPurpose.COUNTER_INTAKE)
    if form.is_valid():
        try:
            services.consent_give(
                actor=user,
                citizen=citizen,
                purpose=ConsentPurpose(form.cleaned_data["consent_purpose"]),
                evidence=form.cleaned_data["evidence"],
            )
            messages.success(request, _("Consent recorded."))
        except DomainError as exc:
            messages.error(request, str(exc.message))
    else:
        messages.error(request, _("Record how the consent was given (e.g. the number of the signed form)."))
    return redirect(_citizen_url(user, citizen, purpose))


@login_required
@require_POST
def consent_withdraw(request: HttpRequest, link: str) -> HttpResponse:
    user = _staff(request, CONSENT_MANAGE)
    citizen = _citizen_or_404(user, link)
    form = WithdrawForm(request.POST)
    purpose = request.POST.get("purpose", AccessPurpose.COUNTER_INTAKE)
    if form.is_valid():
        try:
            deleted = services.consent_withdraw(
                actor=user, citizen=citizen, purpose=ConsentPurpose(form.cleaned_data["consent_purpose"])
            )
            messages.success(request, _("Consent withdrawn; %(count)s face templates deleted.") % {"count": deleted})
        except NotFound:  # none, or recorded by another unit: the same answer
            raise Http404 from None
        except DomainError as exc:
            messages.error(request, str(exc.message))
    return redirect(_citizen_url(user, citizen, purpose))


@login_required
@require_POST
def contacts_update(request: HttpRequest, link: str) -> HttpResponse:
    user = _staff(request, IDENTITY_EDIT)
    citizen = _citizen_or_404(user, link)
    form = ContactsForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Check the phone and e-mail."))
        return redirect(_citizen_url(user, citizen, request.POST.get("purpose", AccessPurpose.DATA_CORRECTION)))
    data = form.cleaned_data
    try:
        services.citizen_update_contacts(
            actor=user,
            citizen=citizen,
            purpose=data["purpose"],
            phone=data["phone"],
            email=data["email"],
            current_address=data["current_address"],
        )
        messages.success(request, _("Contacts saved."))
    except NotFound:  # held by another unit: answered as a missing record
        raise Http404 from None
    except DomainError as exc:
        messages.error(request, str(exc.message))
    return redirect(_citizen_url(user, citizen, data["purpose"]))


# --- Faces ---------------------------------------------------------------------------------------------


@login_required
@never_cache
def face_enrol(request: HttpRequest, link: str) -> HttpResponse:
    user = _staff(request, FACE_ENROL)
    citizen = _citizen_or_404(user, link)
    form = EnrolForm(request.POST or None, request.FILES or None, initial={"source": FaceSource.WEBCAM})
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.face_enrol(
                actor=user,
                citizen=citizen,
                image=_read_upload(data["image"]),
                consent_purpose=ConsentPurpose(data["consent_purpose"]),
                source=FaceSource(data["source"]),
                purpose=data["purpose"],
            )
        except DomainError as exc:
            status = _fail(form, exc)
        else:
            messages.success(request, _("Face template stored (encrypted). The photo itself was not kept."))
            return redirect(_citizen_url(user, citizen, data["purpose"]))
    elif request.method == "POST":
        status = 400
    return render(request, "identity/face_enrol.html", {"form": form, "link": link}, status=status)


@login_required
@never_cache
def face_verify(request: HttpRequest, link: str) -> HttpResponse:
    user = _staff(request, FACE_SEARCH)
    citizen = _citizen_or_404(user, link)
    form = FaceImageForm(request.POST or None, request.FILES or None)
    status, decision = 200, None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            decision = services.face_verify(
                actor=user,
                citizen=citizen,
                image=_read_upload(data["image"]),
                purpose=data["purpose"],
                dossier_ref=data["dossier_ref"],
            )
        except DomainError as exc:
            status = _fail(form, exc)
    elif request.method == "POST":
        status = 400
    return render(request, "identity/face_verify.html", {"form": form, "link": link, "decision": decision}, status=status)


@login_required
@never_cache
def face_identify(request: HttpRequest) -> HttpResponse:
    """1:N at the counter: only with the role, in a unit, for an allowed purpose; always logged."""
    user = _staff(request, FACE_SEARCH)
    form = FaceImageForm(request.POST or None, request.FILES or None)
    status, decision = 200, None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            decision = services.face_identify(
                actor=user, image=_read_upload(data["image"]), purpose=data["purpose"], dossier_ref=data["dossier_ref"]
            )
        except DomainError as exc:
            status = _fail(form, exc)
    elif request.method == "POST":
        status = 400
    context: dict[str, Any] = {"form": form, "decision": decision, "submitted": request.method == "POST" and status == 200}
    if decision is not None and decision.match is not None:
        context["match_url"] = _citizen_url(
            user, decision.match.citizen, form.cleaned_data["purpose"], form.cleaned_data["dossier_ref"]
        )
    return render(request, "identity/face_identify.html", context, status=status)


# --- Personal-data duties ------------------------------------------------------------------------------


@login_required
@never_cache
def citizen_export(request: HttpRequest, link: str) -> HttpResponse:
    user = _staff(request, IDENTITY_EXPORT)
    citizen = _citizen_or_404(user, link)
    data = selectors.citizen_export(user=user, citizen=citizen)
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False, "indent": 2})
    response["Content-Disposition"] = 'attachment; filename="citizen-data.json"'
    return response


@login_required
@never_cache
def citizen_erase(request: HttpRequest, link: str) -> HttpResponse:
    user = _staff(request, IDENTITY_ERASE)
    citizen = _citizen_or_404(user, link)
    try:  # only the holding unit's data-protection officer; another unit sees a missing record
        services.citizen_hold_require(user=user, citizen=citizen, action="erase", what="citizen_erase_page")
    except NotFound:
        raise Http404 from None
    form = EraseForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        if form.cleaned_data["confirm_id"].strip() != citizen.personal_id:
            form.add_error("confirm_id", _("This is not the personal ID of the record."))
            status = 400
        else:
            try:
                services.citizen_erase(actor=user, citizen=citizen, reason=form.cleaned_data["reason"])
            except NotFound:
                raise Http404 from None
            except DomainError as exc:
                status = _fail(form, exc)
            else:
                messages.success(request, _("All data held about the citizen was erased."))
                return redirect("identity:counter")
    elif request.method == "POST":
        status = 400
    return render(request, "identity/erase.html", {"form": form, "link": link}, status=status)


@login_required
@never_cache
def citizen_merge(request: HttpRequest) -> HttpResponse:
    user = _staff(request, IDENTITY_MERGE)
    form = MergeForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        survivor = Citizen.objects.filter(personal_id=data["survivor_id"].strip()).first()
        duplicate = Citizen.objects.filter(personal_id=data["duplicate_id"].strip()).first()
        if survivor is None or duplicate is None:
            form.add_error(None, _("Both personal IDs must belong to registered citizens."))
            status = 404
        else:
            try:
                merged = services.citizen_merge(actor=user, survivor=survivor, duplicate=duplicate, reason=data["reason"])
            except DomainError as exc:
                status = _fail(form, exc)
            else:
                messages.success(request, _("Records merged."))
                return redirect(_citizen_url(user, merged, AccessPurpose.RECORD_MERGE))
    elif request.method == "POST":
        status = 400
    return render(request, "identity/merge.html", {"form": form}, status=status)


@login_required
@never_cache
def access_oversight(request: HttpRequest) -> HttpResponse:
    user = _staff(request, ACCESS_LOG_VIEW)
    page = Paginator(selectors.data_access_list(user=user), 50).get_page(request.GET.get("page"))
    return render(request, "identity/oversight.html", {"page": page})


# --- Public: a citizen reads who accessed their data -----------------------------------------------------


@never_cache
def my_access_log(request: HttpRequest) -> HttpResponse:
    """Step 1: personal ID and channel → a one-time code. Step 2: the code. Step 3: the log."""
    citizen = _verified_citizen(request)
    if citizen is not None:
        entries = selectors.citizen_access_log(citizen=citizen)
        context: dict[str, Any] = {
            "citizen": citizen,
            "page": Paginator(entries, 50).get_page(request.GET.get("page")),
            "consents": citizen.consents.filter(withdrawn_at__isnull=True),
        }
        return render(request, "identity/my_access_log.html", context)
    request.session.pop(_SESSION_CITIZEN, None)
    status = 200
    verify_form = None
    request_form = AccessCodeRequestForm(request.POST if request.POST.get("step") == "request" else None)
    if request.POST.get("step") == "request":
        if request_form.is_valid():
            services.access_code_request(
                personal_id=request_form.cleaned_data["personal_id"], channel=NotifyChannel(request_form.cleaned_data["channel"])
            )
            verify_form = AccessCodeVerifyForm(initial={"personal_id": request_form.cleaned_data["personal_id"]})
        else:
            status = 400
    elif request.POST.get("step") == "verify":
        verify_form = AccessCodeVerifyForm(request.POST)
        if verify_form.is_valid():
            try:
                citizen = services.access_code_verify(
                    personal_id=verify_form.cleaned_data["personal_id"], code=verify_form.cleaned_data["code"]
                )
            except DomainError as exc:
                status = _fail(verify_form, exc)
            else:
                request.session.cycle_key()
                request.session[_SESSION_CITIZEN] = {
                    "id": citizen.pk,
                    "until": (timezone.now() + timedelta(minutes=_SESSION_MINUTES)).timestamp(),
                }
                return redirect("identity:my_access_log")
        else:
            status = 400
    return render(
        request, "identity/my_access_start.html", {"request_form": request_form, "verify_form": verify_form}, status=status
    )


@require_POST
def my_access_withdraw(request: HttpRequest) -> HttpResponse:
    """The verified citizen withdraws a face consent themselves (their templates are deleted)."""
    citizen = _verified_citizen(request)
    form = WithdrawForm(request.POST)
    if citizen is None or not form.is_valid():
        return redirect("identity:my_access_log")
    try:
        services.consent_withdraw(
            actor=None, citizen=citizen, purpose=ConsentPurpose(form.cleaned_data["consent_purpose"]), by_citizen=True
        )
        messages.success(request, _("Your consent was withdrawn and your face data deleted."))
    except DomainError as exc:
        messages.error(request, str(exc.message))
    return redirect("identity:my_access_log")


@never_cache
def my_access_export(request: HttpRequest) -> HttpResponse:
    """The verified citizen downloads everything held about them: every dossier, wherever filed."""
    citizen = _verified_citizen(request)
    if citizen is None:
        return redirect("identity:my_access_log")
    data = selectors.citizen_export_own(citizen=citizen)
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False, "indent": 2})
    response["Content-Disposition"] = 'attachment; filename="my-data.json"'
    return response


def _verified_citizen(request: HttpRequest) -> Citizen | None:
    """The citizen who proved who they are with a one-time code in this session (not expired)."""
    verified = request.session.get(_SESSION_CITIZEN)
    if verified and verified.get("until", 0) > timezone.now().timestamp():
        return Citizen.objects.filter(pk=verified["id"]).first()
    return None


@require_POST
def my_access_end(request: HttpRequest) -> HttpResponse:
    request.session.pop(_SESSION_CITIZEN, None)
    return redirect("identity:my_access_log")
