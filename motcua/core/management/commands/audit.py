from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from motcua.core.audit import audit_verify


class Command(BaseCommand):
    help = "Audit log tools. `motcua audit verify` checks the hash chain."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("verify", help="Recompute the hash chain; exit non-zero at the first bad row.")

    def handle(self, *args: Any, **options: Any) -> None:
        result = audit_verify()
        if result.ok:
            self.stdout.write(f"audit log intact: {result.checked} events verified")
            return
        raise CommandError(
            f"audit log broken at event #{result.bad_event_id}: {result.reason} ({result.checked} events before it are intact)"
        )
