from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from motcua.core.exceptions import DomainError
from motcua.satisfaction.seeding import survey_demo_seed
from motcua.satisfaction.survey_services import survey_template_ensure


class Command(BaseCommand):
    help = (
        "Survey campaigns (RULES.md §3.1): `motcua surveys --template` re-creates the SIPAS starting "
        "questionnaire if it was deleted; `motcua surveys --demo` adds the demo campaign with answers."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--template", action="store_true", help="ensure the SIPAS questionnaire exists")
        parser.add_argument("--demo", action="store_true", help="add the demo campaign (once) with answers")
        parser.add_argument("--unit", default="32218", help="unit of the demo campaign (default 32218)")
        parser.add_argument("--size", type=int, default=60, help="sample size of the demo campaign (default 60)")
        parser.add_argument("--seed", type=int, default=42, help="random seed (default 42)")

    def handle(self, *args: Any, **options: Any) -> None:
        questionnaire = survey_template_ensure()
        self.stdout.write(f"questionnaire {questionnaire.code}: {questionnaire.questions.count()} questions")
        if not options["demo"]:
            return
        try:
            report = survey_demo_seed(unit_code=options["unit"], size=options["size"], rng_seed=options["seed"])
        except DomainError as exc:
            raise CommandError(f"[{exc.code}] {exc.message}") from exc
        state = "created" if report.created else "already there"
        self.stdout.write(
            f"survey campaign {report.campaign_id} ({state}): {report.members} members, "
            f"{report.web} answers by link, {report.paper} on paper"
        )
