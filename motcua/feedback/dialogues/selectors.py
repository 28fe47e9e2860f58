"""Reads of the dialogues domain. Staff reads go through ``restrict(user, "view")`` (and a read
of a dialogue with its askers is audited); public reads carry no personal data: an asker is
shown as "Ông/Bà N.V.A." (the initials of the name), or "anonymous", never the address,
organisation or phone.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from motcua.core.audit import audit_record
from motcua.core.exceptions import NotFound
from motcua.core.models import AdministrativeUnit, Agency, StaffProfile
from motcua.core.scoping import user_unit, user_unit_code
from motcua.feedback.dialogues.choices import (
    COUNTING_STATUSES,
    PUBLISHED_STATUSES,
    CommitmentAction,
    CommitmentStatus,
    DialogueAction,
    DialogueStatus,
)
from motcua.feedback.dialogues.exceptions import DialogueErrorCode as E
from motcua.feedback.dialogues.models import Commitment, Dialogue, DialogueEvent, DialogueQuestion
from motcua.feedback.dialogues.workflow import can, commitment_actions, staff_actions

S = DialogueStatus
CS = CommitmentStatus
StrOrPromise = str | Promise
DUE_SOON_DAYS = 7  # "due soon": due within the next 7 calendar days

# The staff list's tabs: key → (label, filter).
TABS: dict[str, tuple[StrOrPromise, Q]] = {
    "upcoming": (gettext_lazy("Upcoming"), Q(status__in=[S.PLANNED, S.QUESTIONS_OPEN])),
    "held": (gettext_lazy("Held, minutes not published"), Q(status=S.HELD)),
    "published": (gettext_lazy("Minutes published"), Q(status=S.MINUTES_PUBLISHED)),
    "done": (gettext_lazy("Closed or cancelled"), Q(status__in=[S.CLOSED, S.CANCELLED])),
}
COMMITMENT_VIEWS = ("overdue", "due_soon", "open")


def today(now: datetime | None = None) -> date:
    """The local calendar date (Asia/Ho_Chi_Minh): commitments fall due on calendar dates."""
    return timezone.localtime(now or timezone.now()).date()


def dialogue_list(*, user: User | AnonymousUser, view: str = "upcoming") -> QuerySet[Dialogue]:
    condition = TABS.get(view, TABS["upcoming"])[1]
    order = ["starts_at", "id"] if view == "upcoming" else ["-starts_at", "-id"]
    return Dialogue.objects.restrict(user, "view").filter(condition).select_related("unit").order_by(*order)


def dialogue_tab_counts(*, user: User | AnonymousUser) -> dict[str, int]:
    totals = Dialogue.objects.restrict(user, "view").aggregate(**{k: Count("pk", filter=q) for k, (_l, q) in TABS.items()})
    return {key: int(totals[key] or 0) for key in TABS}


def _commitment_filter(view: str, on: date) -> Q:
    condition = Q(status=CS.OPEN)
    if view == "overdue":
        condition &= Q(due_on__lt=on)
    elif view == "due_soon":
        condition &= Q(due_on__gte=on, due_on__lte=on + timedelta(days=DUE_SOON_DAYS))
    return condition


def commitment_list(*, user: User | AnonymousUser, view: str = "overdue", now: datetime | None = None) -> QuerySet[Commitment]:
    """Open commitments in the user's scope: ``overdue`` (the due date has passed), ``due_soon``
    (due within 7 days) or every ``open`` one; earliest due first."""
    on = today(now)
    return (
        Commitment.objects.restrict(user, "view")
        .filter(_commitment_filter(view, on))
        .select_related("dialogue", "dialogue__unit", "owner_user", "owner_agency")
        .order_by("due_on", "dialogue_id", "seq")
    )


def commitment_counts(*, user: User | AnonymousUser, now: datetime | None = None) -> dict[str, int]:
    on = today(now)
    totals = Commitment.objects.restrict(user, "view").aggregate(
        **{view: Count("pk", filter=_commitment_filter(view, on)) for view in COMMITMENT_VIEWS}
    )
    return {view: int(totals[view] or 0) for view in COMMITMENT_VIEWS}


@dataclass(frozen=True)
class YearlyMinimum:
    """Law 10/2022/QH15 Art. 32 (RULES.md §1.9): at least one dialogue a year per commune."""

    unit: AdministrativeUnit
    year: int
    held: int
    planned: int

    @property
    def met(self) -> bool:
        return self.held + self.planned > 0


def yearly_minimum(*, user: User | AnonymousUser, now: datetime | None = None) -> YearlyMinimum | None:
    """The user's own commune this year: how many dialogues were held and how many are planned
    (cancelled ones do not count). None for a user with no unit."""
    unit = user_unit(user)
    if unit is None:
        return None
    year = today(now).year
    totals = (
        Dialogue.objects.restrict(user, "view")
        .filter(unit=unit, status__in=COUNTING_STATUSES, starts_at__year=year)
        .aggregate(
            held=Count("pk", filter=Q(status__in=[S.HELD, S.MINUTES_PUBLISHED, S.CLOSED])),
            planned=Count("pk", filter=Q(status__in=[S.PLANNED, S.QUESTIONS_OPEN])),
        )
    )
    return YearlyMinimum(unit=unit, year=year, held=int(totals["held"] or 0), planned=int(totals["planned"] or 0))


def dialogue_get(*, user: User | AnonymousUser, code: str, purpose: str = "view") -> Dialogue:
    """One dialogue in the user's scope, its askers' personal data included: the read is audited."""
    dialogue = (
        Dialogue.objects.restrict(user, "view")
        .select_related("unit", "agency", "minutes_approved_by")
        .filter(code="".join(code.split()).upper())
        .first()
    )
    if dialogue is None:
        raise NotFound(E.NOT_FOUND, _("No dialogue has the code %(code)s.") % {"code": code})
    audit_record(
        action=f"dialogue.read.{purpose}",
        actor=user,
        unit_code=user_unit_code(user),
        object_type="dialogue",
        object_id=dialogue.code,
    )
    return dialogue


def _perms(user: User | AnonymousUser) -> set[str]:
    return set(user.get_all_permissions()) if isinstance(user, User) else set()


@dataclass(frozen=True)
class StaffView:
    """A dialogue as staff see it: questions with askers, commitments with the actions allowed."""

    dialogue: Dialogue
    questions: list[DialogueQuestion]
    commitments: list[tuple[Commitment, list[str]]]
    actions: list[str]
    can: dict[str, bool]
    events: list[tuple[DialogueEvent, str]]
    owners: list[StaffProfile]
    agencies: list[Agency]
    overdue: set[int] = field(default_factory=set)


def dialogue_staff_view(*, user: User | AnonymousUser, dialogue: Dialogue, now: datetime | None = None) -> StaffView:
    """Everything the dialogue's staff page shows (call with a dialogue read by ``dialogue_get``)."""
    perms = _perms(user)
    status = S(dialogue.status)
    commitments = list(dialogue.commitments.select_related("owner_user", "owner_agency", "question").order_by("seq"))
    on = today(now)
    return StaffView(
        dialogue=dialogue,
        questions=list(dialogue.questions.select_related("answer_recorded_by").order_by("seq")),
        commitments=[(c, [str(a) for a in commitment_actions(status, CS(c.status), perms)]) for c in commitments],
        actions=[str(a) for a in staff_actions(status, perms)],
        can={
            str(a): can(status, a, perms)
            for a in (DialogueAction.RECORD_QUESTION, DialogueAction.ANSWER, DialogueAction.COMMIT, DialogueAction.DRAFT_MINUTES)
        },
        events=[
            (e, actor_label(e))
            for e in DialogueEvent.objects.filter(dialogue_id=dialogue.pk).select_related("actor").order_by("seq")
        ],
        owners=list(
            StaffProfile.objects.filter(agency__unit_id=dialogue.unit_id, user__is_active=True)
            .select_related("user")
            .order_by("user__last_name", "user__username")
        ),
        agencies=list(
            Agency.objects.unrestricted("the agencies of the dialogue's unit").filter(unit_id=dialogue.unit_id).order_by("name")
        ),
        overdue={c.pk for c in commitments if c.status == CS.OPEN and c.due_on < on},
    )


