"""POST /open311/v2/requests.{json,xml} is limited per API key and per client address
(issue 11; docs/feedback.md "Open311"): past the limit, 429 in GeoReport's error shape with
``Retry-After``, and nothing is filed."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import jsonschema
import pytest
import time_machine
from django.test import Client
from pytest_django import Settings as SettingsWrapper

from motcua.core.apikeys import apikey_create
from motcua.dossiers.tests.factories import commune_agencies
from motcua.feedback.models import Petition
from motcua.feedback.tests import open311_schema as schema
from motcua.feedback.tests.factories import officer

pytestmark = pytest.mark.django_db
BODY = {
    "jurisdiction_id": "32218",
    "service_code": "obstacle",
    "first_name": "Hoa",
    "last_name": "Lê Thị",
    "phone": "0913456789",
    "address_string": "Ấp Cái Đôi",
}


def _body(n: int, key: str) -> dict[str, str]:
    return {**BODY, "api_key": key, "description": f"Cán bộ hẹn trả kết quả sai ngày, lần thứ {n}."}


def _count() -> int:
    return Petition.objects.unrestricted("test").count()


@pytest.fixture
def limits(settings: SettingsWrapper) -> SettingsWrapper:
    settings.MOTCUA_OPEN311_POST_PER_KEY = 2
    settings.MOTCUA_OPEN311_POST_PER_ADDRESS = 3
    settings.MOTCUA_OPEN311_POST_WINDOW = 600
    commune_agencies()
    return settings


@time_machine.travel("2026-12-08 03:05:00 +0000", tick=False)
def test_a_key_past_its_limit_gets_429_with_retry_after_in_json_and_nothing_is_filed(limits: SettingsWrapper) -> None:
    _row, key = apikey_create(user=officer())
    client = Client(REMOTE_ADDR="10.0.0.1")

    statuses = [client.post("/open311/v2/requests.json", _body(n, key)).status_code for n in range(2)]
    refused = client.post("/open311/v2/requests.json", _body(3, key))

    assert statuses == [200, 200]
    assert refused.status_code == 429
    jsonschema.validate(refused.json(), schema.ERRORS)
    assert refused.json()[0]["code"] == 429
    assert refused["Retry-After"] == "300"  # the 10-minute window aligned on the clock ends at 03:10
    assert _count() == 2


@time_machine.travel("2026-12-08 03:05:00 +0000", tick=False)
def test_the_xml_answer_is_an_errors_document_with_code_429(limits: SettingsWrapper) -> None:
    _row, key = apikey_create(user=officer())
    client = Client(REMOTE_ADDR="10.0.0.2")
    for n in range(2):
        client.post("/open311/v2/requests.xml", _body(n, key))

    refused = client.post("/open311/v2/requests.xml", _body(3, key))

    root = ET.fromstring(refused.content)  # noqa: S314  our own server's answer
    assert refused.status_code == 429 and refused["Content-Type"].startswith("text/xml")
    assert root.tag == "errors" and root.findtext("error/code") == "429" and root.findtext("error/description")
    assert refused["Retry-After"] == "300"


@time_machine.travel("2026-12-08 03:05:00 +0000", tick=False)
def test_one_address_is_limited_whatever_keys_it_uses_and_without_a_key(limits: SettingsWrapper) -> None:
    _row, first = apikey_create(user=officer())
    _row, second = apikey_create(user=officer("pakn2"))
    client = Client(REMOTE_ADDR="10.0.0.3")

    statuses = [
        client.post("/open311/v2/requests.json", _body(1, first)).status_code,
        client.post("/open311/v2/requests.json", _body(2, second)).status_code,
        client.post("/open311/v2/requests.json", {**BODY, "description": "Không có khoá, đoán thử."}).status_code,
        client.post("/open311/v2/requests.json", _body(4, second)).status_code,
    ]

    assert statuses == [200, 200, 403, 429]
    assert _count() == 2


@time_machine.travel("2026-12-08 03:05:00 +0000", tick=False)
def test_another_address_and_another_key_are_counted_apart(limits: SettingsWrapper) -> None:
    _row, first = apikey_create(user=officer())
    _row, second = apikey_create(user=officer("pakn2"))
    busy = Client(REMOTE_ADDR="10.0.0.4")
    for n in range(3):
        busy.post("/open311/v2/requests.json", _body(n, first))

    other_address = Client(REMOTE_ADDR="10.0.0.5").post("/open311/v2/requests.json", _body(7, second))
    same_key_elsewhere = Client(REMOTE_ADDR="10.0.0.6").post("/open311/v2/requests.json", _body(8, first))

    assert other_address.status_code == 200
    assert same_key_elsewhere.status_code == 429  # the key's count follows it to any address


def test_the_window_ends_and_the_key_may_post_again(limits: SettingsWrapper) -> None:
    _row, key = apikey_create(user=officer())
    client = Client(REMOTE_ADDR="10.0.0.7")
    with time_machine.travel("2026-12-08 03:05:00 +0000", tick=False):
        for n in range(2):
            client.post("/open311/v2/requests.json", _body(n, key))
        refused = client.post("/open311/v2/requests.json", _body(3, key))

    with time_machine.travel("2026-12-08 03:10:01 +0000", tick=False):
        later = client.post("/open311/v2/requests.json", _body(4, key))

    assert (refused.status_code, later.status_code) == (429, 200)


def test_gets_are_not_counted(limits: SettingsWrapper) -> None:
    client = Client(REMOTE_ADDR="10.0.0.8")

    statuses = {client.get("/open311/v2/requests.json").status_code for _ in range(5)}

    assert statuses == {200}


def test_a_post_to_an_unknown_format_files_nothing(limits: SettingsWrapper) -> None:
    _row, key = apikey_create(user=officer())

    response = Client().post("/open311/v2/requests.txt", _body(1, key))

    assert response.status_code == 404 and _count() == 0
