"""The rating link of a closed (returned, refused or stopped) dossier: a signed token, so the
rating page needs no login and cannot be opened for someone else's dossier by guessing."""

from __future__ import annotations

from django.core import signing
from django.urls import reverse

from motcua.core.urls_public import public_url
from motcua.dossiers.models import Dossier

SALT = "motcua.dossiers.rating"
MAX_AGE_DAYS = 30


def rating_token(dossier: Dossier) -> str:
    return signing.dumps({"d": dossier.pk}, salt=SALT, compress=True)


def dossier_for_token(token: str) -> Dossier | None:
    try:
        data = signing.loads(token, salt=SALT, max_age=MAX_AGE_DAYS * 24 * 3600)
    except signing.BadSignature:
        return None
    return (
        Dossier.objects.unrestricted("the applicant's signed rating link")
        .select_related("procedure", "receiving_agency", "receiving_unit")
        .filter(pk=data.get("d"))
        .first()
    )


def rating_url_for(dossier: Dossier, *, absolute: bool = False) -> str:
    path = reverse("satisfaction:rate", kwargs={"token": rating_token(dossier)})
    return public_url(path) if absolute else path
