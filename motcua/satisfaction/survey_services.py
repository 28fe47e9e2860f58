"""Writes of survey campaigns (RULES.md §3.1, docs/satisfaction.md "Surveys"): create, draw the
sample, send the invitations, record an answer (the respondent's link or a paper form keyed in
at the counter), close. Each state change writes a ``SurveyEvent`` and an audit row in the
same transaction; messages go out on commit."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.core import signing
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.core.audit import audit_record
from motcua.core.exceptions import DomainError, NotFound, PermissionDenied
from motcua.core.models import AdministrativeUnit
from motcua.core.notifications import notify
from motcua.core.permissions import SURVEY_MANAGE, SURVEY_RECORD, SURVEY_VIEW
from motcua.core.scoping import unit_in_scope, user_unit
from motcua.core.validation import text_problem
from motcua.dossiers.choices import DossierStatus
from motcua.dossiers.models import Dossier
from motcua.satisfaction.choices import AnswerType, Level, ResponseChannel, SurveyAction, SurveyStatus
from motcua.satisfaction.exceptions import SatisfactionErrorCode
from motcua.satisfaction.models import Question, Questionnaire, SurveyCampaign, SurveyEvent, SurveyMember, SurveyResponse
from motcua.satisfaction.sampling import FrameRow, draw
from motcua.satisfaction.template import QUESTIONS, TEMPLATE_CODE, TEMPLATE_INTRO, TEMPLATE_TITLE
from motcua.satisfaction.workflow import survey_next

Actor = User | AnonymousUser | None
SALT = "motcua.satisfaction.survey"
MAX_TEXT = 2000
MAX_SAMPLE = 5000
_PERMISSION = {"view": SURVEY_VIEW, "manage": SURVEY_MANAGE, "record": SURVEY_RECORD}


# --- Guards and the event log --------------------------------------------------------------------


def _forbidden() -> PermissionDenied:
    return PermissionDenied(SatisfactionErrorCode.FORBIDDEN, _("You do not have permission to do this."))


def _not_found() -> NotFound:
    return NotFound(SatisfactionErrorCode.SURVEY_NOT_FOUND, _("No such survey campaign in your unit."))


def campaign_for(actor: Actor, campaign_id: int, action: str, *, lock: bool = False) -> SurveyCampaign:
    """The campaign if ``actor`` may do ``action`` on it: 403 without the permission, 404 when it
    does not exist or lies outside the actor's units (the same answer for both)."""
    if actor is None or not actor.is_authenticated or not actor.has_perm(_PERMISSION[action]):
        raise _forbidden()
    qs = SurveyCampaign.objects.restrict(actor, action).select_related("unit", "questionnaire").filter(pk=campaign_id)
    if lock:
        qs = qs.select_for_update(of=("self",))
    campaign = qs.first()
    if campaign is None:
        raise _not_found()
    return campaign


def _record(
    campaign: SurveyCampaign,
    action: SurveyAction,
    *,
    actor: Actor,
    now: datetime | None,
    payload: dict[str, Any] | None = None,
    actor_label: str = "",
) -> SurveyStatus:
    """Move the campaign by the workflow table and log it (event + audit row), in the caller's transaction."""
    before = SurveyStatus(campaign.status)
    after = survey_next(before, action)
    if after != before:
        campaign.status = after
        campaign.save(update_fields=["status"])
    user = actor if isinstance(actor, User) else None
    label = actor_label or (user.get_username() if user else "")
    SurveyEvent.objects.create(
        campaign=campaign,
        action=action,
        from_status=before,
        to_status=after,
        at=now or timezone.now(),
        actor=user,
        actor_label=label,
        payload=payload or {},
    )
    audit_record(
        action=f"survey.{action.value}",
        actor=actor,
        actor_label=label,
        unit_code=campaign.unit.code,
        object_type="survey_campaign",
        object_id=campaign.pk,
        data={"from": before.value, "to": after.value, **(payload or {})},
    )
    return after


# --- The template ---------------------------------------------------------------------------------


def survey_template_ensure() -> Questionnaire:
    """The SIPAS starting questionnaire (created by migration 0004; again here if it was deleted)."""
    questionnaire, created = Questionnaire.objects.get_or_create(
        code=TEMPLATE_CODE, defaults={"title": TEMPLATE_TITLE, "intro": TEMPLATE_INTRO}
    )
    if created:
        for position, (code, element, text, kind, options, required) in enumerate(QUESTIONS, start=1):
            Question.objects.create(
                questionnaire=questionnaire,
                position=position,
                code=code,
                element=element,
                text=text,
                answer_type=kind,
                options=options,
                required=required,
            )
    return questionnaire


