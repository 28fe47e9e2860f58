from __future__ import annotations

import os
from typing import Any

from django.apps import apps
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from motcua.core.demo import demo_setup
from motcua.core.exceptions import DomainError
from motcua.core.models import Agency

DEMO_DOSSIERS = 3000  # a few thousand over the last six months for the three demo communes
DEMO_PETITIONS = 240  # a few hundred petitions in every state (issue 11 item 6)


DEMO_VESSELS = 300  # synthetic (no public vessel data set exists)


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
        call_command("import_procedures", summary=True, stdout=self.stdout)
        call_command("collectstatic", interactive=False, verbosity=0)
        try:
            logins = demo_setup(password=password)
        except DomainError as exc:
            raise CommandError(f"[{exc.code}] {exc.message}") from exc
        # Every slip is signed (RULES.md §1.5): a demo CA and one certificate per agency.
        from motcua.core.signing import DEMO_CA_NAME, demo_certificates_ensure

        issued = demo_certificates_ensure(Agency.objects.select_related("unit").order_by("pk"))
        self.stdout.write(f"{len(issued)} signing certificates from “{DEMO_CA_NAME}”")
        # The demo wires the whole product: look the dossier model up by name (core never imports
        # the apps above it) and top the demo up to a few thousand dossiers.
        existing = apps.get_model("dossiers", "Dossier").objects.count()
        if existing < DEMO_DOSSIERS:
            call_command("seed", dossiers=DEMO_DOSSIERS - existing, stdout=self.stdout)
        call_command("surveys", demo=True, stdout=self.stdout)  # one survey campaign with answers (once)
        if not apps.get_model("feedback", "Petition").objects.unrestricted("the demo counts what it seeded").exists():
            call_command("seed_petitions", petitions=DEMO_PETITIONS, stdout=self.stdout)
        if not apps.get_model("feedback", "Dialogue").objects.unrestricted("the demo counts what it seeded").exists():
            call_command("seed_dialogues", dialogues=1, stdout=self.stdout)  # one held dialogue (RULES.md §1.9)
        # A few hundred synthetic fishing vessels of Xã Phú Tân in a running review campaign (issue 13).
        if not apps.get_model("registries_vessels", "Vessel").objects.unrestricted("the demo counts what it seeded").exists():
            call_command("seed_registries", vessels=DEMO_VESSELS, stdout=self.stdout)
        self.stdout.write("")
        with translation.override("vi"):
            self.stdout.write(f"Tài khoản demo (mật khẩu chung / password for all: {password})")
            for login in logins:
                self.stdout.write(f"  {login.username:<24} {login.role.label!s:<36} {login.agency_name}")
        self.stdout.write("")
        self.stdout.write("Mở / open http://127.0.0.1:8000 — tra cứu hồ sơ: /tra-cuu/, làm việc: /ho-so/")
