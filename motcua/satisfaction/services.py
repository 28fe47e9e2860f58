"""Writes of the satisfaction app: submitting a rating and inviting one (RULES.md §3.2)."""

from __future__ import annotations

import hashlib
import hmac
from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.core import throttle
from motcua.core.audit import audit_record
from motcua.core.exceptions import DomainError, NotFound
from motcua.core.notifications import messages_language, notify
from motcua.core.scoping import user_unit_code
from motcua.dossiers.choices import RATABLE_STATUSES
from motcua.dossiers.models import Dossier
from motcua.dossiers.ratings import dossier_for_token, rating_url_for
from motcua.dossiers.services import dossier_record_rating
from motcua.satisfaction.choices import Level, RatingChannel
from motcua.satisfaction.exceptions import SatisfactionErrorCode
from motcua.satisfaction.models import Rating, RatingCriterion
from motcua.satisfaction.selectors import rating_details_open


def dossier_key(dossier_id: int) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), f"rating:{dossier_id}".encode(), hashlib.sha256).hexdigest()


def _clean_answers(answers: dict[str, int], errors: dict[str, str]) -> dict[str, int]:
    """The answers to active questions on the 5-level scale; problems are added to ``errors``,
    and a ``DomainError`` is raised when there is any."""
    criteria = {c.code for c in RatingCriterion.objects.filter(active=True)}
    clean: dict[str, int] = {}
    for code, value in answers.items():
        if code not in criteria:
            errors[f"answers.{code}"] = _("Unknown question.")
        elif value not in Level.values:
            errors[f"answers.{code}"] = _("Choose one of the five levels.")
        else:
            clean[code] = value
    if errors:
        raise DomainError(SatisfactionErrorCode.RATING_INVALID, _("Some answers are not valid."), fields=errors)
    return clean


def rating_submit(
    *, token: str, overall: int, answers: dict[str, int], channel: RatingChannel, comment: str = "", now: datetime | None = None
) -> Rating:
    """Record the applicant's rating of a closed dossier: returned, refused or stopped (RULES.md
    §3.2). One per dossier. The rating is linked to its dossier (indicator 5.4 needs each
    dossier's "dislike"), and the dossier's log gets a "rated" event without the answers, in
    the same transaction."""
    dossier = dossier_for_token(token)
    if dossier is None:
        raise NotFound(SatisfactionErrorCode.RATING_LINK_INVALID, _("This rating link is not valid or has expired."))
    if dossier.status not in RATABLE_STATUSES:
        raise DomainError(
            SatisfactionErrorCode.RATING_NOT_OPEN,
            _("A dossier can be rated once it is closed: returned, refused or stopped."),
            status_code=409,
        )
    errors: dict[str, str] = {}
    if overall not in Level.values:
        errors["overall"] = _("Choose one of the five levels.")
    clean = _clean_answers(answers, errors)
    closed = timezone.localtime(dossier.returned_at or dossier.finished_at or now or timezone.now())
    try:
        with transaction.atomic():
            # Locks the dossier, refuses a second rating, writes the event and its audit row.
            dossier_record_rating(dossier_id=dossier.pk, now=now)
            rating = Rating.objects.create(
                dossier_key=dossier_key(dossier.pk),
                dossier=dossier,
                unit_code=dossier.receiving_unit.code,
                agency_id=dossier.receiving_agency_id,
                procedure_code=dossier.procedure.code,
                month=closed.date().replace(day=1),
                overall=overall,
                answers=clean,
                comment=comment.strip()[:2000],
                channel=channel,
            )
            audit_record(
                action="rating.submit",
                unit_code=dossier.receiving_unit.code,
                object_type="rating",
                object_id=rating.pk,
                data={"channel": channel.value},
            )
    except IntegrityError as exc:  # a rating made before the link existed, under the same key
        raise DomainError(
            SatisfactionErrorCode.ALREADY_RATED, _("This dossier has already been rated. Thank you."), status_code=409
        ) from exc
    return rating


