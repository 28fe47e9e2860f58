"""Text similarity of petitions (issue 11, "duplicates and +1"): pure, no database.

Texts are compared accent-free (``core.text.fold``: đ→d, marks dropped, casefold), as words.
The candidates come from the shingle index (``index_terms``, stored as ``PetitionTerm`` rows
with ``live_until``; read by ``selectors.similar_candidates``); scoring then runs in two stages:

1. a cheap pre-score, ``rapidfuzz.fuzz.ratio`` over each petition's stored ``similarity_key``
   (its folded words, de-duplicated and sorted, filler words left out: word order and repeats
   do not matter), run in C over every candidate (≈0.4 µs a pair);
2. the text score of the best ``RESCORE`` of them: the mean of ``fuzz.token_set_ratio`` and the
   Dice coefficient of their word pairs (two adjacent syllables, which is how most Vietnamese
   words are written) and of their long single words, 0–100; then a bonus for the same
   procedure, the same place and the same officer named.

Measured on the labelled set (``tests/data/duplicates_vi.json``, docs/feedback.md): this
combination did better than either part alone and as well as PostgreSQL ``pg_trgm``'s
``similarity``, which would work on one of the two databases only.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from hashlib import blake2b
from itertools import pairwise

from rapidfuzz import fuzz, process

from motcua.core.text import fold
from motcua.feedback.choices import OPEN_STATUSES, PetitionStatus

_NOT_WORD = re.compile(r"[^\w]+")
# Filler syllables left out of the key (folded): they occur in most petitions and say nothing of
# the problem. Kept in the Dice pairs, where "khong co" still means something. Syllables that fold
# onto a meaningful word are kept: "den" (đến / đèn), "cho" (cho / chợ / chó), "do" (đó / đỏ),
# "tu" (từ / Tư), "hon" (hơn / hôn nhân), "moi" (mỗi / mới).
FILLER = frozenset(
    [
        "a",
        "anh",
        "ban",
        "bi",
        "cac",
        "chung",
        "co",
        "con",
        "cua",
        "da",
        "dan",
        "de",
        "di",
        "duoc",
        "gi",
        "hay",
        "khi",
        "khong",
        "la",
        "lai",
        "lam",
        "len",
        "ma",
        "minh",
        "mot",
        "nay",
        "nao",
        "nhieu",
        "nhung",
        "nhu",
        "o",
        "phai",
        "qua",
        "ra",
        "rat",
        "roi",
        "sau",
        "se",
        "tai",
        "the",
        "thi",
        "toi",
        "tren",
        "trong",
        "va",
        "van",
        "vao",
        "ve",
        "vi",
        "voi",
        "xa",
        "xin",
    ]
)
KEY_LENGTH = 1000  # characters kept of a key (a long petition's words beyond it change little)
RESCORE = 40  # candidates re-scored in full after the pre-score
TEXT_THRESHOLD = 45.0  # the text score at which the text alone is a reason
SCORE_THRESHOLD = 50.0  # the total at which a petition is proposed
BONUS_PROCEDURE = 8.0
BONUS_PLACE = 8.0
BONUS_OFFICER = 8.0
NAME_MATCH = 90  # partial_ratio at which two places or two officers' names are the same


def words(text: str) -> list[str]:
    """The folded words of ``text`` (punctuation is a separator)."""
    return _NOT_WORD.sub(" ", fold(text)).split()


def similarity_key(text: str) -> str:
    """The stored key: folded words, de-duplicated, filler left out, sorted, at most
    ``KEY_LENGTH`` characters."""
    return " ".join(sorted({w for w in words(text) if w not in FILLER}))[:KEY_LENGTH]


MAX_TERMS = 48  # index terms kept per petition (and per query), in order of appearance


def term_hash(term: str) -> int:
    """A signed 64-bit number for an index term (``PetitionTerm.term``): compact and fast to
    compare; two terms sharing one is harmless (the candidates are scored again in full)."""
    return int.from_bytes(blake2b(term.encode(), digest_size=8).digest(), "big", signed=True)


def index_terms(text: str) -> list[int]:
    """The terms a petition is found by (``PetitionTerm``): its distinct pairs of adjacent folded
    words, leaving out pairs of two filler words, at most ``MAX_TERMS``, hashed."""
    tokens = words(text)
    seen: dict[int, None] = {}
    for a, b in pairwise(tokens):
        if a in FILLER and b in FILLER:
            continue
        seen.setdefault(term_hash(f"{a} {b}"), None)
        if len(seen) >= MAX_TERMS:
            break
    if not seen and tokens:  # a one-word text
        seen[term_hash(tokens[0])] = None
    return list(seen)


RECENT_DAYS = 90  # an answered, forwarded or closed petition stays proposable this long
OPEN_ENDED = datetime(9999, 12, 31, tzinfo=UTC)  # ``live_until`` of an open petition


def live_until(status: str, *, published_at: datetime | None, closed_at: datetime | None, at: datetime) -> datetime:
    """Until when a petition in ``status`` may be proposed as a duplicate (``PetitionTerm``):
    always while open; ``RECENT_DAYS`` after it was answered (published), forwarded or closed
    (``at``: the time of the change, for the forward, which stores none); never once refused
    or merged (``at``)."""
    if status in OPEN_STATUSES:
        return OPEN_ENDED
    recent = timedelta(days=RECENT_DAYS)
    if status == PetitionStatus.PUBLISHED:
        return (published_at or at) + recent
    if status == PetitionStatus.CLOSED:
        return (closed_at or at) + recent
    if status == PetitionStatus.FORWARDED:
        return at + recent
    return at  # refused, merged


def _shingles(tokens: Sequence[str]) -> set[str]:
    pairs = {f"{a} {b}" for a, b in pairwise(tokens)}
    return pairs | {w for w in tokens if len(w) > 3}


@dataclass(frozen=True)
class _Text:
    """A text ready for stage 2: its words joined and its shingles."""

    joined: str
    shingles: frozenset[str]


def _prepared(text: str, *, folded: bool = False) -> _Text:
    tokens = (_NOT_WORD.sub(" ", text) if folded else _NOT_WORD.sub(" ", fold(text))).split()
    return _Text(" ".join(tokens), frozenset(_shingles(tokens)))


def _score(a: _Text, b: _Text) -> float:
    dice = 200.0 * len(a.shingles & b.shingles) / ((len(a.shingles) + len(b.shingles)) or 1)
    return 0.5 * dice + 0.5 * float(fuzz.token_set_ratio(a.joined, b.joined))


def text_score(a: str, b: str) -> float:
    """0–100: how alike two texts are (stage 2), accent-free."""
    return _score(_prepared(a), _prepared(b))


def same_name(a: str, b: str) -> bool:
    """Two places or two officers' names are the same, accent-free ("ấp Cái Đôi" ≈ "Cai Doi")."""
    fa, fb = " ".join(words(a)), " ".join(words(b))
    return bool(fa and fb) and fuzz.partial_ratio(fa, fb) >= NAME_MATCH


