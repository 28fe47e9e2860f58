"""The indicator table of Decision 766 and the grade bands, as data (RULES.md §2.2, §2.3).

RULES.md §2.3: "Treat the indicator list as data, not code." Each row holds an indicator's
maximum points, how its rate becomes points (``formula`` and ``parameters``) and whether that
formula is confirmed by the sources; an administrator edits them in the Django admin. What an
indicator *counts* is code (``indices/measures.py``), chosen by the row's ``code``; a row whose
code has no measure is shown as "not computable".
"""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from motcua.indices.choices import FormulaKind


class Indicator(models.Model):
    code = models.CharField(_("code"), max_length=12, unique=True, help_text=_("As in RULES.md §2.2, e.g. 2.1"))
    group = models.PositiveSmallIntegerField(_("group"), validators=[MinValueValidator(1), MaxValueValidator(6)])
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    portal_key = models.CharField(_("national-portal key"), max_length=60, blank=True)
    name_vi = models.CharField(_("name (Vietnamese)"), max_length=300)
    name_en = models.CharField(_("name (English)"), max_length=300)
    formula = models.CharField(_("formula"), max_length=12, choices=FormulaKind.choices, default=FormulaKind.LINEAR)
    parameters = models.JSONField(_("formula parameters"), default=dict, blank=True)
    max_points = models.DecimalField(
        _("maximum points"), max_digits=5, decimal_places=2, default=Decimal(0), validators=[MinValueValidator(0)]
    )
    confirmed = models.BooleanField(
        _("formula confirmed"), default=True, help_text=_("Unticked where RULES.md marks the formula as not confirmed.")
    )
    notes = models.TextField(_("notes"), blank=True)
    active = models.BooleanField(_("counted in the index"), default=True)

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["group", "position", "code"]
        permissions = [("view_indicator_items", "See the dossiers and petitions behind an indicator of the units in scope")]
        constraints = [
            models.CheckConstraint(condition=Q(group__gte=1) & Q(group__lte=6), name="indices_indicator_group_range"),
            models.CheckConstraint(condition=Q(formula__in=FormulaKind.values), name="indices_indicator_formula_valid"),
            models.CheckConstraint(condition=Q(max_points__gte=0), name="indices_indicator_max_non_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def name(self) -> str:
        return self.name_en if (get_language() or "vi").startswith("en") else self.name_vi


class Grade(models.Model):
    """A grade band (Tốt / Khá / Trung bình / Yếu): a score at or above ``min_score`` (percent of
    the points that could be computed) and below the next band. RULES.md §2.3 marks the bands
    [NF]; the seeded ones are the [L] values from memory, to be confirmed."""

    code = models.SlugField(_("code"), max_length=20, unique=True)
    name_vi = models.CharField(_("name (Vietnamese)"), max_length=60)
    name_en = models.CharField(_("name (English)"), max_length=60)
    min_score = models.DecimalField(
        _("from score (percent)"), max_digits=5, decimal_places=2, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )

    class Meta:
        verbose_name = _("grade")
        verbose_name_plural = _("grades")
        ordering = ["-min_score"]
        constraints = [
            models.UniqueConstraint(fields=["min_score"], name="indices_grade_min_unique"),
            models.CheckConstraint(condition=Q(min_score__gte=0) & Q(min_score__lte=100), name="indices_grade_min_range"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.name_en if (get_language() or "vi").startswith("en") else self.name_vi
