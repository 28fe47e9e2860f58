from __future__ import annotations

from datetime import date

from ninja import Schema


class UnitRef(Schema):
    code: str
    name: str
    level: str


class SuccessorOut(Schema):
    code: str
    name: str
    kind: str
    official: bool
    valid_from: date | None


class UnitOut(Schema):
    code: str
    name: str
    short_name: str
    kind: str
    level: str
    parent: UnitRef | None
    children_count: int
    valid_from: date | None
    valid_to: date | None
    is_current: bool
    successors: list[SuccessorOut]


class CurrentUnitOut(UnitOut):
    resolved_from: str
    alternatives: list[UnitRef]


class ErrorOut(Schema):
    code: str
    message: str
