"""The vessel registry and a campaign's results as XLSX (the import's own columns, so an export
can be corrected and imported again)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from django.utils.translation import gettext as _

from motcua.registries.common.exports import xlsx_bytes
from motcua.registries.vessels.definition import COLUMNS
from motcua.registries.vessels.models import CHECKS, ReviewItem, Vessel


def _cell(vessel: Vessel, field: str) -> Any:
    value = getattr(vessel, field)
    display = getattr(vessel, f"get_{field}_display", None)
    if display is not None and value:
        return str(display())
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    return value


def vessels_xlsx(vessels: Iterable[Vessel]) -> bytes:
    header = [str(c.label) for c in COLUMNS] + [_("Size class"), _("Status")]

    def rows() -> Iterator[list[Any]]:
        for v in vessels:
            yield [_cell(v, c.field) for c in COLUMNS] + [v.get_size_class_display(), v.get_status_display()]

    return xlsx_bytes(title=_("Fishing vessels"), header=header, rows=rows())


def campaign_xlsx(items: Iterable[ReviewItem]) -> bytes:
    labels = [str(getattr(ReviewItem._meta.get_field(c), "verbose_name", c)) for c in CHECKS]
    header = [
        _("Registration number"),
        _("Commune count number"),
        _("Vessel owner"),
        _("Hamlet"),
        _("Officer"),
        _("State"),
        *labels,
        _("“3 không”"),
        _("Note"),
        _("Checked"),
    ]

    def rows() -> Iterator[list[Any]]:
        for item in items:
            v = item.vessel
            officer = item.assigned_to.get_full_name() or item.assigned_to.get_username() if item.assigned_to else ""
            checks = [str(getattr(item, f"get_{c}_display")()) if getattr(item, c) else "" for c in CHECKS]
            yield [
                v.registration_number,
                v.commune_number,
                v.owner_name,
                item.hamlet,
                officer,
                item.get_state_display(),
                *checks,
                _("Yes") if item.three_nos else "",
                item.note,
                item.checked_at,
            ]

    return xlsx_bytes(title=_("Review results"), header=header, rows=rows())
