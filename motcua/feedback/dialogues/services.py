"""Writes of the dialogues domain (RULES.md §1.9, Law 10/2022/QH15 Art. 32): plan a dialogue,
take questions before it (the public form) and at it (staff), record the answers, turn them
into commitments with an owner and a due date, follow each commitment to done (with evidence)
or dropped (with a reason), and publish the minutes.

Every step asks the table in ``workflow.py`` first and writes a ``DialogueEvent`` and an audit
row ``dialogue.<action>`` in the same transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.core.audit import audit_record
from motcua.core.choices import AgencyKind
from motcua.core.exceptions import DomainError, NotFound, PermissionDenied
from motcua.core.models import Agency, StaffProfile
from motcua.core.scoping import scope_allows, user_unit_code
from motcua.core.validation import max_length, text_problem
from motcua.dossiers.services.common import next_serial
from motcua.feedback.dialogues.choices import (
    Audience,
    CommitmentAction,
    CommitmentStatus,
    DialogueAction,
    DialogueStatus,
    QuestionChannel,
    QuestionTiming,
)
from motcua.feedback.dialogues.exceptions import DialogueErrorCode as E
from motcua.feedback.dialogues.models import Commitment, Dialogue, DialogueEvent, DialogueQuestion
from motcua.feedback.dialogues.workflow import (
    COMMITMENT_AS_DIALOGUE,
    PERM_MANAGE,
    PUBLIC,
    REASON_REQUIRED,
    STATUS_ACTIONS,
    commitment_transition,
    transition,
)

A = DialogueAction
S = DialogueStatus
C = CommitmentAction
CS = CommitmentStatus
ASKER_LABEL = "asker"  # who acted on the public form (shown translated by the selectors)
MAX_TEXT = 5000
MAX_ANSWER = 20000
MAX_MINUTES = 50000
MAX_EVIDENCE_BYTES = 5 * 1024 * 1024
# Evidence files: PDF or a photo, recognised by their first bytes (not by the name given).
EVIDENCE_TYPES = {b"%PDF-": "pdf", b"\x89PNG\r\n\x1a\n": "png", b"\xff\xd8\xff": "jpg"}


@dataclass(frozen=True)
class DialogueInput:
    title: str
    topic: str
    starts_at: datetime
    place: str
    chair: str
    audience: str = Audience.CITIZENS
    co_organiser: str = ""
    participants: str = ""


@dataclass(frozen=True)
class QuestionInput:
    text: str
    asker_name: str = ""
    asker_address: str = ""  # an address, or the organisation (a business) the asker speaks for
    asker_phone: str = ""
    idempotency_key: str = ""


@dataclass(frozen=True)
class QuestionResult:
    question: DialogueQuestion
    created: bool


@dataclass(frozen=True)
class CommitmentInput:
    text: str
    due_on: date
    owner_username: str = ""
    owner_agency_id: int | None = None
    question_seq: int | None = None


@dataclass(frozen=True)
class EvidenceFile:
    name: str
    content: bytes


@dataclass(frozen=True)
class CommitmentActInput:
    note: str = ""
    link: str = ""
    reason: str = ""
    file: EvidenceFile | None = None


def _invalid(code: E, errors: dict[str, str]) -> DomainError:
    return DomainError(code, _("Please correct the marked fields."), fields=errors)


def _text_errors(values: dict[str, str], model: type[object], limits: dict[str, int] | None = None) -> dict[str, str]:
    errors: dict[str, str] = {}
    for name, value in values.items():
        problem = text_problem(value)
        limit = (limits or {}).get(name) or max_length(model, name)  # type: ignore[arg-type]  # a model class
        if problem:
            errors[name] = problem
        elif len(value) > limit:
            errors[name] = _("At most %(n)s characters.") % {"n": limit}
    return errors


def _local_date(at: datetime) -> date:
    return timezone.localtime(at).date()


def _event(
    dialogue: Dialogue,
    *,
    action: A,
    from_status: str,
    actor: User | AnonymousUser | None,
    at: datetime,
    reason: str = "",
    payload: dict[str, object] | None = None,
    actor_label: str = "",
) -> DialogueEvent:
    user = actor if isinstance(actor, User) else None
    seq = DialogueEvent.objects.filter(dialogue=dialogue).count() + 1
    event = DialogueEvent.objects.create(
        dialogue=dialogue,
        seq=seq,
        action=action,
        from_status=from_status,
        to_status=dialogue.status,
        at=at,
        actor=user,
        actor_label=actor_label or (user.get_username() if user else ""),
        actor_unit_code=user_unit_code(user) if user else "",
        reason=reason,
        payload=payload or {},
    )
    audit_record(
        action=f"dialogue.{action}",
        actor=user,
        actor_label=actor_label,
        unit_code=dialogue.unit.code,
        object_type="dialogue",
        object_id=dialogue.code,
        data={"from": from_status, "to": str(dialogue.status), **(payload or {})},
    )
    return event


def _profile(actor: User | AnonymousUser | None) -> StaffProfile | None:
    if actor is None or not actor.is_authenticated:
        return None
    return getattr(actor, "staff_profile", None)


def _require(actor: User | AnonymousUser | None, permission: str) -> User:
    if not isinstance(actor, User) or not actor.has_perm(permission):
        raise PermissionDenied(E.FORBIDDEN, _("You do not have permission to do this."))
    return actor


def _organiser(agency: Agency) -> Agency:
    """The commune's People's Committee organises (Art. 32), else the planner's own agency."""
    committee = (
        Agency.objects.unrestricted("an agency of the planner's own unit")
        .filter(unit_id=agency.unit_id, kind=AgencyKind.PEOPLES_COMMITTEE)
        .order_by("id")
        .first()
    )
    return committee or agency


