from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from motcua.core.backup import backup_check, backup_create, backup_restore, created_at_text
from motcua.core.exceptions import DomainError


class Command(BaseCommand):
    help = (
        "Backups: `motcua backup create [--to DIR]` writes one archive (database, uploads, face index, "
        "audit anchor, secrets, manifest with checksums); `motcua backup restore ARCHIVE` restores it into "
        "an empty installation; `motcua backup check ARCHIVE` only verifies the checksums."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="Write one backup archive.")
        create.add_argument("--to", type=Path, help="folder for the archive (default: MOTCUA_BACKUP_DIR, var/backups)")
        create.add_argument(
            "--without-secrets", action="store_true", help="leave var/motcua.env (secret key, face template key) out"
        )
        restore = sub.add_parser("restore", help="Restore an archive into an empty installation.")
        restore.add_argument("archive", type=Path)
        check = sub.add_parser("check", help="Verify an archive's checksums against its manifest.")
        check.add_argument("archive", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["action"] == "create":
                result = backup_create(to=options.get("to"), include_secrets=not options["without_secrets"])
                head = result.manifest["audit_head"]
                self.stdout.write(f"backup written: {result.path}")
                self.stdout.write(f"members: {len(result.manifest['members'])}; created {created_at_text(result.manifest)}")
                self.stdout.write(f"audit head: {head['text'] if head else 'empty log'}")
                return
            if options["action"] == "check":
                manifest = backup_check(archive=options["archive"])
                self.stdout.write(f"archive intact: {len(manifest['members'])} members match their checksums")
                return
            restored = backup_restore(archive=options["archive"])
        except DomainError as exc:
            raise CommandError(str(exc.message)) from exc
        for note in restored.notes:
            self.stdout.write(note)
        verification = restored.verification
        if not verification.ok:
            raise CommandError(
                f"restored, but the audit log does not verify at event #{verification.bad_event_id}: {verification.reason}"
            )
        self.stdout.write(f"restored from {options['archive']}; audit log intact: {verification.checked} events verified")
