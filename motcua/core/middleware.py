"""Vietnamese first: the language is the visitor's explicit choice (cookie) or Vietnamese.

Browsers' Accept-Language is deliberately ignored: a commune's public computer set to
English must still show Vietnamese unless someone switches.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation


class StrictScopingMiddleware:
    """With ``MOTCUA_STRICT_SCOPING`` (on in the tests), a request that reads a unit-scoped
    model without ``restrict(user, action)`` or ``unrestricted(reason)`` fails
    (``core.querysets.UnscopedReadError``): every page and API test checks the scoping."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not getattr(settings, "MOTCUA_STRICT_SCOPING", False):
            return self.get_response(request)
        from motcua.core.querysets import strict_scoping

        with strict_scoping():
            return self.get_response(request)


class LanguageMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.supported = {code for code, _ in settings.LANGUAGES}

    def __call__(self, request: HttpRequest) -> HttpResponse:
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME) or request.GET.get("lang") or ""
        if language not in self.supported:
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        try:
            response = self.get_response(request)
        finally:
            # The reader's language ends with the request (rendered by now): the thread goes back
            # to the default, so whatever it runs next (a test, a task) does not write in English.
            translation.deactivate()
        response.headers.setdefault("Content-Language", language)
        return response


# Views that use the camera (ID-card QR and face capture at the counter). Named by view, not by
# path, so that a changed URL keeps its policy.
CAMERA_VIEWS = frozenset(
    {
        "identity:counter",
        "identity:counter_lookup",
        "identity:face_identify",
        "identity:face_enrol",
        "identity:face_verify",
        "dossiers:intake",  # the card QR read by the counter camera on the intake page (issue 10 item 2)
    }
)

# Views that answer with a document's scan (the staff viewer's frame and the API's bytes). The scan
# is framed by this origin's viewer page and nowhere else, and runs nothing. The browser's PDF
# viewer draws it: "object-src 'self'" keeps that viewer allowed ("'none'", as on every other page,
# blanks the PDF in Chromium).
SCAN_VIEWS = frozenset({"dossiers:document_file", "api:dossier_document_content"})
SCAN_POLICY = "; ".join(
    ("default-src 'none'", "img-src 'self'", "style-src 'unsafe-inline'", "object-src 'self'", "frame-ancestors 'self'")
)

# The strict policy of every page: scripts only from this origin (no inline script, no eval),
# no plugins, no framing, forms post only here. Styles allow inline attributes (htmx's indicator
# style and a few layout attributes); scripts never do.
CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "media-src 'self' blob:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)
# The interactive API documentation (django-ninja's Swagger UI page) starts itself with an inline
# script; it gets that one relaxation and nothing else.
_DOCS_POLICY = CONTENT_SECURITY_POLICY.replace("script-src 'self'", "script-src 'self' 'unsafe-inline'")

_PERMISSIONS_BASE = "geolocation=(), microphone=(), payment=(), usb=(), interest-cohort=()"


class SecurityHeadersMiddleware:
    """Content-Security-Policy and Permissions-Policy on every response (issue 9 item 12).

    HSTS, ``Referrer-Policy`` and ``X-Content-Type-Options`` come from Django's
    ``SecurityMiddleware`` with the settings in ``config/settings.py``. The camera is allowed
    (for this origin only) on the counter views in ``CAMERA_VIEWS`` and refused everywhere else;
    the scan responses of ``SCAN_VIEWS`` get ``SCAN_POLICY``. Both are keyed by view name, so a
    changed URL keeps its policy.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        view = match.view_name if match is not None else ""
        docs = request.path.startswith("/api/") and request.path.rstrip("/").endswith("/docs")
        policy = _DOCS_POLICY if docs else SCAN_POLICY if view in SCAN_VIEWS else CONTENT_SECURITY_POLICY
        response.headers.setdefault("Content-Security-Policy", policy)
        if view in SCAN_VIEWS:
            response.headers["X-Frame-Options"] = "SAMEORIGIN"  # the viewer page frames it; nobody else
        camera = "camera=(self)" if view in CAMERA_VIEWS else "camera=()"
        response.headers.setdefault("Permissions-Policy", f"{camera}, {_PERMISSIONS_BASE}")
        return response


class NulInUrlMiddleware:
    """A URL whose path or query carries a NUL is refused with a 400 before any view reads it.

    No address, code or search term contains one, and PostgreSQL refuses a NUL in a query
    parameter with an error, so a view that passed it on (a published-answers filter did:
    ``/api/v1/petitions/published?unit_code=%00``) answered 500. On an API path the answer is
    the JSON error (``invalid_input``), elsewhere the translated 400 page. Nothing is read or
    written.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        query = request.META.get("QUERY_STRING", "")
        if "\x00" in request.path or "%00" in query or "\x00" in query:
            return _nul_response(request)
        return self.get_response(request)


def _nul_response(request: HttpRequest) -> HttpResponse:
    from django.http import JsonResponse
    from django.shortcuts import render
    from django.utils.translation import gettext as _

    from motcua.core.exceptions import CoreErrorCode

    message = _("The address contains a NUL character, which no code or search term can hold. Remove it and try again.")
    if request.path.startswith("/api/"):
        return JsonResponse({"code": CoreErrorCode.INVALID_INPUT.value, "message": message}, status=400)
    if request.path.startswith("/open311/"):
        # GeoReport v2's error shape: a list of {code, description}, in the format asked for.
        if request.path.endswith(".xml"):
            from xml.sax.saxutils import escape

            body = (
                '<?xml version="1.0" encoding="utf-8"?><errors><error><code>400</code>'
                f"<description>{escape(message)}</description></error></errors>"
            )
            return HttpResponse(body.encode(), content_type="text/xml; charset=utf-8", status=400)
        return JsonResponse([{"code": 400, "description": message}], safe=False, status=400)
    return render(request, "400.html", {"message": message}, status=400)


class ApiBodyLimitMiddleware:
    """A body over the limit on an API path gets the JSON error (413 ``body_too_large``), not
    Django's HTML 400 (issue 9 item 7).

    JSON bodies are limited by ``DATA_UPLOAD_MAX_MEMORY_SIZE``; multipart bodies (document scans,
    at most ``MOTCUA_MAX_UPLOAD_MB`` a file) by ``MOTCUA_MAX_MULTIPART_MB`` in all. A body sent
    without ``Content-Length`` is caught where it is read (``config/api.py``).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith("/api/"):
            try:
                length = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                length = 0
            if length > body_limit(request):
                return body_too_large_response()
        return self.get_response(request)


def body_limit(request: HttpRequest) -> int:
    """The largest body accepted on this request, in bytes."""
    if request.META.get("CONTENT_TYPE", "").startswith("multipart/"):
        return int(getattr(settings, "MOTCUA_MAX_MULTIPART_MB", 100)) * 1024 * 1024
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    return int(limit) if limit is not None else 2**62


def body_too_large_response() -> HttpResponse:
    from django.http import JsonResponse
    from django.utils.translation import gettext as _

    from motcua.core.exceptions import CoreErrorCode

    body = {
        "code": CoreErrorCode.BODY_TOO_LARGE.value,
        "message": _("The request is too large. Send large scans with the multipart upload (at most %(mb)s MB a file).")
        % {"mb": getattr(settings, "MOTCUA_MAX_UPLOAD_MB", 10)},
    }
    return JsonResponse(body, status=413)