def commitment_get(*, user: User | AnonymousUser, code: str, seq: int) -> Commitment:
    commitment = (
        Commitment.objects.restrict(user, "view")
        .select_related("dialogue", "dialogue__unit")
        .filter(dialogue__code="".join(code.split()).upper(), seq=seq)
        .first()
    )
    if commitment is None:
        raise NotFound(E.COMMITMENT_NOT_FOUND, _("This dialogue has no commitment number %(n)s.") % {"n": seq})
    return commitment


# --- Public reads: no personal data ---------------------------------------------------------


def asker_initials(name: str, anonymous: bool = False) -> str:
    """How a public page names an asker: "Ông/Bà N.V.A." (the first letter of each word of
    the name), or "anonymous" when no name was given. Never the address, organisation or phone."""
    letters = [word[0].upper() for word in name.split() if word[:1].isalpha()]
    if not letters:
        return _("Anonymous")
    return _("Mr/Ms %(initials)s") % {"initials": ".".join(letters) + "."}


@dataclass(frozen=True)
class PublicQuestion:
    seq: int
    timing: str
    timing_label: str
    asker: str
    text: str
    answer: str
    answered_by: str


@dataclass(frozen=True)
class PublicCommitment:
    seq: int
    question_seq: int | None
    text: str
    owner: str
    due_on: date
    status: str
    status_label: str
    overdue: bool
    progress: str
    done_at: datetime | None
    evidence: str
    evidence_link: str
    drop_reason: str


@dataclass(frozen=True)
class PublicDialogue:
    code: str
    title: str
    topic: str
    audience: str
    audience_label: str
    starts_at: datetime
    place: str
    chair: str
    co_organiser: str
    participants: str
    status: str
    status_label: str
    unit_code: str
    unit_name: str
    taking_questions: bool
    minutes_published: bool
    minutes: str
    minutes_published_at: datetime | None
    questions: list[PublicQuestion]
    commitments: list[PublicCommitment]


