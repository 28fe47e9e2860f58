"""Full addresses for links that leave the page: QR codes on slips and procedure pages, the
rating link in a message, look-up links (issue 10 item 10).

``public_url(path, request=None)`` is the one way to build them. The base is, in order:

1. ``MOTCUA_PUBLIC_URL`` when set (a reverse proxy's public name): it always wins;
2. the request's own scheme and host (``request``, or the request being served, which
   ``PublicOriginMiddleware`` remembers for services that are not given one);
3. ``MOTCUA_SERVED_URL``, the address ``motcua serve`` binds to (for background tasks);
4. ``http://127.0.0.1:8000``.

The host comes from ``request.get_host()``, so it is one of ``ALLOWED_HOSTS``.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.http import HttpRequest, HttpResponse

DEFAULT_BASE = "http://127.0.0.1:8000"

_request_origin: ContextVar[str] = ContextVar("motcua_request_origin", default="")


def request_origin(request: HttpRequest) -> str:
    """``scheme://host[:port]`` of a request (empty for a host not in ``ALLOWED_HOSTS``)."""
    try:
        return f"{request.scheme}://{request.get_host()}"
    except DisallowedHost:
        return ""


def public_base(request: HttpRequest | None = None) -> str:
    """The base of public links, without a trailing slash (see the module's docstring)."""
    configured = str(getattr(settings, "MOTCUA_PUBLIC_URL", "") or "").strip()
    if configured:
        return configured.rstrip("/")
    origin = request_origin(request) if request is not None else _request_origin.get()
    if origin:
        return origin
    return (os.environ.get("MOTCUA_SERVED_URL") or DEFAULT_BASE).rstrip("/")


def public_url(path: str, request: HttpRequest | None = None) -> str:
    """The full public address of ``path`` (a site path such as ``/tra-cuu/?code=…``)."""
    return public_base(request) + ("" if path.startswith("/") else "/") + path


@contextmanager
def serving(origin: str) -> Iterator[None]:
    """Build links as if serving ``origin`` (the middleware, and tests)."""
    token = _request_origin.set(origin)
    try:
        yield
    finally:
        _request_origin.reset(token)


class PublicOriginMiddleware:
    """Remembers the address of the request being served for ``public_url`` without a request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with serving(request_origin(request)):
            return self.get_response(request)


def served_url(host: str, port: int) -> str:
    """The address ``motcua serve`` announces and links point at: for a wildcard bind
    (0.0.0.0, ::) the machine's own address on the local network, which phones can reach."""
    if host in {"0.0.0.0", "::", ""}:  # noqa: S104  comparing, not binding
        host = _lan_address() or "127.0.0.1"
    if ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{port}"


def _lan_address() -> str:
    """The address of the interface that routes outwards (a UDP "connect" sends nothing)."""
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            probe.connect(("10.255.255.255", 1))
            return str(probe.getsockname()[0])
    except OSError:
        return ""
