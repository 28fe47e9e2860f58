"""The vessel record's statuses: one table (the framework's helper), guarded by
``registries.common.services.record_transition``."""

from __future__ import annotations

from motcua.core.permissions import REGISTRY_EDIT
from motcua.registries.common.workflow import Transition, WorkflowTable
from motcua.registries.vessels.choices import VesselAction as A
from motcua.registries.vessels.choices import VesselStatus as S

WORKFLOW = WorkflowTable(
    {
        S.ACTIVE: {
            A.TRANSFER_OUT: Transition(S.TRANSFERRED, REGISTRY_EDIT),
            A.DELETE: Transition(S.DELETED, REGISTRY_EDIT),
        },
        S.TRANSFERRED: {A.RESTORE: Transition(S.ACTIVE, REGISTRY_EDIT)},
        S.DELETED: {A.RESTORE: Transition(S.ACTIVE, REGISTRY_EDIT)},
    }
)
