"""Procedure catalogue API: list with search and sector, one procedure in full, errors as JSON."""

from __future__ import annotations

import pytest
from django.test import Client
from pytest_django import DjangoAssertNumQueries

from motcua.catalog.models import Procedure
from motcua.catalog.selectors import procedure_list
from motcua.catalog.services import ImportReport

pytestmark = pytest.mark.django_db

URL = "/api/v1/procedures"


def test_list_searches_without_accents(client: Client, catalogue: ImportReport) -> None:
    body = client.get(URL, {"q": "dang ky khai sinh", "limit": "2"}).json()

    assert body["count"] == 12
    assert len(body["items"]) == 2
    assert body["items"][0] == {
        "code": "1.001193",
        "name": "Thủ tục đăng ký khai sinh",
        "sector": {"slug": "ho-tich", "name": "Hộ tịch"},
        # RULES.md §1.6: a same-day procedure, not "1 working day".
        "lead_time": {"value": 0.0, "unit": "same_day", "text": "1", "display": "trong ngày", "assumed": True},
        "channels": ["in_person", "online", "postal"],
    }


def test_list_gives_the_same_for_accented_and_unaccented_words(client: Client, catalogue: ImportReport) -> None:
    plain = client.get(URL, {"q": "dang ky ket hon", "limit": "100"}).json()

    assert plain == client.get(URL, {"q": "Đăng ký kết hôn", "limit": "100"}).json()


def test_list_filters_by_sector_and_pages_with_offset(client: Client, catalogue: ImportReport) -> None:
    first = client.get(URL, {"sector": "ho-tich", "limit": "40"}).json()
    rest = client.get(URL, {"sector": "ho-tich", "limit": "40", "offset": "40"}).json()

    assert (first["count"], len(first["items"]), len(rest["items"])) == (41, 40, 1)
    assert {i["sector"]["slug"] for i in first["items"] + rest["items"]} == {"ho-tich"}
    assert [i["code"] for i in first["items"] + rest["items"]] == [p.code for p in procedure_list(sector="ho-tich")]


def test_list_refuses_a_limit_over_100(client: Client, catalogue: ImportReport) -> None:
    response = client.get(URL, {"limit": "101"})

    assert response.status_code == 422
    assert response.json()["code"] == "invalid_input"
    assert "limit" in response.json()["fields"]


def test_detail_gives_the_full_structure(client: Client, catalogue: ImportReport) -> None:
    body = client.get(f"{URL}/1.002755").json()

    assert (body["code"], body["name"], body["sector"]) == (
        "1.002755",
        "Gia hạn tạm trú",
        {"slug": "dang-ky-quan-ly-cu-tru", "name": "Đăng ký, quản lý cư trú"},
    )
    assert body["lead_time"] == {
        "value": 3.0,
        "unit": "working_day",
        "text": "3 Ngày làm việc",
        "display": "3 ngày làm việc",
        "assumed": False,
    }
    assert (body["service_norm"], body["receipt_cutoff"], body["receipt_cutoff_effective"]) == (None, None, "15:00")
    assert body["agencies"] == {"competent": ["Công an cấp Xã"], "implementing": ["Công an cấp Xã"], "coordinating": []}
    assert [(f["channel"], f["amount_vnd"]) for f in body["fees"]] == [("online", 5000), ("in_person", 10000)]
    assert body["documents"][0]["form_template"] == "1.MuCT01banhnhkmtheoThngts53.doc"
    assert [d["number"] for d in body["documents"]] == [1, 2, 3, 4, 5, 6]
    assert {"number": "68/2020/QH14", "title": "Luật Cư trú 2020"} in body["legal_basis"]
    assert body["documents_note"].startswith("Lưu ý:")
    assert body["url"] == "http://testserver/thu-tuc/1.002755/"  # the address served (core.urls_public)
    assert body["source_url"].startswith("https://dichvucong.gov.vn/thu-tuc-hanh-chinh/")


def test_detail_shows_the_local_service_norm_and_cutoff(client: Client, catalogue: ImportReport) -> None:
    Procedure.objects.filter(code="1.001193").update(
        service_norm_value=4, service_norm_unit="working_hour", receipt_cutoff="16:30"
    )

    body = client.get(f"{URL}/1.001193").json()

    assert body["service_norm"] == {
        "value": 4.0,
        "unit": "working_hour",
        "text": "",
        "display": "4 giờ làm việc",
        "assumed": False,
    }
    assert (body["receipt_cutoff"], body["receipt_cutoff_effective"]) == ("16:30:00", "16:30")


def test_unknown_code_is_a_json_404(client: Client, catalogue: ImportReport) -> None:
    response = client.get(f"{URL}/0.000000")

    assert response.status_code == 404
    assert response.json() == {"code": "procedure_not_found", "message": "Không có thủ tục nào mang mã 0.000000."}


def test_the_api_is_documented(client: Client) -> None:
    schema = client.get("/api/v1/openapi.json").json()

    assert {"/api/v1/procedures", "/api/v1/procedures/{code}"} <= set(schema["paths"])
    assert client.get("/api/v1/docs").status_code == 200


def test_list_query_budget(
    client: Client, catalogue: ImportReport, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    with django_assert_max_num_queries(3):  # count, page, channels of the page
        client.get(URL, {"q": "dang ky", "limit": "100"})


def test_detail_query_budget(
    client: Client, catalogue: ImportReport, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    with django_assert_max_num_queries(5):  # procedure + sector, channels, documents, fees, legal basis
        client.get(f"{URL}/1.001193")


@pytest.mark.parametrize("offset", ["-1", "1000001", "64345006732706152448"])
def test_offset_out_of_bounds_is_a_coded_422_not_a_500(client: Client, offset: str) -> None:
    """Issue 9 item 7 (found by the API fuzz)."""
    response = client.get(f"/api/v1/procedures?offset={offset}")

    assert response.status_code == 422
    assert response.json()["code"] == "invalid_input"
