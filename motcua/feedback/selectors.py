"""Reads of the petitions domain. Every staff read goes through ``restrict(user, "view")``;
the public reads (published answers, the petitioner's look-up) carry no personal data."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.db import connection
from django.db.models import Count, Q, QuerySet
from django.db.models.functions import Substr
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from motcua.catalog.models import Procedure
from motcua.core.audit import audit_record
from motcua.core.choices import AgencyKind
from motcua.core.exceptions import DomainError, NotFound
from motcua.core.models import AdministrativeUnit, Agency
from motcua.core.scoping import user_unit_code
from motcua.feedback.answer_templates import PlaceholderError, render, summary
from motcua.feedback.choices import OPEN_STATUSES, PetitionStatus
from motcua.feedback.exceptions import PetitionErrorCode
from motcua.feedback.models import AnswerTemplate, Petition, PetitionEvent, PetitionNotice, PetitionTerm
from motcua.feedback.similarity import Candidate, Query, index_terms, rank, similarity_key
from motcua.feedback.workflow import staff_actions

S = PetitionStatus
StrOrPromise = str | Promise

# The staff queue's tabs: key → (label, filter).
QUEUES: dict[str, tuple[StrOrPromise, Q]] = {
    "open": (_("Open petitions"), Q(status__in=OPEN_STATUSES)),
    "overdue": (_("Overdue"), Q(status__in=OPEN_STATUSES)),  # and step_due_at < now, added at read time
    "classify": (_("To classify"), Q(status=S.RECEIVED)),
    "approve": (_("Waiting for approval"), Q(status=S.ANSWER_DRAFTED)),
    "publish": (_("Waiting for publication"), Q(status=S.AWAITING_PUBLICATION)),
    "done": (_("Done"), Q(status__in=[S.PUBLISHED, S.FORWARDED, S.REFUSED, S.MERGED, S.CLOSED])),
}


# Which desk of a commune keeps its reception book, in order of preference (then any agency).
DESK_KINDS = (AgencyKind.SERVICE_CENTRE, AgencyKind.PEOPLES_COMMITTEE)


def preferred_desk(agencies: Iterable[Agency]) -> Agency | None:
    """Of one unit's agencies (in a stable order), the one that receives petitions."""
    rows = list(agencies)
    for kind in DESK_KINDS:
        for agency in rows:
            if agency.kind == kind:
                return agency
    return rows[0] if rows else None


def reception_desks() -> list[Agency]:
    """The desk of every current commune that has one, by commune name: the published reception
    channels (Art. 13; reference data, readable by everyone). One query."""
    rows = (
        Agency.objects.unrestricted("the published reception channels are public (Art. 13)")
        .filter(kind__in=DESK_KINDS, unit__valid_to__isnull=True)
        .select_related("unit")
        .order_by("unit__name", "id")
    )
    by_unit: dict[int, list[Agency]] = {}
    for agency in rows:
        by_unit.setdefault(agency.unit_id, []).append(agency)
    desks = [preferred_desk(agencies) for agencies in by_unit.values()]
    return [desk for desk in desks if desk is not None]


def _queue_filter(view: str, now: datetime) -> Q:
    condition = QUEUES.get(view, QUEUES["open"])[1]
    if view == "overdue":
        condition &= Q(step_due_at__lt=now)
    return condition


def petition_queue(*, user: User | AnonymousUser, view: str = "open", now: datetime | None = None) -> QuerySet[Petition]:
    """A tab of the reception book: overdue steps first, then by the step's deadline."""
    now = now or timezone.now()
    return (
        Petition.objects.restrict(user, "view")
        .filter(_queue_filter(view, now))
        .select_related("unit", "procedure")
        .order_by("step_due_at", "received_at", "id")
    )


def petition_queue_counts(*, user: User | AnonymousUser, now: datetime | None = None) -> dict[str, int]:
    """How many petitions each tab holds (one query)."""
    now = now or timezone.now()
    totals = Petition.objects.restrict(user, "view").aggregate(
        **{key: Count("pk", filter=_queue_filter(key, now)) for key in QUEUES}
    )
    return {key: int(totals[key] or 0) for key in QUEUES}


