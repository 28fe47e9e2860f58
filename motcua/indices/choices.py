"""Enumerations of the index app (RULES.md §2), with translated labels."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class FormulaKind(models.TextChoices):
    """How an indicator's rate becomes points (RULES.md §2.2); the parameters are data."""

    LINEAR = "linear", _("Points = maximum × rate")
    THRESHOLD = "threshold", _("Maximum from a threshold rate, proportional below it")
    MONITORING = "monitoring", _("Monitoring only: no points")


class Status(models.TextChoices):
    """What an indicator's figure is. An indicator without data is never shown as zero."""

    OK = "ok", _("Computed")
    NO_DATA = "no_data", _("No data in the period")
    NOT_COMPUTABLE = "not_computable", _("Not computable from MotCua's data")


class Part(models.TextChoices):
    NUMERATOR = "numerator", _("Numerator")
    DENOMINATOR = "denominator", _("Denominator")


class ItemKind(models.TextChoices):
    """What an indicator counts (the items lists name them by code)."""

    DOSSIER = "dossier", _("Dossiers")
    PETITION = "petition", _("Petitions")
    PROCEDURE = "procedure", _("Procedures")
