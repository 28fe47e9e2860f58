"""Reads of the dossiers app, all scoped by ``Dossier.objects.restrict(user, action)``.

A staff member sees a dossier ("view") when its receiving unit, its competent (deciding)
agency's unit, or the unit of any agency that holds a step of it lies in their scope:
inter-agency (liên thông) dossiers are visible to every agency that handles them. The queues
("queue") count a liên thông dossier while one of the user's agencies holds its open step
(``Dossier.current_agency``). The ways are declared on the model (``Dossier.scope``).
"""

from __future__ import annotations

import hmac
import logging
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache

from django.contrib.auth.models import AnonymousUser, User
from django.core.files import File
from django.db import connection, models, transaction
from django.db.models import Count, Exists, Field, Model, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from motcua.catalog.models import Procedure
from motcua.core.audit import audit_record
from motcua.core.calendar import calendar_for
from motcua.core.choices import AgencyKind
from motcua.core.exceptions import NotFound, PermissionDenied
from motcua.core.models import Agency
from motcua.core.scoping import user_unit, user_unit_code
from motcua.core.text import search_terms
from motcua.core.validation import max_length, text_problem
from motcua.dossiers import numbering
from motcua.dossiers.choices import (
    OPEN_STATUSES,
    TERMINAL_STATUSES,
    Channel,
    DocumentRead,
    DossierAction,
    DossierStatus,
    SlipForm,
    StepStatus,
    Timeliness,
    VisitOutcome,
)
from motcua.dossiers.exceptions import DossierErrorCode
from motcua.dossiers.filters import DossierFilter
from motcua.dossiers.models import CounterVisit, Document, Dossier, DossierEvent, DossierStep, Slip
from motcua.dossiers.workflow import PERM_RECEIVE, PERM_VIEW

logger = logging.getLogger(__name__)

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
    return _queue_tab(_queue_base(user), user=user, flt=flt, now=now or timezone.now())


def _queue_base(user: User | AnonymousUser) -> QuerySet[Dossier]:
    """The user's open queue (the scope resolved once: every tab derives from this queryset)."""
    return (
        Dossier.objects.restrict(user, "queue")
        .filter(status__in_literal=OPEN_STATUSES)  # as the partial indexes say
        .select_related("procedure", "receiving_unit", "assigned_to")
        .defer("procedure_snapshot", *(f"procedure__{name}" for name in PROCEDURE_LONG_FIELDS))
    )


def _queue_tab(qs: QuerySet[Dossier], *, user: User | AnonymousUser, flt: QueueFilter, now: datetime) -> QuerySet[Dossier]:
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
        # What a specialist has submitted for decision (trình ký), not every dossier in progress.
        qs = qs.filter(status=DossierStatus.AWAITING_DECISION)
    if flt.q:
        qs = qs.filter(search_filter(flt.q))
    return qs.order_by("due_at", "id")


def search_filter(text: str) -> Q:
    """What a queue search matches: the dossier code or submission reference (case and spaces
    ignored), the applicant's name without diacritics (đ too, every word in order of the name
    not required), the personal ID or the phone (digits as typed)."""
    compact = numbering.normalise_code(text)
    match = Q(code__contains=compact) | Q(submission_ref=compact) if compact else Q(pk__in=[])
    if compact.isdigit() and len(compact) >= 3:
        match |= Q(applicant_id_number=compact) | Q(applicant_phone__contains=compact)
    words = search_terms(text)
    if words:
        by_name = Q()
        for word in words:
            by_name &= Q(applicant_name_folded__contains=word)
        match |= by_name
    return match


def dossier_search(*, user: User | AnonymousUser, q: str) -> QuerySet[Dossier]:
    """A search over every dossier the user may see ("view" scope, any status, any tab): a
    specialist finds a dossier transferred away from their agency by its code, a returned one
    by the applicant's name. Open dossiers first, then by due time."""
    return (
        Dossier.objects.restrict(user, "view")
        .filter(search_filter(q))
        .select_related("procedure", "receiving_unit", "assigned_to")
        .defer("procedure_snapshot", *(f"procedure__{name}" for name in PROCEDURE_LONG_FIELDS))
        .order_by("due_at", "id")
    )


