"""Reads of the petitions domain. Every staff read goes through ``restrict(user, "view")``;
the public reads (published answers, the petitioner's look-up) carry no personal data."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from motcua.core.audit import audit_record
from motcua.core.choices import AgencyKind
from motcua.core.exceptions import DomainError, NotFound
from motcua.core.models import Agency
from motcua.core.scoping import user_unit_code
from motcua.feedback.answer_templates import PlaceholderError, render, summary
from motcua.feedback.choices import OPEN_STATUSES, PetitionStatus
from motcua.feedback.exceptions import PetitionErrorCode
from motcua.feedback.models import AnswerTemplate, Petition, PetitionEvent, PetitionNotice
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
