"""The import job: start it, run it (the background task calls :func:`import_run`), read it."""

from __future__ import annotations

import hashlib
import logging
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from motcua.core.audit import audit_record
from motcua.core.exceptions import DomainError, NotFound, PermissionDenied
from motcua.core.permissions import REGISTRY_IMPORT
from motcua.core.scoping import user_unit
from motcua.registries.common.choices import ChangeAction, ImportStatus
from motcua.registries.common.exceptions import RegistryErrorCode
from motcua.registries.common.importing import (
    REGISTRIES,
    CellError,
    ParsedRow,
    RegistryDefinition,
    RowError,
    parse_rows,
    read_table,
)
from motcua.registries.common.models import ImportJob, RecordChange, RegistryRecord
from motcua.registries.common.services import history_text

logger = logging.getLogger(__name__)
MAX_FILE_BYTES = 50 * 1024 * 1024
PROGRESS_EVERY = 2000
CHUNK = 1000


def import_start(*, actor: User, registry: str, filename: str, content: bytes) -> ImportJob:
    """Record the file and queue its import (run at once by the immediate task backend)."""
    if not actor.has_perm(REGISTRY_IMPORT):
        raise PermissionDenied(RegistryErrorCode.FORBIDDEN, _("You do not have permission to do this."))
    unit = user_unit(actor)
    if unit is None:
        raise DomainError(RegistryErrorCode.NO_UNIT, _("Your account belongs to no administrative unit."))
    if registry not in REGISTRIES:
        raise NotFound(RegistryErrorCode.NOT_FOUND, _("No such registry."))
    if not content or len(content) > MAX_FILE_BYTES:
        raise DomainError(RegistryErrorCode.IMPORT_FILE_INVALID, _("The file is empty or larger than 50 MB."))
    if not filename.lower().endswith((".xlsx", ".xlsm", ".xls", ".ods", ".csv")):
        raise DomainError(RegistryErrorCode.IMPORT_FILE_INVALID, _("Choose an XLSX, XLS, ODS or CSV file."))
    with transaction.atomic():
        job = ImportJob.objects.create(
            registry=registry,
            unit=unit,
            created_by=actor,
            filename=filename[-200:],
            sha256=hashlib.sha256(content).hexdigest(),
            content=content,
            language=get_language() or "vi",
        )
        audit_record(
            action="registry.import_start",
            actor=actor,
            unit_code=unit.code,
            object_type="registries_common.importjob",
            object_id=job.pk,
            data={"registry": registry, "file": job.filename, "sha256": job.sha256, "bytes": len(content)},
        )
        from motcua.registries.common.tasks import registry_import_task

        job_id = job.pk
        transaction.on_commit(lambda: registry_import_task.enqueue(job_id=job_id))
    return job


def _set(job: ImportJob, **values: Any) -> None:
    ImportJob.objects.filter(pk=job.pk).update(**values)
    for k, v in values.items():
        setattr(job, k, v)


def import_run(*, job_id: int) -> ImportJob:
    """Validate every row, then write all or nothing. Safe to call again on a finished job."""
    job = ImportJob.objects.unrestricted("the worker runs a queued import").select_related("unit", "created_by").get(pk=job_id)
    if job.finished:
        return job
    definition = REGISTRIES[job.registry]
    with translation.override(job.language):
        try:
            _validate_then_write(job, definition)
        except Exception as exc:
            logger.exception("registry import %s failed", job.pk)
            _set(job, status=ImportStatus.FAILED, failure=str(exc)[:2000], finished_at=timezone.now())
    return job