# --- Create, draw, invite, close -----------------------------------------------------------------


@dataclass(frozen=True)
class CampaignInput:
    title: str
    period_start: date
    period_end: date
    sample_size: int
    unit_code: str = ""  # default: the actor's own unit
    questionnaire_code: str = TEMPLATE_CODE
    seed: int | None = None  # default: a random one, recorded


def survey_create(*, actor: Actor, data: CampaignInput, now: datetime | None = None) -> SurveyCampaign:
    if actor is None or not actor.is_authenticated or not actor.has_perm(SURVEY_MANAGE):
        raise _forbidden()
    # NUL bytes and the like are refused before any query (PostgreSQL cannot take them).
    unsafe = {
        name: problem
        for name, text in (("title", data.title), ("unit_code", data.unit_code), ("questionnaire", data.questionnaire_code))
        if (problem := text_problem(text)) is not None
    }
    if unsafe:
        raise DomainError(SatisfactionErrorCode.SURVEY_INVALID, _("Some values are not valid."), fields=unsafe)
    unit = (
        AdministrativeUnit.objects.filter(code=data.unit_code, valid_to__isnull=True).first()
        if data.unit_code
        else user_unit(actor)
    )
    if unit is None or not unit_in_scope(actor, unit):
        raise NotFound(SatisfactionErrorCode.SURVEY_NOT_FOUND, _("No such unit in your scope."))
    errors: dict[str, str] = {}
    if not data.title.strip():
        errors["title"] = _("Required.")
    if data.period_end < data.period_start:
        errors["period_end"] = _("The period must end after it starts.")
    if not 1 <= data.sample_size <= MAX_SAMPLE:
        errors["sample_size"] = _("Between 1 and %(n)s.") % {"n": MAX_SAMPLE}
    if data.seed is not None and not 0 <= data.seed < 2**62:
        errors["seed"] = _("The value is out of range.")
    if data.questionnaire_code == TEMPLATE_CODE:
        survey_template_ensure()  # the starting template is always there (a flushed test database, an admin's delete)
    questionnaire = Questionnaire.objects.filter(code=data.questionnaire_code, active=True).first()
    if questionnaire is None:
        errors["questionnaire"] = _("Unknown questionnaire.")
    if errors:
        raise DomainError(SatisfactionErrorCode.SURVEY_INVALID, _("Some values are not valid."), fields=errors)
    assert questionnaire is not None
    with transaction.atomic():
        campaign = SurveyCampaign.objects.create(
            unit=unit,
            title=data.title.strip()[:200],
            questionnaire=questionnaire,
            period_start=data.period_start,
            period_end=data.period_end,
            sample_size=data.sample_size,
            seed=data.seed if data.seed is not None else secrets.randbelow(2**31),
            created_by=actor if isinstance(actor, User) else None,
        )
        user = actor if isinstance(actor, User) else None
        SurveyEvent.objects.create(
            campaign=campaign,
            action=SurveyAction.CREATE,
            to_status=SurveyStatus.DRAFT,
            at=now or timezone.now(),
            actor=user,
            actor_label=user.get_username() if user else "",
            payload={"questionnaire": questionnaire.code, "sample_size": campaign.sample_size, "seed": campaign.seed},
        )
        audit_record(
            action="survey.create",
            actor=actor,
            unit_code=unit.code,
            object_type="survey_campaign",
            object_id=campaign.pk,
            data={"questionnaire": questionnaire.code, "sample_size": campaign.sample_size, "seed": campaign.seed},
        )
    return campaign


def applicant_key(id_number: str, name: str = "", phone: str = "") -> str:
    """The same applicant across dossiers: an HMAC of the ID number (else name and phone)."""
    basis = "".join(id_number.split()).upper() or f"{' '.join(name.split()).casefold()}|{phone.strip()}"
    return hmac.new(settings.SECRET_KEY.encode(), f"survey-applicant:{basis}".encode(), hashlib.sha256).hexdigest()


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def survey_frame(*, actor: Actor, campaign: SurveyCampaign) -> list[FrameRow]:
    """One row per distinct applicant of the dossiers of the campaign's unit (and below)
    returned in the period, with the applicant's most recent such dossier (scoped read)."""
    rows = (
        Dossier.objects.restrict(actor, "view")
        .filter(
            receiving_unit__path__startswith=campaign.unit.path,
            status=DossierStatus.RETURNED,
            returned_at__gte=_day_start(campaign.period_start),
            returned_at__lt=_day_start(campaign.period_end + timedelta(days=1)),
        )
        .order_by("-returned_at", "-pk")
        .values_list("pk", "applicant_id_number", "applicant_name", "applicant_phone", "procedure__code", "channel")
    )
    frame: dict[str, FrameRow] = {}
    for pk, id_number, name, phone, procedure_code, channel in rows:
        key = applicant_key(id_number, name, phone)
        if key not in frame:
            frame[key] = FrameRow(dossier_id=pk, applicant_key=key, stratum=(procedure_code, channel))
    return list(frame.values())


