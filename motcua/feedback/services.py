"""Writes of the petitions domain (RULES.md §5): receipt on every channel, the workflow's
actions with their deadlines, "+1" voices, merging, and the petitioner's verdict.

Every change writes a ``PetitionEvent`` and an audit row in the same transaction.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.contrib.auth.models import AnonymousUser, User
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.catalog.models import Procedure
from motcua.core.audit import audit_record
from motcua.core.calendar import WorkingCalendar, calendar_for
from motcua.core.exceptions import DomainError, NotFound, PermissionDenied
from motcua.core.models import AdministrativeUnit, Agency
from motcua.core.scoping import scope_allows, user_unit_code
from motcua.core.text import fold
from motcua.core.validation import max_length, text_problem
from motcua.dossiers.models import Dossier
from motcua.dossiers.services.common import next_serial
from motcua.feedback import deadlines as dl
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
from motcua.feedback.exceptions import PetitionErrorCode
from motcua.feedback.models import Petition, PetitionEvent, PetitionTerm, PetitionVoice
from motcua.feedback.notices import petition_notify
from motcua.feedback.selectors import preferred_desk
from motcua.feedback.similarity import index_terms, live_until, similarity_key
from motcua.feedback.workflow import PERM_RECEIVE, PETITIONER, REASON_REQUIRED, transition

A = PetitionAction
S = PetitionStatus
# Who acted when no staff account did: stored as these codes, shown translated at render time
# (``selectors.actor_label``), never as text in the language of the moment.
PETITIONER_LABEL, CITIZEN_LABEL, SYSTEM = "petitioner", "citizen", "system"


@dataclass(frozen=True)
class PetitionInput:
    """A petition as the petitioner or the officer wrote it."""

    title: str
    content: str
    channel: PetitionChannel
    kind: PetitionKind = PetitionKind.FEEDBACK
    petitioner_name: str = ""
    petitioner_address: str = ""
    petitioner_phone: str = ""
    petitioner_email: str = ""
    unit_code: str = ""  # the commune addressed (web, e-mail, API); the officer's own at the counter
    procedure_code: str = ""
    dossier_code: str = ""
    place: str = ""
    officer_named: str = ""
    idempotency_key: str = ""
    category: str = ""  # the petitioner's choice (an Open311 service code); staff confirm it when classifying
    # An e-mail's attachments (name, type, size), noted in the receipt event; the files stay in the mailbox.
    attachments: tuple[dict[str, object], ...] = ()


@dataclass(frozen=True)
class SubmitResult:
    petition: Petition
    created: bool


@dataclass(frozen=True)
class ActInput:
    reason: str = ""
    classification: str = ""
    category: str = ""
    report_class: str = ""
    kind: str = ""
    forwarded_to: str = ""
    answer: str = ""
    merge_into: str = ""
    payload: dict[str, object] = field(default_factory=dict)


# Field validation only: the unique and check constraints are enforced by the database in the
# same transaction, and the foreign keys point at rows the service has just read.
_FK_FIELDS = ["unit", "agency", "procedure", "dossier", "received_by", "answered_by", "approved_by", "merged_into"]
_TEXT_FIELDS = ("title", "content", "petitioner_name", "petitioner_address", "petitioner_phone", "place", "officer_named")
# Channels on which the officer writes the petition down (Art. 6): staff only.
_STAFF_CHANNELS = frozenset({PetitionChannel.COUNTER, PetitionChannel.POST, PetitionChannel.PHONE})


def _phone_digits(text: str) -> str:
    return "".join(ch for ch in text if ch.isdigit())


def is_anonymous(data: PetitionInput) -> bool:
    """RULES.md §5 "Required fields (Art. 7)": name, address and phone (or mailing address)."""
    return not (
        data.petitioner_name.strip()
        and data.petitioner_address.strip()
        and (data.petitioner_phone.strip() or data.petitioner_email.strip())
    )


def _validate(data: PetitionInput) -> dict[str, str]:
    errors: dict[str, str] = {}
    for name in _TEXT_FIELDS:
        value = getattr(data, name)
        problem = text_problem(value)
        if problem:
            errors[name] = problem
        elif name != "content" and len(value) > max_length(Petition, name):
            errors[name] = _("At most %(n)s characters.") % {"n": max_length(Petition, name)}
    if not data.title.strip():
        errors.setdefault("title", _("Give the petition a short title."))
    if len(data.content.strip()) < 10:
        errors.setdefault("content", _("Describe the matter clearly (at least 10 characters)."))
    if len(data.content) > 20000:
        errors.setdefault("content", _("At most %(n)s characters.") % {"n": 20000})
    phone = _phone_digits(data.petitioner_phone)
    if data.petitioner_phone.strip() and not (9 <= len(phone) <= 12):
        errors.setdefault("petitioner_phone", _("A phone number has 10 digits (e.g. 0912345678)."))
    if data.petitioner_email and ("@" not in data.petitioner_email or len(data.petitioner_email) > 254):
        errors["petitioner_email"] = _("Enter a valid e-mail address.")
    if data.channel == PetitionChannel.WEB:  # the public form asks for every Art. 7 field
        for name, message in (
            ("petitioner_name", _("Write your full name (Decree 20/2008, Art. 7).")),
            ("petitioner_address", _("Write your address (Decree 20/2008, Art. 7).")),
            ("petitioner_phone", _("Write a phone number we can call you on (Decree 20/2008, Art. 7).")),
        ):
            if not getattr(data, name).strip():
                errors.setdefault(name, message)
    if data.category and data.category not in ContentCategory.values:
        errors["category"] = _("Choose one of the content categories.")
    if len(data.idempotency_key) > max_length(Petition, "idempotency_key"):
        errors["idempotency_key"] = _("The idempotency key is too long.")
    return errors


def _refuse_bad_text(field_name: str, value: str) -> None:
    """A text that cannot be stored (``core.validation.text_problem``) is refused, naming the field."""
    problem = text_problem(value)
    if problem:
        raise DomainError(PetitionErrorCode.INVALID_PETITION, str(problem), fields={field_name: str(problem)})


def _receiving_agency(unit: AdministrativeUnit) -> Agency:
    """The desk that keeps the unit's reception book: its service centre, else its People's
    Committee, else any agency of the unit."""
    agency = preferred_desk(Agency.objects.filter(unit=unit).order_by("id"))
    if agency is None:
        raise DomainError(PetitionErrorCode.UNIT_NOT_FOUND, _("This commune does not receive petitions in MotCua yet."))
    return agency


def _target(actor: User | AnonymousUser | None, data: PetitionInput) -> tuple[AdministrativeUnit, Agency]:
    profile = getattr(actor, "staff_profile", None) if actor is not None and actor.is_authenticated else None
    if data.channel in _STAFF_CHANNELS:
        if actor is None or not actor.has_perm(PERM_RECEIVE):
            raise PermissionDenied(PetitionErrorCode.FORBIDDEN, _("You do not have permission to do this."))
        if profile is None:
            raise PermissionDenied(PetitionErrorCode.NO_AGENCY, _("Your account is not attached to an agency."))
        agency = profile.agency
        return agency.unit, agency
    unit = AdministrativeUnit.objects.filter(code=data.unit_code, valid_to__isnull=True).order_by("-valid_from").first()
    if unit is None and profile is not None and not data.unit_code:
        unit = profile.agency.unit
    if unit is None:
        raise DomainError(
            PetitionErrorCode.UNIT_NOT_FOUND,
            _("Choose the commune or ward the petition is addressed to."),
            fields={"unit_code": _("Choose the commune or ward the petition is addressed to.")},
        )
    return unit, _receiving_agency(unit)


def _linked(data: PetitionInput, unit: AdministrativeUnit) -> tuple[Procedure | None, Dossier | None]:
    procedure = Procedure.objects.filter(code=data.procedure_code).first() if data.procedure_code else None
    if data.procedure_code and procedure is None:
        raise DomainError(
            PetitionErrorCode.INVALID_PETITION,
            _("No procedure has the code %(code)s.") % {"code": data.procedure_code},
            fields={"procedure_code": _("No procedure has this code.")},
        )
    dossier = None
    if data.dossier_code:
        code = "".join(data.dossier_code.split()).upper()
        dossier = (
            Dossier.objects.unrestricted("a petition names a dossier of the commune it is addressed to")
            .filter(code=code, receiving_unit=unit)
            .first()
        )
        if dossier is None:
            raise DomainError(
                PetitionErrorCode.INVALID_PETITION,
                _("No dossier of this commune has the code %(code)s.") % {"code": code},
                fields={"dossier_code": _("No dossier of this commune has this code.")},
            )
        procedure = procedure or dossier.procedure
    return procedure, dossier


def _event(
    petition: Petition,
    *,
    action: A,
    from_status: str,
    actor: User | AnonymousUser | None,
    at: datetime,
    reason: str = "",
    payload: dict[str, object] | None = None,
    actor_label: str = "",
) -> PetitionEvent:
    user = actor if isinstance(actor, User) else None
    seq = PetitionEvent.objects.filter(petition=petition).count() + 1
    event = PetitionEvent.objects.create(
        petition=petition,
        seq=seq,
        action=action,
        from_status=from_status,
        to_status=petition.status,
        at=at,
        actor=user,
        actor_label=actor_label or (user.get_username() if user else ""),
        actor_unit_code=user_unit_code(user) if user else "",
        reason=reason,
        payload=payload or {},
    )
    audit_record(
        action=f"petition.{action}",
        actor=user,
        actor_label=actor_label,
        unit_code=petition.unit.code,
        object_type="petition",
        object_id=petition.code,
        data={"from": from_status, "to": str(petition.status), **(payload or {})},
    )
    return event


def _calendar(petition: Petition) -> WorkingCalendar:
    return calendar_for(petition.unit)


def _refresh_due(petition: Petition, calendar: WorkingCalendar) -> None:
    petition.step_due_at = dl.step_due(
        calendar,
        status=S(petition.status),
        clock_start=petition.clock_started_at,
        classification=petition.classification,
        approved_at=petition.approved_at,
    )
    petition.answer_due_at = dl.deadlines(calendar, clock_start=petition.clock_started_at).answer


def _reindex(petition: Petition, at: datetime, *, new: bool = False) -> None:
    """Keep the petition's shingle index (``PetitionTerm``) in step with its status: the terms
    are written once, at receipt; each status change moves their ``live_until``."""
    until = live_until(petition.status, published_at=petition.published_at, closed_at=petition.closed_at, at=at)
    if new:
        terms = index_terms(f"{petition.title} {petition.content}")
        PetitionTerm.objects.bulk_create(
            [PetitionTerm(petition=petition, unit_id=petition.unit_id, term=t, live_until=until) for t in terms]
        )
    else:
        PetitionTerm.objects.filter(petition=petition).update(live_until=until)


def petition_submit(*, actor: User | AnonymousUser | None, data: PetitionInput, at: datetime | None = None) -> SubmitResult:
    """Receive a petition and log it in the reception book (Art. 9 steps 2–3).

    An anonymous petition (Art. 7 fields missing; the web form refuses those) is kept and
    classified "not accepted" at once, by the system; the officer then refuses it within 2
    working days. The same idempotency key at the same desk returns the first petition.
    """
    errors = _validate(data)
    if errors:
        raise DomainError(PetitionErrorCode.INVALID_PETITION, _("Please correct the marked fields."), fields=errors)
    unit, agency = _target(actor, data)
    if data.idempotency_key:
        existing = (
            Petition.objects.unrestricted("idempotent replay of the same submission")
            .filter(agency=agency, idempotency_key=data.idempotency_key)
            .first()
        )
        if existing is not None:
            if existing.content != data.content:
                raise DomainError(
                    PetitionErrorCode.IDEMPOTENCY_KEY_REUSED,
                    _("This idempotency key was used for another petition."),
                    status_code=409,
                )
            return SubmitResult(existing, created=False)
    procedure, dossier = _linked(data, unit)
    now = at or timezone.now()
    calendar = calendar_for(unit)
    anonymous = is_anonymous(data)
    phone = _phone_digits(data.petitioner_phone)
    staff = actor if isinstance(actor, User) and actor.is_authenticated else None
    try:
        with transaction.atomic():
            serial = next_serial(f"petition:{unit.code}:{now.year}")
            petition = Petition(
                code=f"PA-{unit.code}-{now:%y}-{serial:05d}",
                unit=unit,
                agency=agency,
                channel=data.channel,
                kind=data.kind,
                category=data.category,
                title=data.title.strip(),
                content=data.content.strip(),
                content_folded=fold(f"{data.title} {data.content}"),
                similarity_key=similarity_key(f"{data.title} {data.content}"),
                petitioner_name=data.petitioner_name.strip(),
                petitioner_address=data.petitioner_address.strip(),
                petitioner_phone=phone,
                petitioner_email=data.petitioner_email.strip(),
                anonymous=anonymous,
                check_digits=phone[-4:] if len(phone) >= 4 else "",
                procedure=procedure,
                dossier=dossier,
                place=data.place.strip(),
                officer_named=data.officer_named.strip(),
                received_at=now,
                received_by=staff,
                clock_started_at=now,
                answer_due_at=now,
                idempotency_key=data.idempotency_key,
            )
            _refresh_due(petition, calendar)
            petition.full_clean(exclude=_FK_FIELDS, validate_unique=False, validate_constraints=False)
            petition.save()
            _event(
                petition,
                action=A.RECEIVE,
                from_status="",
                actor=staff,
                at=now,
                payload={
                    "channel": str(data.channel),
                    "dossier": dossier.code if dossier else "",
                    **({"attachments": list(data.attachments)} if data.attachments else {}),
                },
                actor_label="" if staff else PETITIONER_LABEL,
            )
            _reindex(petition, now, new=True)
            if anonymous:
                petition.classification = Classification.NOT_ACCEPTED
                petition.status = S.CLASSIFIED
                _refresh_due(petition, calendar)
                petition.save(update_fields=["classification", "status", "step_due_at", "answer_due_at"])
                _event(
                    petition,
                    action=A.CLASSIFY,
                    from_status=S.RECEIVED,
                    actor=None,
                    at=now,
                    payload={"classification": str(Classification.NOT_ACCEPTED), "rule": "art7_missing"},
                    actor_label=SYSTEM,
                )
    except IntegrityError:
        if data.idempotency_key:  # a concurrent replay won the race
            return petition_submit(actor=actor, data=data, at=at)
        raise
    return SubmitResult(petition, created=True)


def _get_for_update(actor: User | AnonymousUser | None, code: str) -> Petition:
    petition = (
        Petition.objects.unrestricted("locked, then checked with scope_allows")
        .select_for_update()
        .select_related("unit", "agency")
        .filter(code=code)
        .first()
    )
    if petition is None or (actor is not None and not scope_allows(actor, petition, "view")):
        raise NotFound(PetitionErrorCode.NOT_FOUND, _("No petition has the code %(code)s.") % {"code": code})
    return petition


def _require_choice(value: str, choices: type[object], field_name: str, message: str) -> str:
    values = [str(v) for v in getattr(choices, "values")]  # noqa: B009  TextChoices class
    if value not in values:
        raise DomainError(PetitionErrorCode.CLASSIFICATION_REQUIRED, message, fields={field_name: message})
    return value


def _judge_step(petition: Petition, action: A, calendar: WorkingCalendar, now: datetime) -> dict[str, object]:
    """The deadline the action is judged against and whether it was met (event payload)."""
    name = dl.ACTION_DEADLINE.get(action)
    if name is None:
        return {}
    if action == A.REQUEST_INFO and petition.events.filter(action=A.REQUEST_INFO).exists():
        return {}  # only the first request has a deadline
    due = dl.deadlines(calendar, clock_start=petition.clock_started_at).of(
        name, approved_at=petition.approved_at, calendar=calendar
    )
    if due is None:
        return {}
    return {"deadline": name, "due": due.isoformat(), "on_time": now <= due}


def petition_act(
    *, actor: User | AnonymousUser, code: str, action: A, data: ActInput | None = None, at: datetime | None = None
) -> Petition:
    """Apply one staff action of the workflow table (``workflow.WORKFLOW``)."""
    data = data or ActInput()
    now = at or timezone.now()
    with transaction.atomic():
        petition = _get_for_update(actor, code)
        step = transition(S(petition.status), action)
        if step is None or step.permission == PETITIONER:
            raise DomainError(
                PetitionErrorCode.ACTION_NOT_ALLOWED,
                _("“%(action)s” is not possible while the petition is “%(status)s”.")
                % {"action": A(action).label, "status": petition.get_status_display()},
                status_code=409,
            )
        if not actor.has_perm(step.permission):
            raise PermissionDenied(PetitionErrorCode.FORBIDDEN, _("You do not have permission to do this."))
        reason = data.reason.strip()
        _refuse_bad_text("reason", reason)
        if action in REASON_REQUIRED and not reason:
            raise DomainError(
                PetitionErrorCode.REASON_REQUIRED, _("Write the reason."), fields={"reason": _("Write the reason.")}
            )
        calendar = _calendar(petition)
        judged = _judge_step(petition, action, calendar, now)
        payload: dict[str, object] = dict(judged)
        from_status = petition.status
        _apply(petition, action, data, actor, now, payload)
        petition.status = step.target
        if action in (A.SUPPLEMENT, A.REOPEN):
            petition.clock_started_at = now  # the answer's clock restarts (docs/feedback.md)
        _refresh_due(petition, calendar)
        petition.full_clean(exclude=_FK_FIELDS, validate_unique=False, validate_constraints=False)
        petition.save()
        if petition.status != from_status:
            _reindex(petition, now)
        event = _event(petition, action=action, from_status=from_status, actor=actor, at=now, reason=reason, payload=payload)
        petition_notify(petition=petition, event=event)  # published, refused, forwarded, info asked: sent on commit
    return petition


def _apply(
    petition: Petition, action: A, data: ActInput, actor: User | AnonymousUser, now: datetime, payload: dict[str, object]
) -> None:
    """The fields each action sets, after its preconditions."""
    user = actor if isinstance(actor, User) else None
    if action == A.CLASSIFY:
        petition.classification = _require_choice(
            data.classification, Classification, "classification", _("Choose the classification (Art. 9).")
        )
        petition.category = _require_choice(
            data.category, ContentCategory, "category", _("Choose the content category (Art. 5).")
        )
        petition.report_class = _require_choice(data.report_class, ReportClass, "report_class", _("Choose the reporting class."))
        if data.kind:
            petition.kind = _require_choice(data.kind, PetitionKind, "kind", _("Choose feedback or proposal."))
        payload.update(classification=petition.classification, category=petition.category, report_class=petition.report_class)
    elif action == A.START and petition.classification not in (Classification.WITHIN_COMPETENCE, Classification.OFFICIAL_CONDUCT):
        message = _("Only a petition within the commune's competence, or about how its officials work, is processed here.")
        raise DomainError(PetitionErrorCode.ACTION_NOT_ALLOWED, message, status_code=409)
    elif action == A.FORWARD:
        if not data.forwarded_to.strip():
            message = _("Name the competent agency.")
            raise DomainError(PetitionErrorCode.INVALID_PETITION, message, fields={"forwarded_to": message})
        petition.forwarded_to = data.forwarded_to.strip()[: max_length(Petition, "forwarded_to")]
        payload["forwarded_to"] = petition.forwarded_to
    elif action == A.DRAFT_ANSWER:
        if not data.answer.strip() or text_problem(data.answer):
            message = str(text_problem(data.answer) or _("Write the answer."))
            raise DomainError(PetitionErrorCode.ANSWER_REQUIRED, message, fields={"answer": message})
        petition.answer = data.answer.strip()
        petition.answered_by = user
    elif action == A.APPROVE:
        petition.approved_by = user
        petition.approved_at = now
        petition.answered_on_time = bool(payload.get("on_time", now <= petition.answer_due_at))
    elif action == A.RETURN_FOR_REWORK:
        petition.approved_by = None
    elif action == A.PUBLISH:
        petition.published_at = now
    elif action in (A.CLOSE,):
        petition.closed_at = now
    elif action == A.MERGE:
        _merge(petition, data, actor, now, payload)


def _merge(petition: Petition, data: ActInput, actor: User | AnonymousUser, now: datetime, payload: dict[str, object]) -> None:
    target_code = "".join(data.merge_into.split()).upper()
    target = (
        Petition.objects.restrict(actor, "view").select_for_update().filter(code=target_code).exclude(pk=petition.pk).first()
        if target_code
        else None
    )
    if target is None or target.status in (S.MERGED, S.REFUSED) or target.unit_id != petition.unit_id:
        message = _("Choose an open or answered petition of the same commune to merge into.")
        raise DomainError(PetitionErrorCode.MERGE_TARGET_INVALID, message, fields={"merge_into": message})
    petition.merged_into = target
    petition.closed_at = now
    target.voices += petition.voices
    target.save(update_fields=["voices"])
    payload["merged_into"] = target.code
    _event(
        target,
        action=A.ADD_VOICE,
        from_status=target.status,
        actor=actor,
        at=now,
        payload={"merged": petition.code, "voices": target.voices},
    )


@dataclass(frozen=True)
class VoiceResult:
    petition: Petition
    added: bool  # False: this phone was already counted (the petitioner's, or an earlier +1)


# A voice goes to the petition that is still open: a merged one passes it on to its target.
_NO_VOICES = frozenset({S.REFUSED, S.CLOSED})


def petition_add_voice(*, code: str, name: str, phone: str, at: datetime | None = None) -> VoiceResult:
    """A citizen adds their voice ("+1") to an open or answered petition instead of filing a new
    one (issue 11). Counted once per phone: the petitioner's own phone and a repeated +1 change
    nothing. The name and phone are kept (``PetitionVoice``) but never shown publicly, and the
    event and the audit row carry only the count. A merged petition passes the voice on to the
    petition it was merged into."""
    digits = _phone_digits(phone)
    errors: dict[str, str] = {}
    for field_name, value in (("petitioner_name", name), ("petitioner_phone", phone)):
        problem = text_problem(value)
        if problem:
            errors[field_name] = str(problem)
    if not name.strip():
        errors.setdefault("petitioner_name", _("Write your full name (Decree 20/2008, Art. 7)."))
    elif len(name.strip()) > max_length(PetitionVoice, "name"):
        errors.setdefault("petitioner_name", _("At most %(n)s characters.") % {"n": max_length(PetitionVoice, "name")})
    if not 9 <= len(digits) <= 12:
        errors.setdefault("petitioner_phone", _("A phone number has 10 digits (e.g. 0912345678)."))
    if errors:
        raise DomainError(PetitionErrorCode.INVALID_PETITION, _("Please correct the marked fields."), fields=errors)
    now = at or timezone.now()
    with transaction.atomic():
        petition = _get_for_update(None, "".join(code.split()).upper())
        if petition.status == S.MERGED and petition.merged_into_id is not None:
            petition = _get_for_update(
                None, Petition.objects.unrestricted("the merge target").get(pk=petition.merged_into_id).code
            )
        if petition.status in _NO_VOICES or petition.status == S.MERGED:
            raise DomainError(
                PetitionErrorCode.ACTION_NOT_ALLOWED, _("This petition no longer takes new voices."), status_code=409
            )
        if digits == petition.petitioner_phone or PetitionVoice.objects.filter(petition=petition, phone=digits).exists():
            return VoiceResult(petition, added=False)
        PetitionVoice.objects.create(petition=petition, name=name.strip(), phone=digits, at=now)
        petition.voices += 1
        petition.save(update_fields=["voices"])
        _event(
            petition,
            action=A.ADD_VOICE,
            from_status=petition.status,
            actor=None,
            at=now,
            payload={"voices": petition.voices},
            actor_label=CITIZEN_LABEL,
        )
    return VoiceResult(petition, added=True)


def petition_judge(*, code: str, check: str, verdict: Verdict, reason: str = "", at: datetime | None = None) -> Petition:
    """The petitioner's verdict on the published answer (indicator 5.3), proved by the last 4
    digits of the phone given. "Not satisfied" reopens the petition once: it goes back to
    processing with a new 15-working-day answer deadline; a second verdict is final."""
    now = at or timezone.now()
    with transaction.atomic():
        petition = _get_for_update(None, "".join(code.split()).upper())
        if not petition.check_digits or _phone_digits(check)[-4:] != petition.check_digits:
            raise NotFound(PetitionErrorCode.NOT_FOUND, _("No petition matches this code and these digits."))
        if petition.status != S.PUBLISHED or petition.verdict:
            raise DomainError(PetitionErrorCode.ALREADY_JUDGED, _("This answer cannot be judged now."), status_code=409)
        _refuse_bad_text("reason", reason)
        petition.verdict = verdict
        petition.verdict_at = now
        payload: dict[str, object] = {"verdict": str(verdict)}
        reopen = verdict == Verdict.NOT_SATISFIED and petition.reopen_count == 0
        petition.save(update_fields=["verdict", "verdict_at"])
        _event(
            petition,
            action=A.JUDGE,
            from_status=petition.status,
            actor=None,
            at=now,
            reason=reason.strip(),
            payload=payload,
            actor_label=PETITIONER_LABEL,
        )
        if reopen:
            from_status = petition.status
            petition.status = S.PROCESSING
            petition.reopen_count += 1
            petition.verdict = ""  # the next answer is judged again (the first verdict stays in the log)
            petition.clock_started_at = now
            petition.approved_at = None
            petition.approved_by = None
            petition.published_at = None
            _refresh_due(petition, _calendar(petition))
            petition.save()
            _reindex(petition, now)
            _event(
                petition,
                action=A.REOPEN,
                from_status=from_status,
                actor=None,
                at=now,
                reason=reason.strip(),
                actor_label=PETITIONER_LABEL,
            )
    return petition
