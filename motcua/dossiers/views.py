"""Staff workspace (counter intake, queues, dossier page) and the public look-up: thin
adapters over the services and selectors."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from motcua.catalog.models import Procedure
from motcua.catalog.selectors import procedure_list
from motcua.core.exceptions import DomainError, NotFound, PermissionDenied
from motcua.core.models import Agency
from motcua.core.scoping import user_unit
from motcua.core.text import search_terms
from motcua.dossiers.choices import (
    RATABLE_STATUSES,
    ApplicantKind,
    Channel,
    DossierAction,
    DossierStatus,
    ResultDelivery,
    SlipForm,
    VisitOutcome,
)
from motcua.dossiers.forms import CounterVisitForm, IntakeForm, LookupForm
from motcua.dossiers.models import CounterVisit
from motcua.dossiers.public import lookup_payload, lookup_throttle
from motcua.dossiers.ratings import rating_url_for
from motcua.dossiers.selectors import (
    CounterStats,
    QueueFilter,
    counter_stats,
    counter_visit_get,
    dossier_detail,
    dossier_lookup,
    dossier_queue,
    handover_record,
    is_handover_late,
    is_overdue,
    missing_items,
    queue_count,
    tracking_book,
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
    dossier_receive,
    supplement_spent,
)
from motcua.dossiers.workflow import PERM_DECIDE, PERM_RECEIVE, PERM_VIEW, allowed_actions

# Lazy labels: this dict is built at import time, before any request has chosen a language.
QUEUES = {
    "mine": (gettext_lazy("Assigned to me"), QueueFilter(mine=True)),
    "due-soon": (gettext_lazy("Due within 2 days"), QueueFilter(due_within_days=2)),
    "overdue": (gettext_lazy("Overdue"), QueueFilter(overdue=True)),
    "decide": (gettext_lazy("Awaiting decision"), QueueFilter(awaiting_decision=True)),
    "all": (gettext_lazy("All open"), QueueFilter()),
}


def _staff(request: HttpRequest, perm: str = PERM_VIEW) -> User:
    user = request.user
    if not isinstance(user, User) or not user.has_perm(perm):
        raise DjangoPermissionDenied
    return user


class QueuePaginator(Paginator):  # type: ignore[type-arg]
    """Counts a queue only up to ``QUEUE_COUNT_CAP``; the page then says "more than 1,000"."""

    more = False

    @cached_property
    def count(self) -> int:
        assert isinstance(self.object_list, QuerySet)
        n, self.more = queue_count(self.object_list)
        return n


@login_required
@require_GET
def queue(request: HttpRequest) -> HttpResponse:
    user = _staff(request)
    default = "decide" if user.has_perm(PERM_DECIDE) and not user.has_perm(PERM_RECEIVE) else "mine"
    name = request.GET.get("q_name") or request.GET.get("view") or default
    if name not in QUEUES:
        name = default
    label, flt = QUEUES[name]
    search = request.GET.get("q", "").strip()
    if search:
        flt = QueueFilter(
            mine=flt.mine,
            due_within_days=flt.due_within_days,
            overdue=flt.overdue,
            awaiting_decision=flt.awaiting_decision,
            q=search,
        )
    page = QueuePaginator(dossier_queue(user=user, flt=flt), 50).get_page(request.GET.get("page"))
    now = timezone.now()
    rows = [(d, is_overdue(d, now), is_handover_late(d, now)) for d in page.object_list]
    template = "dossiers/partials/_queue_rows.html" if request.headers.get("HX-Request") else "dossiers/queue.html"
    return render(
        request, template, {"queues": QUEUES, "current": name, "label": label, "page": page, "rows": rows, "search": search}
    )


def _procedure_choices(q: str) -> list[Procedure]:
    """The catalogue's own search (published procedures, accents ignored), first 15 matches."""
    return list(procedure_list(q=q)[:15]) if search_terms(q) else []


@login_required
@require_GET
def procedure_picker(request: HttpRequest) -> HttpResponse:
    """htmx: procedures matching what the officer types (accent-insensitive)."""
    _staff(request, PERM_RECEIVE)
    return render(
        request,
        "dossiers/partials/_procedure_options.html",
        {"procedures": _procedure_choices(request.GET.get("q") or request.GET.get("procedure_q", ""))},
    )


