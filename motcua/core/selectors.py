"""Reads of the core app."""

from __future__ import annotations

from datetime import date

from django.db.models import Count, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from motcua.core.choices import SuccessionKind
from motcua.core.exceptions import CoreErrorCode, NotFound
from motcua.core.models import AdministrativeUnit, Agency, UnitSuccession


def _valid_on(qs: QuerySet[AdministrativeUnit], day: date) -> QuerySet[AdministrativeUnit]:
    return qs.exclude(valid_from__gt=day).exclude(valid_to__lte=day)


def unit_get(*, code: str, on: date | None = None) -> AdministrativeUnit:
    """The unit with this official code: the one valid on ``on`` if given; otherwise the
    current one, or failing that the latest historical one."""
    qs = AdministrativeUnit.objects.filter(code=code.strip()).select_related("parent").annotate(children_count=Count("children"))
    if on is not None:
        unit = _valid_on(qs, on).first()
    else:
        unit = qs.filter(valid_to__isnull=True).first() or qs.order_by("-valid_to").first()
    if unit is None:
        raise NotFound(CoreErrorCode.UNIT_NOT_FOUND, _("No administrative unit has the code %(code)s.") % {"code": code})
    return unit


def unit_successions(*, unit: AdministrativeUnit) -> list[UnitSuccession]:
    """Where the unit's territory went, the preferred successor first (official, whole)."""
    rows = UnitSuccession.objects.filter(predecessor=unit).select_related("successor")
    return sorted(rows, key=lambda s: (not s.official, s.kind != SuccessionKind.FULL, s.successor.code))


def unit_current(*, unit: AdministrativeUnit, on: date | None = None) -> tuple[AdministrativeUnit, list[AdministrativeUnit]]:
    """Follow successor links to the unit valid on ``on`` (today by default).

    Returns the preferred current unit and the other candidates (an old commune split
    between several new ones cannot be mapped to one without a street or hamlet).
    """
    day = on or timezone.localdate()
    seen: set[int] = set()
    node = unit
    alternatives: list[AdministrativeUnit] = []
    while not ((node.valid_from is None or node.valid_from <= day) and (node.valid_to is None or node.valid_to > day)):
        if node.pk in seen:
            break
        seen.add(node.pk)
        successions = unit_successions(unit=node)
        if not successions:
            raise NotFound(
                CoreErrorCode.UNIT_NO_SUCCESSOR, _("Unit %(code)s has no successor valid on that date.") % {"code": node.code}
            )
        if node is unit:
            alternatives = [s.successor for s in successions[1:]]
        node = successions[0].successor
    current = AdministrativeUnit.objects.select_related("parent").annotate(children_count=Count("children")).get(pk=node.pk)
    return current, alternatives


def unit_children(*, unit: AdministrativeUnit) -> QuerySet[AdministrativeUnit]:
    return AdministrativeUnit.objects.filter(parent=unit).order_by("code")


def agency_for_signing(*, key: str) -> Agency:
    """The agency a signing command names: by electronic identifier, or by primary key (digits).
    An identifier shared by several agencies is refused (the key store keys by identifier)."""
    key = key.strip()
    matches = list(Agency.objects.select_related("unit").filter(identifier=key)[:2]) if key else []
    if not matches and key.isdigit():
        matches = list(Agency.objects.select_related("unit").filter(pk=int(key)))
    if not matches:
        raise NotFound(CoreErrorCode.AGENCY_NOT_FOUND, _("No agency has the identifier or number %(key)s.") % {"key": key})
    if len(matches) > 1:
        raise NotFound(
            CoreErrorCode.AGENCY_AMBIGUOUS,
            _("Several agencies share the identifier %(key)s; name one by its number.") % {"key": key},
        )
    return matches[0]
