"""The in-process face index, fed from the database.

One partition per enrolment unit holds the templates that may be searched 1:N (those under an
active "recognise me" consent). A partition is an :class:`ExactIndex` up to
``MOTCUA_FACE_EXACT_MAX`` templates and an :class:`HnswIndex` above. It is persisted, encrypted
with the template key, under ``MOTCUA_FACE_INDEX_DIR`` and rebuilt from the database by
``motcua face rebuild-index`` (and by the nightly retention task).

Consistency without a message bus: before a search each process compares the partition's
highest template id in the database with its own and adds the newer rows. Deleted templates
may linger in an index until the next rebuild; they cannot surface, because candidates are
re-ranked against the decrypted templates still in the database (which also turns HNSW's
approximate distances into exact ones).
"""

from __future__ import annotations

import json
import logging
import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from django.conf import settings
from django.db import transaction
from django.db.models import Max, QuerySet

from motcua.core.audit import audit_record
from motcua.core.exceptions import DomainError
from motcua.core.files import private_dir, write_private
from motcua.core.models import AdministrativeUnit
from motcua.identity.choices import ConsentPurpose
from motcua.identity.crypto import blob_decrypt, blob_encrypt, template_decrypt
from motcua.identity.exceptions import IdentityErrorCode
from motcua.identity.face import DIMENSIONS, MODEL_VERSION
from motcua.identity.models import FaceTemplate
from motcua.identity.vector_index import FaceIndex, HnswIndex, index_for_size, index_restore

_CHUNK = 5000


@dataclass
class _Partition:
    unit_id: int
    index: FaceIndex
    max_key: int


_partitions: dict[int, _Partition] = {}
_damaged: dict[int, set[int]] = {}
logger = logging.getLogger(__name__)
_lock = threading.Lock()


def searchable_templates(unit_id: int) -> QuerySet[FaceTemplate]:
    """Templates of one unit that 1:N search may return (purpose limit: consent to recognition).
    A system read: the index holds one enrolment unit's partition; which partitions a search may
    use is decided by the purpose (``services._scope_units``), not by the searcher's unit tree."""
    return FaceTemplate.objects.unrestricted("face index: one enrolment unit's partition").filter(
        unit_id=unit_id, consent__purpose=ConsentPurpose.FACE_IDENTIFICATION, consent__withdrawn_at__isnull=True
    )


def _paths(unit_id: int) -> tuple[Path, Path]:
    directory = Path(settings.MOTCUA_FACE_INDEX_DIR)
    return directory / f"unit-{unit_id}.index.enc", directory / f"unit-{unit_id}.json"


def _aad(unit_id: int, kind: str) -> bytes:
    return f"motcua.face_index:{unit_id}:{kind}:{MODEL_VERSION}".encode()


def _decrypt_rows(rows: QuerySet[FaceTemplate]) -> tuple[np.ndarray, np.ndarray, int]:
    """Keys and vectors of the rows that decrypt. A template that cannot be decrypted (a key that
    was removed from MOTCUA_FACE_KEY, altered bytes) is left out of the index and reported (log
    and audit, once per build), so one bad row never turns every identification into an error.
    The third value is the largest id read, damaged or not, so a skipped row is not read again."""
    last = 0
    keys: list[int] = []
    vectors: list[np.ndarray] = []
    damaged: list[tuple[int, int]] = []
    for pk, citizen_id, model_name, blob, unit_id in rows.values_list(
        "id", "citizen_id", "model_name", "ciphertext", "unit_id"
    ).iterator(chunk_size=_CHUNK):
        last = max(last, pk)
        try:
            vector = template_decrypt(blob, citizen_id=citizen_id, model=model_name)
        except DomainError as exc:
            if exc.code != IdentityErrorCode.FACE_TEMPLATE_DAMAGED:
                raise
            damaged.append((pk, unit_id))
            continue
        keys.append(pk)
        vectors.append(vector)
    if damaged:
        _report_damaged(damaged)
    if not keys:
        return np.empty(0, dtype=np.int64), np.empty((0, DIMENSIONS), dtype=np.float32), last
    return np.asarray(keys, dtype=np.int64), np.vstack(vectors).astype(np.float32), last


def _report_damaged(damaged: list[tuple[int, int]]) -> None:
    logger.error("face index: %d template(s) cannot be decrypted and were skipped: %s", len(damaged), [pk for pk, _ in damaged])
    with _lock:
        for pk, unit_id in damaged:
            _damaged.setdefault(unit_id, set()).add(pk)
    with transaction.atomic():
        for pk, unit_id in damaged:
            audit_record(
                action="identity.face_template_damaged",
                actor_label="system",
                object_type="face_template",
                object_id=pk,
                data={"unit_id": unit_id},
            )


def face_damaged_templates(unit_id: int | None = None) -> list[int]:
    """Template ids skipped by this process because they could not be decrypted."""
    with _lock:
        if unit_id is not None:
            return sorted(_damaged.get(unit_id, set()))
        return sorted(pk for ids in _damaged.values() for pk in ids)


