"""The one scoping helper every selector uses.

A staff member sees their own administrative unit and every unit below it; a province
reviewer sees the whole province of their unit; a system administrator sees everything;
anyone else sees nothing. Units form a tree of any depth, carried by the materialised
``AdministrativeUnit.path`` ("96/32218/"), so "below" is a prefix test.
"""

from __future__ import annotations

from typing import TypeVar

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Model, Q, QuerySet

from motcua.core.choices import Role, UnitLevel
from motcua.core.models import AdministrativeUnit
from motcua.core.permissions import user_roles

M = TypeVar("M", bound=Model)

ALL = "*"


def user_unit(user: User | AnonymousUser | None) -> AdministrativeUnit | None:
    """The unit of the user's agency, or None for someone who is not staff."""
    if user is None or not user.is_authenticated:
        return None
    if hasattr(user, "_motcua_unit"):
        cached: AdministrativeUnit | None = user._motcua_unit
        return cached
    unit = AdministrativeUnit.objects.filter(agencies__staff__user=user).select_related("parent").first()
    setattr(user, "_motcua_unit", unit)  # noqa: B010  per-request cache on the user object
    return unit


def user_unit_code(user: User | AnonymousUser | None) -> str:
    """The code of the user's unit, or "" (as audit rows and dossier events record it)."""
    unit = user_unit(user)
    return unit.code if unit else ""


def scope_root_path(user: User | AnonymousUser | None) -> str | None:
    """The path prefix the user may see: ``ALL``, a unit path, or None for nothing."""
    roles = user_roles(user)
    if Role.SYSTEM_ADMINISTRATOR in roles:
        return ALL
    unit = user_unit(user)
    if unit is None or not roles:
        return None
    if Role.PROVINCE_REVIEWER in roles and unit.level != UnitLevel.PROVINCE:
        province = unit
        while province.parent_id is not None and province.level != UnitLevel.PROVINCE:
            province = AdministrativeUnit.objects.get(pk=province.parent_id)
        return province.path
    return unit.path


def restrict(queryset: QuerySet[M], user: User | AnonymousUser | None, *, unit_path: str = "unit__path") -> QuerySet[M]:
    """Narrow ``queryset`` to the rows of units the user may see.

    ``unit_path`` names the lookup from the model to its unit's path, e.g.
    ``"agency__unit__path"``; for AdministrativeUnit itself pass ``"path"``.
    """
    root = scope_root_path(user)
    if root is None:
        return queryset.none()
    if root == ALL:
        return queryset
    return queryset.filter(Q(**{f"{unit_path}__startswith": root}))


def can_see_unit(user: User | AnonymousUser | None, unit: AdministrativeUnit) -> bool:
    root = scope_root_path(user)
    return root is not None and (root == ALL or unit.path.startswith(root))
