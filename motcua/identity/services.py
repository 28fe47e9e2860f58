"""Writes of the identity app. Keyword-only; each runs in one transaction and writes its audit
event (and, for personal data, its ``DataAccess`` row) inside it. Audit rows name citizens by
their database id only, never by personal ID, so an erasure leaves no personal data behind.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext_lazy as _

from motcua.core.audit import audit_record
from motcua.core.choices import UnitLevel
from motcua.core.exceptions import DomainError, NotFound, PermissionDenied
from motcua.core.models import AdministrativeUnit
from motcua.core.notifications import notify
from motcua.core.permissions import (
    CONSENT_MANAGE,
    FACE_ENROL,
    FACE_SEARCH,
    IDENTITY_EDIT,
    IDENTITY_ERASE,
    IDENTITY_MERGE,
)
from motcua.core.scoping import scope_allows, user_unit, user_unit_code
from motcua.core.text import fold
from motcua.identity import face
from motcua.identity.choices import (
    FACE_SEARCH_SCOPE,
    AccessAction,
    AccessPurpose,
    AddressKind,
    ConsentPurpose,
    FaceScope,
    FaceSource,
    NotifyChannel,
    Sex,
)
from motcua.identity.crypto import template_decrypt, template_encrypt, template_key_id
from motcua.identity.exceptions import IdentityErrorCode
from motcua.identity.hooks import erasure_providers
from motcua.identity.models import AccessCode, Address, Citizen, Consent, DataAccess, FaceTemplate
from motcua.identity.personal_id import personal_id_check
from motcua.identity.qr import CardData

Actor = User | AnonymousUser | None

# --- Guards ---------------------------------------------------------------------------------------


def purpose_require(purpose: str | None) -> AccessPurpose:
    """Every access names a recorded purpose; anything else is refused."""
    try:
        return AccessPurpose(purpose or "")
    except ValueError:
        raise DomainError(
            IdentityErrorCode.PURPOSE_REQUIRED,
            _("Choose why you need this citizen's data."),
            fields={"purpose": _("Choose a purpose.")},
        ) from None


def permission_require(actor: Actor, permission: str, *, what: str, object_id: str | int = "") -> User:
    """The actor as a staff ``User`` holding ``permission``; otherwise log the attempt and refuse."""
    if isinstance(actor, User) and actor.is_authenticated and actor.is_active and actor.has_perm(permission):
        return actor
    with transaction.atomic():
        audit_record(
            action="identity.denied",
            actor=actor if isinstance(actor, User) else None,
            unit_code=user_unit_code(actor),
            object_type="citizen" if object_id else "",
            object_id=object_id,
            data={"attempt": what, "permission": permission},
        )
    raise PermissionDenied(IdentityErrorCode.FORBIDDEN, _("You do not have permission to do this."))


def _holding_denied(*, user: User, citizen: Citizen, what: str, not_found: DomainError) -> DomainError:
    """Audit a write refused because another unit holds the record or consent; the answer is the
    same as for a missing one, so the refusal tells nothing about what another unit holds."""
    with transaction.atomic():
        audit_record(
            action="identity.denied",
            actor=user,
            unit_code=user_unit_code(user),
            object_type="citizen",
            object_id=citizen.pk,
            data={"attempt": what, "reason": "not_holding_unit"},
        )
    return not_found


def citizen_hold_require(*, user: User, citizen: Citizen, action: str, what: str) -> None:
    """Refuse (audited, answered as a missing record) unless ``user`` may do ``action`` ("edit",
    "merge", "erase") on the record: its holding unit or above, with the action's permission
    (``Citizen.scope``; a record without a holding unit: system administrators only)."""
    if not scope_allows(user, citizen, action):
        raise _holding_denied(user=user, citizen=citizen, what=what, not_found=_citizen_not_found())


def _citizen_not_found() -> NotFound:
    return NotFound(IdentityErrorCode.CITIZEN_NOT_FOUND, _("No such citizen record."))


def _consent_not_given() -> NotFound:
    return NotFound(IdentityErrorCode.CONSENT_NOT_GIVEN, _("There is no consent to withdraw for this purpose."))


def data_access_record(
    *,
    actor: User,
    citizen: Citizen,
    purpose: AccessPurpose,
    action: AccessAction,
    dossier_ref: str = "",
    detail: dict[str, Any] | None = None,
) -> DataAccess:
    """One row of the citizen-readable access log, plus its audit event (same transaction)."""
    unit = user_unit(actor)
    profile = getattr(actor, "staff_profile", None)
    with transaction.atomic():
        access = DataAccess.objects.create(
            citizen=citizen,
            accessed_at=timezone.now(),
            actor=actor,
            actor_name=actor.get_full_name() or actor.get_username(),
            agency_name=profile.agency.name if profile is not None else "",
            unit=unit,
            purpose=purpose,
            action=action,
            dossier_ref=(dossier_ref or "")[:60],
            detail=detail or {},
        )
        audit_record(
            action=f"identity.{action.value}",
            actor=actor,
            unit_code=unit.code if unit else "",
            object_type="citizen",
            object_id=citizen.pk,
            data={"purpose": purpose.value, "dossier": access.dossier_ref, **(detail or {})},
        )
    return access


def _unit_of(actor: User) -> AdministrativeUnit:
    unit = user_unit(actor)
    if unit is None:
        raise PermissionDenied(IdentityErrorCode.FACE_NO_UNIT, _("Your account is not attached to a unit."))
    return unit


# --- Citizens ---------------------------------------------------------------------------------------


def _full_clean(instance: Citizen | Address) -> None:
    try:
        instance.full_clean(validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        raise DomainError(
            IdentityErrorCode.CITIZEN_INVALID,
            _("Some values are not valid. Check the fields listed."),
            fields={k: " ".join(str(m) for m in v) for k, v in exc.message_dict.items()},
        ) from None


def _address_set(*, citizen: Citizen, kind: AddressKind, text: str, on: date) -> bool:
    """Make ``text`` the current address of this kind; the previous one becomes history."""
    text = " ".join(text.split())
    if not text:
        return False
    current = citizen.addresses.filter(kind=kind, valid_to__isnull=True).first()
    if current is not None and fold(current.text) == fold(text):
        return False
    if current is not None:
        current.valid_to = on
        current.save(update_fields=["valid_to"])
    address = Address(citizen=citizen, kind=kind, text=text, unit=address_unit_guess(text), valid_from=on)
    _full_clean(address)
    address.save()
    return True


def address_unit_guess(text: str) -> AdministrativeUnit | None:
    """The current commune of a 2-level address "…, Xã X, Tỉnh Y" (None if not certain)."""
    parts = [fold(p) for p in text.split(",") if p.strip()]
    if len(parts) < 2:
        return None
    province = AdministrativeUnit.objects.filter(name_folded=parts[-1], level=UnitLevel.PROVINCE, valid_to__isnull=True).first()
    if province is None:
        return None
    communes = list(AdministrativeUnit.objects.filter(parent=province, name_folded=parts[-2], valid_to__isnull=True)[:2])
    return communes[0] if len(communes) == 1 else None


def citizen_register_from_card(
    *, actor: Actor, card: CardData, purpose: str, dossier_ref: str = "", phone: str = "", email: str = ""
) -> tuple[Citizen, bool]:
    """Create the citizen from a scanned card, or bring their record up to date with it.

    Returns (citizen, created). Logs a ``card_scan`` access either way.
    """
    user = permission_require(actor, IDENTITY_EDIT, what="citizen_register")
    reason = purpose_require(purpose)
    today = timezone.localdate()
    existing = Citizen.objects.filter(personal_id=card.personal_id).select_related("unit").first()
    holds = existing is None or scope_allows(user, existing, "edit")
    if existing is not None and not holds:
        contacts = [f for f, v in (("phone", phone.strip()), ("email", email.strip())) if v and getattr(existing, f) != v]
        if contacts:
            raise _holding_denied(
                user=user,
                citizen=existing,
                what="citizen_register",
                not_found=PermissionDenied(
                    IdentityErrorCode.NOT_HOLDING_UNIT,
                    _("Only the unit that holds this citizen's record may change their phone or e-mail. Nothing was saved."),
                    fields={f: _("Held by another unit.") for f in contacts},
                ),
            )
    with transaction.atomic():
        citizen = Citizen.objects.select_for_update().filter(personal_id=card.personal_id).first()
        created = citizen is None
        changed: list[str] = []
        if citizen is None:
            citizen = Citizen(personal_id=card.personal_id, unit=user_unit(user))
        values: dict[str, Any] = {
            "full_name": card.full_name,
            "birth_date": card.birth_date,
            "sex": card.sex.value,
            "old_id": card.old_id or citizen.old_id,
            "card_issue_date": card.issue_date,
        }
        if holds:  # contacts are the holding unit's to change (the card data is the card's)
            if phone:
                values["phone"] = phone.strip()
            if email:
                values["email"] = email.strip()
        for field, value in values.items():
            if getattr(citizen, field) != value:
                setattr(citizen, field, value)
                changed.append(field)
        _full_clean(citizen)
        citizen.save()
        if _address_set(citizen=citizen, kind=AddressKind.PERMANENT, text=card.address, on=card.issue_date or today):
            changed.append("permanent_address")
        data_access_record(
            actor=user,
            citizen=citizen,
            purpose=reason,
            action=AccessAction.CARD_SCAN,
            dossier_ref=dossier_ref,
            detail={"created": created, "changed": sorted(changed)},
        )
    return citizen, created


def citizen_create(
    *,
    actor: Actor,
    personal_id: str,
    full_name: str,
    birth_date: date,
    sex: Sex,
    purpose: str,
    phone: str = "",
    email: str = "",
    permanent_address: str = "",
    current_address: str = "",
) -> Citizen:
    """Register a citizen typed in by hand (no card at hand); the ID must agree with sex and birth year."""
    user = permission_require(actor, IDENTITY_EDIT, what="citizen_create")
    reason = purpose_require(purpose)
    personal_id = personal_id.strip()
    personal_id_check(personal_id, sex=sex, birth_date=birth_date)
    today = timezone.localdate()
    try:
        with transaction.atomic():
            citizen = Citizen(
                personal_id=personal_id,
                full_name=" ".join(full_name.split()),
                birth_date=birth_date,
                sex=sex.value,
                phone=phone.strip(),
                email=email.strip(),
                unit=user_unit(user),
            )
            _full_clean(citizen)
            citizen.save()
            _address_set(citizen=citizen, kind=AddressKind.PERMANENT, text=permanent_address, on=today)
            _address_set(citizen=citizen, kind=AddressKind.CURRENT, text=current_address, on=today)
            data_access_record(actor=user, citizen=citizen, purpose=reason, action=AccessAction.UPDATE, detail={"created": True})
    except IntegrityError:
        raise DomainError(
            IdentityErrorCode.CITIZEN_EXISTS,
            _("A citizen with this personal ID is already registered."),
            fields={"personal_id": _("Already registered.")},
            status_code=409,
        ) from None
    return citizen


def citizen_update_contacts(
    *, actor: Actor, citizen: Citizen, purpose: str, phone: str, email: str, current_address: str = ""
) -> Citizen:
    """Change the phone, e-mail or current address: only staff of the holding unit (and above)."""
    user = permission_require(actor, IDENTITY_EDIT, what="citizen_update", object_id=citizen.pk)
    reason = purpose_require(purpose)
    citizen_hold_require(user=user, citizen=citizen, action="edit", what="citizen_update")
    with transaction.atomic():
        citizen = Citizen.objects.select_for_update().get(pk=citizen.pk)
        changed = [f for f, v in (("phone", phone.strip()), ("email", email.strip())) if getattr(citizen, f) != v]
        citizen.phone, citizen.email = phone.strip(), email.strip()
        _full_clean(citizen)
        citizen.save()
        if _address_set(citizen=citizen, kind=AddressKind.CURRENT, text=current_address, on=timezone.localdate()):
            changed.append("current_address")
        data_access_record(actor=user, citizen=citizen, purpose=reason, action=AccessAction.UPDATE, detail={"changed": changed})
    return citizen


def citizen_merge(*, actor: Actor, survivor: Citizen, duplicate: Citizen, reason: str) -> Citizen:
    """Fold a duplicate record (e.g. typed with a wrong personal ID) into the right one.

    Only staff of the unit holding both records may merge them. Addresses, consents, face
    templates, access-log rows and codes move to ``survivor``; the
    duplicate is deleted. Where both have an active consent for a purpose, the survivor's stays
    and the duplicate's templates move under it.
    """
    user = permission_require(actor, IDENTITY_MERGE, what="citizen_merge", object_id=survivor.pk)
    if survivor.pk == duplicate.pk:
        raise DomainError(IdentityErrorCode.MERGE_SAME, _("Choose two different records to merge."))
    for record in (survivor, duplicate):  # a merge changes and deletes records: holding unit only
        citizen_hold_require(user=user, citizen=record, action="merge", what="citizen_merge")
    if not reason.strip():
        raise DomainError(
            IdentityErrorCode.CITIZEN_INVALID, _("Give the reason for the merge."), fields={"reason": _("Required.")}
        )
    with transaction.atomic():
        survivor = Citizen.objects.select_for_update().get(pk=survivor.pk)
        duplicate = Citizen.objects.select_for_update().get(pk=duplicate.pk)
        moved: dict[str, int] = {}
        kept_kinds = set(survivor.addresses.filter(valid_to__isnull=True).values_list("kind", flat=True))
        today = timezone.localdate()
        duplicate.addresses.filter(valid_to__isnull=True, kind__in=kept_kinds).update(valid_to=today)
        moved["addresses"] = duplicate.addresses.update(citizen=survivor)
        for consent in duplicate.consents.filter(withdrawn_at__isnull=True):
            active = survivor.consents.filter(purpose=consent.purpose, withdrawn_at__isnull=True).first()
            if active is not None:
                consent.templates.update(consent=active)
                consent.withdrawn_at, consent.withdrawn_by = timezone.now(), user
                consent.save(update_fields=["withdrawn_at", "withdrawn_by"])
        moved["consents"] = duplicate.consents.update(citizen=survivor)
        templates = list(duplicate.face_templates.all())
        for template in templates:  # re-encrypt: the ciphertext is bound to the citizen id
            vector = template_decrypt(template.ciphertext, citizen_id=duplicate.pk, model=template.model_name)
            template.ciphertext = template_encrypt(vector, citizen_id=survivor.pk, model=template.model_name)
            template.citizen = survivor
            template.save(update_fields=["ciphertext", "citizen"])
        moved["face_templates"] = len(templates)
        moved["accesses"] = duplicate.accesses.update(citizen=survivor)
        duplicate.access_codes.all().delete()
        for field in ("phone", "email", "old_id"):
            if not getattr(survivor, field) and getattr(duplicate, field):
                setattr(survivor, field, getattr(duplicate, field))
        survivor.save()
        duplicate_pk = duplicate.pk
        duplicate.delete()
        audit_record(
            action="identity.merge",
            actor=user,
            unit_code=user_unit_code(user),
            object_type="citizen",
            object_id=survivor.pk,
            data={"duplicate": duplicate_pk, "reason": reason.strip(), "moved": moved},
        )
        data_access_record(
            actor=user, citizen=survivor, purpose=AccessPurpose.RECORD_MERGE, action=AccessAction.UPDATE, detail={"merged": moved}
        )
    return survivor


def citizen_erase(*, actor: Actor, citizen: Citizen, reason: str) -> None:
    """Erase everything held about a citizen at their request (Law 91/2025): only the
    data-protection role (``IDENTITY_ERASE``) of the holding unit, and only with a reason.

    Apps above identity erase or keep their own rows through ``hooks.erasure_providers``; a
    provider that must keep data by law raises and the erasure changes nothing. The audit log
    keeps only the database id, the reason and who erased.
    """
    user = permission_require(actor, IDENTITY_ERASE, what="citizen_erase", object_id=citizen.pk)
    citizen_hold_require(user=user, citizen=citizen, action="erase", what="citizen_erase")
    if not reason.strip():
        raise DomainError(
            IdentityErrorCode.CITIZEN_INVALID, _("Give the reason for the erasure."), fields={"reason": _("Required.")}
        )
    unit_ids: list[int] = []
    with transaction.atomic():
        citizen = Citizen.objects.select_for_update().get(pk=citizen.pk)
        erasure_providers.collect(citizen=citizen, actor=user)
        unit_ids = list(citizen.face_templates.values_list("unit_id", flat=True).distinct())
        counts = {
            "addresses": citizen.addresses.count(),
            "consents": citizen.consents.count(),
            "face_templates": citizen.face_templates.count(),
            "accesses": citizen.accesses.count(),
        }
        citizen_pk = citizen.pk
        citizen.delete()
        audit_record(
            action="identity.erase",
            actor=user,
            unit_code=user_unit_code(user),
            object_type="citizen",
            object_id=citizen_pk,
            data={"reason": reason.strip(), "deleted": counts},
        )
        _rebuild_on_commit(unit_ids)


# --- Consent -----------------------------------------------------------------------------------------


def consent_give(*, actor: Actor, citizen: Citizen, purpose: ConsentPurpose, evidence: str) -> Consent:
    user = permission_require(actor, CONSENT_MANAGE, what="consent_give", object_id=citizen.pk)
    unit = _unit_of(user)
    if not evidence.strip():
        raise DomainError(
            IdentityErrorCode.CITIZEN_INVALID,
            _("Record how the consent was given (e.g. the number of the signed form)."),
            fields={"evidence": _("Required.")},
        )
    with transaction.atomic():
        # Read through the citizen the officer reached by purpose: one active consent per purpose
        # nationally, whichever unit recorded it (docs/identity.md point 7).
        existing = citizen.consents.select_for_update().filter(purpose=purpose, withdrawn_at__isnull=True).first()
        if existing is not None:
            return existing
        consent = Consent.objects.create(
            citizen=citizen, purpose=purpose, evidence=evidence.strip(), unit=unit, given_at=timezone.now(), given_by=user
        )
        audit_record(
            action="identity.consent_given",
            actor=user,
            unit_code=unit.code,
            object_type="citizen",
            object_id=citizen.pk,
            data={"purpose": purpose.value, "consent": consent.pk},
        )
    return consent


def consent_withdraw(*, actor: Actor, citizen: Citizen, purpose: ConsentPurpose, by_citizen: bool = False) -> int:
    """Withdraw the consent and delete its face templates; returns how many were deleted.

    ``by_citizen`` is for the citizen's own withdrawal on the public page (after the one-time
    code); staff need the consent permission and must work in the unit that recorded the
    consent (or above it): another unit gets the same answer as for a missing consent.
    """
    user = None if by_citizen else permission_require(actor, CONSENT_MANAGE, what="consent_withdraw", object_id=citizen.pk)
    if user is not None:  # held by another unit: audited, then answered as a missing consent
        active = citizen.consents.filter(purpose=purpose, withdrawn_at__isnull=True).select_related("unit").first()
        if active is not None and not scope_allows(user, active, "manage"):
            raise _holding_denied(user=user, citizen=citizen, what="consent_withdraw", not_found=_consent_not_given())
    if user is None:
        consents = Consent.objects.unrestricted("the citizen's own withdrawal, after the one-time code")
        templates = FaceTemplate.objects.unrestricted("the citizen's own withdrawal, after the one-time code")
    else:
        consents, templates = Consent.objects.restrict(user, "manage"), FaceTemplate.objects.restrict(user, "manage")
    with transaction.atomic():
        consent = consents.select_for_update().filter(citizen=citizen, purpose=purpose, withdrawn_at__isnull=True).first()
        if consent is None:
            raise _consent_not_given()
        # A template goes with its consent ("manage" of a template is its consent's holding unit),
        # so every template of a consent in scope is in scope, wherever the face was enrolled.
        withdrawn = templates.filter(consent=consent)
        unit_ids = list(withdrawn.values_list("unit_id", flat=True).distinct())
        deleted, _detail = withdrawn.delete()
        consent.withdrawn_at, consent.withdrawn_by = timezone.now(), user
        consent.save(update_fields=["withdrawn_at", "withdrawn_by"])
        audit_record(
            action="identity.consent_withdrawn",
            actor=user,
            actor_label="" if user else "citizen",
            unit_code=user_unit_code(user),
            object_type="citizen",
            object_id=citizen.pk,
            data={"purpose": purpose.value, "consent": consent.pk, "templates_deleted": deleted},
        )
        _rebuild_on_commit(unit_ids)
    return deleted


def _rebuild_on_commit(unit_ids: list[int]) -> None:
    """Deleted templates leave the in-memory and on-disk indexes once the deletion commits."""
    if not unit_ids:
        return
    from motcua.identity.tasks import face_index_rebuild_task

    transaction.on_commit(lambda: face_index_rebuild_task.enqueue(unit_ids=sorted(set(unit_ids))))


# --- Faces ------------------------------------------------------------------------------------------


def face_enrol(
    *,
    actor: Actor,
    citizen: Citizen,
    image: bytes,
    consent_purpose: ConsentPurpose,
    source: FaceSource = FaceSource.WEBCAM,
    purpose: str = AccessPurpose.COUNTER_INTAKE,
) -> FaceTemplate:
    """Store an encrypted template of the one face in ``image`` under the citizen's consent."""
    user = permission_require(actor, FACE_ENROL, what="face_enrol", object_id=citizen.pk)
    reason = purpose_require(purpose)
    unit = _unit_of(user)
    # The citizen's active consent, whichever unit recorded it (read through the citizen reached by purpose).
    consent = citizen.consents.filter(purpose=consent_purpose, withdrawn_at__isnull=True).first()
    if consent is None:
        raise DomainError(
            IdentityErrorCode.FACE_NO_CONSENT,
            _("The citizen has not consented to this use of their face. Record the consent first."),
            status_code=409,
        )
    liveness = face.liveness_check(image)
    vector = face.face_encode(image, policy="single")
    with transaction.atomic():
        template = FaceTemplate(
            citizen=citizen,
            consent=consent,
            unit=unit,
            source=source,
            model_name=face.MODEL_NAME,
            model_version=face.MODEL_VERSION,
            liveness=liveness,
            created_at=timezone.now(),
            created_by=user,
        )
        template.ciphertext = template_encrypt(vector, citizen_id=citizen.pk, model=face.MODEL_NAME)
        template.key_id = template_key_id(template.ciphertext)
        template.save()
        data_access_record(
            actor=user,
            citizen=citizen,
            purpose=reason,
            action=AccessAction.FACE_ENROL,
            detail={"template": template.pk, "consent": consent_purpose.value, "source": source.value, "liveness": liveness},
        )
    return template


