"""Reads of the dossiers app, all scoped by ``Dossier.objects.restrict(user, action)``.

A staff member sees a dossier ("view") when its receiving unit, its competent (deciding)
agency's unit, or the unit of any agency that holds a step of it lies in their scope:
inter-agency (liên thông) dossiers are visible to every agency that handles them. The queues
("queue") count a liên thông dossier while one of the user's agencies holds its open step
(``Dossier.current_agency``). The ways are declared on the model (``Dossier.scope``).
"""

from __future__ import annotations

import hmac
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache

from django.contrib.auth.models import AnonymousUser, User
from django.db import connection, models
from django.db.models import Count, Exists, Field, Model, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from motcua.catalog.models import Procedure
from motcua.core.exceptions import NotFound
from motcua.core.models import Agency
from motcua.core.scoping import user_unit
from motcua.core.validation import max_length, text_problem
from motcua.dossiers import numbering
from motcua.dossiers.choices import (
    OPEN_STATUSES,
    TERMINAL_STATUSES,
    Channel,
    DossierAction,
    DossierStatus,
    SlipForm,
    StepStatus,
    Timeliness,
    VisitOutcome,
)
from motcua.dossiers.exceptions import DossierErrorCode
from motcua.dossiers.models import CounterVisit, Dossier, DossierEvent, DossierStep, Slip

# What the public look-up reads of the dossier (``public.lookup_payload``, the rating link).
LOOKUP_FIELDS = (
    "code",
    "status",
    "received_at",
    "due_at",
    "returned_at",
    "remaining_at_pause",
    "timeliness",
    "check_id4",
    "check_phone4",
    "rated",
)
# Procedure texts a queue row never shows (kilobytes each): every text and JSON column.
PROCEDURE_LONG_FIELDS = tuple(
    f.name for f in Procedure._meta.concrete_fields if isinstance(f, (models.TextField, models.JSONField))
)


def dossier_get(*, user: User | AnonymousUser, code: str) -> Dossier:
    dossier = (
        Dossier.objects.restrict(user, "view")
        .select_related(
            "procedure",
            "receiving_agency",
            "receiving_unit",
            "deciding_agency__unit",
            "current_agency__unit",
            "assigned_to",
            "created_by",
        )
        .filter(numbering.code_filter(code))
        .first()
    )
    if dossier is None:
        raise NotFound(DossierErrorCode.DOSSIER_NOT_FOUND, _("No dossier has the code %(code)s.") % {"code": code})
    return dossier


@dataclass(frozen=True)
class QueueFilter:
    mine: bool = False
    due_within_days: int | None = None
    overdue: bool = False
    status: DossierStatus | None = None
    awaiting_decision: bool = False
    q: str = ""


def dossier_queue(*, user: User | AnonymousUser, flt: QueueFilter, now: datetime | None = None) -> QuerySet[Dossier]:
    """Open dossiers for the staff queues: mine, due soon, overdue, awaiting a decision.

    Served by the partial indexes on open dossiers (``dossiers_open_*``); see docs/performance.md.
    The "queue" scope resolves the user's units and agencies to ids first (one small query), so
    the dossier query filters indexed columns of the dossier row alone.
    """
    now = now or timezone.now()
    qs = (
        Dossier.objects.restrict(user, "queue")
        .filter(status__in_literal=OPEN_STATUSES)  # as the partial indexes say
        .select_related("procedure", "receiving_unit", "assigned_to")
        .defer("procedure_snapshot", *(f"procedure__{name}" for name in PROCEDURE_LONG_FIELDS))
    )
    if flt.mine and isinstance(user, User):
        mine_step = DossierStep.objects.filter(dossier=OuterRef("pk"), status=StepStatus.OPEN, received_by=user)
        qs = qs.filter(Q(assigned_to=user) | Exists(mine_step))
    # A dossier waiting for the applicant's supplement has its clock stopped: its due date is
    # frozen, so it is neither overdue nor due soon (RULES.md §1.6: the citizen's time is never
    # charged to the agency). It stays in the other queues as "chờ bổ sung".
    # (Literal like the index condition: no status is ever a bound parameter of a queue query.)
    waiting = Q(status__in_literal=(DossierStatus.SUPPLEMENT_REQUESTED,))
    if flt.overdue:
        qs = qs.filter(due_at__lt=now).exclude(waiting)
    if flt.due_within_days is not None:
        qs = qs.filter(due_at__gte=now, due_at__lte=now + timedelta(days=flt.due_within_days)).exclude(waiting)
    if flt.status is not None:
        qs = qs.filter(status=flt.status)
    if flt.awaiting_decision:
        qs = qs.filter(status=DossierStatus.IN_PROGRESS)
    if flt.q:
        term = flt.q.strip()
        qs = qs.filter(
            Q(code__icontains=term) | Q(submission_ref=term) | Q(applicant_id_number=term) | Q(applicant_name__icontains=term)
        )
    return qs.order_by("due_at", "id")