def survey_draw(*, actor: Actor, campaign_id: int, now: datetime | None = None) -> SurveyCampaign:
    """Draw the stratified sample (``sampling.draw``) with the campaign's recorded seed."""
    with transaction.atomic():
        campaign = campaign_for(actor, campaign_id, "manage", lock=True)
        survey_next(SurveyStatus(campaign.status), SurveyAction.DRAW)  # refuse before reading the frame
        assert campaign.seed is not None
        frame = survey_frame(actor=actor, campaign=campaign)
        sample, strata = draw(frame, campaign.sample_size, campaign.seed)
        SurveyMember.objects.bulk_create(
            SurveyMember(
                campaign=campaign,
                number=number,
                dossier_id=row.dossier_id,
                applicant_key=row.applicant_key,
                procedure_code=row.stratum[0],
                channel=row.stratum[1],
            )
            for number, row in enumerate(sample, start=1)
        )
        campaign.population = len(frame)
        campaign.strata = [
            {"procedure": key[0], "channel": key[1], "population": size, "sample": n} for key, (size, n) in strata.items()
        ]
        campaign.save(update_fields=["population", "strata"])
        _record(
            campaign,
            SurveyAction.DRAW,
            actor=actor,
            now=now,
            payload={"seed": campaign.seed, "population": len(frame), "drawn": len(sample), "strata": len(strata)},
        )
    return campaign


def survey_token(member: SurveyMember) -> str:
    return signing.dumps({"m": member.pk, "c": member.campaign_id}, salt=SALT, compress=True)


def survey_url(member: SurveyMember, *, absolute: bool = False) -> str:
    path = reverse("satisfaction:survey_answer", kwargs={"token": survey_token(member)})
    return settings.MOTCUA_PUBLIC_URL.rstrip("/") + path if absolute else path


def member_for_token(token: str) -> SurveyMember | None:
    try:
        data = signing.loads(token, salt=SALT)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict):
        return None
    return (
        SurveyMember.objects.unrestricted("the respondent's signed survey link")
        .select_related("campaign__unit", "campaign__questionnaire")
        .filter(pk=data.get("m"), campaign_id=data.get("c"))
        .first()
    )


def survey_invite(*, actor: Actor, campaign_id: int, now: datetime | None = None) -> int:
    """Send each member not yet invited the one-use link: by SMS to the dossier's phone, else by
    e-mail; a member with neither gets the paper form. Returns the number of messages."""
    with transaction.atomic():
        campaign = campaign_for(actor, campaign_id, "manage", lock=True)
        survey_next(SurveyStatus(campaign.status), SurveyAction.INVITE)
        members = list(campaign.members.filter(invited_at__isnull=True, response__isnull=True).order_by("number"))
        contacts = {
            pk: (phone, email)
            for pk, phone, email in Dossier.objects.restrict(actor, "view")
            .filter(pk__in=[m.dossier_id for m in members if m.dossier_id])
            .values_list("pk", "applicant_phone", "applicant_email")
        }
        at = now or timezone.now()
        sent = {"sms": 0, "email": 0, "paper": 0}
        for member in members:
            phone, email = contacts.get(member.dossier_id or 0, ("", ""))
            body = _("%(unit)s asks for your opinion of its public services (anonymous, 3 minutes): %(url)s") % {
                "unit": campaign.unit.name,
                "url": survey_url(member, absolute=True),
            }
            if phone:
                notify(channel="sms", to=phone, subject="", body=body, kind="survey.invite")
                member.invited_via = "sms"
            elif email:
                notify(channel="email", to=email, subject=_("Satisfaction survey"), body=body, kind="survey.invite")
                member.invited_via = "email"
            else:
                sent["paper"] += 1
                continue
            sent[member.invited_via] += 1
            member.invited_at = at
            member.save(update_fields=["invited_at", "invited_via"])
        _record(campaign, SurveyAction.INVITE, actor=actor, now=now, payload=sent)
    return sent["sms"] + sent["email"]


