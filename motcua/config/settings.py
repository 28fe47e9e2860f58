"""MotCua settings: one module, driven by the environment.

Every backend is chosen here from environment variables, with the embedded choice
(SQLite under ``var/``, local-memory cache, media under ``var/media``) as the default.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from importlib.util import find_spec
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

PACKAGE_DIR = Path(__file__).resolve().parent.parent
BASE_DIR = Path(os.environ.get("MOTCUA_HOME", PACKAGE_DIR.parent)).resolve()
VAR_DIR = Path(os.environ.get("MOTCUA_VAR_DIR", BASE_DIR / "var")).resolve()


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("MOTCUA_DEBUG", False)
SECRET_KEY = os.environ.get("MOTCUA_SECRET_KEY", "")
if not SECRET_KEY:
    raise ImproperlyConfigured(
        "MOTCUA_SECRET_KEY is not set. `motcua demo` writes one to var/motcua.env for the demo; "
        "production installs must set their own."
    )
ALLOWED_HOSTS = env_list("MOTCUA_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("MOTCUA_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_tasks",
    "django_tasks_db",
    "ninja",
    "motcua.core",
    "motcua.catalog",
    "motcua.identity",
    "motcua.dossiers",
    "motcua.registries.common",
    "motcua.registries.vessels",
    "motcua.satisfaction",
    "motcua.feedback",
    "motcua.reports",
    "motcua.indices",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "motcua.core.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "motcua.core.middleware.LanguageMiddleware",
    "motcua.core.middleware.ApiBodyLimitMiddleware",
    "motcua.core.middleware.NulInUrlMiddleware",
    "django.middleware.common.CommonMiddleware",
    "motcua.core.urls_public.PublicOriginMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "motcua.core.middleware.StrictScopingMiddleware",
]

# Request bodies (issue 9 item 7): a JSON body up to DATA_UPLOAD_MAX_MEMORY_SIZE (Django's 2.5 MB
# default unless set); document scans go through the multipart upload, at most MOTCUA_MAX_UPLOAD_MB
# a file and MOTCUA_MAX_MULTIPART_MB in one request. Over a limit, the API answers a JSON 413.
DATA_UPLOAD_MAX_MEMORY_SIZE = int(os.environ.get("MOTCUA_MAX_JSON_BODY_BYTES", 2_621_440))
MOTCUA_MAX_UPLOAD_MB = int(os.environ.get("MOTCUA_MAX_UPLOAD_MB", 10))
MOTCUA_MAX_MULTIPART_MB = int(os.environ.get("MOTCUA_MAX_MULTIPART_MB", 100))

ROOT_URLCONF = "motcua.config.urls"
WSGI_APPLICATION = "motcua.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "motcua.core.context_processors.motcua",
            ],
        },
    }
]

# --- Database ---------------------------------------------------------------------------
SQLITE_PATH = VAR_DIR / "motcua.sqlite3"
DATABASE_URL = os.environ.get("DATABASE_URL", f"sqlite:///{SQLITE_PATH}")
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE transactions take the write lock up front, so concurrent writers queue
    # instead of failing on a snapshot upgrade; WAL lets readers run beside one writer.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; PRAGMA busy_timeout=20000;"
        ),
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache, sessions ----------------------------------------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    # Shared by every worker process (attempt limits must not be counted per process): the
    # database cache, its table created by migration core.0004.
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "motcua_cache"}}
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = env_bool("MOTCUA_SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
# A staff session ends after one working day (an office day is 07:00–17:00): a counter computer
# left logged in overnight asks for the password again in the morning.
SESSION_COOKIE_AGE = int(os.environ.get("MOTCUA_SESSION_HOURS", "10")) * 3600
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# HTTPS only when the deployment says so (secure cookies): then browsers are told to keep to it.
SECURE_HSTS_SECONDS = int(os.environ.get("MOTCUA_HSTS_SECONDS", "31536000")) if SESSION_COOKIE_SECURE else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = False
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

# --- Background tasks ---------------------------------------------------------------------
TASKS = {"default": {"BACKEND": os.environ.get("MOTCUA_TASKS_BACKEND", "django_tasks_db.DatabaseBackend")}}

# --- Authentication -------------------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "motcua.core.permissions.RoleBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "core:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "core:home"
# Failed logins (core.services.login_check): after this many on one account from one address,
# that address waits 1 minute, then 2, 4, … up to MOTCUA_LOGIN_LOCK_MINUTES for that account; one
# address failing this many times on any accounts waits the same way for all of them.
# Fail a request that reads a unit-scoped model without restrict()/unrestricted() (on in the tests).
MOTCUA_STRICT_SCOPING = os.environ.get("MOTCUA_STRICT_SCOPING", "") == "1"
MOTCUA_LOGIN_MAX_FAILURES = int(os.environ.get("MOTCUA_LOGIN_MAX_FAILURES", "5"))
MOTCUA_LOGIN_MAX_FAILURES_PER_ADDRESS = int(os.environ.get("MOTCUA_LOGIN_MAX_FAILURES_PER_ADDRESS", "20"))
MOTCUA_LOGIN_LOCK_MINUTES = int(os.environ.get("MOTCUA_LOGIN_LOCK_MINUTES", "15"))
OTP_TOTP_ISSUER = "MotCua"

# --- Internationalisation ------------------------------------------------------------------
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
LANGUAGE_COOKIE_NAME = "motcua_language"
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["motcua.config.formats"]

# --- Static and media ----------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = VAR_DIR / "media"


def media_storage(choice: str, environ: Mapping[str, str]) -> dict[str, Any]:
    """The uploaded files' storage (DESIGN.md: every backend chosen from the environment, the
    embedded one by default). ``filesystem``: ``MEDIA_ROOT``; ``s3``: S3-compatible object
    storage through django-storages (``pip install 'motcua[s3]'``), bucket and endpoint from
    ``MOTCUA_S3_*``, credentials from boto3's own ``AWS_*`` variables; anything else with a dot:
    that storage class, with no options."""
    choice = choice.strip() or "filesystem"
    if choice == "filesystem":
        return {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    if choice == "s3":
        if find_spec("storages") is None:
            raise ImproperlyConfigured("MEDIA_STORAGE=s3 needs django-storages: pip install 'motcua[s3]'.")
        bucket = environ.get("MOTCUA_S3_BUCKET", "")
        if not bucket:
            raise ImproperlyConfigured("MEDIA_STORAGE=s3 needs MOTCUA_S3_BUCKET.")
        options: dict[str, Any] = {
            "bucket_name": bucket,
            "location": environ.get("MOTCUA_S3_PREFIX", "media"),
            "default_acl": "private",  # personal data: never public-read
            "querystring_auth": True,
            "file_overwrite": False,
        }
        if environ.get("MOTCUA_S3_ENDPOINT_URL"):
            options["endpoint_url"] = environ["MOTCUA_S3_ENDPOINT_URL"]
        if environ.get("MOTCUA_S3_REGION"):
            options["region_name"] = environ["MOTCUA_S3_REGION"]
        return {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options}
    if "." in choice:
        return {"BACKEND": choice}
    raise ImproperlyConfigured(f"MEDIA_STORAGE must be filesystem, s3 or a storage class path, not {choice!r}.")


STORAGES = {
    "default": media_storage(os.environ.get("MEDIA_STORAGE", ""), os.environ),
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True

# --- Audit anchor, fixtures, backups (core.audit, core.backup) ------------------------------
# Every committed audit append adds "id hash time" to this append-only file (0600) outside the
# database, so `motcua audit verify` notices a truncated or wiped log. Empty: no anchor.
MOTCUA_AUDIT_ANCHOR_FILE = os.environ.get("MOTCUA_AUDIT_ANCHOR_FILE", str(VAR_DIR / "audit-anchor.log"))
# Where `motcua backup create` writes its archives unless --to is given.
MOTCUA_BACKUP_DIR = Path(os.environ.get("MOTCUA_BACKUP_DIR", VAR_DIR / "backups"))
# dumpdata/loaddata keep microseconds (Django's JSON cuts them, which broke the audit hashes).
SERIALIZATION_MODULES = {"json": "motcua.core.serializers.precise_json", "jsonl": "motcua.core.serializers.precise_jsonl"}

# --- The working-day clock (core.calendar) -------------------------------------------------
# Office sessions of a working day (local time). One working day is their total length.
MOTCUA_OFFICE_SESSIONS = os.environ.get("MOTCUA_OFFICE_SESSIONS", "07:00-11:00,13:00-17:00")
# Same-day procedures received after this time are due the next working day (per procedure
# overridable); N-day periods never use it (RULES.md §1.6).
MOTCUA_RECEIPT_CUTOFF = os.environ.get("MOTCUA_RECEIPT_CUTOFF", "15:00")
# Seconds a process keeps a unit's loaded working calendar (0: read the overrides every time).
MOTCUA_CALENDAR_CACHE_SECONDS = int(os.environ.get("MOTCUA_CALENDAR_CACHE_SECONDS", "60"))

# --- Dossier codes (RULES.md §1.7, docs/dossiers.md) -------------------------------------------
# Two digits ("AA") of the central system's owner, only for a centrally provided service:
# codes become <identifier>-YYMMDD-AAXXXX. Empty (provinces, communes): <identifier>-YYMMDD-XXXX.
MOTCUA_DOSSIER_SYSTEM_DIGITS = os.environ.get("MOTCUA_DOSSIER_SYSTEM_DIGITS", "")
# Grammar of agency electronic identifiers (Decision 20/2020/QĐ-TTg); empty: dotted groups.
MOTCUA_AGENCY_IDENTIFIER_PATTERN = os.environ.get("MOTCUA_AGENCY_IDENTIFIER_PATTERN", "")

# --- Public URL used in QR codes and messages (core.urls_public) ------------------------------
# Empty (the default): links follow the address actually served (the request's host, or the
# address `motcua serve` binds to). Set, it always wins (a reverse proxy's public name).
MOTCUA_PUBLIC_URL = os.environ.get("MOTCUA_PUBLIC_URL", "")

# --- Digital signatures on issued PDFs (core.signing, docs/slips.md) ---------------------------
# Agencies' keys and certificates and the trusted roots (folders 0700, files 0600).
MOTCUA_PKI_DIR = Path(os.environ.get("MOTCUA_PKI_DIR", VAR_DIR / "pki"))
# Demo and tests only: the demo CA issues a certificate on demand to an agency that has none.
# Off (the default), an agency without a certificate cannot issue a slip.
MOTCUA_SIGNING_DEMO_CA = env_bool("MOTCUA_SIGNING_DEMO_CA", False)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("MOTCUA_LOG_LEVEL", "WARNING")},
}

# --- Notifications (core.notifications) ------------------------------------------------------
MOTCUA_NOTIFICATION_BACKEND = os.environ.get("MOTCUA_NOTIFICATION_BACKEND", "motcua.core.notifications.FileBackend")
MOTCUA_NOTIFICATION_FILE = Path(os.environ.get("MOTCUA_NOTIFICATION_FILE", VAR_DIR / "notifications.log"))
MOTCUA_SMS_BACKEND = os.environ.get("MOTCUA_SMS_BACKEND", "")

# --- National-portal synchronisation (dossiers.portal_sync, docs/portal-sync.md) --------------
# The sender of the outbox (dotted path): the demo writes JSON lines to MOTCUA_PORTAL_FILE.
MOTCUA_PORTAL_SENDER = os.environ.get("MOTCUA_PORTAL_SENDER", "motcua.dossiers.portal_senders.FilePortalSender")
MOTCUA_PORTAL_FILE = Path(os.environ.get("MOTCUA_PORTAL_FILE", VAR_DIR / "portal-sync.jsonl"))
# After a failed run, the next try of a record waits this long, doubling per attempt (max 1 h).
MOTCUA_PORTAL_RETRY_SECONDS = int(os.environ.get("MOTCUA_PORTAL_RETRY_SECONDS", "60"))
# Enqueue a sending task (run by `motcua worker`) after each change commits.
MOTCUA_PORTAL_SEND_ON_COMMIT = env_bool("MOTCUA_PORTAL_SEND_ON_COMMIT", True)

# --- Citizen identification (motcua.identity) -------------------------------------------------
# Face templates are encrypted at rest (AES-GCM) with this key: 32 random bytes, URL-safe base64
# (`python -c "import base64,os;print(base64.urlsafe_b64encode(os.urandom(32)).decode())"`).
# Several keys separated by commas rotate: the first encrypts, all decrypt. Unset: no face features.
MOTCUA_FACE_KEY = os.environ.get("MOTCUA_FACE_KEY", "")
# Euclidean distance between two dlib embeddings below which they are the same person
# (calibrated in docs/face-calibration.md).
MOTCUA_FACE_THRESHOLD = float(os.environ.get("MOTCUA_FACE_THRESHOLD", "0.55"))
# Templates not matched for this many days are deleted by the retention task.
MOTCUA_FACE_RETENTION_DAYS = int(os.environ.get("MOTCUA_FACE_RETENTION_DAYS", "730"))
MOTCUA_FACE_INDEX_DIR = Path(os.environ.get("MOTCUA_FACE_INDEX_DIR", VAR_DIR / "face_index"))
# A partition of the face index with more templates than this uses HNSW instead of exact search.
MOTCUA_FACE_EXACT_MAX = int(os.environ.get("MOTCUA_FACE_EXACT_MAX", "100000"))
MOTCUA_FACE_HNSW_EF = int(os.environ.get("MOTCUA_FACE_HNSW_EF", "128"))
# Dotted path of a liveness check (callable(image) -> bool); empty: not checked (out of scope).
MOTCUA_FACE_LIVENESS_CHECK = os.environ.get("MOTCUA_FACE_LIVENESS_CHECK", "")
# Uploaded images: largest file and largest decoded size accepted.
MOTCUA_IMAGE_MAX_BYTES = int(os.environ.get("MOTCUA_IMAGE_MAX_BYTES", str(8 * 1024 * 1024)))
MOTCUA_IMAGE_MAX_PIXELS = int(os.environ.get("MOTCUA_IMAGE_MAX_PIXELS", str(24_000_000)))
# Birth-place codes of personal IDs beyond the 63 province codes (country codes for births
# abroad are not published: RULES.md §6.1 [NF]).
MOTCUA_ID_EXTRA_PLACE_CODES = env_list("MOTCUA_ID_EXTRA_PLACE_CODES")
# One-time codes that let a citizen read their access log.
MOTCUA_ACCESS_CODE_MINUTES = int(os.environ.get("MOTCUA_ACCESS_CODE_MINUTES", "10"))
MOTCUA_ACCESS_CODE_MAX_ATTEMPTS = int(os.environ.get("MOTCUA_ACCESS_CODE_MAX_ATTEMPTS", "5"))