@login_required
@require_GET
def procedure_checklist(request: HttpRequest) -> HttpResponse:
    """htmx: the documents checklist, time limit and fees of the chosen procedure."""
    _staff(request, PERM_RECEIVE)
    procedure = (
        Procedure.objects.filter(code=request.GET.get("procedure_code", "").strip()).prefetch_related("documents", "fees").first()
    )
    return render(request, "dossiers/partials/_checklist.html", {"procedure": procedure})


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
    initial = {
        "applicant_kind": ApplicantKind.PERSON,
        "applicant_name": profile["full_name"],
        "applicant_id_number": profile["personal_id"],
        "applicant_birth_date": profile["birth_date"],
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
    procedure = None
    errors: dict[str, str] = {}
    status = 200
    if request.method == "POST":
        procedure = (
            Procedure.objects.filter(code=request.POST.get("procedure_code", "").strip()).prefetch_related("documents").first()
        )
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
        # Pairs, not the dict: a field named "items" would shadow dict.items in the template.
        "field_errors": list(errors.items()),
        "citizen_id": citizen_id,
        "earlier": earlier,
        "reusable": reusable,
        "visit": visit,
        "outcome_items": request.POST.get("items", ""),
        "outcome_reason": request.POST.get("reason", ""),
        "stats": _counter_stats_rows(user),
    }
    return render(request, "dossiers/intake.html", context, status=status)


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
    actions = available_actions(user, dossier)
    agencies = (
        Agency.objects.select_related("unit")
        .filter(unit__path__startswith=dossier.receiving_unit.path.split("/")[0] + "/")
        .order_by("unit__code", "name")[:200]
    )
    return render(
        request,
        "dossiers/detail.html",
        {
            "dossier": dossier,
            "actions": actions,
            "overdue": is_overdue(dossier),
            "handover_late": is_handover_late(dossier),
            "handover": handover_record(dossier),
            "supplement_spent": supplement_spent(dossier),
            # The table allows a request here, but the one request is spent and only a leader may override.
            "supplement_blocked": supplement_spent(dossier)
            and DossierAction.REQUEST_SUPPLEMENT in allowed_actions(DossierStatus(dossier.status))
            and DossierAction.REQUEST_SUPPLEMENT not in actions,
            "agencies": agencies,
            "slip_forms": [SlipForm(s.form) for s in dossier.slips.all()],
            "missing": missing_items(dossier),
            "rating_url": rating_url_for(dossier) if dossier.status in RATABLE_STATUSES and not dossier.rated else "",
            "user_unit": user_unit(user),
        },
    )


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
    user = _staff(request)
    if action not in DossierAction.values:
        raise Http404
    post = request.POST

    def as_int(name: str) -> int | None:
        try:
            return int(post[name]) if post.get(name) else None
        except ValueError:
            return None

    try:
        step_days = _parse_step_days(post.get("step_days", ""))
    except DomainError as exc:
        _action_error(request, exc)
        return redirect("dossiers:detail", code=code)
    data = ActionInput(
        reason=post.get("reason", ""),
        items=[line for line in post.get("items", "").splitlines() if line.strip()],
        agency_id=as_int("agency_id"),
        receiver_id=as_int("receiver_id"),
        step_days=step_days,
        new_due_at=_parse_datetime(post.get("new_due_at", "")),
        fee_amount=as_int("fee_amount"),
        result_summary=post.get("result_summary", ""),
        override=post.get("override") == "1",
        override_reason=post.get("override_reason", ""),
        documents=[
            DocumentInput(name=post.get("document_name") or f.name or "", content=f.read(), filename=f.name or "")
            for f in request.FILES.getlist("files")
        ],
    )
    try:
        # Receiving an online submission gives it its code: follow the dossier to it.
        code = dossier_act(actor=user, code=code, action=DossierAction(action), data=data).code
    except NotFound as exc:
        raise Http404(str(exc.message)) from exc
    except PermissionDenied as exc:
        raise DjangoPermissionDenied(str(exc.message)) from exc
    except DomainError as exc:
        _action_error(request, exc)
    else:
        messages.success(request, _("Done: %(action)s.") % {"action": DossierAction(action).label})
    return redirect("dossiers:detail", code=code)


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

    user = _staff(request, PERM_RECEIVE)
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
    agency = user.staff_profile.agency
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
    """Public: status by dossier code plus check digits (or from the receipt's QR)."""
    form = LookupForm(request.GET or None)
    result = None
    error = None
    status = 200
    if request.GET and form.is_valid():
        try:
            lookup_throttle(request)
            result = lookup_payload(dossier_lookup(code=form.cleaned_data["code"], check=form.cleaned_data["check"]))
        except DomainError as exc:
            error, status = exc, exc.status_code
    elif request.GET.get("check"):
        status = 400
    return render(request, "dossiers/lookup.html", {"form": form, "result": result, "error": error}, status=status)
