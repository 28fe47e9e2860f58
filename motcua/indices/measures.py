"""What each indicator of Decision 766 counts in MotCua's tables (RULES.md §2.2, §1.6).

An indicator's numerator and denominator are each a *part*: a source (dossiers, petitions or
procedures), a condition (a ``Q`` over the source's annotated queryset) and, for indicators
that count procedures through their dossiers, the distinct column. ``selectors`` aggregates
every part of a source in one SQL query (conditional ``Count``), and the items lists filter the
same queryset with the same condition, so a list always has exactly as many rows as its number.

Indicators absent from ``MEASURES`` cannot be computed from our data; ``NOT_COMPUTABLE`` says why.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db.models import (
    Case,
    DateTimeField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    When,
)
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from motcua.catalog.choices import OnlineLevel
from motcua.catalog.models import Procedure, ProcedureChannel, ProcedureDocument
from motcua.core.choices import UnitLevel
from motcua.core.periods import Period
from motcua.dossiers.choices import ApplicantKind, Channel, ClockChangeKind, DossierStatus, Timeliness
from motcua.dossiers.models import ClockChange, Document, Dossier
from motcua.feedback.choices import Classification, PetitionStatus, ReportClass, Verdict
from motcua.feedback.models import Petition
from motcua.identity.choices import AccessPurpose
from motcua.identity.models import DataAccess
from motcua.indices.choices import ItemKind
from motcua.satisfaction.choices import DISLIKE_LEVELS
from motcua.satisfaction.models import Rating

SYSTEM_READ = "indices: aggregate counts and scoped items lists of Decision 766 (RULES.md §2)"
DOSSIER, PETITION, PROCEDURE = "dossier", "petition", "procedure"

# "Đã xử lý xong" / "Đã trả kết quả": the decision is taken (RULES.md §1.4 row 10).
COMPLETED = (DossierStatus.APPROVED, DossierStatus.REJECTED, DossierStatus.READY_FOR_RETURN, DossierStatus.RETURNED)
# A result exists (approved and beyond): the e-result indicators ask for its file.
WITH_RESULT = (DossierStatus.APPROVED, DossierStatus.READY_FOR_RETURN, DossierStatus.RETURNED)
ON_TIME_VALUES = (Timeliness.EARLY, Timeliness.ON_TIME)
ONLINE_LEVELS = (OnlineLevel.FULL, OnlineLevel.PARTIAL)


@dataclass(frozen=True)
class Window:
    """Where and when: the unit's path (a commune, or a province = all its communes), its level,
    the period, the instant open dossiers are judged at, and the population look-up window."""

    path: str
    level: str
    period: Period
    cutoff: datetime
    lookup_hours: int = 24  # 4.5: how long before the receipt a population look-up counts


@dataclass(frozen=True)
class Part:
    source: str
    condition: Callable[[Window], Q]
    distinct: str = ""  # "procedure": count the distinct procedures of the matching dossiers


@dataclass(frozen=True)
class Measure:
    items: ItemKind
    numerator: Part
    denominator: Part
    reads: Any  # what it reads (a lazy translation), for the page and docs/indices.md


# --- Sources --------------------------------------------------------------------------------------


def dossier_source(window: Window) -> QuerySet[Dossier]:
    """The unit's received dossiers up to the end of the period, annotated with the 766 end of
    processing (``idx_end``) and the open supplement request (``idx_pause``).

    ``idx_end``: a dossier waiting for the applicant ends at its supplement request (RULES.md
    §1.6); otherwise the decision, refusal or stop (``finished_at``), else the return.
    """
    last_pause = ClockChange.objects.filter(dossier=OuterRef("pk"), kind=ClockChangeKind.PAUSE).order_by("-at", "-id")
    return (
        Dossier.objects.unrestricted(SYSTEM_READ)
        .filter(receiving_unit__path__startswith=window.path, received_at__isnull=False, received_at__lt=window.period.end)
        .annotate(
            idx_pause=Subquery(last_pause.values("at")[:1]),
            idx_end=Case(
                When(status=DossierStatus.SUPPLEMENT_REQUESTED, then=F("idx_pause")),
                default=Coalesce("finished_at", "returned_at"),
                output_field=DateTimeField(),
            ),
        )
    )


def petition_source(window: Window) -> QuerySet[Petition]:
    """Petitions first received in the period by the unit (merged duplicates count in the one
    they were merged into)."""
    return (
        Petition.objects.unrestricted(SYSTEM_READ)
        .filter(unit__path__startswith=window.path, received_at__gte=window.period.start, received_at__lt=window.period.end)
        .exclude(status=PetitionStatus.MERGED)
    )


def procedure_source(window: Window) -> QuerySet[Procedure]:
    """Published procedures a unit of this level handles (a commune: commune-level procedures; a
    province: also the province's own), valid at the end of the period."""
    level = Q(level_commune=True) if window.level == UnitLevel.COMMUNE else Q(level_commune=True) | Q(level_province=True)
    last = window.period.last
    return Procedure.objects.filter(level, is_published=True).exclude(valid_from__gt=last).exclude(valid_to__lte=last)


SOURCES: dict[str, Callable[[Window], QuerySet[Any]]] = {
    DOSSIER: dossier_source,
    PETITION: petition_source,
    PROCEDURE: procedure_source,
}

# --- Conditions on dossiers -----------------------------------------------------------------------


def received_in(w: Window) -> Q:
    """Counted by its receipt date (RULES.md §2.2 shared conventions)."""
    return Q(received_at__gte=w.period.start)


def handled_in(w: Window) -> Q:
    """2.1's denominator, "received or processed in the period": received in it, or received
    before and not yet at its end of processing when the period began."""
    return received_in(w) | Q(idx_end__isnull=True) | Q(idx_end__gte=w.period.start)


def _ended(w: Window) -> Q:
    return Q(idx_end__lt=w.cutoff)


def _not_ended(w: Window) -> Q:
    return Q(idx_end__isnull=True) | Q(idx_end__gte=w.cutoff)


def on_time(w: Window) -> Q:
    """RULES.md §1.6 classification, judged at the cutoff (the period's end, or now):

    * ended and waiting for the applicant: judged at the request; after two or more requests late;
    * ended otherwise: the judgement the services stored (early or on time), which compared the
      end of processing with the appointment the resumes moved by the supplement time;
    * not ended by the cutoff: within time while the appointment has not passed.
    """
    pending = Q(status=DossierStatus.SUPPLEMENT_REQUESTED)
    waiting_ok = pending & Q(supplement_count__lt=2) & Q(idx_end__lte=F("due_at"))
    stored_ok = ~pending & Q(timeliness__in=ON_TIME_VALUES)
    unjudged_ok = ~pending & Q(timeliness="") & Q(idx_end__lte=F("due_at"))
    return (_ended(w) & (waiting_ok | stored_ok | unjudged_ok)) | (_not_ended(w) & Q(due_at__gte=w.cutoff))


def _has_petition() -> Q:
    return Q(Exists(Petition.objects.unrestricted(SYSTEM_READ).filter(dossier=OuterRef("pk"))))


def _has_dislike() -> Q:
    levels = [int(level) for level in DISLIKE_LEVELS]
    return Q(Exists(Rating.objects.unrestricted(SYSTEM_READ).filter(dossier=OuterRef("pk"), overall__in=levels)))


def satisfied(w: Window) -> Q:
    """5.4: within time, and drew neither a petition nor a dislike."""
    return on_time(w) & ~_has_petition() & ~_has_dislike()


def _e_result() -> Q:
    return Q(Exists(Document.objects.filter(dossier=OuterRef("pk"), is_result=True).exclude(file="")))


def _digitised_component() -> Q:
    return Q(Exists(Document.objects.filter(dossier=OuterRef("pk"), is_result=False, digitized=True)))


def _reused() -> Q:
    return Q(Exists(Document.objects.filter(dossier=OuterRef("pk"), source_document__isnull=False)))


def population_lookup(hours: int) -> Q:
    """The counter read the applicant's record in the population registry (identity's access
    log, purpose intake) at the receiving unit, in the hours before the receipt."""
    reads = DataAccess.objects.unrestricted(SYSTEM_READ).filter(
        citizen__personal_id=OuterRef("applicant_id_number"),
        unit_id=OuterRef("receiving_unit_id"),
        purpose__in=[AccessPurpose.COUNTER_INTAKE, AccessPurpose.INTAKE_ANY_PLACE],
        accessed_at__lte=OuterRef("received_at"),
        accessed_at__gte=ExpressionWrapper(OuterRef("received_at") - timedelta(hours=hours), output_field=DateTimeField()),
    )
    return Q(Exists(reads))


def persons(w: Window) -> Q:
    """Dossiers of persons received in the period (4.5: the population data concern persons)."""
    return received_in(w) & Q(applicant_kind=ApplicantKind.PERSON)


def looked_up(w: Window) -> Q:
    return persons(w) & population_lookup(w.lookup_hours)


def _procedure_applies(w: Window) -> Q:
    level = Q(procedure__level_commune=True)
    return level if w.level == UnitLevel.COMMUNE else level | Q(procedure__level_province=True)


# --- Conditions on petitions (RULES.md §2.2 group 5, §5) -----------------------------------------


def petitions_handled(w: Window) -> Q:
    """Petitions the unit must answer: not refused (not accepted), not outside its competence
    (forwarded elsewhere, also once the forwarded petition is closed)."""
    refused_or_forwarded = Q(status__in=[PetitionStatus.REFUSED, PetitionStatus.FORWARDED])
    not_ours = Q(classification__in=[Classification.NOT_ACCEPTED, Classification.OUTSIDE_COMPETENCE])
    return ~refused_or_forwarded & ~not_ours


def petition_on_time(w: Window) -> Q:
    """Answered (approved) by the 15-day deadline, or not yet answered and the deadline has not
    passed at the cutoff."""
    answered = Q(approved_at__isnull=False) & Q(approved_at__lt=w.cutoff)
    return (answered & Q(answered_on_time=True)) | (~answered & Q(answer_due_at__gte=w.cutoff))


def petition_satisfied(w: Window) -> Q:
    """5.3: on time, not judged "not satisfied" (which also reopens it), and no repeated
    petition merged into it."""
    merged = Exists(Petition.objects.unrestricted(SYSTEM_READ).filter(merged_into=OuterRef("pk")))
    unhappy = Q(verdict=Verdict.NOT_SATISFIED) | Q(reopen_count__gt=0)
    return petition_on_time(w) & ~unhappy & ~Q(merged)


def everything(w: Window) -> Q:
    return Q()


# --- Conditions on procedures ---------------------------------------------------------------------


def full_content(w: Window) -> Q:
    """1.3: the seven components of Decree 63/2010 Art. 8(2) present in the catalogue."""
    return (
        ~Q(name="")
        & ~Q(steps="")
        & Q(Exists(ProcedureChannel.objects.filter(procedure=OuterRef("pk"))))
        & Q(Exists(ProcedureDocument.objects.filter(procedure=OuterRef("pk"))))
        & (Q(lead_time_value__isnull=False) | Q(lead_time_unit="same_day"))
        & ~Q(subjects="")
        & ~Q(competent_agency="")
    )


def online_procedure(w: Window) -> Q:
    return Q(online_level__in=ONLINE_LEVELS)


MEASURES: dict[str, Measure] = {
    "1.3": Measure(
        ItemKind.PROCEDURE,
        Part(PROCEDURE, lambda w: full_content(w)),
        Part(PROCEDURE, everything),
        _("The catalogue: published procedures of the unit's level with all seven components."),
    ),
    "2.1": Measure(
        ItemKind.DOSSIER,
        Part(DOSSIER, lambda w: handled_in(w) & on_time(w)),
        Part(DOSSIER, handled_in),
        _("Dossiers: receipt, end of processing, appointment, supplement requests (RULES.md §1.6)."),
    ),
    "3.0": Measure(
        ItemKind.DOSSIER,
        Part(DOSSIER, lambda w: received_in(w) & Q(procedure__online_level=OnlineLevel.FULL) & Q(channel=Channel.ONLINE)),
        Part(DOSSIER, lambda w: received_in(w) & Q(procedure__online_level=OnlineLevel.FULL)),
        _("Dossiers of procedures offered end-to-end online, by channel."),
    ),
    "3.1": Measure(
        ItemKind.PROCEDURE,
        Part(PROCEDURE, online_procedure),
        Part(PROCEDURE, everything),
        _("The catalogue's online level of the unit's procedures."),
    ),
    "3.2": Measure(
        ItemKind.PROCEDURE,
        Part(
            DOSSIER,
            lambda w: (
                received_in(w)
                & Q(channel=Channel.ONLINE)
                & Q(procedure__online_level__in=ONLINE_LEVELS)
                & Q(procedure__is_published=True)
                & _procedure_applies(w)
            ),
            distinct="procedure",
        ),
        Part(PROCEDURE, online_procedure),
        _("Online procedures of the catalogue, and the online dossiers received for them."),
    ),
    "3.3": Measure(
        ItemKind.DOSSIER,
        Part(DOSSIER, lambda w: received_in(w) & Q(channel=Channel.ONLINE)),
        Part(DOSSIER, received_in),
        _("Dossiers received in the period, by channel."),
    ),
    "5.1": Measure(
        ItemKind.PETITION,
        Part(PETITION, lambda w: Q(report_class=ReportClass.REGULATION)),
        Part(PETITION, everything),
        _("Petitions received in the period, by reporting class."),
    ),
    "5.2": Measure(
        ItemKind.PETITION,
        Part(PETITION, lambda w: petitions_handled(w) & petition_on_time(w)),
        Part(PETITION, petitions_handled),
        _("Petitions received in the period: approval of the answer against its 15-day deadline."),
    ),
    "5.3": Measure(
        ItemKind.PETITION,
        Part(PETITION, lambda w: petitions_handled(w) & petition_satisfied(w)),
        Part(PETITION, petitions_handled),
        _("Petitions received in the period: deadline, the petitioner's verdict, repeated petitions."),
    ),
    "5.4": Measure(
        ItemKind.DOSSIER,
        Part(DOSSIER, lambda w: handled_in(w) & satisfied(w)),
        Part(DOSSIER, handled_in),
        _("Dossiers as in 2.1, the petitions linked to them and their ratings' dislikes."),
    ),
    "4.1": Measure(
        ItemKind.DOSSIER,
        Part(DOSSIER, lambda w: received_in(w) & Q(status__in=WITH_RESULT) & _e_result()),
        Part(DOSSIER, lambda w: received_in(w) & Q(status__in=WITH_RESULT)),
        _("Approved dossiers and their result files."),
    ),
    "4.2": Measure(
        ItemKind.DOSSIER,
        Part(DOSSIER, lambda w: received_in(w) & _digitised_component() & (~Q(status__in=WITH_RESULT) | _e_result())),
        Part(DOSSIER, received_in),
        _("Dossiers' documents: a digitised component, and the result file once there is a result."),
    ),
    "4.3": Measure(
        ItemKind.DOSSIER,
        Part(DOSSIER, lambda w: received_in(w) & _reused()),
        Part(DOSSIER, received_in),
        _("Documents reused from an earlier dossier (the reuse marks)."),
    ),
    "4.5a": Measure(
        ItemKind.PROCEDURE,
        Part(DOSSIER, looked_up, "procedure"),
        Part(DOSSIER, persons, "procedure"),
        _("Procedures with dossiers of persons, and those whose applicant was looked up in the population registry."),
    ),
    "4.5b": Measure(
        ItemKind.DOSSIER,
        Part(DOSSIER, looked_up),
        Part(DOSSIER, persons),
        _("Dossiers of persons, and the population-registry look-ups at the counter before receipt."),
    ),
}

# Why the others cannot be computed (shown on the page and in docs/indices.md).
NOT_COMPUTABLE: dict[str, Any] = {
    "1.1": _("The catalogue has no publication-decision dates or legal-basis effective dates."),
    "1.2": _("The catalogue does not record when a procedure was published on the national database."),
    "1.4": _("MotCua does not yet synchronise dossiers to the national portal."),
    "3.5": _("No record says which procedures' fees are integrated for online payment."),
    "3.5b": _("Fee records do not say how a fee was paid (no online-payment transactions)."),
    "3.6": _("Fee records do not say how a fee was paid (DuocThanhToanTrucTuyen is not recorded)."),
    "4.2b": _("MotCua does not issue electronic certified copies."),
    "4.4": _("Results are not linked to the citizen's data store on the national portal."),
}
# The indicators whose gap is missing data rather than a missing function ("no data").
NO_DATA = frozenset({"1.1", "1.2"})