# A queue page shows "more than 1,000" instead of counting a long queue to the end: at 1M
# rows, exact counts of one commune's 7,000–27,000 open dossiers took 79–189 ms, capped counts
# under 10 ms (docs/performance.md).
QUEUE_COUNT_CAP = 1000


def queue_count(qs: QuerySet[Dossier]) -> tuple[int, bool]:
    """How many rows the queue has, up to the cap, and whether there are more."""
    n = qs.order_by()[: QUEUE_COUNT_CAP + 1].count()
    return min(n, QUEUE_COUNT_CAP), n > QUEUE_COUNT_CAP


@cache
def _lookup_sql(by: str = "code") -> str:
    """The look-up's one query, written out from the models' tables and columns: by the dossier
    code, or (``by="submission_ref"``) by an online submission's reference."""
    quote = connection.ops.quote_name

    def column(model: type[Model], name: str) -> str:
        field = model._meta.get_field(name)
        assert isinstance(field, Field)
        return quote(field.column)

    fields = ", ".join(f"d.{column(Dossier, name)}" for name in ("id", *LOOKUP_FIELDS))
    return (
        f"SELECT {fields}, p.{column(Procedure, 'name')} AS procedure_name, a.{column(Agency, 'name')} AS receiving_agency_name "  # noqa: S608  names from the models
        f"FROM {quote(Dossier._meta.db_table)} d "
        f"JOIN {quote(Procedure._meta.db_table)} p ON p.{column(Procedure, 'id')} = d.{column(Dossier, 'procedure')} "
        f"JOIN {quote(Agency._meta.db_table)} a ON a.{column(Agency, 'id')} = d.{column(Dossier, 'receiving_agency')} "
        f"WHERE d.{column(Dossier, by)} = %s"
    )


def dossier_lookup(*, code: str, check: str) -> Dossier:
    """Public look-up: the code plus the last 4 digits of the applicant's ID or phone.

    A wrong code and a wrong check give the same answer, so codes cannot be enumerated. The
    dossier has only the ``LOOKUP_FIELDS`` loaded, plus ``procedure_name`` and
    ``receiving_agency_name``.
    """
    # The citizens' hot path, read as one raw query (the model's converters still apply):
    # building the same query through the ORM cost more than running it (at 1M rows, 0.78 ms
    # a call against 0.36 ms; the API then reached 0.61 of a bare one-row view, see
    # docs/performance.md).
    # NFKC first: full-width digits and letters (typed on some phone keyboards) behave exactly
    # as ASCII, and anything else can only miss, the same way a wrong code does (issue 9 item 7:
    # a full-width check value gave a 500 for an existing code and a 404 for a missing one).
    code = unicodedata.normalize("NFKC", code).strip()
    # A submission reference (TN-YYMMDD-NNNNNN) keeps working after receipt gave the dossier
    # its code (RULES.md §1.7); anything else is looked up as a code, as typed.
    by = "submission_ref" if numbering.is_submission_ref(code) else "code"
    # A code with a control character (a NUL breaks PostgreSQL's query) or over the column's
    # length matches nothing: the same answer as a wrong code, without asking the database.
    well_formed = len(code) <= max_length(Dossier, "code") and text_problem(code) is None
    dossier = next(iter(Dossier.objects.raw(_lookup_sql(by), [code])), None) if well_formed else None
    check = "".join(ch for ch in unicodedata.normalize("NFKC", check) if ch in "0123456789")
    valid = (
        dossier is not None
        and len(check) == 4
        and (
            hmac.compare_digest(check, dossier.check_id4)
            or (bool(dossier.check_phone4) and hmac.compare_digest(check, dossier.check_phone4))
        )
    )
    if not valid:
        raise NotFound(DossierErrorCode.LOOKUP_NOT_FOUND, _("No dossier matches this code and check digits."))
    assert dossier is not None
    return dossier


