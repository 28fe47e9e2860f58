"""Test helpers for core records (real units are loaded once per session by conftest)."""

from __future__ import annotations

from django.contrib.auth.models import User

from motcua.core.choices import AgencyKind, Role
from motcua.core.models import AdministrativeUnit, Agency
from motcua.core.services import agency_ensure, staff_ensure

PASSWORD = "correct horse battery staple"


def current_unit(code: str) -> AdministrativeUnit:
    return AdministrativeUnit.objects.get(code=code, valid_to__isnull=True)


def agency_for(code: str, kind: AgencyKind = AgencyKind.SERVICE_CENTRE) -> Agency:
    unit = current_unit(code)
    return agency_ensure(
        unit=unit, kind=kind, name=f"{kind.label} {unit.short_name}", is_one_stop_desk=kind == AgencyKind.SERVICE_CENTRE
    )


def staff_user(username: str, *roles: Role, unit_code: str = "32218") -> User:
    profile = staff_ensure(username=username, agency=agency_for(unit_code), roles=list(roles), password=PASSWORD)
    return profile.user
