"""Links to a citizen's record: opaque, bound to one officer, expiring.

A staff member reaches a record only through a look-up (personal ID, card QR or face match)
with a purpose. The look-up answers with a *link*: the citizen's random ``ref`` (128 bits, never
the sequential id) and the officer's user id, signed with the site's secret and timestamped
(``django.core.signing.TimestampSigner``). Every citizen URL and API path carries the link; it
opens the record only for the officer it was made for and only for one staff session
(``SESSION_COOKIE_AGE``). A link that is forged, expired or made for someone else answers
exactly like a missing record (404); one made for someone else is also audited as denied.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.core import signing
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from motcua.core.audit import audit_record
from motcua.core.exceptions import NotFound
from motcua.core.scoping import user_unit_code
from motcua.identity.exceptions import IdentityErrorCode
from motcua.identity.models import Citizen

_SIGNER_SALT = "motcua.identity.citizen-link"
_SEP = "."


def _signer() -> signing.TimestampSigner:
    return signing.TimestampSigner(salt=_SIGNER_SALT, sep=_SEP)


def citizen_link(*, user: User, citizen: Citizen) -> str:
    """The link for ``user`` to open ``citizen``'s record (after a look-up with a purpose)."""
    return _signer().sign(f"{citizen.ref}{_SEP}{user.pk}")


def _not_found() -> NotFound:
    return NotFound(IdentityErrorCode.CITIZEN_NOT_FOUND, _("No such citizen record."))


def citizen_from_link(*, user: User | AnonymousUser | None, link: str) -> Citizen:
    """The citizen behind ``link`` if it was made for ``user`` and has not expired; else 404."""
    try:
        value = _signer().unsign(link, max_age=int(settings.SESSION_COOKIE_AGE))
    except signing.BadSignature:  # forged, damaged or expired (SignatureExpired is a subclass)
        raise _not_found() from None
    ref, _sep, user_pk = value.rpartition(_SEP)
    citizen = Citizen.objects.filter(ref=ref).first()
    if citizen is None:  # erased since the link was made
        raise _not_found()
    if user is None or not user.is_authenticated or str(user.pk) != user_pk:
        with transaction.atomic():
            audit_record(
                action="identity.denied",
                actor=user if isinstance(user, User) else None,
                unit_code=user_unit_code(user),
                object_type="citizen",
                object_id=citizen.pk,
                data={"attempt": "citizen_link", "reason": "link_of_another_user"},
            )
        raise _not_found()
    return citizen