def petition_get(*, user: User | AnonymousUser, code: str, purpose: str = "view") -> Petition:
    """One petition in the user's scope, personal data included: the read is audited."""
    petition = (
        Petition.objects.restrict(user, "view")
        .select_related("unit", "agency", "procedure", "dossier", "merged_into", "approved_by", "answered_by")
        .filter(code="".join(code.split()).upper())
        .first()
    )
    if petition is None:
        raise NotFound(PetitionErrorCode.NOT_FOUND, _("No petition has the code %(code)s.") % {"code": code})
    audit_record(
        action=f"petition.read.{purpose}",
        actor=user,
        unit_code=user_unit_code(user),
        object_type="petition",
        object_id=petition.code,
    )
    return petition


_ACTOR_LABELS = {"petitioner": _("the petitioner"), "citizen": _("a citizen (+1)"), "system": _("MotCua (automatic)")}
_RULE_TEXTS = {"art7_missing": _("Name, address or phone missing (Decree 20/2008, Art. 7).")}


@dataclass(frozen=True)
class EventRow:
    event: PetitionEvent
    actor: str
    note: str
    notices: tuple[str, ...] = ()  # the channels a message to the petitioner went by ("sms", "email")


def _note(event: PetitionEvent) -> str:
    note = event.reason or str(_RULE_TEXTS.get(str(event.payload.get("rule", "")), ""))
    attachments = event.payload.get("attachments") or []
    if attachments:  # an e-mail's attachments (the import notes them; the mailbox keeps the files)
        names = ", ".join(str(item.get("name", "")) for item in attachments if isinstance(item, dict))
        note = " ".join(part for part in (note, gettext("Attachments in the e-mail: %(names)s.") % {"names": names}) if part)
    return note


def petition_events(*, petition: Petition) -> list[EventRow]:
    """The petition's whole life (call with a petition already read through the scope), with the
    actor, the automatic notes in the reader's language and the messages sent. Two queries."""
    rows = PetitionEvent.objects.filter(petition_id=petition.pk).select_related("actor").order_by("seq")
    sent: dict[int, list[str]] = {}
    for event_id, channel in (
        PetitionNotice.objects.filter(petition_id=petition.pk).order_by("id").values_list("event_id", "channel")
    ):
        sent.setdefault(event_id, []).append(channel)
    return [
        EventRow(
            event=e,
            actor=str(_ACTOR_LABELS.get(e.actor_label, e.actor_label)),
            note=_note(e),
            notices=tuple(sent.get(e.pk, ())),
        )
        for e in rows
    ]


def petition_actions(*, user: User | AnonymousUser, petition: Petition) -> list[str]:
    perms = {p for p in user.get_all_permissions()} if isinstance(user, User) else set()
    return [str(a) for a in staff_actions(S(petition.status), perms)]


@dataclass(frozen=True)
class PublicPetition:
    """What the public sees of a petition: never the petitioner."""

    code: str
    title: str
    content: str
    status: str
    status_label: str
    received_at: datetime
    answer: str
    published_at: datetime | None
    voices: int
    unit_name: str
    judged: bool


def _public(petition: Petition) -> PublicPetition:
    published = petition.status in (S.PUBLISHED, S.CLOSED) and petition.published_at is not None
    return PublicPetition(
        code=petition.code,
        title=petition.title,
        content=petition.content,
        status=str(petition.status),
        status_label=str(petition.get_status_display()),
        received_at=petition.received_at,
        answer=petition.answer if published else "",
        published_at=petition.published_at if published else None,
        voices=petition.voices,
        unit_name=petition.unit.name,
        judged=bool(petition.verdict),
    )


def published_petitions(*, unit_code: str = "", q: str = "") -> list[PublicPetition]:
    """Answered petitions published for everyone (Art. 19), newest first."""
    from motcua.core.text import search_terms

    qs = (
        Petition.objects.unrestricted("published answers are public (Art. 19); personal data is not read")
        .filter(status__in=[S.PUBLISHED, S.CLOSED], published_at__isnull=False)
        .select_related("unit")
        .only(
            "code",
            "title",
            "content",
            "status",
            "received_at",
            "answer",
            "published_at",
            "voices",
            "verdict",
            "unit__name",
            "unit__code",
        )
        .order_by("-published_at", "-id")
    )
    if unit_code:
        qs = qs.filter(unit__code=unit_code)
    for word in search_terms(q):
        qs = qs.filter(content_folded__contains=word)
    return [_public(p) for p in qs[:200]]


