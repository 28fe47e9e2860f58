"""The completeness check before receipt (RULES.md §1.4 row 2; Decree 118/2025 Art. 17): at the
counter it ends in a receipt, a guided supplement (BM.02) or a refusal to receive (BM.03); the
last two are counter visits with their own numbered slip and no dossier code."""

from __future__ import annotations

import base64
import datetime as dt
import io
import re
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.test import Client
from pypdf import PdfReader

from motcua.core.apikeys import apikey_create
from motcua.core.choices import AgencyKind, Role
from motcua.core.exceptions import DomainError, NotFound, PermissionDenied
from motcua.core.models import AuditEvent
from motcua.dossiers.choices import ApplicantKind, DossierAction, DossierStatus, SlipForm, VisitOutcome
from motcua.dossiers.models import Counter, CounterVisit, Dossier, DossierEvent, Slip
from motcua.dossiers.selectors import counter_stats
from motcua.dossiers.services import (
    ActionInput,
    ApplicantInput,
    VisitInput,
    counter_visit_receive,
    counter_visit_record,
    dossier_act,
    dossier_receive,
)
from motcua.dossiers.slips import render_visit_slip_pdf
from motcua.dossiers.tests.factories import PDF, PERSONAL_ID, commune_agencies, intake, procedure, staff

pytestmark = pytest.mark.django_db
VN = ZoneInfo("Asia/Ho_Chi_Minh")


def at(day: str, hm: str = "10:00") -> dt.datetime:
    return dt.datetime.fromisoformat(f"{day}T{hm}").replace(tzinfo=VN)


def pdf_text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))


@pytest.fixture
def officer() -> User:
    procedure()
    commune_agencies()
    return staff("officer", Role.RECEPTION_OFFICER)


def _applicant(id_number: str = PERSONAL_ID) -> ApplicantInput:
    return ApplicantInput(
        kind=ApplicantKind.PERSON,
        name="Nguyễn Văn An",
        id_number=id_number,
        phone="0912345678",
        address="Ấp Cái Đôi, Xã Phú Tân, Tỉnh Cà Mau",
    )


def _guided(**overrides: Any) -> VisitInput:
    values: dict[str, Any] = {
        "outcome": VisitOutcome.GUIDED,
        "procedure_code": "1.001193",
        "applicant": _applicant(),
        "items": ["Giấy chứng sinh", "Giấy chứng nhận kết hôn của cha mẹ"],
        "reason": "Thiếu giấy tờ theo quy định",
    }
    values.update(overrides)
    return VisitInput(**values)


def _refused(**overrides: Any) -> VisitInput:
    values: dict[str, Any] = {
        "outcome": VisitOutcome.REFUSED,
        "procedure_code": "1.001193",
        "applicant": _applicant(),
        "reason": "Không thuộc thẩm quyền giải quyết của xã",
    }
    values.update(overrides)
    return VisitInput(**values)


def _nothing_written() -> None:
    assert not CounterVisit.objects.exists()
    assert not Slip.objects.exists()
    assert not Dossier.objects.exists()
    assert not AuditEvent.objects.filter(object_type="counter_visit").exists()


# --- Services ----------------------------------------------------------------------------------


def test_guided_visit_gets_a_numbered_bm02_and_no_dossier_code(officer: User) -> None:
    """RULES.md §1.4 row 2: a guided supplement is an alternative to receipt (no code, no clock)."""
    result = counter_visit_record(actor=officer, visit=_guided(), now=at("2026-03-02"))

    visit = result.visit
    slip = Slip.objects.get()
    assert result.created
    assert (visit.outcome, visit.items, visit.officer, visit.dossier) == (
        VisitOutcome.GUIDED,
        ["Giấy chứng sinh", "Giấy chứng nhận kết hôn của cha mẹ"],
        officer,
        None,
    )
    assert (slip.form, slip.number, slip.visit, slip.dossier) == (SlipForm.SUPPLEMENT, "0001/PBS-TTPVHCC", visit, None)
    assert slip.data == {"items": visit.items, "reason": "Thiếu giấy tờ theo quy định"}
    assert not Dossier.objects.exists()
    assert not Counter.objects.filter(key__startswith="dossier:").exists()  # no dossier code was drawn


