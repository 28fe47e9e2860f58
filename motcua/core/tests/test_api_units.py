from __future__ import annotations

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_unit_shows_parent_children_validity(client: Client) -> None:
    response = client.get("/api/v1/units/32218")

    body = response.json()
    assert response.status_code == 200
    assert body["name"] == "Xã Phú Tân"
    assert body["parent"] == {"code": "96", "name": "Tỉnh Cà Mau", "level": "province"}
    assert body["children_count"] == 0
    assert body["valid_from"] == "2025-07-01"
    assert body["valid_to"] is None
    assert body["is_current"] is True


def test_province_counts_its_communes(client: Client) -> None:
    body = client.get("/api/v1/units/96").json()

    assert body["children_count"] == 64
    assert body["level"] == "province"


def test_historical_unit_lists_its_successor(client: Client) -> None:
    body = client.get("/api/v1/units/32221").json()

    assert body["name"] == "Xã Tân Hải"
    assert body["is_current"] is False
    assert body["valid_to"] == "2025-07-01"
    assert [(s["code"], s["kind"]) for s in body["successors"]] == [("32218", "full")]


def test_old_code_resolves_to_the_current_unit(client: Client) -> None:
    response = client.get("/api/v1/units/32221/current")

    body = response.json()
    assert response.status_code == 200
    assert (body["code"], body["name"], body["resolved_from"]) == ("32218", "Xã Phú Tân", "32221")
    assert body["alternatives"] == []


def test_code_valid_on_a_past_date(client: Client) -> None:
    body = client.get("/api/v1/units/32218?on=2024-06-01").json()

    assert body["is_current"] is False
    assert body["parent"]["code"] == "972"


def test_unknown_code_gets_a_vietnamese_404(client: Client) -> None:
    response = client.get("/api/v1/units/99999")

    assert response.status_code == 404
    assert response.json() == {"code": "unit_not_found", "message": "Không có đơn vị hành chính nào mang mã 99999."}


def test_bad_date_gets_a_coded_422(client: Client) -> None:
    response = client.get("/api/v1/units/96?on=31-02-2026")

    assert response.status_code == 422
    assert response.json()["code"] == "invalid_input"
    assert "on" in response.json()["fields"]


def test_english_when_the_visitor_chose_it(client: Client) -> None:
    client.cookies["motcua_language"] = "en"

    response = client.get("/api/v1/units/99999")

    assert response.json()["message"] == "No administrative unit has the code 99999."


def test_api_docs_are_served_without_a_cdn(client: Client) -> None:
    response = client.get("/api/v1/docs")

    html = response.content.decode()
    assert response.status_code == 200
    assert "cdn." not in html and "unpkg" not in html
    assert "/static/ninja/swagger-ui" in html
    assert client.get("/api/v1/openapi.json").json()["info"]["title"] == "MotCua API"
