"""The report's only write: the audit row of each download (who took which unit's figures)."""

from __future__ import annotations

from django.contrib.auth.models import User

from motcua.core.audit import audit_record
from motcua.core.periods import Period
from motcua.core.scoping import user_unit_code


def record_report_export(*, user: User | None, unit_code: str, period: Period, fmt: str, actor_label: str = "") -> None:
    audit_record(
        action="report.export",
        actor=user,
        actor_label=actor_label,
        unit_code=user_unit_code(user) if user is not None else unit_code,
        object_type="report",
        object_id=f"{unit_code}:{period.code}",
        data={"unit": unit_code, "period": period.code, "format": fmt},
    )