def _validate_plan(data: DialogueInput) -> dict[str, str]:
    errors = _text_errors(
        {"title": data.title, "topic": data.topic, "place": data.place, "chair": data.chair, "co_organiser": data.co_organiser},
        Dialogue,
        {"topic": MAX_TEXT},
    )
    errors.update(_text_errors({"participants": data.participants}, Dialogue, {"participants": MAX_TEXT}))
    for name, message in (
        ("title", _("Give the dialogue a title.")),
        ("place", _("Write where the dialogue takes place.")),
        ("chair", _("Write who chairs the dialogue.")),
    ):
        if not getattr(data, name).strip():
            errors.setdefault(name, message)
    if len(data.topic.strip()) < 10:
        errors.setdefault("topic", _("Describe the topic (at least 10 characters)."))
    if data.audience not in Audience.values:
        errors["audience"] = _("Choose citizens, businesses or both.")
    if data.starts_at.tzinfo is None:
        errors["starts_at"] = _("Give the date and time.")
    return errors


def dialogue_plan(*, actor: User | AnonymousUser | None, data: DialogueInput, at: datetime | None = None) -> Dialogue:
    """Plan a dialogue of the planner's own commune (status ``planned``)."""
    user = _require(actor, PERM_MANAGE)
    profile = _profile(user)
    if profile is None:
        raise PermissionDenied(E.NO_AGENCY, _("Your account is not attached to an agency."))
    errors = _validate_plan(data)
    if errors:
        raise _invalid(E.INVALID_DIALOGUE, errors)
    now = at or timezone.now()
    agency = _organiser(profile.agency)
    unit = agency.unit
    with transaction.atomic():
        serial = next_serial(f"dialogue:{unit.code}:{now.year}")
        dialogue = Dialogue.objects.create(
            code=f"DT-{unit.code}-{now:%y}-{serial:03d}",
            unit=unit,
            agency=agency,
            title=data.title.strip(),
            topic=data.topic.strip(),
            audience=data.audience,
            starts_at=data.starts_at,
            place=data.place.strip(),
            chair=data.chair.strip(),
            co_organiser=data.co_organiser.strip(),
            participants=data.participants.strip(),
            created_by=user,
            created_at=now,
        )
        _event(
            dialogue,
            action=A.PLAN,
            from_status="",
            actor=user,
            at=now,
            payload={"starts_at": data.starts_at.isoformat(), "audience": str(data.audience)},
        )
    return dialogue


def _locked(actor: User | AnonymousUser | None, code: str) -> Dialogue:
    dialogue = (
        Dialogue.objects.unrestricted("locked, then checked with scope_allows")
        .select_for_update()
        .select_related("unit")
        .filter(code="".join(code.split()).upper())
        .first()
    )
    if dialogue is None or (actor is not None and not scope_allows(actor, dialogue, "view")):
        raise NotFound(E.NOT_FOUND, _("No dialogue has the code %(code)s.") % {"code": code})
    return dialogue


