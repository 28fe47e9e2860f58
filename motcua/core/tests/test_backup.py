"""``motcua backup``: one archive with checksums, restored into an empty installation
(issue 9 item 6; docs/security.md "Backup and restore"; README "Backup")."""

from __future__ import annotations

import hashlib
import io
import json
import os
import stat
import subprocess
import sys
import tarfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import numpy as np
import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import connection
from pytest_django import Settings

from motcua.core.audit import audit_record
from motcua.core.backup import MANIFEST, PGDUMP_MEMBER, SQLITE_MEMBER, backup_check, backup_create, backup_restore
from motcua.core.choices import Role
from motcua.core.exceptions import DomainError

ROOT = Path(__file__).resolve().parents[3]
SHARED_DATA = Path(os.environ.get("MOTCUA_SHARED_DATA", ROOT.parent / "shared" / "data"))
FACES = SHARED_DATA / "faces" / "images"
TEST_FACE_KEY = "dGVzdC1vbmx5LWZhY2Uta2V5LW5vdC1mb3ItcHJvZCE="  # 32 bytes, tests only


@pytest.fixture
def installation(settings: Settings, tmp_path: Path) -> Path:
    """A source installation whose files live under tmp_path/a."""
    var = tmp_path / "a"
    settings.VAR_DIR = var
    settings.MEDIA_ROOT = var / "media"
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"}}
    settings.MOTCUA_FACE_INDEX_DIR = var / "face_index"
    settings.MOTCUA_AUDIT_ANCHOR_FILE = str(var / "audit-anchor.log")
    settings.MOTCUA_FACE_KEY = TEST_FACE_KEY
    settings.MOTCUA_PKI_DIR = var / "pki"
    var.mkdir(mode=0o700)
    (var / "motcua.env").write_text(f"MOTCUA_FACE_KEY={TEST_FACE_KEY}\n", encoding="utf-8")
    return var


def _populate() -> dict[str, Any]:
    """A receipt with an uploaded file, audit events and one encrypted face template."""
    from motcua.dossiers.choices import SlipForm
    from motcua.dossiers.services import dossier_receive
    from motcua.dossiers.tests.factories import commune_agencies, intake, procedure, staff
    from motcua.identity import face, services
    from motcua.identity.choices import ConsentPurpose, FaceSource
    from motcua.identity.crypto import template_decrypt, template_encrypt, template_key_id
    from motcua.identity.face_search import face_index_rebuild, face_index_reset
    from motcua.identity.models import FaceTemplate
    from motcua.identity.tests.factories import CitizenFactory, consent_for

    procedure()
    commune_agencies()
    officer = staff("officer", Role.RECEPTION_OFFICER)
    dossier = dossier_receive(actor=officer, intake=intake()).dossier
    # The receipt is signed with the desk's certificate (the demo CA issues it in tests): the
    # restored installation, where no CA issues anything, must print it with the backed-up key.
    from motcua.dossiers.slips import render_slip_pdf

    render_slip_pdf(dossier=dossier, form=SlipForm.RECEIPT)
    citizen = CitizenFactory.create()
    consent = consent_for(citizen, ConsentPurpose.FACE_IDENTIFICATION)
    real = FACES.is_dir()
    if real:
        template = services.face_enrol(
            actor=officer,
            citizen=citizen,
            image=(FACES / "barack_obama" / "obama_01.jpg").read_bytes(),
            consent_purpose=ConsentPurpose.FACE_IDENTIFICATION,
        )
    else:
        vector = np.random.default_rng(7).standard_normal(128).astype(np.float32)
        template = FaceTemplate(
            citizen=citizen,
            consent=consent,
            unit=consent.unit,
            source=FaceSource.WEBCAM,
            model_name=face.MODEL_NAME,
            model_version=face.MODEL_VERSION,
            created_at=consent.given_at,
        )
        template.ciphertext = template_encrypt(vector, citizen_id=citizen.pk, model=face.MODEL_NAME)
        template.key_id = template_key_id(template.ciphertext)
        template.save()
    face_index_reset()
    face_index_rebuild()
    audit_record(action="test.backup", actor=officer, data={"text": "Phú Tân"})
    document = dossier.documents.get()
    return {
        "code": dossier.code,
        "template": template.pk,
        "vector": template_decrypt(template.ciphertext, citizen_id=citizen.pk, model=face.MODEL_NAME).tolist(),
        "real_face": real,
        "document": document.file.name,
        "document_sha256": hashlib.sha256(document.file.open("rb").read()).hexdigest(),
    }


