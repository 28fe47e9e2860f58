"""Dialogue pages: thin adapters over ``services`` and ``selectors``.

Public (no login): the dialogues of a commune, a dialogue with its question form while it takes
questions, and its published minutes with the commitments' progress (askers by initials only).
Staff (``/doi-thoai/quan-ly/``): the list with tabs, overdue and due-soon commitments and the
Art. 32 warning; planning; a dialogue's page with only the actions allowed now.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from motcua.core.exceptions import DomainError, NotFound, PermissionDenied
from motcua.core.permissions import staff_with_permission
from motcua.feedback.dialogues.choices import CommitmentAction, DialogueAction
from motcua.feedback.dialogues.forms import AnswerForm, CommitmentActForm, CommitmentForm, PlanForm, QuestionForm
from motcua.feedback.dialogues.selectors import (
    TABS,
    commitment_counts,
    commitment_get,
    commitment_list,
    dialogue_get,
    dialogue_list,
    dialogue_staff_view,
    dialogue_tab_counts,
    public_dialogue,
    public_dialogues,
    public_units,
    yearly_minimum,
)
from motcua.feedback.dialogues.services import (
    MAX_EVIDENCE_BYTES,
    CommitmentActInput,
    CommitmentInput,
    DialogueInput,
    EvidenceFile,
    QuestionInput,
    commitment_act,
    commitment_create,
    dialogue_act,
    dialogue_plan,
    dialogue_save_minutes,
    question_answer,
    question_submit,
)
from motcua.feedback.dialogues.workflow import PERM_MANAGE, PERM_VIEW, STATUS_ACTIONS

A = DialogueAction
C = CommitmentAction


MAX_SEQ = 100000  # a question or commitment number beyond any dialogue's (and the database's int)


def _seq(seq: int) -> int:
    if not 1 <= seq <= MAX_SEQ:
        raise Http404
    return seq


def _staff(request: HttpRequest, perm: str = PERM_VIEW) -> User:
    return staff_with_permission(request, perm)


def _form_errors(form: Any, exc: DomainError) -> None:
    for name, message in exc.fields.items():
        form.add_error(name if name in form.fields else None, str(message))
    if not exc.fields:
        form.add_error(None, str(exc.message))


def _question_input(cleaned: dict[str, Any]) -> QuestionInput:
    return QuestionInput(
        text=cleaned["text"],
        asker_name=cleaned["asker_name"],
        asker_address=cleaned["asker_address"],
        asker_phone=cleaned["asker_phone"],
        idempotency_key=cleaned["idempotency_key"],
    )


# --- Public --------------------------------------------------------------------------------


@require_GET
def public_list(request: HttpRequest) -> HttpResponse:
    unit_code = request.GET.get("xa", "")[:10]
    return render(
        request,
        "feedback/dialogues/public_list.html",
        {"rows": public_dialogues(unit_code=unit_code), "units": public_units(), "unit_code": unit_code},
    )


def _public_or_404(code: str) -> Any:
    try:
        return public_dialogue(code=code[:40])
    except NotFound as exc:
        raise Http404(str(exc.message)) from exc


@require_http_methods(["GET", "POST"])
def public_detail(request: HttpRequest, code: str) -> HttpResponse:
    dialogue = _public_or_404(code)
    form = QuestionForm(initial={"idempotency_key": uuid.uuid4().hex})
    status = 200
    if request.method == "POST":
        form = QuestionForm(request.POST)
        status = 400
        if form.is_valid():
            try:
                result = question_submit(actor=None, code=dialogue.code, data=_question_input(form.cleaned_data))
            except DomainError as exc:
                _form_errors(form, exc)
                status = exc.status_code
            else:
                return render(
                    request,
                    "feedback/dialogues/thanks.html",
                    {"dialogue": dialogue, "question": result.question},
                    status=201 if result.created else 200,
                )
    return render(request, "feedback/dialogues/public_detail.html", {"dialogue": dialogue, "form": form}, status=status)


@require_GET
def public_minutes(request: HttpRequest, code: str) -> HttpResponse:
    dialogue = _public_or_404(code)
    if not dialogue.minutes_published:
        raise Http404
    return render(request, "feedback/dialogues/public_minutes.html", {"dialogue": dialogue, "today": timezone.localdate()})


# --- Staff ---------------------------------------------------------------------------------


@login_required
@require_GET
def staff_list(request: HttpRequest) -> HttpResponse:
    user = _staff(request)
    view = request.GET.get("view", "upcoming")
    if view not in TABS:
        view = "upcoming"
    now = timezone.now()
    counts = dialogue_tab_counts(user=user)
    return render(
        request,
        "feedback/dialogues/staff_list.html",
        {
            "rows": dialogue_list(user=user, view=view)[:200],
            "tabs": [(key, label, counts[key]) for key, (label, _q) in TABS.items()],
            "current": view,
            "overdue": commitment_list(user=user, view="overdue", now=now)[:100],
            "due_soon": commitment_list(user=user, view="due_soon", now=now)[:100],
            "commitment_counts": commitment_counts(user=user, now=now),
            "minimum": yearly_minimum(user=user, now=now),
            "can_manage": user.has_perm(PERM_MANAGE),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def plan(request: HttpRequest) -> HttpResponse:
    user = _staff(request, PERM_MANAGE)
    form = PlanForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            starts_at = timezone.make_aware(datetime.combine(data["day"], data["time"]))
            try:
                dialogue = dialogue_plan(
                    actor=user,
                    data=DialogueInput(
                        title=data["title"],
                        topic=data["topic"],
                        starts_at=starts_at,
                        place=data["place"],
                        chair=data["chair"],
                        audience=data["audience"],
                        co_organiser=data["co_organiser"],
                        participants=data["participants"],
                    ),
                )
            except PermissionDenied as exc:
                raise DjangoPermissionDenied(str(exc.message)) from exc
            except DomainError as exc:
                _form_errors(form, exc)
            else:
                return redirect("dialogues:staff_detail", code=dialogue.code)
        return render(request, "feedback/dialogues/plan.html", {"form": form}, status=400)
    return render(request, "feedback/dialogues/plan.html", {"form": form})


def _detail_context(user: User, code: str, **extra: Any) -> dict[str, Any]:
    try:
        dialogue = dialogue_get(user=user, code=code[:40])
    except NotFound as exc:
        raise Http404(str(exc.message)) from exc
    view = dialogue_staff_view(user=user, dialogue=dialogue)
    context: dict[str, Any] = {
        "view": view,
        "dialogue": dialogue,
        "question_form": QuestionForm(public=False, prefix="q"),
        "commitment_form": CommitmentForm(prefix="c"),
        "action_labels": {str(a): a.label for a in A},
        "commitment_labels": {str(a): a.label for a in C},
        "today": timezone.localdate(),
    }
    context.update(extra)
    return context


@login_required
@require_GET
def staff_detail(request: HttpRequest, code: str) -> HttpResponse:
    user = _staff(request)
    return render(request, "feedback/dialogues/staff_detail.html", _detail_context(user, code))


def _run(request: HttpRequest, code: str, write: Callable[[User], object], *, where: str) -> HttpResponse:
    """Call one service for a staff POST; a refusal shows the dialogue's page with the error."""
    user = _staff(request)
    try:
        write(user)
    except NotFound as exc:
        raise Http404(str(exc.message)) from exc
    except PermissionDenied as exc:
        raise DjangoPermissionDenied(str(exc.message)) from exc
    except DomainError as exc:
        context = _detail_context(user, code, error=exc, error_where=where, posted=request.POST)
        return render(request, "feedback/dialogues/staff_detail.html", context, status=exc.status_code)
    return redirect("dialogues:staff_detail", code=code)


