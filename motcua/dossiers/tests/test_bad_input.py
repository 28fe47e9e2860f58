"""Issue 9 item 7: bad input gets a 4xx with a code and a Vietnamese message, never a 500, and
nothing is written. One test per case found (over-long texts, e-mail, fee, due dates, lone
surrogate, NUL byte, full-width look-up digits, step days, document count, body size)."""

from __future__ import annotations

import base64
import datetime as dt
import json
from typing import Any

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from motcua.core.apikeys import apikey_create
from motcua.core.choices import AgencyKind, Role
from motcua.dossiers.models import ClockChange, CounterVisit, Document, Dossier, DossierEvent, DossierStep
from motcua.dossiers.services import dossier_receive
from motcua.dossiers.tests.factories import PDF, PERSONAL_ID, commune_agencies, intake, procedure, staff

pytestmark = pytest.mark.django_db

SCHEMA_MESSAGE = "Một số giá trị không hợp lệ. Vui lòng kiểm tra các trường được liệt kê."
DOSSIER_MESSAGE = "Hồ sơ có lỗi. Vui lòng sửa các trường được liệt kê."


def _body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "procedure_code": "1.001193",
        "applicant": {"kind": "person", "name": "Nguyễn Văn An", "id_number": PERSONAL_ID, "phone": "0912345678"},
        "channel": "in_person",
        "documents": [{"name": "Tờ khai", "content_base64": base64.b64encode(PDF).decode()}],
        "idempotency_key": "bad-1",
    }
    body.update(overrides)
    return body


def _applicant(**overrides: Any) -> dict[str, Any]:
    return {"kind": "person", "name": "Nguyễn Văn An", "id_number": PERSONAL_ID, "phone": "0912345678", **overrides}


@pytest.fixture
def officer() -> Any:
    procedure()
    commune_agencies()
    return staff("officer", Role.RECEPTION_OFFICER)


@pytest.fixture
def key(officer: Any) -> str:
    _row, secret = apikey_create(user=officer)
    return secret


def _auth(key: str) -> dict[str, Any]:
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def _post(client: Client, key: str, body: dict[str, Any] | str, path: str = "/api/v1/dossiers") -> Any:
    data = body if isinstance(body, str) else json.dumps(body)
    return client.post(path, data, content_type="application/json", **_auth(key))


def _assert_refused(response: Any, status: int, code: str, field: str, message: str = SCHEMA_MESSAGE) -> None:
    assert response.status_code == status
    assert response.json()["code"] == code
    assert response.json()["message"] == message
    assert field in response.json()["fields"]


def _nothing_written() -> None:
    assert (Dossier.objects.count(), DossierEvent.objects.count(), Document.objects.count()) == (0, 0, 0)


# --- Over-long texts, e-mail, fee: bounded by the model columns ---------------------------------


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"applicant": _applicant(name="A" * 201)}, "applicant.name"),
        ({"applicant": _applicant(address="Số 1 " * 61)}, "applicant.address"),
        ({"authorisation_note": "x" * 301}, "authorisation_note"),
        ({"request_summary": "x" * 501}, "request_summary"),
        ({"representative_name": "B" * 201}, "representative_name"),
        ({"documents": [{"name": "N" * 501}]}, "documents.0.name"),
    ],
)
def test_over_long_texts_get_a_coded_422_and_nothing_is_written(
    client: Client, key: str, overrides: dict[str, Any], field: str
) -> None:
    """Issue 9 item 7: over-long names, addresses and notes (the column's max_length is the bound)."""
    response = _post(client, key, _body(**overrides))

    _assert_refused(response, 422, "invalid_input", field)
    _nothing_written()


def test_invalid_email_gets_a_coded_422_with_a_vietnamese_field_message(client: Client, key: str) -> None:
    response = _post(client, key, _body(applicant=_applicant(email="an@@example")))

    _assert_refused(response, 422, "invalid_input", "applicant.email")
    assert "e-mail hợp lệ" in response.json()["fields"]["applicant.email"]
    _nothing_written()


