"""The petitions API (``/api/v1/petitions``): thin adapters over ``services`` and ``selectors``."""

from __future__ import annotations

from typing import Annotated, Any

from django.contrib.auth.models import User
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Status
from ninja.pagination import LimitOffsetPagination, paginate
from ninja.security import django_auth

from motcua.catalog.models import Procedure
from motcua.core.apikeys import ApiKeyAuth
from motcua.core.exceptions import DomainError, NotFound, PermissionDenied
from motcua.core.schemas import ErrorOut
from motcua.feedback.choices import PetitionAction, PetitionChannel
from motcua.feedback.exceptions import PetitionErrorCode
from motcua.feedback.models import Petition
from motcua.feedback.schemas import (
    AnswerTemplateOut,
    PetitionActIn,
    PetitionIn,
    PetitionOut,
    PetitionRowOut,
    PublicPetitionOut,
    SimilarPetitionOut,
)
from motcua.feedback.selectors import (
    QUEUES,
    PublicPetition,
    SimilarPetition,
    answer_template_render,
    answer_templates_for,
    petition_actions,
    petition_get,
    petition_queue,
    published_petitions,
    receiving_unit,
    similar_petitions,
)
from motcua.feedback.services import ActInput, PetitionInput, petition_act, petition_submit
from motcua.feedback.workflow import PERM_PROCESS, PERM_VIEW

router = Router(tags=["petitions"], auth=[ApiKeyAuth(), django_auth])
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}
STAFF_ACTIONS = [
    a
    for a in PetitionAction
    if a not in (PetitionAction.RECEIVE, PetitionAction.ADD_VOICE, PetitionAction.JUDGE, PetitionAction.REOPEN)
]


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def _viewer(request: HttpRequest) -> User:
    user = _user(request)
    if not user.has_perm(PERM_VIEW):
        raise PermissionDenied(PetitionErrorCode.FORBIDDEN, _("You do not have permission to do this."))
    return user


def _detail(user: User, petition: Petition) -> Petition:
    petition.actions = petition_actions(user=user, petition=petition)  # type: ignore[attr-defined]  # schema field
    return petition


@router.post("", response={201: PetitionOut, 200: PetitionOut, **ERRORS}, summary="Receive a petition from another system")
def create_petition(request: HttpRequest, payload: PetitionIn) -> Status[Petition]:
    user = _user(request)
    result = petition_submit(actor=user, data=PetitionInput(**payload.model_dump(), channel=PetitionChannel.API))
    return Status(
        201 if result.created else 200, _detail(user, petition_get(user=user, code=result.petition.code, purpose="api"))
    )


@router.get("", response={200: list[PetitionRowOut], **ERRORS}, summary="The reception book (one tab), no personal data")
@paginate(LimitOffsetPagination)
def list_petitions(request: HttpRequest, view: Annotated[str, Query(max_length=20)] = "open") -> Any:
    user = _viewer(request)
    if view not in QUEUES:
        raise DomainError(
            PetitionErrorCode.INVALID_PETITION,
            _("Unknown tab: use one of %(tabs)s.") % {"tabs": ", ".join(QUEUES)},
            status_code=400,
        )
    return petition_queue(user=user, view=view, now=timezone.now())


@router.get(
    "/published", auth=None, response={200: list[PublicPetitionOut], 422: ErrorOut}, summary="Published answers (Art. 19), public"
)
def list_published(
    request: HttpRequest, unit_code: Annotated[str, Query(max_length=10)] = "", q: Annotated[str, Query(max_length=200)] = ""
) -> list[PublicPetition]:
    return published_petitions(unit_code=unit_code, q=q)


@router.get(
    "/similar",
    auth=None,
    response={200: list[SimilarPetitionOut], 404: ErrorOut, 422: ErrorOut},
    summary="Petitions like this text (duplicates and +1), public",
)
def list_similar(
    request: HttpRequest,
    unit_code: Annotated[str, Query(max_length=10)],
    title: Annotated[str, Query(max_length=200)] = "",
    content: Annotated[str, Query(max_length=5000)] = "",
    procedure_code: Annotated[str, Query(max_length=40)] = "",
    place: Annotated[str, Query(max_length=200)] = "",
    officer_named: Annotated[str, Query(max_length=150)] = "",
    taking_voices: bool = True,
) -> list[SimilarPetition]:
    """Up to 3 petitions of the commune like this text: open ones, and those answered, forwarded
    or closed in the last 90 days (``taking_voices`` keeps those that still take a "+1"). No
    personal data. 404 when no current commune has ``unit_code``."""
    unit = receiving_unit(unit_code)
    if unit is None:
        raise NotFound(PetitionErrorCode.UNIT_NOT_FOUND, _("No commune has the code %(code)s.") % {"code": unit_code})
    procedure = Procedure.objects.filter(code=procedure_code).first() if procedure_code else None
    return similar_petitions(
        unit=unit,
        title=title,
        content=content,
        procedure=procedure,
        place=place,
        officer_named=officer_named,
        taking_voices=taking_voices,
    )


@router.get("/{code}", response={200: PetitionOut, **ERRORS}, summary="A petition with the petitioner (an audited read)")
def get_petition(request: HttpRequest, code: str) -> Petition:
    user = _viewer(request)
    return _detail(user, petition_get(user=user, code=code[:60], purpose="api"))


@router.post("/{code}/actions/{action}", response={200: PetitionOut, **ERRORS}, summary="One action of the petition workflow")
def act_petition(request: HttpRequest, code: str, action: PetitionAction, payload: PetitionActIn) -> Petition:
    user = _viewer(request)
    if action not in STAFF_ACTIONS:
        raise DomainError(PetitionErrorCode.ACTION_NOT_ALLOWED, _("This action is not a staff action."), status_code=409)
    petition_act(actor=user, code=code[:60], action=action, data=ActInput(**payload.model_dump()))
    return _detail(user, petition_get(user=user, code=code[:60], purpose="api"))


@router.get(
    "/{code}/answer-templates",
    response={200: list[AnswerTemplateOut], 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="The answer templates of the petition's content category, filled in for it",
)
def list_answer_templates(request: HttpRequest, code: str) -> list[dict[str, Any]]:
    """National templates and those of the petition's commune or a unit above it, of its
    content category (every category while it has none); for those who draft answers."""
    user = _viewer(request)
    if not user.has_perm(PERM_PROCESS):
        raise PermissionDenied(PetitionErrorCode.FORBIDDEN, _("You do not have permission to do this."))
    petition = petition_get(user=user, code=code[:60], purpose="api")
    rows: list[dict[str, Any]] = []
    for template in answer_templates_for(petition=petition):
        row: dict[str, Any] = {
            "id": template.pk,
            "category": template.category,
            "title": template.title,
            "unit_code": template.unit.code if template.unit else None,
            "body": template.body,
            "text": None,
            "problem": "",
        }
        try:
            row["text"] = answer_template_render(petition=petition, template=template)
        except DomainError as exc:
            row["problem"] = str(exc.message)
        rows.append(row)
    return rows