def _not_allowed(dialogue: Dialogue, action: A) -> DomainError:
    return DomainError(
        E.ACTION_NOT_ALLOWED,
        _("“%(action)s” is not possible while the dialogue is “%(status)s”.")
        % {"action": A(action).label, "status": dialogue.get_status_display()},
        status_code=409,
    )


def _allowed(actor: User | AnonymousUser | None, dialogue: Dialogue, action: A) -> None:
    """The table allows ``action`` now, and the actor holds its permission (or it is public)."""
    step = transition(S(dialogue.status), action)
    if step is None:
        raise _not_allowed(dialogue, action)
    if step.permission != PUBLIC:
        _require(actor, step.permission)


def dialogue_act(
    *, actor: User | AnonymousUser, code: str, action: A, reason: str = "", minutes: str = "", at: datetime | None = None
) -> Dialogue:
    """One status change of the table: open the question form, record the dialogue held,
    cancel it, publish the minutes (the leader), close it."""
    now = at or timezone.now()
    if action not in STATUS_ACTIONS:
        raise DomainError(E.ACTION_NOT_ALLOWED, _("This action is not a status change."), status_code=409)
    with transaction.atomic():
        dialogue = _locked(actor, code)
        step = transition(S(dialogue.status), action)
        if step is None:
            raise _not_allowed(dialogue, action)
        _require(actor, step.permission)
        reason = reason.strip()
        errors = _text_errors({"reason": reason}, Dialogue, {"reason": 2000})
        if errors:
            raise _invalid(E.REASON_REQUIRED, errors)
        if action in REASON_REQUIRED and not reason:
            raise DomainError(E.REASON_REQUIRED, _("Write the reason."), fields={"reason": _("Write the reason.")})
        payload: dict[str, object] = {}
        if action == A.HOLD:
            if now < dialogue.starts_at:
                message = _("The dialogue is planned for %(when)s: it can be recorded as held from then.") % {
                    "when": timezone.localtime(dialogue.starts_at).strftime("%H:%M %d/%m/%Y")
                }
                raise DomainError(E.ACTION_NOT_ALLOWED, message, status_code=409)
            dialogue.held_at = now
        elif action == A.CANCEL:
            dialogue.cancel_reason = reason
        elif action == A.PUBLISH_MINUTES:
            text = minutes.strip() or dialogue.minutes
            problem = text_problem(text) or (
                _("At most %(n)s characters.") % {"n": MAX_MINUTES} if len(text) > MAX_MINUTES else None
            )
            if problem or len(text) < 20:
                message = str(problem or _("Write the minutes (at least 20 characters)."))
                raise DomainError(E.MINUTES_REQUIRED, message, fields={"minutes": message})
            dialogue.minutes = text
            dialogue.minutes_published_at = now
            dialogue.minutes_approved_by = actor if isinstance(actor, User) else None
            payload["questions"] = dialogue.questions.count()
            payload["commitments"] = dialogue.commitments.count()
        elif action == A.CLOSE:
            still_open = dialogue.commitments.filter(status=CS.OPEN).count()
            if still_open:
                raise DomainError(
                    E.COMMITMENTS_OPEN,
                    _("%(n)s commitment(s) still open: mark each done or dropped first.") % {"n": still_open},
                    status_code=409,
                )
            dialogue.closed_at = now
        from_status = dialogue.status
        dialogue.status = step.target
        dialogue.save()
        _event(dialogue, action=action, from_status=from_status, actor=actor, at=now, reason=reason, payload=payload)
    return dialogue


def dialogue_save_minutes(*, actor: User | AnonymousUser, code: str, minutes: str, at: datetime | None = None) -> Dialogue:
    """Save the draft minutes of a held dialogue (not published: the leader publishes)."""
    now = at or timezone.now()
    with transaction.atomic():
        dialogue = _locked(actor, code)
        _allowed(actor, dialogue, A.DRAFT_MINUTES)
        errors = _text_errors({"minutes": minutes}, Dialogue, {"minutes": MAX_MINUTES})
        if errors:
            raise _invalid(E.MINUTES_REQUIRED, errors)
        dialogue.minutes = minutes.strip()
        dialogue.save(update_fields=["minutes"])
        _event(dialogue, action=A.DRAFT_MINUTES, from_status=dialogue.status, actor=actor, at=now)
    return dialogue


