"""Writes of the satisfaction app: submitting a rating and inviting one."""

from __future__ import annotations

import hashlib
import hmac
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.core.audit import audit_record
from motcua.core.exceptions import DomainError, NotFound
from motcua.core.notifications import notify
from motcua.dossiers.choices import DossierStatus
from motcua.dossiers.models import Dossier
from motcua.dossiers.ratings import dossier_for_token, rating_url_for
from motcua.satisfaction.choices import Level, RatingChannel
from motcua.satisfaction.models import Rating, RatingCriterion


def dossier_key(dossier_id: int) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), f"rating:{dossier_id}".encode(), hashlib.sha256).hexdigest()


def rating_submit(*, token: str, overall: int, answers: dict[str, int], channel: RatingChannel, comment: str = "") -> Rating:
    """Record the applicant's rating of a returned dossier. One per dossier."""
    dossier = dossier_for_token(token)
    if dossier is None:
        raise NotFound("rating_link_invalid", _("This rating link is not valid or has expired."))
    if dossier.status != DossierStatus.RETURNED:
        raise DomainError("rating_not_open", _("A dossier can be rated once its result has been returned."), status_code=409)
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
        raise DomainError("rating_invalid", _("Some answers are not valid."), fields=errors)
    returned = timezone.localtime(dossier.returned_at or timezone.now())
    try:
        with transaction.atomic():
            rating = Rating.objects.create(
                dossier_key=dossier_key(dossier.pk),
                unit_code=dossier.receiving_unit.code,
                agency_id=dossier.receiving_agency_id,
                procedure_code=dossier.procedure.code,
                month=returned.date().replace(day=1),
                overall=overall,
                answers=clean,
                comment=comment.strip()[:2000],
                channel=channel,
            )
            Dossier.objects.filter(pk=dossier.pk).update(rated=True)
            audit_record(
                action="rating.submit",
                unit_code=dossier.receiving_unit.code,
                object_type="rating",
                object_id=rating.pk,
                data={"channel": channel.value},
            )
    except IntegrityError as exc:
        raise DomainError("already_rated", _("This dossier has already been rated. Thank you."), status_code=409) from exc
    return rating


def invite_rating(*, dossier_id: int, **extra: Any) -> None:
    """On ``dossier.returned``: send the applicant the rating link."""
    dossier = Dossier.objects.filter(pk=dossier_id).first()
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
