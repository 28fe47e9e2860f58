"""A small status → allowed actions table for a registry record (pattern of
``feedback/workflow.py``): pure, no database. ``services.record_transition`` asks
:meth:`WorkflowTable.guard` before it changes a status, and nothing else changes one."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from motcua.core.exceptions import DomainError
from motcua.registries.common.exceptions import RegistryErrorCode


@dataclass(frozen=True)
class Transition:
    target: str
    permission: str


@dataclass(frozen=True)
class WorkflowTable:
    table: dict[str, dict[str, Transition]]

    def transition(self, status: str, action: str) -> Transition | None:
        return self.table.get(status, {}).get(action)

    def actions(self, status: str, permissions: set[str] | frozenset[str]) -> list[str]:
        """The actions the table allows from ``status`` for someone holding ``permissions``."""
        return [a for a, step in self.table.get(status, {}).items() if step.permission in permissions]

    def guard(self, status: str, action: str) -> Transition:
        step = self.transition(status, action)
        if step is None:
            raise DomainError(RegistryErrorCode.ACTION_NOT_ALLOWED, _("This action is not allowed for the record's status."))
        return step
