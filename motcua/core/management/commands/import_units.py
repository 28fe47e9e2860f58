from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from motcua.core.exceptions import DomainError
from motcua.core.units_import import units_import


class Command(BaseCommand):
    help = "Load the shipped administrative units (2025 structure and pre-2025 history). Safe to re-run."

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            report = units_import()
        except DomainError as exc:
            raise CommandError(f"[{exc.code}] {exc.message}") from exc
        self.stdout.write(
            f"units: {report.created} created, {report.updated} updated, {report.unchanged} unchanged; "
            f"successions: {report.successions_created} created or changed"
        )
