"""Backup and restore of a whole installation as one archive (``motcua backup``).

An archive (``motcua-backup-<UTC time>.tar.gz``, 0600) holds:

* ``database/db.sqlite3`` (SQLite's online backup API: a consistent copy while the site runs)
  or ``database/db.pgdump`` (``pg_dump --format=custom``);
* ``media/…``: uploaded files, when the default storage is the file system (``MEDIA_ROOT``);
* ``face_index/…``: the persisted face index partitions (encrypted with the template key;
  rebuilt from the database anyway when missing);
* ``var/audit-anchor.log``: the audit anchor, cut to the events the database copy holds;
* ``pki/…``: the agencies' signing keys and certificates and the trusted roots
  (``MOTCUA_PKI_DIR``; secret: left out with ``--without-secrets``);
* ``var/motcua.env``: the demo's generated secrets and face template key, when present
  (``--without-secrets`` leaves it out: then keep MOTCUA_FACE_KEY safe elsewhere, or the
  face templates cannot be decrypted after a restore);
* ``manifest.json``: format, time, versions, the audit chain head and the SHA-256 and size of
  every other member.

``backup_restore`` checks every checksum first, then restores into an empty installation
only (no users, no audit events, no uploaded files, no face index, no anchor) and finally
verifies the audit chain against the head in the manifest.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import os
import platform
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import django
from django.conf import settings
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.core.audit import AuditVerification, anchor_path, audit_verify
from motcua.core.exceptions import CoreErrorCode, DomainError
from motcua.core.files import private_dir

FORMAT = "motcua-backup/1"
MANIFEST = "manifest.json"
SQLITE_MEMBER = "database/db.sqlite3"
PGDUMP_MEMBER = "database/db.pgdump"
ANCHOR_MEMBER = "var/audit-anchor.log"
ENV_MEMBER = "var/motcua.env"
_CHUNK = 1024 * 1024


@dataclass
class BackupResult:
    path: Path
    manifest: dict[str, Any]


@dataclass
class RestoreResult:
    manifest: dict[str, Any]
    verification: AuditVerification
    notes: list[str] = field(default_factory=list)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _files(root: Path) -> Iterator[Path]:
    if root.is_dir():
        yield from sorted(p for p in root.rglob("*") if p.is_file() and not p.is_symlink())


def _media_root() -> Path | None:
    """MEDIA_ROOT when uploads live on the file system, else None (object storage)."""
    backend = str(settings.STORAGES.get("default", {}).get("BACKEND", ""))
    return Path(settings.MEDIA_ROOT) if backend.endswith("FileSystemStorage") else None


def _env_file() -> Path:
    return Path(settings.VAR_DIR) / "motcua.env"


def _vendor() -> str:
    if connection.vendor not in ("sqlite", "postgresql"):
        raise DomainError(
            CoreErrorCode.BACKUP_DATABASE_UNSUPPORTED,
            _("Backups support SQLite and PostgreSQL; this database is %(vendor)s.") % {"vendor": connection.vendor},
        )
    return connection.vendor


def _pg_env() -> dict[str, str]:
    db: dict[str, Any] = dict(settings.DATABASES["default"])
    env = dict(os.environ)
    for key, name in (
        ("HOST", "PGHOST"),
        ("PORT", "PGPORT"),
        ("USER", "PGUSER"),
        ("PASSWORD", "PGPASSWORD"),
        ("NAME", "PGDATABASE"),
    ):
        if db.get(key):
            env[name] = str(db[key])
    return env


def _pg_tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise DomainError(
            CoreErrorCode.BACKUP_PG_TOOL_MISSING,
            _("%(tool)s was not found: install the PostgreSQL client tools (Debian: postgresql-client) of the server's version.")
            % {"tool": name},
            status_code=503,
        )
    return path


def _run(command: list[str]) -> None:
    done = subprocess.run(command, env=_pg_env(), capture_output=True, text=True, check=False)  # noqa: S603  fixed tool, no shell
    if done.returncode != 0:
        raise DomainError(
            CoreErrorCode.BACKUP_PG_TOOL_FAILED,
            _("%(tool)s failed: %(error)s") % {"tool": Path(command[0]).name, "error": done.stderr.strip()[-500:]},
            status_code=500,
        )


def _head_of_sqlite_copy(path: Path) -> tuple[int, str] | None:
    with sqlite3.connect(path) as db:
        try:
            row = db.execute("SELECT last_event_id, last_hash FROM core_auditchainhead WHERE singleton = 1").fetchone()
        except sqlite3.OperationalError:  # not migrated
            return None
    return (int(row[0]), str(row[1])) if row and row[0] else None


def _head_now() -> tuple[int, str] | None:
    from motcua.core.models import AuditChainHead

    head = AuditChainHead.objects.filter(singleton=1).first()
    return (head.last_event_id, head.last_hash) if head is not None and head.last_event_id else None


def _dump_database(staging: Path) -> tuple[str, tuple[int, str] | None]:
    """Copy the database into ``staging``; the member name and the audit head of the copy."""
    vendor = _vendor()
    if vendor == "sqlite":
        target = staging / SQLITE_MEMBER
        private_dir(target.parent)
        connection.ensure_connection()
        source = connection.connection
        with sqlite3.connect(target) as copy:
            source.backup(copy)
        copy.close()
        target.chmod(0o600)
        return SQLITE_MEMBER, _head_of_sqlite_copy(target)
    # PostgreSQL: the head is read before pg_dump takes its snapshot, so the copy holds at
    # least this event (the anchor member is cut to it: never ahead of the copy).
    head = _head_now()
    target = staging / PGDUMP_MEMBER
    private_dir(target.parent)
    _run([_pg_tool("pg_dump"), "--format=custom", "--no-owner", f"--file={target}"])
    target.chmod(0o600)
    return PGDUMP_MEMBER, head


def _anchor_copy(staging: Path, head: tuple[int, str] | None) -> bool:
    """The anchor lines of events the database copy holds (later ones would not verify)."""
    source = anchor_path()
    if source is None or not source.is_file():
        return False
    limit = head[0] if head is not None else 0
    kept = []
    for line in source.read_text(encoding="ascii", errors="replace").splitlines():
        parts = line.split()
        if len(parts) >= 2 and parts[0].isdigit() and int(parts[0]) <= limit:
            kept.append(line + "\n")
    target = staging / ANCHOR_MEMBER
    private_dir(target.parent)
    target.write_text("".join(kept), encoding="ascii")
    target.chmod(0o600)
    return True


def _versions() -> dict[str, Any]:
    try:
        motcua_version = importlib.metadata.version("motcua")
    except importlib.metadata.PackageNotFoundError:
        motcua_version = "unknown"
    migrations: dict[str, str] = {}
    for app, name in MigrationRecorder.Migration.objects.order_by("app", "name").values_list("app", "name"):
        migrations[app] = name
    return {
        "motcua": motcua_version,
        "django": django.get_version(),
        "python": platform.python_version(),
        "database": connection.vendor,
        "migrations": migrations,
    }


def backup_create(*, to: Path | None = None, include_secrets: bool = True) -> BackupResult:
    """Write one archive of the installation into ``to`` (default ``MOTCUA_BACKUP_DIR``)."""
    directory = Path(to or settings.MOTCUA_BACKUP_DIR)
    private_dir(directory)
    created = timezone.now().astimezone(UTC)
    path = directory / f"motcua-backup-{created:%Y%m%dT%H%M%S%fZ}.tar.gz"
    staging = Path(tempfile.mkdtemp(prefix=".motcua-backup-", dir=directory))  # 0700
    try:
        db_member, head = _dump_database(staging)
        members: list[tuple[str, Path]] = [(db_member, staging / db_member)]
        if _anchor_copy(staging, head):
            members.append((ANCHOR_MEMBER, staging / ANCHOR_MEMBER))
        media = _media_root()
        if media is not None:
            members += [(f"media/{p.relative_to(media).as_posix()}", p) for p in _files(media)]
        index_dir = Path(settings.MOTCUA_FACE_INDEX_DIR)
        members += [(f"face_index/{p.relative_to(index_dir).as_posix()}", p) for p in _files(index_dir)]
        if include_secrets:
            pki_dir = Path(settings.MOTCUA_PKI_DIR)
            members += [(f"pki/{p.relative_to(pki_dir).as_posix()}", p) for p in _files(pki_dir) if not p.name.endswith(".lock")]
        if include_secrets and _env_file().is_file():
            members.append((ENV_MEMBER, _env_file()))
        manifest: dict[str, Any] = {
            "format": FORMAT,
            "created_at": created.isoformat(),
            "versions": _versions(),
            "database": db_member,
            "audit_head": {"event_id": head[0], "hash": head[1], "text": f"{head[0]}:{head[1]}"} if head else None,
            "media": "included" if media is not None else "not included: uploads are in object storage",
            "secrets": "included" if any(name == ENV_MEMBER for name, _p in members) else "not included",
            "members": {name: {"sha256": _sha256(p), "size": p.stat().st_size} for name, p in members},
        }
        manifest_file = staging / MANIFEST
        manifest_file.write_text(json.dumps(manifest, indent=2, ensure_ascii=False), encoding="utf-8")
        manifest_file.chmod(0o600)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as raw, tarfile.open(fileobj=raw, mode="w:gz") as archive:
            archive.add(manifest_file, arcname=MANIFEST)
            for name, source in members:
                archive.add(source, arcname=name, recursive=False)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return BackupResult(path=path, manifest=manifest)


def _damaged(reason: str) -> DomainError:
    return DomainError(
        CoreErrorCode.BACKUP_ARCHIVE_DAMAGED, _("The backup archive is damaged or altered: %(reason)s") % {"reason": reason}
    )


def backup_check(*, archive: Path) -> dict[str, Any]:
    """The archive's manifest, once every member's SHA-256 and size match it."""
    try:
        with tarfile.open(archive, mode="r:gz") as tar:
            manifest_member = tar.extractfile(MANIFEST)
            if manifest_member is None:
                raise _damaged(_("no manifest"))
            manifest: dict[str, Any] = json.loads(manifest_member.read().decode("utf-8"))
            if manifest.get("format") != FORMAT:
                raise _damaged(_("unknown format %(format)s") % {"format": manifest.get("format")})
            expected: dict[str, dict[str, Any]] = manifest["members"]
            seen: set[str] = set()
            for member in tar:
                if member.name == MANIFEST:
                    continue
                if member.name not in expected or not member.isfile():
                    raise _damaged(_("unexpected member %(name)s") % {"name": member.name})
                handle = tar.extractfile(member)
                assert handle is not None  # a regular file
                digest = hashlib.sha256()
                while chunk := handle.read(_CHUNK):
                    digest.update(chunk)
                if digest.hexdigest() != expected[member.name]["sha256"] or member.size != expected[member.name]["size"]:
                    raise _damaged(_("checksum mismatch in %(name)s") % {"name": member.name})
                seen.add(member.name)
    except (OSError, tarfile.TarError, ValueError, KeyError) as exc:
        raise _damaged(str(exc)) from exc
    missing = sorted(set(expected) - seen)
    if missing:
        raise _damaged(_("missing member %(name)s") % {"name": missing[0]})
    return manifest


def installation_contents() -> list[str]:
    """What makes this installation non-empty (an empty list: restore may proceed)."""
    found: list[str] = []
    tables = set(connection.introspection.table_names())
    with connection.cursor() as cursor:
        for table, label in (("auth_user", _("users")), ("core_auditevent", _("audit events"))):
            if table in tables:
                cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608  fixed names
                count = cursor.fetchone()[0]
                if count:
                    found.append(f"{count} {label}")
    media = _media_root()
    for label, root in (
        (_("uploaded files in"), media),
        (_("face index files in"), Path(settings.MOTCUA_FACE_INDEX_DIR)),
        (_("signing keys in"), Path(settings.MOTCUA_PKI_DIR)),
    ):
        if root is not None and next(_files(root), None) is not None:
            found.append(f"{label} {root}")
    anchor = anchor_path()
    if anchor is not None and anchor.is_file() and anchor.stat().st_size:
        found.append(f"{_('an audit anchor')} {anchor}")
    return found


def _restore_database(staging: Path, member: str) -> None:
    if member == SQLITE_MEMBER:
        if connection.vendor != "sqlite":
            raise DomainError(
                CoreErrorCode.BACKUP_DATABASE_MISMATCH,
                _("This archive holds a SQLite database; this installation is not SQLite."),
            )
        connection.ensure_connection()
        with sqlite3.connect(staging / member) as source:
            source.backup(connection.connection)
        source.close()
    else:
        if connection.vendor != "postgresql":
            raise DomainError(
                CoreErrorCode.BACKUP_DATABASE_MISMATCH,
                _("This archive holds a PostgreSQL dump; this installation is not PostgreSQL."),
            )
        connection.close()
        _run(
            [
                _pg_tool("pg_restore"),
                "--clean",
                "--if-exists",
                "--no-owner",
                "--exit-on-error",
                f"--dbname={connection.settings_dict['NAME']}",
                str(staging / member),
            ]
        )
    connection.close()  # the schema changed underneath: reconnect
    sqlite_file = _sqlite_file()
    if sqlite_file is not None and sqlite_file.is_file():
        sqlite_file.chmod(0o600)


def _sqlite_file() -> Path | None:
    """The SQLite database file (None for PostgreSQL or an in-memory database)."""
    name = str(connection.settings_dict.get("NAME") or "")
    if connection.vendor != "sqlite" or not name or name == ":memory:" or name.startswith("file:"):
        return None
    return Path(name)


def _place(source: Path, target: Path) -> None:
    """Move ``source``'s files under ``target`` (dirs 0700, files 0600)."""
    for path in _files(source):
        destination = target / path.relative_to(source)
        private_dir(destination.parent)
        shutil.move(path, destination)
        destination.chmod(0o600)


