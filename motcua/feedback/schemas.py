"""Typed API schemas of the petitions domain; every text bounded by its column and refused when it
carries a control character (``SafeStr``), as in the dossier schemas."""

from __future__ import annotations

from datetime import datetime

from ninja import Field, Schema

from motcua.core.validation import MAX_IDEMPOTENCY_KEY, MAX_REASON_LENGTH, SafeStr, max_length
from motcua.feedback.choices import PetitionAction, PetitionChannel, PetitionKind, PetitionStatus
from motcua.feedback.models import Petition

_CODE = max_length(Petition, "code")


class PetitionIn(Schema):
    """A petition sent by another system (channel ``api``) or by a staff client."""

    unit_code: SafeStr = Field("", max_length=10, description="The commune addressed (its official code)")
    kind: PetitionKind = PetitionKind.FEEDBACK
    title: SafeStr = Field(..., max_length=max_length(Petition, "title"))
    content: SafeStr = Field(..., max_length=20000)
    petitioner_name: SafeStr = Field("", max_length=max_length(Petition, "petitioner_name"))
    petitioner_address: SafeStr = Field("", max_length=max_length(Petition, "petitioner_address"))
    petitioner_phone: SafeStr = Field("", max_length=max_length(Petition, "petitioner_phone"))
    petitioner_email: SafeStr = Field("", max_length=254)
    procedure_code: SafeStr = Field("", max_length=40)
    dossier_code: SafeStr = Field("", max_length=60)
    place: SafeStr = Field("", max_length=max_length(Petition, "place"))
    officer_named: SafeStr = Field("", max_length=max_length(Petition, "officer_named"))
    idempotency_key: SafeStr = Field("", max_length=MAX_IDEMPOTENCY_KEY)


class PetitionActIn(Schema):
    reason: SafeStr = Field("", max_length=MAX_REASON_LENGTH)
    classification: SafeStr = Field("", max_length=20)
    category: SafeStr = Field("", max_length=20)
    report_class: SafeStr = Field("", max_length=20)
    kind: SafeStr = Field("", max_length=20)
    forwarded_to: SafeStr = Field("", max_length=max_length(Petition, "forwarded_to"))
    answer: SafeStr = Field("", max_length=20000)
    merge_into: SafeStr = Field("", max_length=_CODE)


class PetitionRowOut(Schema):
    """A line of the reception book (no personal data)."""

    code: str
    title: str
    status: PetitionStatus
    channel: PetitionChannel
    received_at: datetime
    step_due_at: datetime | None
    answer_due_at: datetime
    voices: int


class PetitionOut(PetitionRowOut):
    """A petition with the petitioner (an audited read)."""

    kind: PetitionKind
    content: str
    category: str
    classification: str
    report_class: str
    petitioner_name: str
    petitioner_address: str
    petitioner_phone: str
    petitioner_email: str
    anonymous: bool
    dossier_code: str | None = None
    forwarded_to: str
    answer: str
    answered_on_time: bool | None
    published_at: datetime | None
    verdict: str
    actions: list[PetitionAction] = []

    @staticmethod
    def resolve_dossier_code(obj: Petition) -> str | None:
        return obj.dossier.code if obj.dossier is not None else None


class PublicPetitionOut(Schema):
    code: str
    title: str
    content: str
    status: str
    received_at: datetime
    answer: str
    published_at: datetime | None
    voices: int
    unit_name: str


class AnswerTemplateOut(Schema):
    """An answer template offered for a petition, with its text filled in for it (``text``), or
    the problem of its placeholders (``problem``, then ``text`` is null)."""

    id: int
    category: str
    title: str
    unit_code: str | None = Field(None, description="The unit it belongs to; null for a national template")
    body: str = Field(..., description="The template as written, with its placeholders")
    text: str | None = Field(None, description="The body filled in for this petition")
    problem: str = ""


class SimilarPetitionOut(Schema):
    """A petition like the text asked about (no personal data: the excerpt is cleaned)."""

    code: str
    title: str
    excerpt: str
    status: str
    status_label: str
    voices: int
    received_at: datetime
    takes_voices: bool = Field(..., description="Whether a citizen can still add a voice (+1) to it")
    score: float = Field(..., description="0–100 text score plus the bonuses, at least 50")
    reasons: list[str] = Field(..., description="text, procedure, place, officer")
