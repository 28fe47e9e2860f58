"""Writes of the satisfaction app: submitting a rating and inviting one (RULES.md §3.2)."""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.core.audit import audit_record
from motcua.core.exceptions import DomainError, NotFound
from motcua.core.notifications import notify
from motcua.dossiers.choices import RATABLE_STATUSES
from motcua.dossiers.models import Dossier
from motcua.dossiers.ratings import dossier_for_token, rating_url_for
from motcua.dossiers.services import dossier_record_rating
from motcua.satisfaction.choices import Level, RatingChannel
from motcua.satisfaction.exceptions import SatisfactionErrorCode
from motcua.satisfaction.models import Rating, RatingCriterion


def dossier_key(dossier_id: int) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), f"rating:{dossier_id}".encode(), hashlib.sha256).hexdigest()


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


def invite_rating(*, dossier_id: int, **extra: Any) -> None:
    """On ``dossier.returned`` and ``dossier.closed`` (refused, stopped): send the applicant the rating link."""
    dossier = Dossier.objects.unrestricted("a domain-event handler (system task)").filter(pk=dossier_id).first()
    if dossier is None or dossier.rated or not dossier.applicant_phone:
        return
    notify(
        channel="sms",
        to=dossier.applicant_phone,
        subject="",
        kind="rating.invite",
        body=_("Please rate how dossier %(code)s was handled: %(url)s")
        % {"code": dossier.code, "url": rating_url_for(dossier, absolute=True)},
    )