def test_refused_visit_gets_a_numbered_bm03_and_an_audit_row(officer: User) -> None:
    """RULES.md §1.4 row 2 and §1.5: BM.03 "Số …/PTC-TTPVHCC" with the specific reasons."""
    visit = counter_visit_record(actor=officer, visit=_refused(), now=at("2026-03-02")).visit

    slip = Slip.objects.get()
    audit = AuditEvent.objects.get(object_type="counter_visit")
    assert (slip.form, slip.number, slip.data) == (
        SlipForm.REFUSAL,
        "0001/PTC-TTPVHCC",
        {"reason": "Không thuộc thẩm quyền giải quyết của xã"},
    )
    assert (audit.action, audit.object_id, audit.unit_code) == ("counter_visit.refused", str(visit.pk), "32218")
    assert audit.data == {"procedure": "1.001193", "applicant_id": PERSONAL_ID, "slip": "0001/PTC-TTPVHCC"}
    assert not Dossier.objects.exists()


def test_visit_refusals_and_online_refusals_share_the_bm03_numbering(officer: User) -> None:
    """RULES.md §1.5: one serial per form, issuing agency and year, whatever the slip hangs off."""
    counter_visit_record(actor=officer, visit=_refused(), now=at("2026-03-02"))
    online = dossier_receive(actor=officer, intake=intake(), online=True, now=at("2026-03-02")).dossier
    dossier_act(actor=officer, code=online.code, action=DossierAction.REFUSE, data=ActionInput(reason="Hồ sơ giả mạo"))

    assert list(Slip.objects.filter(form=SlipForm.REFUSAL).order_by("serial").values_list("number", flat=True)) == [
        "0001/PTC-TTPVHCC",
        "0002/PTC-TTPVHCC",
    ]


def test_same_key_returns_the_same_visit_without_a_second_slip(officer: User) -> None:
    """RULES.md §1.4 row 2."""
    first = counter_visit_record(actor=officer, visit=_guided(idempotency_key="v-1"))
    second = counter_visit_record(actor=officer, visit=_guided(idempotency_key="v-1"))

    assert (first.created, second.created) == (True, False)
    assert first.visit.pk == second.visit.pk
    assert Slip.objects.count() == 1
    assert AuditEvent.objects.filter(action="counter_visit.guided").count() == 1
    assert Counter.objects.get(key__startswith="slip:BM02:").value == 1  # the repeat's serial was rolled back


def test_guided_visit_must_list_the_items_and_a_refusal_its_reason(officer: User) -> None:
    """RULES.md §1.4 row 3b (every missing item) and row 3c (the specific reason)."""
    with pytest.raises(DomainError) as no_items:
        counter_visit_record(actor=officer, visit=_guided(items=["  "]))
    with pytest.raises(DomainError) as no_reason:
        counter_visit_record(actor=officer, visit=_refused(reason=" "))

    assert (no_items.value.code, list(no_items.value.fields)) == ("invalid_visit", ["items"])
    assert (no_reason.value.code, list(no_reason.value.fields)) == ("invalid_visit", ["reason"])
    _nothing_written()


def test_visit_may_omit_the_id_but_not_give_a_wrong_one(officer: User) -> None:
    """RULES.md §1.4 row 2."""
    without = counter_visit_record(actor=officer, visit=_refused(applicant=_applicant(id_number="")))
    with pytest.raises(DomainError) as wrong:
        counter_visit_record(actor=officer, visit=_refused(applicant=_applicant(id_number="12345")))

    assert without.visit.applicant_id_number == ""
    assert list(wrong.value.fields) == ["applicant.id_number"]
    assert CounterVisit.objects.count() == 1


def test_role_without_receive_permission_cannot_record_a_visit(officer: User) -> None:
    """RULES.md §1.4 row 2."""
    specialist = staff("spec", Role.SPECIALIST, kind=AgencyKind.PEOPLES_COMMITTEE)

    with pytest.raises(PermissionDenied):
        counter_visit_record(actor=specialist, visit=_guided())

    _nothing_written()