def _phone_digits(text: str) -> str:
    return "".join(ch for ch in text if ch.isdigit())


def _validate_question(data: QuestionInput, *, public: bool) -> dict[str, str]:
    errors = _text_errors(
        {"asker_name": data.asker_name, "asker_address": data.asker_address, "asker_phone": data.asker_phone},
        DialogueQuestion,
    )
    errors.update(_text_errors({"text": data.text}, DialogueQuestion, {"text": MAX_TEXT}))
    if len(data.text.strip()) < 10:
        errors.setdefault("text", _("Write the question clearly (at least 10 characters)."))
    phone = _phone_digits(data.asker_phone)
    if data.asker_phone.strip() and not (9 <= len(phone) <= 12):
        errors.setdefault("asker_phone", _("A phone number has 10 digits (e.g. 0912345678)."))
    if public:  # the public form asks for each, as the petition form does (Decree 20/2008, Art. 7)
        for name, message in (
            ("asker_name", _("Write your full name.")),
            ("asker_address", _("Write your address, or the business you speak for.")),
            ("asker_phone", _("Write a phone number we can call you on.")),
        ):
            if not getattr(data, name).strip():
                errors.setdefault(name, message)
    if len(data.idempotency_key) > max_length(DialogueQuestion, "idempotency_key"):
        errors["idempotency_key"] = _("The idempotency key is too long.")
    return errors


def question_submit(
    *, actor: User | AnonymousUser | None, code: str, data: QuestionInput, at: datetime | None = None
) -> QuestionResult:
    """A question for the dialogue. With no staff ``actor`` it comes from the public form
    (only while the dialogue takes questions; name, address or organisation and phone
    required). A staff member records one sent on paper before the dialogue or asked at it;
    a missing name, address or phone keeps it, flagged anonymous. The same idempotency key
    for the same dialogue returns the first question (a reloaded form does not ask twice)."""
    now = at or timezone.now()
    staff = actor if isinstance(actor, User) and actor.is_authenticated else None
    errors = _validate_question(data, public=staff is None)
    if errors:
        raise _invalid(E.INVALID_QUESTION, errors)
    action = A.RECORD_QUESTION if staff else A.ASK
    try:
        with transaction.atomic():
            dialogue = _locked(staff, code)
            if staff is None and dialogue.status != S.QUESTIONS_OPEN:
                raise DomainError(E.QUESTIONS_CLOSED, _("This dialogue does not take questions now."), status_code=409)
            _allowed(staff, dialogue, action)
            if data.idempotency_key:
                existing = dialogue.questions.filter(idempotency_key=data.idempotency_key).first()
                if existing is not None:
                    if existing.text != data.text.strip():
                        raise DomainError(
                            E.IDEMPOTENCY_KEY_REUSED, _("This idempotency key was used for another question."), status_code=409
                        )
                    return QuestionResult(existing, created=False)
            seq = dialogue.questions.count() + 1
            anonymous = not (data.asker_name.strip() and data.asker_address.strip() and data.asker_phone.strip())
            question = DialogueQuestion.objects.create(
                dialogue=dialogue,
                seq=seq,
                timing=QuestionTiming.BEFORE if dialogue.status == S.QUESTIONS_OPEN else QuestionTiming.AT_MEETING,
                channel=QuestionChannel.STAFF if staff else QuestionChannel.WEB,
                asker_name=data.asker_name.strip(),
                asker_address=data.asker_address.strip(),
                asker_phone=_phone_digits(data.asker_phone),
                anonymous=anonymous,
                text=data.text.strip(),
                asked_at=now,
                recorded_by=staff,
                idempotency_key=data.idempotency_key,
            )
            _event(
                dialogue,
                action=action,
                from_status=dialogue.status,
                actor=staff,
                at=now,
                payload={"question": seq, "timing": str(question.timing), "anonymous": anonymous},
                actor_label="" if staff else ASKER_LABEL,
            )
    except IntegrityError:
        if data.idempotency_key:  # a concurrent replay won the race
            return question_submit(actor=actor, code=code, data=data, at=at)
        raise
    return QuestionResult(question, created=True)