@pytest.mark.parametrize("fee", [2**63, 2**64 + 5, 10**12 + 1, -1])
def test_fee_out_of_range_gets_a_coded_422(client: Client, key: str, fee: int) -> None:
    """A fee above 2^63 overflowed the column (a 500); the bound is 10^12 đồng."""
    response = _post(client, key, _body(fee_amount=fee))

    _assert_refused(response, 422, "invalid_input", "fee_amount")
    _nothing_written()


def test_request_fees_above_the_bound_is_refused_and_nothing_changes(client: Client, key: str, officer: Any) -> None:
    dossier = dossier_receive(actor=officer, intake=intake()).dossier

    response = _post(client, key, {"fee_amount": 2**63}, f"/api/v1/dossiers/{dossier.code}/actions/request_fees")

    _assert_refused(response, 422, "invalid_input", "fee_amount")
    dossier.refresh_from_db()
    assert (dossier.fee_amount, dossier.events.count()) == (0, 1)


# --- Lone surrogate, NUL byte, control characters ----------------------------------------------


@pytest.mark.parametrize(
    ("raw", "field"),
    [
        ('"Nguy\\ud800n"', "applicant.name"),  # a lone surrogate, as JSON escapes it
        ('"Nguy\\u0000n"', "applicant.name"),  # a NUL byte: SQLite took it, the XLSX book broke
        ('"Nguy\\u0007n"', "applicant.name"),  # a bell: a control character
    ],
)
def test_unsafe_characters_get_a_coded_422_and_nothing_is_written(client: Client, key: str, raw: str, field: str) -> None:
    body = json.dumps(_body(applicant=_applicant(name="PLACEHOLDER"))).replace('"PLACEHOLDER"', raw)

    response = _post(client, key, body)

    _assert_refused(response, 422, "invalid_input", field)
    assert "ký tự" in response.json()["fields"][field]
    _nothing_written()


def test_nul_in_a_document_name_is_refused(client: Client, key: str) -> None:
    response = _post(client, key, _body(documents=[{"name": "Tờ\x00khai"}]))

    _assert_refused(response, 422, "invalid_input", "documents.0.name")
    _nothing_written()


def test_service_refuses_control_characters_before_the_transaction(officer: Any) -> None:
    """The HTML form and imports reach the service directly: the same bound, a DomainError."""
    from motcua.core.exceptions import DomainError

    bad = intake()
    bad.applicant.address = "Ấp 3\x00"

    with pytest.raises(DomainError) as excinfo:
        dossier_receive(actor=officer, intake=bad)

    assert excinfo.value.code == "invalid_dossier"
    assert "applicant.address" in excinfo.value.fields
    _nothing_written()


def test_intake_page_shows_the_control_character_error_and_writes_nothing(client: Client, officer: Any) -> None:
    client.force_login(officer)

    response = client.post(
        "/ho-so/tiep-nhan/",
        {
            "procedure_code": "1.001193",
            "applicant_kind": "person",
            "applicant_name": "Trần Thị Bình",
            "applicant_id_number": "096302731506",
            "applicant_address": "Ấp 3\x07",
            "channel": "in_person",
            "sets_count": "1",
            "fee_amount": "0",
            "idempotency_key": "form-bad",
        },
    )

    assert response.status_code == 400
    assert "ký tự điều khiển" in response.content.decode()
    _nothing_written()


@pytest.mark.parametrize(
    ("field", "value"),
    [("fee_amount", str(2**63)), ("applicant_name", "A" * 201), ("idempotency_key", "k" * 81)],
)
def test_intake_page_bounds_are_the_api_bounds(client: Client, officer: Any, field: str, value: str) -> None:
    client.force_login(officer)
    data = {
        "procedure_code": "1.001193",
        "applicant_kind": "person",
        "applicant_name": "Trần Thị Bình",
        "applicant_id_number": "096302731506",
        "channel": "in_person",
        "sets_count": "1",
        "fee_amount": "0",
        "idempotency_key": "form-bound",
    }

    response = client.post("/ho-so/tiep-nhan/", {**data, field: value})

    assert response.status_code == 400
    _nothing_written()