@dataclass(frozen=True)
class FaceMatch:
    citizen: Citizen
    distance: float
    template_id: int


@dataclass(frozen=True)
class FaceDecision:
    threshold: float
    scope: FaceScope
    liveness: str
    match: FaceMatch | None


# Face search is scoped by its purpose, not by the searcher's unit tree: the searcher's own unit,
# or the whole province for a resident of another commune (``FACE_SEARCH_SCOPE``), which a commune
# officer's ``restrict`` scope does not cover. The rows are filtered by those units explicitly.
_PURPOSE_SCOPED = "face search: the purpose's units (FACE_SEARCH_SCOPE), filtered by unit_id"


def _scope_units(user: User, reason: AccessPurpose) -> tuple[FaceScope, list[AdministrativeUnit]]:
    scope = FACE_SEARCH_SCOPE.get(reason)
    if scope is None:
        raise PermissionDenied(
            IdentityErrorCode.FACE_PURPOSE,
            _("Face search is not allowed for this purpose. It is only for receiving dossiers at the counter."),
        )
    unit = _unit_of(user)
    if scope == FaceScope.UNIT:
        return scope, [unit]
    province = unit
    while province.parent_id is not None and province.level != UnitLevel.PROVINCE:
        province = AdministrativeUnit.objects.get(pk=province.parent_id)
    enrolled = FaceTemplate.objects.unrestricted(_PURPOSE_SCOPED).filter(unit__path__startswith=province.path).values("unit_id")
    return scope, list(AdministrativeUnit.objects.filter(pk__in=enrolled).order_by("code"))