def _owner_label(commitment: Commitment) -> str:
    """The owner as the public sees it: the agency, or the staff member's agency (officials act
    in their office; their names are not needed to follow the commitment)."""
    if commitment.owner_agency is not None:
        return commitment.owner_agency.name
    profile = getattr(commitment.owner_user, "staff_profile", None)
    return profile.agency.name if profile is not None else ""


def _public(dialogue: Dialogue, *, full: bool, now: datetime | None = None) -> PublicDialogue:
    published = dialogue.status in PUBLISHED_STATUSES
    questions: list[PublicQuestion] = []
    commitments: list[PublicCommitment] = []
    if full and published:
        on = today(now)
        for q in (
            DialogueQuestion.objects.unrestricted("published minutes: askers by initials only")
            .filter(dialogue_id=dialogue.pk)
            .only("seq", "timing", "asker_name", "anonymous", "text", "answer", "answered_by", "dialogue_id")
            .order_by("seq")
        ):
            questions.append(
                PublicQuestion(
                    seq=q.seq,
                    timing=str(q.timing),
                    timing_label=str(q.get_timing_display()),
                    asker=asker_initials(q.asker_name),
                    text=q.text,
                    answer=q.answer,
                    answered_by=q.answered_by,
                )
            )
        rows = (
            Commitment.objects.unrestricted("published commitments' progress is public")
            .filter(dialogue_id=dialogue.pk)
            .select_related("question", "owner_agency", "owner_user__staff_profile__agency")
            .order_by("seq")
        )
        for c in rows:
            commitments.append(
                PublicCommitment(
                    seq=c.seq,
                    question_seq=c.question.seq if c.question else None,
                    text=c.text,
                    owner=_owner_label(c),
                    due_on=c.due_on,
                    status=str(c.status),
                    status_label=str(c.get_status_display()),
                    overdue=c.status == CS.OPEN and c.due_on < on,
                    progress=c.progress_note,
                    done_at=c.done_at,
                    evidence=c.evidence_note,
                    evidence_link=c.evidence_link,
                    drop_reason=c.drop_reason,
                )
            )
    return PublicDialogue(
        code=dialogue.code,
        title=dialogue.title,
        topic=dialogue.topic,
        audience=str(dialogue.audience),
        audience_label=str(dialogue.get_audience_display()),
        starts_at=dialogue.starts_at,
        place=dialogue.place,
        chair=dialogue.chair,
        co_organiser=dialogue.co_organiser,
        participants=dialogue.participants,
        status=str(dialogue.status),
        status_label=str(dialogue.get_status_display()),
        unit_code=dialogue.unit.code,
        unit_name=dialogue.unit.name,
        taking_questions=dialogue.status == S.QUESTIONS_OPEN,
        minutes_published=published,
        minutes=dialogue.minutes if published else "",
        minutes_published_at=dialogue.minutes_published_at if published else None,
        questions=questions,
        commitments=commitments,
    )


def public_dialogues(*, unit_code: str = "") -> list[PublicDialogue]:
    """Every dialogue announced (not cancelled), newest first, without questions."""
    qs = (
        Dialogue.objects.unrestricted("dialogues are announced publicly; no personal data is read")
        .exclude(status=S.CANCELLED)
        .select_related("unit")
        .order_by("-starts_at", "-id")
    )
    if unit_code:
        qs = qs.filter(unit__code=unit_code)
    return [_public(d, full=False) for d in qs[:200]]


def public_dialogue(*, code: str, now: datetime | None = None) -> PublicDialogue:
    """One dialogue for the public: the plan; once the minutes are published, the minutes,
    the questions and answers (askers by initials) and the commitments' progress."""
    dialogue = (
        Dialogue.objects.unrestricted("a public dialogue page; no personal data is read")
        .select_related("unit")
        .filter(code="".join(code.split()).upper())
        .exclude(status=S.CANCELLED)
        .first()
    )
    if dialogue is None:
        raise NotFound(E.NOT_FOUND, _("No dialogue has the code %(code)s.") % {"code": code})
    return _public(dialogue, full=True, now=now)


def public_units() -> list[tuple[str, str]]:
    """The communes that have announced a dialogue (code, name), by name."""
    rows = (
        Dialogue.objects.unrestricted("the communes with public dialogues")
        .exclude(status=S.CANCELLED)
        .values_list("unit__code", "unit__name")
        .distinct()
        .order_by("unit__name")
    )
    return [(str(c), str(n)) for c, n in rows]


_ACTOR_LABELS = {"asker": gettext_lazy("an asker (public form)")}


def actor_label(event: DialogueEvent) -> str:
    return str(_ACTOR_LABELS.get(event.actor_label, event.actor_label))


COMMITMENT_ACTION_LABELS = {str(a): a.label for a in CommitmentAction}