def test_visit_becomes_a_received_dossier_in_one_step(officer: User) -> None:
    """RULES.md §1.4 row 2."""
    visit = counter_visit_record(actor=officer, visit=_guided(), now=at("2026-03-02")).visit

    result = counter_visit_receive(
        actor=officer, visit_id=visit.pk, intake=intake(idempotency_key="back-1"), now=at("2026-03-04")
    )

    dossier = result.dossier
    visit.refresh_from_db()
    event = DossierEvent.objects.get(dossier=dossier)
    assert result.created
    assert (dossier.status, dossier.code) == (DossierStatus.RECEIVED, "000.18.20.H12-260304-0001")
    assert visit.dossier == dossier
    assert event.payload["counter_visit"] == visit.pk
    assert sorted(Slip.objects.filter(dossier=dossier).values_list("form", flat=True)) == sorted(
        [SlipForm.RECEIPT, SlipForm.CONTROL_SHEET]
    )
    assert AuditEvent.objects.get(action="counter_visit.receive").data == {"dossier": dossier.code, "outcome": "guided"}


def test_a_visit_becomes_one_dossier_only(officer: User) -> None:
    """RULES.md §1.4 row 2."""
    visit = counter_visit_record(actor=officer, visit=_guided()).visit
    first = counter_visit_receive(actor=officer, visit_id=visit.pk, intake=intake(idempotency_key="back-1"))

    again = counter_visit_receive(actor=officer, visit_id=visit.pk, intake=intake(idempotency_key="back-1"))
    with pytest.raises(DomainError) as other_key:
        counter_visit_receive(actor=officer, visit_id=visit.pk, intake=intake(idempotency_key="back-2"))

    assert (again.created, again.dossier.pk) == (False, first.dossier.pk)
    assert (other_key.value.code, other_key.value.status_code) == ("visit_already_received", 409)
    assert Dossier.objects.count() == 1


def test_other_unit_cannot_see_or_receive_a_visit(officer: User) -> None:
    """RULES.md §1.4 row 2."""
    visit = counter_visit_record(actor=officer, visit=_guided()).visit
    other = staff("other", Role.RECEPTION_OFFICER, code="32214")

    with pytest.raises(NotFound):
        counter_visit_receive(actor=other, visit_id=visit.pk, intake=intake())

    assert not CounterVisit.objects.restrict(other, "view").exists()
    assert CounterVisit.objects.get().dossier is None
    assert not Dossier.objects.exists()


def test_counter_stats_count_each_outcome_of_the_unit_in_the_period(officer: User) -> None:
    """RULES.md §1.4 row 2: guided and refused visits count in the statistics."""
    other = staff("other", Role.RECEPTION_OFFICER, code="32214")
    commune_agencies("32214")
    counter_visit_record(actor=officer, visit=_guided(), now=at("2026-03-02"))
    counter_visit_record(actor=officer, visit=_guided(), now=at("2026-03-02", "15:00"))
    counter_visit_record(actor=officer, visit=_refused(), now=at("2026-03-02"))
    counter_visit_record(actor=officer, visit=_refused(), now=at("2026-03-03"))  # next day
    counter_visit_record(actor=other, visit=_refused(), now=at("2026-03-02"))  # other unit
    dossier_receive(actor=officer, intake=intake(), now=at("2026-03-02"))
    dossier_receive(actor=officer, intake=intake(), online=True, now=at("2026-03-02"))  # not a counter receipt

    stats = counter_stats(user=officer, start=at("2026-03-02", "00:00"), end=at("2026-03-03", "00:00"))

    assert (stats.received, stats.guided, stats.refused, stats.total) == (1, 2, 1, 4)


