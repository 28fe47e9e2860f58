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


# --- Surveys (RULES.md §3.1: SIPAS-style internal surveys) ------------------------------------


class SurveyElement(models.TextChoices):
    """The SIPAS elements a question belongs to (RULES.md §3.1, 2017–2020 method), plus the
    overall question and "other" for a unit's own questions."""

    ACCESS = "access", _("Access to the service")
    PROCEDURE = "procedure", _("The administrative procedure")
    OFFICIALS = "officials", _("Officials serving")
    RESULT = "result", _("The result")
    FEEDBACK = "feedback", _("Receiving and handling feedback")
    OVERALL = "overall", _("Overall satisfaction")
    OTHER = "other", _("Other")


class AnswerType(models.TextChoices):
    SCALE = "scale", _("Scale 1–5")
    CHOICE = "choice", _("One choice")
    TEXT = "text", _("Free text")


class SurveyStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SAMPLED = "sampled", _("Sample drawn")
    OPEN = "open", _("Open for answers")
    CLOSED = "closed", _("Closed")


class SurveyAction(models.TextChoices):
    CREATE = "create", _("Created")
    DRAW = "draw", _("Sample drawn")
    INVITE = "invite", _("Invitations sent")
    ANSWER = "answer", _("Answer recorded")
    CLOSE = "close", _("Closed")


class ResponseChannel(models.TextChoices):
    WEB = "web", _("Web link (SMS or e-mail)")
    PAPER = "paper", _("Paper, keyed in at the counter")


# "Satisfied" on the 1–5 scale: satisfied + very satisfied, the SIPAS-style share (RULES.md §3.1).
SATISFIED_MIN = 4
