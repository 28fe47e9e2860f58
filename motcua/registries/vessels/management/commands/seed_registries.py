from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from motcua.core.exceptions import DomainError
from motcua.core.models import AdministrativeUnit


class Command(BaseCommand):
    help = (
        "Add synthetic fishing vessels (labelled as such) and a running review campaign (motcua seed_registries --vessels 300)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--vessels", type=int, default=0, help="how many synthetic vessels to add")
        parser.add_argument("--unit", default="32218", help="the commune (official code; default Xã Phú Tân 32218)")
        parser.add_argument("--no-campaign", action="store_true", help="do not open a review campaign")
        parser.add_argument("--seed", type=int, default=42, help="random seed (default 42)")

    def handle(self, *args: Any, **options: Any) -> None:
        from motcua.registries.vessels.seeding import vessels_seed

        unit = AdministrativeUnit.objects.filter(code=options["unit"], valid_to__isnull=True).first()
        if unit is None:
            raise CommandError(f"no current unit with code {options['unit']}")
        if options["vessels"] <= 0:
            raise CommandError("give --vessels N (N > 0)")
        try:
            report = vessels_seed(
                count=options["vessels"], unit=unit, rng_seed=options["seed"], campaign=not options["no_campaign"]
            )
        except (DomainError, LookupError) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"vessels (synthetic): {report.vessels} in {unit.name}")
        self.stdout.write(f"campaign checklists {report.campaign_items}, checked {report.checked}")
