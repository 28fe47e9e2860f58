"""Typed API schemas of the dialogues domain; every text bounded and refused when it carries a
control character (``SafeStr``). Public schemas carry no asker's personal data."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from django.utils.translation import gettext as _
from ninja import Field, Schema
from pydantic import AfterValidator
from pydantic_core import PydanticCustomError

from motcua.core.validation import MAX_IDEMPOTENCY_KEY, MAX_REASON_LENGTH, BoundedDatetime, SafeStr, max_length
from motcua.feedback.dialogues.choices import (
    Audience,
    CommitmentAction,
    CommitmentStatus,
    DialogueAction,
    DialogueStatus,
    QuestionChannel,
    QuestionTiming,
)
from motcua.feedback.dialogues.models import Dialogue, DialogueQuestion


def _date_in_range(value: date) -> date:
    if not 2000 <= value.year < 2100:
        raise PydanticCustomError("date_range", _("The date must be between 2000 and 2099."))
    return value


DueDate = Annotated[date, AfterValidator(_date_in_range)]


class DialogueIn(Schema):
    title: SafeStr = Field(..., max_length=max_length(Dialogue, "title"))
    topic: SafeStr = Field(..., max_length=5000)
    starts_at: BoundedDatetime = Field(..., description="Date and time, with its time zone (e.g. 2026-12-20T08:00:00+07:00)")
    place: SafeStr = Field(..., max_length=max_length(Dialogue, "place"))
    chair: SafeStr = Field(..., max_length=max_length(Dialogue, "chair"))
    audience: Audience = Audience.CITIZENS
    co_organiser: SafeStr = Field("", max_length=max_length(Dialogue, "co_organiser"))
    participants: SafeStr = Field("", max_length=5000)


class DialogueActIn(Schema):
    reason: SafeStr = Field("", max_length=MAX_REASON_LENGTH)
    minutes: SafeStr = Field("", max_length=50000, description="publish_minutes: the minutes' text (else the draft)")


class QuestionIn(Schema):
    """A question: on the public endpoint name, address (or organisation) and phone are required."""

    text: SafeStr = Field(..., max_length=5000)
    asker_name: SafeStr = Field("", max_length=max_length(DialogueQuestion, "asker_name"))
    asker_address: SafeStr = Field("", max_length=max_length(DialogueQuestion, "asker_address"))
    asker_phone: SafeStr = Field("", max_length=max_length(DialogueQuestion, "asker_phone"))
    idempotency_key: SafeStr = Field("", max_length=MAX_IDEMPOTENCY_KEY)


class AnswerIn(Schema):
    answer: SafeStr = Field(..., max_length=20000)
    answered_by: SafeStr = Field(..., max_length=max_length(DialogueQuestion, "answered_by"))


class CommitmentIn(Schema):
    text: SafeStr = Field(..., max_length=5000)
    due_on: DueDate = Field(..., description="A calendar date (YYYY-MM-DD); overdue from the next day")
    owner_username: SafeStr = Field("", max_length=150, description="A staff member of the unit, or…")
    owner_agency_id: int | None = Field(None, ge=1, le=2**31 - 1, description="…an agency of the unit (exactly one)")
    question_seq: int | None = Field(None, ge=1, le=100000)


class CommitmentActIn(Schema):
    note: SafeStr = Field("", max_length=5000, description="progress: what was done; complete: the evidence")
    link: SafeStr = Field("", max_length=500, description="complete: an optional link to the evidence")
    reason: SafeStr = Field("", max_length=MAX_REASON_LENGTH, description="drop: why")


class QuestionAckOut(Schema):
    dialogue: str
    seq: int
    created: bool


class PublicQuestionOut(Schema):
    seq: int
    timing: QuestionTiming
    asker: str = Field(..., description="Initials only (“Ông/Bà N.V.A.”), or “anonymous”")
    text: str
    answer: str
    answered_by: str


class PublicCommitmentOut(Schema):
    seq: int
    question_seq: int | None
    text: str
    owner: str
    due_on: date
    status: CommitmentStatus
    overdue: bool
    progress: str
    done_at: datetime | None
    evidence: str
    evidence_link: str
    drop_reason: str


class PublicDialogueOut(Schema):
    """A dialogue for the public; questions and commitments once the minutes are published."""

    code: str
    title: str
    topic: str
    audience: Audience
    starts_at: datetime
    place: str
    chair: str
    co_organiser: str
    participants: str
    status: DialogueStatus
    unit_code: str
    unit_name: str
    taking_questions: bool
    minutes_published: bool
    minutes: str
    minutes_published_at: datetime | None
    questions: list[PublicQuestionOut]
    commitments: list[PublicCommitmentOut]


class DialogueRowOut(Schema):
    code: str
    title: str
    audience: Audience
    starts_at: datetime
    place: str
    status: DialogueStatus


class QuestionOut(Schema):
    """A question with its asker (staff; an audited read)."""

    seq: int
    timing: QuestionTiming
    channel: QuestionChannel
    asker_name: str
    asker_address: str
    asker_phone: str
    anonymous: bool
    text: str
    answer: str
    answered_by: str
    asked_at: datetime
    answered_at: datetime | None


class CommitmentOut(Schema):
    seq: int
    question_seq: int | None
    text: str
    owner_username: str | None
    owner_agency: str | None
    due_on: date
    status: CommitmentStatus
    overdue: bool
    progress_note: str
    drop_reason: str
    done_at: datetime | None
    evidence_note: str
    evidence_link: str
    has_evidence_file: bool
    actions: list[CommitmentAction]


class CommitmentRowOut(Schema):
    dialogue: str
    seq: int
    text: str
    owner: str
    due_on: date
    status: CommitmentStatus


class DialogueOut(DialogueRowOut):
    """A dialogue with its askers and commitments (staff; an audited read)."""

    topic: str
    chair: str
    co_organiser: str
    participants: str
    unit_code: str
    minutes: str
    held_at: datetime | None
    minutes_published_at: datetime | None
    cancel_reason: str
    questions: list[QuestionOut]
    commitments: list[CommitmentOut]
    actions: list[DialogueAction]
