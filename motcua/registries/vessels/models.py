"""The commune's fishing-vessel registry (RULES.md §7; the VNFishbase fields of §7.3) and its
review campaigns ("tổng rà soát", §7.4). Data in the demo is synthetic (docs/registries.md)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from motcua.core.models import AdministrativeUnit
from motcua.core.permissions import REGISTRY_EDIT, REGISTRY_VIEW
from motcua.core.querysets import RestrictedManager, Scope, ScopeRule, Via
from motcua.identity.models import Citizen
from motcua.registries.common.models import RegistryRecord
from motcua.registries.vessels import rules
from motcua.registries.vessels.choices import (
    CampaignStatus,
    CheckResult,
    Gear,
    HullMaterial,
    ItemState,
    NumberKind,
    SizeClass,
    VesselStatus,
    Zone,
)


def _validate_number(value: str) -> None:
    try:
        rules.number_kind(value)
    except rules.NumberError as exc:
        raise ValidationError(str(exc)) from exc


def _validate_personal_id(value: str) -> None:
    if value and not (len(value) == 12 and value.isdigit()):
        raise ValidationError(_("A personal ID has 12 digits."))


class Vessel(RegistryRecord):
    """One fishing vessel as the commune keeps it: registration (§7.3 "Registration"),
    inspection and safety certificate, fishing licence, VMS, and catch logs."""

    status = models.CharField(_("status"), max_length=20, choices=VesselStatus.choices, default=VesselStatus.ACTIVE)
    registration_number = models.CharField(
        _("registration number"), max_length=20, blank=True, validators=[_validate_number], db_index=True
    )
    commune_number = models.CharField(_("commune count number"), max_length=20, blank=True)
    name = models.CharField(_("vessel name"), max_length=100, blank=True)
    owner_name = models.CharField(_("vessel owner"), max_length=150)
    owner_personal_id = models.CharField(_("owner's personal ID"), max_length=12, blank=True, validators=[_validate_personal_id])
    owner_citizen = models.ForeignKey(
        Citizen,
        verbose_name=_("owner in the citizen registry"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    owner_address = models.CharField(_("address"), max_length=300, blank=True)
    hamlet = models.CharField(_("hamlet"), max_length=100, blank=True)
    registered_on = models.DateField(_("registration date"), null=True, blank=True)
    max_length_m = models.DecimalField(_("maximum length (m)"), max_digits=5, decimal_places=2)
    engine_power_kw = models.DecimalField(_("engine power (kW)"), max_digits=8, decimal_places=2, null=True, blank=True)
    hull_material = models.CharField(_("hull material"), max_length=10, choices=HullMaterial.choices, blank=True)
    gear = models.CharField(_("fishing gear"), max_length=12, choices=Gear.choices, blank=True)
    year_built = models.PositiveSmallIntegerField(_("year built"), null=True, blank=True)
    place_built = models.CharField(_("place built"), max_length=200, blank=True)
    design_code = models.CharField(_("design code"), max_length=50, blank=True)
    inspection_book_number = models.CharField(_("inspection book number"), max_length=30, blank=True)
    safety_certificate_number = models.CharField(_("safety certificate number"), max_length=30, blank=True)
    inspected_on = models.DateField(_("inspection date"), null=True, blank=True)
    inspection_expires_on = models.DateField(_("safety certificate expiry"), null=True, blank=True)
    licence_number = models.CharField(_("licence number"), max_length=30, blank=True)
    licence_issued_on = models.DateField(_("licence issue date"), null=True, blank=True)
    licence_expires_on = models.DateField(_("licence expiry"), null=True, blank=True)
    zone = models.CharField(_("fishing zone"), max_length=10, choices=Zone.choices, blank=True)
    registered_port = models.CharField(_("registered port"), max_length=100, blank=True)
    vms_installed = models.BooleanField(_("VMS installed"), default=False)
    vms_last_signal_at = models.DateTimeField(_("last VMS position"), null=True, blank=True)
    catch_log_last_on = models.DateField(_("last catch log submitted"), null=True, blank=True)
    transferred_out_on = models.DateField(_("transfer-out date"), null=True, blank=True)
    transfer_destination = models.CharField(_("transferred to"), max_length=200, blank=True)
    deleted_on = models.DateField(_("deletion date"), null=True, blank=True)
    number_kind = models.CharField(_("number kind"), max_length=12, choices=NumberKind.choices, default=NumberKind.NONE)
    size_class = models.CharField(_("size class"), max_length=8, choices=SizeClass.choices, default=SizeClass.UNDER_6)

    objects = RestrictedManager()
    SEARCH_FIELDS = ("registration_number", "commune_number", "name", "owner_name", "hamlet", "owner_address")
    DERIVED_FIELDS = ("number_kind", "size_class")

    class Meta:
        verbose_name = _("fishing vessel")
        verbose_name_plural = _("fishing vessels")
        ordering = ["registration_number", "commune_number", "id"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "natural_key"], name="registries_vessel_natural_key"),
            models.CheckConstraint(condition=Q(status__in=VesselStatus.values), name="registries_vessel_status_valid"),
            models.CheckConstraint(condition=Q(max_length_m__gt=0), name="registries_vessel_length_positive"),
            models.CheckConstraint(
                condition=~Q(registration_number="") | ~Q(commune_number=""), name="registries_vessel_has_a_number"
            ),
        ]
        indexes = [
            models.Index(fields=["unit", "status", "size_class"], name="registries_vessel_list"),
            models.Index(fields=["unit", "hamlet"], name="registries_vessel_hamlet"),
            models.Index(fields=["unit", "licence_expires_on"], name="registries_vessel_licence"),
            models.Index(fields=["unit", "inspection_expires_on"], name="registries_vessel_inspection"),
        ]

    def __str__(self) -> str:
        return self.registration_number or self.commune_number

    @classmethod
    def key_of(cls, values: Mapping[str, Any]) -> str:
        number = rules.normalise_number(str(values.get("registration_number") or ""))
        return number or "#" + str(values.get("commune_number") or "").strip().upper()

    def compute_derived(self) -> None:
        self.registration_number = rules.normalise_number(self.registration_number or "")
        try:
            self.number_kind = rules.number_kind(self.registration_number)
        except rules.NumberError:
            self.number_kind = NumberKind.NONE  # full_clean names the error
        self.size_class = rules.size_class(self.max_length_m)

    @property
    def needs(self) -> rules.Needs:
        return rules.NEEDS[SizeClass(self.size_class)]

    @property
    def is_registered(self) -> bool:
        return bool(self.registration_number) and self.registered_on is not None

    def inspection_valid(self, today: date) -> bool:
        return self.inspection_expires_on is not None and self.inspection_expires_on >= today

    def licence_valid(self, today: date) -> bool:
        return self.licence_expires_on is not None and self.licence_expires_on >= today

    def three_nos(self, today: date) -> bool:
        """§7.4: "3 không" — no registration, no (valid) inspection, no (valid) licence."""
        return not self.is_registered and not self.inspection_valid(today) and not self.licence_valid(today)

    def flags(self, today: date, now: datetime) -> list[str]:
        from motcua.registries.vessels.choices import Flag

        needs, found = self.needs, list[str]()
        if needs.licence and not self.licence_number:
            found.append(Flag.NO_LICENCE)
        elif rules.licence_expired_long(self.licence_expires_on, today):
            found.append(Flag.LICENCE_EXPIRED_10)
        if needs.vms and not self.vms_installed:
            found.append(Flag.VMS_MISSING)
        elif needs.vms and rules.vms_silent(self.vms_last_signal_at, now):
            found.append(Flag.VMS_LOST_6H)
        if needs.inspection and not self.inspection_valid(today):
            found.append(Flag.NO_INSPECTION)
        if self.three_nos(today):
            found.append(Flag.THREE_NOS)
        return found


CAMPAIGN_SCOPE = Scope(
    {
        "view": ScopeRule(REGISTRY_VIEW, (Via("unit", "unit"),)),
        "edit": ScopeRule(REGISTRY_EDIT, (Via("unit", "unit"),)),
    }
)


class ReviewCampaign(models.Model):
    """A "tổng rà soát" of the commune's vessels (§7.4): one checklist item per vessel."""

    unit = models.ForeignKey(AdministrativeUnit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("name"), max_length=200)
    starts_on = models.DateField(_("starts"))
    ends_on = models.DateField(_("ends"))
    status = models.CharField(_("status"), max_length=10, choices=CampaignStatus.choices, default=CampaignStatus.OPEN)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = RestrictedManager()
    scope = CAMPAIGN_SCOPE

    class Meta:
        verbose_name = _("review campaign")
        verbose_name_plural = _("review campaigns")
        ordering = ["-starts_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")), name="registries_campaign_dates"),
            models.CheckConstraint(condition=Q(status__in=CampaignStatus.values), name="registries_campaign_status_valid"),
        ]

    def __str__(self) -> str:
        return self.name


