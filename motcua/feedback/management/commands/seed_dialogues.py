from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from motcua.core.demo import DEMO_COMMUNES
from motcua.core.exceptions import DomainError
from motcua.feedback.dialogues.seeding import dialogues_seed


class Command(BaseCommand):
    help = (
        "Add realistic held dialogues with questions, answers, published minutes and commitments in every state "
        "(some overdue), through the services (motcua seed_dialogues --dialogues 1)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dialogues", type=int, default=1, help="how many dialogues to add (default 1)")
        parser.add_argument("--unit", default=DEMO_COMMUNES[0], help="the commune (official code)")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["dialogues"] < 0:
            raise CommandError("--dialogues must be 0 or more")
        try:
            report = dialogues_seed(count=options["dialogues"], unit_code=options["unit"])
        except (DomainError, LookupError) as exc:
            raise CommandError(str(exc)) from exc
        states = ", ".join(f"{fate} {n}" for fate, n in sorted(report.commitments.items()))
        self.stdout.write(f"dialogues: {len(report.dialogues)} ({', '.join(report.dialogues)}); commitments: {states}")
