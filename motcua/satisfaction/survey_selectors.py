"""Reads of survey campaigns (RULES.md §3.1): the list, progress and results with 95 %
confidence intervals (``stats``), per question and per element, with the per-dossier ratings
(RULES.md §3.2) fed into the elements they match (``template.RATING_ELEMENTS``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.db.models import Count, Q
from django.utils.translation import gettext as _

from motcua.core.audit import audit_record
from motcua.core.models import AdministrativeUnit
from motcua.core.scoping import user_unit_code
from motcua.satisfaction.choices import SATISFIED_MIN, AnswerType, ResponseChannel, SurveyElement, SurveyStatus
from motcua.satisfaction.models import Question, Rating, SurveyCampaign, SurveyMember, SurveyResponse
from motcua.satisfaction.selectors import MIN_GROUP
from motcua.satisfaction.stats import Estimate, estimate
from motcua.satisfaction.survey_services import Actor, _forbidden, campaign_for
from motcua.satisfaction.template import RATING_ELEMENTS, RATING_QUESTIONS
from motcua.satisfaction.workflow import survey_allowed

# The five SIPAS elements: a respondent's "all elements" score is the mean of their scale answers in these.
SIPAS_ELEMENTS = (
    SurveyElement.ACCESS,
    SurveyElement.PROCEDURE,
    SurveyElement.OFFICIALS,
    SurveyElement.RESULT,
    SurveyElement.FEEDBACK,
)


@dataclass(frozen=True)
class CampaignRow:
    campaign: SurveyCampaign
    members: int
    invited: int
    responses: int

    @property
    def response_rate(self) -> float | None:
        return self.responses / self.members if self.members else None


def survey_list(*, user: Actor) -> list[CampaignRow]:
    """The campaigns of the user's units, newest first, with their counts (3 queries at most)."""
    from motcua.core.permissions import SURVEY_VIEW

    if user is None or not user.is_authenticated or not user.has_perm(SURVEY_VIEW):
        raise _forbidden()
    campaigns = (
        SurveyCampaign.objects.restrict(user, "view")
        .select_related("unit", "questionnaire")
        .annotate(
            n_members=Count("members", distinct=True),
            n_invited=Count("members", filter=Q(members__invited_at__isnull=False), distinct=True),
            n_responses=Count("responses", distinct=True),
        )
        .order_by("-created_at", "-id")[:200]
    )
    return [CampaignRow(c, c.n_members, c.n_invited, c.n_responses) for c in campaigns]


def survey_get(*, user: Actor, campaign_id: int) -> SurveyCampaign:
    return campaign_for(user, campaign_id, "view")


@dataclass(frozen=True)
class Progress:
    members: int
    invited: int
    responses: int
    web: int
    paper: int
    allowed: list[str]

    @property
    def response_rate(self) -> float | None:
        return self.responses / self.members if self.members else None


def survey_progress(campaign: SurveyCampaign) -> Progress:
    members = campaign.members.aggregate(n=Count("id"), invited=Count("id", filter=Q(invited_at__isnull=False)))
    by_channel = dict(campaign.responses.values_list("channel").annotate(n=Count("id")).order_by())
    web, paper = by_channel.get(ResponseChannel.WEB, 0), by_channel.get(ResponseChannel.PAPER, 0)
    allowed = [a.value for a in survey_allowed(SurveyStatus(campaign.status))]
    return Progress(members["n"], members["invited"], web + paper, web, paper, allowed)


def open_members(*, user: Actor, campaign: SurveyCampaign) -> list[SurveyMember]:
    """The members who have not answered yet (for keying in a paper form)."""
    return list(
        SurveyMember.objects.restrict(user, "record")
        .filter(campaign=campaign, response__isnull=True)
        .order_by("number")
        .only("id", "number", "procedure_code", "channel", "campaign_id")
    )


@dataclass(frozen=True)
class QuestionResult:
    question: Question
    survey: Estimate | None  # scale questions
    ratings: Estimate | None  # the matching rating question, when one matches (RATING_QUESTIONS)
    answered: int
    choices: dict[str, int] | None  # choice questions: count per option


@dataclass(frozen=True)
class ElementResult:
    element: SurveyElement | None  # None: all five SIPAS elements together
    label: str
    survey: Estimate
    ratings: Estimate
    combined: Estimate


@dataclass(frozen=True)
class Results:
    campaign: SurveyCampaign
    members: int
    responses: int
    response_rate: float | None
    ratings_count: int  # ratings of the unit and months (0 when fewer than MIN_GROUP: not used)
    ratings_suppressed: bool
    questions: list[QuestionResult]
    elements: list[ElementResult]


def _mean(values: list[float]) -> float:
    return sum(values) / len(values)