def test_a_slip_hangs_off_a_dossier_or_a_visit_never_both_or_neither(officer: User) -> None:
    """RULES.md §1.4 row 2."""
    visit = counter_visit_record(actor=officer, visit=_refused()).visit
    dossier = dossier_receive(actor=officer, intake=intake()).dossier
    agency = visit.receiving_agency
    values = {"form": SlipForm.REFUSAL, "agency": agency, "year": 2026, "number": "x", "issued_at": at("2026-03-02")}

    for serial, owners in enumerate(({}, {"dossier": dossier, "visit": visit}), start=100):
        with pytest.raises(IntegrityError), transaction.atomic():
            Slip.objects.create(serial=serial, **owners, **values)

    assert Slip.objects.count() == 3  # the visit's BM.03, the dossier's BM.01 and BM.05


# --- Slips -------------------------------------------------------------------------------------


def test_bm02_of_a_visit_prints_the_items_without_a_dossier_code(officer: User) -> None:
    """RULES.md §1.4 row 2."""
    visit = counter_visit_record(actor=officer, visit=_guided(), now=at("2026-03-02")).visit

    text = pdf_text(render_visit_slip_pdf(visit=visit))

    assert "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ" in text
    assert "Số: 0001/PBS-TTPVHCC" in text
    assert "1. Giấy chứng sinh" in text and "2. Giấy chứng nhận kết hôn của cha mẹ" in text
    assert "Lý do: Thiếu giấy tờ theo quy định" in text
    assert "Nguyễn Văn An" in text
    assert "Mã hồ sơ" not in text and "Quét mã" not in text


def test_bm03_of_a_visit_leaves_the_dossier_code_empty(officer: User) -> None:
    """RULES.md §1.5: BM.03 "Mã hồ sơ (nếu có)": a refused paper dossier has no code."""
    visit = counter_visit_record(actor=officer, visit=_refused(), now=at("2026-03-02")).visit

    text = pdf_text(render_visit_slip_pdf(visit=visit))

    assert "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ" in text
    assert "Số: 0001/PTC-TTPVHCC" in text
    assert "Mã hồ sơ (nếu có): …………" in text
    assert "Không thuộc thẩm quyền giải quyết của xã" in text
    assert f"Số định danh cá nhân: {PERSONAL_ID}" in text


# --- Pages: the permission matrix and the flows -------------------------------------------------


def _form(**overrides: str) -> dict[str, str]:
    values = {
        "procedure_code": "1.001193",
        "applicant_kind": "person",
        "applicant_name": "Trần Thị Bình",
        "applicant_id_number": "096302731506",
        "applicant_phone": "0987654321",
        "channel": "in_person",
        "sets_count": "1",
        "fee_amount": "0",
        "idempotency_key": "form-v-1",
    }
    values.update(overrides)
    return values


def test_page_refuse_to_receive_lands_on_the_visit_page_without_a_code(client: Client, officer: User) -> None:
    """RULES.md §1.4 row 2."""
    client.force_login(officer)

    response = client.post("/ho-so/tiep-nhan/", _form(outcome="refuse", reason="Không thuộc thẩm quyền"))

    visit = CounterVisit.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/ho-so/luot-tiep/{visit.pk}/"
    assert visit.outcome == VisitOutcome.REFUSED
    assert not Dossier.objects.exists()
    page = client.get(response["Location"]).content.decode()
    assert f"/ho-so/luot-tiep/{visit.pk}/phieu.pdf" in page and "0001/PTC-TTPVHCC" in page


def test_page_guide_a_supplement_needs_the_items_and_changes_nothing_without(client: Client, officer: User) -> None:
    """RULES.md §1.4 row 2."""
    client.force_login(officer)

    missing = client.post("/ho-so/tiep-nhan/", _form(outcome="guide", reason="Thiếu"))
    done = client.post("/ho-so/tiep-nhan/", _form(outcome="guide", reason="Thiếu", items="Giấy chứng sinh\nCCCD của mẹ"))

    assert missing.status_code == 400 and "Trần Thị Bình" in missing.content.decode()
    assert done.status_code == 302
    assert CounterVisit.objects.get().items == ["Giấy chứng sinh", "CCCD của mẹ"]


