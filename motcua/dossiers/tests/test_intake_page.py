"""The counter intake page, keyboard first (issue 10 item 2): the procedure combobox and the
unit's most-used procedures, the ID-card QR read on the page, dd/mm/yyyy dates, input kept after
an error, the linked error summary, the receipt ready to print, the menu links."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.contrib.auth.models import User
from django.test import Client

from motcua.catalog.models import Procedure, ProcedureDocument
from motcua.core.choices import AgencyKind, Role
from motcua.dossiers.models import CounterVisit, Dossier
from motcua.dossiers.selectors import procedure_most_used
from motcua.dossiers.services import dossier_receive
from motcua.dossiers.tests.factories import PERSONAL_ID, commune_agencies, intake, procedure, staff
from motcua.identity.choices import AccessPurpose
from motcua.identity.links import citizen_link
from motcua.identity.models import Citizen, DataAccess
from motcua.identity.tests.factories import card_payload

pytestmark = pytest.mark.django_db

CARD_URL = "/ho-so/tiep-nhan/doc-the/"


@pytest.fixture
def officer() -> User:
    procedure()
    commune_agencies()
    return staff("officer", Role.RECEPTION_OFFICER)


@pytest.fixture
def citizen() -> Citizen:
    return Citizen.objects.create(
        personal_id=PERSONAL_ID,
        full_name="Nguyễn Văn An",
        birth_date=dt.date(1985, 6, 15),
        sex="male",
        phone="0912345678",
        email="an@example.vn",
    )


def _documents(proc: Procedure) -> list[ProcedureDocument]:
    # The catalogue tests import the shipped catalogue once per session (1.001193 included):
    # this test's own two documents replace its rows, inside the test's transaction.
    ProcedureDocument.objects.filter(procedure=proc).delete()
    return [
        ProcedureDocument.objects.create(procedure=proc, position=1, name="Tờ khai đăng ký khai sinh", originals=1),
        ProcedureDocument.objects.create(procedure=proc, position=2, name="Giấy chứng sinh", originals=1),
    ]


def _form(**overrides: str) -> dict[str, str]:
    return {
        "procedure_code": "1.001193",
        "applicant_kind": "person",
        "applicant_name": "Nguyễn Văn An",
        "applicant_id_number": PERSONAL_ID,
        "channel": "in_person",
        "sets_count": "1",
        "fee_amount": "0",
        "idempotency_key": "intake-page",
        **overrides,
    }


# --- The procedure combobox ---------------------------------------------------------------------------


def test_the_procedure_search_is_an_aria_combobox_controlling_a_listbox(client: Client, officer: User) -> None:
    client.force_login(officer)

    html = client.get("/ho-so/tiep-nhan/").content.decode()

    box = re.search(r'<input type="text" id="procedure-search"[^>]*>', html, re.S)
    assert box is not None
    assert 'role="combobox"' in box.group(0)
    assert 'aria-expanded="false"' in box.group(0)
    assert 'aria-controls="procedure-options"' in box.group(0)
    assert 'aria-autocomplete="list"' in box.group(0)
    assert re.search(r'<ul id="procedure-options" class="picker" role="listbox"[^>]*hidden>', html)


def test_the_picker_answers_options_not_list_items_with_buttons(client: Client, officer: User) -> None:
    client.force_login(officer)

    html = client.get("/ho-so/tiep-nhan/thu-tuc/?q=khai+sinh").content.decode()

    option = r'<li role="option" id="procedure-option-1" class="picker-item" aria-selected="false" data-code="1.001193"'
    assert re.search(option, html)
    assert "<button" not in html
    assert "<ul" not in html


def test_the_picker_with_nothing_typed_offers_the_units_most_used_procedures_first(client: Client, officer: User) -> None:
    procedure("1.000001", name="Thủ tục chứng thực bản sao")
    for n in range(2):
        dossier_receive(actor=officer, intake=intake(procedure_code="1.000001", idempotency_key=f"c-{n}"))
    dossier_receive(actor=officer, intake=intake(idempotency_key="k-1"))
    client.force_login(officer)

    html = client.get("/ho-so/tiep-nhan/thu-tuc/?q=").content.decode()

    assert re.findall(r'data-code="([^"]+)"', html) == ["1.000001", "1.001193"]
    assert 'data-most-used="1"' in html


def test_most_used_counts_only_dossiers_the_officers_unit_received(officer: User) -> None:
    procedure("1.000001", name="Thủ tục chứng thực bản sao")
    commune_agencies("32214")
    other = staff("other", Role.RECEPTION_OFFICER, code="32214")
    for n in range(3):
        dossier_receive(actor=other, intake=intake(procedure_code="1.000001", idempotency_key=f"o-{n}"))
    dossier_receive(actor=officer, intake=intake(idempotency_key="mine"))

    assert [p.code for p in procedure_most_used(user=officer, limit=8)] == ["1.001193"]
    assert [p.code for p in procedure_most_used(user=other, limit=8)] == ["1.000001"]


def test_most_used_leaves_out_unpublished_procedures_and_keeps_the_limit(officer: User) -> None:
    procedure("1.000001", name="Thủ tục chứng thực bản sao")
    dossier_receive(actor=officer, intake=intake(procedure_code="1.000001", idempotency_key="a"))
    dossier_receive(actor=officer, intake=intake(idempotency_key="b"))
    Procedure.objects.filter(code="1.000001").update(is_published=False)

    assert [p.code for p in procedure_most_used(user=officer, limit=1)] == ["1.001193"]


def test_most_used_is_empty_for_someone_without_a_unit(units: None) -> None:
    nobody = User.objects.create_user("nobody")

    assert procedure_most_used(user=nobody, limit=8) == []


# --- The ID-card QR read on the intake page ------------------------------------------------------------


def test_card_read_answers_the_applicants_fields_with_the_birth_date_dd_mm_yyyy(client: Client, officer: User) -> None:
    client.force_login(officer)

    response = client.post(CARD_URL, {"qr_text": card_payload() + "\r"})

    assert response.status_code == 200
    body = response.json()
    assert body["fields"] == {
        "applicant_kind": "person",
        "applicant_name": "Nguyễn Văn An",
        "applicant_id_number": PERSONAL_ID,
        "applicant_birth_date": "15/06/1985",
        "applicant_address": "Ấp Cái Đôi, Xã Cái Đôi Vàm, Tỉnh Cà Mau",
    }
    assert body["citizen"] == ""


def test_card_read_of_a_registered_citizen_adds_contacts_and_logs_the_read(
    client: Client, officer: User, citizen: Citizen
) -> None:
    client.force_login(officer)

    body = client.post(CARD_URL, {"qr_text": card_payload()}).json()

    assert body["fields"]["applicant_phone"] == "0912345678"
    assert body["fields"]["applicant_email"] == "an@example.vn"
    assert body["citizen"] != ""
    access = DataAccess.objects.get(citizen=citizen)
    assert access.purpose == AccessPurpose.COUNTER_INTAKE
    assert access.actor == officer


def test_card_read_of_an_expired_card_fills_the_fields_and_says_so(client: Client, officer: User) -> None:
    client.force_login(officer)

    body = client.post(CARD_URL, {"qr_text": card_payload(issued="01072005")}).json()

    assert body["expired"] is True
    assert body["fields"]["applicant_name"] == "Nguyễn Văn An"
    assert "hết hạn" in body["message"]


def test_card_read_of_a_damaged_qr_answers_a_message_and_no_code(client: Client, officer: User) -> None:
    client.force_login(officer)

    response = client.post(CARD_URL, {"qr_text": "096085004217|NGUYEN"})

    assert response.status_code == 422
    assert set(response.json()) == {"message"}
    assert "6 hoặc 7" in response.json()["message"]


def test_card_read_by_anonymous_is_sent_to_login_and_logs_nothing(client: Client, officer: User, citizen: Citizen) -> None:
    response = client.post(CARD_URL, {"qr_text": card_payload()})

    assert response.status_code == 302
    assert response["Location"].startswith("/dang-nhap/")
    assert not DataAccess.objects.exists()


def test_card_read_without_the_receive_permission_is_refused_and_logs_nothing(
    client: Client, officer: User, citizen: Citizen
) -> None:
    client.force_login(staff("spec", Role.SPECIALIST, kind=AgencyKind.PEOPLES_COMMITTEE))

    response = client.post(CARD_URL, {"qr_text": card_payload()})

    assert response.status_code == 403
    assert not DataAccess.objects.exists()


def test_card_read_by_an_officer_of_another_unit_reads_the_card_in_hand(client: Client, officer: User, citizen: Citizen) -> None:
    """A citizen is a national person (identity.selectors): any counter may read the card it holds."""
    commune_agencies("32214")
    client.force_login(staff("other", Role.RECEPTION_OFFICER, code="32214"))

    response = client.post(CARD_URL, {"qr_text": card_payload()})

    assert response.status_code == 200
    assert DataAccess.objects.get().unit is not None


def test_card_read_is_post_only(client: Client, officer: User) -> None:
    client.force_login(officer)

    assert client.get(CARD_URL, {"qr_text": card_payload()}).status_code == 405


def test_the_intake_page_has_the_card_field_and_the_counter_camera(client: Client, officer: User) -> None:
    client.force_login(officer)

    response = client.get("/ho-so/tiep-nhan/")

    html = response.content.decode()
    assert re.search(r'<input type="text" id="id_card_qr" name="card_qr"[^>]*data-url="/ho-so/tiep-nhan/doc-the/"', html)
    assert 'data-camera="qr" data-target="id_card_qr" data-on-scan="event"' in html
    assert "camera=(self)" in response["Permissions-Policy"]


# --- Dates, kept input, the error summary ----------------------------------------------------------------


def test_citizen_prefill_shows_the_birth_date_dd_mm_yyyy(client: Client, officer: User, citizen: Citizen) -> None:
    client.force_login(officer)

    html = client.get(f"/ho-so/tiep-nhan/?citizen={citizen_link(user=officer, citizen=citizen)}").content.decode()

    assert re.search(r'name="applicant_birth_date" value="15/06/1985"', html)
    assert "1985-06-15" not in html


@pytest.mark.parametrize("typed", ["15/06/1985", "15061985"])
def test_a_birth_date_typed_dd_mm_yyyy_is_received(client: Client, officer: User, typed: str) -> None:
    client.force_login(officer)

    response = client.post("/ho-so/tiep-nhan/", _form(applicant_birth_date=typed))

    assert response.status_code == 302
    assert Dossier.objects.count() == 1


def test_a_typed_birth_date_is_read_day_first(client: Client, officer: User) -> None:
    """06/05/1990 is 6 May 1990: the personal ID (born 1985) then does not match it."""
    client.force_login(officer)

    response = client.post("/ho-so/tiep-nhan/", _form(applicant_birth_date="06/05/1990"))

    assert response.status_code == 400
    assert '<a href="#id_applicant_id_number">' in response.content.decode()
    assert not Dossier.objects.exists()


def test_a_birth_date_typed_yyyy_dd_mm_is_refused_and_shown_back(client: Client, officer: User) -> None:
    client.force_login(officer)

    response = client.post("/ho-so/tiep-nhan/", _form(applicant_birth_date="1985/15/06"))

    assert response.status_code == 400
    assert 'value="1985/15/06"' in response.content.decode()
    assert not Dossier.objects.exists()


def test_ticked_documents_stay_ticked_after_an_error(client: Client, officer: User) -> None:
    first, second = _documents(Procedure.objects.get(code="1.001193"))
    client.force_login(officer)

    response = client.post("/ho-so/tiep-nhan/", _form(applicant_id_number="12345", **{f"has_{second.pk}": "1"}))

    html = response.content.decode()
    assert response.status_code == 400
    assert f'id="has_{second.pk}" value="1" checked>' in html
    assert f'id="has_{first.pk}" value="1">' in html


def test_every_field_keeps_its_value_after_an_error(client: Client, officer: User) -> None:
    client.force_login(officer)

    response = client.post(
        "/ho-so/tiep-nhan/",
        _form(
            applicant_id_number="12345",
            applicant_phone="0912345678",
            applicant_address="Ấp 3",
            applicant_birth_date="15/06/1985",
            representative_name="Trần Văn Tư",
        ),
    )

    html = response.content.decode()
    for value in ("12345", "0912345678", "Ấp 3", "15/06/1985", "Trần Văn Tư", "1.001193"):
        assert f'value="{value}"' in html, value


def test_the_error_summary_links_each_field_in_error(client: Client, officer: User) -> None:
    client.force_login(officer)

    response = client.post("/ho-so/tiep-nhan/", _form(applicant_name="", sets_count="0"))

    html = response.content.decode()
    summary = re.search(r'<div class="error-summary" role="alert".*?</div>', html, re.S)
    assert summary is not None
    links = re.findall(r'<a href="#([a-z_]+)">', summary.group(0))
    assert links == ["id_applicant_name", "id_sets_count"]
    assert 'id="id_applicant_name"' in html and 'id="id_sets_count"' in html


def test_the_error_summary_of_a_service_error_links_the_field_and_shows_no_raw_code(client: Client, officer: User) -> None:
    client.force_login(officer)

    response = client.post("/ho-so/tiep-nhan/", _form(applicant_phone="12"))

    html = response.content.decode()
    assert response.status_code == 400
    assert '<a href="#id_applicant_phone">' in html
    assert "invalid_dossier" not in html
    assert not re.search(r"\([a-z]+_[a-z_]+\)", html)


def test_the_error_summary_of_a_refusal_without_a_name_links_the_name(client: Client, officer: User) -> None:
    client.force_login(officer)

    response = client.post("/ho-so/tiep-nhan/", _form(outcome="refuse", applicant_name="", reason="Không thuộc thẩm quyền"))

    assert response.status_code == 400
    assert '<a href="#id_applicant_name">' in response.content.decode()


# --- One step: receive, guide or refuse ------------------------------------------------------------------


def test_receive_guide_and_refuse_are_buttons_of_the_one_intake_form(client: Client, officer: User) -> None:
    client.force_login(officer)

    html = client.get("/ho-so/tiep-nhan/").content.decode()

    form = re.search(r'<form method="post"[^>]*id="intake-form">(.*?)</form>', html, re.S)
    assert form is not None
    assert re.findall(r'<button type="submit" name="outcome" value="([a-z]+)"', form.group(1)) == ["receive", "guide", "refuse"]


# --- After receipt ----------------------------------------------------------------------------------------


def test_after_receipt_the_dossier_page_opens_on_the_receipt_ready_to_print(client: Client, officer: User) -> None:
    client.force_login(officer)

    response = client.post("/ho-so/tiep-nhan/", _form(), follow=True)

    html = response.content.decode()
    dossier = Dossier.objects.get()
    main = html[html.index('<main id="main"') :]
    first_link = re.search(r'<a class="btn" href="([^"]+)"[^>]*>', main)
    assert first_link is not None
    assert first_link.group(1) == f"/ho-so/{dossier.code}/phieu/BM01.pdf"
    assert "autofocus" in first_link.group(0)
    assert main.index('id="receipt-ready"') < main.index('class="card')


def test_the_receipt_link_stays_first_but_takes_the_focus_only_once(client: Client, officer: User) -> None:
    client.force_login(officer)
    client.post("/ho-so/tiep-nhan/", _form())
    dossier = Dossier.objects.get()
    client.get(f"/ho-so/{dossier.code}/")

    html = client.get(f"/ho-so/{dossier.code}/").content.decode()

    link = re.search(r'<a class="btn" href="/ho-so/[^"]+/phieu/BM01.pdf"[^>]*>', html)
    assert link is not None
    assert "autofocus" not in link.group(0)


# --- The menu ------------------------------------------------------------------------------------------------


def test_reception_staff_find_the_intake_and_the_counter_identification_in_the_menu(client: Client, officer: User) -> None:
    client.force_login(officer)

    nav = re.search(r'<nav aria-label="[^"]+" class="main-nav">.*?</nav>', client.get("/ho-so/").content.decode(), re.S)

    assert nav is not None
    assert 'href="/ho-so/tiep-nhan/"' in nav.group(0)
    assert 'href="/cong-dan/quay/"' in nav.group(0)


def test_a_specialist_sees_neither_counter_link_in_the_menu(client: Client, officer: User) -> None:
    client.force_login(staff("spec", Role.SPECIALIST, kind=AgencyKind.PEOPLES_COMMITTEE))

    html = client.get("/ho-so/").content.decode()

    assert 'href="/ho-so/tiep-nhan/"' not in html
    assert 'href="/cong-dan/quay/"' not in html


def test_an_applicant_back_from_a_guided_visit_finds_the_procedures_checklist(client: Client, officer: User) -> None:
    _documents(Procedure.objects.get(code="1.001193"))
    client.force_login(officer)
    client.post("/ho-so/tiep-nhan/", _form(outcome="guide", reason="Thiếu", items="Giấy chứng sinh"))
    visit = CounterVisit.objects.get()

    html = client.get(f"/ho-so/tiep-nhan/?luot={visit.pk}").content.decode()

    checklist = html[html.index('<div id="checklist">') :]
    assert "Giấy chứng sinh</label>" in checklist
    assert 'value="1.001193 — Thủ tục đăng ký khai sinh"' in html
