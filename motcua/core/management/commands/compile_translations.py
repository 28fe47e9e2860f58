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
        if count:
            _forget_loaded_catalogues()
        self.stdout.write(f"translations: {count} catalogue(s) compiled")


def _forget_loaded_catalogues() -> None:
    """Make this process read the new .mo files: catalogues loaded before they existed were
    empty (the first `motcua demo` printed its role names in English). As Django's own
    handler of a LOCALE_PATHS change in ``django.test.signals`` does."""
    from asgiref.local import Local
    from django.utils.translation import trans_real

    module: Any = trans_real  # private attributes, reset as Django's test signal handler does
    module._translations = {}
    module._default = None
    module._active = Local()
    clear = getattr(module.check_for_language, "cache_clear", None)  # lru_cache'd in some Django versions
    if clear is not None:
        clear()
