from django.db import models
from django.utils.translation import gettext_lazy as _


class Level(models.IntegerChoices):
    """The five satisfaction levels (RULES.md §3.2)."""

    VERY_UNSATISFIED = 1, _("Very unsatisfied")
    UNSATISFIED = 2, _("Unsatisfied")
    NEUTRAL = 3, _("Neutral")
    SATISFIED = 4, _("Satisfied")
    VERY_SATISFIED = 5, _("Very satisfied")


# What indicator 5.4 of Decision 766 counts as a "dislike" (RULES.md §2.2, §3.2). The national
# portal asks like/dislike; on our 5-level scale the two unsatisfied levels are the dislike,
# "neutral" is not (docs/satisfaction.md).
DISLIKE_LEVELS = frozenset({Level.VERY_UNSATISFIED, Level.UNSATISFIED})


class RatingChannel(models.TextChoices):
    KIOSK = "kiosk", _("Kiosk at the counter")
    QR = "qr", _("QR code or link")
