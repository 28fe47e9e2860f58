from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from motcua.core.demo import DEMO_COMMUNES
from motcua.core.exceptions import DomainError
from motcua.feedback.seeding import petitions_seed


class Command(BaseCommand):
    help = "Add realistic synthetic petitions in every state through the services (motcua seed_petitions --petitions 300)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--petitions", type=int, required=True, help="how many petitions to add")
        parser.add_argument("--units", default=",".join(DEMO_COMMUNES), help="communes (official codes, comma-separated)")
        parser.add_argument("--months", type=int, default=6, help="spread over this many months (default 6)")
        parser.add_argument("--seed", type=int, default=42, help="random seed (default 42)")

    def handle(self, *args: Any, **options: Any) -> None:
        units = [code.strip() for code in options["units"].split(",") if code.strip()]
        try:
            report = petitions_seed(
                count=options["petitions"], unit_codes=units, months=options["months"], rng_seed=options["seed"]
            )
        except (DomainError, LookupError) as exc:
            raise CommandError(str(exc)) from exc
        states = ", ".join(f"{status} {n}" for status, n in sorted(report.by_status.items()))
        self.stdout.write(f"petitions: {report.count} ({states})")
