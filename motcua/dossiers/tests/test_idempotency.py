"""Issue 9 item 8: idempotency done right. The same key with the same body answers the first
record (200); the same key with another body is refused (409 ``idempotency_key_reused``, in
Vietnamese); a key longer than the column is refused (422), never cut."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest
from django.test import Client

from motcua.core.apikeys import apikey_create
from motcua.core.choices import Role
from motcua.core.exceptions import DomainError
from motcua.dossiers.models import CounterVisit, Dossier, DossierEvent
from motcua.dossiers.services import dossier_receive
from motcua.dossiers.tests.factories import PDF, PERSONAL_ID, commune_agencies, intake, procedure, staff

pytestmark = pytest.mark.django_db

REUSED = (
    "Khóa chống trùng này đã được dùng cho một yêu cầu khác (%s). "
    "Hãy dùng khóa mới cho yêu cầu mới, hoặc gửi lại đúng yêu cầu cũ."
)


def _body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "procedure_code": "1.001193",
        "applicant": {"kind": "person", "name": "Nguyễn Văn An", "id_number": PERSONAL_ID, "phone": "0912345678"},
        "documents": [{"name": "Tờ khai", "content_base64": base64.b64encode(PDF).decode()}],
        "idempotency_key": "idem-1",
    }
    body.update(overrides)
    return body


def _visit(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "outcome": "guided",
        "procedure_code": "1.001193",
        "applicant": {"name": "Nguyễn Văn An"},
        "reason": "Thiếu giấy tờ",
        "items": ["Bản sao giấy khai sinh"],
        "idempotency_key": "visit-1",
    }
    body.update(overrides)
    return body


@pytest.fixture
def officer() -> Any:
    procedure()
    commune_agencies()
    return staff("officer", Role.RECEPTION_OFFICER)


@pytest.fixture
def key(officer: Any) -> str:
    _row, secret = apikey_create(user=officer)
    return secret


def _post(client: Client, key: str, body: dict[str, Any], path: str = "/api/v1/dossiers", **headers: Any) -> Any:
    return client.post(path, json.dumps(body), content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {key}", **headers)


def test_same_key_and_same_body_answers_the_first_dossier(client: Client, key: str) -> None:
    first = _post(client, key, _body())
    again = _post(client, key, _body())

    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["code"] == first.json()["code"]
    assert Dossier.objects.count() == 1


def test_whitespace_differences_are_the_same_request(client: Client, key: str) -> None:
    first = _post(client, key, _body())
    again = _post(client, key, _body(applicant={**_body()["applicant"], "name": " Nguyễn  Văn An "}))

    assert (first.status_code, again.status_code) == (201, 200)
    assert Dossier.objects.count() == 1


def test_same_key_with_another_body_is_409_in_vietnamese_and_changes_nothing(client: Client, key: str) -> None:
    first = _post(client, key, _body())
    events = DossierEvent.objects.count()

    reused = _post(client, key, _body(applicant={**_body()["applicant"], "name": "Trần Thị Bình"}))

    code = first.json()["code"]
    assert reused.status_code == 409
    assert reused.json()["code"] == "idempotency_key_reused"
    assert reused.json()["message"] == REUSED % code
    assert reused.json()["fields"] == {"idempotency_key": "Đã được dùng cho một yêu cầu khác."}
    assert (Dossier.objects.count(), DossierEvent.objects.count()) == (1, events)
    assert Dossier.objects.get().applicant_name == "Nguyễn Văn An"


def test_same_key_with_another_document_is_409(client: Client, key: str) -> None:
    _post(client, key, _body())
    other = base64.b64encode(PDF + b"% another scan\n").decode()

    reused = _post(client, key, _body(documents=[{"name": "Tờ khai", "content_base64": other}]))

    assert reused.status_code == 409 and reused.json()["code"] == "idempotency_key_reused"
    assert Dossier.objects.count() == 1


def test_same_key_in_the_header_with_another_body_is_409(client: Client, key: str) -> None:
    _post(client, key, _body(idempotency_key=""), HTTP_IDEMPOTENCY_KEY="hdr-1")

    reused = _post(client, key, _body(idempotency_key="", fee_amount=50_000), HTTP_IDEMPOTENCY_KEY="hdr-1")

    assert reused.status_code == 409 and reused.json()["code"] == "idempotency_key_reused"
    assert Dossier.objects.count() == 1


def test_key_longer_than_the_column_is_422_and_never_cut(client: Client, key: str) -> None:
    """Two 81-character keys that share 80 characters once answered each other's dossier."""
    response = _post(client, key, _body(idempotency_key="k" * 81))

    assert response.status_code == 422
    assert response.json()["code"] == "invalid_input"
    assert "idempotency_key" in response.json()["fields"]
    assert Dossier.objects.count() == 0


