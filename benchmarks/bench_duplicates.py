"""Similar petitions (issue 11, duplicates and +1) among 100,000 petitions of one commune.

Target: p95 of ``selectors.similar_petitions`` under 50 ms for a new text, on SQLite and on
PostgreSQL (``DATABASE_URL``), beside two floors measured in the same run:

* a bare indexed one-row query (a petition by primary key);
* fetching the candidate rows without scoring (``selectors.similar_candidates``: the live
  petitions sharing the most index terms with the text, through ``PetitionTerm``).

The petitions are inserted in bulk in commune 32218, received over the last three years (ids in
the order of receipt, as when they are filed one by one), with
text generated from the labelled set's vocabulary (``motcua/feedback/tests/data/duplicates_vi.json``):
each is one labelled petition with words dropped and swapped, sometimes without diacritics, with
a house number, a group (tổ) and a date added. The queries are 300 new texts made the same way.
On PostgreSQL it also times a ``pg_trgm`` search (``%`` with a GIN index on ``content_folded``,
created here only) for comparison. It then files the labelled set in commune 32214 and prints
precision@3 / recall@3 there.

    .venv/bin/python benchmarks/bench_duplicates.py                 # temp SQLite, or DATABASE_URL
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/motcua_bench_dup .venv/bin/python benchmarks/bench_duplicates.py

Prints figures; never asserts.
"""

from __future__ import annotations

import argparse
import random
from datetime import timedelta
from typing import Any

import _setup

COUNT = 100_000
QUERIES = 300
UNIT = "32218"
TARGET_P95_MS = 50.0


def _variant(rng: random.Random, item: dict[str, Any]) -> tuple[str, str, str]:
    """A new petition about the same problem as ``item``: title, content, place."""
    from motcua.core.text import fold

    words = item["content"].split()
    for _ in range(rng.randint(0, 3)):
        if len(words) > 6:
            words.pop(rng.randrange(len(words)))
    for _ in range(rng.randint(0, 2)):
        i = rng.randrange(len(words) - 1)
        words[i], words[i + 1] = words[i + 1], words[i]
    extra = rng.choice(
        [
            f"Nhà tôi ở số {rng.randint(1, 400)}, tổ {rng.randint(1, 30)}.",
            f"Tình trạng này từ ngày {rng.randint(1, 28):02d}/{rng.randint(1, 12):02d}.",
            f"Đã báo tổ trưởng tổ {rng.randint(1, 30)} nhưng chưa có kết quả.",
            "",
        ]
    )
    content = " ".join(words) + (" " + extra if extra else "")
    title = item["title"]
    if rng.random() < 0.25:
        title, content = fold(title), fold(content)
    return title, content, item["place"]


