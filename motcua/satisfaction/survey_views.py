"""Survey pages (RULES.md §3.1): the respondent's answer page (no login, one-use link) and the
staff pages: campaigns, a new campaign, a campaign's progress and results with its actions
(draw, invite, close), a paper form keyed in, and the XLSX exports. Thin adapters over
``survey_services`` and ``survey_selectors``."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from motcua.core.exceptions import DomainError, NotFound, PermissionDenied
from motcua.core.permissions import SURVEY_MANAGE, SURVEY_RECORD
from motcua.satisfaction.choices import AnswerType, Level, SurveyAction, SurveyStatus
from motcua.satisfaction.exceptions import SatisfactionErrorCode
from motcua.satisfaction.survey_exports import answers_xlsx, results_xlsx
from motcua.satisfaction.survey_selectors import (
    open_members,
    survey_answers,
    survey_get,
    survey_list,
    survey_progress,
    survey_results,
)
from motcua.satisfaction.survey_services import (
    CampaignInput,
    campaign_for,
    member_for_token,
    survey_answer_record,
    survey_answer_submit,
    survey_close,
    survey_create,
    survey_draw,
    survey_invite,
)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _raise_http(exc: DomainError) -> None:
    if isinstance(exc, NotFound):
        raise Http404(str(exc.message)) from exc
    if isinstance(exc, PermissionDenied):
        raise DjangoPermissionDenied(str(exc.message)) from exc


def _posted_answers(request: HttpRequest, questions: list[Any]) -> dict[str, str]:
    return {q.code: request.POST.get(f"q_{q.code}", "") for q in questions if request.POST.get(f"q_{q.code}", "").strip()}


def _form_context(questionnaire: Any) -> dict[str, Any]:
    return {
        "questions": list(questionnaire.questions.all()),
        "levels": list(Level),
        "scale": AnswerType.SCALE,
        "choice": AnswerType.CHOICE,
    }


# --- The respondent's page (public) ------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "POST"])
def survey_answer(request: HttpRequest, token: str) -> HttpResponse:
    member = member_for_token(token)
    if member is None:
        return render(request, "satisfaction/survey_answer.html", {"invalid": True}, status=404)
    campaign = member.campaign
    context: dict[str, Any] = {"campaign": campaign, **_form_context(campaign.questionnaire)}
    if hasattr(member, "response"):
        return render(request, "satisfaction/survey_answer.html", {**context, "already": True})
    if campaign.status == SurveyStatus.CLOSED:
        return render(request, "satisfaction/survey_answer.html", {**context, "closed": True})
    if request.method == "POST":
        answers = _posted_answers(request, context["questions"])
        try:
            survey_answer_submit(token=token, answers=answers)
        except DomainError as exc:
            return render(
                request, "satisfaction/survey_answer.html", {**context, "error": exc, "posted": answers}, status=exc.status_code
            )
        return render(request, "satisfaction/survey_answer.html", {**context, "thanks": True})
    return render(request, "satisfaction/survey_answer.html", context)


# --- Staff pages -------------------------------------------------------------------------------


@login_required
@never_cache
@require_GET
def campaign_list(request: HttpRequest) -> HttpResponse:
    try:
        rows = survey_list(user=request.user)
    except DomainError as exc:
        _raise_http(exc)
        raise
    return render(request, "satisfaction/campaigns.html", {"rows": rows, "can_manage": request.user.has_perm(SURVEY_MANAGE)})


def _date(value: str) -> date | None:
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def campaign_new(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm(SURVEY_MANAGE):
        raise DjangoPermissionDenied
    context: dict[str, Any] = {"values": request.POST}
    if request.method == "POST":
        start, end = _date(request.POST.get("period_start", "")), _date(request.POST.get("period_end", ""))
        try:
            size = int(request.POST.get("sample_size", ""))
        except ValueError:
            size = 0
        seed_text = request.POST.get("seed", "").strip()
        if start is None or end is None or (seed_text and not seed_text.isdigit()):
            context["error"] = DomainError(
                SatisfactionErrorCode.SURVEY_INVALID, _("Enter the period as dates and the seed as a whole number.")
            )
            return render(request, "satisfaction/campaign_new.html", context, status=400)
        try:
            made = survey_create(
                actor=request.user,
                data=CampaignInput(
                    title=request.POST.get("title", ""),
                    period_start=start,
                    period_end=end,
                    sample_size=size,
                    seed=int(seed_text) if seed_text else None,
                ),
            )
        except DomainError as exc:
            _raise_http(exc)
            return render(request, "satisfaction/campaign_new.html", {**context, "error": exc}, status=exc.status_code)
        return redirect("satisfaction:campaign_detail", pk=made.pk)
    return render(request, "satisfaction/campaign_new.html", context)


@login_required
@never_cache
@require_GET
def campaign_detail(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        campaign = survey_get(user=request.user, campaign_id=pk)
    except DomainError as exc:
        _raise_http(exc)
        raise
    context = {
        "campaign": campaign,
        "progress": survey_progress(campaign),
        "results": survey_results(user=request.user, campaign=campaign),
        "can_manage": request.user.has_perm(SURVEY_MANAGE),
        "can_record": request.user.has_perm(SURVEY_RECORD),
        "actions": SurveyAction,
    }
    return render(request, "satisfaction/campaign_detail.html", context)


_ACTIONS = {"rut-mau": survey_draw, "gui-loi-moi": survey_invite, "dong": survey_close}


@login_required
@require_POST
def campaign_act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    service = _ACTIONS.get(action)
    if service is None:
        raise Http404
    try:
        service(actor=request.user, campaign_id=pk)
    except DomainError as exc:
        _raise_http(exc)
        campaign = survey_get(user=request.user, campaign_id=pk)
        context = {
            "campaign": campaign,
            "progress": survey_progress(campaign),
            "results": survey_results(user=request.user, campaign=campaign),
            "can_manage": True,
            "can_record": request.user.has_perm(SURVEY_RECORD),
            "error": exc,
        }
        return render(request, "satisfaction/campaign_detail.html", context, status=exc.status_code)
    return redirect("satisfaction:campaign_detail", pk=pk)


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def campaign_paper(request: HttpRequest, pk: int) -> HttpResponse:
    """Key in a paper form for the sample member whose number it carries (channel "paper")."""
    try:
        campaign = campaign_for(request.user, pk, "record")
    except DomainError as exc:
        _raise_http(exc)
        raise
    context: dict[str, Any] = {"campaign": campaign, **_form_context(campaign.questionnaire)}
    status = 200
    if request.method == "POST":
        answers = _posted_answers(request, context["questions"])
        try:
            number = int(request.POST.get("member", ""))
        except ValueError:
            number = 0
        try:
            survey_answer_record(actor=request.user, campaign_id=pk, member_number=number, answers=answers)
        except DomainError as exc:
            _raise_http(exc)
            context |= {"error": exc, "posted": answers, "chosen": number}
            status = exc.status_code
        else:
            context["saved"] = number
    context["members"] = open_members(user=request.user, campaign=campaign)
    return render(request, "satisfaction/campaign_paper.html", context, status=status)


@login_required
@never_cache
@require_GET
def campaign_results_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        campaign = survey_get(user=request.user, campaign_id=pk)
    except DomainError as exc:
        _raise_http(exc)
        raise
    response = HttpResponse(results_xlsx(survey_results(user=request.user, campaign=campaign)), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="khao-sat-{pk}-ket-qua.xlsx"'
    return response


@login_required
@never_cache
@require_GET
def campaign_answers_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    """The raw answers: nothing about the applicant, but free text may name someone, so audited."""
    try:
        campaign = survey_get(user=request.user, campaign_id=pk)
    except DomainError as exc:
        _raise_http(exc)
        raise
    rows = survey_answers(user=request.user, campaign=campaign, audit=True)
    response = HttpResponse(answers_xlsx(campaign, rows), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="khao-sat-{pk}-phieu.xlsx"'
    return response
