"""Petitions (phản ánh, kiến nghị, RULES.md §5) and their append-only event log."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from motcua.catalog.models import Procedure
from motcua.core.models import AdministrativeUnit, Agency
from motcua.core.permissions import ANSWER_TEMPLATE_MANAGE
from motcua.core.querysets import AppendOnlyModel, RestrictedManager, Scope, ScopeRule, Via
from motcua.dossiers.models import Dossier
from motcua.feedback.choices import (
    Classification,
    ContentCategory,
    PetitionAction,
    PetitionChannel,
    PetitionKind,
    PetitionStatus,
    ReportClass,
    Verdict,
)


def _values(choices: type[models.TextChoices]) -> list[str]:
    return [str(value) for value in choices.values]


class Petition(models.Model):
    """One petition as logged in the reception book (Art. 9 step 3), with where it stands.

    The status changes only through ``services.petition_act`` (the table in ``workflow.py``), and
    every change is a ``PetitionEvent``. The petitioner's name, address, phone and e-mail are
    personal data: staff pages read them (audited), public pages and Open311 never do.
    """

    code = models.CharField(_("code"), max_length=40, unique=True)
    unit = models.ForeignKey(AdministrativeUnit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="petitions")
    agency = models.ForeignKey(Agency, verbose_name=_("receiving agency"), on_delete=models.PROTECT, related_name="petitions")
    channel = models.CharField(_("channel"), max_length=10, choices=PetitionChannel.choices)
    kind = models.CharField(_("kind"), max_length=10, choices=PetitionKind.choices, default=PetitionKind.FEEDBACK)
    category = models.CharField(_("content category"), max_length=14, choices=ContentCategory.choices, blank=True)
    classification = models.CharField(_("classification"), max_length=18, choices=Classification.choices, blank=True)
    report_class = models.CharField(_("reporting class"), max_length=12, choices=ReportClass.choices, blank=True)
    title = models.CharField(_("title"), max_length=200)
    content = models.TextField(_("content"))
    content_folded = models.TextField(editable=False, default="")  # title + content without diacritics (similarity)
    similarity_key = models.TextField(editable=False, default="")  # its words, sorted (similarity.similarity_key)
    petitioner_name = models.CharField(_("name"), max_length=150, blank=True)
    petitioner_address = models.CharField(_("address"), max_length=300, blank=True)
    petitioner_phone = models.CharField(_("phone"), max_length=20, blank=True)
    petitioner_email = models.EmailField(_("e-mail"), blank=True)
    anonymous = models.BooleanField(_("anonymous"), default=False)  # Art. 7 fields missing
    check_digits = models.CharField(max_length=4, blank=True, editable=False)  # last 4 phone digits, for the look-up
    procedure = models.ForeignKey(
        Procedure, verbose_name=_("procedure"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    dossier = models.ForeignKey(
        Dossier, verbose_name=_("dossier"), null=True, blank=True, on_delete=models.PROTECT, related_name="petitions"
    )
    place = models.CharField(_("place"), max_length=200, blank=True)
    officer_named = models.CharField(_("officer concerned"), max_length=150, blank=True)
    status = models.CharField(_("status"), max_length=22, choices=PetitionStatus.choices, default=PetitionStatus.RECEIVED)
    received_at = models.DateTimeField(_("received"))
    received_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    clock_started_at = models.DateTimeField()  # receipt, or the latest restart (docs/feedback.md)
    step_due_at = models.DateTimeField(_("step due"), null=True, blank=True)
    answer_due_at = models.DateTimeField(_("answer due"))
    forwarded_to = models.CharField(_("forwarded to"), max_length=200, blank=True)
    answer = models.TextField(_("answer"), blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)
    answered_on_time = models.BooleanField(null=True, blank=True)  # approved by the 15-day deadline (5.2)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    verdict = models.CharField(_("petitioner's verdict"), max_length=14, choices=Verdict.choices, blank=True)
    verdict_at = models.DateTimeField(null=True, blank=True)
    reopen_count = models.PositiveSmallIntegerField(default=0)
    voices = models.PositiveIntegerField(_("voices"), default=1)  # the petitioner and every "+1"
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="merged", verbose_name=_("merged into")
    )
    idempotency_key = models.CharField(max_length=80, blank=True)

    objects = RestrictedManager()
    scope = Scope({"view": ScopeRule("feedback.view_petition", (Via("unit", "unit"),))})

    class Meta:
        verbose_name = _("petition")
        verbose_name_plural = _("petitions")
        ordering = ["-received_at", "-id"]
        permissions = [
            ("receive_petition", "Can record a petition at the counter"),
            ("process_petition", "Can classify and answer petitions"),
            ("approve_petition", "Can approve a petition's answer"),
        ]
        indexes = [
            models.Index(fields=["unit", "status", "step_due_at"], name="feedback_petition_queue"),
            models.Index(fields=["unit", "received_at"], name="feedback_petition_book"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=_values(PetitionStatus)), name="feedback_petition_status_valid"),
            models.CheckConstraint(condition=Q(channel__in=_values(PetitionChannel)), name="feedback_petition_channel_valid"),
            models.CheckConstraint(condition=Q(voices__gte=1), name="feedback_petition_voices_positive"),
            models.CheckConstraint(condition=Q(reopen_count__lte=1), name="feedback_petition_reopen_once"),
            models.CheckConstraint(
                condition=Q(merged_into__isnull=True) | Q(status=PetitionStatus.MERGED),
                name="feedback_petition_merged_status",
            ),
            models.UniqueConstraint(
                fields=["agency", "idempotency_key"], condition=~Q(idempotency_key=""), name="feedback_petition_idempotency"
            ),
        ]

    def __str__(self) -> str:
        return self.code


class PetitionEvent(AppendOnlyModel):
    """One action on a petition: its whole life, never changed (``PROTECT`` keeps the petition)."""

    petition = models.ForeignKey(Petition, on_delete=models.PROTECT, related_name="events")
    seq = models.PositiveIntegerField()
    action = models.CharField(max_length=20, choices=PetitionAction.choices)
    from_status = models.CharField(max_length=22, choices=PetitionStatus.choices, blank=True)
    to_status = models.CharField(max_length=22, choices=PetitionStatus.choices)
    at = models.DateTimeField()
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    actor_label = models.CharField(max_length=150, blank=True)
    actor_unit_code = models.CharField(max_length=10, blank=True)
    reason = models.TextField(blank=True)
    payload = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["petition", "seq"]
        constraints = [models.UniqueConstraint(fields=["petition", "seq"], name="feedback_event_seq_uniq")]

    def __str__(self) -> str:
        return f"{self.petition_id}#{self.seq} {self.action}"


class AnswerTemplate(models.Model):
    """A model answer for one content category of Art. 5 (docs/feedback.md "Answer templates").

    ``unit`` empty: a national template, offered to every commune; otherwise it is offered to
    the petitions of that unit and of every unit below it. Its text names the petition's facts
    with placeholders (``answer_templates.PLACEHOLDERS``); the officer edits the filled-in text
    before drafting. Reference data: every staff member may read it, the unit's leader and
    administrator keep it (``manage``), national ones only a system administrator.
    """

    unit = models.ForeignKey(
        AdministrativeUnit,
        verbose_name=_("unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Empty: a national template, offered to every commune."),
    )
    category = models.CharField(_("content category"), max_length=14, choices=ContentCategory.choices)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(
        _("text"),
        help_text=_(
            "Placeholders in braces: {ma_phan_anh}, {ngay_tiep_nhan}, {tieu_de}, {noi_dung_tom_tat}, {co_quan}, "
            "{xa}, {thu_tuc}, {ngay_tra_loi}. Write {{ or }} for a brace."
        ),
    )
    active = models.BooleanField(_("active"), default=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", editable=False
    )

    objects = RestrictedManager()
    scope = Scope(
        {
            "view": ScopeRule(None, (Via("path", "unit__path", null_ok=True),)),
            "manage": ScopeRule(ANSWER_TEMPLATE_MANAGE, (Via("path", "unit__path"),)),
        },
        strict=False,
    )

    class Meta:
        verbose_name = _("answer template")
        verbose_name_plural = _("answer templates")
        ordering = ["category", "title", "id"]
        permissions = [("manage_answertemplate", "Can manage the answer templates of the unit")]
        constraints = [
            models.CheckConstraint(condition=Q(category__in=_values(ContentCategory)), name="feedback_template_category_valid"),
            models.UniqueConstraint(fields=["unit", "category", "title"], name="feedback_template_title_uniq"),
            models.UniqueConstraint(
                fields=["category", "title"], condition=Q(unit__isnull=True), name="feedback_template_national_title_uniq"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        from motcua.feedback.answer_templates import placeholder_problems
        from motcua.feedback.selectors import placeholder_message

        problem = placeholder_problems(self.body)
        if problem is not None:
            raise ValidationError({"body": placeholder_message(problem)})


class PetitionNotice(AppendOnlyModel):
    """One message to the petitioner about one event (docs/feedback.md "Notifications"): at most
    one per event and channel, so an event never sends twice. The address is not copied here:
    it is the petition's, read when the message is worded."""

    petition = models.ForeignKey(Petition, on_delete=models.PROTECT, related_name="notices")
    event = models.ForeignKey(PetitionEvent, on_delete=models.PROTECT, related_name="notices")
    channel = models.CharField(max_length=5, choices=[("sms", "SMS"), ("email", "E-mail")])
    kind = models.CharField(max_length=40)
    at = models.DateTimeField()

    class Meta:
        ordering = ["petition", "id"]
        constraints = [models.UniqueConstraint(fields=["event", "channel"], name="feedback_notice_once_per_event")]

    def __str__(self) -> str:
        return f"{self.petition_id} {self.kind} {self.channel}"