def _counts() -> dict[str, int]:
    return {model._meta.label: model._default_manager.count() for model in apps.get_models()}


_CHECK = r"""
import hashlib, json, sys
import django
from motcua.cli import _var_dir, load_env_file
load_env_file(_var_dir() / "motcua.env")  # the restored secrets: the face template key
django.setup()
import numpy as np
from django.apps import apps
from django.conf import settings
from django.core.files.storage import default_storage
from motcua.core.audit import audit_verify
from motcua.dossiers.choices import SlipForm
from motcua.dossiers.models import Dossier
from motcua.dossiers.slips import render_slip_pdf
from motcua.identity import face
from motcua.identity.crypto import template_decrypt
from motcua.identity.models import FaceTemplate
given = json.loads(sys.argv[1])
template = FaceTemplate.objects.get(pk=given["template"])
vector = template_decrypt(template.ciphertext, citizen_id=template.citizen_id, model=template.model_name)
out = {
    "counts": {m._meta.label: m._default_manager.count() for m in apps.get_models()},
    "audit_ok": audit_verify().ok,
    "pdf": render_slip_pdf(dossier=Dossier.objects.get(code=given["code"]), form=SlipForm.RECEIPT)[:5].decode(),
    "vector_equal": bool(np.array_equal(vector, np.asarray(given["vector"], dtype=np.float32))),
    "document_sha256": hashlib.sha256(default_storage.open(given["document"]).read()).hexdigest(),
}
if given["real_face"]:
    probe = face.face_encode(open(given["probe"], "rb").read())
    out["same_person"] = bool(face.face_distance(vector, probe) < settings.MOTCUA_FACE_THRESHOLD)
print(json.dumps(out))
"""


@pytest.fixture
def target_database(tmp_path: Path) -> Iterator[str]:
    """The DATABASE_URL of an empty second installation: a SQLite file under tmp_path/b, or a
    new PostgreSQL database beside the test database (dropped afterwards)."""
    if connection.vendor == "sqlite":
        yield f"sqlite:///{tmp_path / 'b' / 'motcua.sqlite3'}"
        return
    db = connection.settings_dict
    name = f"{db['NAME']}_restore"
    with connection.cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {connection.ops.quote_name(name)}")
        cursor.execute(f"CREATE DATABASE {connection.ops.quote_name(name)}")
    credentials = f"{quote(str(db['USER']))}:{quote(str(db.get('PASSWORD') or ''))}@" if db.get("USER") else ""
    yield f"postgres://{credentials}{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}/{name}"
    with connection.cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {connection.ops.quote_name(name)} WITH (FORCE)")


def _target_env(tmp_path: Path, database_url: str) -> dict[str, str]:
    var = tmp_path / "b"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MOTCUA_", "DJANGO_"))}
    env.update(
        MOTCUA_VAR_DIR=str(var),
        MOTCUA_SECRET_KEY="test-only-secret-key-not-for-production",
        DJANGO_SETTINGS_MODULE="motcua.config.settings",
        PYTHONPATH=str(ROOT),
        DATABASE_URL=database_url,
    )
    return env


def _cli(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "motcua.cli", *args]
    return subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True, check=False)  # noqa: S603  this interpreter


@pytest.mark.django_db(transaction=True)
def test_round_trip_restores_rows_files_audit_chain_slips_and_faces(
    units: None, installation: Path, tmp_path: Path, target_database: str
) -> None:
    """SQLite in temporary folders; under PostgreSQL (DATABASE_URL) a second, new database."""
    given = _populate()
    before = _counts()
    result = backup_create(to=tmp_path / "backups")
    env = _target_env(tmp_path, target_database)

    restored = _cli(env, "backup", "restore", str(result.path))

    assert restored.returncode == 0, restored.stderr
    assert "audit log intact" in restored.stdout
    verify = _cli(env, "audit", "verify", "--head", result.manifest["audit_head"]["text"])
    assert verify.returncode == 0, verify.stderr
    given["probe"] = str(FACES / "barack_obama" / "obama_04.jpg")
    command = [sys.executable, "-c", _CHECK, json.dumps(given)]
    check = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True, check=False)  # noqa: S603  this interpreter
    assert check.returncode == 0, check.stderr
    out = json.loads(check.stdout)
    assert out["counts"] == before
    assert (out["audit_ok"], out["pdf"], out["vector_equal"]) == (True, "%PDF-", True)
    assert out["document_sha256"] == given["document_sha256"]
    assert out.get("same_person", True)
    target = tmp_path / "b"
    assert (target / "motcua.env").read_text(encoding="utf-8") == (installation / "motcua.env").read_text(encoding="utf-8")
    assert any((target / "face_index").iterdir())
    for path in [p for p in target.rglob("*") if p.is_file() and p.name != "motcua.sqlite3"]:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
    for path in [p for p in target.rglob("*") if p.is_dir()]:
        assert stat.S_IMODE(path.stat().st_mode) == 0o700, path


