from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "`motcua restore ARCHIVE`: the same as `motcua backup restore ARCHIVE` (into an empty installation)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("backup", "restore", str(options["archive"]), stdout=self.stdout, stderr=self.stderr)
