"""Dossier records (DESIGN.md "dossiers"): the dossier, its append-only event log, the
agencies' steps, documents, clock changes, slips and the per-day serial counter."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from motcua.core.models import AdministrativeUnit, Agency
from motcua.core.permissions import DOSSIER_DECIDE, DOSSIER_PROCESS, DOSSIER_RECEIVE, DOSSIER_VIEW
from motcua.core.querysets import AppendOnlyModel, RestrictedManager, Scope, ScopeRule, Via
from motcua.dossiers import lookups  # noqa: F401  registers status__in_literal for the indexes below
from motcua.dossiers.choices import (
    OPEN_STATUSES,
    ApplicantKind,
    Channel,
    ClockChangeKind,
    ClockReason,
    DossierAction,
    DossierStatus,
    ResultDelivery,
    SlipForm,
    StepStatus,
    Timeliness,
    VisitOutcome,
)

# Written into the SQL (see lookups.py) so that SQLite's planner can match the partial indexes.
_OPEN = Q(status__in_literal=OPEN_STATUSES)


class Dossier(models.Model):
    # RULES.md §1.7: <deciding agency's identifier>-YYMMDD-XXXX, given at receipt. An online
    # submission holds its submission reference here until it is received (numbering.py).
    code = models.CharField(_("dossier code"), max_length=48, unique=True)
    # TN-YYMMDD-NNNNNN of an online submission (kept after receipt: the citizen's first reference).
    submission_ref = models.CharField(_("online submission reference"), max_length=24, blank=True)
    procedure = models.ForeignKey(
        "catalog.Procedure", verbose_name=_("procedure"), on_delete=models.PROTECT, related_name="dossiers"
    )
    # The procedure as it was at receipt (name, lead time, version): later edits do not change it.
    procedure_snapshot = models.JSONField(default=dict)
    receiving_agency = models.ForeignKey(
        Agency, verbose_name=_("receiving agency"), on_delete=models.PROTECT, related_name="received_dossiers"
    )
    receiving_unit = models.ForeignKey(AdministrativeUnit, on_delete=models.PROTECT, related_name="received_dossiers")
    deciding_agency = models.ForeignKey(
        Agency, verbose_name=_("competent agency"), on_delete=models.PROTECT, related_name="decided_dossiers"
    )
    channel = models.CharField(_("channel"), max_length=12, choices=Channel.choices)
    result_delivery = models.CharField(
        _("result delivery"), max_length=12, choices=ResultDelivery.choices, default=ResultDelivery.IN_PERSON
    )
    # Applicant (person with a 12-digit personal ID, or organisation with a tax code).
    applicant_kind = models.CharField(_("applicant kind"), max_length=12, choices=ApplicantKind.choices)
    applicant_name = models.CharField(_("applicant name"), max_length=200)
    # The name folded for search (``core.text.fold``: no diacritics, đ→d, lower case), written
    # by the intake service: "Nguyen Van Binh" finds "Nguyễn Văn Bình" on every database.
    applicant_name_folded = models.CharField(max_length=200, blank=True, editable=False, db_index=True)
    applicant_id_number = models.CharField(_("personal ID or tax code"), max_length=20, db_index=True)
    applicant_address = models.CharField(_("address"), max_length=300, blank=True)
    applicant_phone = models.CharField(_("phone"), max_length=20, blank=True)
    applicant_email = models.EmailField(_("e-mail"), blank=True)
    representative_name = models.CharField(_("authorised representative"), max_length=200, blank=True)
    representative_id_number = models.CharField(_("representative's personal ID"), max_length=20, blank=True)
    authorisation_note = models.CharField(_("authorisation paper"), max_length=300, blank=True)
    request_summary = models.CharField(_("request"), max_length=500, blank=True)
    sets_count = models.PositiveSmallIntegerField(_("number of sets"), default=1)
    fee_amount = models.PositiveBigIntegerField(_("fees (VND)"), default=0)
    fee_paid = models.BooleanField(_("fees paid"), default=False)
    # The clock (instants). due_at moves only through ClockChange rows.
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    received_at = models.DateTimeField(_("received at"), null=True, blank=True, db_index=True)
    due_at = models.DateTimeField(_("due at"), null=True, blank=True)
    original_due_at = models.DateTimeField(_("original due at"), null=True, blank=True)
    # The one-stop desk's own deadline to hand the dossier to the competent agency (RULES.md
    # §1.4 row 4), set at receipt; NULL for dossiers received before it was recorded.
    handover_due_at = models.DateTimeField(_("hand-over due at"), null=True, blank=True)
    # Working days that were left when a supplement request paused the clock; shown instead of
    # a due date while the dossier waits for the applicant, cleared when the supplement arrives.
    remaining_at_pause = models.DecimalField(
        _("working days left at the pause"), max_digits=9, decimal_places=4, null=True, blank=True
    )
    finished_at = models.DateTimeField(_("processing finished at"), null=True, blank=True)
    returned_at = models.DateTimeField(_("returned at"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=24, choices=DossierStatus.choices)
    timeliness = models.CharField(_("timeliness"), max_length=10, choices=Timeliness.choices, blank=True)
    supplement_count = models.PositiveSmallIntegerField(default=0)
    extension_used = models.BooleanField(default=False)
    # Set once the applicant has rated (satisfaction keeps the answers, not linked back here).
    rated = models.BooleanField(default=False)
    result_summary = models.TextField(_("result or reasons"), blank=True)
    idempotency_key = models.CharField(max_length=80, blank=True)
    # SHA-256 of the normalised request that used the key: the same key with another request
    # is refused (409), not answered with this record (issue 9 item 8). Empty on older rows.
    request_hash = models.CharField(max_length=64, blank=True, editable=False)
    # Last 4 digits of the applicant's ID and phone: the public look-up check values.
    check_id4 = models.CharField(max_length=4, blank=True)
    check_phone4 = models.CharField(max_length=4, blank=True)
    assigned_to = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    # The agency that holds the dossier's open step (liên thông), None while it is at the desk.
    # Kept by the services with the steps; the queues of that agency read it.
    current_agency = models.ForeignKey(
        Agency, verbose_name=_("at agency"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = RestrictedManager()
    # Who reaches a dossier through which unit (docs/security.md "Scoping"). The queue's ways
    # are id columns of the dossier row (the partial indexes serve them); "view" also follows
    # every step (a liên thông dossier stays visible to each agency that handled it).
    scope = Scope(
        {
            "view": ScopeRule(
                DOSSIER_VIEW,
                (
                    Via("path", "receiving_unit__path"),
                    Via("path", "deciding_agency__unit__path"),
                    Via("any", "agency__unit__path", through="steps"),
                ),
            ),
            "queue": ScopeRule(
                DOSSIER_VIEW, (Via("unit", "receiving_unit"), Via("agency", "deciding_agency"), Via("agency", "current_agency"))
            ),
            # The one-stop desk: intake, supplement, refusal, transfer from the desk, return.
            "receive": ScopeRule(DOSSIER_RECEIVE, (Via("unit", "receiving_unit"),)),
            # The competent agency or the agency holding the open step (liên thông).
            "process": ScopeRule(DOSSIER_PROCESS, (Via("agency", "deciding_agency"), Via("agency", "current_agency"))),
            # A leader's act for the processing agency (apology and extension, BM.04).
            "lead": ScopeRule(DOSSIER_DECIDE, (Via("agency", "deciding_agency"), Via("agency", "current_agency"))),
            # A second supplement request on a leader's override (RULES.md §1.4 row 3b).
            "override": ScopeRule(
                DOSSIER_DECIDE, (Via("unit", "receiving_unit"), Via("agency", "deciding_agency"), Via("agency", "current_agency"))
            ),
            # Approve or reject: a leader of the deciding agency itself (RULES.md §1.4 row 7).
            "decide": ScopeRule(DOSSIER_DECIDE, (Via("own_agency", "deciding_agency"),)),
        }
    )

    class Meta:
        verbose_name = _("dossier")
        verbose_name_plural = _("dossiers")
        ordering = ["-received_at", "-id"]
        permissions = [
            ("receive_dossier", "Receive and return dossiers at the counter"),
            ("process_dossier", "Process dossiers at the competent agency"),
            ("decide_dossier", "Approve or reject dossiers"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["receiving_agency", "idempotency_key"],
                condition=~Q(idempotency_key=""),
                name="dossiers_dossier_idempotency_uniq",
            ),
            models.CheckConstraint(condition=Q(status__in=DossierStatus.values), name="dossiers_dossier_status_valid"),
            models.CheckConstraint(condition=Q(channel__in=Channel.values), name="dossiers_dossier_channel_valid"),
            models.CheckConstraint(
                condition=Q(result_delivery__in=ResultDelivery.values), name="dossiers_dossier_result_delivery_valid"
            ),
            models.CheckConstraint(
                condition=Q(timeliness="") | Q(timeliness__in=Timeliness.values), name="dossiers_dossier_timeliness_valid"
            ),
            models.CheckConstraint(
                condition=Q(received_at__isnull=True) | Q(due_at__isnull=True) | Q(due_at__gte=models.F("received_at")),
                name="dossiers_dossier_due_after_receipt",
            ),
            models.CheckConstraint(condition=~Q(code=""), name="dossiers_dossier_code_not_empty"),
            models.UniqueConstraint(
                fields=["submission_ref"], condition=~Q(submission_ref=""), name="dossiers_dossier_submission_ref_uniq"
            ),
        ]
        # The queues read open dossiers by due time; at 1M rows about 8 % are open, so partial
        # indexes on the open statuses are small (0.7–2.5 MB) and serve every queue page
        # (docs/performance.md, "Queues").
        indexes = [
            models.Index(fields=["due_at", "id"], condition=_OPEN, name="dossiers_open_due"),
            models.Index(fields=["receiving_unit", "due_at"], condition=_OPEN, name="dossiers_open_unit_due"),
            models.Index(fields=["deciding_agency", "due_at"], condition=_OPEN, name="dossiers_open_deciding_due"),
            models.Index(fields=["assigned_to", "due_at"], condition=_OPEN, name="dossiers_open_assignee_due"),
            models.Index(fields=["current_agency", "due_at"], condition=_OPEN, name="dossiers_open_current_due"),
        ]

    def __str__(self) -> str:
        return self.code


class DossierEvent(AppendOnlyModel):
    """One action on a dossier. Append-only (the ORM refuses changes, and a dossier with events
    cannot be deleted: ``PROTECT``); the status is the result of these events."""

    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="events")
    seq = models.PositiveIntegerField()
    action = models.CharField(max_length=24, choices=DossierAction.choices)
    from_status = models.CharField(max_length=24, choices=DossierStatus.choices, blank=True)
    to_status = models.CharField(max_length=24, choices=DossierStatus.choices)
    at = models.DateTimeField()
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    actor_label = models.CharField(max_length=150, blank=True)
    actor_unit_code = models.CharField(max_length=10, blank=True)
    reason = models.TextField(blank=True)
    payload = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["dossier", "seq"]
        constraints = [models.UniqueConstraint(fields=["dossier", "seq"], name="dossiers_event_seq_uniq")]

    def __str__(self) -> str:
        return f"{self.dossier_id}#{self.seq} {self.action}"


class DossierStep(models.Model):
    """One agency's part of the dossier (một cửa liên thông), recorded on BM.05."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="steps")
    position = models.PositiveSmallIntegerField()
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="dossier_steps")
    handed_over_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    received_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    started_at = models.DateTimeField()
    due_at = models.DateTimeField()
    completed_at = models.DateTimeField(null=True, blank=True)
    completed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    status = models.CharField(max_length=8, choices=StepStatus.choices, default=StepStatus.OPEN)
    timeliness = models.CharField(max_length=10, choices=Timeliness.choices, blank=True)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["dossier", "position"]
        indexes = [
            models.Index(fields=["received_by", "dossier"], condition=Q(status="open"), name="dossiers_step_open_receiver"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["dossier", "position"], name="dossiers_step_position_uniq"),
            models.UniqueConstraint(fields=["dossier"], condition=Q(status="open"), name="dossiers_step_one_open"),
            models.CheckConstraint(condition=Q(due_at__gte=models.F("started_at")), name="dossiers_step_due_after_start"),
        ]

    def __str__(self) -> str:
        return f"{self.dossier_id} step {self.position}"


