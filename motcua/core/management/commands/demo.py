from __future__ import annotations

import os
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from motcua.core.demo import demo_setup
from motcua.core.exceptions import DomainError


class Command(BaseCommand):
    help = "Set up the demo: migrate, import units and the catalogue, create demo agencies and users. Safe to re-run."

    def handle(self, *args: Any, **options: Any) -> None:
        password = os.environ.get("MOTCUA_DEMO_PASSWORD", "")
        if not password:
            raise CommandError("MOTCUA_DEMO_PASSWORD is not set (run through `motcua demo`, which writes var/motcua.env).")
        call_command("compile_translations", stdout=self.stdout)
        call_command("migrate", interactive=False, verbosity=0)
        self.stdout.write("database migrated")
        call_command("import_units", stdout=self.stdout)
        call_command("import_procedures", stdout=self.stdout)
        call_command("collectstatic", interactive=False, verbosity=0)
        try:
            logins = demo_setup(password=password)
        except DomainError as exc:
            raise CommandError(f"[{exc.code}] {exc.message}") from exc
        self.stdout.write("")
        self.stdout.write(f"Demo logins (password for all: {password})")
        for login in logins:
            self.stdout.write(f"  {login.username:<24} {login.role.label!s:<28} {login.agency_name}")
        self.stdout.write("")
