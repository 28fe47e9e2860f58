"""Writes of the catalogue: the procedure import and procedure edits.

Each service is keyword-only, runs in one transaction and writes its audit event inside it.
"""

from __future__ import annotations

import gzip
import json
import zlib
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from motcua.catalog import parsing
from motcua.catalog.choices import Channel, OnlineLevel
from motcua.catalog.exceptions import CatalogErrorCode
from motcua.catalog.models import LegalBasis, Procedure, ProcedureChannel, ProcedureDocument, ProcedureFee, Sector
from motcua.core.audit import audit_record
from motcua.core.exceptions import DomainError, NotFound, PermissionDenied
from motcua.core.permissions import CATALOG_EDIT
from motcua.core.text import fold

DATA_DIR = Path(__file__).resolve().parent / "data"
DEFAULT_SOURCE = DATA_DIR / "tthc_commune_level.json.gz"

# Fields of Procedure that come from the source; a re-import overwrites exactly these.
IMPORTED_FIELDS = (
    "name",
    "sector_id",
    "implementing_level",
    "level_ministry",
    "level_province",
    "level_commune",
    "level_other",
    "procedure_type",
    "decision_no",
    "subjects",
    "competent_agency",
    "implementing_agency",
    "coordinating_agency",
    "receiving_address",
    "steps",
    "requirements",
    "result",
    "documents_note",
    "lead_time_value",
    "lead_time_unit",
    "lead_time_text",
    "lead_time_assumed",
    "source_url",
    "parse_notes",
)
_CHANNEL_FIELDS = ("position", "channel", "time_value", "time_unit", "time_text", "time_assumed", "fee_text", "note")
_DOCUMENT_FIELDS = ("position", "group", "name", "form_template", "quantity_text", "originals", "copies", "note", "conditional")
_FEE_FIELDS = ("position", "channel", "is_free", "amount_vnd", "amount_text", "description", "decided_by_province")
_LEGAL_FIELDS = ("position", "title", "number")
_MAX_CODE = Procedure._meta.get_field("code").max_length or 40


# --- Report -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ParseProblem:
    """A field of one procedure that the importer could not parse cleanly."""

    code: str
    field: str
    raw: str
    reason: str
    detail: str = ""

    def as_line(self) -> str:
        detail = f" ({self.detail})" if self.detail else ""
        return f"{self.code}\t{self.field}\t{parsing.excerpt(self.raw, 80) or '(empty)'}\t{self.reason}{detail}"


@dataclass
class ImportReport:
    source: str
    total: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    sectors_created: int = 0
    not_in_source: int = 0  # procedures in the database that the file does not list (left as they are)
    problems: list[ParseProblem] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.sectors_created)

    def problems_by_field(self) -> dict[str, int]:
        return dict(sorted(Counter(p.field for p in self.problems).items()))

    def problems_by_reason(self) -> list[tuple[str, str, int]]:
        counts = Counter((p.field, p.reason) for p in self.problems)
        return [(f, r, n) for (f, r), n in sorted(counts.items())]

    def procedures_with_problems(self) -> int:
        return len({p.code for p in self.problems})


# --- Reading and validating the source ----------------------------------------------------------