def question_answer(
    *, actor: User | AnonymousUser, code: str, seq: int, answer: str, answered_by: str, at: datetime | None = None
) -> DialogueQuestion:
    """Record the answer given at the dialogue and who gave it (name and position)."""
    now = at or timezone.now()
    with transaction.atomic():
        dialogue = _locked(actor, code)
        _allowed(actor, dialogue, A.ANSWER)
        question = dialogue.questions.select_for_update().filter(seq=seq).first()
        if question is None:
            raise NotFound(E.QUESTION_NOT_FOUND, _("This dialogue has no question number %(n)s.") % {"n": seq})
        errors = _text_errors({"answer": answer}, DialogueQuestion, {"answer": MAX_ANSWER})
        errors.update(_text_errors({"answered_by": answered_by}, DialogueQuestion))
        if not answer.strip():
            errors.setdefault("answer", _("Write the answer."))
        if not answered_by.strip():
            errors.setdefault("answered_by", _("Write who answered (name and position)."))
        if errors:
            raise _invalid(E.INVALID_QUESTION, errors)
        first = not question.answer
        question.answer = answer.strip()
        question.answered_by = answered_by.strip()
        question.answer_recorded_by = actor if isinstance(actor, User) else None
        question.answered_at = now
        question.save()
        _event(
            dialogue,
            action=A.ANSWER,
            from_status=dialogue.status,
            actor=actor,
            at=now,
            payload={"question": seq, "answered_by": question.answered_by, "corrected": not first},
        )
    return question


def _owner(dialogue: Dialogue, data: CommitmentInput) -> tuple[User | None, Agency | None]:
    message = _("Choose a staff member or an agency of this commune as the owner.")
    if bool(data.owner_username) == (data.owner_agency_id is not None):
        raise DomainError(E.INVALID_COMMITMENT, message, fields={"owner": message})
    if data.owner_agency_id is not None:
        agency = (
            Agency.objects.unrestricted("the owner must be an agency of the dialogue's unit")
            .filter(pk=data.owner_agency_id, unit_id=dialogue.unit_id)
            .first()
        )
        if agency is None:
            raise DomainError(E.INVALID_COMMITMENT, message, fields={"owner": message})
        return None, agency
    profile = (
        StaffProfile.objects.select_related("user")
        .filter(user__username=data.owner_username, user__is_active=True, agency__unit_id=dialogue.unit_id)
        .first()
    )
    if profile is None:
        raise DomainError(E.INVALID_COMMITMENT, message, fields={"owner": message})
    return profile.user, None


def commitment_create(*, actor: User | AnonymousUser, code: str, data: CommitmentInput, at: datetime | None = None) -> Commitment:
    """Turn an answer (or the dialogue as a whole) into a commitment: its text, an owner and a
    due date (a calendar date: what was promised, not a working-day period)."""
    now = at or timezone.now()
    with transaction.atomic():
        dialogue = _locked(actor, code)
        _allowed(actor, dialogue, A.COMMIT)
        errors = _text_errors({"text": data.text}, Commitment, {"text": MAX_TEXT})
        if len(data.text.strip()) < 10:
            errors.setdefault("text", _("Write what is committed (at least 10 characters)."))
        if data.due_on < _local_date(now):
            errors["due_on"] = _("The due date cannot be in the past.")
        if errors:
            raise _invalid(E.INVALID_COMMITMENT, errors)
        question = None
        if data.question_seq is not None:
            question = dialogue.questions.filter(seq=data.question_seq).first()
            if question is None:
                message = _("This dialogue has no question number %(n)s.") % {"n": data.question_seq}
                raise DomainError(E.INVALID_COMMITMENT, message, fields={"question": message})
        owner_user, owner_agency = _owner(dialogue, data)
        seq = dialogue.commitments.count() + 1
        commitment = Commitment.objects.create(
            dialogue=dialogue,
            question=question,
            seq=seq,
            text=data.text.strip(),
            owner_user=owner_user,
            owner_agency=owner_agency,
            due_on=data.due_on,
            created_at=now,
            created_by=actor if isinstance(actor, User) else None,
        )
        _event(
            dialogue,
            action=A.COMMIT,
            from_status=dialogue.status,
            actor=actor,
            at=now,
            payload={
                "commitment": seq,
                "question": data.question_seq,
                "due_on": data.due_on.isoformat(),
                "owner": owner_user.get_username() if owner_user else f"agency:{owner_agency.pk if owner_agency else ''}",
            },
        )
    return commitment


