from __future__ import annotations

import os
import secrets
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from motcua.core.demo import DEMO_COMMUNES, demo_setup
from motcua.core.exceptions import DomainError
from motcua.dossiers.seeding import dossiers_seed


class Command(BaseCommand):
    help = (
        "Add realistic synthetic dossiers in every status (for demos, load tests and benchmarks): "
        "motcua seed --dossiers 1000000. Re-running adds more without code collisions."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dossiers", type=int, required=True, help="how many dossiers to add")
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
        try:
            if options["create_agencies"]:
                password = os.environ.get("MOTCUA_DEMO_PASSWORD") or secrets.token_urlsafe(12)
                logins = demo_setup(password=password)
                self.stdout.write(f"demo agencies and {len(logins)} users ready")
                if "MOTCUA_DEMO_PASSWORD" not in os.environ:
                    self.stdout.write(f"  password of the demo users: {password}")

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
        except DomainError as exc:
            raise CommandError(f"[{exc.code}] {exc.message}") from exc
        statuses = ", ".join(f"{status} {n:,}" for status, n in sorted(report.by_status.items()))
        self.stdout.write(f"dossiers: {report.count:,} ({statuses})")
        self.stdout.write(
            f"rows: {report.events:,} events, {report.clock_changes:,} clock changes, {report.steps:,} steps, "
            f"{report.slips:,} slips; {report.counters:,} counters advanced"
        )
        self.stdout.write(f"done in {report.seconds:.1f} s: {report.rate:,.0f} dossiers/s")