def _rerank(template_ids: list[int], vector: Any, *, unit_ids: list[int], citizen: Citizen | None = None) -> list[FaceMatch]:
    rows = FaceTemplate.objects.unrestricted(_PURPOSE_SCOPED).filter(
        pk__in=template_ids, unit_id__in=unit_ids, consent__withdrawn_at__isnull=True
    )
    if citizen is not None:
        rows = rows.filter(citizen=citizen)
    matches = []
    for template in rows.select_related("citizen"):
        stored = template_decrypt(template.ciphertext, citizen_id=template.citizen_id, model=template.model_name)
        matches.append(FaceMatch(citizen=template.citizen, distance=face.face_distance(stored, vector), template_id=template.pk))
    return sorted(matches, key=lambda m: (m.distance, m.template_id))


def face_identify(*, actor: Actor, image: bytes, purpose: str, dossier_ref: str = "") -> FaceDecision:
    """1:N: which returning citizen is this? Searches only templates enrolled in the searcher's unit
    (or province, where the purpose allows) under an active recognition consent. The search is
    audited whatever the result; a match also writes the citizen's ``DataAccess`` row."""
    from motcua.identity.face_search import face_candidates

    user = permission_require(actor, FACE_SEARCH, what="face_identify")
    reason = purpose_require(purpose)
    scope, units = _scope_units(user, reason)
    liveness = face.liveness_check(image)
    vector = face.face_encode(image, policy="largest")
    threshold = face.face_threshold()
    candidates = face_candidates(units=units, vector=vector, k=5)
    ranked = _rerank(
        [pk for pk, _d in candidates],
        vector,
        unit_ids=[u.pk for u in units],
    )
    best = next((m for m in ranked if m.distance < threshold), None)
    unit = _unit_of(user)
    with transaction.atomic():
        audit_record(
            action="identity.face_search",
            actor=user,
            unit_code=unit.code,
            object_type="citizen" if best else "",
            object_id=best.citizen.pk if best else "",
            data={
                "purpose": reason.value,
                "scope": scope.value,
                "units": len(units),
                "matched": best is not None,
                "dossier": dossier_ref[:60],
                "liveness": liveness,
            },
        )
        if best is not None:
            FaceTemplate.objects.filter(pk=best.template_id).update(last_matched_at=timezone.now())
            data_access_record(
                actor=user,
                citizen=best.citizen,
                purpose=reason,
                action=AccessAction.FACE_IDENTIFY,
                dossier_ref=dossier_ref,
                detail={"distance": round(best.distance, 4), "threshold": threshold, "liveness": liveness},
            )
    return FaceDecision(threshold=threshold, scope=scope, liveness=liveness, match=best)