def _ratings(user: Actor, campaign: SurveyCampaign) -> list[Rating]:
    """The per-dossier ratings of the campaign's unit (and below) for dossiers closed in the
    months the period touches, as the user may see them in aggregate (``restrict``)."""
    codes = AdministrativeUnit.objects.filter(path__startswith=campaign.unit.path).values("code")
    first = campaign.period_start.replace(day=1)
    return list(
        Rating.objects.restrict(user, "aggregate")
        .filter(unit_code__in=codes, month__gte=first, month__lte=campaign.period_end)
        .only("overall", "answers")
    )


def _rating_scores(rating: Rating) -> dict[str, int]:
    """A rating's answers keyed by rating code, with "overall" for its overall level."""
    scores = {code: value for code, value in (rating.answers or {}).items() if isinstance(value, int)}
    scores["overall"] = rating.overall
    return scores


def survey_results(*, user: Actor, campaign: SurveyCampaign) -> Results:
    questions = list(campaign.questionnaire.questions.all())
    responses = list(SurveyResponse.objects.restrict(user, "view").filter(campaign=campaign).only("answers"))
    members = campaign.members.count()
    ratings = _ratings(user, campaign)
    suppressed = 0 < len(ratings) < MIN_GROUP
    if suppressed:
        ratings = []
    rating_scores = [_rating_scores(r) for r in ratings]

    question_rows = []
    for q in questions:
        values = [r.answers[q.code] for r in responses if q.code in r.answers]
        if q.answer_type == AnswerType.SCALE:
            rating_code = next((code for code, target in RATING_QUESTIONS.items() if target == q.code), None)
            matched = estimate([s[rating_code] for s in rating_scores if rating_code in s]) if rating_code else None
            question_rows.append(QuestionResult(q, estimate([float(v) for v in values]), matched, len(values), None))
        elif q.answer_type == AnswerType.CHOICE:
            counts = {option: sum(1 for v in values if v == option) for option in q.options}
            question_rows.append(QuestionResult(q, None, None, len(values), counts))
        else:
            question_rows.append(QuestionResult(q, None, None, len(values), None))

    scale = [q for q in questions if q.answer_type == AnswerType.SCALE]

    def survey_scores(elements: tuple[SurveyElement, ...]) -> list[float]:
        codes = [q.code for q in scale if q.element in elements]
        out = []
        for r in responses:
            mine = [float(r.answers[c]) for c in codes if isinstance(r.answers.get(c), int)]
            if mine:
                out.append(_mean(mine))
        return out

    def ratings_scores(elements: tuple[SurveyElement, ...]) -> list[float]:
        out = []
        for s in rating_scores:
            mine = [float(v) for code, v in s.items() if RATING_ELEMENTS.get(code) in elements]
            if mine:
                out.append(_mean(mine))
        return out

    element_rows = []
    groups: list[tuple[SurveyElement | None, str, tuple[SurveyElement, ...]]] = [
        (element, str(element.label), (element,)) for element in SurveyElement if element != SurveyElement.OTHER
    ]
    groups.append((None, _("All five SIPAS elements"), SIPAS_ELEMENTS))
    for element, label, members_of in groups:
        s, r = survey_scores(members_of), ratings_scores(members_of)
        element_rows.append(ElementResult(element, label, estimate(s, satisfied_min=SATISFIED_MIN), estimate(r), estimate(s + r)))
    n = len(responses)
    return Results(
        campaign=campaign,
        members=members,
        responses=n,
        response_rate=n / members if members else None,
        ratings_count=len(ratings),
        ratings_suppressed=suppressed,
        questions=question_rows,
        elements=element_rows,
    )


@dataclass(frozen=True)
class AnswerRow:
    number: int
    procedure_code: str
    channel: str
    response_channel: str
    answered_on: date
    answers: dict[str, int | str]


def survey_answers(*, user: Actor, campaign: SurveyCampaign, audit: bool = False) -> list[AnswerRow]:
    """The raw answers, one row per response, without anything about the applicant. Free-text
    answers may still name someone, so an export (``audit``) is recorded as ``survey.export_answers``."""
    rows = (
        SurveyResponse.objects.restrict(user, "view")
        .filter(campaign=campaign)
        .select_related("member")
        .order_by("member__number")
    )
    out = [
        AnswerRow(r.member.number, r.member.procedure_code, r.member.channel, r.channel, r.answered_on, dict(r.answers))
        for r in rows
    ]
    if audit:
        with transaction.atomic():
            audit_record(
                action="survey.export_answers",
                actor=user,
                unit_code=user_unit_code(user),
                object_type="survey_campaign",
                object_id=campaign.pk,
                data={"rows": len(out)},
            )
    return out