def petition_lookup(*, code: str, check: str) -> PublicPetition:
    """The petitioner's own look-up: the code and the last 4 digits of the phone given."""
    digits = "".join(ch for ch in check if ch.isdigit())[-4:]
    petition = (
        Petition.objects.unrestricted("the petitioner's look-up, proved by the phone's last digits")
        .select_related("unit")
        .filter(code="".join(code.split()).upper())
        .first()
    )
    if petition is None or not petition.check_digits or digits != petition.check_digits:
        raise NotFound(PetitionErrorCode.NOT_FOUND, _("No petition matches this code and these digits."))
    return _public(petition)


# --- Answer templates (docs/feedback.md "Answer templates") ------------------------------------


def placeholder_message(problem: PlaceholderError) -> str:
    """What is wrong with a template's placeholders, in the reader's language."""
    from motcua.feedback.answer_templates import PLACEHOLDERS

    parts = []
    if problem.unknown:
        parts.append(
            gettext("Unknown placeholder: %(names)s. Known ones: %(known)s.")
            % {
                "names": ", ".join("{" + name + "}" for name in problem.unknown),
                "known": ", ".join("{" + name + "}" for name in PLACEHOLDERS),
            }
        )
    if problem.stray_brace:
        parts.append(gettext("A brace stands alone: write {{ or }} for a brace in the text."))
    return " ".join(parts)


def _unit_and_above(path: str) -> list[str]:
    """The materialised paths of a unit and of every unit above it ("96/32218/" → "96/", "96/32218/")."""
    parts = [p for p in path.split("/") if p]
    return ["/".join(parts[: i + 1]) + "/" for i in range(len(parts))]


def answer_templates_for(*, petition: Petition) -> list[AnswerTemplate]:
    """The active templates offered for a petition already read through its scope: national
    ones and those of its commune or a unit above it, of its content category (every category
    while it has none). One query."""
    qs = (
        AnswerTemplate.objects.unrestricted("the templates of a petition read through its scope: its unit, above, national")
        .filter(Q(unit__isnull=True) | Q(unit__path__in=_unit_and_above(petition.unit.path)), active=True)
        .select_related("unit")
        .order_by("category", "unit__path", "title", "id")
    )
    if petition.category:
        qs = qs.filter(category=petition.category)
    return list(qs)


def answer_values(petition: Petition, *, today: datetime | None = None) -> dict[str, str]:
    """The value of each placeholder for one petition (nothing about the petitioner)."""
    return {
        "ma_phan_anh": petition.code,
        "ngay_tiep_nhan": timezone.localtime(petition.received_at).strftime("%d/%m/%Y"),
        "tieu_de": petition.title,
        "noi_dung_tom_tat": summary(petition.content),
        "co_quan": petition.agency.name,
        "xa": petition.unit.name,
        "thu_tuc": petition.procedure.name if petition.procedure is not None else "",
        "ngay_tra_loi": timezone.localtime(today or timezone.now()).strftime("%d/%m/%Y"),
    }


def answer_template_render(*, petition: Petition, template: AnswerTemplate, today: datetime | None = None) -> str:
    """The template's text filled in for the petition. An unknown placeholder is a 400 naming it
    (a template edited around the checks, e.g. in the database), never a server error."""
    try:
        return render(template.body, answer_values(petition, today=today))
    except PlaceholderError as problem:
        message = placeholder_message(problem)
        raise DomainError(PetitionErrorCode.TEMPLATE_INVALID, message, fields={"answer": message}) from problem


def answer_template_pick(*, petition: Petition, template_id: int | str) -> AnswerTemplate:
    """One of the templates offered for the petition (404 for any other)."""
    wanted = str(template_id)
    for template in answer_templates_for(petition=petition):
        if str(template.pk) == wanted:
            return template
    raise NotFound(PetitionErrorCode.TEMPLATE_NOT_FOUND, gettext("No such answer template for this petition."))


def answer_template_list(*, user: User | AnonymousUser) -> QuerySet[AnswerTemplate]:
    """The templates a manager sees: their unit's and below, and the national ones."""
    return AnswerTemplate.objects.restrict(user, "view").select_related("unit").order_by("category", "unit__path", "title", "id")


