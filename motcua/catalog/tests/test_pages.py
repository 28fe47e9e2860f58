"""Public catalogue pages: open to anyone, Vietnamese by default, htmx partials, 404s, QR codes
and a query budget."""

from __future__ import annotations

import re

import pytest
import segno
from django.test import Client
from django.test.utils import override_settings
from pytest_django import DjangoAssertNumQueries

from motcua.catalog.models import Procedure
from motcua.catalog.services import ImportReport

pytestmark = pytest.mark.django_db

LIST = "/thu-tuc/"
DETAIL = "/thu-tuc/1.001193/"


@pytest.mark.parametrize("url", [LIST, f"{LIST}?q=khai+sinh&sector=ho-tich", DETAIL, f"{DETAIL}qr.svg"])
def test_public_pages_open_to_anonymous(client: Client, catalogue: ImportReport, url: str) -> None:
    assert client.get(url).status_code == 200


def test_list_page_is_in_vietnamese_by_default(client: Client, catalogue: ImportReport) -> None:
    html = client.get(LIST).content.decode()

    assert "<h1>Thủ tục hành chính</h1>" in html
    assert "588 thủ tục" in html
    assert "Không cần gõ dấu" in html


def test_list_page_switches_to_english_with_the_language_cookie(client: Client, catalogue: ImportReport) -> None:
    client.cookies["motcua_language"] = "en"

    html = client.get(LIST).content.decode()

    assert "<h1>Administrative procedures</h1>" in html
    assert "588 procedures found" in html


def test_search_without_accents_lists_birth_registration_first(client: Client, catalogue: ImportReport) -> None:
    html = client.get(LIST, {"q": "dang ky khai sinh"}).content.decode()

    links = re.findall(r'<a href="/thu-tuc/([\d.]+)/">', html)
    assert links[0] == "1.001193"
    assert "12 thủ tục" in html


def test_htmx_search_returns_only_the_results(client: Client, catalogue: ImportReport) -> None:
    response = client.get(LIST, {"q": "khai tu"}, HTTP_HX_REQUEST="true")

    html = response.content.decode()
    assert "<html" not in html
    assert html.lstrip().startswith('<p class="result-count"')
    assert "1.000656" in html
    assert "HX-Request" in response["Vary"]


def test_the_search_form_works_with_and_without_javascript(client: Client, catalogue: ImportReport) -> None:
    html = client.get(LIST).content.decode()

    form = re.search(r"<form [^>]*role=\"search\"[^>]*>", html, re.S)
    assert form is not None
    assert 'method="get"' in form.group(0) and 'action="/thu-tuc/"' in form.group(0)
    assert (
        'hx-get="/thu-tuc/"' in form.group(0)
        and 'hx-target="#results"' in form.group(0)
        and 'hx-push-url="true"' in form.group(0)
    )
    assert '<label for="q">' in html and '<label for="sector">' in html


def test_list_shows_time_limit_and_channels(client: Client, catalogue: ImportReport) -> None:
    html = client.get(LIST, {"q": "1.003197"}).content.decode()

    assert "5 ngày làm việc" in html
    assert '<span class="tag">Trực tuyến</span>' in html


def test_list_pages_are_paginated_with_the_query_kept(client: Client, catalogue: ImportReport) -> None:
    html = client.get(LIST, {"sector": "hai-quan", "page": "2"}).content.decode()

    assert "Trang 2 / 5" in html
    assert 'href="?sector=hai-quan&amp;page=3"' in html


def test_an_unknown_search_says_nothing_matches(client: Client, catalogue: ImportReport) -> None:
    html = client.get(LIST, {"q": "xyzxyz"}).content.decode()

    assert "0 thủ tục" in html
    assert "Không có thủ tục nào phù hợp" in html