@login_required
@require_POST
def act(request: HttpRequest, code: str, action: str) -> HttpResponse:
    try:
        chosen = A(action)
    except ValueError as exc:
        raise Http404 from exc
    if chosen not in STATUS_ACTIONS:
        raise Http404
    return _run(
        request,
        code,
        lambda user: dialogue_act(
            actor=user, code=code, action=chosen, reason=request.POST.get("reason", ""), minutes=request.POST.get("minutes", "")
        ),
        where=str(chosen),
    )


@login_required
@require_POST
def save_minutes(request: HttpRequest, code: str) -> HttpResponse:
    return _run(
        request,
        code,
        lambda user: dialogue_save_minutes(actor=user, code=code, minutes=request.POST.get("minutes", "")),
        where="draft_minutes",
    )


@login_required
@require_POST
def record_question(request: HttpRequest, code: str) -> HttpResponse:
    form = QuestionForm(request.POST, public=False, prefix="q")
    if not form.is_valid():
        user = _staff(request)
        context = _detail_context(user, code, question_form=form)
        return render(request, "feedback/dialogues/staff_detail.html", context, status=400)
    return _run(
        request,
        code,
        lambda user: question_submit(actor=user, code=code, data=_question_input(form.cleaned_data)),
        where="question",
    )


@login_required
@require_POST
def answer(request: HttpRequest, code: str, seq: int) -> HttpResponse:
    _seq(seq)
    form = AnswerForm(request.POST)
    return _run(
        request,
        code,
        lambda user: question_answer(
            actor=user,
            code=code,
            seq=seq,
            answer=form.data.get("answer", "")[:20000],
            answered_by=form.data.get("answered_by", "")[:200],
        ),
        where=f"answer-{seq}",
    )