def dossier_list(
    *, user: User | AnonymousUser, tab: QueueFilter, flt: DossierFilter, q: str = "", now: datetime | None = None
) -> QuerySet[Dossier]:
    """The queue page's list (and its export, and the API's): a search looks over the whole
    "view" scope (any tab, any status), otherwise the tab's queue; then the shared filter and
    sort (``filters.DossierFilter``)."""
    now = now or timezone.now()
    qs = dossier_search(user=user, q=q) if q else dossier_queue(user=user, flt=tab, now=now)
    return flt.apply(qs, now=now, calendar=calendar_for(user_unit(user)) if flt.needs_calendar else None)


@dataclass(frozen=True)
class QueueFilterOptions:
    """The choices of the queue's filter form."""

    procedures: list[tuple[str, str]]  # (code, name) of procedures with open dossiers in the queue
    sectors: list[tuple[str, str]]  # (slug, name) of their sectors
    officers: list[tuple[int, str]]  # (user id, name) of the staff of the user's unit


@dataclass(frozen=True)
class QueuePage:
    dossiers: QuerySet[Dossier]  # the list (tab or search), filtered and sorted
    counts: dict[str, tuple[int, bool]]  # per tab, with the same filter: (count up to the cap, more)
    options: QueueFilterOptions | None  # the filter form's choices, when asked for


def queue_page(
    *,
    user: User | AnonymousUser,
    tabs: dict[str, QueueFilter],
    current: str,
    flt: DossierFilter,
    q: str = "",
    now: datetime | None = None,
    with_options: bool = False,
) -> QueuePage:
    """The queue page: the current list and the count of every tab with the current filter
    (capped like the page's count). The scope and the calendar are resolved once."""
    now = now or timezone.now()
    calendar = calendar_for(user_unit(user)) if flt.needs_calendar else None
    base = _queue_base(user)
    counts = {
        name: queue_count(flt.apply(_queue_tab(base, user=user, flt=tab, now=now), now=now, calendar=calendar))
        for name, tab in tabs.items()
    }
    listed = dossier_search(user=user, q=q) if q else _queue_tab(base, user=user, flt=tabs[current], now=now)
    options = queue_filter_options(user=user, base=base) if with_options else None
    return QueuePage(dossiers=flt.apply(listed, now=now, calendar=calendar), counts=counts, options=options)


def queue_filter_options(*, user: User | AnonymousUser, base: QuerySet[Dossier] | None = None) -> QueueFilterOptions:
    """Two queries: the procedures (with their sectors) of the user's open queue (``base``, the
    scoped open queue when the caller has it), and the staff of the user's unit."""
    open_queue = (base if base is not None else _queue_base(user)).order_by().values("procedure_id")
    rows = list(
        Procedure.objects.filter(pk__in=open_queue)
        .order_by("name", "code")
        .values_list("code", "name", "sector__slug", "sector__name")
    )
    sectors = sorted({(slug, name) for _code, _name, slug, name in rows if slug}, key=lambda item: item[1])
    unit = user_unit(user)
    officers: list[tuple[int, str]] = []
    if unit is not None:
        for pk, first, last, username in (
            User.objects.filter(staff_profile__agency__unit=unit, is_active=True)
            .order_by("first_name", "last_name", "username")
            .values_list("pk", "first_name", "last_name", "username")
        ):
            officers.append((pk, f"{first} {last}".strip() or username))
    return QueueFilterOptions(procedures=[(code, name) for code, name, _s, _n in rows], sectors=sectors, officers=officers)


def dossier_list_export(
    *, user: User | AnonymousUser, tab_name: str, tab: QueueFilter, flt: DossierFilter, q: str = "", now: datetime | None = None
) -> QuerySet[Dossier]:
    """The rows of the queue's XLSX export (every page of the current list): personal data
    (names, the applicant's ID), so the export is one audit row ``dossier.export`` with the
    tab, search, filter and the number of rows."""
    qs = dossier_list(user=user, tab=tab, flt=flt, q=q, now=now)
    with transaction.atomic():
        audit_record(
            action="dossier.export",
            actor=user,
            unit_code=user_unit_code(user),
            object_type="dossier_list",
            data={"view": tab_name, "q": q[:200], "filter": flt.params(), "rows": qs.count()},
        )
    return qs


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
    # Case, spaces and dash variants are ignored (``numbering.normalise_code``, the same as the
    # queue search): "000.00.00.h12-260301-0001 " finds the dossier.
    code = numbering.normalise_code(code)
    # A submission reference (TN-YYMMDD-NNNNNN) keeps working after receipt gave the dossier
    # its code (RULES.md §1.7); anything else is looked up as a code.
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