def test_detail_page_shows_the_procedure(client: Client, catalogue: ImportReport) -> None:
    html = client.get(DETAIL).content.decode()

    assert "<h1>Thủ tục đăng ký khai sinh</h1>" in html
    assert '<nav class="breadcrumbs"' in html and '<a href="/thu-tuc/?sector=ho-tich">Hộ tịch</a>' in html
    assert "<strong>trong ngày</strong>" in html  # RULES.md §1.6: same-day
    assert "Giấy tờ phải nộp" in html and "Giấy tờ phải xuất trình" in html
    assert "Luật 60/2014/QH13" in html
    assert 'href="https://dichvucong.gov.vn/thu-tuc-hanh-chinh/' in html
    assert '<svg width="' in html and 'class="segno"' in html


def test_detail_page_lists_fees_in_dong(client: Client, catalogue: ImportReport) -> None:
    html = client.get("/thu-tuc/1.002755/").content.decode()

    assert "10.000 đồng" in html and "5.000 đồng" in html


def test_unknown_procedure_is_a_404_page(client: Client, catalogue: ImportReport) -> None:
    response = client.get("/thu-tuc/0.000000/")

    assert response.status_code == 404
    assert "Không có thủ tục nào mang mã 0.000000." in response.content.decode()


def test_unknown_procedure_has_no_qr_code(client: Client, catalogue: ImportReport) -> None:
    assert client.get("/thu-tuc/0.000000/qr.svg").status_code == 404


@override_settings(MOTCUA_PUBLIC_URL="https://xa-phu-tan.example.vn/")
def test_the_qr_code_points_to_the_public_page(client: Client, catalogue: ImportReport) -> None:
    response = client.get(f"{DETAIL}qr.svg")

    svg = response.content.decode()
    expected = segno.make("https://xa-phu-tan.example.vn/thu-tuc/1.001193/", error="m")
    other = segno.make("http://127.0.0.1:8000/thu-tuc/1.001193/", error="m")
    assert response["Content-Type"] == "image/svg+xml; charset=utf-8"
    assert svg.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<svg xmlns="http://www.w3.org/2000/svg"')
    path = re.search(r' d="([^"]+)"', svg)
    assert path is not None
    assert path.group(1) in expected.svg_inline(scale=8, border=4)
    assert path.group(1) not in other.svg_inline(scale=8, border=4)
    assert Procedure.objects.get(code="1.001193").public_url == "https://xa-phu-tan.example.vn/thu-tuc/1.001193/"


def test_unpublished_procedure_is_not_shown(client: Client, catalogue: ImportReport) -> None:
    Procedure.objects.filter(code="1.001193").update(is_published=False)

    assert client.get(DETAIL).status_code == 404


def test_list_page_query_budget(
    client: Client, catalogue: ImportReport, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    with django_assert_max_num_queries(4):  # count, page, channels of the page, sectors
        client.get(LIST, {"q": "dang ky", "sector": "ho-tich"})


def test_htmx_results_query_budget(
    client: Client, catalogue: ImportReport, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    with django_assert_max_num_queries(3):  # count, page, channels of the page
        client.get(LIST, {"q": "dang ky"}, HTTP_HX_REQUEST="true")


def test_detail_page_query_budget(
    client: Client, catalogue: ImportReport, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    with django_assert_max_num_queries(5):  # procedure + sector, channels, documents, fees, legal basis
        client.get(DETAIL)


def test_same_day_procedure_page_states_the_cutoff_and_the_default_competent_agency(
    client: Client, catalogue: ImportReport
) -> None:
    """RULES.md §1.6: the 15:00 cut-off is shown for same-day procedures (birth registration);
    a commune-level procedure without a competent agency shows the commune People's Committee."""
    html = client.get(DETAIL).content.decode()

    assert "Hồ sơ nhận sau 15:00 được giải quyết trong ngày làm việc tiếp theo." in html
    assert 'Ủy ban nhân dân cấp xã <small class="hint">(theo mặc định)</small>' in html


def test_n_day_procedure_page_has_no_cutoff(client: Client, catalogue: ImportReport) -> None:
    """RULES.md §1.6: no cut-off for N-day periods (1.003197: 5 working days)."""
    procedure = Procedure.objects.get(code="1.003197")
    assert procedure.lead_time_unit == "working_day"

    html = client.get(f"/thu-tuc/{procedure.code}/").content.decode()

    assert "Giờ chốt tiếp nhận" not in html
