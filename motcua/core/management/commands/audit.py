from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from motcua.core.audit import anchor_head_now, anchor_path, audit_verify, parse_head


class Command(BaseCommand):
    help = (
        "Audit log tools. `motcua audit verify` checks the hash chain and its anchors outside the "
        "database; `motcua audit anchor` writes the current chain head to the anchor file."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        verify = sub.add_parser("verify", help="Recompute the hash chain; exit non-zero at the first bad row.")
        verify.add_argument(
            "--head",
            metavar="ID:HASH",
            help="an event the log must still hold with this hash (the audit head of a backup manifest or a report)",
        )
        sub.add_parser("anchor", help="Append the current chain head to the anchor file (a log from before anchoring).")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "anchor":
            if anchor_path() is None:
                raise CommandError("MOTCUA_AUDIT_ANCHOR_FILE is empty: there is no anchor file")
            head = anchor_head_now()
            self.stdout.write(f"anchored event #{head[0]} {head[1]}" if head else "the audit log is empty: nothing to anchor")
            return
        expected = None
        if options.get("head"):
            try:
                expected = parse_head(options["head"])
            except ValueError as exc:
                raise CommandError("--head must be <event id>:<64 hex digits>") from exc
        result = audit_verify(expected_head=expected)
        if result.ok:
            self.stdout.write(f"audit log intact: {result.checked} events verified")
            if result.anchored_event_id is None:
                self.stdout.write(
                    "warning: no anchor outside the database was checked (no anchor file yet: run `motcua audit anchor`)"
                )
            else:
                self.stdout.write(f"anchored up to event #{result.anchored_event_id}")
            return
        raise CommandError(
            f"audit log broken at event #{result.bad_event_id}: {result.reason} ({result.checked} events before it are intact)"
        )
