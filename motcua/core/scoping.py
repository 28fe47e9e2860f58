"""Who sees which administrative units: the rule behind ``Model.objects.restrict(user, action)``.

Unit-scoped models declare their actions and the ways a row reaches a unit (``Scope``,
``core/querysets.py``); this module resolves the user's side. A staff member sees their own
administrative unit and every unit below it; a province reviewer sees the whole province of
their unit; a system administrator sees everything; anyone else sees nothing. Units form a
tree of any depth, carried by the materialised ``AdministrativeUnit.path`` ("96/32218/"), so
"below" is a prefix test.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Exists, Model, OuterRef, Q

from motcua.core.choices import Role, UnitLevel
from motcua.core.models import AdministrativeUnit
from motcua.core.permissions import user_roles
from motcua.core.querysets import ScopeRule, Via, model_scope

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


def _units_in_scope(root: str) -> tuple[list[int], list[int]]:
    """The ids of the units under ``root`` and of their agencies: one query over a few rows, so
    the scoped query filters indexed columns of its own table (the queue's partial indexes)."""
    rows = AdministrativeUnit.objects.filter(path__startswith=root).values_list("pk", "agencies__pk")
    units: set[int] = set()
    agencies: set[int] = set()
    for pk, agency in rows:
        units.add(pk)
        if agency is not None:
            agencies.add(agency)
    return sorted(units), sorted(agencies)


def _own_agency_id(user: User | AnonymousUser | None) -> int | None:
    profile = getattr(user, "staff_profile", None) if user is not None and user.is_authenticated else None
    return profile.agency_id if profile is not None else None


def _granted(rule: ScopeRule, user: User | AnonymousUser | None) -> str | None:
    """The user's scope root when they hold the rule's permission, else None."""
    if user is None or not user.is_authenticated:
        return None
    if rule.permission is not None and not user.has_perm(rule.permission):
        return None
    return scope_root_path(user)


def restrict_filter(model: type[Model], rule: ScopeRule, user: User | AnonymousUser | None) -> Q | None:
    """The filter ``RestrictedQuerySet.restrict`` applies (None: no row at all)."""
    root = _granted(rule, user)
    if root is None:
        return None
    if root == ALL and any(via.kind != "own_agency" for via in rule.via):
        return Q()
    units: list[int] = []
    agencies: list[int] = []
    if root != ALL and any(via.kind in ("unit", "agency") for via in rule.via):
        units, agencies = _units_in_scope(root)
    condition = Q(pk__in=[])
    for via in rule.via:
        if via.kind == "path":
            part = Q(**{f"{via.lookup}__startswith": root})
        elif via.kind == "unit":
            part = Q(**{f"{via.lookup}__in": units})
        elif via.kind == "agency":
            part = Q(**{f"{via.lookup}__in": agencies})
        elif via.kind == "code":  # a subquery: codes are many-to-one (a unit before and after 2025)
            part = Q(**{f"{via.lookup}__in": AdministrativeUnit.objects.filter(path__startswith=root).values("code")})
        elif via.kind == "own_agency":
            part = Q(**{via.lookup: _own_agency_id(user)}) if _own_agency_id(user) is not None else Q(pk__in=[])
        elif via.kind == "any":
            relation = model._meta.get_field(via.through)
            related = relation.related_model
            assert related is not None and isinstance(related, type) and issubclass(related, Model)
            inner = related._base_manager.filter(  # a subquery, scoped by its own condition
                **{relation.field.name: OuterRef("pk"), f"{via.lookup}__startswith": root}  # type: ignore[union-attr]
            )
            part = Q(Exists(inner))
        else:
            raise ValueError(f"unknown Via kind {via.kind!r}")
        if via.null_ok:
            part |= Q(**{f"{_field_of(via)}__isnull": True})
        condition |= part
    return condition


def _field_of(via: Via) -> str:
    return via.lookup.removesuffix("__path") if via.kind == "path" else via.lookup


def _walk(obj: Any, lookup: str) -> Any:
    for name in lookup.split("__"):
        if obj is None:
            return None
        obj = getattr(obj, name)
    return obj


def _paths_of(obj: Model, via: Via) -> list[str | None]:
    if via.kind == "path":
        return [_walk(obj, via.lookup)]
    if via.kind == "unit":
        return [_walk(obj, f"{via.lookup}__path")]
    if via.kind == "agency":
        return [_walk(obj, f"{via.lookup}__unit__path")]
    if via.kind == "code":
        code = _walk(obj, via.lookup)
        unit = AdministrativeUnit.objects.filter(code=code).order_by("-valid_from").first() if code else None
        return [unit.path if unit else None]
    if via.kind == "any":
        return [_walk(row, via.lookup) for row in getattr(obj, via.through).all()]
    raise ValueError(f"unknown Via kind {via.kind!r}")


def scope_allows(user: User | AnonymousUser | None, obj: Model, action: str) -> bool:
    """May ``user`` do ``action`` on ``obj``: the same rule as ``restrict(user, action)``, tested
    on the loaded object (no query for the dossier row itself)."""
    rule = model_scope(type(obj)).actions[action]
    root = _granted(rule, user)
    if root is None:
        return False
    for via in rule.via:
        if via.kind == "own_agency":
            own = _own_agency_id(user)
            if own is not None and getattr(obj, f"{via.lookup}_id") == own:
                return True
            continue
        if root == ALL:
            return True
        for path in _paths_of(obj, via):
            if (path is None and via.null_ok) or (path is not None and path.startswith(root)):
                return True
    return False


def unit_in_scope(user: User | AnonymousUser | None, unit: AdministrativeUnit) -> bool:
    """The unit lies in the user's scope (their unit or below; everything for ``ALL``)."""
    return scope_allows(user, unit, "view")