def missing_items(dossier: Dossier) -> list[str]:
    """What the applicant still has to bring (the open supplement request)."""
    if dossier.status != DossierStatus.SUPPLEMENT_REQUESTED:
        return []
    slip = Slip.objects.filter(dossier_id=dossier.pk, form=SlipForm.SUPPLEMENT).order_by("-issued_at").first()
    return list(slip.data.get("items", [])) if slip else []


def dossier_detail(*, user: User | AnonymousUser, code: str) -> Dossier:
    """One dossier with everything the dossier page and the API show, in a fixed number of queries."""
    from django.db.models import Prefetch

    dossier = dossier_get(user=user, code=code)
    return (
        Dossier.objects.unrestricted("the dossier dossier_get has just found in the user's scope")
        .filter(pk=dossier.pk)
        .select_related(
            "procedure",
            "receiving_agency",
            "receiving_unit",
            "deciding_agency__unit",
            "current_agency__unit",
            "assigned_to",
            "created_by",
        )
        .prefetch_related(
            Prefetch("events", queryset=DossierEvent.objects.order_by("seq").select_related("actor")),
            Prefetch(
                "steps",
                queryset=DossierStep.objects.order_by("position").select_related("agency", "handed_over_by", "received_by"),
            ),
            "documents",
            "clock_changes",
            "slips",
        )
        .get()
    )


def is_overdue(dossier: Dossier, now: datetime | None = None) -> bool:
    """Open and past its due instant (or finished late); never while the dossier waits for the
    applicant's supplement (its clock is stopped: RULES.md §1.6)."""
    if dossier.status == DossierStatus.SUPPLEMENT_REQUESTED:
        return False
    if dossier.timeliness:
        return dossier.timeliness == "late"
    return dossier.due_at is not None and dossier.status not in TERMINAL_STATUSES and dossier.due_at < (now or timezone.now())


def is_waiting_for_supplement(dossier: Dossier) -> bool:
    """The dossier waits for the applicant ("chờ bổ sung"): shown with the working time it had
    left at the pause, never as overdue."""
    return dossier.status == DossierStatus.SUPPLEMENT_REQUESTED


def handover_pending(dossier: Dossier) -> bool:
    """Received at the desk and not yet handed to the competent agency (RULES.md §1.4 row 4)."""
    return dossier.status == DossierStatus.RECEIVED and dossier.handover_due_at is not None


def is_handover_late(dossier: Dossier, now: datetime | None = None) -> bool:
    """Still at the desk after its hand-over deadline ("chuyển muộn")."""
    return handover_pending(dossier) and dossier.handover_due_at is not None and dossier.handover_due_at < (now or timezone.now())


