"""Reads of the identity app.

A citizen is a national person, not bound to a unit, so reads are scoped by purpose rather
than by territory: staff reach a record only through its exact personal ID, a card scan or a
face match, never by browsing; the look-up gives the officer an opaque, expiring link
(``identity.links``) that every citizen URL carries instead of the database id. Every read names
a purpose and writes a ``DataAccess`` row with the reader's unit. Face search is scoped by the
enrolment unit, and changes by the holding unit (see services).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from motcua.core.audit import audit_record
from motcua.core.permissions import ACCESS_LOG_VIEW, IDENTITY_EXPORT, IDENTITY_VIEW
from motcua.identity.choices import AccessAction, AccessPurpose, AddressKind
from motcua.identity.hooks import counter_profile_providers, export_providers
from motcua.identity.links import citizen_link
from motcua.identity.models import Citizen, DataAccess
from motcua.identity.services import Actor, data_access_record, permission_require, purpose_require


def _logged_read(
    *, user: User, citizen: Citizen, purpose: AccessPurpose, dossier_ref: str, action: AccessAction = AccessAction.READ
) -> None:
    data_access_record(actor=user, citizen=citizen, purpose=purpose, action=action, dossier_ref=dossier_ref)


def citizen_find(*, user: Actor, personal_id: str, purpose: str, dossier_ref: str = "") -> Citizen | None:
    """The citizen with exactly this personal ID (logged), or None."""
    staff = permission_require(user, IDENTITY_VIEW, what="citizen_find")
    reason = purpose_require(purpose)
    citizen = Citizen.objects.filter(personal_id=personal_id.strip()).first()
    if citizen is not None:
        _logged_read(user=staff, citizen=citizen, purpose=reason, dossier_ref=dossier_ref)
    return citizen


def _citizen_data(citizen: Citizen) -> dict[str, Any]:
    addresses = citizen.addresses.select_related("unit").order_by("kind", "-valid_from", "-id")
    return {
        "ref": citizen.ref,
        "personal_id": citizen.personal_id,
        "old_id": citizen.old_id,
        "full_name": citizen.full_name,
        "birth_date": citizen.birth_date.isoformat(),
        "sex": citizen.sex,
        "phone": citizen.phone,
        "email": citizen.email,
        "card_issue_date": citizen.card_issue_date.isoformat() if citizen.card_issue_date else None,
        "addresses": [
            {
                "kind": a.kind,
                "text": a.text,
                "unit_code": a.unit.code if a.unit else None,
                "valid_from": a.valid_from.isoformat() if a.valid_from else None,
                "valid_to": a.valid_to.isoformat() if a.valid_to else None,
                "current": a.valid_to is None,
            }
            for a in addresses
        ],
    }


def citizen_profile_for_counter(*, user: Actor, citizen: Citizen, purpose: str, dossier_ref: str | None = None) -> dict[str, Any]:
    """What the counter may reuse to pre-fill an intake: names, birth date, sex, current
    addresses, contacts, and what the registered providers add (earlier dossiers and reusable
    documents, from ``dossiers``). One logged read."""
    staff = permission_require(user, IDENTITY_VIEW, what="citizen_profile", object_id=citizen.pk)
    reason = purpose_require(purpose)
    with transaction.atomic():
        _logged_read(user=staff, citizen=citizen, purpose=reason, dossier_ref=dossier_ref or "")
        data = _citizen_data(citizen)
        current = {a["kind"]: a["text"] for a in data["addresses"] if a["current"]}
        profile = {
            "link": citizen_link(user=staff, citizen=citizen),
            "personal_id": citizen.personal_id,
            "full_name": citizen.full_name,
            "birth_date": data["birth_date"],
            "sex": citizen.sex,
            "phone": citizen.phone,
            "email": citizen.email,
            "permanent_address": current.get(AddressKind.PERMANENT.value, ""),
            "current_address": current.get(AddressKind.CURRENT.value, current.get(AddressKind.PERMANENT.value, "")),
            "extras": counter_profile_providers.collect(
                user=staff, citizen=citizen, purpose=reason, dossier_ref=dossier_ref or ""
            ),
        }
    return profile


def citizen_export(*, user: Actor, citizen: Citizen, purpose: str = AccessPurpose.CITIZEN_REQUEST) -> dict[str, Any]:
    """Everything held about one citizen, for staff, as JSON-ready data (the export is itself
    logged). What apps above add (dossiers) is limited to what the officer may see: their
    providers get ``user`` and scope with it (issue 9: a leader's export no longer lists other
    communes' dossiers). The citizen's own export is :func:`citizen_export_own`.
    """
    staff = permission_require(user, IDENTITY_EXPORT, what="citizen_export", object_id=citizen.pk)
    reason = purpose_require(purpose)
    with transaction.atomic():
        data_access_record(actor=staff, citizen=citizen, purpose=reason, action=AccessAction.EXPORT)
        return _export(citizen=citizen, user=staff)


def citizen_export_own(*, citizen: Citizen) -> dict[str, Any]:
    """The citizen's own copy of everything held about them (after the one-time code): every
    dossier, wherever it was filed. Audited as the citizen's act, not as a staff read."""
    with transaction.atomic():
        audit_record(
            action="identity.self_export",
            actor_label="citizen",
            object_type="citizen",
            object_id=citizen.pk,
            data={"at": timezone.now().isoformat()},
        )
        return _export(citizen=citizen, user=None)


def _export(*, citizen: Citizen, user: User | None) -> dict[str, Any]:
    """Face templates are listed with their metadata; the encrypted embeddings themselves are not
    exported (numbers meaningless without the model, and a copy of biometric data is a risk)."""
    return {
        "format": "motcua.identity.export/1",
        "citizen": _citizen_data(citizen),
        "consents": [
            {
                "purpose": c.purpose,
                "evidence": c.evidence,
                "given_at": c.given_at.isoformat(),
                "withdrawn_at": c.withdrawn_at.isoformat() if c.withdrawn_at else None,
            }
            for c in citizen.consents.order_by("given_at", "id")
        ],
        "face_templates": [
            {
                "id": t.pk,
                "consent_purpose": t.consent.purpose,
                "source": t.source,
                "model": f"{t.model_name} ({t.model_version})",
                "enrolled_at": t.created_at.isoformat(),
                "enrolled_in_unit": t.unit.code,
                "last_matched_at": t.last_matched_at.isoformat() if t.last_matched_at else None,
            }
            for t in citizen.face_templates.select_related("consent", "unit").order_by("id")
        ],
        "accesses": [access_as_dict(a) for a in citizen.accesses.select_related("unit").order_by("accessed_at", "id")],
        "other": export_providers.collect(citizen=citizen, user=user),
    }


def access_as_dict(access: DataAccess) -> dict[str, Any]:
    return {
        "at": access.accessed_at.isoformat(),
        "who": access.actor_name,
        "agency": access.agency_name,
        "unit_code": access.unit.code if access.unit else "",
        "purpose": access.purpose,
        "action": access.action,
        "dossier": access.dossier_ref,
    }


def citizen_access_log(*, citizen: Citizen) -> QuerySet[DataAccess]:
    """The citizen's own view of who read their data (after they proved who they are)."""
    return citizen.accesses.select_related("unit").order_by("-accessed_at", "-id")


def data_access_list(*, user: Actor) -> QuerySet[DataAccess]:
    """Oversight: accesses made by staff of the leader's units (scoped like every list)."""
    permission_require(user, ACCESS_LOG_VIEW, what="data_access_list")
    return DataAccess.objects.restrict(user, "view").select_related("unit", "citizen").order_by("-accessed_at", "-id")