def answer_template_get(*, user: User | AnonymousUser, template_id: int) -> AnswerTemplate:
    """A template the user may edit (``manage`` scope), else 404."""
    template = AnswerTemplate.objects.restrict(user, "manage").select_related("unit").filter(pk=template_id).first()
    if template is None:
        raise NotFound(PetitionErrorCode.TEMPLATE_NOT_FOUND, gettext("No such answer template in your unit."))
    return template


# --- Similar petitions (issue 11: duplicates and +1) ----------------------------------------

POSTINGS_PER_TERM = 400  # newest live petitions counted per index term (docs/feedback.md "Duplicates")
CANDIDATES = 150  # petitions sharing the most terms that are scored
EXCERPT_LENGTH = 160
# Statuses that take a "+1" (``services.petition_add_voice``): open, answered, forwarded.
TAKING_VOICES = frozenset(OPEN_STATUSES | {S.PUBLISHED, S.FORWARDED})
_REASON_LABELS = {
    "text": _("similar text"),
    "procedure": _("same procedure"),
    "place": _("same place"),
    "officer": _("same officer"),
}
_LONG_NUMBER = re.compile(r"\d[\d .]{4,}\d")
_EMAIL = re.compile(r"\S+@\S+")


@dataclass(frozen=True)
class SimilarPetition:
    """A proposed duplicate: what the public may see of it (never the petitioner), its score
    and why it was proposed."""

    code: str
    title: str
    excerpt: str
    status: str
    status_label: str
    voices: int
    received_at: datetime
    takes_voices: bool
    score: float
    reasons: tuple[str, ...]

    @property
    def reason_labels(self) -> list[str]:
        return [str(_REASON_LABELS[r]) for r in self.reasons]


def _excerpt(petition: Petition) -> str:
    """The content's start without the petitioner's own name, phone, address or e-mail, and
    without long numbers (phones, ID numbers) or e-mail addresses written in the text."""
    text = " ".join(petition.content.split())
    for secret in (petition.petitioner_name, petition.petitioner_address, petition.petitioner_email, petition.petitioner_phone):
        if secret and len(secret) >= 3:
            text = re.sub(re.escape(secret), "…", text, flags=re.IGNORECASE)
    text = _EMAIL.sub("…", _LONG_NUMBER.sub("…", text))
    return text if len(text) <= EXCERPT_LENGTH else text[: EXCERPT_LENGTH - 1].rsplit(" ", 1)[0] + "…"


def submission_seen(*, unit_code: str, idempotency_key: str) -> bool:
    """Whether this web form was already sent (its idempotency key filed a petition of the
    commune): a reload is answered with the first petition, not with suggestions."""
    if not idempotency_key:
        return False
    return (
        Petition.objects.unrestricted("idempotent replay of the public form")
        .filter(unit__code=unit_code[:10], idempotency_key=idempotency_key[:80])
        .exists()
    )


def receiving_unit(code: str) -> AdministrativeUnit | None:
    """The current commune with this code (reference data)."""
    if not code:
        return None
    return AdministrativeUnit.objects.filter(code=code[:10], valid_to__isnull=True).order_by("-valid_from").first()


