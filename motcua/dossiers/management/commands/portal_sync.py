"""``motcua portal_sync send|export``: the national-portal outbox (docs/portal-sync.md)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from motcua.dossiers.portal_sync import portal_records_export
from motcua.dossiers.services.portal import portal_records_send


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise CommandError(f"not a date (YYYY-MM-DD): {text}") from exc


class Command(BaseCommand):
    help = (
        "National-portal synchronisation. `send` sends the pending outbox records in order (retrying a "
        "failure with back-off; safe to run again); `export` writes records as JSON lines to standard output."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        send = sub.add_parser("send", help="Send the pending records in sequence order.")
        send.add_argument("--limit", type=int, default=1000, help="at most this many records (default 1000)")
        send.add_argument("--retries", type=int, default=2, help="tries more of a failing record in this run (default 2)")
        send.add_argument("--retry-delay", type=float, default=1.0, help="seconds before the first retry, doubling (default 1)")
        send.add_argument("--force", action="store_true", help="try a failed record now, without waiting for its back-off")
        export = sub.add_parser("export", help="Write records as JSON lines (one record a line) to standard output.")
        export.add_argument("--since", type=int, metavar="SEQ", help="records after this sequence number")
        export.add_argument("--from", dest="date_from", metavar="DATE", help="records from this day (YYYY-MM-DD, Vietnam time)")
        export.add_argument("--to", dest="date_to", metavar="DATE", help="records up to this day, included")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "export":
            if options["since"] is None and not (options["date_from"] or options["date_to"]):
                raise CommandError("give --since SEQ, or --from DATE and/or --to DATE")
            count = portal_records_export(
                out=self.stdout,
                since=options["since"],
                date_from=_date(options["date_from"]) if options["date_from"] else None,
                date_to=_date(options["date_to"]) if options["date_to"] else None,
            )
            self.stderr.write(f"{count} records exported")
            return
        if options["limit"] < 1 or options["retries"] < 0 or options["retry_delay"] < 0:
            raise CommandError("--limit must be at least 1, --retries and --retry-delay not negative")
        report = portal_records_send(
            limit=options["limit"], retries=options["retries"], retry_delay=options["retry_delay"], force=options["force"]
        )
        self.stdout.write(f"{report.sent} sent, up to #{report.last_seq or 0}; {report.pending} pending")
        if report.error:
            waiting = f"; next try after {report.waiting_until:%Y-%m-%d %H:%M:%S %Z}" if report.waiting_until else ""
            raise CommandError(f"stopped at a failing record: {report.error}{waiting}")
        if report.waiting_until is not None and report.pending:
            self.stdout.write(f"the next record waits for its back-off until {report.waiting_until:%Y-%m-%d %H:%M:%S %Z}")
