"""The dialogues API (``/api/v1/dialogues``): thin adapters over ``services`` and ``selectors``.

Public (no login): the list, a dialogue (minutes, answers and commitments once published; askers
by initials) and sending a question while the dialogue takes questions. Staff (API key or
session): planning, the lists, a dialogue with its askers (an audited read) and every step.
"""

from __future__ import annotations

from typing import Annotated, Any

from django.contrib.auth.models import User
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Path, Query, Router, Status
from ninja.pagination import LimitOffsetPagination, paginate
from ninja.security import django_auth

from motcua.core.apikeys import ApiKeyAuth
from motcua.core.exceptions import DomainError, PermissionDenied
from motcua.core.schemas import ErrorOut
from motcua.feedback.dialogues.choices import CommitmentAction, CommitmentStatus, DialogueAction
from motcua.feedback.dialogues.exceptions import DialogueErrorCode as E
from motcua.feedback.dialogues.models import Commitment
from motcua.feedback.dialogues.schemas import (
    AnswerIn,
    CommitmentActIn,
    CommitmentIn,
    CommitmentRowOut,
    DialogueActIn,
    DialogueIn,
    DialogueOut,
    DialogueRowOut,
    PublicDialogueOut,
    QuestionAckOut,
    QuestionIn,
)
from motcua.feedback.dialogues.selectors import (
    COMMITMENT_VIEWS,
    TABS,
    PublicDialogue,
    commitment_list,
    dialogue_get,
    dialogue_list,
    dialogue_staff_view,
    public_dialogue,
    public_dialogues,
)
from motcua.feedback.dialogues.services import (
    CommitmentActInput,
    CommitmentInput,
    DialogueInput,
    QuestionInput,
    commitment_act,
    commitment_create,
    dialogue_act,
    dialogue_plan,
    question_answer,
    question_submit,
)
from motcua.feedback.dialogues.workflow import PERM_VIEW, STATUS_ACTIONS

router = Router(tags=["dialogues"], auth=[ApiKeyAuth(), django_auth])
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}
PUBLIC_ERRORS = {400: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}
SEQ = Annotated[int, Path(ge=1, le=100000)]


def _viewer(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User) or not user.has_perm(PERM_VIEW):
        raise PermissionDenied(E.FORBIDDEN, _("You do not have permission to do this."))
    return user


def _owner(commitment: Commitment) -> str:
    if commitment.owner_agency is not None:
        return commitment.owner_agency.name
    user = commitment.owner_user
    return (user.get_full_name() or user.get_username()) if user is not None else ""


def _detail(user: User, code: str) -> dict[str, Any]:
    dialogue = dialogue_get(user=user, code=code[:40], purpose="api")
    view = dialogue_staff_view(user=user, dialogue=dialogue)
    return {
        "code": dialogue.code,
        "title": dialogue.title,
        "audience": dialogue.audience,
        "starts_at": dialogue.starts_at,
        "place": dialogue.place,
        "status": dialogue.status,
        "topic": dialogue.topic,
        "chair": dialogue.chair,
        "co_organiser": dialogue.co_organiser,
        "participants": dialogue.participants,
        "unit_code": dialogue.unit.code,
        "minutes": dialogue.minutes,
        "held_at": dialogue.held_at,
        "minutes_published_at": dialogue.minutes_published_at,
        "cancel_reason": dialogue.cancel_reason,
        "questions": view.questions,
        "commitments": [
            {
                "seq": c.seq,
                "question_seq": c.question.seq if c.question else None,
                "text": c.text,
                "owner_username": c.owner_user.get_username() if c.owner_user else None,
                "owner_agency": c.owner_agency.name if c.owner_agency else None,
                "due_on": c.due_on,
                "status": c.status,
                "overdue": c.pk in view.overdue,
                "progress_note": c.progress_note,
                "drop_reason": c.drop_reason,
                "done_at": c.done_at,
                "evidence_note": c.evidence_note,
                "evidence_link": c.evidence_link,
                "has_evidence_file": bool(c.evidence_file),
                "actions": actions,
            }
            for c, actions in view.commitments
        ],
        "actions": view.actions,
    }


@router.get("", auth=None, response={200: list[PublicDialogueOut], 422: ErrorOut}, summary="Dialogues announced (public)")
def list_public(request: HttpRequest, unit_code: Annotated[str, Query(max_length=10)] = "") -> list[PublicDialogue]:
    return public_dialogues(unit_code=unit_code)


@router.post("", response={201: DialogueOut, **ERRORS}, summary="Plan a dialogue of the caller's commune")
def plan_dialogue(request: HttpRequest, payload: DialogueIn) -> Status[dict[str, Any]]:
    user = _viewer(request)
    if payload.starts_at is None:  # the schema's type admits null
        message = _("Give the date and time.")
        raise DomainError(E.INVALID_DIALOGUE, message, fields={"starts_at": message})
    dialogue = dialogue_plan(actor=user, data=DialogueInput(**payload.model_dump()))
    return Status(201, _detail(user, dialogue.code))