CHECKS = (
    "check_registration",
    "check_inspection",
    "check_licence",
    "check_vms",
    "check_owner_identity",
    "check_residence",
    "check_gear_zone",
    "check_catch_logs",
)


class ReviewItem(models.Model):
    """One vessel's checklist in a campaign (§7.4 "What reviews check")."""

    campaign = models.ForeignKey(ReviewCampaign, on_delete=models.PROTECT, related_name="items")
    unit = models.ForeignKey(AdministrativeUnit, on_delete=models.PROTECT, related_name="+")  # the campaign's (scoping)
    vessel = models.ForeignKey(Vessel, on_delete=models.PROTECT, related_name="review_items")
    hamlet = models.CharField(_("hamlet"), max_length=100, blank=True)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("officer"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    state = models.CharField(_("state"), max_length=10, choices=ItemState.choices, default=ItemState.PENDING)
    check_registration = models.CharField(_("registration"), max_length=12, choices=CheckResult.choices, blank=True)
    check_inspection = models.CharField(
        _("inspection and safety certificate"), max_length=12, choices=CheckResult.choices, blank=True
    )
    check_licence = models.CharField(_("fishing licence"), max_length=12, choices=CheckResult.choices, blank=True)
    check_vms = models.CharField(_("VMS installed and transmitting"), max_length=12, choices=CheckResult.choices, blank=True)
    check_owner_identity = models.CharField(
        _("owner's and captain's identity"), max_length=12, choices=CheckResult.choices, blank=True
    )
    check_residence = models.CharField(_("owner's residence"), max_length=12, choices=CheckResult.choices, blank=True)
    check_gear_zone = models.CharField(_("gear and zone"), max_length=12, choices=CheckResult.choices, blank=True)
    check_catch_logs = models.CharField(_("catch logs submitted"), max_length=12, choices=CheckResult.choices, blank=True)
    note = models.TextField(_("note"), blank=True)
    checked_at = models.DateTimeField(_("checked"), null=True, blank=True)
    checked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    objects = RestrictedManager()
    scope = CAMPAIGN_SCOPE

    class Meta:
        verbose_name = _("review checklist")
        verbose_name_plural = _("review checklists")
        ordering = ["hamlet", "vessel__registration_number", "id"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "vessel"], name="registries_review_item_once"),
            models.CheckConstraint(condition=Q(state__in=ItemState.values), name="registries_review_item_state_valid"),
        ]
        indexes = [models.Index(fields=["campaign", "hamlet", "state"], name="registries_review_progress")]

    def __str__(self) -> str:
        return f"{self.campaign_id}/{self.vessel_id}"

    @property
    def three_nos(self) -> bool:
        missing = CheckResult.MISSING
        return self.check_registration == missing and self.check_inspection == missing and self.check_licence == missing