# --- Due dates and step days ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "new_due_at",
    ["2026-03-20T17:00:00", "9999-12-31T17:00:00+07:00", "1900-01-01T00:00:00+07:00"],
)
def test_new_due_at_naive_or_out_of_range_gets_a_coded_422(client: Client, key: str, officer: Any, new_due_at: str) -> None:
    dossier = dossier_receive(actor=officer, intake=intake()).dossier
    before = (ClockChange.objects.count(), DossierEvent.objects.count(), dossier.due_at)

    response = _post(
        client, key, {"reason": "Chậm", "new_due_at": new_due_at}, f"/api/v1/dossiers/{dossier.code}/actions/apologize"
    )

    _assert_refused(response, 422, "invalid_input", "new_due_at")
    dossier.refresh_from_db()
    assert (ClockChange.objects.count(), DossierEvent.objects.count(), dossier.due_at) == before


def test_service_refuses_a_naive_new_due_at(officer: Any) -> None:
    from motcua.core.exceptions import DomainError
    from motcua.dossiers.choices import DossierAction
    from motcua.dossiers.services import ActionInput, dossier_act

    dossier = dossier_receive(actor=officer, intake=intake()).dossier
    changes = ClockChange.objects.count()

    with pytest.raises(DomainError) as excinfo:
        dossier_act(
            actor=officer,
            code=dossier.code,
            action=DossierAction.APOLOGIZE,
            data=ActionInput(reason="Chậm", new_due_at=dt.datetime(2026, 3, 20, 17)),
        )

    assert (excinfo.value.code, list(excinfo.value.fields)) == ("new_due_invalid", ["new_due_at"])
    assert ClockChange.objects.count() == changes


@pytest.mark.parametrize("step_days", ["5000000", "0", "-1", "NaN", "366"])
def test_step_days_out_of_range_gets_a_coded_422(client: Client, key: str, officer: Any, step_days: str) -> None:
    """5,000,000 step days held SQLite's write lock for 3 s: bounded to (0, 365]."""
    dossier = dossier_receive(actor=officer, intake=intake()).dossier

    response = _post(client, key, f'{{"step_days": "{step_days}"}}', f"/api/v1/dossiers/{dossier.code}/actions/transfer")

    _assert_refused(response, 422, "invalid_input", "step_days")
    assert (DossierStep.objects.count(), DossierEvent.objects.count()) == (0, 1)


def test_service_refuses_huge_step_days_before_locking(officer: Any) -> None:
    from decimal import Decimal

    from motcua.core.exceptions import DomainError
    from motcua.dossiers.choices import DossierAction
    from motcua.dossiers.services import ActionInput, dossier_act

    dossier = dossier_receive(actor=officer, intake=intake()).dossier

    with pytest.raises(DomainError) as excinfo:
        dossier_act(
            actor=officer, code=dossier.code, action=DossierAction.TRANSFER, data=ActionInput(step_days=Decimal(5_000_000))
        )

    assert excinfo.value.code == "step_days_invalid"
    assert DossierStep.objects.count() == 0


# --- Documents per intake, body size, multipart upload -------------------------------------------


@pytest.mark.parametrize("count", [101, 70_000])
def test_too_many_documents_get_a_coded_422(client: Client, key: str, count: int) -> None:
    """70,000 empty documents made the receipt PDF time the worker out: at most 100."""
    response = _post(client, key, _body(documents=[{"name": "x"}] * count))

    _assert_refused(response, 422, "invalid_input", "documents")
    _nothing_written()


def test_body_over_the_limit_gets_a_json_413(client: Client, key: str, settings: Any) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    body = _body(documents=[{"name": "Tờ khai", "content_base64": base64.b64encode(PDF + b"0" * 20_000).decode()}])

    response = _post(client, key, body)

    assert response.status_code == 413
    assert response.json()["code"] == "body_too_large"
    assert "quá lớn" in response.json()["message"]
    _nothing_written()


def _upload(client: Client, key: str, intake_body: dict[str, Any], files: list[SimpleUploadedFile]) -> Any:
    return client.post("/api/v1/dossiers/upload", {"intake": json.dumps(intake_body), "files": files}, **_auth(key))


