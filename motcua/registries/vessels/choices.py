"""Enums of the fishing-vessel registry (RULES.md §7)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class VesselStatus(models.TextChoices):
    ACTIVE = "active", _("In the registry")
    TRANSFERRED = "transferred", _("Transferred out")
    DELETED = "deleted", _("Registration deleted")


class VesselAction(models.TextChoices):
    TRANSFER_OUT = "transfer_out", _("Record a transfer out")
    DELETE = "delete", _("Delete the registration")
    RESTORE = "restore", _("Put back in the registry")


class NumberKind(models.TextChoices):
    """§7.1: the registration number's form."""

    STANDARD = "standard", _("Fishing vessel (XX-NNNNN-TS)")
    GOVERNMENT = "government", _("Government fisheries vessel (KN/NC)")
    LEGACY_BL = "legacy_bl", _("Old Bạc Liêu number (BL)")
    NONE = "none", _("No registration number")


class SizeClass(models.TextChoices):
    """§7.2: classes by maximum length."""

    UNDER_6 = "lt6", _("Under 6 m")
    FROM_6 = "6to12", _("6 to under 12 m")
    FROM_12 = "12to15", _("12 to under 15 m")
    FROM_15 = "15to24", _("15 to under 24 m")
    FROM_24 = "ge24", _("24 m and over")


class HullMaterial(models.TextChoices):
    WOOD = "wood", _("Wood")
    STEEL = "steel", _("Steel")
    NEW_MATERIAL = "new", _("New material")


class Gear(models.TextChoices):
    TRAWL = "trawl", _("Trawl net")
    GILLNET = "gillnet", _("Gill net")
    PURSE_SEINE = "purse_seine", _("Purse seine")
    LINE = "line", _("Hook and line")
    TRAP = "trap", _("Traps and pots")
    LIFT_NET = "lift_net", _("Lift net")
    SERVICE = "service", _("Fisheries logistics")
    OTHER = "other", _("Other gear")


class Zone(models.TextChoices):
    COASTAL = "coastal", _("Coastal")
    INSHORE = "inshore", _("Inshore")
    OFFSHORE = "offshore", _("Offshore")


class Flag(models.TextChoices):
    """Warnings and §7.2 high-risk conditions our data can show."""

    NO_LICENCE = "no_licence", _("No fishing licence")
    LICENCE_EXPIRED_10 = "licence_expired_10", _("Licence expired 10 days or more")
    VMS_MISSING = "vms_missing", _("VMS required but not installed")
    VMS_LOST_6H = "vms_lost_6h", _("VMS signal lost 6 hours or more")
    NO_INSPECTION = "no_inspection", _("Inspection required but missing or expired")
    THREE_NOS = "three_nos", _("“3 không”: no registration, inspection or licence")


class CampaignStatus(models.TextChoices):
    OPEN = "open", _("Under way")
    CLOSED = "closed", _("Closed")


class ItemState(models.TextChoices):
    PENDING = "pending", _("Not checked yet")
    DONE = "done", _("Checked")


class CheckResult(models.TextChoices):
    UNCHECKED = "", _("Not checked")
    OK = "ok", _("In order")
    MISSING = "missing", _("Missing or invalid")
    NOT_REQUIRED = "not_required", _("Not required")
