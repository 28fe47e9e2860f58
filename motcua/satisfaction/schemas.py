"""API schemas of survey campaigns (RULES.md §3.1)."""

from __future__ import annotations

from datetime import date

from ninja import Field, Schema


class SurveyCampaignIn(Schema):
    title: str = Field(max_length=200)
    period_start: date
    period_end: date
    sample_size: int = Field(ge=1, le=5000)
    seed: int | None = Field(default=None, ge=0, lt=2**62)
    unit_code: str = Field(default="", max_length=10)
    questionnaire_code: str = Field(default="sipas", max_length=40)


class SurveyStratumOut(Schema):
    procedure: str
    channel: str
    population: int
    sample: int


class SurveyCampaignOut(Schema):
    id: int
    title: str
    unit_code: str
    period_start: date
    period_end: date
    status: str
    sample_size: int
    seed: int | None
    population: int
    strata: list[SurveyStratumOut]
    members: int
    invited: int
    responses: int
    response_rate: float | None
    allowed_actions: list[str]


class SurveyAnswerIn(Schema):
    member: int = Field(ge=1)
    answers: dict[str, int | str]


class SurveyAnswerOut(Schema):
    member: int
    channel: str


class SurveyEstimateOut(Schema):
    n: int
    mean: float | None
    mean_low: float | None
    mean_high: float | None
    satisfied: float | None
    satisfied_low: float | None
    satisfied_high: float | None


class SurveyElementOut(Schema):
    element: str  # "all": the five SIPAS elements together
    label: str
    survey: SurveyEstimateOut
    ratings: SurveyEstimateOut
    combined: SurveyEstimateOut


class SurveyQuestionOut(Schema):
    code: str
    element: str
    text: str
    answer_type: str
    answered: int
    survey: SurveyEstimateOut | None
    ratings: SurveyEstimateOut | None  # the matching per-dossier rating question, if one matches
    choices: dict[str, int] | None


class SurveyResultsOut(Schema):
    campaign: int
    members: int
    responses: int
    response_rate: float | None
    ratings_count: int
    elements: list[SurveyElementOut]
    questions: list[SurveyQuestionOut]