@pytest.mark.django_db(transaction=True)
def test_the_archive_is_private_and_its_manifest_lists_every_member_with_its_checksum(
    units: None, installation: Path, tmp_path: Path
) -> None:
    _populate()

    result = backup_create(to=tmp_path / "backups")

    assert stat.S_IMODE(result.path.stat().st_mode) == 0o600
    assert stat.S_IMODE(result.path.parent.stat().st_mode) == 0o700
    with tarfile.open(result.path) as tar:
        names = tar.getnames()
        assert names[0] == MANIFEST
        for name in names[1:]:
            member = tar.extractfile(name)
            assert member is not None
            assert hashlib.sha256(member.read()).hexdigest() == result.manifest["members"][name]["sha256"]
    assert sorted(names[1:]) == sorted(result.manifest["members"])
    database = SQLITE_MEMBER if connection.vendor == "sqlite" else PGDUMP_MEMBER
    assert {database, "var/audit-anchor.log", "var/motcua.env"} <= set(names)
    assert any(n.startswith("media/dossiers/") for n in names) and any(n.startswith("face_index/") for n in names)
    head = result.manifest["audit_head"]
    assert head["text"] == f"{head['event_id']}:{head['hash']}"
    assert set(result.manifest["versions"]) == {"motcua", "django", "python", "database", "migrations"}


@pytest.mark.django_db(transaction=True)
def test_without_secrets_leaves_the_env_file_out(installation: Path, tmp_path: Path) -> None:
    result = backup_create(to=tmp_path / "backups", include_secrets=False)

    assert "var/motcua.env" not in result.manifest["members"]
    assert result.manifest["secrets"] == "not included"


@pytest.mark.django_db(transaction=True)
def test_an_altered_archive_is_refused_before_anything_is_restored(installation: Path, tmp_path: Path) -> None:
    audit_record(action="test.backup")
    result = backup_create(to=tmp_path / "backups")
    forged = tmp_path / "forged.tar.gz"
    with tarfile.open(result.path) as source, tarfile.open(forged, "w:gz") as target:
        for member in source.getmembers():
            extracted = source.extractfile(member)
            assert extracted is not None
            data = extracted.read()
            if member.name == "var/audit-anchor.log":
                data = data.replace(b"1", b"2", 1)
            member.size = len(data)
            target.addfile(member, io.BytesIO(data))

    with pytest.raises(DomainError) as caught:
        backup_check(archive=forged)

    assert caught.value.code == "backup_archive_damaged"
    assert "var/audit-anchor.log" in str(caught.value.message)


@pytest.mark.django_db(transaction=True)
def test_restore_into_an_installation_with_data_is_refused_and_changes_nothing(installation: Path, tmp_path: Path) -> None:
    audit_record(action="test.backup")
    result = backup_create(to=tmp_path / "backups")
    audit_record(action="test.after")
    before = _counts()
    anchor = (installation / "audit-anchor.log").read_bytes()

    with pytest.raises(DomainError) as caught:
        backup_restore(archive=result.path)

    assert caught.value.code == "backup_target_not_empty"

    assert _counts() == before
    assert (installation / "audit-anchor.log").read_bytes() == anchor


@pytest.mark.django_db(transaction=True)
def test_the_anchor_in_the_archive_never_runs_ahead_of_the_database_copy(installation: Path, tmp_path: Path) -> None:
    first = audit_record(action="test.backup")
    (installation / "audit-anchor.log").open("a", encoding="ascii").write(f"{first.pk + 5} {'a' * 64} later\n")

    result = backup_create(to=tmp_path / "backups")

    with tarfile.open(result.path) as tar:
        anchor = tar.extractfile("var/audit-anchor.log")
        assert anchor is not None
        lines = anchor.read().decode().splitlines()
    assert [line.split()[0] for line in lines] == [str(first.pk)]


def test_restore_alias_checks_the_archive_before_touching_the_installation(tmp_path: Path) -> None:
    """`motcua restore` (DESIGN.md) is `motcua backup restore`: a missing archive is refused first."""
    with pytest.raises(CommandError, match=r"missing\.tar\.gz"):
        call_command("restore", str(tmp_path / "missing.tar.gz"))