def handover_record(dossier: Dossier) -> dict[str, object] | None:
    """The desk → agency hand-over as the first transfer event recorded it (due, result, late),
    from the prefetched events of ``dossier_detail``; None before the first transfer or for
    dossiers received before the deadline was recorded."""
    for event in dossier.events.all():
        if event.action == DossierAction.TRANSFER:
            if "handover_timeliness" not in event.payload:
                return None
            return {
                "at": event.at,
                "due_at": dossier.handover_due_at,
                "timeliness": event.payload["handover_timeliness"],
                "label": Timeliness(event.payload["handover_timeliness"]).label,
                "late": bool(event.payload.get("handover_late")),
            }
    return None


@dataclass(frozen=True)
class SupplementOverrideCount:
    unit_code: str
    unit_name: str
    count: int


def supplement_override_counts(*, user: User | AnonymousUser, start: datetime, end: datetime) -> list[SupplementOverrideCount]:
    """Second supplement requests made on a leader's override (Decree 118 Art. 11(2) allows
    one), per receiving unit, for events in [start, end): violations the service index counts
    against the unit. Scoped like every dossier read."""
    rows = (
        DossierEvent.objects.filter(
            action=DossierAction.REQUEST_SUPPLEMENT,
            payload__override=True,
            at__gte=start,
            at__lt=end,
            dossier__in=Dossier.objects.restrict(user, "view").values("pk"),
        )
        .values("dossier__receiving_unit__code", "dossier__receiving_unit__name")
        .annotate(n=Count("id"))
        .order_by("dossier__receiving_unit__code")
    )
    return [
        SupplementOverrideCount(row["dossier__receiving_unit__code"], row["dossier__receiving_unit__name"], row["n"])
        for row in rows
    ]


def tracking_book(*, user: User | AnonymousUser, start: datetime, end: datetime) -> QuerySet[Dossier]:
    """BM.06: the dossiers received by the user's own desk (agency) between two instants."""
    profile = getattr(user, "staff_profile", None)
    if profile is None:
        return Dossier.objects.none()
    return (
        Dossier.objects.restrict(user, "view")
        .filter(receiving_agency=profile.agency, received_at__gte=start, received_at__lt=end)
        .select_related("procedure", "deciding_agency")
        .order_by("received_at", "id")
    )


# --- Counter visits (guided / refused at the check, RULES.md §1.4 row 2) ------------------------


def counter_visit_get(*, user: User | AnonymousUser, pk: int) -> CounterVisit:
    visit = (
        CounterVisit.objects.restrict(user, "view")
        .select_related("procedure", "receiving_agency__unit__parent", "receiving_unit", "officer", "dossier")
        .prefetch_related("slips")
        .filter(pk=pk)
        .first()
    )
    if visit is None:
        raise NotFound(DossierErrorCode.VISIT_NOT_FOUND, _("No counter visit has the number %(pk)s.") % {"pk": pk})
    return visit


@dataclass(frozen=True)
class CounterStats:
    """The outcomes of the check at one unit's counter in a period (RULES.md §1.4 row 2)."""

    received: int
    guided: int
    refused: int

    @property
    def total(self) -> int:
        return self.received + self.guided + self.refused


def counter_stats(*, user: User | AnonymousUser, start: datetime, end: datetime) -> CounterStats:
    """Counts per outcome at the user's own unit between two instants: dossiers received at the
    counter (in person or by post; online submissions are checked on the portal) and the
    guided and refused visits."""
    unit = user_unit(user)
    if unit is None:
        return CounterStats(0, 0, 0)
    visits = dict(
        CounterVisit.objects.restrict(user, "view")
        .filter(receiving_unit=unit, at__gte=start, at__lt=end)
        .order_by()
        .values_list("outcome")
        .annotate(n=models.Count("id"))
        .values_list("outcome", "n")
    )
    received = (
        Dossier.objects.restrict(user, "view")
        .filter(receiving_unit=unit, received_at__gte=start, received_at__lt=end, channel__in=[Channel.IN_PERSON, Channel.POSTAL])
        .count()
    )
    return CounterStats(received=received, guided=visits.get(VisitOutcome.GUIDED, 0), refused=visits.get(VisitOutcome.REFUSED, 0))
