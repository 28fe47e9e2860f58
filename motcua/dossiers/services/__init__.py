"""Writes of the dossiers app: intake and every workflow action.

``dossier_receive`` (counter or online intake, idempotent) and ``dossier_act`` (every other
action) are the only functions that change a dossier's status. Each runs in one transaction
that also writes the ``DossierEvent``, any ``ClockChange``, slip numbers and the audit event;
notifications and domain events go out on commit.

The package splits them by concern (docs/dossiers.md, "Module map"); this module re-exports
the public names, so ``from motcua.dossiers.services import X`` works as before.
"""

from __future__ import annotations

from motcua.dossiers.numbering import DEFAULT_SLIP_PREFIXES
from motcua.dossiers.services.actions import dossier_act
from motcua.dossiers.services.common import dossier_code, next_serial, submission_ref, supplement_spent
from motcua.dossiers.services.documents import MAX_UPLOAD_BYTES, sniff_content_type
from motcua.dossiers.services.inputs import (
    ActionInput,
    ApplicantInput,
    DocumentInput,
    IntakeInput,
    IntakeResult,
    OfficerTimeLimit,
    VisitInput,
    VisitResult,
)
from motcua.dossiers.services.intake import default_deciding_agency, dossier_receive
from motcua.dossiers.services.permissions import available_actions, dossier_permission_for, may_override_supplement
from motcua.dossiers.services.rating import dossier_record_rating
from motcua.dossiers.services.visits import counter_visit_receive, counter_visit_record

__all__ = [
    "DEFAULT_SLIP_PREFIXES",
    "MAX_UPLOAD_BYTES",
    "ActionInput",
    "ApplicantInput",
    "DocumentInput",
    "IntakeInput",
    "IntakeResult",
    "OfficerTimeLimit",
    "VisitInput",
    "VisitResult",
    "available_actions",
    "counter_visit_receive",
    "counter_visit_record",
    "default_deciding_agency",
    "dossier_act",
    "dossier_code",
    "dossier_permission_for",
    "dossier_receive",
    "dossier_record_rating",
    "may_override_supplement",
    "next_serial",
    "sniff_content_type",
    "submission_ref",
    "supplement_spent",
]
