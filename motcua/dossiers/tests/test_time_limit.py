"""A procedure without a time limit in the catalogue stays receivable: the receiving officer
sets the limit at intake, with a reason (RULES.md §1.6, last bullet)."""

from __future__ import annotations

import base64
import datetime as dt
import io
import re
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import User
from django.test import Client
from pypdf import PdfReader

from motcua.catalog.models import Procedure, Sector
from motcua.core.apikeys import apikey_create
from motcua.core.calendar import calendar_for
from motcua.core.choices import Role
from motcua.core.exceptions import DomainError
from motcua.core.models import AuditEvent
from motcua.dossiers import clock
from motcua.dossiers.choices import ClockChangeKind, SlipForm
from motcua.dossiers.models import ClockChange, Dossier, DossierEvent
from motcua.dossiers.services import dossier_receive
from motcua.dossiers.slips import render_slip_pdf
from motcua.dossiers.tests.factories import PDF, PERSONAL_ID, commune_agencies, intake, procedure, staff

pytestmark = pytest.mark.django_db
VN = ZoneInfo("Asia/Ho_Chi_Minh")
REASON = "Theo thời hạn của thủ tục tương tự tại Quyết định công bố của tỉnh"


def at(day: str, hm: str = "10:00") -> dt.datetime:
    return dt.datetime.fromisoformat(f"{day}T{hm}").replace(tzinfo=VN)


def pdf_text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))


def _no_limit_procedure() -> Procedure:
    sector, _ = Sector.objects.get_or_create(name="Hộ tịch", defaults={"slug": "ho-tich"})
    proc, _ = Procedure.objects.update_or_create(
        code="2.000999",
        defaults={"name": "Thủ tục chưa có thời hạn", "sector": sector, "lead_time_value": None, "lead_time_unit": ""},
    )
    return proc


@pytest.fixture
def officer() -> User:
    procedure()
    _no_limit_procedure()
    commune_agencies()
    return staff("officer", Role.RECEPTION_OFFICER)


def test_without_any_time_limit_the_dossier_is_not_received(officer: User) -> None:
    """RULES.md §1.6, last bullet."""
    with pytest.raises(DomainError) as excinfo:
        dossier_receive(actor=officer, intake=intake(procedure_code="2.000999"), now=at("2026-03-02"))

    assert excinfo.value.code == "procedure_no_time_limit"
    assert not Dossier.objects.exists()


def test_officer_time_limit_sets_the_due_date_and_is_recorded(officer: User) -> None:
    """RULES.md §1.6 last bullet: the officer's limit, the reason in the event and the clock."""
    dossier = dossier_receive(
        actor=officer,
        intake=intake(
            procedure_code="2.000999",
            time_limit_value=Decimal(10),
            time_limit_unit="working_day",
            time_limit_reason=REASON,
        ),
        now=at("2026-03-02"),
    ).dossier

    expected_due = clock.initial_due(
        calendar_for(dossier.receiving_unit), received_at=at("2026-03-02"), value=Decimal(10), unit="working_day", cutoff=None
    )
    event = DossierEvent.objects.get(dossier=dossier)
    start = ClockChange.objects.get(dossier=dossier, kind=ClockChangeKind.START)
    assert dossier.due_at == expected_due and dossier.due_at > at("2026-03-13")
    assert event.payload["time_limit"] == {"value": "10", "unit": "working_day", "reason": REASON, "set_by": "receiving_officer"}
    assert "2.000999" in start.explanation and REASON in start.explanation
    assert (dossier.procedure_snapshot["lead_time_value"], dossier.procedure_snapshot["lead_time_reason"]) == ("10", REASON)
    assert AuditEvent.objects.get(action="dossier.receive").data["time_limit"]["reason"] == REASON


def test_officer_time_limit_needs_a_reason_and_a_known_unit(officer: User) -> None:
    """RULES.md §1.6, last bullet."""
    with pytest.raises(DomainError) as excinfo:
        dossier_receive(
            actor=officer,
            intake=intake(procedure_code="2.000999", time_limit_value=Decimal(10), time_limit_unit="fortnight"),
        )

    assert excinfo.value.code == "invalid_dossier"
    assert set(excinfo.value.fields) == {"time_limit_unit", "time_limit_reason"}
    assert not Dossier.objects.exists()


def test_officer_time_limit_is_refused_when_the_catalogue_has_one(officer: User) -> None:
    """RULES.md §1.6, last bullet."""
    with pytest.raises(DomainError) as excinfo:
        dossier_receive(
            actor=officer,
            intake=intake(time_limit_value=Decimal(2), time_limit_unit="working_day", time_limit_reason="Nhanh hơn"),
        )

    assert excinfo.value.code == "invalid_dossier"
    assert list(excinfo.value.fields) == ["time_limit_value"]
    assert not Dossier.objects.exists()


def test_bm01_prints_the_officer_time_limit_and_its_reason(officer: User) -> None:
    """RULES.md §1.6, last bullet."""
    dossier = dossier_receive(
        actor=officer,
        intake=intake(
            procedure_code="2.000999", time_limit_value=Decimal(3), time_limit_unit="working_day", time_limit_reason=REASON
        ),
        now=at("2026-03-02"),
    ).dossier

    text = pdf_text(render_slip_pdf(dossier=dossier, form=SlipForm.RECEIPT))

    assert f"Thời gian giải quyết hồ sơ theo quy định là: 3 ngày làm việc (do cán bộ tiếp nhận xác định: {REASON})" in text


def test_api_takes_the_officer_time_limit(client: Client, officer: User) -> None:
    """RULES.md §1.6, last bullet."""
    _row, key = apikey_create(user=officer)
    body = {
        "procedure_code": "2.000999",
        "applicant": {"kind": "person", "name": "Nguyễn Văn An", "id_number": PERSONAL_ID},
        "documents": [{"name": "Tờ khai", "content_base64": base64.b64encode(PDF).decode()}],
        "time_limit_value": "8",
        "time_limit_unit": "working_hour",
        "time_limit_reason": REASON,
        "idempotency_key": "tl-1",
    }

    bad = client.post(
        "/api/v1/dossiers",
        {**body, "time_limit_unit": "fortnight"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {key}",
    )
    good = client.post("/api/v1/dossiers", body, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {key}")

    assert bad.status_code == 422 and "time_limit_unit" in bad.json()["fields"]
    assert good.status_code == 201
    assert Dossier.objects.get().procedure_snapshot["lead_time_unit"] == "working_hour"


def test_intake_page_takes_the_officer_time_limit(client: Client, officer: User) -> None:
    """RULES.md §1.6, last bullet."""
    client.force_login(officer)
    form = {
        "procedure_code": "2.000999",
        "applicant_kind": "person",
        "applicant_name": "Trần Thị Bình",
        "applicant_id_number": "096302731506",
        "channel": "in_person",
        "sets_count": "1",
        "fee_amount": "0",
        "idempotency_key": "form-tl-1",
        "time_limit_value": "5",
        "time_limit_unit": "working_day",
    }

    without_reason = client.post("/ho-so/tiep-nhan/", form)
    with_reason = client.post("/ho-so/tiep-nhan/", {**form, "time_limit_reason": REASON})

    assert without_reason.status_code == 400
    assert with_reason.status_code == 302
    assert Dossier.objects.get().procedure_snapshot["lead_time_reason"] == REASON