def seed(count: int, items: list[dict[str, Any]], *, rng_seed: int = 11) -> int:
    """Bulk-insert petitions in commune ``UNIT`` until it holds ``count``; how many were added."""
    from django.utils import timezone

    from motcua.core.models import AdministrativeUnit, Agency
    from motcua.core.text import fold
    from motcua.feedback.choices import PetitionChannel
    from motcua.feedback.choices import PetitionStatus as S
    from motcua.feedback.models import Petition
    from motcua.feedback.similarity import similarity_key

    unit = AdministrativeUnit.objects.get(code=UNIT, valid_to__isnull=True)
    rows = Petition.objects.unrestricted("benchmark")
    existing = rows.filter(unit=unit).count()
    if existing >= count:
        return 0
    desk = Agency.objects.filter(unit=unit).order_by("kind").first()
    rng = random.Random(rng_seed + existing)
    now = timezone.now()
    open_statuses = [S.RECEIVED, S.CLASSIFIED, S.PROCESSING, S.ANSWER_DRAFTED, S.AWAITING_PUBLICATION, S.AWAITING_INFO]
    # Filed over time, as in life: the older a petition, the smaller its id.
    ages = sorted((rng.randint(30, 3 * 365 * 24 * 60) for _ in range(existing, count)), reverse=True)
    batch: list[Petition] = []
    for n, minutes in zip(range(existing, count), ages, strict=True):
        title, content, place = _variant(rng, rng.choice(items))
        age = timedelta(minutes=minutes)
        received = now - age
        ended: dict[str, Any] = {}
        if age < timedelta(days=20) or rng.random() < 0.02:
            status = rng.choice(open_statuses)
        else:
            status = rng.choices([S.CLOSED, S.PUBLISHED, S.FORWARDED, S.REFUSED, S.MERGED], [60, 20, 8, 7, 5])[0]
            if status in (S.CLOSED, S.PUBLISHED):
                ended["published_at"] = received + timedelta(days=12)
            if status in (S.CLOSED, S.MERGED, S.REFUSED):
                ended["closed_at"] = received + timedelta(days=20)
        batch.append(
            Petition(
                code=f"PA-{UNIT}-D{n:07d}",
                unit=unit,
                agency=desk,
                channel=PetitionChannel.WEB,
                title=title[:200],
                content=content,
                content_folded=fold(f"{title} {content}"),
                similarity_key=similarity_key(f"{title} {content}"),
                petitioner_name="Nguyễn Văn Bench",
                petitioner_phone="0900000000",
                place=place,
                status=status,
                received_at=received,
                clock_started_at=received,
                answer_due_at=received + timedelta(days=21),
                step_due_at=received + timedelta(days=3),
                **ended,
            )
        )
        if len(batch) == 5_000:
            _insert(batch, now)
            batch = []
    if batch:
        _insert(batch, now)
    return count - existing


def _insert(batch: list[Any], now: Any) -> None:
    """The petitions and their shingle index (``PetitionTerm``), as the services write them."""
    from django.db import transaction

    from motcua.feedback.models import Petition, PetitionTerm
    from motcua.feedback.similarity import index_terms, live_until

    with transaction.atomic():
        Petition.objects.bulk_create(batch)
        terms = []
        for p in batch:
            until = live_until(p.status, published_at=p.published_at, closed_at=p.closed_at, at=p.closed_at or now)
            terms += [
                PetitionTerm(petition_id=p.pk, unit_id=p.unit_id, term=t, live_until=until)
                for t in index_terms(f"{p.title} {p.content}")
            ]
        PetitionTerm.objects.bulk_create(terms, batch_size=10_000)


