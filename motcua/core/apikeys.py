"""API keys for integrations (``motcua apikey create --user NAME``)."""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer

from motcua.core.audit import audit_record
from motcua.core.models import ApiKey

KEY_PREFIX = "mc_"


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def apikey_create(*, user: User, name: str = "", actor: User | None = None) -> tuple[ApiKey, str]:
    """Create a key for ``user``; returns the row and the key (shown once, never stored)."""
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        row = ApiKey.objects.create(user=user, name=name, prefix=key[:12], key_hash=_hash(key))
        audit_record(
            action="apikey.create",
            actor=actor,
            object_type="api_key",
            object_id=row.pk,
            data={"user": user.get_username(), "name": name},
        )
    return row, key


def apikey_revoke(*, key_id: int, actor: User | None = None) -> None:
    with transaction.atomic():
        ApiKey.objects.filter(pk=key_id, revoked_at__isnull=True).update(revoked_at=timezone.now())
        audit_record(action="apikey.revoke", actor=actor, object_type="api_key", object_id=key_id)


def user_for_key(key: str) -> User | None:
    row = ApiKey.objects.select_related("user").filter(key_hash=_hash(key), revoked_at__isnull=True).first()
    if row is None or not row.user.is_active:
        return None
    ApiKey.objects.filter(pk=row.pk).update(last_used_at=timezone.now())
    return row.user


class ApiKeyAuth(HttpBearer):
    """``Authorization: Bearer <key>``; sets ``request.user`` to the key's user."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = user_for_key(token)
        if user is None:
            return None
        request.user = user
        return user


class SessionAuth:
    """The logged-in staff session (pages' fetch/htmx calls). CSRF is checked for writes."""

    openapi_type = "apiKey"

    def __call__(self, request: HttpRequest) -> Any:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            return user
        return None
