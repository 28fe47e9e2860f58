"""``units_import``: load the shipped administrative units, idempotently.

Current units (2025 structure) get ``valid_from = 2025-07-01``; pre-2025 units get
``valid_to = 2025-07-01`` and successor links to the units that took over their territory.
Re-running changes nothing; everything happens in one transaction.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from django.contrib.auth.models import User
from django.db import transaction
from django.utils.translation import gettext as _

from motcua.core.audit import audit_record
from motcua.core.choices import UNIT_KIND_BY_SOURCE_TYPE, SuccessionKind, UnitLevel
from motcua.core.exceptions import CoreErrorCode, DomainError
from motcua.core.models import AdministrativeUnit, UnitSuccession
from motcua.core.text import fold, nfc
from motcua.core.unit_data import REFORM_DATE, read_csv

_FIELDS = ("name", "short_name", "name_folded", "kind", "level", "parent_id", "path", "valid_to")


@dataclass
class UnitImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    successions_created: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.successions_created)


@dataclass
class _Row:
    code: str
    name: str
    short_name: str
    kind: str
    level: str
    parent_code: str
    valid_from: date | None
    valid_to: date | None
    path: str = ""


def _load_rows(data_dir: Path | None) -> tuple[list[_Row], list[_Row]]:
    def build(source: dict[str, str], *, current: bool) -> _Row:
        kind = UNIT_KIND_BY_SOURCE_TYPE.get(source["type"].strip())
        level = source["level"].strip()
        code = source["code"].strip()
        if kind is None or level not in UnitLevel.values or not code.isdigit():
            raise DomainError(
                CoreErrorCode.UNIT_ROW_INVALID,
                _("Unit row %(code)s has an unknown type or level (%(type)s / %(level)s).")
                % {"code": code, "type": source["type"], "level": level},
            )
        return _Row(
            code=code,
            name=nfc(source["name"].strip()),
            short_name=nfc(source["short_name"].strip()),
            kind=kind.value,
            level=level,
            parent_code=source["parent_code"].strip(),
            valid_from=REFORM_DATE if current else None,
            valid_to=None if current else REFORM_DATE,
        )

    current = [build(r, current=True) for r in read_csv("vn_units_2025.csv.gz", data_dir)]
    old = [build(r, current=False) for r in read_csv("vn_units_pre2025.csv.gz", data_dir)]
    for rows, prefix in ((current, ""), (old, "h/")):
        by_code = {r.code: r for r in rows}
        if len(by_code) != len(rows):
            raise DomainError(CoreErrorCode.UNIT_DUPLICATE_CODE, _("The unit list has a code twice."))
        for row in rows:
            chain = [row.code]
            parent = by_code.get(row.parent_code)
            if row.parent_code and parent is None:
                raise DomainError(
                    CoreErrorCode.UNIT_PARENT_MISSING,
                    _("Unit %(code)s names a parent %(parent)s that is not in the list.")
                    % {"code": row.code, "parent": row.parent_code},
                )
            while parent is not None:
                chain.append(parent.code)
                parent = by_code.get(parent.parent_code)
            row.path = prefix + "/".join(reversed(chain)) + "/"
    return current, old


def units_import(*, actor: User | None = None, data_dir: Path | None = None) -> UnitImportReport:
    """Load or refresh all units and their successions. Idempotent and atomic."""
    current, old = _load_rows(data_dir)
    report = UnitImportReport()
    with transaction.atomic():
        existing = {(u.code, u.valid_from): u for u in AdministrativeUnit.objects.all()}
        ids: dict[tuple[str, date | None], int] = {}
        for rows in (current, old):
            for level_rows in _by_depth(rows):  # parents before children
                to_create: list[AdministrativeUnit] = []
                to_update: list[AdministrativeUnit] = []
                for row in level_rows:
                    key = (row.code, row.valid_from)
                    parent_id = ids.get((row.parent_code, row.valid_from)) if row.parent_code else None
                    values = {
                        "name": row.name,
                        "short_name": row.short_name,
                        "name_folded": fold(row.name),
                        "kind": row.kind,
                        "level": row.level,
                        "parent_id": parent_id,
                        "path": row.path,
                        "valid_to": row.valid_to,
                    }
                    unit = existing.get(key)
                    if unit is None:
                        to_create.append(AdministrativeUnit(code=row.code, valid_from=row.valid_from, **values))
                    elif any(getattr(unit, f) != values[f] for f in _FIELDS):
                        for name, value in values.items():
                            setattr(unit, name, value)
                        to_update.append(unit)
                    else:
                        ids[key] = unit.pk
                        report.unchanged += 1
                for unit in AdministrativeUnit.objects.bulk_create(to_create, batch_size=2000):
                    ids[(unit.code, unit.valid_from)] = unit.pk
                if to_update:
                    AdministrativeUnit.objects.bulk_update(to_update, list(_FIELDS), batch_size=2000)
                    for unit in to_update:
                        ids[(unit.code, unit.valid_from)] = unit.pk
                report.created += len(to_create)
                report.updated += len(to_update)
        report.successions_created = _import_successions(ids, old, data_dir)
        if report.changed:
            audit_record(
                action="units.import",
                actor=actor,
                object_type="administrative_unit",
                data={"created": report.created, "updated": report.updated, "successions": report.successions_created},
            )
    return report


def _by_depth(rows: list[_Row]) -> list[list[_Row]]:
    groups: dict[int, list[_Row]] = defaultdict(list)
    for row in rows:
        groups[row.path.count("/")].append(row)
    return [groups[d] for d in sorted(groups)]


def _import_successions(ids: dict[tuple[str, date | None], int], old: list[_Row], data_dir: Path | None) -> int:
    wanted: dict[tuple[int, int], tuple[SuccessionKind, bool]] = {}

    def want(old_code: str, new_code: str, kind: SuccessionKind, official: bool) -> None:
        pred = ids.get((old_code, None))
        succ = ids.get((new_code, REFORM_DATE))
        if pred is None or succ is None:
            return
        key = (pred, succ)
        if key in wanted and wanted[key][1] and not official:
            return  # an official row wins over an unofficial duplicate
        wanted[key] = (kind, official)

    for row in read_csv("vn_units_mapping_pre2025_to_2025.csv.gz", data_dir):
        agrees = row["nso_table_agrees"].strip()
        merge_kind = SuccessionKind.FULL if row["merge_type"].strip() == "full" else SuccessionKind.PARTIAL
        want(row["old_code"].strip(), row["new_code"].strip(), merge_kind, agrees != "no")
        if agrees == "no":
            nso_codes = [c.strip() for c in row["nso_table_new_codes"].split(";") if c.strip()]
            for code in nso_codes:
                want(row["old_code"].strip(), code, SuccessionKind.FULL if len(nso_codes) == 1 else SuccessionKind.PARTIAL, True)
    province_successor: dict[str, str] = {}
    for row in read_csv("vn_provinces_mapping_63_to_34.csv.gz", data_dir):
        province_successor[row["old_province_code"].strip()] = row["new_province_code"].strip()
        want(row["old_province_code"].strip(), row["new_province_code"].strip(), SuccessionKind.FULL, True)
    # Districts were abolished; their territory lies in the new province of their old province.
    for unit in old:
        if unit.level == UnitLevel.DISTRICT and unit.parent_code in province_successor:
            want(unit.code, province_successor[unit.parent_code], SuccessionKind.FULL, True)

    existing = {(s.predecessor_id, s.successor_id): s for s in UnitSuccession.objects.all()}
    create: list[UnitSuccession] = []
    update: list[UnitSuccession] = []
    for (pred, succ), (succession_kind, official) in wanted.items():
        kind: str = succession_kind.value
        current = existing.get((pred, succ))
        if current is None:
            create.append(UnitSuccession(predecessor_id=pred, successor_id=succ, kind=kind, official=official))
        elif current.kind != kind or current.official != official:
            current.kind, current.official = kind, official
            update.append(current)
    UnitSuccession.objects.bulk_create(create, batch_size=2000)
    UnitSuccession.objects.bulk_update(update, ["kind", "official"], batch_size=2000)
    return len(create) + len(update)
