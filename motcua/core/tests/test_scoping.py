from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser, User

from motcua.core.choices import AgencyKind, Role, UnitKind, UnitLevel
from motcua.core.models import AdministrativeUnit, Agency
from motcua.core.scoping import unit_in_scope
from motcua.core.services import agency_ensure
from motcua.core.tests.factories import agency_for, current_unit, staff_user

pytestmark = pytest.mark.django_db


def _visible_agency_units(user: User | AnonymousUser) -> set[str]:
    return set(Agency.objects.restrict(user, "view").values_list("unit__code", flat=True))


def test_commune_staff_see_only_their_commune() -> None:
    agency_for("32212")
    agency_for("00004")
    officer = staff_user("officer", Role.RECEPTION_OFFICER, unit_code="32218")

    assert _visible_agency_units(officer) == {"32218"}
    assert unit_in_scope(officer, current_unit("32218"))
    assert not unit_in_scope(officer, current_unit("32212"))


def test_province_reviewer_sees_the_whole_province() -> None:
    agency_for("32212")
    agency_for("00004")
    reviewer = staff_user("reviewer", Role.PROVINCE_REVIEWER, unit_code="32218")

    assert _visible_agency_units(reviewer) == {"32212", "32218"}


def test_staff_of_a_province_agency_see_the_communes_below() -> None:
    agency_for("32212")
    leader = staff_user("province-leader", Role.LEADER, unit_code="96")

    assert _visible_agency_units(leader) == {"32212", "96"}


def test_system_administrator_sees_everything() -> None:
    agency_for("00004")
    admin = staff_user("admin", Role.SYSTEM_ADMINISTRATOR, unit_code="96")

    assert _visible_agency_units(admin) >= {"00004", "96"}


def test_anonymous_and_roleless_users_see_nothing() -> None:
    agency_for("32218")
    roleless = staff_user("nobody", unit_code="32218")

    assert _visible_agency_units(AnonymousUser()) == set()
    assert _visible_agency_units(roleless) == set()


def _fictional_unit(code: str, path: str, level: UnitLevel, parent: AdministrativeUnit | None) -> AdministrativeUnit:
    unit = AdministrativeUnit.objects.create(
        code=code, name=f"Đơn vị {code}", short_name=code, kind=UnitKind.PROVINCE if parent is None else UnitKind.COMMUNE,
        level=level, parent=parent, path=path,
    )  # fmt: skip
    agency_ensure(unit=unit, kind=AgencyKind.SERVICE_CENTRE, name=f"Trung tâm {code}", is_one_stop_desk=True)
    return unit


def test_unit_path_prefix_does_not_leak_to_similar_codes() -> None:
    """Scoping compares whole path segments: commune 32218 does not see a unit coded 322180,
    province 96 does not see a province coded 960 (DESIGN.md: units are a tree of any depth)."""
    province = current_unit("96")
    longer_commune = _fictional_unit("322180", f"{province.path}322180/", UnitLevel.COMMUNE, province)
    longer_province = _fictional_unit("960", "960/", UnitLevel.PROVINCE, None)
    officer = staff_user("officer", Role.RECEPTION_OFFICER, unit_code="32218")
    leader = staff_user("province-leader", Role.LEADER, unit_code="96")

    assert _visible_agency_units(officer) == {"32218"}
    assert not unit_in_scope(officer, longer_commune)
    assert _visible_agency_units(leader) == {"96", "32218", "322180"}
    assert not unit_in_scope(leader, longer_province)
    assert unit_in_scope(leader, longer_commune)
