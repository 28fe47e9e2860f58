"""Ratings (RULES.md §3.2). A rating keeps the unit, agency, procedure and month it is about
and, since indicator 5.4 of Decision 766 needs each dossier's "dislike", a link to its dossier.
The link is never shown to the handling officer: staff read ratings only as aggregates of at
least 5 (``selectors.rating_aggregates``); a leader of the unit may drill down to individual
ratings, and each drill-down is audited (``selectors.rating_drilldown``). No reverse accessor
exists on ``Dossier``, so a dossier page cannot reach its rating by accident.
``dossier_key`` (an HMAC of the dossier id) enforces one rating per dossier, also for ratings
made before the link existed."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from motcua.core.permissions import RATING_AGGREGATE_VIEW, RATING_DRILLDOWN, SURVEY_MANAGE, SURVEY_RECORD, SURVEY_VIEW
from motcua.core.querysets import AppendOnlyModel, RestrictedManager, Scope, ScopeRule, Via
from motcua.satisfaction.choices import (
    AnswerType,
    Level,
    RatingChannel,
    ResponseChannel,
    SurveyAction,
    SurveyElement,
    SurveyStatus,
)


class RatingCriterion(models.Model):
    """A configurable question of the per-dossier rating (answered on the same 5-level scale)."""

    code = models.SlugField(max_length=40, unique=True)
    text = models.CharField(_("question"), max_length=300)
    position = models.PositiveSmallIntegerField(default=0)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["position", "code"]
        verbose_name = _("rating criterion")
        verbose_name_plural = _("rating criteria")

    def __str__(self) -> str:
        return self.text


class Rating(models.Model):
    dossier_key = models.CharField(max_length=64, unique=True)
    # Null: rated before the link existed and not matched by the back-fill, or the dossier was deleted.
    dossier = models.OneToOneField(
        "dossiers.Dossier", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("dossier")
    )
    unit_code = models.CharField(max_length=10, db_index=True)
    agency_id = models.BigIntegerField(null=True)
    procedure_code = models.CharField(max_length=40)
    month = models.DateField(help_text="first day of the month the dossier was closed (returned, refused or stopped)")
    overall = models.PositiveSmallIntegerField(choices=Level.choices)
    answers = models.JSONField(default=dict, blank=True)
    comment = models.TextField(blank=True)
    channel = models.CharField(max_length=8, choices=RatingChannel.choices)
    created_at = models.DateField(auto_now_add=True)  # a date only: the time could re-identify

    objects = RestrictedManager()
    # "aggregate": counts of the units in scope (groups of at least 5); "drilldown": single
    # ratings, for a leader (the selectors also require the leader role).
    scope = Scope(
        {
            "aggregate": ScopeRule(RATING_AGGREGATE_VIEW, (Via("code", "unit_code"),)),
            "drilldown": ScopeRule(RATING_DRILLDOWN, (Via("code", "unit_code"),)),
        }
    )

    class Meta:
        verbose_name = _("rating")
        verbose_name_plural = _("ratings")
        permissions = [
            ("view_rating_aggregate", "See rating aggregates (groups of at least 5) of the units in scope"),
            ("drilldown_rating", "See individual ratings of a dossier or unit (leaders of the unit; audited)"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(overall__gte=1) & Q(overall__lte=5), name="satisfaction_rating_overall_range"),
            models.CheckConstraint(condition=Q(channel__in=RatingChannel.values), name="satisfaction_rating_channel_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.unit_code} {self.month:%m/%Y} {self.overall}"


# --- Surveys (RULES.md §3.1, docs/satisfaction.md "Surveys") ----------------------------------


class Questionnaire(models.Model):
    """A configurable survey questionnaire: ordered questions grouped by SIPAS element. The
    template ``sipas`` is created by migration 0004; a unit administrator copies or edits it in
    the admin."""

    code = models.SlugField(max_length=40, unique=True)
    title = models.CharField(_("title"), max_length=200)
    intro = models.TextField(_("introduction"), blank=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("questionnaire")
        verbose_name_plural = _("questionnaires")

    def __str__(self) -> str:
        return self.title


class Question(models.Model):
    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    code = models.SlugField(_("code"), max_length=40)
    element = models.CharField(_("element"), max_length=12, choices=SurveyElement.choices)
    text = models.CharField(_("question"), max_length=300)
    answer_type = models.CharField(_("answer type"), max_length=8, choices=AnswerType.choices, default=AnswerType.SCALE)
    # For a "choice" question: the options, one string each.
    options = models.JSONField(_("options"), default=list, blank=True)
    required = models.BooleanField(_("required"), default=True)

    class Meta:
        ordering = ["questionnaire", "position", "id"]
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        constraints = [
            models.UniqueConstraint(fields=["questionnaire", "code"], name="satisfaction_question_code_unique"),
            models.CheckConstraint(condition=Q(element__in=SurveyElement.values), name="satisfaction_question_element_valid"),
            models.CheckConstraint(condition=Q(answer_type__in=AnswerType.values), name="satisfaction_question_type_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.text}"


_VIA_UNIT = (Via("unit", "unit"),)
_VIA_CAMPAIGN_UNIT = (Via("path", "campaign__unit__path"),)


class SurveyCampaign(models.Model):
    """A survey of one unit (a commune) about the dossiers returned in a period, by a sample of
    their applicants. The draw's size, seed and strata are recorded so it can be repeated
    (``services.survey_draw``); the status moves only through ``workflow.survey_next``."""

    unit = models.ForeignKey("core.AdministrativeUnit", on_delete=models.PROTECT, related_name="+", verbose_name=_("unit"))
    title = models.CharField(_("title"), max_length=200)
    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.PROTECT, related_name="campaigns")
    period_start = models.DateField(_("dossiers returned from"))
    period_end = models.DateField(_("dossiers returned until (included)"))
    sample_size = models.PositiveIntegerField(_("sample size"))
    seed = models.BigIntegerField(_("random seed"), null=True, blank=True)
    population = models.PositiveIntegerField(default=0)  # distinct applicants in the frame
    strata = models.JSONField(default=list, blank=True)  # [{"procedure", "channel", "population", "sample"}]
    status = models.CharField(_("status"), max_length=8, choices=SurveyStatus.choices, default=SurveyStatus.DRAFT)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = RestrictedManager()
    scope = Scope(
        {
            "view": ScopeRule(SURVEY_VIEW, _VIA_UNIT),
            "manage": ScopeRule(SURVEY_MANAGE, _VIA_UNIT),
            "record": ScopeRule(SURVEY_RECORD, _VIA_UNIT),
        }
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("survey campaign")
        verbose_name_plural = _("survey campaigns")
        permissions = [
            ("manage_surveycampaign", "Create survey campaigns, draw the sample, send invitations, close"),
            ("record_surveyresponse", "Key in a paper survey answer at the counter"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(period_end__gte=models.F("period_start")), name="satisfaction_campaign_period"),
            models.CheckConstraint(condition=Q(sample_size__gte=1), name="satisfaction_campaign_sample_size"),
            models.CheckConstraint(condition=Q(status__in=SurveyStatus.values), name="satisfaction_campaign_status_valid"),
        ]

    def __str__(self) -> str:
        return self.title


class SurveyMember(models.Model):
    """One sampled applicant of a campaign (never twice: ``applicant_key`` is an HMAC of the
    applicant's ID number). The dossier gives the stratum and the contact for the invitation;
    nothing about the applicant is copied here."""

    campaign = models.ForeignKey(SurveyCampaign, on_delete=models.PROTECT, related_name="members")
    number = models.PositiveIntegerField()  # printed on the paper form
    dossier = models.ForeignKey("dossiers.Dossier", null=True, on_delete=models.SET_NULL, related_name="+")
    applicant_key = models.CharField(max_length=64)
    procedure_code = models.CharField(max_length=40)
    channel = models.CharField(max_length=12)  # the dossier's channel (the stratum)
    invited_at = models.DateTimeField(null=True, blank=True)
    invited_via = models.CharField(max_length=8, blank=True)  # "sms", "email" or "" (paper only)

    objects = RestrictedManager()
    scope = Scope({"view": ScopeRule(SURVEY_VIEW, _VIA_CAMPAIGN_UNIT), "record": ScopeRule(SURVEY_RECORD, _VIA_CAMPAIGN_UNIT)})

    class Meta:
        ordering = ["campaign", "number"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "applicant_key"], name="satisfaction_member_applicant_unique"),
            models.UniqueConstraint(fields=["campaign", "number"], name="satisfaction_member_number_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id} #{self.number}"


class SurveyResponse(models.Model):
    """The answers of one sample member (one at most: the one-to-one refuses a second)."""

    member = models.OneToOneField(SurveyMember, on_delete=models.PROTECT, related_name="response")
    campaign = models.ForeignKey(SurveyCampaign, on_delete=models.PROTECT, related_name="responses")
    channel = models.CharField(max_length=8, choices=ResponseChannel.choices)
    answers = models.JSONField(default=dict)  # {question code: 1–5 | option | text}
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    answered_on = models.DateField(auto_now_add=True)  # a date only, as for ratings

    objects = RestrictedManager()
    scope = Scope({"view": ScopeRule(SURVEY_VIEW, _VIA_CAMPAIGN_UNIT)})

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(channel__in=ResponseChannel.values), name="satisfaction_response_channel_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id} #{self.member_id}"


class SurveyEvent(AppendOnlyModel):
    """The campaign's append-only log: every state change, in the transaction that makes it."""

    campaign = models.ForeignKey(SurveyCampaign, on_delete=models.PROTECT, related_name="events")
    action = models.CharField(max_length=8, choices=SurveyAction.choices)
    from_status = models.CharField(max_length=8, choices=SurveyStatus.choices, blank=True)
    to_status = models.CharField(max_length=8, choices=SurveyStatus.choices)
    at = models.DateTimeField()
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    actor_label = models.CharField(max_length=150, blank=True)
    payload = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["campaign", "at", "id"]