def _evidence_kind(file: EvidenceFile) -> str:
    if len(file.content) > MAX_EVIDENCE_BYTES:
        message = _("The file is larger than %(n)s MB.") % {"n": MAX_EVIDENCE_BYTES // (1024 * 1024)}
        raise DomainError(E.INVALID_COMMITMENT, message, fields={"file": message})
    for magic, kind in EVIDENCE_TYPES.items():
        if file.content.startswith(magic):
            return kind
    message = _("Attach a PDF, PNG or JPEG file.")
    raise DomainError(E.INVALID_COMMITMENT, message, fields={"file": message})


def _check_link(link: str) -> None:
    if not link:
        return
    try:
        URLValidator(schemes=["http", "https"])(link)
    except ValidationError:
        message = _("Enter a web address starting with https://.")
        raise DomainError(E.INVALID_COMMITMENT, message, fields={"link": message}) from None
    if len(link) > max_length(Commitment, "evidence_link"):
        message = _("At most %(n)s characters.") % {"n": max_length(Commitment, "evidence_link")}
        raise DomainError(E.INVALID_COMMITMENT, message, fields={"link": message})


def commitment_act(
    *,
    actor: User | AnonymousUser,
    code: str,
    seq: int,
    action: C,
    data: CommitmentActInput | None = None,
    at: datetime | None = None,
) -> Commitment:
    """Report progress on a commitment (a note), mark it done (evidence: a note, and optionally
    a link and a PDF or photo), or drop it (a reason)."""
    data = data or CommitmentActInput()
    now = at or timezone.now()
    with transaction.atomic():
        dialogue = _locked(actor, code)
        commitment = dialogue.commitments.select_for_update().filter(seq=seq).first()
        if commitment is None:
            raise NotFound(E.COMMITMENT_NOT_FOUND, _("This dialogue has no commitment number %(n)s.") % {"n": seq})
        step = commitment_transition(CS(commitment.status), action)
        if step is None:
            raise DomainError(
                E.COMMITMENT_ACTION_NOT_ALLOWED,
                _("“%(action)s” is not possible while the commitment is “%(status)s”.")
                % {"action": C(action).label, "status": commitment.get_status_display()},
                status_code=409,
            )
        _allowed(actor, dialogue, COMMITMENT_AS_DIALOGUE[action])
        _require(actor, step.permission)
        note, reason, link = data.note.strip(), data.reason.strip(), data.link.strip()
        errors = _text_errors({"note": note, "reason": reason}, Commitment, {"note": MAX_TEXT, "reason": 2000})
        if errors:
            raise _invalid(E.INVALID_COMMITMENT, errors)
        payload: dict[str, object] = {"commitment": seq}
        if action == C.PROGRESS:
            if not note:
                raise DomainError(E.EVIDENCE_REQUIRED, _("Write what was done."), fields={"note": _("Write what was done.")})
            commitment.progress_note = note
        elif action == C.COMPLETE:
            if not note:
                message = _("Write the evidence that the commitment is done.")
                raise DomainError(E.EVIDENCE_REQUIRED, message, fields={"note": message})
            _check_link(link)
            commitment.evidence_note = note
            commitment.evidence_link = link
            commitment.done_at = now
            payload.update(link=link, on_time=_local_date(now) <= commitment.due_on)
            if data.file is not None and data.file.content:
                kind = _evidence_kind(data.file)
                name = (data.file.name or f"minh-chung.{kind}")[-100:]
                commitment.evidence_file_name = name
                commitment.evidence_file.save(f"{dialogue.code}-CK{seq}.{kind}", ContentFile(data.file.content), save=False)
                payload["file"] = name
        elif action == C.DROP:
            if not reason:
                raise DomainError(E.REASON_REQUIRED, _("Write the reason."), fields={"reason": _("Write the reason.")})
            commitment.drop_reason = reason
        commitment.status = step.target
        commitment.save()
        _event(
            dialogue,
            action=COMMITMENT_AS_DIALOGUE[action],
            from_status=dialogue.status,
            actor=actor,
            at=now,
            reason=reason or note,
            payload=payload,
        )
    return commitment
