"""The administrative-unit lists shipped with MotCua.

Copied (gzip-compressed) from ``shared/data/admin_units``; origins in
``motcua/core/data/SOURCES.md``: the 2025 list (Decision 19/2025/QĐ-TTg, via dvhcvn/20250701,
MIT), the pre-2025 list and the old→new mapping (NSO tables, cross-checked).
"""

from __future__ import annotations

import csv
import gzip
import io
from collections.abc import Iterator
from datetime import date
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"
REFORM_DATE = date(2025, 7, 1)  # the two-level structure takes effect (Law 72/2025/QH15)


def read_csv(name: str, data_dir: Path | None = None) -> Iterator[dict[str, str]]:
    path = (data_dir or DATA_DIR) / name
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rb") as raw:
        text = io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")
        yield from csv.DictReader(text)