class PetitionVoice(AppendOnlyModel):
    """A citizen who said "I have this problem too" (+1) instead of filing a new petition: counted
    in ``Petition.voices`` once per phone. Name and phone are personal data, never shown publicly."""

    petition = models.ForeignKey(Petition, on_delete=models.PROTECT, related_name="voice_rows")
    name = models.CharField(_("name"), max_length=150)
    phone = models.CharField(_("phone"), max_length=20)  # digits only
    at = models.DateTimeField()

    class Meta:
        ordering = ["petition", "at", "id"]
        constraints = [models.UniqueConstraint(fields=["petition", "phone"], name="feedback_voice_once_per_phone")]

    def __str__(self) -> str:
        return f"{self.petition_id} +1"


class PetitionTerm(models.Model):
    """The shingle index of similar petitions (``similarity.index_terms``): one row per term of a
    petition, with the time until which the petition may be proposed (``live_until``: far in the
    future while it is open; 90 days after it was answered, forwarded or closed; its refusal or
    merge otherwise). Derived data, rewritten by the services; the index holds only the live rows
    of a term in one range (``selectors.similar_candidates``)."""

    petition = models.ForeignKey(Petition, on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey(AdministrativeUnit, on_delete=models.CASCADE, related_name="+", db_index=False)
    term = models.BigIntegerField()
    live_until = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["unit", "term", "live_until", "petition"], name="feedback_term_lookup")]

    def __str__(self) -> str:
        return f"{self.petition_id}:{self.term}"


# Dialogues (RULES.md §1.9) live in their own module; imported here so the app registers them.
from motcua.feedback.dialogues.models import Commitment, Dialogue, DialogueEvent, DialogueQuestion  # noqa: E402

__all__ = [
    "AnswerTemplate",
    "Commitment",
    "Dialogue",
    "DialogueEvent",
    "DialogueQuestion",
    "Petition",
    "PetitionEvent",
    "PetitionNotice",
    "PetitionTerm",
    "PetitionVoice",
]