def test_key_of_exactly_80_characters_is_kept_whole(client: Client, key: str) -> None:
    response = _post(client, key, _body(idempotency_key="k" * 80))

    assert response.status_code == 201
    assert Dossier.objects.get().idempotency_key == "k" * 80


def test_header_key_longer_than_the_column_is_422(client: Client, key: str) -> None:
    response = _post(client, key, _body(idempotency_key=""), HTTP_IDEMPOTENCY_KEY="h" * 81)

    assert response.status_code == 422
    assert response.json()["code"] == "idempotency_key_invalid"
    assert response.json()["message"] == ("Khóa chống trùng (idempotency key) dài tối đa 80 ký tự và không có ký tự điều khiển.")
    assert Dossier.objects.count() == 0


def test_service_refuses_a_long_key_instead_of_cutting_it(officer: Any) -> None:
    with pytest.raises(DomainError) as excinfo:
        dossier_receive(actor=officer, intake=intake(idempotency_key="s" * 81))

    assert (excinfo.value.code, excinfo.value.status_code) == ("idempotency_key_invalid", 422)
    assert Dossier.objects.count() == 0


def test_service_same_key_other_request_is_refused(officer: Any) -> None:
    first = dossier_receive(actor=officer, intake=intake(idempotency_key="svc-1")).dossier

    with pytest.raises(DomainError) as excinfo:
        dossier_receive(actor=officer, intake=intake(idempotency_key="svc-1", fee_amount=10_000))

    assert (excinfo.value.code, excinfo.value.status_code) == ("idempotency_key_reused", 409)
    assert first.code in str(excinfo.value.message)
    assert Dossier.objects.count() == 1


def test_older_dossier_without_a_fingerprint_answers_any_body_as_before(officer: Any) -> None:
    """Rows received before the column existed have no fingerprint: the key alone decides."""
    first = dossier_receive(actor=officer, intake=intake(idempotency_key="old-1")).dossier
    Dossier.objects.filter(pk=first.pk).update(request_hash="")

    again = dossier_receive(actor=officer, intake=intake(idempotency_key="old-1", fee_amount=10_000))

    assert (again.created, again.dossier.pk) == (False, first.pk)


def test_visit_same_key_same_body_answers_the_first_visit(client: Client, key: str) -> None:
    first = _post(client, key, _visit(), "/api/v1/counter-visits")
    again = _post(client, key, _visit(), "/api/v1/counter-visits")

    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["id"] == first.json()["id"]
    assert CounterVisit.objects.count() == 1


def test_visit_same_key_another_body_is_409(client: Client, key: str) -> None:
    first = _post(client, key, _visit(), "/api/v1/counter-visits")

    reused = _post(client, key, _visit(reason="Lý do khác"), "/api/v1/counter-visits")

    assert reused.status_code == 409
    assert reused.json()["code"] == "idempotency_key_reused"
    assert reused.json()["message"] == REUSED % first.json()["id"]
    assert CounterVisit.objects.get().reason == "Thiếu giấy tờ"


def test_visit_key_longer_than_the_column_is_422(client: Client, key: str) -> None:
    response = _post(client, key, _visit(idempotency_key="v" * 81), "/api/v1/counter-visits")

    assert response.status_code == 422
    assert CounterVisit.objects.count() == 0


def test_visit_received_again_with_the_same_key_and_another_body_is_409(client: Client, key: str) -> None:
    visit = _post(client, key, _visit(), "/api/v1/counter-visits").json()
    path = f"/api/v1/counter-visits/{visit['id']}/receive"
    first = _post(client, key, _body(idempotency_key="rcv-1"), path)
    same = _post(client, key, _body(idempotency_key="rcv-1"), path)

    other = _post(client, key, _body(idempotency_key="rcv-1", fee_amount=20_000), path)

    assert (first.status_code, same.status_code, other.status_code) == (201, 200, 409)
    assert other.json()["code"] == "idempotency_key_reused"
    assert Dossier.objects.count() == 1