def _owner(value: str) -> tuple[str, int | None]:
    kind, _sep, ref = value.partition(":")
    if kind == "agency" and ref.isdigit():
        return "", int(ref)
    if kind == "user" and ref:
        return ref, None
    return "", None


@login_required
@require_POST
def commit(request: HttpRequest, code: str) -> HttpResponse:
    form = CommitmentForm(request.POST, prefix="c")
    if not form.is_valid():
        user = _staff(request)
        context = _detail_context(user, code, commitment_form=form)
        return render(request, "feedback/dialogues/staff_detail.html", context, status=400)
    username, agency_id = _owner(form.cleaned_data["owner"])
    data = CommitmentInput(
        text=form.cleaned_data["text"],
        due_on=form.cleaned_data["due_on"],
        owner_username=username,
        owner_agency_id=agency_id,
        question_seq=form.cleaned_data["question"],
    )
    return _run(request, code, lambda user: commitment_create(actor=user, code=code, data=data), where="commitment")


@login_required
@require_POST
def commitment_action(request: HttpRequest, code: str, seq: int, action: str) -> HttpResponse:
    _seq(seq)
    try:
        chosen = C(action)
    except ValueError as exc:
        raise Http404 from exc
    form = CommitmentActForm(request.POST, request.FILES)
    upload = request.FILES.get("file")
    evidence = None
    if upload is not None:  # one byte past the limit is enough for the service to refuse it
        evidence = EvidenceFile(name=str(upload.name or ""), content=upload.read(MAX_EVIDENCE_BYTES + 1))
    data = CommitmentActInput(
        note=form.data.get("note", "")[:5000],
        link=form.data.get("link", "")[:600],
        reason=form.data.get("reason", "")[:2000],
        file=evidence,
    )
    return _run(
        request, code, lambda user: commitment_act(actor=user, code=code, seq=seq, action=chosen, data=data), where=f"ck-{seq}"
    )


@login_required
@require_GET
def evidence(request: HttpRequest, code: str, seq: int) -> FileResponse:
    """The evidence file of a commitment (staff of the unit)."""
    user = _staff(request)
    try:
        commitment = commitment_get(user=user, code=code[:40], seq=_seq(seq))
    except NotFound as exc:
        raise Http404(str(exc.message)) from exc
    if not commitment.evidence_file:
        raise Http404
    return FileResponse(
        commitment.evidence_file.open("rb"), as_attachment=True, filename=commitment.evidence_file_name or "minh-chung"
    )