def _sharing_terms(unit: AdministrativeUnit, terms: list[int], now: datetime, exclude: Petition | None) -> list[int]:
    """The ids of the live petitions of ``unit`` that share the most of ``terms``, at most
    ``CANDIDATES``: one statement over the ``feedback_term_lookup`` index, each term taking its
    newest ``POSTINGS_PER_TERM`` live rows (a common term cannot flood the count).

    Raw SQL: the ORM cannot group over limited subqueries per term. PostgreSQL runs one
    ``LATERAL`` subquery over the array of terms (a union of 48 subqueries took 13 ms to plan);
    SQLite, which has no ``LATERAL``, a ``UNION ALL``. Only the table name, constants and a
    counter are interpolated; every value is a parameter."""
    table = connection.ops.quote_name(PetitionTerm._meta.db_table)
    skip = " WHERE petition_id <> %s" if exclude is not None else ""
    tail = f" GROUP BY petition_id ORDER BY COUNT(*) DESC, petition_id DESC LIMIT {CANDIDATES}"
    params: list[Any]
    if connection.vendor == "postgresql":
        sql = (
            f"SELECT petition_id FROM unnest(%s::bigint[]) AS q(term) CROSS JOIN LATERAL ("  # noqa: S608
            f"SELECT petition_id FROM {table} WHERE unit_id = %s AND term = q.term AND live_until > %s "
            f"ORDER BY live_until DESC, petition_id DESC LIMIT {POSTINGS_PER_TERM}) AS hits{skip}{tail}"
        )
        params = [terms, unit.pk, now]
    else:
        part = (
            f"SELECT petition_id FROM (SELECT petition_id FROM {table} WHERE unit_id = %s AND term = %s "  # noqa: S608
            f"AND live_until > %s ORDER BY live_until DESC, petition_id DESC LIMIT {POSTINGS_PER_TERM}) AS t{{n}}"
        )
        union = " UNION ALL ".join(part.format(n=n) for n in range(len(terms)))
        sql = f"SELECT petition_id FROM ({union}) AS hits{skip}{tail}"  # noqa: S608  (see above)
        params = []
        for term in terms:
            params += [unit.pk, term, now]
    if exclude is not None:
        params.append(exclude.pk)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [int(row[0]) for row in cursor.fetchall()]


def similar_candidates(
    *, unit: AdministrativeUnit, text: str, now: datetime, taking_voices: bool = False, exclude: Petition | None = None
) -> list[Candidate]:
    """The rows ``similar_petitions`` scores: the live petitions of ``unit`` (open, or ended less
    than ``similarity.RECENT_DAYS`` ago: ``PetitionTerm.live_until``) that share the most index terms with
    ``text``, newest first, only the columns the scoring reads. Two queries."""
    terms = index_terms(text)
    if not terms:
        return []
    ids = _sharing_terms(unit, terms, now, exclude)
    if not ids:
        return []
    statuses = TAKING_VOICES if taking_voices else TAKING_VOICES | {S.CLOSED}
    scanned = (
        Petition.objects.unrestricted("similar petitions of one unit; personal data is not returned")
        .filter(pk__in=ids, unit=unit, status__in=statuses)
        .order_by("-received_at", "-id")
        .annotate(head=Substr("content_folded", 1, 1000))
        .values_list("pk", "similarity_key", "head", "procedure_id", "place", "officer_named")
    )
    return [Candidate(pk, key, head, proc, where, who) for pk, key, head, proc, where, who in scanned]


def similar_petitions(
    *,
    unit: AdministrativeUnit,
    title: str,
    content: str,
    procedure: Procedure | None = None,
    place: str = "",
    officer_named: str = "",
    exclude: Petition | None = None,
    limit: int = 3,
    taking_voices: bool = False,
    now: datetime | None = None,
) -> list[SimilarPetition]:
    """The petitions of ``unit`` most like this text, best first: among its open petitions and
    those answered, forwarded or closed in the last ``similarity.RECENT_DAYS`` days (found
    through the shingle index, ``similar_candidates``), never refused or merged ones, never
    another unit's. Scored by
    ``similarity.rank`` (accent-free text, same procedure, place, officer).

    ``taking_voices`` keeps only petitions that still take a "+1" (the public form). Three
    queries; no personal data leaves this function (the excerpt is cleaned by ``_excerpt``)."""
    now = now or timezone.now()
    text = f"{title} {content}".strip()
    if not similarity_key(text):
        return []
    candidates = similar_candidates(unit=unit, text=text, now=now, taking_voices=taking_voices, exclude=exclude)
    query = Query(text, procedure.pk if procedure is not None else None, place, officer_named)
    matches = rank(query, candidates, limit=limit)
    if not matches:
        return []
    found = {p.pk: p for p in Petition.objects.unrestricted("the matches found above").filter(pk__in=[m.pk for m in matches])}
    return [
        SimilarPetition(
            code=found[m.pk].code,
            title=found[m.pk].title,
            excerpt=_excerpt(found[m.pk]),
            status=str(found[m.pk].status),
            status_label=str(found[m.pk].get_status_display()),
            voices=found[m.pk].voices,
            received_at=found[m.pk].received_at,
            takes_voices=found[m.pk].status in TAKING_VOICES,
            score=m.score,
            reasons=m.reasons,
        )
        for m in matches
        if m.pk in found
    ]
