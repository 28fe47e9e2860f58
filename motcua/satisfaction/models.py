"""Ratings (RULES.md §3.2). A rating keeps the unit, agency, procedure and month it is about
and, since indicator 5.4 of Decision 766 needs each dossier's "dislike", a link to its dossier.
The link is never shown to the handling officer: staff read ratings only as aggregates of at
least 5 (``selectors.rating_aggregates``); a leader of the unit may drill down to individual
ratings, and each drill-down is audited (``selectors.rating_drilldown``). No reverse accessor
exists on ``Dossier``, so a dossier page cannot reach its rating by accident.
``dossier_key`` (an HMAC of the dossier id) enforces one rating per dossier, also for ratings
made before the link existed."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from motcua.core.permissions import RATING_AGGREGATE_VIEW, RATING_DRILLDOWN
from motcua.core.querysets import RestrictedManager, Scope, ScopeRule, Via
from motcua.satisfaction.choices import Level, RatingChannel


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
