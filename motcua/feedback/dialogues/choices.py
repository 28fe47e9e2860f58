"""Enumerations of dialogues with the people (RULES.md §1.9, Law 10/2022/QH15 Art. 32)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Audience(models.TextChoices):
    CITIZENS = "citizens", _("Citizens")
    BUSINESSES = "businesses", _("Businesses")
    BOTH = "both", _("Citizens and businesses")


class DialogueStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    QUESTIONS_OPEN = "questions_open", _("Taking questions")
    HELD = "held", _("Held, minutes not yet published")
    MINUTES_PUBLISHED = "minutes_published", _("Minutes published")
    CLOSED = "closed", _("Closed")
    CANCELLED = "cancelled", _("Cancelled")


class DialogueAction(models.TextChoices):
    PLAN = "plan", _("Plan the dialogue")
    OPEN_QUESTIONS = "open_questions", _("Open the question form")
    HOLD = "hold", _("Record that the dialogue was held")
    CANCEL = "cancel", _("Cancel the dialogue")
    DRAFT_MINUTES = "draft_minutes", _("Save the draft minutes")
    PUBLISH_MINUTES = "publish_minutes", _("Approve and publish the minutes")
    CLOSE = "close", _("Close (every commitment settled)")
    ASK = "ask", _("Question sent on the public form")
    RECORD_QUESTION = "record_question", _("Record a question")
    ANSWER = "answer", _("Record the answer")
    COMMIT = "commit", _("Record a commitment")
    PROGRESS = "progress", _("Report progress on a commitment")
    COMPLETE = "complete", _("Commitment done")
    DROP = "drop", _("Commitment dropped")


class QuestionTiming(models.TextChoices):
    BEFORE = "before", _("Sent before the dialogue")
    AT_MEETING = "at_meeting", _("Asked at the dialogue")


class QuestionChannel(models.TextChoices):
    WEB = "web", _("Public web form")
    STAFF = "staff", _("Recorded by staff")


class CommitmentStatus(models.TextChoices):
    OPEN = "open", _("Open")
    DONE = "done", _("Done")
    DROPPED = "dropped", _("Dropped")


class CommitmentAction(models.TextChoices):
    PROGRESS = "progress", _("Report progress")
    COMPLETE = "complete", _("Mark done")
    DROP = "drop", _("Drop")


# Dialogues that count for the Art. 32 yearly minimum: planned (not cancelled) or held.
COUNTING_STATUSES = frozenset(
    {
        DialogueStatus.PLANNED,
        DialogueStatus.QUESTIONS_OPEN,
        DialogueStatus.HELD,
        DialogueStatus.MINUTES_PUBLISHED,
        DialogueStatus.CLOSED,
    }
)
# The minutes and the commitments' progress are public in these.
PUBLISHED_STATUSES = frozenset({DialogueStatus.MINUTES_PUBLISHED, DialogueStatus.CLOSED})