class Reason:
    """Why a petition is proposed (stable codes; labels in ``selectors``)."""

    TEXT = "text"
    PROCEDURE = "procedure"
    PLACE = "place"
    OFFICER = "officer"


@dataclass(frozen=True)
class Query:
    text: str  # title + content
    procedure_id: int | None = None
    place: str = ""
    officer_named: str = ""


@dataclass(frozen=True)
class Candidate:
    pk: int
    key: str  # ``similarity_key``
    text: str  # folded title + content
    procedure_id: int | None
    place: str
    officer_named: str


@dataclass(frozen=True)
class Match:
    pk: int
    score: float
    text_score: float
    reasons: tuple[str, ...]


def rank(query: Query, candidates: Sequence[Candidate], *, limit: int = 3, threshold: float = SCORE_THRESHOLD) -> list[Match]:
    """The best ``limit`` candidates scoring at least ``threshold``, best first (ties: newest
    first, as the candidates come newest first)."""
    if not candidates:
        return []
    query_key = similarity_key(query.text)
    if not query_key:
        return []
    query_text = _prepared(query.text)
    pre = process.extract(query_key, [c.key for c in candidates], scorer=fuzz.ratio, limit=RESCORE)
    matches: list[tuple[float, int, Match]] = []
    for _key, _pre_score, index in pre:
        candidate = candidates[index]
        score = _score(query_text, _prepared(candidate.text, folded=True))
        reasons = [Reason.TEXT] if score >= TEXT_THRESHOLD else []
        total = score
        if query.procedure_id is not None and query.procedure_id == candidate.procedure_id:
            total += BONUS_PROCEDURE
            reasons.append(Reason.PROCEDURE)
        if query.place and same_name(query.place, candidate.place):
            total += BONUS_PLACE
            reasons.append(Reason.PLACE)
        if query.officer_named and same_name(query.officer_named, candidate.officer_named):
            total += BONUS_OFFICER
            reasons.append(Reason.OFFICER)
        if total >= threshold:
            matches.append((-total, index, Match(candidate.pk, round(min(total, 100.0), 1), round(score, 1), tuple(reasons))))
    matches.sort(key=lambda row: (row[0], row[1]))
    return [m for _neg, _index, m in matches[:limit]]
