"""Staff workspace (counter intake, queues, dossier page) and the public look-up: thin
adapters over the services and selectors."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from motcua.catalog.models import Procedure
from motcua.catalog.selectors import procedure_list
from motcua.core.calendar import calendar_for
from motcua.core.exceptions import DomainError, NotFound, PermissionDenied
from motcua.core.permissions import IDENTITY_VIEW, staff_with_permission
from motcua.core.scoping import user_unit
from motcua.core.text import search_terms
from motcua.dossiers.action_forms import action_forms
from motcua.dossiers.choices import (
    RATABLE_STATUSES,
    ApplicantKind,
    Channel,
    DocumentRead,
    DossierAction,
    DossierStatus,
    Proposal,
    ResultDelivery,
    SlipForm,
    VisitOutcome,
)
from motcua.dossiers.filters import DUE_WINDOWS, PAGE_SIZES, SORT_LABELS, DossierFilter
from motcua.dossiers.forms import CounterVisitForm, IntakeForm, LookupForm
from motcua.dossiers.models import CounterVisit, Dossier
from motcua.dossiers.public import lookup_payload, lookup_throttle
from motcua.dossiers.ratings import rating_url_for
from motcua.dossiers.scans import document_response
from motcua.dossiers.selectors import (
    CounterStats,
    QueueFilter,
    counter_stats,
    counter_visit_get,
    document_content,
    document_for_view,
    dossier_detail,
    dossier_list_export,
    dossier_lookup,
    handover_record,
    is_handover_late,
    is_overdue,
    missing_items,
    procedure_most_used,
    queue_count,
    queue_page,
    tracking_book,
    tracking_book_desk,
)
from motcua.dossiers.services import (
    ActionInput,
    ApplicantInput,
    DocumentInput,
    IntakeInput,
    IntakeResult,
    VisitInput,
    available_actions,
    counter_visit_receive,
    counter_visit_record,
    dossier_act,
    dossier_permission_for,
    dossier_receive,
    supplement_spent,
)
from motcua.dossiers.services.steps import transfer_agencies, transfer_receivers
from motcua.dossiers.workflow import PERM_DECIDE, PERM_RECEIVE, PERM_VIEW, allowed_actions

# Lazy labels: this dict is built at import time, before any request has chosen a language.
QUEUES = {
    "mine": (gettext_lazy("Assigned to me"), QueueFilter(mine=True)),
    "due-soon": (gettext_lazy("Due within 2 days"), QueueFilter(due_within_days=2)),
    "overdue": (gettext_lazy("Overdue"), QueueFilter(overdue=True)),
    "decide": (gettext_lazy("Awaiting decision"), QueueFilter(awaiting_decision=True)),
    "all": (gettext_lazy("All open"), QueueFilter()),
}


_RECEIPT_READY = "dossiers_receipt_ready"  # session: the code of the dossier this officer has just received
MOST_USED_LIMIT = 8  # the procedures the picker offers before anything is typed


def _staff(request: HttpRequest, perm: str = PERM_VIEW) -> User:
    return staff_with_permission(request, perm)


class QueuePaginator(Paginator):  # type: ignore[type-arg]
    """Counts a queue only up to ``QUEUE_COUNT_CAP``; the page then says "more than 1,000"."""

    more = False

    @cached_property
    def count(self) -> int:
        assert isinstance(self.object_list, QuerySet)
        n, self.more = queue_count(self.object_list)
        return n

    def known(self, count: int, more: bool) -> None:
        """The count is already known (the tab's count): no second count query."""
        self.__dict__["count"], self.more = count, more


def _queue_request(request: HttpRequest, user: User) -> tuple[str, QueueFilter, DossierFilter, str]:
    """The tab, the shared filter and the search of a queue request (page, rows or export)."""
    default = "decide" if user.has_perm(PERM_DECIDE) and not user.has_perm(PERM_RECEIVE) else "mine"
    name = request.GET.get("q_name") or request.GET.get("view") or default
    if name not in QUEUES:
        name = default
    search = request.GET.get("q", "").strip()[:200]
    return name, QUEUES[name][1], DossierFilter.from_params(request.GET), search


@login_required
@require_GET
def queue(request: HttpRequest) -> HttpResponse:
    """The queues: tabs with counts, the shared filter (GET: a filtered list is a link), sort,
    page size; a search looks over the user's whole scope, not the tab (issue 10 item 4)."""
    user = _staff(request)
    name, _tab, flt, search = _queue_request(request, user)
    now = timezone.now()
    htmx = bool(request.headers.get("HX-Request"))
    listing = queue_page(
        user=user, tabs={k: v[1] for k, v in QUEUES.items()}, current=name, flt=flt, q=search, now=now, with_options=not htmx
    )
    paginator = QueuePaginator(listing.dossiers, flt.per_page)
    if not search:  # the list is the current tab's: its count is known
        paginator.known(*listing.counts[name])
    page = paginator.get_page(request.GET.get("page"))
    rows = [(d, is_overdue(d, now), is_handover_late(d, now)) for d in page.object_list]
    tabs = [(key, label, listing.counts[key]) for key, (label, _flt) in QUEUES.items()]
    base = {"view": name, **({"q": search} if search else {})}
    context = {
        "tabs": tabs,
        "current": name,
        "label": QUEUES[name][0],
        "page": page,
        "rows": rows,
        "search": search,
        "flt": flt,
        "state": urlencode({**base, **flt.params()}),
        "sort_links": _sort_links(flt, base),
        "tab_query": urlencode({**({"q": search} if search else {}), **flt.params()}),
    }
    if htmx:
        return render(request, "dossiers/partials/_queue_results.html", context)
    context.update(
        options=listing.options,
        statuses=DossierStatus.choices,
        channels=Channel.choices,
        due_windows=list(DUE_WINDOWS.items()),
        sorts=[(key, label) for key, label in SORT_LABELS.items()],
        page_sizes=PAGE_SIZES,
    )
    return render(request, "dossiers/queue.html", context)


def _sort_links(flt: DossierFilter, base: dict[str, str]) -> dict[str, dict[str, str]]:
    """Per sortable column: the link that sorts by it (ascending, or descending when it already
    sorts ascending) and its ``aria-sort`` state."""
    links = {}
    for key in SORT_LABELS:
        current = flt.sort_key == key
        target = f"-{key}" if current and not flt.descending else key
        state = ("descending" if flt.descending else "ascending") if current else "none"
        links[key] = {"href": "?" + urlencode({**base, **replace(flt, sort=target).params()}), "state": state}
    return links


@login_required
@require_GET
def queue_export(request: HttpRequest) -> HttpResponse:
    """The current list as XLSX: the same tab or search, filter and sort, every page; audited."""
    from motcua.dossiers.queue_export import render_queue_xlsx

    user = _staff(request)
    name, tab, flt, search = _queue_request(request, user)
    dossiers = dossier_list_export(user=user, tab_name=name, tab=tab, flt=flt, q=search)
    today = timezone.localdate()
    data = render_queue_xlsx(dossiers=dossiers.iterator(chunk_size=2000), title=f"{QUEUES[name][0]} — {today:%d/%m/%Y}")
    response = HttpResponse(data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="ho-so-{today:%Y%m%d}.xlsx"'
    response["Cache-Control"] = "no-store"
    return response


def _procedure_choices(user: User, q: str) -> tuple[list[Procedure], bool]:
    """The catalogue's own search (published procedures, accents ignored), first 15 matches; with
    nothing typed, the unit's most-used procedures. The flag says which list it is."""
    if search_terms(q):
        return list(procedure_list(q=q)[:15]), False
    return procedure_most_used(user=user, limit=MOST_USED_LIMIT), True


@login_required
@require_GET
def procedure_picker(request: HttpRequest) -> HttpResponse:
    """htmx/fetch: the options of the procedure combobox (accent-insensitive), or the unit's
    most-used procedures when nothing is typed."""
    user = _staff(request, PERM_RECEIVE)
    procedures, most_used = _procedure_choices(user, request.GET.get("q") or request.GET.get("procedure_q", ""))
    return render(request, "dossiers/partials/_procedure_options.html", {"procedures": procedures, "most_used": most_used})


@login_required
@require_GET
def procedure_checklist(request: HttpRequest) -> HttpResponse:
    """htmx: the documents checklist, time limit and fees of the chosen procedure."""
    _staff(request, PERM_RECEIVE)
    procedure = (
        Procedure.objects.filter(code=request.GET.get("procedure_code", "").strip()).prefetch_related("documents", "fees").first()
    )
    return render(request, "dossiers/partials/_checklist.html", {"procedure": procedure, "checked_docs": set()})


@login_required
@require_POST
def card_read(request: HttpRequest) -> JsonResponse:
    """JSON for the intake page: the applicant fields read from an ID-card QR (USB scanner or
    camera), and the registered citizen's contacts when the card's personal ID is registered
    (``citizen_find`` with the counter-intake purpose: a logged read). Nothing is written to the
    dossier; the officer still submits the form."""
    from motcua.identity.choices import AccessPurpose
    from motcua.identity.links import citizen_link
    from motcua.identity.qr import card_is_expired, card_qr_parse
    from motcua.identity.selectors import citizen_find

    user = _staff(request, PERM_RECEIVE)
    try:
        card = card_qr_parse(request.POST.get("qr_text", "")[:4000])
        citizen = (
            citizen_find(user=user, personal_id=card.personal_id, purpose=AccessPurpose.COUNTER_INTAKE)
            if user.has_perm(IDENTITY_VIEW)
            else None
        )
    except DomainError as exc:
        return JsonResponse({"message": str(exc.message)}, status=exc.status_code)
    fields: dict[str, str] = {
        "applicant_kind": ApplicantKind.PERSON.value,
        "applicant_name": card.full_name,
        "applicant_id_number": card.personal_id,
        "applicant_birth_date": card.birth_date.strftime("%d/%m/%Y"),
        "applicant_address": card.address,
    }
    if citizen is not None:
        fields.update({"applicant_phone": citizen.phone, "applicant_email": citizen.email})
    expired = card_is_expired(card.expiry_date, today=timezone.localdate())
    message = (_("Card read: %(name)s, registered citizen.") if citizen is not None else _("Card read: %(name)s.")) % {
        "name": card.full_name
    }
    if expired:
        message = f"{message} {_('The card has expired: it must be renewed.')}"
    return JsonResponse(
        {
            "fields": {k: v for k, v in fields.items() if v},
            "citizen": citizen_link(user=user, citizen=citizen) if citizen is not None else "",
            "expired": expired,
            "message": message,
        }
    )


def _citizen_prefill(user: User, citizen_id: str) -> tuple[dict[str, object], list[dict[str, object]], list[dict[str, object]]]:
    """A recognised citizen's data (one logged read in identity) to pre-fill the intake, with
    their earlier dossiers and reusable digitized documents. ``citizen_id`` is the opaque link
    the identity look-up gave this officer (never a database id); any other value pre-fills nothing."""
    from motcua.core.exceptions import NotFound
    from motcua.identity.links import citizen_from_link
    from motcua.identity.selectors import citizen_profile_for_counter

    try:
        citizen = citizen_from_link(user=user, link=citizen_id)
    except NotFound:
        return {}, [], []
    profile = citizen_profile_for_counter(user=user, citizen=citizen, purpose="counter_intake")
    birth = profile["birth_date"]
    initial = {
        "applicant_kind": ApplicantKind.PERSON,
        "applicant_name": profile["full_name"],
        "applicant_id_number": profile["personal_id"],
        # A date, not the profile's ISO text: the field then shows it dd/mm/yyyy.
        "applicant_birth_date": date.fromisoformat(birth) if isinstance(birth, str) and birth else birth,
        "applicant_phone": profile["phone"],
        "applicant_email": profile["email"],
        "applicant_address": profile["current_address"],
    }
    extras = profile["extras"].get("dossiers", {})
    return initial, extras.get("dossiers", []), extras.get("reusable_documents", [])


def _visit_prefill(visit: CounterVisit) -> dict[str, object]:
    """The intake form pre-filled from a guided or refused visit (the applicant came back)."""
    return {
        "procedure_code": visit.procedure.code,
        "applicant_kind": visit.applicant_kind,
        "applicant_name": visit.applicant_name,
        "applicant_id_number": visit.applicant_id_number,
        "applicant_phone": visit.applicant_phone,
        "applicant_email": visit.applicant_email,
        "applicant_address": visit.applicant_address,
        "representative_name": visit.representative_name,
    }


def _counter_stats_rows(user: User) -> list[tuple[str, CounterStats]]:
    """The desk's check outcomes today and this month (RULES.md §1.4 row 2)."""
    now = timezone.localtime()
    today = now.replace(hour=0, minute=0, second=0, microsecond=0)
    month = today.replace(day=1)
    end = today + timedelta(days=1)
    return [
        (_("Today"), counter_stats(user=user, start=today, end=end)),
        (_("This month"), counter_stats(user=user, start=month, end=end)),
    ]


def _applicant_input(data: dict[str, Any]) -> ApplicantInput:
    """The applicant fields of the intake and visit forms (``applicant_*``) as the services take them."""
    return ApplicantInput(
        kind=ApplicantKind(data["applicant_kind"]),
        name=data["applicant_name"],
        id_number=data["applicant_id_number"],
        birth_date=data.get("applicant_birth_date"),
        address=data["applicant_address"],
        phone=data["applicant_phone"],
        email=data["applicant_email"],
    )


def _record_visit(request: HttpRequest, user: User, outcome: VisitOutcome) -> tuple[HttpResponse | None, dict[str, str], int]:
    """Guide a supplement or refuse to receive: a counter visit with its slip, no dossier code."""
    form = CounterVisitForm(request.POST)
    if not form.is_valid():
        return None, {name: "; ".join(str(e) for e in errors) for name, errors in form.errors.items()}, 400
    data = form.cleaned_data
    visit_input = VisitInput(
        outcome=outcome,
        procedure_code=data["procedure_code"],
        applicant=_applicant_input(data),
        reason=data["reason"],
        items=[line for line in data["items"].splitlines() if line.strip()],
        representative_name=data["representative_name"],
        idempotency_key=data["idempotency_key"],
    )
    try:
        result = counter_visit_record(actor=user, visit=visit_input)
    except DomainError as exc:
        return None, {"": str(exc.message), **{k: str(v) for k, v in exc.fields.items()}}, exc.status_code
    message = (
        _("Supplement guided (no dossier code). Print the request for the applicant.")
        if outcome == VisitOutcome.GUIDED
        else _("Refusal to receive recorded (no dossier code). Print the refusal for the applicant.")
    )
    messages.success(request, message)
    return redirect("dossiers:visit", pk=result.visit.pk), {}, 200


@login_required
def intake(request: HttpRequest) -> HttpResponse:
    user = _staff(request, PERM_RECEIVE)
    citizen_id = request.GET.get("citizen", "") or request.POST.get("citizen", "")
    visit_id = request.GET.get("luot", "") or request.POST.get("visit", "")
    visit = None
    if visit_id:
        try:
            visit = counter_visit_get(user=user, pk=int(visit_id)) if visit_id.isdigit() else None
        except NotFound:
            visit = None
        if visit is None:
            raise Http404
    try:
        prefill, earlier, reusable = _citizen_prefill(user, citizen_id) if citizen_id else ({}, [], [])
    except DomainError as exc:
        messages.error(request, str(exc.message), extra_tags=str(exc.code))
        prefill, earlier, reusable = {}, [], []
    if visit is not None:
        prefill = {**prefill, **_visit_prefill(visit)}
    outcome = request.POST.get("outcome", "receive")
    form = IntakeForm(request.POST or None, initial={"idempotency_key": uuid.uuid4().hex, **prefill})
    # The chosen procedure's checklist: the posted one, or on a visit's return the visit's one.
    code = request.POST.get("procedure_code", "") if request.method == "POST" else str(prefill.get("procedure_code", ""))
    procedure = (
        Procedure.objects.filter(code=code.strip()).prefetch_related("documents", "fees").first() if code.strip() else None
    )
    errors: dict[str, str] = {}
    status = 200
    if request.method == "POST":
        if outcome in ("guide", "refuse") and visit is None:
            chosen = VisitOutcome.GUIDED if outcome == "guide" else VisitOutcome.REFUSED
            response, errors, status = _record_visit(request, user, chosen)
            if response is not None:
                return response
            # Re-show what was typed, without the receipt's own required-field errors.
            form = IntakeForm(initial=request.POST.dict())
        elif form.is_valid():
            response, errors, status = _receive(request, user, form, procedure, visit)
            if response is not None:
                return response
        else:
            status = 400
    context = {
        "form": form,
        "procedure": procedure,
        "error_links": _error_links(form, errors),
        "checked_docs": {key[4:] for key in request.POST if key.startswith("has_")},
        "reused_docs": set(request.POST.getlist("reuse")),
        "citizen_id": citizen_id,
        "earlier": earlier,
        "reusable": reusable,
        "visit": visit,
        "outcome_items": request.POST.get("items", ""),
        "outcome_reason": request.POST.get("reason", ""),
        "stats": _counter_stats_rows(user),
    }
    return render(request, "dossiers/intake.html", context, status=status)


# Where the error summary links a service error key that is no field of the intake form.
_ERROR_ANCHORS = {"items": "outcome-items", "reason": "outcome-reason", "documents": "checklist"}


def _error_links(form: IntakeForm, errors: dict[str, str]) -> list[tuple[str, str]]:
    """The error summary (GOV.UK pattern): one ``(anchor id, message)`` per problem, each linking
    the field in error; "" for a problem of the whole dossier. Never a raw error code."""
    links: list[tuple[str, str]] = []
    seen: set[str] = set()
    if form.is_bound:
        for name, field_errors in form.errors.items():
            if name == "__all__":
                continue
            label = form.fields[name].label if name in form.fields else ""
            for message in field_errors:
                links.append((f"id_{name}", f"{label}: {message}" if label else str(message)))
            seen.add(name)
    for key, message in errors.items():
        name = key.replace(".", "_")
        if not key:
            links.append(("", message))
        elif name in seen:
            continue
        elif name in form.fields:
            label = form.fields[name].label or ""
            links.append((f"id_{name}", f"{label}: {message}" if label else message))
        else:
            links.append((_ERROR_ANCHORS.get(key.split(".")[0], ""), message))
    return links


def _receive(
    request: HttpRequest, user: User, form: IntakeForm, procedure: Procedure | None, visit: CounterVisit | None
) -> tuple[HttpResponse | None, dict[str, str], int]:
    """Receive: BM.01, dossier code, clock (from a visit when the applicant came back)."""
    data = form.cleaned_data
    intake_input = IntakeInput(
        procedure_code=data["procedure_code"],
        applicant=_applicant_input(data),
        channel=Channel(data["channel"]),
        result_delivery=data["result_delivery"] or ResultDelivery.IN_PERSON,
        documents=_posted_documents(request, procedure),
        representative_name=data["representative_name"],
        representative_id_number=data["representative_id_number"],
        authorisation_note=data["authorisation_note"],
        sets_count=data["sets_count"],
        fee_amount=data["fee_amount"],
        fee_paid=None,  # the service decides: an amount taken at the counter is collected there
        idempotency_key=data["idempotency_key"],
        time_limit_value=data["time_limit_value"],
        time_limit_unit=data["time_limit_unit"] or "",
        time_limit_reason=data["time_limit_reason"],
    )
    errors: dict[str, str] = {}
    try:
        result: IntakeResult = (
            counter_visit_receive(actor=user, visit_id=visit.pk, intake=intake_input)
            if visit is not None
            else dossier_receive(actor=user, intake=intake_input)
        )
    except DomainError as exc:
        form.add_error(None, str(exc.message))
        for key, message in exc.fields.items():
            name = key.replace(".", "_")
            if name in form.fields:
                form.add_error(name, str(message))
            else:
                errors[key] = str(message)
        return None, errors, exc.status_code
    messages.success(
        request, _("Dossier %(code)s received. Print the receipt for the applicant.") % {"code": result.dossier.code}
    )
    request.session[_RECEIPT_READY] = result.dossier.code  # the dossier page then focuses "Print the receipt"
    return redirect("dossiers:detail", code=result.dossier.code), {}, 200


def _posted_documents(request: HttpRequest, procedure: Procedure | None) -> list[DocumentInput]:
    documents: list[DocumentInput] = []
    if procedure is not None:
        for item in procedure.documents.all():
            upload = request.FILES.get(f"doc_{item.pk}")
            if request.POST.get(f"has_{item.pk}") or upload:
                documents.append(
                    DocumentInput(
                        name=item.name[:500],
                        content=upload.read() if upload else None,
                        filename=(upload.name or "") if upload else "",
                        procedure_document_id=item.pk,
                    )
                )
    for value in request.POST.getlist("reuse"):
        if value.isdigit():
            documents.append(
                DocumentInput(
                    name=request.POST.get(f"reuse_name_{value}", "")[:500] or _("Reused document"), reuse_document_id=int(value)
                )
            )
    for index, upload in enumerate(request.FILES.getlist("extra_files")):
        documents.append(
            DocumentInput(
                name=request.POST.get("extra_name") or _("Other document %(n)s") % {"n": index + 1},
                content=upload.read(),
                filename=upload.name or "",
            )
        )
    return documents


@login_required
@require_GET
def detail(request: HttpRequest, code: str) -> HttpResponse:
    user = _staff(request)
    try:
        dossier = dossier_detail(user=user, code=code)
    except NotFound as exc:
        raise Http404(str(exc.message)) from exc
    context = _detail_context(user, dossier)
    context["just_received"] = request.session.pop(_RECEIPT_READY, None) == dossier.code
    return render(request, "dossiers/detail.html", context)


def _detail_context(
    user: User, dossier: Dossier, *, error_action: DossierAction | None = None, error: DomainError | None = None
) -> dict[str, Any]:
    """What the dossier page and its htmx partials (status, actions) show."""
    actions = available_actions(user, dossier)
    agencies = list(transfer_agencies(dossier)[:200]) if DossierAction.TRANSFER in actions else []
    default_agency = next((a for a in agencies if a.pk == dossier.deciding_agency_id), agencies[0] if agencies else None)
    return {
        "dossier": dossier,
        "actions": actions,
        "action_forms": action_forms(actions, error_action=error_action, error=error),
        "overdue": is_overdue(dossier),
        "handover_late": is_handover_late(dossier),
        "handover": handover_record(dossier),
        "supplement_spent": supplement_spent(dossier),
        # The table allows a request here, but the one request is spent and only a leader may override.
        "supplement_blocked": supplement_spent(dossier)
        and DossierAction.REQUEST_SUPPLEMENT in allowed_actions(DossierStatus(dossier.status))
        and DossierAction.REQUEST_SUPPLEMENT not in actions,
        "agencies": agencies,
        "default_agency": default_agency,
        "receivers": list(transfer_receivers(default_agency)[:200]) if default_agency else [],
        "apology_days": _apology_days(dossier) if DossierAction.APOLOGIZE in actions else [],
        "slip_forms": [SlipForm(s.form) for s in dossier.slips.all()],
        "missing": missing_items(dossier),
        "rating_url": rating_url_for(dossier) if dossier.status in RATABLE_STATUSES and not dossier.rated else "",
        "user_unit": user_unit(user),
        "proposal": _proposal(dossier),
    }


def _proposal(dossier: Dossier) -> dict[str, Any] | None:
    """The specialist's proposal (trình ký) a dossier awaiting decision carries, for the leader
    who decides (from the prefetched events: no query on the dossier page)."""
    if dossier.status != DossierStatus.AWAITING_DECISION:
        return None
    event = next((e for e in reversed(list(dossier.events.all())) if e.action == DossierAction.PROPOSE), None)
    if event is None:
        return None
    proposal = Proposal(event.payload.get("proposal", Proposal.APPROVE))
    return {"label": proposal.label, "event": event, "draft": event.payload.get("draft_result", "")}


def _apology_days(dossier: Dossier, count: int = 15) -> list[date]:
    """The working days (the unit's calendar) offered as the apology's new return date: those
    after the current due date (RULES.md §1.4 row 6)."""
    if dossier.due_at is None:
        return []
    calendar = calendar_for(dossier.receiving_unit)
    days = [calendar.next_working_day(calendar.local(dossier.due_at).date())]
    while len(days) < count:
        days.append(calendar.next_working_day(days[-1]))
    return days


@login_required
@require_GET
def transfer_receivers_options(request: HttpRequest, code: str) -> HttpResponse:
    """htmx: the officers of the chosen agency who may take the dossier (transfer form). Only
    for a person who may transfer this dossier now, only agencies it may go to."""
    user = _staff(request)
    try:
        dossier = dossier_detail(user=user, code=code)
    except NotFound as exc:
        raise Http404(str(exc.message)) from exc
    if not dossier_permission_for(user, dossier, DossierAction.TRANSFER):
        raise DjangoPermissionDenied(_("You do not have permission to do this."))
    raw = request.GET.get("agency_id", "")
    agency = transfer_agencies(dossier).filter(pk=int(raw)).first() if raw.isdigit() else None
    if agency is None:
        raise Http404(_("Choose an agency of this province to transfer the dossier to."))
    receivers = transfer_receivers(agency)[:200]
    return render(request, "dossiers/partials/_receiver_options.html", {"receivers": receivers})


def _parse_datetime(value: str) -> datetime | None:
    for fmt in ("%d/%m/%Y %H:%M", "%Y-%m-%dT%H:%M", "%d/%m/%Y"):
        try:
            parsed = datetime.strptime(value.strip(), fmt)
        except ValueError:
            continue
        if fmt == "%d/%m/%Y":
            parsed = parsed.replace(hour=17)
        return timezone.make_aware(parsed)
    return None


def _parse_new_due(day: str, hour: str, combined: str) -> datetime | None:
    """The apology's new return date: the date (dd/mm/yyyy) and an optional time (hh:mm,
    default the close of office), or one ``dd/mm/yyyy hh:mm`` field (older forms, the API)."""
    if not day.strip():
        return _parse_datetime(combined)
    return _parse_datetime(f"{day.strip()} {hour.strip()}" if hour.strip() else day)


def _parse_step_days(value: str) -> Decimal | None:
    """The step's own time as typed (comma or point); empty means none. Text that is not a
    finite number is refused here, before the service is asked."""
    if not value.strip():
        return None
    try:
        parsed = Decimal(value.strip().replace(",", "."))
    except InvalidOperation:
        parsed = None
    if parsed is None or not parsed.is_finite():
        raise DomainError(
            "step_days_invalid", _("A step needs a positive time."), fields={"step_days": _("Write a number of working days.")}
        )
    return parsed


def _action_error(request: HttpRequest, exc: DomainError) -> None:
    details = "; ".join(str(v) for v in exc.fields.values())
    # The citizen-facing text only; the stable code stays machine-readable (data-code) for support.
    messages.error(request, f"{exc.message} {details}".strip(), extra_tags=str(exc.code))


@login_required
@require_POST
def act(request: HttpRequest, code: str, action: str) -> HttpResponse:
    """Do one action. A plain post redirects to the page (the outcome in a message); an htmx
    post gets the status and actions partials back, an error next to the action's form."""
    user = _staff(request)
    if action not in DossierAction.values:
        raise Http404
    chosen = DossierAction(action)
    post = request.POST

    def as_int(name: str) -> int | None:
        try:
            return int(post[name]) if post.get(name) else None
        except ValueError:
            return None

    try:
        data = ActionInput(
            reason=post.get("reason", ""),
            items=[line for line in post.get("items", "").splitlines() if line.strip()],
            agency_id=as_int("agency_id"),
            receiver_id=as_int("receiver_id"),
            step_days=_parse_step_days(post.get("step_days", "")),
            new_due_at=_parse_new_due(post.get("new_due_date", ""), post.get("new_due_time", ""), post.get("new_due_at", "")),
            fee_amount=as_int("fee_amount"),
            result_summary=post.get("result_summary", ""),
            proposal=Proposal.REJECT if post.get("proposal") == Proposal.REJECT else Proposal.APPROVE,
            override=post.get("override") == "1",
            override_reason=post.get("override_reason", ""),
            confirm=post.get("confirm") == "1",
            documents=[
                DocumentInput(name=post.get("document_name") or f.name or "", content=f.read(), filename=f.name or "")
                for f in request.FILES.getlist("files")
            ],
        )
        # Receiving an online submission gives it its code: follow the dossier to it.
        new_code = dossier_act(actor=user, code=code, action=chosen, data=data).code
    except NotFound as exc:
        raise Http404(str(exc.message)) from exc
    except PermissionDenied as exc:
        raise DjangoPermissionDenied(str(exc.message)) from exc
    except DomainError as exc:
        if request.headers.get("HX-Request"):
            return _actions_partial(request, user, code, error_action=chosen, error=exc)
        _action_error(request, exc)
        return redirect("dossiers:detail", code=code)
    done = _("Done: %(action)s.") % {"action": chosen.label}
    if request.headers.get("HX-Request"):
        if new_code != code:
            messages.success(request, done)
            response = HttpResponse(status=204)
            response["HX-Redirect"] = reverse("dossiers:detail", args=[new_code])
            return response
        return _actions_partial(request, user, new_code, done=done)
    messages.success(request, done)
    return redirect("dossiers:detail", code=new_code)


def _actions_partial(
    request: HttpRequest,
    user: User,
    code: str,
    *,
    error_action: DossierAction | None = None,
    error: DomainError | None = None,
    done: str = "",
) -> HttpResponse:
    """The dossier's status line and actions, read again after the action (htmx swap)."""
    try:
        dossier = dossier_detail(user=user, code=code)
    except NotFound as exc:
        raise Http404(str(exc.message)) from exc
    context = _detail_context(user, dossier, error_action=error_action, error=error) | {"done": done, "oob": True}
    return render(request, "dossiers/partials/_actions.html", context)


@login_required
@require_GET
def slip(request: HttpRequest, code: str, form: str) -> HttpResponse:
    from motcua.dossiers.slips import render_slip_pdf

    user = _staff(request)
    if form not in SlipForm.values or form == SlipForm.TRACKING_BOOK:
        raise Http404
    try:
        dossier = dossier_detail(user=user, code=code)
        pdf = render_slip_pdf(dossier=dossier, form=SlipForm(form))
    except NotFound as exc:
        raise Http404(str(exc.message)) from exc
    except DomainError as exc:
        raise Http404(str(exc.message)) from exc
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{code}-{form}.pdf"'
    return response


@login_required
@require_GET
def document(request: HttpRequest, code: str, doc_id: int) -> HttpResponse:
    """The viewer of one scanned document: the PDF in the browser's own viewer, an image inline,
    previous / next within the dossier, a download link. The file it embeds is the audited read."""
    user = _staff(request)
    try:
        view = document_for_view(user=user, code=code, doc_id=doc_id)
    except NotFound as exc:
        raise Http404(str(exc.message)) from exc
    return render(request, "dossiers/document.html", {"view": view, "dossier": view.dossier, "document": view.document})


@login_required
@require_GET
def document_file(request: HttpRequest, code: str, doc_id: int) -> FileResponse:
    """The scan's bytes, streamed from the storage: inline, or as a file with ``?tai-ve=1``.
    Never cached, never sniffed; every response is one audit row (``selectors.document_content``)."""
    user = _staff(request)
    read = DocumentRead.DOWNLOAD if request.GET.get("tai-ve") else DocumentRead.VIEW
    try:
        content = document_content(user=user, code=code, doc_id=doc_id, read=read, channel="web")
    except NotFound as exc:
        raise Http404(str(exc.message)) from exc
    return document_response(content)


@login_required
@require_GET
def visit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A guided or refused counter visit: its slip, and "Receive" when the applicant is back."""
    user = _staff(request)
    try:
        visit = counter_visit_get(user=user, pk=pk)
    except NotFound as exc:
        raise Http404(str(exc.message)) from exc
    return render(
        request,
        "dossiers/visit.html",
        {"visit": visit, "slip": next(iter(visit.slips.all()), None), "can_receive": user.has_perm(PERM_RECEIVE)},
    )


@login_required
@require_GET
def visit_slip(request: HttpRequest, pk: int) -> HttpResponse:
    from motcua.dossiers.slips import render_visit_slip_pdf

    user = _staff(request)
    try:
        visit = counter_visit_get(user=user, pk=pk)
        pdf = render_visit_slip_pdf(visit=visit)
    except (NotFound, DomainError) as exc:
        raise Http404(str(exc.message)) from exc
    form = "BM02" if visit.outcome == VisitOutcome.GUIDED else "BM03"
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="luot-tiep-{visit.pk}-{form}.pdf"'
    return response


@login_required
@require_GET
def book(request: HttpRequest) -> HttpResponse:
    """BM.06 tracking book of the user's desk for a period, as XLSX or PDF."""
    from motcua.dossiers.slips import render_tracking_book_pdf, render_tracking_book_xlsx

    user = _staff(request)
    if not (user.has_perm(PERM_RECEIVE) or user.has_perm(PERM_DECIDE)):
        raise DjangoPermissionDenied  # the desk keeps the book, the leader reads it; a specialist does neither
    today = timezone.localdate()
    try:
        first = datetime.strptime(request.GET.get("tu", ""), "%d/%m/%Y").date() if request.GET.get("tu") else today.replace(day=1)
        last = datetime.strptime(request.GET.get("den", ""), "%d/%m/%Y").date() if request.GET.get("den") else today
    except ValueError:
        return render(request, "dossiers/book.html", {"error": _("Write dates as dd/mm/yyyy.")}, status=400)
    if last < first:
        return render(request, "dossiers/book.html", {"error": _("The end date is before the start date.")}, status=400)
    start = timezone.make_aware(datetime.combine(first, datetime.min.time()))
    end = timezone.make_aware(datetime.combine(last + timedelta(days=1), datetime.min.time()))
    dossiers = tracking_book(user=user, start=start, end=end)
    fmt = request.GET.get("dinh-dang", "")
    period = f"{first:%d/%m/%Y} – {last:%d/%m/%Y}"
    agency = tracking_book_desk(user=user) or user.staff_profile.agency
    if fmt == "xlsx":
        data = render_tracking_book_xlsx(dossiers=dossiers.iterator(chunk_size=2000), agency=agency, title_period=period)
        response = HttpResponse(data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        response["Content-Disposition"] = f'attachment; filename="so-theo-doi-{first:%Y%m%d}-{last:%Y%m%d}.xlsx"'
        return response
    if fmt == "pdf":
        response = HttpResponse(
            # One book per desk per year: a period within one year prints that book's number.
            render_tracking_book_pdf(
                dossiers=dossiers, agency=agency, title_period=period, book_year=first.year if first.year == last.year else None
            ),
            content_type="application/pdf",
        )
        response["Content-Disposition"] = f'inline; filename="so-theo-doi-{first:%Y%m%d}-{last:%Y%m%d}.pdf"'
        return response
    return render(
        request, "dossiers/book.html", {"first": first, "last": last, "count": dossiers.count(), "rows": dossiers[:200]}
    )


@require_GET
def lookup(request: HttpRequest) -> HttpResponse:
    """Public: status by dossier code plus check digits. The receipt's QR opens it with the code
    only (``slips.lookup_url``): the form is then not bound, so no "required" error shows; the
    code is filled in and the check digits field takes the focus."""
    submitted = "check" in request.GET
    form = LookupForm(request.GET if submitted else None, initial={"code": request.GET.get("code", "")[:60]})
    if not submitted and request.GET.get("code"):
        form.fields["check"].widget.attrs["autofocus"] = True
    result = None
    error = None
    status = 200
    if submitted and form.is_valid():
        try:
            lookup_throttle(request)
            result = lookup_payload(dossier_lookup(code=form.cleaned_data["code"], check=form.cleaned_data["check"]))
        except DomainError as exc:
            error, status = exc, exc.status_code
    elif request.GET.get("check"):
        status = 400
    return render(request, "dossiers/lookup.html", {"form": form, "result": result, "error": error}, status=status)