def backup_restore(*, archive: Path) -> RestoreResult:
    """Restore ``archive`` into this (empty) installation; checksums are verified first."""
    manifest = backup_check(archive=archive)
    var_dir = Path(settings.VAR_DIR)
    private_dir(var_dir)
    sqlite_file = _sqlite_file()
    if sqlite_file is not None:
        private_dir(sqlite_file.parent)
    found = installation_contents()
    if found:
        raise DomainError(
            CoreErrorCode.BACKUP_TARGET_NOT_EMPTY,
            _("Restore only into an empty installation; this one has: %(found)s.") % {"found": "; ".join(found)},
            status_code=409,
        )
    notes: list[str] = []
    staging = Path(tempfile.mkdtemp(prefix=".motcua-restore-", dir=var_dir))  # 0700
    try:
        with tarfile.open(archive, mode="r:gz") as tar:
            tar.extractall(staging, filter="data")
        _restore_database(staging, manifest["database"])
        media = _media_root()
        if (staging / "media").is_dir():
            if media is None:
                notes.append(_("Uploaded files were not restored: this installation keeps them in object storage."))
            else:
                _place(staging / "media", media)
        _place(staging / "face_index", Path(settings.MOTCUA_FACE_INDEX_DIR))
        _place(staging / "pki", Path(settings.MOTCUA_PKI_DIR))
        anchor = anchor_path()
        if (staging / ANCHOR_MEMBER).is_file() and anchor is not None:
            private_dir(anchor.parent)
            shutil.move(staging / ANCHOR_MEMBER, anchor)
            anchor.chmod(0o600)
        if (staging / ENV_MEMBER).is_file():
            if _env_file().is_file():
                notes.append(_("var/motcua.env exists and was kept; the archive's copy was not restored."))
            else:
                shutil.move(staging / ENV_MEMBER, _env_file())
                _env_file().chmod(0o600)
                notes.append(_("var/motcua.env (secrets and face template key) was restored; restart to use it."))
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    head = manifest.get("audit_head")
    verification = audit_verify(expected_head=(int(head["event_id"]), str(head["hash"])) if head else None)
    return RestoreResult(manifest=manifest, verification=verification, notes=notes)


def created_at_text(manifest: dict[str, Any]) -> str:
    """The archive's time as the officers read it (dd/mm/yyyy HH:MM, local time)."""
    return timezone.localtime(datetime.fromisoformat(manifest["created_at"])).strftime("%d/%m/%Y %H:%M")
