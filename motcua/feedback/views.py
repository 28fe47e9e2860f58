"""Petition pages: thin adapters over ``services`` and ``selectors``.

Public (no login): the reception channels (Art. 13), the web form, the published answers
(Art. 19) and the petitioner's look-up with the verdict on the answer. Staff: the reception
book (queue with tabs and counts), recording a written or telephone petition, a petition's page
with only the actions allowed now.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from motcua.catalog.models import Procedure
from motcua.core import throttle
from motcua.core.exceptions import DomainError, NotFound, PermissionDenied
from motcua.core.permissions import ANSWER_TEMPLATE_MANAGE, staff_with_permission
from motcua.core.scoping import ALL, scope_allows, scope_root_path, user_unit
from motcua.dossiers.public import lookup_throttle
from motcua.feedback.answer_services import TemplateInput, answer_template_save
from motcua.feedback.answer_templates import PLACEHOLDERS
from motcua.feedback.choices import PetitionAction, PetitionChannel, PetitionKind, Verdict
from motcua.feedback.exceptions import PetitionErrorCode
from motcua.feedback.forms import AnswerTemplateForm, ClassifyForm, LookupForm, PetitionForm, VerdictForm
from motcua.feedback.models import AnswerTemplate, Petition
from motcua.feedback.selectors import (
    QUEUES,
    answer_template_get,
    answer_template_list,
    answer_template_pick,
    answer_template_render,
    answer_templates_for,
    petition_actions,
    petition_events,
    petition_get,
    petition_lookup,
    petition_queue,
    petition_queue_counts,
    published_petitions,
    receiving_unit,
    reception_desks,
    similar_petitions,
    submission_seen,
)
from motcua.feedback.services import (
    ActInput,
    PetitionInput,
    petition_act,
    petition_add_voice,
    petition_judge,
    petition_submit,
)
from motcua.feedback.workflow import PERM_RECEIVE, PERM_VIEW

A = PetitionAction
# The form of each staff action on the petition page (fields beyond the reason).
ACTION_FIELDS: dict[PetitionAction, tuple[str, ...]] = {
    A.CLASSIFY: ("classification", "category", "report_class", "kind"),
    A.REFUSE: ("reason",),
    A.FORWARD: ("forwarded_to", "reason"),
    A.REQUEST_INFO: ("reason",),
    A.SUPPLEMENT: ("reason",),
    A.START: (),
    A.DRAFT_ANSWER: ("answer",),
    A.APPROVE: (),
    A.RETURN_FOR_REWORK: ("reason",),
    A.PUBLISH: (),
    A.MERGE: ("merge_into",),
    A.CLOSE: (),
}
# The main action of each status comes first on the page.
MAIN_ACTION_ORDER = (A.CLASSIFY, A.START, A.DRAFT_ANSWER, A.APPROVE, A.PUBLISH, A.SUPPLEMENT, A.CLOSE)


def _staff(request: HttpRequest, perm: str = PERM_VIEW) -> User:
    return staff_with_permission(request, perm)


def _form_errors(form: Any, exc: DomainError) -> None:
    for name, message in exc.fields.items():
        key = name if name in form.fields else None
        form.add_error(key, str(message))
    if not exc.fields:
        form.add_error(None, str(exc.message))


def _input(cleaned: dict[str, Any], channel: PetitionChannel) -> PetitionInput:
    return PetitionInput(
        title=cleaned["title"],
        content=cleaned["content"],
        channel=channel,
        kind=PetitionKind(cleaned["kind"]),
        petitioner_name=cleaned["petitioner_name"],
        petitioner_address=cleaned["petitioner_address"],
        petitioner_phone=cleaned["petitioner_phone"],
        petitioner_email=cleaned["petitioner_email"],
        unit_code=cleaned.get("unit_code", ""),
        procedure_code=cleaned["procedure_code"].strip(),
        dossier_code=cleaned["dossier_code"].strip(),
        place=cleaned["place"],
        officer_named=cleaned["officer_named"],
        idempotency_key=cleaned["idempotency_key"],
    )


# --- Public --------------------------------------------------------------------------------


@require_GET
def channels(request: HttpRequest) -> HttpResponse:
    """Where and how to send a petition (Art. 13): address, hotline, e-mail, this website."""
    return render(request, "feedback/channels.html", {"desks": reception_desks(), "site": request.build_absolute_uri("/")})


def _suggestions(params: Any) -> list[Any]:
    """Up to 3 similar petitions that still take a "+1", for what the citizen has typed so far
    (``params``: the form's data)."""
    unit = receiving_unit(str(params.get("unit_code", ""))[:10])
    title, content = str(params.get("title", ""))[:200], str(params.get("content", ""))[:20000]
    if unit is None or len((title + content).strip()) < 10:
        return []
    code = str(params.get("procedure_code", "")).strip()[:40]
    return similar_petitions(
        unit=unit,
        title=title,
        content=content,
        procedure=Procedure.objects.filter(code=code).first() if code else None,
        place=str(params.get("place", ""))[:200],
        officer_named=str(params.get("officer_named", ""))[:150],
        taking_voices=True,
    )


@require_http_methods(["GET", "POST"])
def submit(request: HttpRequest) -> HttpResponse:
    """The web form. Before a petition is filed, similar ones that still take voices are shown
    (as the citizen types, through htmx, and at the latest here on sending): the citizen adds a
    "+1" to one of them, or sends the petition anyway ("confirm_new")."""
    units = [(a.unit.code, a.unit.name) for a in reception_desks()]
    if request.method == "POST":
        form = PetitionForm(request.POST, units=units)
        if form.is_valid():
            cleaned = form.cleaned_data
            suggestions = []
            if not request.POST.get("confirm_new") and not submission_seen(
                unit_code=cleaned["unit_code"], idempotency_key=cleaned["idempotency_key"]
            ):
                suggestions = _suggestions(cleaned)
            if suggestions:
                return render(request, "feedback/submit.html", {"form": form, "similar": suggestions, "before_filing": True})
            try:
                result = petition_submit(actor=None, data=_input(cleaned, PetitionChannel.WEB))
            except DomainError as exc:
                _form_errors(form, exc)
            else:
                return render(
                    request, "feedback/thanks.html", {"petition": result.petition}, status=201 if result.created else 200
                )
        return render(request, "feedback/submit.html", {"form": form, "similar": _suggestions(request.POST)}, status=400)
    initial = {"idempotency_key": uuid.uuid4().hex, "unit_code": request.GET.get("xa", "")}
    return render(request, "feedback/submit.html", {"form": PetitionForm(initial=initial, units=units)})


@require_GET
def similar(request: HttpRequest) -> HttpResponse:
    """The htmx partial of the web form: similar petitions for what has been typed."""
    return render(request, "feedback/partials/_similar.html", {"similar": _suggestions(request.GET)})


VOICE_LIMIT = 20  # "+1"s per client address per 10 minutes


@require_POST
def voice(request: HttpRequest) -> HttpResponse:
    """The "+1" button ("Tôi cũng gặp vấn đề này"): the citizen's name and phone from the form, added as a voice
    to the petition chosen instead of filing a new one (once per phone)."""
    units = [(a.unit.code, a.unit.name) for a in reception_desks()]
    form = PetitionForm(request.POST, units=units)
    form.is_valid()  # for re-displaying what was typed; the service checks the name and phone
    code = request.POST.get("voice_for", "")[:40]
    try:
        if throttle.count_hit("petition-voice", request.META.get("REMOTE_ADDR", ""), window_seconds=600) > VOICE_LIMIT:
            raise DomainError(
                PetitionErrorCode.TOO_MANY_VOICES,
                _("Too many requests from this address. Try again in a few minutes."),
                status_code=429,
            )
        result = petition_add_voice(
            code=code, name=request.POST.get("petitioner_name", "")[:150], phone=request.POST.get("petitioner_phone", "")[:20]
        )
    except DomainError as exc:
        form = PetitionForm(request.POST, units=units)
        form.is_valid()
        _form_errors(form, exc)
        context = {"form": form, "similar": _suggestions(request.POST), "before_filing": True}
        return render(request, "feedback/submit.html", context, status=exc.status_code)
    return render(request, "feedback/voiced.html", {"petition": result.petition, "added": result.added})


@require_GET
def published(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "")[:200]
    unit_code = request.GET.get("xa", "")[:10]
    rows = published_petitions(unit_code=unit_code, q=q)
    return render(request, "feedback/published.html", {"rows": rows, "q": q, "unit_code": unit_code, "desks": reception_desks()})


@require_GET
def lookup(request: HttpRequest) -> HttpResponse:
    # A link in a message carries the code only: the form opens with it, waiting for the digits.
    if request.GET.get("code") and "check" in request.GET:
        form = LookupForm(request.GET)
    else:
        form = LookupForm(initial={"code": request.GET.get("code", "")[:40]})
    context: dict[str, Any] = {"form": form}
    status = 200
    if form.is_bound and form.is_valid():
        try:
            lookup_throttle(request)
            result = petition_lookup(code=form.cleaned_data["code"], check=form.cleaned_data["check"])
        except DomainError as exc:
            context["error"] = exc.message
            status = exc.status_code
        else:
            context["result"] = result
            if result.status == "published" and not result.judged:
                context["verdict_form"] = VerdictForm(initial={"code": result.code, "check": form.cleaned_data["check"]})
    return render(request, "feedback/lookup.html", context, status=status)


@require_POST
def judge(request: HttpRequest) -> HttpResponse:
    form = VerdictForm(request.POST)
    if not form.is_valid():
        return render(request, "feedback/lookup.html", {"form": LookupForm(), "error": _first_error(form)}, status=400)
    try:
        lookup_throttle(request)
        petition = petition_judge(
            code=form.cleaned_data["code"],
            check=form.cleaned_data["check"],
            verdict=Verdict(form.cleaned_data["verdict"]),
            reason=form.cleaned_data["reason"],
        )
    except DomainError as exc:
        return render(request, "feedback/lookup.html", {"form": LookupForm(), "error": exc.message}, status=exc.status_code)
    return render(
        request, "feedback/judged.html", {"code": petition.code, "reopened": petition.reopen_count and not petition.verdict}
    )


def _first_error(form: Any) -> str:
    for errors in form.errors.values():
        return str(errors[0])
    return ""


# --- Staff ---------------------------------------------------------------------------------


@login_required
@require_GET
def book(request: HttpRequest) -> HttpResponse:
    user = _staff(request)
    view = request.GET.get("view", "open")
    if view not in QUEUES:
        view = "open"
    now = timezone.now()
    page = Paginator(petition_queue(user=user, view=view, now=now), 50).get_page(request.GET.get("page"))
    counts = petition_queue_counts(user=user, now=now)
    tabs = [(key, label, counts[key]) for key, (label, _q) in QUEUES.items()]
    return render(request, "feedback/book.html", {"page": page, "tabs": tabs, "current": view, "now": now})


@login_required
@require_http_methods(["GET", "POST"])
def record(request: HttpRequest) -> HttpResponse:
    """The officer writes down a petition given at the counter, by post or on the hotline."""
    user = _staff(request, PERM_RECEIVE)
    if request.method == "POST":
        form = PetitionForm(request.POST, staff=True)
        if form.is_valid():
            try:
                result = petition_submit(
                    actor=user, data=_input(form.cleaned_data, PetitionChannel(form.cleaned_data["channel"]))
                )
            except PermissionDenied as exc:
                raise DjangoPermissionDenied(str(exc.message)) from exc
            except DomainError as exc:
                _form_errors(form, exc)
            else:
                return redirect("feedback:detail", code=result.petition.code)
        return render(request, "feedback/record.html", {"form": form}, status=400)
    return render(
        request, "feedback/record.html", {"form": PetitionForm(initial={"idempotency_key": uuid.uuid4().hex}, staff=True)}
    )


def _answer_picker(petition: Petition, chosen: str) -> dict[str, Any]:
    """The template picker of the draft form: the templates offered for the petition and, when
    one is chosen (``?mau=<id>``), its text filled in, or the problem of its placeholders."""
    context: dict[str, Any] = {"answer_templates": answer_templates_for(petition=petition), "chosen_template": chosen}
    if chosen:
        try:
            template = answer_template_pick(petition=petition, template_id=chosen[:20])
            context["answer_prefill"] = answer_template_render(petition=petition, template=template)
        except DomainError as exc:
            context["template_error"] = exc.message
    return context


def _detail_context(user: User, code: str, *, chosen_template: str = "") -> dict[str, Any]:
    try:
        petition = petition_get(user=user, code=code)
    except NotFound as exc:
        raise Http404(str(exc.message)) from exc
    allowed = petition_actions(user=user, petition=petition)
    ordered = [a for a in MAIN_ACTION_ORDER if a in allowed] + [a for a in allowed if a not in MAIN_ACTION_ORDER]
    actions = [{"action": a, "label": A(a).label, "fields": ACTION_FIELDS.get(A(a), ())} for a in ordered]
    picker = _answer_picker(petition, chosen_template) if A.DRAFT_ANSWER in allowed else {}
    duplicates = similar_petitions(
        unit=petition.unit,
        title=petition.title,
        content=petition.content,
        procedure=petition.procedure,
        place=petition.place,
        officer_named=petition.officer_named,
        exclude=petition,
    )
    return {
        **picker,
        "petition": petition,
        "duplicates": duplicates,
        "can_merge": str(A.MERGE) in allowed,
        "events": petition_events(petition=petition),
        "actions": actions,
        "classify_form": ClassifyForm(
            initial={
                "classification": petition.classification,
                "category": petition.category,
                "report_class": petition.report_class,
                "kind": petition.kind,
            }
        ),
        "now": timezone.now(),
    }


@login_required
@require_GET
def detail(request: HttpRequest, code: str) -> HttpResponse:
    user = _staff(request)
    context = _detail_context(user, code, chosen_template=request.GET.get("mau", ""))
    return render(request, "feedback/detail.html", context, status=400 if context.get("template_error") else 200)


@login_required
@require_POST
def act(request: HttpRequest, code: str, action: str) -> HttpResponse:
    user = _staff(request)
    try:
        chosen = A(action)
    except ValueError as exc:
        raise Http404 from exc
    if chosen in (A.REOPEN, A.RECEIVE, A.ADD_VOICE, A.JUDGE):
        raise Http404
    data = ActInput(
        reason=request.POST.get("reason", ""),
        classification=request.POST.get("classification", ""),
        category=request.POST.get("category", ""),
        report_class=request.POST.get("report_class", ""),
        kind=request.POST.get("kind", ""),
        forwarded_to=request.POST.get("forwarded_to", ""),
        answer=request.POST.get("answer", ""),
        merge_into=request.POST.get("merge_into", ""),
    )
    try:
        petition_act(actor=user, code=code, action=chosen, data=data)
    except NotFound as exc:
        raise Http404(str(exc.message)) from exc
    except PermissionDenied as exc:
        raise DjangoPermissionDenied(str(exc.message)) from exc
    except DomainError as exc:
        context = _detail_context(user, code)
        context.update(error=exc, error_action=chosen, posted=request.POST)
        return render(request, "feedback/detail.html", context, status=exc.status_code)
    return redirect("feedback:detail", code=code)


# --- Answer templates (staff: the unit's leader and administrator) ----------------------------


def _template_units(user: User) -> list[tuple[str, str]]:
    """Where a new template may apply: the user's unit; for a system administrator also the
    nation (every commune) and any current unit is typed in the admin instead."""
    choices: list[tuple[str, str]] = []
    unit = user_unit(user)
    if unit is not None:
        choices.append((unit.code, unit.name))
    if scope_root_path(user) == ALL:
        choices.insert(0, ("", _("National (every commune)")))
    return choices


def _template_units_with(user: User, template: AnswerTemplate) -> list[tuple[str, str]]:
    choices = _template_units(user)
    if template.unit is not None and template.unit.code not in {code for code, _name in choices}:
        choices.append((template.unit.code, template.unit.name))
    return choices


@login_required
@require_GET
def templates(request: HttpRequest) -> HttpResponse:
    user = _staff(request, ANSWER_TEMPLATE_MANAGE)
    rows = [(t, scope_allows(user, t, "manage")) for t in answer_template_list(user=user)]
    return render(request, "feedback/templates.html", {"rows": rows})


def _template_input(cleaned: dict[str, Any]) -> TemplateInput:
    return TemplateInput(
        category=cleaned["category"],
        title=cleaned["title"],
        body=cleaned["body"],
        active=bool(cleaned["active"]),
        unit_code=cleaned["unit_code"],
    )


def _template_form_page(
    request: HttpRequest, user: User, form: AnswerTemplateForm, template: AnswerTemplate | None, status: int = 200
) -> HttpResponse:
    context = {"form": form, "template": template, "placeholders": [(name, str(text)) for name, text in PLACEHOLDERS.items()]}
    return render(request, "feedback/template_form.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def template_create(request: HttpRequest) -> HttpResponse:
    user = _staff(request, ANSWER_TEMPLATE_MANAGE)
    units = _template_units(user)
    if request.method == "POST":
        form = AnswerTemplateForm(request.POST, units=units)
        if form.is_valid():
            try:
                answer_template_save(actor=user, data=_template_input(form.cleaned_data))
            except NotFound as exc:
                raise Http404(str(exc.message)) from exc
            except DomainError as exc:
                _form_errors(form, exc)
            else:
                return redirect("feedback:templates")
        return _template_form_page(request, user, form, None, status=400)
    unit = user_unit(user)
    form = AnswerTemplateForm(initial={"unit_code": unit.code if unit else "", "active": True}, units=units)
    return _template_form_page(request, user, form, None)


@login_required
@require_http_methods(["GET", "POST"])
def template_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = _staff(request, ANSWER_TEMPLATE_MANAGE)
    try:
        template = answer_template_get(user=user, template_id=pk)
    except NotFound as exc:
        raise Http404(str(exc.message)) from exc
    units = _template_units_with(user, template)
    if request.method == "POST":
        form = AnswerTemplateForm(request.POST, units=units)
        if form.is_valid():
            try:
                answer_template_save(actor=user, data=_template_input(form.cleaned_data), template_id=template.pk)
            except NotFound as exc:
                raise Http404(str(exc.message)) from exc
            except DomainError as exc:
                _form_errors(form, exc)
            else:
                return redirect("feedback:templates")
        return _template_form_page(request, user, form, template, status=400)
    initial = {
        "unit_code": template.unit.code if template.unit else "",
        "category": template.category,
        "title": template.title,
        "body": template.body,
        "active": template.active,
    }
    return _template_form_page(request, user, AnswerTemplateForm(initial=initial, units=units), template)