def vacuum() -> None:
    """PostgreSQL: set the visibility map after the bulk load, as autovacuum does in service (an
    index-only scan otherwise visits the table for every row)."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM (ANALYZE) feedback_petitionterm")
            cursor.execute("VACUUM (ANALYZE) feedback_petition")


def pg_trgm_times(texts: list[str], unit_id: int, repeat: int) -> list[float] | None:
    """PostgreSQL only: the same question asked to ``pg_trgm`` (``%`` on a GIN trigram index of
    ``content_folded``, top 3 by ``similarity``), for comparison; the index is dropped after."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        cursor.execute("CREATE INDEX IF NOT EXISTS bench_dup_trgm ON feedback_petition USING gin (content_folded gin_trgm_ops)")
        cursor.execute("SET pg_trgm.similarity_threshold = 0.46")  # the best threshold on the labelled set
    texts_iter = iter(texts * (repeat // len(texts) + 2))

    def one() -> None:
        text = next(texts_iter)
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT id FROM feedback_petition WHERE unit_id = %s AND content_folded %% %s "
                "ORDER BY similarity(content_folded, %s) DESC LIMIT 3",
                [unit_id, text, text],
            )
            cursor.fetchall()

    try:
        return _setup.timed(one, repeat=repeat, warmup=3)
    finally:
        with connection.cursor() as cursor:
            cursor.execute("DROP INDEX IF EXISTS bench_dup_trgm")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=COUNT, help="petitions in the commune (default 100,000)")
    parser.add_argument("--queries", type=int, default=QUERIES, help="new texts asked about")
    parser.add_argument("--no-trgm", action="store_true", help="skip the pg_trgm comparison on PostgreSQL")
    args = parser.parse_args()

    _setup.django_setup(name="duplicates")
    from django.utils import timezone

    from motcua.core.models import AdministrativeUnit
    from motcua.core.text import fold
    from motcua.feedback.models import Petition, PetitionTerm
    from motcua.feedback.selectors import CANDIDATES, POSTINGS_PER_TERM, similar_candidates, similar_petitions
    from motcua.feedback.tests import labelled

    items = labelled.load()
    added = seed(args.count, items)
    if added:
        _setup.analyze()
        vacuum()
    unit = AdministrativeUnit.objects.get(code=UNIT, valid_to__isnull=True)
    rows = Petition.objects.unrestricted("benchmark").filter(unit=unit)
    total = rows.count()
    now = timezone.now()
    live = PetitionTerm.objects.filter(unit=unit, live_until__gt=now).values("petition").distinct().count()
    rng = random.Random(99)
    queries = [_variant(rng, rng.choice(items)) for _ in range(args.queries)]
    scored = [len(similar_candidates(unit=unit, text=f"{t} {c}", now=now)) for t, c, _p in queries[:20]]
    pks = list(rows.values_list("pk", flat=True)[:5000])
    print(_setup.machine())
    print(f"{_setup.vendor()}: {total:,} petitions in commune {UNIT} ({added:,} added now), {live:,} of them proposable; "
          f"{sum(scored) / len(scored):.0f} candidates scored per query (at most {CANDIDATES} sharing the most terms, "
          f"{POSTINGS_PER_TERM} rows a term)")  # fmt: skip

    pk_iter = iter(pks * 10)
    floor_row = _setup.timed(lambda: rows.filter(pk=next(pk_iter)).values_list("code", "status").first(), repeat=args.queries)
    scan_iter = iter(queries * 2)

    def fetch() -> None:
        title, content, _place = next(scan_iter)
        similar_candidates(unit=unit, text=f"{title} {content}", now=now)

    floor_scan = _setup.timed(fetch, repeat=args.queries)
    query_iter = iter(queries * 2)

    def ask() -> None:
        title, content, place = next(query_iter)
        similar_petitions(unit=unit, title=title, content=content, place=place, now=now)

    measured = _setup.timed(ask, repeat=args.queries)
    p95 = _setup.percentile(measured, 95)
    base = _setup.percentile(floor_scan, 95)
    print(f"  floor, one row by pk:            {_setup.summary_ms(floor_row)}")
    print(f"  floor, candidate rows unscored:  {_setup.summary_ms(floor_scan)}")
    print(f"  similar_petitions (new text):    {_setup.summary_ms(measured)}")
    print(f"  p95 {p95:.1f} ms (< {TARGET_P95_MS:.0f}: {'yes' if p95 < TARGET_P95_MS else 'no'}); "
          f"{p95 / base:.2f}× the unscored fetch")  # fmt: skip
    if not args.no_trgm:
        trgm = pg_trgm_times([fold(f"{t} {c}") for t, c, _p in queries[:50]], unit.pk, repeat=50)
        if trgm is not None:
            print(f"  pg_trgm % + similarity, top 3:   {_setup.summary_ms(trgm)}")

    other = "32214"
    codes = {}
    if not Petition.objects.unrestricted("benchmark").filter(unit__code=other).exists():
        codes = labelled.file_all(items, unit_code=other)
    else:
        by_title = dict(Petition.objects.unrestricted("benchmark").filter(unit__code=other).values_list("content", "code"))
        codes = {i["id"]: by_title[i["content"]] for i in items if i["content"] in by_title}
    quality = labelled.measure(items, codes, unit_code=other)
    print(f"labelled set ({quality.queries} petitions, commune {other}): precision@3 {quality.precision:.3f}, "
          f"recall@3 {quality.recall:.3f} ({quality.proposed} proposed)")  # fmt: skip


if __name__ == "__main__":
    main()
