"""Open311 GeoReport v2 at /open311/v2/ (issue 11 item 2): every call in JSON and XML, checked
against the specification's fields (``open311_schema``) and with a third-party client from PyPI
(``georeport``) over real HTTP; nothing about the petitioner ever appears."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import TYPE_CHECKING

import jsonschema
import pytest
from django.test import Client

from motcua.core.apikeys import apikey_create
from motcua.feedback.choices import ContentCategory, PetitionAction
from motcua.feedback.models import Petition
from motcua.feedback.services import ActInput, petition_act
from motcua.feedback.tests import open311_schema as schema
from motcua.feedback.tests.factories import leader, officer, petition

if TYPE_CHECKING:
    from pytest_django.live_server_helper import LiveServer

pytestmark = pytest.mark.django_db
A = PetitionAction


def _xml(content: bytes) -> ET.Element:
    return ET.fromstring(content)  # noqa: S314  our own server's answer, not untrusted input


SECRETS = ("Lê Thị Hoa", "0913456789", "0913 456 789", "Ấp Cái Đôi", "hoa@example.vn")


def _answered() -> Petition:
    item = petition(petitioner_email="hoa@example.vn", place="Bộ phận một cửa xã Phú Tân")
    user = officer()
    petition_act(
        actor=user,
        code=item.code,
        action=A.CLASSIFY,
        data=ActInput(classification="within", category="obstacle", report_class="conduct"),
    )
    petition_act(actor=user, code=item.code, action=A.START)
    petition_act(actor=user, code=item.code, action=A.DRAFT_ANSWER, data=ActInput(answer="Đã trả kết quả ngày 05/03."))
    petition_act(actor=leader(), code=item.code, action=A.APPROVE)
    return petition_act(actor=user, code=item.code, action=A.PUBLISH)


def test_services_and_their_definitions_follow_the_specification_in_json_and_xml() -> None:
    services = Client().get("/open311/v2/services.json")
    definition = Client().get("/open311/v2/services/obstacle.json")
    xml = _xml(Client().get("/open311/v2/services.xml").content)

    jsonschema.validate(services.json(), schema.SERVICE_LIST)
    jsonschema.validate(definition.json(), schema.SERVICE_DEFINITION)
    assert [s["service_code"] for s in services.json()] == list(ContentCategory.values)
    assert xml.tag == "services" and [e.findtext("service_code") for e in xml.findall("service")] == list(ContentCategory.values)
    kinds = _xml(Client().get("/open311/v2/services/obstacle.xml").content)
    assert [v.findtext("key") for v in kinds.findall("attributes/attribute/values/value")] == ["feedback", "proposal"]


def test_requests_are_listed_and_filtered_without_personal_data() -> None:
    answered = _answered()
    waiting = petition(title="Đề nghị in chữ lớn")

    everything = Client().get("/open311/v2/requests.json?jurisdiction_id=32218")
    closed = Client().get("/open311/v2/requests.json?status=closed")
    by_id = Client().get(f"/open311/v2/requests.json?service_request_id={waiting.code},{answered.code}")
    one = Client().get(f"/open311/v2/requests/{answered.code}.json")
    as_xml = Client().get("/open311/v2/requests.xml")

    for response in (everything, closed, by_id, one):
        jsonschema.validate(response.json(), schema.SERVICE_REQUESTS)
    assert {r["service_request_id"] for r in everything.json()} == {answered.code, waiting.code}
    assert [r["service_request_id"] for r in closed.json()] == [answered.code]
    assert (
        one.json()[0]["status_notes"] == "Đã trả kết quả ngày 05/03." and one.json()[0]["address"] == "Bộ phận một cửa xã Phú Tân"
    )
    open_row = next(r for r in by_id.json() if r["service_request_id"] == waiting.code)
    assert open_row["status"] == "open" and open_row["description"] == ""  # not published yet: no text
    assert {e.findtext("service_request_id") for e in _xml(as_xml.content).findall("request")} == {
        answered.code,
        waiting.code,
    }
    for response in (everything, closed, by_id, one, as_xml):
        for secret in SECRETS:
            assert secret not in response.content.decode()


def test_posting_a_request_needs_an_api_key_and_files_a_petition() -> None:
    officer()
    _row, key = apikey_create(user=officer())
    body = {
        "jurisdiction_id": "32218",
        "service_code": "obstacle",
        "description": "Cán bộ hẹn trả kết quả chứng thực sai ngày, tôi phải đi lại hai lần.",
        "first_name": "Hoa",
        "last_name": "Lê Thị",
        "phone": "0913456789",
        "address_string": "Ấp Cái Đôi",
        "attribute[kind]": "feedback",
        "device_id": "app-42",
    }

    refused = Client().post("/open311/v2/requests.json", body)
    created = Client().post("/open311/v2/requests.json", {**body, "api_key": key})
    again = Client().post("/open311/v2/requests.json", {**body, "api_key": key})
    token = Client().get(f"/open311/v2/tokens/{created.json()[0]['token']}.json")

    assert refused.status_code == 403
    jsonschema.validate(refused.json(), schema.ERRORS)
    jsonschema.validate(created.json(), schema.POST_RESPONSE)
    jsonschema.validate(token.json(), schema.TOKENS)
    item = Petition.objects.unrestricted("test").get()
    assert created.json()[0]["service_request_id"] == again.json()[0]["service_request_id"] == item.code
    assert item.channel == "api" and item.category == "obstacle" and item.petitioner_name == "Lê Thị Hoa" and not item.anonymous


def test_bad_requests_get_open311_errors_in_the_asked_format() -> None:
    _row, key = apikey_create(user=officer())

    unknown = Client().post("/open311/v2/requests.xml", {"api_key": key, "jurisdiction_id": "32218", "service_code": "nope"})
    bad_date = Client().get("/open311/v2/requests.json?start_date=yesterday")
    no_unit = Client().post("/open311/v2/requests.json", {"api_key": key, "jurisdiction_id": "99999", "service_code": "other"})
    missing = Client().get("/open311/v2/requests/PA-00000-26-00001.json")

    assert unknown.status_code == 404 and _xml(unknown.content).find("error/code").text == "404"  # type: ignore[union-attr]
    assert bad_date.status_code == 400 and no_unit.status_code == 400 and missing.status_code == 404
    for response in (bad_date, no_unit, missing):
        jsonschema.validate(response.json(), schema.ERRORS)


@pytest.mark.django_db(transaction=True)  # the live server's threads read what the test committed
def test_a_third_party_client_reads_services_and_requests_over_http(live_server: LiveServer, units: None) -> None:
    """``georeport`` (PyPI, Apache-2.0) against the live server, in JSON and in XML."""
    georeport = pytest.importorskip("georeport")
    answered = _answered()

    for fmt in ("json", "xml"):
        client = georeport.GeoReport(f"{live_server.url}/open311/v2", jurisdiction="32218", output_format=fmt)
        services = client.get_service_list()
        definition = client.get_service_definition("obstacle")
        found = client.get_service_request(answered.code)
        listed = client.get_service_requests(status="closed")

        assert len(services) == 8 and services[0]["service_code"] == "obstacle"
        assert definition["service_code"] == "obstacle"
        assert found["service_request_id"] == answered.code and found["status"] == "closed"
        rows = listed if isinstance(listed, list) else [listed]  # xmltodict gives a dict for a single element
        assert [r["service_request_id"] for r in rows] == [answered.code]


def test_discovery_names_the_specification_and_both_formats() -> None:
    data = Client().get("/open311/v2/discovery.json").json()
    xml = _xml(Client().get("/open311/v2/discovery.xml").content)

    assert data["endpoints"][0]["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert data["endpoints"][0]["formats"] == ["application/json", "text/xml"]
    assert xml.tag == "discovery" and xml.find("endpoints/endpoint/url") is not None