def face_verify(*, actor: Actor, citizen: Citizen, image: bytes, purpose: str, dossier_ref: str = "") -> FaceDecision:
    """1:1: is the person in front of the camera the holder of this record? Compares with the
    citizen's templates within the purpose's scope; logged as a ``face_verify`` access."""
    user = permission_require(actor, FACE_SEARCH, what="face_verify", object_id=citizen.pk)
    reason = purpose_require(purpose)
    scope, units = _scope_units(user, reason)
    unit_ids = [u.pk for u in units]
    template_ids = list(citizen.face_templates.filter(unit_id__in=unit_ids).values_list("pk", flat=True))
    if not template_ids:
        raise DomainError(
            IdentityErrorCode.FACE_NO_TEMPLATE,
            _("No face template of this citizen may be used here. Enrol one first (with the citizen's consent)."),
            status_code=409,
        )
    liveness = face.liveness_check(image)
    vector = face.face_encode(image, policy="largest")
    threshold = face.face_threshold()
    ranked = _rerank(template_ids, vector, unit_ids=unit_ids, citizen=citizen)
    best = ranked[0] if ranked else None
    with transaction.atomic():
        if best is not None and best.distance < threshold:
            FaceTemplate.objects.filter(pk=best.template_id).update(last_matched_at=timezone.now())
        data_access_record(
            actor=user,
            citizen=citizen,
            purpose=reason,
            action=AccessAction.FACE_VERIFY,
            dossier_ref=dossier_ref,
            detail={
                "distance": round(best.distance, 4) if best else None,
                "same": bool(best and best.distance < threshold),
                "threshold": threshold,
                "liveness": liveness,
            },
        )
    return FaceDecision(
        threshold=threshold, scope=scope, liveness=liveness, match=best if best and best.distance < threshold else None
    )


