"""Writes of the vessel registry: status actions, the owner's link to the citizen registry, and
the review campaign (open, assign, check, close). Every write is audited."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.core.audit import audit_record
from motcua.core.exceptions import DomainError, PermissionDenied
from motcua.core.permissions import REGISTRY_EDIT
from motcua.core.scoping import user_unit
from motcua.identity.choices import AccessPurpose
from motcua.identity.selectors import citizen_find
from motcua.registries.common.exceptions import RegistryErrorCode
from motcua.registries.common.services import record_save, record_transition
from motcua.registries.vessels.choices import CampaignStatus, CheckResult, ItemState, VesselAction, VesselStatus
from motcua.registries.vessels.models import CHECKS, ReviewCampaign, ReviewItem, Vessel
from motcua.registries.vessels.selectors import campaign_get, item_get, vessel_get
from motcua.registries.vessels.workflow import WORKFLOW


def _editor(actor: Any) -> User:
    if not isinstance(actor, User) or not actor.has_perm(REGISTRY_EDIT):
        raise PermissionDenied(RegistryErrorCode.FORBIDDEN, _("You do not have permission to do this."))
    return actor


@dataclass(frozen=True)
class ActInput:
    on: date | None = None
    destination: str = ""


def vessel_act(*, actor: Any, pk: int, action: VesselAction, data: ActInput | None = None) -> Vessel:
    """Transfer out, delete or restore a vessel (``workflow.WORKFLOW``)."""
    user = _editor(actor)
    vessel = vessel_get(user=user, pk=pk, action="edit")
    data = data or ActInput()
    extra: dict[str, Any] = {}
    if action == VesselAction.TRANSFER_OUT:
        if data.on is None or not data.destination.strip():
            raise DomainError(
                RegistryErrorCode.INVALID_RECORD,
                _("Give the transfer date and where the vessel went."),
                fields={"on": _("Give the date."), "destination": _("Say where the vessel went.")},
            )
        extra = {"transferred_out_on": data.on, "transfer_destination": data.destination.strip()[:200]}
    elif action == VesselAction.DELETE:
        if data.on is None:
            raise DomainError(RegistryErrorCode.INVALID_RECORD, _("Give the deletion date."), fields={"on": _("Give the date.")})
        extra = {"deleted_on": data.on}
    elif action == VesselAction.RESTORE:
        extra = {"transferred_out_on": None, "transfer_destination": "", "deleted_on": None}
    return record_transition(actor=user, record=vessel, action=action, workflow=WORKFLOW, extra=extra)


def vessel_owner_link(*, actor: Any, pk: int) -> Vessel:
    """Link the owner to the citizen registry by the personal ID (an audited, purposeful read);
    the name then comes from the citizen's record instead of being typed again."""
    user = _editor(actor)
    vessel = vessel_get(user=user, pk=pk, action="edit")
    if not vessel.owner_personal_id:
        raise DomainError(RegistryErrorCode.INVALID_RECORD, _("The owner's personal ID is not recorded."))
    citizen = citizen_find(
        user=user, personal_id=vessel.owner_personal_id, purpose=AccessPurpose.REGISTRY_RECORD, dossier_ref=str(vessel)
    )
    if citizen is None:
        raise DomainError(
            RegistryErrorCode.NOT_FOUND, _("No citizen with this personal ID; the owner stays as typed."), status_code=404
        )
    vessel, _diff = record_save(actor=user, record=vessel, changes={"owner_citizen": citizen, "owner_name": citizen.full_name})
    return vessel


# --- review campaign (§7.4) ---------------------------------------------------------------------