def rating_add_details(*, token: str, answers: dict[str, int], comment: str = "", today: date | None = None) -> Rating:
    """Add the optional per-question answers and comment to a rating already given with its
    overall level (the kiosk and the phone page take the overall level in one tap and offer the
    questions after it). Allowed once, on the day of the rating (``rating_details_open``);
    nothing chosen changes nothing. Audited as ``rating.details`` (how many answers, whether a
    comment: never the values), in the same transaction."""
    dossier = dossier_for_token(token)
    if dossier is None:
        raise NotFound(SatisfactionErrorCode.RATING_LINK_INVALID, _("This rating link is not valid or has expired."))
    clean = _clean_answers(answers, {})
    comment = comment.strip()[:2000]
    with transaction.atomic():
        rating = (
            Rating.objects.unrestricted("the applicant's own signed rating link")
            .select_for_update()
            .filter(dossier=dossier)
            .first()
        )
        if rating is None:
            raise NotFound(SatisfactionErrorCode.RATING_NOT_FOUND, _("Give the overall rating first."))
        if not rating_details_open(rating, today=today):
            raise DomainError(
                SatisfactionErrorCode.RATING_DETAILS_CLOSED,
                _("The details of this rating were already given. Thank you."),
                status_code=409,
            )
        if not clean and not comment:
            return rating
        rating.answers = clean
        rating.comment = comment
        rating.save(update_fields=["answers", "comment"])
        audit_record(
            action="rating.details",
            unit_code=rating.unit_code,
            object_type="rating",
            object_id=rating.pk,
            data={"answers": len(clean), "comment": bool(comment)},
        )
    return rating


KIOSK_LEAVE_LIMIT = 5  # wrong passwords per officer, then the tablet refuses for 10 minutes
KIOSK_LEAVE_WINDOW = 600


def kiosk_leave(*, user: User, password: str) -> None:
    """The officer leaves the counter tablet's kiosk mode by typing their own password: the one
    way from the kiosk back to staff pages, which a citizen at the tablet cannot take. Audited
    as ``kiosk.leave``; a wrong password as ``kiosk.leave_refused``, and after
    ``KIOSK_LEAVE_LIMIT`` of them in 10 minutes every try is refused for 10 minutes."""
    who = str(user.pk)
    if throttle.blocked("kiosk_leave", who) is not None:
        raise DomainError(
            SatisfactionErrorCode.KIOSK_LEAVE_LOCKED,
            _("Too many wrong passwords. Try again in 10 minutes."),
            status_code=429,
        )
    with transaction.atomic():
        if not user.check_password(password):
            audit_record(action="kiosk.leave_refused", actor=user, unit_code=user_unit_code(user))
            if throttle.count_hit("kiosk_leave", who, window_seconds=KIOSK_LEAVE_WINDOW) >= KIOSK_LEAVE_LIMIT:
                throttle.block_for("kiosk_leave", who, seconds=KIOSK_LEAVE_WINDOW)
            wrong = DomainError(
                SatisfactionErrorCode.KIOSK_PASSWORD_WRONG,
                _("This is not the password of the signed-in officer."),
                fields={"password": _("Wrong password.")},
            )
        else:
            audit_record(action="kiosk.leave", actor=user, unit_code=user_unit_code(user))
            throttle.forget("kiosk_leave", who)
            return
    raise wrong


def invite_rating(*, dossier_id: int, **extra: Any) -> None:
    """On ``dossier.returned`` and ``dossier.closed`` (refused, stopped): send the applicant the rating link."""
    dossier = Dossier.objects.unrestricted("a domain-event handler (system task)").filter(pk=dossier_id).first()
    if dossier is None or dossier.rated or not dossier.applicant_phone:
        return
    with messages_language():
        notify(
            channel="sms",
            to=dossier.applicant_phone,
            subject="",
            kind="rating.invite",
            body=_("Please rate how dossier %(code)s was handled: %(url)s")
            % {"code": dossier.code, "url": rating_url_for(dossier, absolute=True)},
        )