def _validate_then_write(job: ImportJob, definition: RegistryDefinition) -> None:
    try:
        table = read_table(bytes(job.content), job.filename)
    except CellError as exc:
        _set(job, status=ImportStatus.REFUSED, errors=[RowError(0, "", str(exc)).as_dict()], finished_at=timezone.now())
        return
    _set(job, status=ImportStatus.VALIDATING, total_rows=max(table.total - 1, 0), processed_rows=0)
    errors: list[RowError] = []
    seen: dict[str, int] = {}
    count = 0
    for item in parse_rows(definition, table):
        if isinstance(item, list):
            errors.extend(item)
            continue
        errors.extend(item.errors)
        if not item.errors:
            key = definition.model.key_of(item.values)
            if key in seen:
                message = _("The same record as row %(row)d (the same key %(key)s).") % {"row": seen[key], "key": key}
                errors.append(RowError(item.row, "", message))
            else:
                seen[key] = item.row
        count += 1
        if count % PROGRESS_EVERY == 0:
            _set(job, processed_rows=count)
    if errors:
        _set(
            job,
            status=ImportStatus.REFUSED,
            errors=[e.as_dict() for e in errors],
            processed_rows=count,
            total_rows=count,
            finished_at=timezone.now(),
        )
        return
    del seen
    _set(job, status=ImportStatus.WRITING, total_rows=count, processed_rows=0)
    table = read_table(bytes(job.content), job.filename)  # second pass: parse again, write by chunks
    with transaction.atomic():
        created = updated = unchanged = 0
        chunk: list[ParsedRow] = []
        for item in parse_rows(definition, table):
            if isinstance(item, list):
                continue
            chunk.append(item)
            if len(chunk) >= CHUNK:
                c, u, n = _write_chunk(job, definition, chunk)
                created, updated, unchanged = created + c, updated + u, unchanged + n
                chunk = []
        if chunk:
            c, u, n = _write_chunk(job, definition, chunk)
            created, updated, unchanged = created + c, updated + u, unchanged + n
        audit_record(
            action="registry.import",
            actor=job.created_by,
            unit_code=job.unit.code,
            object_type="registries_common.importjob",
            object_id=job.pk,
            data={"registry": job.registry, "created": created, "updated": updated, "unchanged": unchanged},
        )
        _set(
            job,
            status=ImportStatus.DONE,
            processed_rows=count,
            created_count=created,
            updated_count=updated,
            unchanged_count=unchanged,
            finished_at=timezone.now(),
        )
    ImportJob.objects.filter(pk=job.pk).update(content=b"")  # the records hold the data now


def _write_chunk(job: ImportJob, definition: RegistryDefinition, chunk: list[ParsedRow]) -> tuple[int, int, int]:
    model = definition.model
    manager: Any = model._default_manager  # the RestrictedManager of every concrete record
    fields = [c.field for c in definition.columns]
    built: list[RegistryRecord] = []
    for item in chunk:
        record = model(unit=job.unit, status=definition.default_status, **item.values)
        record.refresh_derived()
        built.append(record)
    keys = [r.natural_key for r in built]
    existing = {
        r.natural_key: r
        for r in manager.unrestricted("an import compares rows with its unit's records").filter(
            unit=job.unit, natural_key__in=keys
        )
    }
    now = timezone.now()
    actor = job.created_by
    label = actor.get_username() if actor is not None else ""
    to_create: list[RegistryRecord] = []
    to_update: list[RegistryRecord] = []
    changes: list[RecordChange] = []
    update_fields: set[str] = set()
    for record in built:
        old = existing.get(record.natural_key)
        if old is None:
            to_create.append(record)
            continue
        compared = [*fields, *record.DERIVED_FIELDS]
        diff = {f: (history_text(getattr(old, f)), history_text(getattr(record, f))) for f in compared}
        diff = {f: v for f, v in diff.items() if v[0] != v[1]}
        if not diff:
            continue
        for f in diff:
            setattr(old, f, getattr(record, f))
        old.refresh_derived()
        old.updated_at = now
        update_fields |= set(diff) | {"search_folded"}
        to_update.append(old)
        changes.extend(
            RecordChange(
                record_type=model.record_type(),
                record_id=old.pk,
                unit_id=job.unit_id,
                at=now,
                actor=actor,
                actor_label=label,
                action=ChangeAction.IMPORT_UPDATE,
                field=f,
                old=a,
                new=b,
                job=job,
            )
            for f, (a, b) in diff.items()
        )
    created = manager.bulk_create(to_create, batch_size=CHUNK)
    changes.extend(
        RecordChange(
            record_type=model.record_type(),
            record_id=r.pk,
            unit_id=job.unit_id,
            at=now,
            actor=actor,
            actor_label=label,
            action=ChangeAction.IMPORT_CREATE,
            new=job.filename,
            job=job,
        )
        for r in created
    )
    if to_update:
        manager.bulk_update(to_update, sorted(update_fields | {"updated_at"}), batch_size=CHUNK)
    RecordChange.bulk_objects.bulk_create(changes, batch_size=CHUNK)
    ImportJob.objects.filter(pk=job.pk).update(processed_rows=job.processed_rows + len(chunk))
    job.processed_rows += len(chunk)
    return len(created), len(to_update), len(chunk) - len(created) - len(to_update)


def import_get(*, user: User, job_id: int) -> ImportJob:
    job = ImportJob.objects.restrict(user, "view").filter(pk=job_id).defer("content").first()  # polled every second
    if job is None:
        raise NotFound(RegistryErrorCode.IMPORT_NOT_FOUND, _("No such import in your unit."))
    return job
