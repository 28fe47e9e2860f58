"""The labelled duplicates set (``data/duplicates_vi.json``, written from NYC 311 requests: see
``data/SOURCES.md``) and precision@3 / recall@3 of ``selectors.similar_petitions`` on it, shared by
the test and ``benchmarks/bench_duplicates.py``."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

DATA = Path(__file__).resolve().parent / "data" / "duplicates_vi.json"
# Invented procedure codes standing for the shipped ones the set names (tests must not create
# procedures with shipped codes).
CODE_PREFIX = "DUP-"


def load() -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = json.loads(DATA.read_text(encoding="utf-8"))["items"]
    return items


@dataclass(frozen=True)
class Quality:
    precision: float  # proposed petitions that are true duplicates ÷ petitions proposed
    recall: float  # true duplicates proposed ÷ true duplicates (at most 3 per query)
    proposed: int
    queries: int


def file_all(items: list[dict[str, Any]], *, unit_code: str = "32218", at: datetime | None = None) -> dict[int, str]:
    """File every item as a web petition through ``petition_submit``; item id → petition code."""
    from motcua.catalog.models import Procedure, Sector
    from motcua.feedback.choices import PetitionChannel
    from motcua.feedback.services import PetitionInput, petition_submit

    sector, _ = Sector.objects.get_or_create(slug="dup-test", defaults={"name": "Thử nghiệm trùng lặp"})
    codes: dict[int, str] = {}
    start = at or datetime.now().astimezone()
    for n, item in enumerate(items):
        procedure_code = ""
        if item["procedure_code"]:
            procedure_code = CODE_PREFIX + item["procedure_code"]
            Procedure.objects.get_or_create(code=procedure_code, defaults={"name": procedure_code, "sector": sector})
        data = PetitionInput(
            title=item["title"],
            content=item["content"],
            channel=PetitionChannel.WEB,
            petitioner_name="Người Thử Nghiệm",
            petitioner_address="Ấp Thử Nghiệm",
            petitioner_phone=f"09{n:08d}",
            unit_code=unit_code,
            procedure_code=procedure_code,
            place=item["place"],
            officer_named=item["officer_named"],
        )
        codes[item["id"]] = petition_submit(actor=None, data=data, at=start - timedelta(minutes=n)).petition.code
    return codes


def measure(items: list[dict[str, Any]], codes: dict[int, str], *, unit_code: str = "32218") -> Quality:
    """Each item asks for its 3 most similar petitions among all the others (leave-one-out)."""
    from motcua.catalog.models import Procedure
    from motcua.feedback.models import Petition
    from motcua.feedback.selectors import receiving_unit, similar_petitions

    unit = receiving_unit(unit_code)
    assert unit is not None
    cluster = {codes[i["id"]]: i["cluster"] for i in items}
    petitions = {p.code: p for p in Petition.objects.unrestricted("test").filter(code__in=codes.values())}
    procedures = {p.code: p for p in Procedure.objects.filter(code__startswith=CODE_PREFIX)}
    hits = proposed = relevant = 0
    for item in items:
        own = petitions[codes[item["id"]]]
        found = similar_petitions(
            unit=unit,
            title=item["title"],
            content=item["content"],
            procedure=procedures.get(CODE_PREFIX + item["procedure_code"]) if item["procedure_code"] else None,
            place=item["place"],
            officer_named=item["officer_named"],
            exclude=own,
        )
        mates = sum(1 for i in items if i["cluster"] == item["cluster"] and i["id"] != item["id"])
        hits += sum(1 for s in found if cluster[s.code] == item["cluster"])
        proposed += len(found)
        relevant += min(mates, 3)
    return Quality(hits / (proposed or 1), hits / (relevant or 1), proposed, len(items))