def tracking_book_desk(*, user: User | AnonymousUser) -> Agency | None:
    """The desk whose BM.06 book the user keeps or reads.

    A reception officer keeps the book of their own desk. A leader (who decides, and receives
    nothing) reads the book of their unit's one-stop desk: the unit's service centre, else the
    desk that received the unit's latest dossier, else their own agency.
    """
    profile = getattr(user, "staff_profile", None)
    if profile is None:
        return None
    if user.has_perm(PERM_RECEIVE):
        return profile.agency
    unit_agencies = Agency.objects.filter(unit_id=profile.agency.unit_id)
    centre = unit_agencies.filter(kind=AgencyKind.SERVICE_CENTRE).order_by("id").first()
    if centre is not None:
        return centre
    latest = (
        Dossier.objects.restrict(user, "view")
        .filter(receiving_agency__unit_id=profile.agency.unit_id)
        .order_by("-received_at")
        .values_list("receiving_agency_id", flat=True)
        .first()
    )
    return unit_agencies.filter(pk=latest).first() if latest else profile.agency


def tracking_book(*, user: User | AnonymousUser, start: datetime, end: datetime) -> QuerySet[Dossier]:
    """BM.06: the dossiers received by the user's desk (``tracking_book_desk``) between two instants."""
    desk = tracking_book_desk(user=user)
    if desk is None:
        return Dossier.objects.none()
    return (
        Dossier.objects.restrict(user, "view")
        .filter(receiving_agency=desk, received_at__gte=start, received_at__lt=end)
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


# --- Documents: the scans are personal data (issue 10 item 1) ------------------------------------
#
# A scan is never served from ``/media/``: staff read it through ``document_content``, scoped like
# the dossier page (``dossier_get``) and audited (one ``document.view`` or ``document.download``
# row per read that succeeds; a refusal writes nothing, since it read nothing). The bytes come
# from the storage API (``Document.file.storage``), so the same code serves the filesystem and
# S3-compatible storage.

# The types a browser shows inline (the intake accepts only these: ``services.documents``); a
# scan of any other stored type is only ever sent as an attachment, as opaque bytes.
INLINE_CONTENT_TYPES = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}


@dataclass(frozen=True)
class DocumentView:
    """One scanned document of a dossier, with its neighbours for the viewer's previous / next."""

    dossier: Dossier
    document: Document
    previous: Document | None
    next: Document | None
    number: int
    count: int

    @property
    def kind(self) -> str:
        """``pdf``, ``image`` or ``other``: how the viewer shows it."""
        return document_kind(self.document)


def document_kind(document: Document) -> str:
    if document.content_type == "application/pdf":
        return "pdf"
    if document.content_type in INLINE_CONTENT_TYPES:
        return "image"
    return "other"


def dossier_documents(*, user: User | AnonymousUser, code: str) -> tuple[Dossier, list[Document]]:
    """The dossier (in the user's scope) and its documents in checklist order: names, flags and
    file metadata, never the content (not audited, like the dossier page that lists them).

    A role without the dossier-view permission is refused (403) before any read, on the pages
    and in the API alike; out of scope is 404."""
    if not user.has_perm(PERM_VIEW):
        raise PermissionDenied(DossierErrorCode.FORBIDDEN, _("You do not have permission to do this."))
    dossier = dossier_get(user=user, code=code)
    documents = list(Document.objects.filter(dossier_id=dossier.pk).order_by("position", "id"))
    for document in documents:
        document.dossier = dossier  # the scoped row: no query (and no unscoped read) per document
    return dossier, documents


