from __future__ import annotations

from pathlib import Path
from typing import Any

import polib
from django.core.management.base import BaseCommand

PACKAGE = Path(__file__).resolve().parents[3]


class Command(BaseCommand):
    help = "Compile every .po catalogue under the motcua package to .mo (pure Python; no gettext tools needed)."

    def handle(self, *args: Any, **options: Any) -> None:
        count = 0
        for po_path in sorted(PACKAGE.rglob("locale/*/LC_MESSAGES/*.po")):
            mo_path = po_path.with_suffix(".mo")
            if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
                continue
            polib.pofile(str(po_path)).save_as_mofile(str(mo_path))
            count += 1
        self.stdout.write(f"translations: {count} catalogue(s) compiled")
