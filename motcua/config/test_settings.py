"""Settings for the test suite: a fixed, test-only secret and fast password hashing."""

import os

os.environ.setdefault("MOTCUA_SECRET_KEY", "test-only-secret-key-not-for-production")

from motcua.config.settings import *  # noqa: F403  (test settings extend the real ones)
from motcua.config.settings import STATIC_ROOT

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed only, tests only
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # silences WhiteNoise; var/ is git-ignored
MOTCUA_NOTIFICATION_BACKEND = "motcua.core.notifications.MemoryBackend"
MOTCUA_PORTAL_SENDER = "motcua.dossiers.portal_senders.MemoryPortalSender"
# Tests send the portal outbox explicitly (portal_records_send), never from a commit hook.
MOTCUA_PORTAL_SEND_ON_COMMIT = False
# Tests add and roll back overrides freely: read them on every call (the cache has its own tests).
MOTCUA_CALENDAR_CACHE_SECONDS = int(os.environ.get("MOTCUA_TEST_CALENDAR_CACHE_SECONDS", "0"))
# The demo CA signs every slip in tests; conftest.py points MOTCUA_PKI_DIR at a temporary folder.
MOTCUA_SIGNING_DEMO_CA = True
# The audit anchor file is off (the database rolls back after each test, a file would not):
# the anchor's tests point it at a temporary file.
MOTCUA_AUDIT_ANCHOR_FILE = ""
# Every request in the tests fails when it reads a unit-scoped model without restrict(user,
# action) or unrestricted(reason) (docs/security.md "Scoping").
MOTCUA_STRICT_SCOPING = True
