from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from motcua.catalog.selectors import GAP_LABELS, catalogue_gaps
from motcua.catalog.services import DEFAULT_SOURCE, procedures_import
from motcua.core.exceptions import DomainError


class Command(BaseCommand):
    help = (
        "Load the procedure catalogue (the 588 commune-level procedures shipped with MotCua, or --file). "
        "Prints counts and every field that could not be parsed. Safe to re-run; a failed import changes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--file", type=Path, default=None, help=f"JSON or gzipped JSON file (default: {DEFAULT_SOURCE.name})")
        parser.add_argument(
            "--summary", action="store_true", help="Print only the counts per field and reason, not every problem."
        )
        parser.add_argument(
            "--report",
            action="store_true",
            help="Import nothing: print the catalogue gaps in the database (procedures without a time limit, "
            "competent agency, fee or legal basis), counts then the list.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["report"]:
            self._report()
            return
        try:
            report = procedures_import(source=options["file"])
        except DomainError as exc:
            raise CommandError(f"import failed, nothing was changed: [{exc.code}] {exc.message}") from exc
        out = self.stdout
        out.write(
            f"procedures: {report.total} in {report.source}: {report.created} created, {report.updated} updated, "
            f"{report.unchanged} unchanged; sectors: {report.sectors_created} created"
        )
        if report.not_in_source:
            out.write(f"procedures in the database but not in the file (left as they are): {report.not_in_source}")
        out.write(
            f"problems: {len(report.problems)} in {report.procedures_with_problems()} procedures"
            + (" (kept on each procedure as import notes)" if report.problems else "")
        )
        for field, reason, count in report.problems_by_reason():
            out.write(f"  {count:5d}  {field}: {reason}")
        if report.problems and not options["summary"]:
            out.write("")
            out.write("code\tfield\traw\treason")
            for problem in sorted(report.problems, key=lambda p: (p.code, p.field)):
                out.write(problem.as_line())

    def _report(self) -> None:
        """The same selector as the staff page in the admin (catalog.selectors.catalogue_gaps)."""
        gaps = catalogue_gaps()
        out = self.stdout
        out.write(_("catalogue gaps: %(with_gaps)s of %(total)s procedures") % {"with_gaps": len(gaps.rows), "total": gaps.total})
        for key, label in GAP_LABELS.items():
            out.write(f"  {gaps.counts[key]:5d}  {label}")
        if not gaps.rows:
            return
        out.write("")
        out.write("code\tsector\tmissing\tname")
        for row in gaps.rows:
            missing = ", ".join(row.missing)
            if row.default_competent_agency:
                missing += " " + _("(commune People's Committee by default)")
            out.write(f"{row.code}\t{row.sector}\t{missing}\t{row.name}")