def face_templates_purge_expired(*, now: datetime | None = None) -> int:
    """Delete templates not matched (or, never matched, not enrolled) within the retention period."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=int(settings.MOTCUA_FACE_RETENTION_DAYS))
    expired = FaceTemplate.objects.unrestricted("retention purge: a system task over every unit").filter(
        Q(last_matched_at__lt=cutoff) | Q(last_matched_at__isnull=True, created_at__lt=cutoff)
    )
    with transaction.atomic():
        unit_ids = list(expired.values_list("unit_id", flat=True).distinct())
        by_citizen = list(expired.values_list("citizen_id", flat=True))
        deleted, _detail = expired.delete()
        audit_record(
            action="identity.face_retention_purge",
            data={"deleted": deleted, "citizens": len(set(by_citizen)), "cutoff": cutoff.isoformat()},
        )
        _rebuild_on_commit(unit_ids)
    return deleted


# --- One-time codes for the citizen's own access log -------------------------------------------------

_CODE_LIMIT_PER_HOUR = 3


def _code_hash(citizen: Citizen, code: str) -> str:
    return salted_hmac("motcua.identity.access_code", f"{citizen.pk}:{code}").hexdigest()


def access_code_request(*, personal_id: str, channel: NotifyChannel) -> None:
    """Send a 6-digit code to the registered phone or e-mail. Says nothing about whether the
    personal ID is registered (the page shows the same answer either way)."""
    citizen = Citizen.objects.filter(personal_id=personal_id.strip()).first()
    if citizen is None:
        return
    to = citizen.phone if channel == NotifyChannel.SMS else citizen.email
    now = timezone.now()
    if (
        not to
        or AccessCode.objects.filter(citizen=citizen, created_at__gt=now - timedelta(hours=1)).count() >= _CODE_LIMIT_PER_HOUR
    ):
        return
    code = f"{secrets.randbelow(1_000_000):06d}"
    minutes = int(settings.MOTCUA_ACCESS_CODE_MINUTES)
    with transaction.atomic():
        AccessCode.objects.create(
            citizen=citizen,
            code_hash=_code_hash(citizen, code),
            channel=channel,
            created_at=now,
            expires_at=now + timedelta(minutes=minutes),
        )
        notify(
            channel="sms" if channel == NotifyChannel.SMS else "email",
            to=to,
            subject=str(_("Your MotCua verification code")),
            body=str(
                _("Your code to see who read your data: %(code)s. It expires in %(minutes)s minutes. Do not share it.")
                % {"code": code, "minutes": minutes}
            ),
            kind="identity.access_code",
            secrets=(code,),
        )
        audit_record(
            action="identity.access_code_sent",
            actor_label="citizen",
            object_type="citizen",
            object_id=citizen.pk,
            data={"channel": channel.value},
        )


def access_code_verify(*, personal_id: str, code: str) -> Citizen:
    """The citizen, once the newest unexpired code matches; a clear, uniform error otherwise."""
    refused = DomainError(
        IdentityErrorCode.ACCESS_CODE_INVALID,
        _("The personal ID or the code is wrong, or the code has expired. Ask for a new code."),
        fields={"code": _("Wrong or expired.")},
    )
    citizen = Citizen.objects.filter(personal_id=personal_id.strip()).first()
    if citizen is None:
        raise refused
    now = timezone.now()
    with transaction.atomic():
        record = (
            AccessCode.objects.select_for_update()
            .filter(citizen=citizen, used_at__isnull=True, expires_at__gt=now)
            .order_by("-created_at")
            .first()
        )
        if record is None or record.attempts >= int(settings.MOTCUA_ACCESS_CODE_MAX_ATTEMPTS):
            raise refused
        if not constant_time_compare(record.code_hash, _code_hash(citizen, code.strip())):
            AccessCode.objects.filter(pk=record.pk).update(attempts=record.attempts + 1)
            ok = False
        else:
            record.used_at = now
            record.save(update_fields=["used_at"])
            audit_record(action="identity.access_log_opened", actor_label="citizen", object_type="citizen", object_id=citizen.pk)
            ok = True
    if not ok:
        raise refused
    return citizen