def document_for_view(*, user: User | AnonymousUser, code: str, doc_id: int) -> DocumentView:
    """A scanned document of a dossier in the user's scope, for the viewer page. The page shows
    metadata only; the file it embeds is read (and audited) by ``document_content``. Previous and
    next run over the dossier's scanned documents."""
    dossier, documents = dossier_documents(user=user, code=code)
    scanned = [d for d in documents if d.file]
    for index, document in enumerate(scanned):
        if document.pk == doc_id:
            return DocumentView(
                dossier=dossier,
                document=document,
                previous=scanned[index - 1] if index > 0 else None,
                next=scanned[index + 1] if index + 1 < len(scanned) else None,
                number=index + 1,
                count=len(scanned),
            )
    raise _document_missing(dossier, doc_id, documents)


def _document_missing(dossier: Dossier, doc_id: int, documents: list[Document]) -> NotFound:
    if any(d.pk == doc_id for d in documents):
        return NotFound(DossierErrorCode.DOCUMENT_NOT_SCANNED, _("This document has no scan."))
    return NotFound(
        DossierErrorCode.DOCUMENT_NOT_FOUND,
        _("Dossier %(code)s has no document number %(id)s.") % {"code": dossier.code, "id": doc_id},
    )


@dataclass
class DocumentContent:
    """An open scan to stream (the caller's response closes ``file``)."""

    document: Document
    file: File  # type: ignore[type-arg]  # django-stubs: File is generic over its content type
    content_type: str
    filename: str
    inline: bool


def document_content(*, user: User | AnonymousUser, code: str, doc_id: int, read: DocumentRead, channel: str) -> DocumentContent:
    """The scan's bytes, for a user who may see the dossier: an audited read of personal data.

    ``read`` says whether the scan is shown (``view``, inline) or saved (``download``, an
    attachment); ``channel`` is ``web`` or ``api``. One audit row ``document.<read>`` with the
    dossier code and the document id is written once the file is open; nothing is written when
    the dossier is out of scope, the document is not the dossier's, has no scan, or its file is
    gone from the storage.
    """
    dossier, documents = dossier_documents(user=user, code=code)
    document = next((d for d in documents if d.pk == doc_id and d.file), None)
    if document is None:
        raise _document_missing(dossier, doc_id, documents)
    try:
        handle = document.file.storage.open(document.file.name, "rb")
    except OSError as exc:  # FileNotFoundError, or the object store's error
        logger.error("document #%s of dossier %s: file %s cannot be opened", document.pk, dossier.code, document.file.name)
        raise NotFound(DossierErrorCode.DOCUMENT_FILE_MISSING, _("The scan of this document cannot be found.")) from exc
    extension = INLINE_CONTENT_TYPES.get(document.content_type)
    inline = read == DocumentRead.VIEW and extension is not None
    try:
        with transaction.atomic():
            audit_record(
                action=f"document.{read.value}",
                actor=user,
                unit_code=user_unit_code(user),
                object_type="document",
                object_id=document.pk,
                data={
                    "dossier": dossier.code,
                    "document": document.pk,
                    "name": document.name[:200],
                    "sha256": document.sha256,
                    "channel": channel,
                },
            )
    except BaseException:
        handle.close()
        raise
    return DocumentContent(
        document=document,
        file=handle,
        content_type=document.content_type if extension else "application/octet-stream",
        filename=f"{dossier.code}-{document.position:02d}.{extension or 'bin'}",
        inline=inline,
    )


def procedure_most_used(*, user: User | AnonymousUser, limit: int = 8) -> list[Procedure]:
    """The published procedures the user's unit received most dossiers of, most first (ties by
    code): what the intake's procedure picker offers before anything is typed. Counted over the
    dossiers the user may see (``restrict``) that their unit received."""
    unit = user_unit(user)
    if unit is None or limit <= 0:
        return []
    rows = list(
        Dossier.objects.restrict(user, "view")
        .filter(receiving_unit=unit, procedure__is_published=True)
        .order_by()
        .values("procedure_id")
        .annotate(n=Count("id"))
        .order_by("-n", "procedure__code")
        .values_list("procedure_id", flat=True)[:limit]
    )
    found = Procedure.objects.select_related("sector").in_bulk(rows)
    return [found[pk] for pk in rows if pk in found]