def survey_close(*, actor: Actor, campaign_id: int, now: datetime | None = None) -> SurveyCampaign:
    with transaction.atomic():
        campaign = campaign_for(actor, campaign_id, "manage", lock=True)
        _record(campaign, SurveyAction.CLOSE, actor=actor, now=now, payload={"responses": campaign.responses.count()})
    return campaign


# --- Answers ---------------------------------------------------------------------------------------


def clean_answers(questions: list[Question], raw: dict[str, Any]) -> dict[str, int | str]:
    """The answers checked against the questions: 1–5 for a scale, one of the options for a
    choice, text up to 2,000 characters; a required question must be answered."""
    errors: dict[str, str] = {}
    clean: dict[str, int | str] = {}
    known = {q.code for q in questions}
    for code, value in raw.items():
        if code not in known:
            errors[code] = _("Unknown question.")
        elif isinstance(value, str) and (problem := text_problem(value)) is not None:
            errors[code] = problem
    for question in questions:
        value = raw.get(question.code)
        if value is None or (isinstance(value, str) and not value.strip()):
            if question.required:
                errors[question.code] = _("Please answer this question.")
            continue
        if question.code in errors:
            continue
        if question.answer_type == AnswerType.SCALE:
            try:
                level = int(value)
            except (TypeError, ValueError):
                level = 0
            if level not in Level.values:
                errors[question.code] = _("Choose one of the five levels.")
            else:
                clean[question.code] = level
        elif question.answer_type == AnswerType.CHOICE:
            if str(value) not in question.options:
                errors[question.code] = _("Choose one of the options.")
            else:
                clean[question.code] = str(value)
        else:
            clean[question.code] = str(value).strip()[:MAX_TEXT]
    if errors:
        raise DomainError(SatisfactionErrorCode.SURVEY_INVALID, _("Some answers are missing or not valid."), fields=errors)
    return clean


def _already() -> DomainError:
    return DomainError(
        SatisfactionErrorCode.SURVEY_ALREADY_ANSWERED,
        _("This survey has already been answered with this link. Thank you."),
        status_code=409,
    )


def _save_response(
    member: SurveyMember, raw: dict[str, Any], *, channel: ResponseChannel, actor: Actor, now: datetime | None
) -> SurveyResponse:
    campaign = member.campaign
    if campaign.status == SurveyStatus.CLOSED:
        raise DomainError(SatisfactionErrorCode.SURVEY_CLOSED, _("This survey has closed. Thank you."), status_code=409)
    survey_next(SurveyStatus(campaign.status), SurveyAction.ANSWER)
    if SurveyResponse.objects.unrestricted("one answer per member").filter(member=member).exists():
        raise _already()
    answers = clean_answers(list(campaign.questionnaire.questions.all()), raw)
    try:
        with transaction.atomic():
            response = SurveyResponse.objects.create(
                member=member,
                campaign=campaign,
                channel=channel,
                answers=answers,
                recorded_by=actor if isinstance(actor, User) else None,
            )
            _record(
                campaign,
                SurveyAction.ANSWER,
                actor=actor,
                now=now,
                payload={"member": member.number, "channel": channel.value},
                actor_label="" if isinstance(actor, User) else "respondent",
            )
    except IntegrityError as exc:  # a second answer racing the first
        raise _already() from exc
    return response


def survey_answer_submit(*, token: str, answers: dict[str, Any], now: datetime | None = None) -> SurveyResponse:
    """The respondent's answer through the one-use link (no login)."""
    member = member_for_token(token)
    if member is None:
        raise NotFound(SatisfactionErrorCode.SURVEY_LINK_INVALID, _("This survey link is not valid."))
    return _save_response(member, answers, channel=ResponseChannel.WEB, actor=None, now=now)


def survey_answer_record(
    *, actor: Actor, campaign_id: int, member_number: int, answers: dict[str, Any], now: datetime | None = None
) -> SurveyResponse:
    """A paper form keyed in at the counter by staff, for the member whose number it carries."""
    with transaction.atomic():
        campaign = campaign_for(actor, campaign_id, "record", lock=True)
        member = SurveyMember.objects.restrict(actor, "record").filter(campaign=campaign, number=member_number).first()
        if member is None:
            raise DomainError(
                SatisfactionErrorCode.SURVEY_INVALID,
                _("No sample member has this number."),
                fields={"member": _("No sample member has this number.")},
            )
        member.campaign = campaign
        return _save_response(member, answers, channel=ResponseChannel.PAPER, actor=actor, now=now)