def _ef() -> int:
    return int(settings.MOTCUA_FACE_HNSW_EF)


def partition_build(unit: AdministrativeUnit, *, save: bool = True) -> _Partition:
    """Build one unit's partition from the database (and persist it, encrypted)."""
    keys, vectors, last = _decrypt_rows(searchable_templates(unit.pk).order_by("id"))
    index = index_for_size(len(keys), exact_max=int(settings.MOTCUA_FACE_EXACT_MAX), ef=_ef())
    if isinstance(index, HnswIndex):
        index.add(keys, vectors, threads=0)
    else:
        index.add(keys, vectors)
    partition = _Partition(unit_id=unit.pk, index=index, max_key=last)
    if save and len(index):
        _save(partition)
    elif save:
        _delete_files(unit.pk)
    with _lock:
        _partitions[unit.pk] = partition
    return partition


def _delete_files(unit_id: int) -> None:
    for path in _paths(unit_id):
        path.unlink(missing_ok=True)


def _save(partition: _Partition) -> None:
    data_path, meta_path = _paths(partition.unit_id)
    private_dir(data_path.parent)
    sealed = blob_encrypt(partition.index.dump(), aad=_aad(partition.unit_id, partition.index.kind))
    tmp = data_path.with_name(data_path.name + ".tmp")
    tmp.write_bytes(sealed)
    tmp.chmod(0o600)
    tmp.replace(data_path)
    meta = {"kind": partition.index.kind, "max_key": partition.max_key, "count": len(partition.index), "model": MODEL_VERSION}
    write_private(meta_path, json.dumps(meta).encode())


def _load(unit: AdministrativeUnit, db_max: int) -> _Partition | None:
    data_path, meta_path = _paths(unit.pk)
    if not (data_path.is_file() and meta_path.is_file()):
        return None
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        if meta.get("model") != MODEL_VERSION or int(meta["max_key"]) > db_max:
            return None
        plain = blob_decrypt(data_path.read_bytes(), aad=_aad(unit.pk, str(meta["kind"])))
        if plain is None:
            return None
        index = index_restore(str(meta["kind"]), plain, ef=_ef())
    except (OSError, ValueError, KeyError, RuntimeError):
        return None  # unreadable or stale: rebuild from the database
    return _Partition(unit_id=unit.pk, index=index, max_key=int(meta["max_key"]))


def partition_get(unit: AdministrativeUnit) -> _Partition:
    """The unit's partition, brought up to date with templates added since it was built."""
    db_max = searchable_templates(unit.pk).aggregate(m=Max("id"))["m"] or 0
    with _lock:
        partition = _partitions.get(unit.pk)
    if partition is None:
        partition = _load(unit, db_max) or partition_build(unit)
    if db_max > partition.max_key:
        keys, vectors, _last = _decrypt_rows(searchable_templates(unit.pk).filter(id__gt=partition.max_key).order_by("id"))
        partition.index.add(keys, vectors)
        partition.max_key = db_max
        if partition.index.kind == "exact" and len(partition.index) > int(settings.MOTCUA_FACE_EXACT_MAX):
            partition = partition_build(unit)
    with _lock:
        _partitions[unit.pk] = partition
    return partition


def face_candidates(*, units: list[AdministrativeUnit], vector: np.ndarray, k: int = 5) -> list[tuple[int, float]]:
    """Nearest template ids over the given units' partitions (approximate distances)."""
    found: list[tuple[int, float]] = []
    for unit in units:
        found.extend(partition_get(unit).index.search(vector, k))
    return sorted(found, key=lambda pair: pair[1])[: max(k, 1) * 2]


def face_index_forget(template_ids: list[int]) -> None:
    """Drop templates from the loaded partitions (after their deletion committed)."""
    keys = np.asarray(template_ids, dtype=np.int64)
    with _lock:
        for partition in _partitions.values():
            partition.index.remove(keys)


def face_index_reset() -> None:
    """Forget every loaded partition (tests; after a restore of the database)."""
    with _lock:
        _partitions.clear()
        _damaged.clear()


def face_index_rebuild(*, unit_ids: list[int] | None = None) -> list[tuple[str, int, str]]:
    """Rebuild and persist every partition (or those named), dropping the files of partitions
    left empty, so deleted templates leave no copy on disk; returns (unit code, templates, kind)."""
    if unit_ids is None:
        on_disk = {int(p.name.split("-")[1].split(".")[0]) for p in Path(settings.MOTCUA_FACE_INDEX_DIR).glob("unit-*.json")}
        enrolled = FaceTemplate.objects.unrestricted("face index rebuild: every partition (a system task)")
        unit_ids = sorted(set(enrolled.values_list("unit_id", flat=True).distinct()) | on_disk)
    units = AdministrativeUnit.objects.filter(pk__in=unit_ids).order_by("code")
    built = []
    for unit in units:
        partition = partition_build(unit)
        built.append((unit.code, len(partition.index), partition.index.kind))
    return built
