"""Survey campaigns JSON API under /api/v1/surveys (RULES.md §3.1): thin adapters over
``survey_services`` and ``survey_selectors``; the same permissions and scope as the pages."""

from __future__ import annotations

from dataclasses import asdict

from django.contrib.auth.models import User
from django.http import HttpRequest
from ninja import Router, Status
from ninja.security import django_auth

from motcua.core.apikeys import ApiKeyAuth
from motcua.core.schemas import ErrorOut
from motcua.satisfaction.models import SurveyCampaign
from motcua.satisfaction.schemas import SurveyAnswerIn, SurveyAnswerOut, SurveyCampaignIn, SurveyCampaignOut, SurveyResultsOut
from motcua.satisfaction.survey_selectors import Results, survey_get, survey_list, survey_progress, survey_results
from motcua.satisfaction.survey_services import (
    CampaignInput,
    survey_answer_record,
    survey_close,
    survey_create,
    survey_draw,
    survey_invite,
)

router = Router(tags=["surveys"], auth=[ApiKeyAuth(), django_auth])
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def _out(campaign: SurveyCampaign) -> dict[str, object]:
    progress = survey_progress(campaign)
    return {
        "id": campaign.pk,
        "title": campaign.title,
        "unit_code": campaign.unit.code,
        "period_start": campaign.period_start,
        "period_end": campaign.period_end,
        "status": campaign.status,
        "sample_size": campaign.sample_size,
        "seed": campaign.seed,
        "population": campaign.population,
        "strata": campaign.strata,
        "members": progress.members,
        "invited": progress.invited,
        "responses": progress.responses,
        "response_rate": progress.response_rate,
        "allowed_actions": progress.allowed,
    }


@router.get("/campaigns", response={200: list[SurveyCampaignOut], **ERRORS}, summary="Survey campaigns of my units")
def list_campaigns(request: HttpRequest) -> list[dict[str, object]]:
    return [_out(row.campaign) for row in survey_list(user=_user(request))]


@router.post("/campaigns", response={201: SurveyCampaignOut, **ERRORS}, summary="Create a campaign (draft)")
def create_campaign(request: HttpRequest, payload: SurveyCampaignIn) -> Status[dict[str, object]]:
    user = _user(request)
    made = survey_create(actor=user, data=CampaignInput(**payload.model_dump()))
    return Status(201, _out(survey_get(user=user, campaign_id=made.pk)))


@router.get("/campaigns/{campaign_id}", response={200: SurveyCampaignOut, **ERRORS}, summary="One campaign and its progress")
def get_campaign(request: HttpRequest, campaign_id: int) -> dict[str, object]:
    return _out(survey_get(user=_user(request), campaign_id=campaign_id))


@router.post("/campaigns/{campaign_id}/draw", response={200: SurveyCampaignOut, **ERRORS}, summary="Draw the stratified sample")
def draw_sample(request: HttpRequest, campaign_id: int) -> dict[str, object]:
    user = _user(request)
    survey_draw(actor=user, campaign_id=campaign_id)
    return _out(survey_get(user=user, campaign_id=campaign_id))


@router.post("/campaigns/{campaign_id}/invite", response={200: SurveyCampaignOut, **ERRORS}, summary="Send the invitations")
def send_invitations(request: HttpRequest, campaign_id: int) -> dict[str, object]:
    user = _user(request)
    survey_invite(actor=user, campaign_id=campaign_id)
    return _out(survey_get(user=user, campaign_id=campaign_id))


@router.post("/campaigns/{campaign_id}/close", response={200: SurveyCampaignOut, **ERRORS}, summary="Close the campaign")
def close_campaign(request: HttpRequest, campaign_id: int) -> dict[str, object]:
    user = _user(request)
    survey_close(actor=user, campaign_id=campaign_id)
    return _out(survey_get(user=user, campaign_id=campaign_id))


@router.post("/campaigns/{campaign_id}/answers", response={201: SurveyAnswerOut, **ERRORS}, summary="Record a paper form")
def record_answer(request: HttpRequest, campaign_id: int, payload: SurveyAnswerIn) -> Status[dict[str, object]]:
    response = survey_answer_record(
        actor=_user(request), campaign_id=campaign_id, member_number=payload.member, answers=payload.answers
    )
    return Status(201, {"member": payload.member, "channel": response.channel})


def _results(results: Results) -> dict[str, object]:
    return {
        "campaign": results.campaign.pk,
        "members": results.members,
        "responses": results.responses,
        "response_rate": results.response_rate,
        "ratings_count": results.ratings_count,
        "elements": [
            {
                "element": row.element.value if row.element else "all",
                "label": row.label,
                "survey": asdict(row.survey),
                "ratings": asdict(row.ratings),
                "combined": asdict(row.combined),
            }
            for row in results.elements
        ],
        "questions": [
            {
                "code": q.question.code,
                "element": q.question.element,
                "text": q.question.text,
                "answer_type": q.question.answer_type,
                "answered": q.answered,
                "survey": asdict(q.survey) if q.survey else None,
                "ratings": asdict(q.ratings) if q.ratings else None,
                "choices": q.choices,
            }
            for q in results.questions
        ],
    }


@router.get("/campaigns/{campaign_id}/results", response={200: SurveyResultsOut, **ERRORS}, summary="Results with 95% intervals")
def get_results(request: HttpRequest, campaign_id: int) -> dict[str, object]:
    user = _user(request)
    return _results(survey_results(user=user, campaign=survey_get(user=user, campaign_id=campaign_id)))
