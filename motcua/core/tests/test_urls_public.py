"""Links in QR codes and messages follow the address served unless MOTCUA_PUBLIC_URL is set
(issue 10 item 10): ``core.urls_public.public_url``."""

from __future__ import annotations

import pytest
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory, override_settings

from motcua.core import urls_public
from motcua.core.urls_public import PublicOriginMiddleware, public_url, served_url, serving


@override_settings(MOTCUA_PUBLIC_URL="")
def test_a_link_follows_the_request_host() -> None:
    request = RequestFactory().get("/", HTTP_HOST="localhost:8123")

    assert public_url("/tra-cuu/?code=X", request) == "http://localhost:8123/tra-cuu/?code=X"


@override_settings(MOTCUA_PUBLIC_URL="https://motcua.phutan.camau.gov.vn/")
def test_the_configured_public_url_wins_over_the_request_host() -> None:
    request = RequestFactory().get("/", HTTP_HOST="localhost:8123")

    assert public_url("/tra-cuu/", request) == "https://motcua.phutan.camau.gov.vn/tra-cuu/"


@override_settings(MOTCUA_PUBLIC_URL="")
def test_a_service_without_the_request_uses_the_request_being_served() -> None:
    """The middleware remembers the request's address for code that is not given the request
    (the receipt's QR is drawn in a service)."""

    def view(request: HttpRequest) -> HttpResponse:
        return HttpResponse(public_url("/danh-gia/abc/"))

    response = PublicOriginMiddleware(view)(RequestFactory().get("/", HTTP_HOST="127.0.0.1:9001"))

    assert response.content.decode() == "http://127.0.0.1:9001/danh-gia/abc/"


@override_settings(MOTCUA_PUBLIC_URL="")
def test_outside_a_request_a_link_follows_the_address_serve_binds_to(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MOTCUA_SERVED_URL", "http://192.168.1.20:8080")

    assert public_url("/tra-cuu/") == "http://192.168.1.20:8080/tra-cuu/"


@override_settings(MOTCUA_PUBLIC_URL="")
def test_without_request_or_served_address_the_local_address_is_used(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MOTCUA_SERVED_URL", raising=False)

    assert public_url("/tra-cuu/") == "http://127.0.0.1:8000/tra-cuu/"


@override_settings(MOTCUA_PUBLIC_URL="")
def test_a_host_not_allowed_is_never_put_in_a_link(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MOTCUA_SERVED_URL", raising=False)
    request = RequestFactory().get("/", HTTP_HOST="evil.example.com")

    assert public_url("/tra-cuu/", request) == "http://127.0.0.1:8000/tra-cuu/"


def test_served_url_of_a_wildcard_bind_is_a_reachable_address(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(urls_public, "_lan_address", lambda: "192.168.1.20")

    assert served_url("0.0.0.0", 8000) == "http://192.168.1.20:8000"  # noqa: S104
    assert served_url("127.0.0.1", 8001) == "http://127.0.0.1:8001"
    assert served_url("::1", 8002) == "http://[::1]:8002"


@override_settings(MOTCUA_PUBLIC_URL="")
@pytest.mark.django_db
def test_the_procedure_qr_and_the_lookup_link_follow_the_address_served() -> None:
    from motcua.catalog.tests.factories import ProcedureFactory
    from motcua.dossiers import slips

    procedure = ProcedureFactory.create(code="9.999193")  # not a shipped code: the catalogue may be loaded

    with serving("http://10.0.0.5:8000"):
        assert procedure.public_url == "http://10.0.0.5:8000/thu-tuc/9.999193/"
        assert slips.lookup_url("H63.01-261208-0001") == "http://10.0.0.5:8000/tra-cuu/?code=H63.01-261208-0001"
