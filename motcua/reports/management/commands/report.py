from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from motcua.core.exceptions import DomainError
from motcua.core.periods import parse_period


class Command(BaseCommand):
    help = "The periodic one-stop report of a unit: motcua report --unit 32218 --period 2026-Q3 --format pdf|xlsx [--output FILE]"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--unit", required=True, help="the unit's official code (a commune or a province)")
        parser.add_argument("--period", required=True, help="2026, 2026-Q3 or 2026-07")
        parser.add_argument("--format", choices=("pdf", "xlsx"), default="pdf")
        parser.add_argument(
            "--output", help="the file to write (default bao-cao-<unit>-<period>.<format>; '-' for standard output)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        from motcua.reports.render import render_report_pdf, render_report_xlsx
        from motcua.reports.selectors import command_unit, one_stop_report, report_dossier_rows
        from motcua.reports.services import record_report_export

        try:
            period = parse_period(options["period"])
            unit = command_unit(options["unit"])
        except DomainError as exc:
            raise CommandError(str(exc.message)) from exc
        fmt = options["format"]
        report = one_stop_report(user=None, unit=unit, period=period)
        if fmt == "pdf":
            data = render_report_pdf(report, unit=unit)
        else:
            data = render_report_xlsx(report, unit=unit, dossiers=report_dossier_rows(user=None, unit=unit, period=period))
        record_report_export(user=None, unit_code=unit.code, period=period, fmt=fmt, actor_label="motcua report")
        output = options.get("output") or f"bao-cao-{unit.code}-{period.code}.{fmt}"
        if output == "-":
            sys.stdout.buffer.write(data)
            return
        Path(output).write_bytes(data)
        self.stdout.write(f"{output}: {len(data)} bytes ({unit.name}, {period.label})")