@router.get("/staff", response={200: list[DialogueRowOut], **ERRORS}, summary="The staff list of dialogues (one tab)")
@paginate(LimitOffsetPagination)
def list_staff(request: HttpRequest, view: Annotated[str, Query(max_length=20)] = "upcoming") -> Any:
    user = _viewer(request)
    if view not in TABS:
        raise DomainError(E.INVALID_DIALOGUE, _("Unknown tab: use one of %(tabs)s.") % {"tabs": ", ".join(TABS)}, status_code=400)
    return dialogue_list(user=user, view=view)


@router.get(
    "/commitments", response={200: list[CommitmentRowOut], **ERRORS}, summary="Open commitments: overdue, due soon or all"
)
@paginate(LimitOffsetPagination)
def list_commitments(request: HttpRequest, view: Annotated[str, Query(max_length=20)] = "overdue") -> Any:
    user = _viewer(request)
    if view not in COMMITMENT_VIEWS:
        raise DomainError(
            E.INVALID_COMMITMENT, _("Unknown list: use one of %(tabs)s.") % {"tabs": ", ".join(COMMITMENT_VIEWS)}, status_code=400
        )
    return [
        {
            "dialogue": c.dialogue.code,
            "seq": c.seq,
            "text": c.text,
            "owner": _owner(c),
            "due_on": c.due_on,
            "status": CommitmentStatus(c.status),
        }
        for c in commitment_list(user=user, view=view, now=timezone.now())
    ]


@router.get("/{code}", auth=None, response={200: PublicDialogueOut, **PUBLIC_ERRORS}, summary="A dialogue (public)")
def get_public(request: HttpRequest, code: str) -> PublicDialogue:
    return public_dialogue(code=code[:40])


@router.post(
    "/{code}/questions",
    auth=None,
    response={201: QuestionAckOut, 200: QuestionAckOut, **PUBLIC_ERRORS},
    summary="Send a question before the dialogue (public, while it takes questions)",
)
def ask(request: HttpRequest, code: str, payload: QuestionIn) -> Status[dict[str, Any]]:
    result = question_submit(actor=None, code=code[:40], data=QuestionInput(**payload.model_dump()))
    body = {"dialogue": result.question.dialogue.code, "seq": result.question.seq, "created": result.created}
    return Status(201 if result.created else 200, body)


@router.get("/{code}/staff", response={200: DialogueOut, **ERRORS}, summary="A dialogue with its askers (an audited read)")
def get_staff(request: HttpRequest, code: str) -> dict[str, Any]:
    return _detail(_viewer(request), code)


@router.post("/{code}/actions/{action}", response={200: DialogueOut, **ERRORS}, summary="One status change of the workflow")
def act(request: HttpRequest, code: str, action: DialogueAction, payload: DialogueActIn) -> dict[str, Any]:
    user = _viewer(request)
    if action not in STATUS_ACTIONS:
        raise DomainError(E.ACTION_NOT_ALLOWED, _("This action is not a status change."), status_code=409)
    dialogue_act(actor=user, code=code[:40], action=action, reason=payload.reason, minutes=payload.minutes)
    return _detail(user, code)


@router.post(
    "/{code}/questions/record", response={201: DialogueOut, 200: DialogueOut, **ERRORS}, summary="Record a question (staff)"
)
def record_question(request: HttpRequest, code: str, payload: QuestionIn) -> Status[dict[str, Any]]:
    user = _viewer(request)
    result = question_submit(actor=user, code=code[:40], data=QuestionInput(**payload.model_dump()))
    return Status(201 if result.created else 200, _detail(user, code))


@router.post("/{code}/questions/{seq}/answer", response={200: DialogueOut, **ERRORS}, summary="Record an answer")
def answer(request: HttpRequest, code: str, seq: SEQ, payload: AnswerIn) -> dict[str, Any]:
    user = _viewer(request)
    question_answer(actor=user, code=code[:40], seq=seq, answer=payload.answer, answered_by=payload.answered_by)
    return _detail(user, code)


@router.post("/{code}/commitments", response={201: DialogueOut, **ERRORS}, summary="Record a commitment")
def commit(request: HttpRequest, code: str, payload: CommitmentIn) -> Status[dict[str, Any]]:
    user = _viewer(request)
    commitment_create(actor=user, code=code[:40], data=CommitmentInput(**payload.model_dump()))
    return Status(201, _detail(user, code))


@router.post(
    "/{code}/commitments/{seq}/actions/{action}",
    response={200: DialogueOut, **ERRORS},
    summary="Progress, done (with evidence) or dropped (with a reason)",
)
def commitment_step(
    request: HttpRequest, code: str, seq: SEQ, action: CommitmentAction, payload: CommitmentActIn
) -> dict[str, Any]:
    user = _viewer(request)
    commitment_act(actor=user, code=code[:40], seq=seq, action=action, data=CommitmentActInput(**payload.model_dump()))
    return _detail(user, code)