class Document(models.Model):
    """A document of the dossier: checklist item, scanned file, digitized flag, reuse source."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="documents")
    position = models.PositiveSmallIntegerField(default=0)
    name = models.CharField(_("document"), max_length=500)
    procedure_document_id = models.BigIntegerField(null=True, blank=True)
    file = models.FileField(upload_to="dossiers/%Y/%m/", blank=True)
    content_type = models.CharField(max_length=60, blank=True)
    size = models.PositiveIntegerField(default=0)
    sha256 = models.CharField(max_length=64, blank=True)
    digitized = models.BooleanField(_("digitized"), default=False)
    reusable = models.BooleanField(_("reusable"), default=False)
    is_result = models.BooleanField(_("result document"), default=False)
    source_document = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="reuses")
    submitted = models.BooleanField(_("submitted"), default=True)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["dossier", "position", "id"]

    def __str__(self) -> str:
        return self.name

    @property
    def reused(self) -> bool:
        return self.source_document_id is not None


class ClockChange(AppendOnlyModel):
    """Why the due date is what it is: start, pause (supplement), resume, extension. A change
    of the clock is a new row, never an edit (append-only, like the events)."""

    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="clock_changes")
    kind = models.CharField(max_length=8, choices=ClockChangeKind.choices)
    at = models.DateTimeField()
    old_due_at = models.DateTimeField(null=True, blank=True)
    new_due_at = models.DateTimeField(null=True, blank=True)
    # What a person typed (a supplement request's or an apology's reason, the officer's reason
    # for a time limit), or, in rows written before reasons had codes, the text as worded then.
    reason = models.TextField(blank=True)
    # The explanation as data, worded when shown in the reader's language (``explanation``).
    reason_code = models.CharField(max_length=16, blank=True, default="", choices=ClockReason.choices)
    reason_params = models.JSONField(default=dict, blank=True)
    event = models.ForeignKey(DossierEvent, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["dossier", "at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["dossier"], condition=Q(kind="extend"), name="dossiers_clock_one_extension"),
        ]

    def __str__(self) -> str:
        return f"{self.dossier_id} {self.kind} {self.at:%Y-%m-%d %H:%M}"

    @property
    def explanation(self) -> str:
        """Why the due date changed, in the active language: worded from ``reason_code`` and
        ``reason_params`` (``clock.reason_text``); a row without a code shows ``reason`` as stored."""
        if not self.reason_code:
            return self.reason
        from motcua.dossiers import clock  # the clock module imports the calendar; load it when used

        return clock.reason_text(self.reason_code, self.reason_params or {}, self.reason)


class CounterVisit(models.Model):
    """A visit to the counter that did not end in a receipt (RULES.md §1.4 row 2): the officer
    guided a supplement (BM.02) or refused to receive (BM.03). No dossier code, no clock. It
    counts in the desk's statistics, and becomes a received dossier (``dossier``) if the
    applicant comes back with what was missing."""

    outcome = models.CharField(_("outcome"), max_length=10, choices=VisitOutcome.choices)
    procedure = models.ForeignKey(
        "catalog.Procedure", verbose_name=_("procedure"), on_delete=models.PROTECT, related_name="counter_visits"
    )
    receiving_agency = models.ForeignKey(
        Agency, verbose_name=_("receiving agency"), on_delete=models.PROTECT, related_name="counter_visits"
    )
    receiving_unit = models.ForeignKey(AdministrativeUnit, on_delete=models.PROTECT, related_name="counter_visits")
    applicant_kind = models.CharField(_("applicant kind"), max_length=12, choices=ApplicantKind.choices)
    applicant_name = models.CharField(_("applicant name"), max_length=200)
    applicant_id_number = models.CharField(_("personal ID or tax code"), max_length=20, blank=True, db_index=True)
    applicant_address = models.CharField(_("address"), max_length=300, blank=True)
    applicant_phone = models.CharField(_("phone"), max_length=20, blank=True)
    applicant_email = models.EmailField(_("e-mail"), blank=True)
    representative_name = models.CharField(_("authorised representative"), max_length=200, blank=True)
    request_summary = models.CharField(_("request"), max_length=500, blank=True)
    # Guided: the items to supplement (BM.02); refused: empty.
    items = models.JSONField(_("items to supplement"), default=list, blank=True)
    reason = models.TextField(_("reason"))
    officer = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(_("time"), db_index=True)
    idempotency_key = models.CharField(max_length=80, blank=True)
    # SHA-256 of the normalised request that used the key: the same key with another request
    # is refused (409), not answered with this record (issue 9 item 8). Empty on older rows.
    request_hash = models.CharField(max_length=64, blank=True, editable=False)
    # Set when the applicant came back and the dossier was received from this visit.
    dossier = models.OneToOneField(
        Dossier, verbose_name=_("received as"), null=True, blank=True, on_delete=models.PROTECT, related_name="counter_visit"
    )

    objects = RestrictedManager()
    scope = Scope({"view": ScopeRule(DOSSIER_VIEW, (Via("path", "receiving_unit__path"),))})

    class Meta:
        verbose_name = _("counter visit")
        verbose_name_plural = _("counter visits")
        ordering = ["-at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["receiving_agency", "idempotency_key"],
                condition=~Q(idempotency_key=""),
                name="dossiers_visit_idempotency_uniq",
            ),
            models.CheckConstraint(condition=Q(outcome__in=VisitOutcome.values), name="dossiers_visit_outcome_valid"),
            models.CheckConstraint(condition=~Q(reason=""), name="dossiers_visit_reason_not_empty"),
        ]
        indexes = [models.Index(fields=["receiving_unit", "at"], name="dossiers_visit_unit_at")]

    def __str__(self) -> str:
        return f"{self.get_outcome_display()} #{self.pk}"


class Slip(AppendOnlyModel):
    """An issued official slip (form), numbered per form, issuing agency and year. It belongs to
    a dossier, or to a counter visit (BM.02 / BM.03 given instead of a receipt): exactly one.
    Issued is final: append-only, reprinted from this row."""

    dossier = models.ForeignKey(Dossier, null=True, blank=True, on_delete=models.PROTECT, related_name="slips")
    visit = models.ForeignKey(CounterVisit, null=True, blank=True, on_delete=models.PROTECT, related_name="slips")
    form = models.CharField(max_length=6, choices=SlipForm.choices)
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    serial = models.PositiveIntegerField()
    number = models.CharField(max_length=60)
    issued_at = models.DateTimeField()
    data = models.JSONField(default=dict)

    class Meta:
        ordering = ["dossier", "issued_at"]
        constraints = [
            models.UniqueConstraint(fields=["form", "agency", "year", "serial"], name="dossiers_slip_number_uniq"),
            models.CheckConstraint(
                condition=(Q(dossier__isnull=False) & Q(visit__isnull=True)) | (Q(dossier__isnull=True) & Q(visit__isnull=False)),
                name="dossiers_slip_dossier_or_visit",
            ),
        ]

    def __str__(self) -> str:
        return self.number


class Counter(models.Model):
    """A named serial (dossier codes per agency per day; slip numbers per form per year)."""

    key = models.CharField(max_length=120, unique=True)
    value = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.key}={self.value}"


class PortalRecord(AppendOnlyModel):
    """One change of a dossier as the national portal will receive it (docs/portal-sync.md):
    the outbox of the synchronisation, written by the service that made the change, in its
    transaction. ``seq`` is gap-free and in commit order (a counter row locked until commit);
    ``payload`` holds the portal's fields at that moment. Immutable: the sending state lives
    in ``PortalDelivery``."""

    seq = models.PositiveBigIntegerField(unique=True)
    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="portal_records")
    # The dossier event this record follows (the action that changed the dossier).
    event = models.ForeignKey(DossierEvent, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    change = models.CharField(max_length=24, choices=DossierAction.choices)
    created_at = models.DateTimeField(db_index=True)
    payload = models.JSONField(default=dict)

    class Meta:
        ordering = ["seq"]
        indexes = [models.Index(fields=["dossier", "seq"], name="dossiers_portal_dossier_seq")]

    def __str__(self) -> str:
        return f"portal #{self.seq} {self.change}"


class PortalDelivery(models.Model):
    """The sending state of one outbox record: attempts, last error, when to try again, when it
    was accepted. Created at the first attempt; the record itself never changes."""

    record = models.OneToOneField(PortalRecord, on_delete=models.PROTECT, related_name="delivery")
    seq = models.PositiveBigIntegerField(unique=True)  # the record's, for the "sent up to" cursor
    attempts = models.PositiveIntegerField(default=0)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["seq"]
        constraints = [
            models.CheckConstraint(condition=Q(seq__gt=0), name="dossiers_portal_delivery_seq_positive"),
        ]

    def __str__(self) -> str:
        return f"portal #{self.seq} {'sent' if self.sent_at else 'pending'}"
