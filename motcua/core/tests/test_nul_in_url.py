"""A NUL in a URL is refused with a 400 before any view reads it (CI found
``/api/v1/petitions/published?unit_code=%00%C2%BE`` answering 500 on PostgreSQL)."""

import pytest
from django.test import Client

from motcua.core.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/petitions/published?unit_code=%00%C2%BE",
        "/api/v1/procedures?q=a%00b",
        "/api/v1/lookup/X%00Y?check=1234",
    ],
)
def test_an_api_url_with_a_nul_gets_the_json_error(client: Client, url: str) -> None:
    before = AuditEvent.objects.count()
    response = client.get(url)
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_input"
    assert "NUL" in response.json()["message"]
    assert AuditEvent.objects.count() == before


def test_open311_answers_in_its_own_error_shape_and_format(client: Client) -> None:
    json_response = client.get("/open311/v2/requests.json?service_code=%00")
    assert json_response.status_code == 400
    assert json_response.json()[0]["code"] == 400
    xml_response = client.get("/open311/v2/requests.xml?service_code=%00")
    assert xml_response.status_code == 400
    assert xml_response["Content-Type"].startswith("text/xml")
    assert b"<errors><error><code>400</code>" in xml_response.content


def test_a_page_url_with_a_nul_gets_the_translated_400_page(client: Client) -> None:
    response = client.get("/phan-anh/da-tra-loi/?q=%00")
    assert response.status_code == 400
    assert "Yêu cầu không hợp lệ" in response.content.decode()
    english = client.get("/phan-anh/da-tra-loi/?q=%00", HTTP_ACCEPT_LANGUAGE="en")
    assert english.status_code == 400


def test_a_percent_sign_that_is_not_a_nul_passes(client: Client) -> None:
    assert client.get("/api/v1/petitions/published?q=100%25").status_code == 200