def campaign_open(*, actor: Any, name: str, starts_on: date, ends_on: date) -> ReviewCampaign:
    """Open a campaign with one checklist per vessel in the registry."""
    user = _editor(actor)
    unit = user_unit(user)
    if unit is None:
        raise DomainError(RegistryErrorCode.NO_UNIT, _("Your account belongs to no administrative unit."))
    if not name.strip() or ends_on < starts_on:
        raise DomainError(
            RegistryErrorCode.INVALID_RECORD,
            _("Give a name, and an end date on or after the start."),
            fields={"name": _("Give a name."), "ends_on": _("The end is before the start.")},
        )
    with transaction.atomic():
        campaign = ReviewCampaign.objects.create(
            unit=unit, name=name.strip()[:200], starts_on=starts_on, ends_on=ends_on, created_by=user
        )
        vessels = Vessel.objects.restrict(user, "edit").filter(status=VesselStatus.ACTIVE).values_list("pk", "hamlet")
        ReviewItem.objects.bulk_create(
            [ReviewItem(campaign=campaign, unit=unit, vessel_id=pk, hamlet=hamlet) for pk, hamlet in vessels.iterator()],
            batch_size=1000,
        )
        audit_record(
            action="registry.campaign_open",
            actor=user,
            unit_code=unit.code,
            object_type="registries_vessels.reviewcampaign",
            object_id=campaign.pk,
            data={"name": campaign.name, "items": campaign.items.count()},
        )
    return campaign


def campaign_assign(*, actor: Any, campaign_id: int, officer_id: int, hamlet: str = "", only_unassigned: bool = True) -> int:
    """Give an officer of the unit the checklists of a hamlet (or all); returns how many."""
    user = _editor(actor)
    campaign = campaign_get(user=user, pk=campaign_id, action="edit")
    if campaign.status != CampaignStatus.OPEN:
        raise DomainError(RegistryErrorCode.ACTION_NOT_ALLOWED, _("The campaign is closed."))
    officer = User.objects.filter(pk=officer_id, is_active=True).first()
    if officer is None or user_unit(officer) != campaign.unit or not officer.has_perm(REGISTRY_EDIT):
        raise DomainError(
            RegistryErrorCode.INVALID_RECORD,
            _("Choose an officer of the unit who keeps the registry."),
            fields={"officer": _("Choose an officer.")},
        )
    with transaction.atomic():
        items = ReviewItem.objects.restrict(user, "edit").filter(campaign=campaign, state=ItemState.PENDING)
        if hamlet:
            items = items.filter(hamlet=hamlet)
        if only_unassigned:
            items = items.filter(assigned_to__isnull=True)
        count = items.update(assigned_to=officer)
        audit_record(
            action="registry.campaign_assign",
            actor=user,
            unit_code=campaign.unit.code,
            object_type="registries_vessels.reviewcampaign",
            object_id=campaign.pk,
            data={"officer": officer.get_username(), "hamlet": hamlet, "items": count},
        )
    return count


def item_check(*, actor: Any, item_id: int, results: Mapping[str, str], note: str = "") -> ReviewItem:
    """Record one vessel's checklist; every check must be answered."""
    user = _editor(actor)
    item = item_get(user=user, pk=item_id, action="edit")
    if item.campaign.status != CampaignStatus.OPEN:
        raise DomainError(RegistryErrorCode.ACTION_NOT_ALLOWED, _("The campaign is closed."))
    answered = {k: v for k, v in results.items() if k in CHECKS and v in CheckResult.values and v != CheckResult.UNCHECKED}
    missing = [k for k in CHECKS if k not in answered]
    if missing:
        raise DomainError(
            RegistryErrorCode.INVALID_RECORD,
            _("Answer every check."),
            fields=dict.fromkeys(missing, _("Choose an answer.")),
        )
    with transaction.atomic():
        for name, value in answered.items():
            setattr(item, name, value)
        item.note = note.strip()[:2000]
        item.state = ItemState.DONE
        item.checked_at = timezone.now()
        item.checked_by = user
        item.save()
        audit_record(
            action="registry.review_check",
            actor=user,
            unit_code=item.unit.code,
            object_type="registries_vessels.reviewitem",
            object_id=item.pk,
            data={"vessel": str(item.vessel), **answered},
        )
    return item


def campaign_close(*, actor: Any, campaign_id: int) -> ReviewCampaign:
    user = _editor(actor)
    campaign = campaign_get(user=user, pk=campaign_id, action="edit")
    if campaign.status != CampaignStatus.OPEN:
        raise DomainError(RegistryErrorCode.ACTION_NOT_ALLOWED, _("The campaign is closed."))
    with transaction.atomic():
        campaign.status = CampaignStatus.CLOSED
        campaign.save(update_fields=["status"])
        audit_record(
            action="registry.campaign_close",
            actor=user,
            unit_code=campaign.unit.code,
            object_type="registries_vessels.reviewcampaign",
            object_id=campaign.pk,
        )
    return campaign