def _read_source(source: Path) -> list[dict[str, Any]]:
    if not source.is_file():
        raise DomainError(
            CatalogErrorCode.CATALOG_SOURCE_MISSING, _("The procedure file %(path)s does not exist.") % {"path": source}
        )
    try:
        raw = gzip.decompress(source.read_bytes()) if source.suffix == ".gz" else source.read_bytes()
        data = json.loads(raw.decode("utf-8"))
    except (OSError, EOFError, zlib.error, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise DomainError(
            CatalogErrorCode.CATALOG_SOURCE_INVALID,
            _("The procedure file is not valid (gzipped) JSON: %(error)s") % {"error": exc},
        ) from exc
    if not isinstance(data, list):
        raise DomainError(CatalogErrorCode.CATALOG_SOURCE_INVALID, _("The procedure file must hold a list of procedures."))
    codes: set[str] = set()
    for index, record in enumerate(data):
        if not isinstance(record, dict):
            raise DomainError(
                CatalogErrorCode.CATALOG_RECORD_INVALID,
                _("Record %(index)s is not an object.") % {"index": index + 1},
                fields={"record": index + 1},
            )
        code = record.get("code")
        if not isinstance(code, str) or not code.strip():
            raise DomainError(
                CatalogErrorCode.CATALOG_RECORD_INVALID,
                _("Record %(index)s has no procedure code.") % {"index": index + 1},
                fields={"record": index + 1},
            )
        code = code.strip()
        if len(code) > _MAX_CODE:
            raise DomainError(
                CatalogErrorCode.CATALOG_RECORD_INVALID,
                _("Procedure code %(code)s is too long.") % {"code": code[:60]},
                fields={"code": code[:60]},
            )
        for key in ("name", "field"):
            if not isinstance(record.get(key), str) or not parsing.clean_line(record[key]):
                raise DomainError(
                    CatalogErrorCode.CATALOG_RECORD_INVALID,
                    _("Procedure %(code)s has no %(key)s.") % {"code": code, "key": key},
                    fields={"code": code, "key": key},
                )
        if "channels" in record and not isinstance(record["channels"], list):
            raise DomainError(
                CatalogErrorCode.CATALOG_RECORD_INVALID,
                _("Procedure %(code)s: channels must be a list.") % {"code": code},
                fields={"code": code},
            )
        for key, value in record.items():
            if key != "channels" and value is not None and not isinstance(value, str):
                raise DomainError(
                    CatalogErrorCode.CATALOG_RECORD_INVALID,
                    _("Procedure %(code)s: field %(key)s must be text.") % {"code": code, "key": key},
                    fields={"code": code, "key": key},
                )
        if code in codes:
            raise DomainError(
                CatalogErrorCode.CATALOG_DUPLICATE_CODE,
                _("Procedure code %(code)s appears twice in the file.") % {"code": code},
                fields={"code": code},
            )
        codes.add(code)
    return data


# --- Parsing one record ---------------------------------------------------------------------------


@dataclass
class _Parsed:
    code: str
    sector_name: str
    values: dict[str, Any]
    has_online: bool
    channels: list[tuple[Any, ...]]
    documents: list[tuple[Any, ...]]
    fees: list[tuple[Any, ...]]
    legal: list[tuple[Any, ...]]
    problems: list[ParseProblem]


def _raw(record: Mapping[str, Any], key: str) -> str:
    value = record.get(key)
    return value if isinstance(value, str) else ""


def _text(record: Mapping[str, Any], key: str) -> str:
    return parsing.clean(_raw(record, key))


def _fee_rows(rows: list[parsing.ChannelRow]) -> list[tuple[Any, ...]]:
    """One row per distinct fee and channel; a fee that every channel of the procedure states
    alike is one row for all channels (channel ""): three channels "Miễn phí" are one "Miễn phí"."""
    by_fee: dict[tuple[Any, ...], list[str]] = {}
    for row in rows:
        if row.fee is None:
            continue
        key = (row.fee.is_free, row.fee.amount_vnd, row.fee.amount_text, row.fee.description, row.fee.decided_by_province)
        channels = by_fee.setdefault(key, [])
        if row.channel.value not in channels:
            channels.append(row.channel.value)
    every = {row.channel.value for row in rows}
    fees: list[tuple[Any, ...]] = []
    for key, channels in by_fee.items():
        for channel in [""] if len(every) > 1 and set(channels) == every else channels:
            fees.append((len(fees) + 1, channel, *key))
    return fees


def _parse_record(record: Mapping[str, Any]) -> _Parsed:
    code = str(record["code"]).strip()
    problems: list[parsing.Problem] = []
    steps = _text(record, "steps")
    requirements = _text(record, "requirements")
    rows, channel_problems = parsing.parse_channels(
        record.get("channels") or [], context=parsing.context_text([steps, requirements])
    )
    problems += channel_problems
    lead, lead_text, lead_problems = parsing.lead_time(rows)
    if lead is None:
        fallback, fallback_text, fallback_problems = parsing.lead_time_fallback(
            sector=parsing.clean_line(record.get("field")), name=parsing.clean_line(record.get("name")), steps=steps
        )
        if fallback is not None:
            lead, lead_text, lead_problems = fallback, fallback_text, fallback_problems
    problems += lead_problems
    # The parsers clean their own input: tabs in the raw text mark table-cell boundaries.
    documents, document_problems = parsing.parse_documents(_raw(record, "required_documents"))
    problems += document_problems
    legal, legal_problems = parsing.parse_legal_basis(_raw(record, "legal_basis"))
    problems += legal_problems
    levels, level_problems = parsing.parse_levels(_text(record, "implementing_level"))
    problems += level_problems

    fees = _fee_rows(rows)
    parse_problems = [ParseProblem(code, p.field, p.raw, p.reason, p.detail) for p in problems]
    values: dict[str, Any] = {
        "name": parsing.clean_line(record["name"]),
        "implementing_level": parsing.clean_line(record.get("implementing_level")),
        "level_ministry": levels.ministry,
        "level_province": levels.province,
        "level_commune": levels.commune,
        "level_other": levels.other,
        "procedure_type": parsing.clean_line(record.get("procedure_type")),
        "decision_no": parsing.clean_line(record.get("decision_no")),
        "subjects": _text(record, "subjects"),
        "competent_agency": _text(record, "competent_agency"),
        "implementing_agency": _text(record, "implementing_agency"),
        "coordinating_agency": _text(record, "coordinating_agency"),
        "receiving_address": _text(record, "receiving_address"),
        "steps": steps,
        "requirements": requirements,
        "result": parsing.parse_results(_text(record, "result")),
        "documents_note": documents.note,
        "lead_time_value": lead.value if lead else None,
        "lead_time_unit": lead.unit.value if lead else "",
        "lead_time_text": parsing.excerpt(lead_text, 200),
        "lead_time_assumed": bool(lead and lead.assumed),
        "source_url": parsing.clean_line(record.get("source_url")),
        "parse_notes": [{"field": p.field, "raw": p.raw, "reason": p.reason, "detail": p.detail} for p in parse_problems],
    }
    return _Parsed(
        code=code,
        sector_name=parsing.clean_line(record["field"]),
        values=values,
        has_online=any(row.channel == Channel.ONLINE for row in rows),
        channels=[
            (
                i,
                row.channel.value,
                row.time.value if row.time else None,
                row.time.unit.value if row.time else "",
                parsing.excerpt(row.time_text, 200),
                bool(row.time and row.time.assumed),
                row.fee_text,
                row.note,
            )
            for i, row in enumerate(rows, start=1)
        ],
        documents=[
            (i, d.group, d.name, d.form_template[:255], d.quantity_text[:100], d.originals, d.copies, d.note, d.conditional)
            for i, d in enumerate(documents.rows, start=1)
        ],
        fees=fees,
        legal=[(i, ref.title, ref.number[:100]) for i, ref in enumerate(legal, start=1)],
        problems=parse_problems,
    )


# --- Comparing and writing ----------------------------------------------------------------------


def _norm(value: Any) -> Any:
    return value.normalize() if isinstance(value, Decimal) else value


def _rows(objects: Any, fields: tuple[str, ...]) -> list[tuple[Any, ...]]:
    return [tuple(_norm(getattr(o, f)) for f in fields) for o in objects]


def _normalised(rows: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    return [tuple(_norm(v) for v in row) for row in rows]


def _children(procedure: Procedure, parsed: _Parsed) -> tuple[list[Any], list[Any], list[Any], list[Any]]:
    return (
        [ProcedureChannel(procedure=procedure, **dict(zip(_CHANNEL_FIELDS, row, strict=True))) for row in parsed.channels],
        [ProcedureDocument(procedure=procedure, **dict(zip(_DOCUMENT_FIELDS, row, strict=True))) for row in parsed.documents],
        [ProcedureFee(procedure=procedure, **dict(zip(_FEE_FIELDS, row, strict=True))) for row in parsed.fees],
        [LegalBasis(procedure=procedure, **dict(zip(_LEGAL_FIELDS, row, strict=True))) for row in parsed.legal],
    )


def _validate(objects: list[Any], *, code: str) -> None:
    """Field-level checks (lengths, choices) before anything is written; no queries."""
    for obj in objects:
        try:
            obj.full_clean(exclude=["procedure", "sector"], validate_unique=False, validate_constraints=False)
        except ValidationError as exc:
            raise DomainError(
                CatalogErrorCode.CATALOG_RECORD_INVALID,
                _("Procedure %(code)s cannot be stored: %(errors)s") % {"code": code, "errors": "; ".join(exc.messages)},
                fields={"code": code},
            ) from exc


def _unique_slug(name: str, taken: set[str]) -> str:
    base = Sector.slug_for(name)[:110]
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    taken.add(slug)
    return slug


def procedures_import(*, actor: User | None = None, source: Path | str | None = None) -> ImportReport:
    """Load or refresh the procedure catalogue from the shipped file (or ``source``).

    The whole file is read, checked and parsed before anything is written; then everything
    is written in one transaction. A structural error (bad JSON, a record without a code, a
    code twice) raises ``DomainError`` and leaves the database as it was. Re-running with the
    same file changes nothing. Fields the parser could not handle cleanly are listed in the
    report, and kept on each procedure as ``parse_notes``.
    """
    path = Path(source) if source is not None else DEFAULT_SOURCE
    records = _read_source(path)
    parsed = [_parse_record(record) for record in records]
    report = ImportReport(source=path.name, total=len(parsed))
    for item in parsed:
        report.problems.extend(item.problems)
    # Field-level validation of everything, before the transaction.
    for item in parsed:
        probe = Procedure(code=item.code, **{k: v for k, v in item.values.items() if k != "sector_id"})
        _validate([probe, *(obj for group in _children(probe, item) for obj in group)], code=item.code)

    try:
        with transaction.atomic():
            _write(parsed, report)
            if report.changed:
                audit_record(
                    action="catalog.import",
                    actor=actor,
                    object_type="procedure",
                    data={
                        "source": report.source,
                        "total": report.total,
                        "created": report.created,
                        "updated": report.updated,
                        "unchanged": report.unchanged,
                        "sectors_created": report.sectors_created,
                        "problems": len(report.problems),
                        "problems_by_field": report.problems_by_field(),
                    },
                )
    except IntegrityError as exc:
        raise DomainError(
            CatalogErrorCode.CATALOG_IMPORT_FAILED, _("The import was rolled back: %(error)s") % {"error": exc}
        ) from exc
    return report


def _write(parsed: list[_Parsed], report: ImportReport) -> None:
    now = timezone.now()
    # Sectors.
    sectors = {s.name: s for s in Sector.objects.all()}
    taken = {s.slug for s in sectors.values()}
    for name in dict.fromkeys(item.sector_name for item in parsed):
        if name not in sectors:
            sector = Sector(name=name, slug=_unique_slug(name, taken))
            sector.save()
            sectors[name] = sector
            report.sectors_created += 1
    for item in parsed:
        item.values["sector_id"] = sectors[item.sector_name].pk

    existing = {p.code: p for p in Procedure.objects.prefetch_related("channels", "documents", "fees", "legal_bases").all()}
    report.not_in_source = len(set(existing) - {item.code for item in parsed})
    sector_names = {s.pk: s.name for s in sectors.values()}

    to_create: list[tuple[Procedure, _Parsed]] = []
    to_update: list[tuple[Procedure, _Parsed]] = []
    for item in parsed:
        procedure = existing.get(item.code)
        if procedure is None:
            procedure = Procedure(
                code=item.code,
                online_level=OnlineLevel.UNKNOWN if item.has_online else OnlineLevel.NONE,
                imported_at=now,
                **item.values,
            )
            to_create.append((procedure, item))
            continue
        same_fields = all(_norm(getattr(procedure, f)) == _norm(item.values[f]) for f in IMPORTED_FIELDS)
        same_children = (
            _rows(procedure.channels.all(), _CHANNEL_FIELDS) == _normalised(item.channels)
            and _rows(procedure.documents.all(), _DOCUMENT_FIELDS) == _normalised(item.documents)
            and _rows(procedure.fees.all(), _FEE_FIELDS) == _normalised(item.fees)
            and _rows(procedure.legal_bases.all(), _LEGAL_FIELDS) == _normalised(item.legal)
        )
        if same_fields and same_children:
            report.unchanged += 1
            continue
        for name in IMPORTED_FIELDS:
            setattr(procedure, name, item.values[name])
        procedure.imported_at = now
        procedure.version += 1
        to_update.append((procedure, item))

    for procedure, item in to_create + to_update:
        procedure.name_folded = fold(procedure.name)
        procedure.search_text = Procedure.build_search_text(
            procedure.code, procedure.name, sector_names[item.values["sector_id"]]
        )
    created = Procedure.objects.bulk_create([p for p, _item in to_create], batch_size=200)
    if to_update:
        updated_ids = [p.pk for p, _item in to_update]
        # One UPDATE per row: bulk_update's CASE expressions are far slower for 25 columns.
        for procedure, _item in to_update:
            Procedure.objects.filter(pk=procedure.pk).update(
                **{f: getattr(procedure, f) for f in (*IMPORTED_FIELDS, "name_folded", "search_text", "imported_at", "version")}
            )
        for model in (ProcedureChannel, ProcedureDocument, ProcedureFee, LegalBasis):
            model.objects.filter(procedure_id__in=updated_ids).delete()
    channels: list[ProcedureChannel] = []
    documents: list[ProcedureDocument] = []
    fees: list[ProcedureFee] = []
    legal: list[LegalBasis] = []
    for procedure, item in [*zip(created, (i for _p, i in to_create), strict=True), *to_update]:
        c, d, f, lb = _children(procedure, item)
        channels += c
        documents += d
        fees += f
        legal += lb
    ProcedureChannel.objects.bulk_create(channels, batch_size=500)
    ProcedureDocument.objects.bulk_create(documents, batch_size=500)
    ProcedureFee.objects.bulk_create(fees, batch_size=500)
    LegalBasis.objects.bulk_create(legal, batch_size=500)
    report.created = len(to_create)
    report.updated = len(to_update)


# --- Edits --------------------------------------------------------------------------------------

# Fields staff may change through procedure_update (the admin edits the same through its form).
EDITABLE_FIELDS = frozenset(
    {
        "name",
        "steps",
        "requirements",
        "result",
        "subjects",
        "competent_agency",
        "implementing_agency",
        "coordinating_agency",
        "receiving_address",
        "documents_note",
        "lead_time_value",
        "lead_time_unit",
        "lead_time_assumed",
        "service_norm_value",
        "service_norm_unit",
        "receipt_cutoff",
        "online_level",
        "is_published",
        "valid_from",
        "valid_to",
    }
)


def _can_edit(actor: User | AnonymousUser | None) -> bool:
    return actor is not None and actor.is_authenticated and actor.has_perm(CATALOG_EDIT)


def procedure_update(*, actor: User | AnonymousUser | None, code: str, changes: Mapping[str, Any]) -> Procedure:
    """Change some fields of one procedure; bumps its version and writes an audit event."""
    if not _can_edit(actor):
        raise PermissionDenied(CatalogErrorCode.FORBIDDEN, _("You do not have permission to do this."))
    unknown = sorted(set(changes) - EDITABLE_FIELDS)
    if unknown:
        raise DomainError(
            CatalogErrorCode.CATALOG_FIELD_NOT_EDITABLE,
            _("These fields cannot be changed: %(fields)s") % {"fields": ", ".join(unknown)},
            fields={name: _("Not editable.") for name in unknown},
        )
    with transaction.atomic():
        procedure = Procedure.objects.select_for_update().select_related("sector").filter(code=code).first()
        if procedure is None:
            raise NotFound(CatalogErrorCode.PROCEDURE_NOT_FOUND, _("No procedure has the code %(code)s.") % {"code": code})
        changed = {name: value for name, value in changes.items() if getattr(procedure, name) != value}
        if not changed:
            return procedure
        before = {name: getattr(procedure, name) for name in changed}
        for name, value in changed.items():
            setattr(procedure, name, value)
        try:
            procedure.full_clean(exclude=["sector"], validate_unique=False)
        except ValidationError as exc:
            raise DomainError(
                CatalogErrorCode.CATALOG_PROCEDURE_INVALID,
                _("The procedure cannot be saved: %(errors)s") % {"errors": "; ".join(exc.messages)},
                fields={k: "; ".join(v) for k, v in exc.message_dict.items()},
            ) from exc
        procedure.version += 1
        procedure.save()
        audit_record(
            action="procedure.update",
            actor=actor,
            object_type="procedure",
            object_id=procedure.code,
            data={"changed": {k: {"from": before[k], "to": v} for k, v in changed.items()}, "version": procedure.version},
        )
    return procedure


def procedure_edit_record(
    *, actor: User | AnonymousUser | None, procedure: Procedure, changed: list[str], created: bool = False
) -> None:
    """After an edit through the admin form: bump the version and write the audit event.

    Called by the admin inside its transaction, once the procedure and its rows are saved.
    """
    if not changed and not created:
        return
    with transaction.atomic():
        if not created:
            Procedure.objects.filter(pk=procedure.pk).update(version=F("version") + 1)
            procedure.refresh_from_db(fields=["version"])
        audit_record(
            action="procedure.create" if created else "procedure.update",
            actor=actor,
            object_type="procedure",
            object_id=procedure.code,
            data={"changed": sorted(changed), "version": procedure.version, "via": "admin"},
        )
