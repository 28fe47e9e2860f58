"""Issue 9 item 10: attempt limits live in a cache every worker process shares."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.core.cache import caches
from django.test import Client

from motcua.core import throttle

pytestmark = pytest.mark.django_db


def test_the_default_cache_is_shared_by_processes_unless_redis_is_configured() -> None:
    backend = settings.CACHES["default"]["BACKEND"]

    assert backend in ("django.core.cache.backends.db.DatabaseCache", "django.core.cache.backends.redis.RedisCache")


def test_a_second_worker_sees_the_first_workers_attempts() -> None:
    """Two cache connections, as two gunicorn workers would open: one count."""
    first, second = caches.create_connection("default"), caches.create_connection("default")
    first.add("k", 0, timeout=60)
    first.incr("k")

    second.incr("k")

    assert (first.get("k"), second.get("k")) == (2, 2)


def test_lookup_limit_is_the_documented_thirty_per_address_across_workers() -> None:
    from motcua.dossiers.public import LOOKUP_LIMIT

    statuses = [Client(REMOTE_ADDR="10.1.1.1").get("/api/v1/lookup/KHONG-CO?check=1234").status_code for _ in range(31)]

    assert LOOKUP_LIMIT == 30
    assert statuses[:30] == [404] * 30 and statuses[30] == 429


def test_a_user_name_never_appears_in_a_cache_key() -> None:
    count = throttle.count_hit("login.pair", "nguyen.van.an", "10.0.0.1", window_seconds=60)

    assert count == 1
    assert "nguyen" not in throttle._key("login.pair", "nguyen.van.an", "10.0.0.1")
