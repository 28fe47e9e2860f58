"""Enumerations of the core app, with translated labels."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class UnitLevel(models.TextChoices):
    PROVINCE = "province", _("Province")
    DISTRICT = "district", _("District")
    COMMUNE = "commune", _("Commune")


class UnitKind(models.TextChoices):
    PROVINCE = "tinh", _("Province (tỉnh)")
    CITY = "thanh_pho_tw", _("Centrally-run city")
    URBAN_DISTRICT = "quan", _("Urban district (quận)")
    RURAL_DISTRICT = "huyen", _("Rural district (huyện)")
    TOWN = "thi_xa", _("Town (thị xã)")
    PROVINCIAL_CITY = "thanh_pho_tinh", _("Provincial city")
    COMMUNE = "xa", _("Commune (xã)")
    WARD = "phuong", _("Ward (phường)")
    TOWNSHIP = "thi_tran", _("Township (thị trấn)")
    SPECIAL_ZONE = "dac_khu", _("Special zone (đặc khu)")


# The unit type as written in the official lists (../shared/data/admin_units) → UnitKind.
UNIT_KIND_BY_SOURCE_TYPE: dict[str, UnitKind] = {
    "tỉnh": UnitKind.PROVINCE,
    "thành phố trực thuộc trung ương": UnitKind.CITY,
    "quận": UnitKind.URBAN_DISTRICT,
    "huyện": UnitKind.RURAL_DISTRICT,
    "thị xã": UnitKind.TOWN,
    "thành phố (cấp huyện)": UnitKind.PROVINCIAL_CITY,
    "xã": UnitKind.COMMUNE,
    "phường": UnitKind.WARD,
    "thị trấn": UnitKind.TOWNSHIP,
    "đặc khu": UnitKind.SPECIAL_ZONE,
}


class SuccessionKind(models.TextChoices):
    FULL = "full", _("Whole territory")
    PARTIAL = "partial", _("Part of the territory")


class AgencyKind(models.TextChoices):
    PEOPLES_COMMITTEE = "peoples_committee", _("People's Committee")
    COMMUNE_POLICE = "commune_police", _("Commune police")
    SPECIALIST_OFFICE = "specialist_office", _("Specialist office")
    PROVINCIAL_DEPARTMENT = "provincial_department", _("Provincial department")
    SERVICE_CENTRE = "service_centre", _("Public administrative service centre")


class Role(models.TextChoices):
    RECEPTION_OFFICER = "reception_officer", _("Reception officer")
    SPECIALIST = "specialist", _("Specialist")
    LEADER = "leader", _("Leader")
    DATA_OFFICER = "data_officer", _("Data officer")
    UNIT_ADMINISTRATOR = "unit_administrator", _("Unit administrator")
    PROVINCE_REVIEWER = "province_reviewer", _("Province reviewer")
    SYSTEM_ADMINISTRATOR = "system_administrator", _("System administrator")
    DATA_PROTECTION_OFFICER = "data_protection_officer", _("Data protection officer")


class OverrideKind(models.TextChoices):
    DAY_OFF = "day_off", _("Extra day off")
    WORKING_DAY = "working_day", _("Make-up working day")