def test_multipart_upload_attaches_each_scan_to_its_document(client: Client, key: str) -> None:
    body = _body(documents=[{"name": "Tờ khai", "filename": "to-khai.pdf"}], idempotency_key="up-1")

    response = _upload(client, key, body, [SimpleUploadedFile("to-khai.pdf", PDF, content_type="application/pdf")])

    assert response.status_code == 201
    document = Document.objects.get()
    assert (document.name, document.content_type, document.size) == ("Tờ khai", "application/pdf", len(PDF))


def test_multipart_upload_refuses_anonymous_and_writes_nothing(client: Client, officer: Any) -> None:
    body = _body(documents=[{"name": "Tờ khai", "filename": "to-khai.pdf"}])
    files = [SimpleUploadedFile("to-khai.pdf", PDF, content_type="application/pdf")]

    response = client.post("/api/v1/dossiers/upload", {"intake": json.dumps(body), "files": files})

    assert response.status_code == 401 and response.json()["code"] == "not_authenticated"
    _nothing_written()


def test_multipart_upload_refuses_a_role_without_the_receive_permission_and_writes_nothing(client: Client, officer: Any) -> None:
    """The permission matrix of the upload endpoint: a specialist processes dossiers but does not
    receive them (another unit cannot be named: a dossier is received at the caller's own desk)."""
    specialist = staff("specialist", Role.SPECIALIST, kind=AgencyKind.PEOPLES_COMMITTEE)
    _row, secret = apikey_create(user=specialist)
    body = _body(documents=[{"name": "Tờ khai", "filename": "to-khai.pdf"}], idempotency_key="up-3")

    response = _upload(client, secret, body, [SimpleUploadedFile("to-khai.pdf", PDF, content_type="application/pdf")])

    assert response.status_code == 403 and response.json()["code"] == "forbidden"
    _nothing_written()


def test_multipart_file_over_10_mb_gets_a_json_413_and_nothing_is_written(client: Client, key: str) -> None:
    big = PDF + b"0" * (10 * 1024 * 1024)
    body = _body(documents=[{"name": "Tờ khai", "filename": "scan.pdf"}], idempotency_key="up-2")

    response = _upload(client, key, body, [SimpleUploadedFile("scan.pdf", big, content_type="application/pdf")])

    assert response.status_code == 413
    assert response.json()["code"] == "document_too_large"
    assert "10 MB" in response.json()["message"]
    _nothing_written()


def test_multipart_file_without_its_document_is_refused(client: Client, key: str) -> None:
    body = _body(documents=[{"name": "Tờ khai", "filename": "a.pdf"}], idempotency_key="up-3")

    response = _upload(client, key, body, [SimpleUploadedFile("b.pdf", PDF, content_type="application/pdf")])

    assert response.status_code == 400
    assert response.json()["code"] == "document_file_unmatched"
    _nothing_written()


def test_multipart_intake_that_is_not_valid_json_gets_a_coded_422(client: Client, key: str) -> None:
    response = client.post("/api/v1/dossiers/upload", {"intake": "{not json"}, **_auth(key))

    assert response.status_code == 422
    assert response.json()["code"] == "invalid_input"
    _nothing_written()


# --- Look-up: full-width digits behave exactly as ASCII (no enumeration) --------------------------


def test_lookup_with_full_width_check_digits_answers_as_ascii(client: Client, officer: Any) -> None:
    """A full-width check value gave a 500 for an existing code and a 404 for a missing one."""
    cache.clear()
    code = dossier_receive(actor=officer, intake=intake()).dossier.code

    right = client.get(f"/api/v1/lookup/{code}", {"check": "４２１７"})
    wrong_existing = client.get(f"/api/v1/lookup/{code}", {"check": "１１１１"})
    wrong_missing = client.get("/api/v1/lookup/X-000000-000001", {"check": "１１１１"})

    assert right.status_code == 200 and right.json()["code"] == code
    assert (wrong_existing.status_code, wrong_missing.status_code) == (404, 404)
    assert wrong_existing.json() == wrong_missing.json()
    assert wrong_existing.json()["message"] == "Không tìm thấy hồ sơ với mã và 4 số kiểm tra này."
    cache.clear()


