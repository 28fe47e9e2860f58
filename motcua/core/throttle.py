"""Attempt limits kept in the shared cache (issue 9 item 10).

The cache is the one every worker process shares: the database cache by default (a table created
by migration ``core.0004``), Redis when ``REDIS_URL`` is set. A per-process memory cache would let
each gunicorn worker count on its own, so a limit of 30 became 90 with three workers.

Nothing here writes a table row per user name: counters are cache keys that expire by themselves,
and a user name is hashed into its key, so guessing names grows nothing.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass

from django.core.cache import cache


def _key(*parts: str) -> str:
    digest = hashlib.sha256("\x1f".join(parts).encode("utf-8", "surrogatepass")).hexdigest()[:32]
    return f"motcua:throttle:{parts[0]}:{digest}"


def count_hit(scope: str, *who: str, window_seconds: int) -> int:
    """Add one attempt for ``who`` in ``scope`` and return the count in the current window.

    The window starts at the first attempt (a fixed window, not sliding)."""
    key = _key(scope, *who)
    cache.add(key, 0, timeout=window_seconds)
    try:
        return int(cache.incr(key))
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window_seconds)
        return 1


def forget(scope: str, *who: str) -> None:
    cache.delete_many([_key(scope, *who), _key(f"{scope}.block", *who)])


@dataclass(frozen=True)
class Block:
    until: float  # epoch seconds

    @property
    def seconds_left(self) -> int:
        return max(0, int(self.until - time.time() + 0.999))


def blocked(scope: str, *who: str) -> Block | None:
    until = cache.get(_key(f"{scope}.block", *who))
    if until is None or float(until) <= time.time():
        return None
    return Block(float(until))


def block_for(scope: str, *who: str, seconds: int) -> Block:
    until = time.time() + seconds
    cache.set(_key(f"{scope}.block", *who), until, timeout=seconds)
    return Block(until)


def backoff_seconds(failures: int, *, free: int, first_seconds: int, max_seconds: int) -> int:
    """0 while ``failures`` < ``free``; then ``first_seconds`` doubling with each further
    failure, capped at ``max_seconds`` (5 free: the 5th failure waits 1 min, the 6th 2, …)."""
    if failures < free:
        return 0
    return int(min(max_seconds, first_seconds * 2 ** min(failures - free, 20)))
