"""Administrative units API (public reference data)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.http import HttpRequest
from ninja import Router

from motcua.core.models import AdministrativeUnit
from motcua.core.schemas import CurrentUnitOut, ErrorOut, UnitOut
from motcua.core.selectors import unit_current, unit_get, unit_successions

router = Router(tags=["units"])


def _unit_out(unit: AdministrativeUnit) -> dict[str, Any]:
    parent = unit.parent
    return {
        "code": unit.code,
        "name": unit.name,
        "short_name": unit.short_name,
        "kind": unit.kind,
        "level": unit.level,
        "parent": {"code": parent.code, "name": parent.name, "level": parent.level} if parent else None,
        "children_count": getattr(unit, "children_count", None) or unit.children.count(),
        "valid_from": unit.valid_from,
        "valid_to": unit.valid_to,
        "is_current": unit.is_current,
        "successors": [
            {
                "code": s.successor.code,
                "name": s.successor.name,
                "kind": s.kind,
                "official": s.official,
                "valid_from": s.successor.valid_from,
            }
            for s in unit_successions(unit=unit)
        ],
    }


@router.get("/{code}", response={200: UnitOut, 404: ErrorOut}, summary="One administrative unit")
def get_unit(request: HttpRequest, code: str, on: date | None = None) -> dict[str, Any]:
    """The unit with this official code (the current one if the code exists twice; or the
    one valid on `on`), with its parent, number of children, validity and successors."""
    return _unit_out(unit_get(code=code, on=on))


@router.get("/{code}/current", response={200: CurrentUnitOut, 404: ErrorOut}, summary="The unit valid today for a code")
def get_current_unit(request: HttpRequest, code: str, on: date | None = None) -> dict[str, Any]:
    """Follows successor links from a (possibly historical) code to the unit valid today."""
    current, alternatives = unit_current(unit=unit_get(code=code), on=on)
    body = _unit_out(current)
    body["resolved_from"] = code
    body["alternatives"] = [{"code": a.code, "name": a.name, "level": a.level} for a in alternatives]
    return body
