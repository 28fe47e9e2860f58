"""Settings of the look-up benchmark's server: the production settings (``motcua.config.settings``,
DEBUG off, persistent PostgreSQL connections) with the benchmark's URLconf.

The public look-up allows 30 attempts per client address per 10 minutes, counted in the cache;
the load generator is one address, so this server's cache stores nothing (the count stays at 1).
"""

from motcua.config.settings import *  # noqa: F403  (the benchmark serves the real settings)

ROOT_URLCONF = "_bench_urls"
CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
