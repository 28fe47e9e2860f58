from __future__ import annotations

import os
import secrets
from typing import Any

from django.core.management import call_command, get_commands
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from motcua.core.demo import DEMO_COMMUNES, demo_setup
from motcua.core.exceptions import DomainError
from motcua.dossiers.seeding import dossiers_seed

# Seeders of the apps above dossiers, called by name (dossiers never imports them).
PETITIONS_COMMAND = "seed_petitions"
SURVEYS_COMMAND = "surveys"
DIALOGUES_COMMAND = "seed_dialogues"


class Command(BaseCommand):
    help = (
        "Add realistic synthetic data (for demos, load tests and benchmarks): dossiers in every status "
        "(motcua seed --dossiers 1000000; re-running adds more without code collisions), petitions "
        "(--petitions N), the demo survey campaign (--surveys) and dialogues (--dialogues)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dossiers", type=int, default=0, help="how many dossiers to add (default 0)")
        parser.add_argument(
            "--petitions", type=int, default=0, help=f"how many petitions to add (the {PETITIONS_COMMAND} command; default 0)"
        )
        parser.add_argument(
            "--surveys", action="store_true", help=f"add the demo survey campaign with answers, once ({SURVEYS_COMMAND} --demo)"
        )
        parser.add_argument("--dialogues", action="store_true", help=f"add demo dialogues (the {DIALOGUES_COMMAND} command)")
        parser.add_argument("--units", default=",".join(DEMO_COMMUNES), help="receiving units (official codes, comma-separated)")
        parser.add_argument("--months", type=int, default=6, help="closed dossiers are spread over this many months (default 6)")
        parser.add_argument("--seed", type=int, default=42, help="random seed (default 42)")
        parser.add_argument("--chunk", type=int, default=20_000, help="dossiers per transaction (default 20000)")
        parser.add_argument(
            "--create-agencies",
            action="store_true",
            help="create the demo agencies and users first (motcua demo's set-up; password from MOTCUA_DEMO_PASSWORD, "
            "else a random one that is printed)",
        )
        parser.add_argument("--orm", action="store_true", help="insert with bulk_create instead of COPY / executemany (slower)")

    def handle(self, *args: Any, **options: Any) -> None:
        units = [code.strip() for code in options["units"].split(",") if code.strip()]
        if options["dossiers"] < 0 or options["petitions"] < 0:
            raise CommandError(_("--dossiers and --petitions take a number of at least 0."))
        wanted = options["dossiers"] or options["petitions"] or options["surveys"] or options["dialogues"]
        if not wanted and not options["create_agencies"]:
            raise CommandError(_("Nothing to seed: give --dossiers N, --petitions N, --surveys or --dialogues."))
        if options["dialogues"] and DIALOGUES_COMMAND not in get_commands():
            # Checked before anything is written, so a missing seeder leaves the database as it was.
            raise CommandError(
                _("--dialogues needs the %(command)s command, which this installation does not have.")
                % {"command": DIALOGUES_COMMAND}
            )
        try:
            if options["create_agencies"]:
                password = os.environ.get("MOTCUA_DEMO_PASSWORD") or secrets.token_urlsafe(12)
                logins = demo_setup(password=password)
                self.stdout.write(f"demo agencies and {len(logins)} users ready")
                if "MOTCUA_DEMO_PASSWORD" not in os.environ:
                    self.stdout.write(f"  password of the demo users: {password}")

            if options["dossiers"]:
                self._dossiers(options, units)
        except DomainError as exc:
            raise CommandError(f"[{exc.code}] {exc.message}") from exc
        if options["petitions"]:
            call_command(
                PETITIONS_COMMAND,
                petitions=options["petitions"],
                units=",".join(units),
                months=options["months"],
                seed=options["seed"],
                stdout=self.stdout,
            )
        if options["surveys"]:
            call_command(SURVEYS_COMMAND, demo=True, seed=options["seed"], stdout=self.stdout)
        if options["dialogues"]:
            call_command(DIALOGUES_COMMAND, stdout=self.stdout)

    def _dossiers(self, options: dict[str, Any], units: list[str]) -> None:
        def progress(done: int, total: int, seconds: float) -> None:
            self.stdout.write(f"  {done:>10,} / {total:,} dossiers  {seconds:7.1f} s  {done / max(seconds, 1e-9):8,.0f}/s")

        report = dossiers_seed(
            count=options["dossiers"],
            unit_codes=units,
            months=options["months"],
            rng_seed=options["seed"],
            chunk_size=max(1, options["chunk"]),
            use_orm=options["orm"],
            progress=progress,
        )
        statuses = ", ".join(f"{status} {n:,}" for status, n in sorted(report.by_status.items()))
        self.stdout.write(f"dossiers: {report.count:,} ({statuses})")
        self.stdout.write(
            f"rows: {report.events:,} events, {report.clock_changes:,} clock changes, {report.steps:,} steps, "
            f"{report.slips:,} slips; {report.counters:,} counters advanced"
        )
        self.stdout.write(f"done in {report.seconds:.1f} s: {report.rate:,.0f} dossiers/s")
