"""Domain errors: a stable code plus a translated message.

A ``DomainError`` becomes a 4xx JSON body ``{"code": ..., "message": ..., "fields": {...}}``
in the API and a form error in HTML. Codes are per domain and never change meaning.
"""

from __future__ import annotations

from typing import Any

from django.utils.functional import Promise


class DomainError(Exception):
    status_code = 400

    def __init__(
        self,
        code: str,
        message: str | Promise,
        *,
        status_code: int | None = None,
        fields: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(str(message))
        self.code = code
        self.message = message
        self.fields = fields or {}
        if status_code is not None:
            self.status_code = status_code

    def as_dict(self) -> dict[str, Any]:
        body: dict[str, Any] = {"code": self.code, "message": str(self.message)}
        if self.fields:
            body["fields"] = {k: str(v) if isinstance(v, Promise) else v for k, v in self.fields.items()}
        return body


class NotFound(DomainError):
    status_code = 404


class PermissionDenied(DomainError):
    status_code = 403