def test_intake_page_shows_the_desk_statistics(client: Client, officer: User) -> None:
    """RULES.md §1.4 row 2."""
    counter_visit_record(actor=officer, visit=_guided())
    client.force_login(officer)

    html = client.get("/ho-so/tiep-nhan/").content.decode()

    assert "counter-stats" in html
    assert re.search(r"<th scope=\"row\">[^<]+</th><td>0</td><td>1</td><td>0</td>", html)


def test_page_receive_from_a_visit_prefills_and_links(client: Client, officer: User) -> None:
    """RULES.md §1.4 row 2."""
    visit = counter_visit_record(actor=officer, visit=_guided()).visit
    client.force_login(officer)

    form = client.get(f"/ho-so/tiep-nhan/?luot={visit.pk}").content.decode()
    response = client.post("/ho-so/tiep-nhan/", _form(visit=str(visit.pk), applicant_id_number=PERSONAL_ID))

    dossier = Dossier.objects.get()
    assert 'value="Nguyễn Văn An"' in form and f'name="visit" value="{visit.pk}"' in form
    assert response["Location"] == f"/ho-so/{dossier.code}/"
    assert CounterVisit.objects.get().dossier == dossier


def test_anonymous_gets_login_and_changes_nothing(client: Client, officer: User) -> None:
    """RULES.md §1.4 row 2."""
    visit = counter_visit_record(actor=officer, visit=_guided()).visit

    for url in (f"/ho-so/luot-tiep/{visit.pk}/", f"/ho-so/luot-tiep/{visit.pk}/phieu.pdf"):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/dang-nhap/"), url
    posted = client.post("/ho-so/tiep-nhan/", _form(outcome="refuse", reason="x"))

    assert posted.status_code == 302
    assert CounterVisit.objects.count() == 1


def test_role_without_permission_gets_403_and_changes_nothing(client: Client, officer: User) -> None:
    """RULES.md §1.4 row 2."""
    visit = counter_visit_record(actor=officer, visit=_guided()).visit
    client.force_login(staff("data", Role.DATA_OFFICER))

    assert client.get(f"/ho-so/luot-tiep/{visit.pk}/").status_code == 403
    assert client.get(f"/ho-so/luot-tiep/{visit.pk}/phieu.pdf").status_code == 403
    assert client.post("/ho-so/tiep-nhan/", _form(outcome="refuse", reason="x")).status_code == 403
    assert CounterVisit.objects.count() == 1


def test_other_unit_gets_404_and_changes_nothing(client: Client, officer: User) -> None:
    """RULES.md §1.4 row 2."""
    visit = counter_visit_record(actor=officer, visit=_guided()).visit
    client.force_login(staff("other", Role.RECEPTION_OFFICER, code="32214"))

    assert client.get(f"/ho-so/luot-tiep/{visit.pk}/").status_code == 404
    assert client.get(f"/ho-so/luot-tiep/{visit.pk}/phieu.pdf").status_code == 404
    assert client.get(f"/ho-so/tiep-nhan/?luot={visit.pk}").status_code == 404
    assert client.post("/ho-so/tiep-nhan/", _form(visit=str(visit.pk))).status_code == 404
    assert not Dossier.objects.exists() and CounterVisit.objects.get().dossier is None


def test_officer_of_the_unit_gets_the_visit_and_its_pdf(client: Client, officer: User) -> None:
    """RULES.md §1.4 row 2."""
    visit = counter_visit_record(actor=officer, visit=_refused()).visit
    client.force_login(staff("colleague", Role.RECEPTION_OFFICER))

    page = client.get(f"/ho-so/luot-tiep/{visit.pk}/")
    pdf = client.get(f"/ho-so/luot-tiep/{visit.pk}/phieu.pdf")

    assert page.status_code == 200 and f"/ho-so/tiep-nhan/?luot={visit.pk}" in page.content.decode()
    assert pdf.status_code == 200 and pdf.content[:5] == b"%PDF-"


# --- API ---------------------------------------------------------------------------------------


