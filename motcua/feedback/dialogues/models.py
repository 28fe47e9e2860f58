"""Dialogues with the people (RULES.md §1.9: the commune People's Committee with the Fatherland
Front holds at least one a year, Law 10/2022/QH15 Art. 32), their questions, the commitments
made in answer, and an append-only event log.

A dialogue's status changes only through ``services`` (the table in ``workflow.py``), and every
change, question, answer and commitment step is a ``DialogueEvent``. An asker's name, address or
organisation and phone are personal data: staff pages read them (audited), public pages show
initials only (``selectors.asker_initials``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from motcua.core.models import AdministrativeUnit, Agency
from motcua.core.permissions import DIALOGUE_VIEW
from motcua.core.querysets import AppendOnlyModel, RestrictedManager, Scope, ScopeRule, Via
from motcua.feedback.dialogues.choices import (
    Audience,
    CommitmentStatus,
    DialogueAction,
    DialogueStatus,
    QuestionChannel,
    QuestionTiming,
)


def _values(choices: type[models.TextChoices]) -> list[str]:
    return [str(value) for value in choices.values]


class Dialogue(models.Model):
    """One dialogue conference (hội nghị đối thoại) of a commune with its people."""

    code = models.CharField(_("code"), max_length=40, unique=True)
    unit = models.ForeignKey(AdministrativeUnit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="dialogues")
    agency = models.ForeignKey(Agency, verbose_name=_("organising agency"), on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("title"), max_length=200)
    topic = models.TextField(_("topic"))
    audience = models.CharField(_("audience"), max_length=12, choices=Audience.choices, default=Audience.CITIZENS)
    starts_at = models.DateTimeField(_("date and time"))
    place = models.CharField(_("place"), max_length=200)
    chair = models.CharField(_("chair"), max_length=200)
    co_organiser = models.CharField(_("with"), max_length=200, blank=True)  # the Fatherland Front committee
    participants = models.TextField(_("participants and agencies invited"), blank=True)
    status = models.CharField(_("status"), max_length=20, choices=DialogueStatus.choices, default=DialogueStatus.PLANNED)
    minutes = models.TextField(_("minutes"), blank=True)
    held_at = models.DateTimeField(_("held"), null=True, blank=True)
    minutes_published_at = models.DateTimeField(_("minutes published"), null=True, blank=True)
    minutes_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    cancel_reason = models.TextField(_("reason for cancelling"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created"))

    objects = RestrictedManager()
    scope = Scope({"view": ScopeRule(DIALOGUE_VIEW, (Via("unit", "unit"),))})

    class Meta:
        verbose_name = _("dialogue")
        verbose_name_plural = _("dialogues")
        ordering = ["-starts_at", "-id"]
        permissions = [
            ("manage_dialogue", "Can plan dialogues and record questions, answers and commitments"),
            ("report_commitment", "Can report progress on a dialogue commitment"),
            ("approve_dialogue", "Can approve and publish a dialogue's minutes"),
        ]
        indexes = [models.Index(fields=["unit", "status", "starts_at"], name="feedback_dialogue_unit")]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=_values(DialogueStatus)), name="feedback_dialogue_status_valid"),
            models.CheckConstraint(condition=Q(audience__in=_values(Audience)), name="feedback_dialogue_audience_valid"),
            models.CheckConstraint(
                condition=~Q(status=DialogueStatus.MINUTES_PUBLISHED) | Q(minutes_published_at__isnull=False),
                name="feedback_dialogue_published_at",
            ),
        ]

    def __str__(self) -> str:
        return self.code


class DialogueQuestion(models.Model):
    """A question sent before the dialogue (public form) or asked at it (recorded by staff),
    with the answer given and who gave it."""

    dialogue = models.ForeignKey(Dialogue, on_delete=models.PROTECT, related_name="questions")
    seq = models.PositiveIntegerField(_("number"))
    timing = models.CharField(_("when"), max_length=12, choices=QuestionTiming.choices)
    channel = models.CharField(_("channel"), max_length=8, choices=QuestionChannel.choices)
    asker_name = models.CharField(_("full name"), max_length=150, blank=True)
    asker_address = models.CharField(_("address or organisation"), max_length=300, blank=True)
    asker_phone = models.CharField(_("phone"), max_length=20, blank=True)
    anonymous = models.BooleanField(_("anonymous"), default=False)  # name, address or phone missing
    text = models.TextField(_("question"))
    answer = models.TextField(_("answer"), blank=True)
    answered_by = models.CharField(_("answered by"), max_length=200, blank=True)  # name and position of who answered
    answer_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    asked_at = models.DateTimeField(_("asked"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    idempotency_key = models.CharField(max_length=80, blank=True)

    objects = RestrictedManager()
    scope = Scope({"view": ScopeRule(DIALOGUE_VIEW, (Via("unit", "dialogue__unit"),))})

    class Meta:
        verbose_name = _("dialogue question")
        verbose_name_plural = _("dialogue questions")
        ordering = ["dialogue", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["dialogue", "seq"], name="feedback_dquestion_seq_uniq"),
            models.UniqueConstraint(
                fields=["dialogue", "idempotency_key"], condition=~Q(idempotency_key=""), name="feedback_dquestion_idempotency"
            ),
            models.CheckConstraint(condition=Q(timing__in=_values(QuestionTiming)), name="feedback_dquestion_timing_valid"),
            models.CheckConstraint(condition=Q(answer="") | ~Q(answered_by=""), name="feedback_dquestion_answer_has_answerer"),
        ]

    def __str__(self) -> str:
        return f"{self.dialogue_id}#{self.seq}"


class Commitment(models.Model):
    """What the commune undertook to do in answer to the people, with an owner (a staff member
    or an agency of the unit) and a due date (a calendar date), followed to done or dropped."""

    dialogue = models.ForeignKey(Dialogue, on_delete=models.PROTECT, related_name="commitments")
    question = models.ForeignKey(DialogueQuestion, null=True, blank=True, on_delete=models.PROTECT, related_name="commitments")
    seq = models.PositiveIntegerField(_("number"))
    text = models.TextField(_("commitment"))
    owner_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("owner"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    owner_agency = models.ForeignKey(
        Agency, verbose_name=_("owning agency"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    due_on = models.DateField(_("due date"))
    status = models.CharField(_("status"), max_length=8, choices=CommitmentStatus.choices, default=CommitmentStatus.OPEN)
    progress_note = models.TextField(_("latest progress"), blank=True)
    drop_reason = models.TextField(_("reason for dropping"), blank=True)
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    evidence_note = models.TextField(_("evidence"), blank=True)
    evidence_link = models.URLField(_("evidence link"), max_length=500, blank=True)
    evidence_file = models.FileField(_("evidence file"), upload_to="dialogues/%Y/%m/", blank=True)
    evidence_file_name = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(_("created"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    objects = RestrictedManager()
    scope = Scope({"view": ScopeRule(DIALOGUE_VIEW, (Via("unit", "dialogue__unit"),))})

    class Meta:
        verbose_name = _("commitment")
        verbose_name_plural = _("commitments")
        ordering = ["dialogue", "seq"]
        indexes = [models.Index(fields=["status", "due_on"], name="feedback_commitment_due")]
        constraints = [
            models.UniqueConstraint(fields=["dialogue", "seq"], name="feedback_commitment_seq_uniq"),
            models.CheckConstraint(condition=Q(status__in=_values(CommitmentStatus)), name="feedback_commitment_status_valid"),
            models.CheckConstraint(
                condition=Q(owner_user__isnull=False, owner_agency__isnull=True)
                | Q(owner_user__isnull=True, owner_agency__isnull=False),
                name="feedback_commitment_one_owner",
            ),
            models.CheckConstraint(
                condition=~Q(status=CommitmentStatus.DONE) | (Q(done_at__isnull=False) & ~Q(evidence_note="")),
                name="feedback_commitment_done_evidence",
            ),
            models.CheckConstraint(
                condition=~Q(status=CommitmentStatus.DROPPED) | ~Q(drop_reason=""), name="feedback_commitment_drop_reason"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.dialogue_id}/CK{self.seq}"


class DialogueEvent(AppendOnlyModel):
    """One step of a dialogue's life, never changed (``PROTECT`` keeps the dialogue)."""

    dialogue = models.ForeignKey(Dialogue, on_delete=models.PROTECT, related_name="events")
    seq = models.PositiveIntegerField()
    action = models.CharField(max_length=20, choices=DialogueAction.choices)
    from_status = models.CharField(max_length=20, choices=DialogueStatus.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=DialogueStatus.choices)
    at = models.DateTimeField()
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    actor_label = models.CharField(max_length=150, blank=True)
    actor_unit_code = models.CharField(max_length=10, blank=True)
    reason = models.TextField(blank=True)
    payload = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["dialogue", "seq"]
        constraints = [models.UniqueConstraint(fields=["dialogue", "seq"], name="feedback_devent_seq_uniq")]

    def __str__(self) -> str:
        return f"{self.dialogue_id}#{self.seq} {self.action}"
