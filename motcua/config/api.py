"""The one JSON API, under /api/v1/, documented at /api/v1/docs."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from motcua.catalog.api import router as catalog_router
from motcua.core.api import router as core_router
from motcua.core.exceptions import CoreErrorCode, DomainError
from motcua.core.middleware import body_too_large_response
from motcua.core.schemas import ErrorOut
from motcua.dossiers.api import public_router as lookup_router
from motcua.dossiers.api import router as dossiers_router
from motcua.dossiers.api import visits_router as counter_visits_router
from motcua.feedback.api import router as petitions_router
from motcua.feedback.dialogues.api import router as dialogues_router
from motcua.identity.api import router as identity_router
from motcua.indices.api import router as indices_router
from motcua.registries.vessels.api import router as registries_router
from motcua.satisfaction.survey_api import router as surveys_router

# Every operation may answer with the JSON error body (core.schemas.ErrorOut): bad input (400, 422),
# not logged in (401), not allowed (403), missing or outside the caller's scope (404), a conflict
# such as a reused idempotency key (409), a body over the limit (413), too many attempts (429).
ERROR_RESPONSES = {
    "400": "Bad request: a rule of the domain refused the input",
    "401": "Not authenticated",
    "403": "Not allowed",
    "404": "Not found (or outside the caller's administrative unit)",
    "405": "Method not allowed",
    "409": "Conflict",
    "413": "Request body too large",
    "422": "Input that does not match the schema",
    "429": "Too many attempts",
}


class MotCuaApi(NinjaAPI):
    """The API whose OpenAPI document also describes the error answers of every operation."""

    def get_openapi_schema(self, *args: Any, **kwargs: Any) -> Any:
        schema = super().get_openapi_schema(*args, **kwargs)
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        components.setdefault("ErrorOut", ErrorOut.model_json_schema(ref_template="#/components/schemas/{model}"))
        error = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}}
        for operations in schema.get("paths", {}).values():
            for operation in operations.values():
                responses = operation.setdefault("responses", {})
                for status, description in ERROR_RESPONSES.items():
                    responses.setdefault(status, {"description": description, "content": error})
        return schema


api = MotCuaApi(
    title="MotCua API",
    version="1",
    description="MotCua: một cửa, một cửa liên thông. Errors are JSON bodies with a stable `code` and a translated `message`.",
    urls_namespace="api",
)
api.add_router("/units", core_router)
api.add_router("/procedures", catalog_router)
api.add_router("/identity", identity_router)
api.add_router("/dossiers", dossiers_router)
api.add_router("/counter-visits", counter_visits_router)
api.add_router("/lookup", lookup_router)
api.add_router("/surveys", surveys_router)
api.add_router("/petitions", petitions_router)
api.add_router("/dialogues", dialogues_router)
api.add_router("/indices", indices_router)
api.add_router("/registries", registries_router)


@api.exception_handler(DomainError)
def _domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    return api.create_response(request, exc.as_dict(), status=exc.status_code)


def _field_message(err: dict[str, Any]) -> str:
    """A Vietnamese message for the common schema errors; pydantic's own text otherwise."""
    kind, ctx = err.get("type", ""), err.get("ctx") or {}
    if kind == "string_unicode":
        return _("The text contains an invalid character (a broken Unicode character).")
    if kind in ("unsafe_text", "email", "naive_datetime", "datetime_range"):
        return str(err.get("msg", ""))
    if kind == "string_too_long":
        return _("At most %(n)s characters.") % {"n": ctx.get("max_length")}
    if kind == "too_long":
        return _("At most %(n)s items.") % {"n": ctx.get("max_length")}
    if kind in ("less_than_equal", "less_than", "greater_than_equal", "greater_than"):
        return _("The value is out of range.")
    if kind == "missing":
        return _("Required.")
    if kind == "enum":
        return _("Choose one of: %(values)s.") % {"values": ctx.get("expected", "")}
    return _("This value is not valid: %(detail)s") % {"detail": err.get("msg", "")}


@api.exception_handler(ValidationError)
def _validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    fields: dict[str, str] = {}
    for err in exc.errors:
        loc = ".".join(str(p) for p in err.get("loc", ()) if p not in ("body", "query", "path", "payload"))
        fields[loc or "_"] = _field_message(err)
    body = {
        "code": CoreErrorCode.INVALID_INPUT,
        "message": _("Some values are not valid. Check the fields listed."),
        "fields": fields,
    }
    return api.create_response(request, body, status=422)


@api.exception_handler(RequestDataTooBig)
def _too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
    return body_too_large_response()


@api.exception_handler(AuthenticationError)
def _auth_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return api.create_response(request, {"code": CoreErrorCode.NOT_AUTHENTICATED, "message": _("Please log in.")}, status=401)


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    codes = {
        404: (CoreErrorCode.NOT_FOUND, _("Not found.")),
        403: (CoreErrorCode.FORBIDDEN, _("You do not have permission to do this.")),
    }
    code, message = codes.get(exc.status_code, (CoreErrorCode.ERROR, str(exc)))
    return api.create_response(request, {"code": code, "message": message}, status=exc.status_code)