@pytest.mark.parametrize("check", ["٤٢١٧", "4217\x00", "𝟒𝟐𝟏𝟕x", "4" * 41])
def test_lookup_with_odd_check_values_never_breaks(client: Client, officer: Any, check: str) -> None:
    cache.clear()
    code = dossier_receive(actor=officer, intake=intake()).dossier.code

    response = client.get(f"/api/v1/lookup/{code}", {"check": check})

    assert response.status_code in (200, 400, 404, 422)
    assert response.json()["code"] in (code, "lookup_not_found", "invalid_input")
    cache.clear()


def test_lookup_page_with_full_width_digits_finds_the_dossier(client: Client, officer: Any) -> None:
    cache.clear()
    code = dossier_receive(actor=officer, intake=intake()).dossier.code

    response = client.get("/tra-cuu/", {"code": code, "check": "４２１７"})

    assert response.status_code == 200
    assert response.context["result"] is not None and response.context["result"]["code"] == code
    cache.clear()


# --- Counter visits -------------------------------------------------------------------------------


def test_visit_with_too_many_items_gets_a_coded_422_and_nothing_is_written(client: Client, key: str) -> None:
    body = {
        "outcome": "guided",
        "procedure_code": "1.001193",
        "applicant": {"name": "Nguyễn Văn An"},
        "reason": "Thiếu giấy tờ",
        "items": ["x"] * 101,
    }

    response = _post(client, key, body, "/api/v1/counter-visits")

    _assert_refused(response, 422, "invalid_input", "items")
    assert CounterVisit.objects.count() == 0


# --- The dossier page's action form reaches the same bounds ---------------------------------------


@pytest.mark.parametrize(
    ("action", "data", "code"),
    [
        ("transfer", {"step_days": "5000000"}, "step_days_invalid"),
        ("transfer", {"step_days": "NaN"}, "step_days_invalid"),
        ("transfer", {"agency_id": str(2**64)}, "invalid_input"),
        ("request_fees", {"fee_amount": str(2**63)}, "fee_amount_invalid"),
        ("apologize", {"reason": "Chậm", "new_due_at": "31/12/9999"}, "new_due_invalid"),
        ("refuse", {"reason": "Thiếu\x00giấy tờ"}, "invalid_input"),
    ],
)
def test_action_form_out_of_bounds_shows_the_error_and_changes_nothing(
    client: Client, officer: Any, action: str, data: dict[str, str], code: str
) -> None:
    dossier = dossier_receive(actor=officer, intake=intake()).dossier
    before = (DossierEvent.objects.count(), DossierStep.objects.count(), ClockChange.objects.count())
    client.force_login(officer)

    response = client.post(f"/ho-so/{dossier.code}/hanh-dong/{action}/", data, follow=True)

    assert response.status_code == 200
    assert f'data-code="{code}"' in response.content.decode()  # the page shows the message; the code is for support
    assert (DossierEvent.objects.count(), DossierStep.objects.count(), ClockChange.objects.count()) == before
    dossier.refresh_from_db()
    assert (dossier.status, dossier.fee_amount) == ("received", 0)


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("start=0001-01-01T00:00:00%2B07:00&end=2026-01-01T00:00:00", "start"),
        ("start=2026-01-01T00:00:00&end=9999-12-31T23:59:59-07:00", "end"),
    ],
)
def test_visit_stats_period_out_of_range_gets_a_coded_422(client: Client, key: str, query: str, field: str) -> None:
    """Year 1 and year 9999 overflowed the time-zone conversion (a 500)."""
    response = client.get(f"/api/v1/counter-visits/stats?{query}", **_auth(key))

    _assert_refused(response, 422, "invalid_input", field)
    assert response.json()["fields"][field] == "Ngày phải trong khoảng từ năm 2000 đến năm 2099."


@pytest.mark.parametrize(("query", "field"), [(f"offset={2**64}", "offset"), ("q=" + "a" * 201, "q")])
def test_catalogue_search_out_of_bounds_gets_a_coded_422(client: Client, query: str, field: str) -> None:
    response = client.get(f"/api/v1/procedures?{query}")

    _assert_refused(response, 422, "invalid_input", field)