def _body(**overrides: object) -> dict[str, object]:
    body: dict[str, object] = {
        "outcome": "guided",
        "procedure_code": "1.001193",
        "applicant": {"kind": "person", "name": "Nguyễn Văn An", "id_number": PERSONAL_ID, "phone": "0912345678"},
        "items": ["Giấy chứng sinh"],
        "reason": "Thiếu giấy tờ",
        "idempotency_key": "api-v-1",
    }
    body.update(overrides)
    return body


def _key(user: User) -> dict[str, Any]:  # Any: spread into the test client's **extra
    _row, key = apikey_create(user=user)
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def test_api_records_a_visit_idempotently(client: Client, officer: User) -> None:
    """RULES.md §1.4 row 2."""
    auth = _key(officer)

    first = client.post("/api/v1/counter-visits", _body(), content_type="application/json", **auth)
    second = client.post("/api/v1/counter-visits", _body(), content_type="application/json", **auth)

    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json()["id"] == second.json()["id"]
    assert first.json()["slip"]["number"] == "0001/PBS-TTPVHCC"
    assert (first.json()["outcome"], first.json()["dossier_code"]) == ("guided", None)
    assert CounterVisit.objects.count() == 1 and not Dossier.objects.exists()


def test_api_rejects_an_unknown_outcome_and_writes_nothing(client: Client, officer: User) -> None:
    """RULES.md §1.4 row 2."""
    response = client.post("/api/v1/counter-visits", _body(outcome="maybe"), content_type="application/json", **_key(officer))

    assert response.status_code == 422
    assert "outcome" in response.json()["fields"]
    _nothing_written()


def test_api_permission_matrix_for_visits(client: Client, officer: User) -> None:
    """RULES.md §1.4 row 2."""
    visit = counter_visit_record(actor=officer, visit=_refused()).visit
    other = _key(staff("other", Role.RECEPTION_OFFICER, code="32214"))
    data = _key(staff("data", Role.DATA_OFFICER))

    anonymous = client.post("/api/v1/counter-visits", _body(), content_type="application/json")
    forbidden = client.post("/api/v1/counter-visits", _body(), content_type="application/json", **data)
    hidden = client.get(f"/api/v1/counter-visits/{visit.pk}", **other)
    hidden_pdf = client.get(f"/api/v1/counter-visits/{visit.pk}/slip.pdf", **other)
    hidden_receive = client.post(
        f"/api/v1/counter-visits/{visit.pk}/receive",
        {"procedure_code": "1.001193", "applicant": {"name": "Nguyễn Văn An", "id_number": PERSONAL_ID}},
        content_type="application/json",
        **other,
    )
    allowed = client.get(f"/api/v1/counter-visits/{visit.pk}", **_key(officer))

    assert (anonymous.status_code, forbidden.status_code) == (401, 403)
    assert (hidden.status_code, hidden_pdf.status_code, hidden_receive.status_code) == (404, 404, 404)
    assert allowed.status_code == 200 and allowed.json()["reason"] == "Không thuộc thẩm quyền giải quyết của xã"
    assert CounterVisit.objects.count() == 1 and not Dossier.objects.exists()


def test_api_receives_the_dossier_from_a_visit_and_prints_the_slip(client: Client, officer: User) -> None:
    """RULES.md §1.4 row 2."""
    visit = counter_visit_record(actor=officer, visit=_guided()).visit
    auth = _key(officer)
    body = {
        "procedure_code": "1.001193",
        "applicant": {"kind": "person", "name": "Nguyễn Văn An", "id_number": PERSONAL_ID},
        "documents": [{"name": "Giấy chứng sinh", "content_base64": base64.b64encode(PDF).decode()}],
        "idempotency_key": "api-back-1",
    }

    received = client.post(f"/api/v1/counter-visits/{visit.pk}/receive", body, content_type="application/json", **auth)
    pdf = client.get(f"/api/v1/counter-visits/{visit.pk}/slip.pdf", **auth)
    shown = client.get(f"/api/v1/counter-visits/{visit.pk}", **auth)

    assert received.status_code == 201 and received.json()["status"] == "received"
    assert shown.json()["dossier_code"] == received.json()["code"]
    assert pdf.status_code == 200 and pdf.content[:5] == b"%PDF-"
