"""Dossier codes and online submission references (RULES.md §1.7)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings

from motcua.core.choices import AgencyKind, Role
from motcua.core.exceptions import DomainError
from motcua.core.models import Agency, AuditEvent
from motcua.dossiers import numbering
from motcua.dossiers.choices import ClockChangeKind, DossierAction, DossierStatus, SlipForm
from motcua.dossiers.models import Counter, Dossier, DossierEvent, Slip
from motcua.dossiers.selectors import dossier_get, dossier_lookup
from motcua.dossiers.services import dossier_act, dossier_receive
from motcua.dossiers.slips import render_slip_pdf
from motcua.dossiers.tests.factories import commune_agencies, intake, procedure, staff
from motcua.dossiers.tests.test_slips import pdf_text

pytestmark = pytest.mark.django_db
VN = ZoneInfo("Asia/Ho_Chi_Minh")
COMMITTEE_ID = "000.18.20.H12"  # the factory's People's Committee of Phú Tân (unit 32218)


def at(day: str, hm: str = "10:00") -> dt.datetime:
    return dt.datetime.fromisoformat(f"{day}T{hm}").replace(tzinfo=VN)


@pytest.fixture
def officer() -> User:
    procedure()
    commune_agencies()
    return staff("officer", Role.RECEPTION_OFFICER)


@pytest.fixture
def portal() -> User:
    return staff("portal", Role.RECEPTION_OFFICER, full_name="Cổng Dịch vụ công")


# --- Format ------------------------------------------------------------------------------------


def test_default_code_is_identifier_receipt_day_and_four_digit_serial_rules_1_7(officer: User) -> None:
    dossier = dossier_receive(actor=officer, intake=intake(), now=at("2026-03-02")).dossier

    assert dossier.code == f"{COMMITTEE_ID}-260302-0001"
    assert numbering.parse_dossier_code(dossier.code) == (COMMITTEE_ID, dt.date(2026, 3, 2), "0001")


@override_settings(MOTCUA_DOSSIER_SYSTEM_DIGITS="27")
def test_central_system_digits_give_the_aa_variant_only_when_configured_rules_1_7(officer: User) -> None:
    dossier = dossier_receive(actor=officer, intake=intake(), now=at("2026-03-02")).dossier

    assert dossier.code == f"{COMMITTEE_ID}-260302-270001"


@override_settings(MOTCUA_DOSSIER_SYSTEM_DIGITS="1")
def test_system_digits_other_than_two_digits_are_a_configuration_error_rules_1_7() -> None:
    with pytest.raises(ImproperlyConfigured):
        numbering.format_dossier_code(COMMITTEE_ID, "260302", 1)


def test_serial_grows_past_four_digits_after_9999_rules_1_7(officer: User) -> None:
    Counter.objects.create(key=f"dossier:{COMMITTEE_ID}:260302", value=9999)

    dossier = dossier_receive(actor=officer, intake=intake(), now=at("2026-03-02")).dossier

    assert dossier.code == f"{COMMITTEE_ID}-260302-10000"
    assert numbering.is_dossier_code(dossier.code)


@pytest.mark.parametrize(
    ("text", "valid"),
    [
        ("000.18.20.H12-260302-0001", True),
        ("000.701.18.G12-260331-27110000310611", True),  # a real 2026 code (RULES.md §1.7, S31)
        ("G01.01.96-261231-12345", True),
        ("000.18.20.H12-261302-0001", False),  # month 13
        ("000.18.20.H12-260230-0001", False),  # 30 February
        ("000.18.20.H12-260302-001", False),  # fewer than 4 digits
        ("000.18.20.H12/260302/0001", False),  # not the -YYMMDD- separators
        ("H12-260302-0001", False),  # not a dotted identifier
        ("TN-260302-000001", False),  # a submission reference is never a code
    ],
)
def test_code_shape_is_validated_by_its_separators_and_identifier_rules_1_7(text: str, valid: bool) -> None:
    assert numbering.is_dossier_code(text) is valid


@override_settings(MOTCUA_AGENCY_IDENTIFIER_PATTERN=r"H\d{2}\.[A-Z]{2}")
def test_identifier_grammar_is_a_setting_rules_1_7() -> None:
    assert numbering.is_dossier_code("H12.PT-260302-0001")
    assert not numbering.is_dossier_code("000.18.20.H12-260302-0001")


# --- Online submissions: a reference first, the code at receipt ----------------------------------


def test_online_submission_gets_a_reference_not_a_code_rules_1_7(officer: User, portal: User) -> None:
    submitted = dossier_receive(actor=portal, intake=intake(channel="online"), online=True, now=at("2026-03-02", "21:30")).dossier

    assert submitted.code == submitted.submission_ref == "TN-260302-000001"
    assert numbering.is_submission_ref(submitted.code) and not numbering.is_dossier_code(submitted.code)
    assert not Counter.objects.filter(key__startswith="dossier:").exists()


def test_online_dossier_code_is_dated_on_receipt_not_submission_rules_1_7(officer: User, portal: User) -> None:
    submitted = dossier_receive(actor=portal, intake=intake(channel="online"), online=True, now=at("2026-03-02", "21:30")).dossier

    received = dossier_act(actor=officer, code=submitted.code, action=DossierAction.RECEIVE, now=at("2026-03-03", "08:00"))

    assert received.code == f"{COMMITTEE_ID}-260303-0001"
    assert received.submission_ref == "TN-260302-000001"
    start = received.clock_changes.get(kind=ClockChangeKind.START)
    assert start.at == received.received_at == at("2026-03-03", "08:00")
    text = pdf_text(render_slip_pdf(dossier=received, form=SlipForm.RECEIPT))
    assert f"Mã hồ sơ: {received.code}" in text
    assert "Thời gian nhận hồ sơ: 08:00 03/03/2026" in text
    event = DossierEvent.objects.get(dossier=received, action=DossierAction.RECEIVE)
    assert event.payload == {"code": received.code, "submission_ref": "TN-260302-000001"}
    assert AuditEvent.objects.filter(action="dossier.receive", object_id=received.code).count() == 1


def test_submission_reference_still_finds_the_dossier_after_receipt_rules_1_7(officer: User, portal: User) -> None:
    submitted = dossier_receive(actor=portal, intake=intake(channel="online"), online=True, now=at("2026-03-02", "21:30")).dossier
    reference = submitted.code
    received = dossier_act(actor=officer, code=reference, action=DossierAction.RECEIVE, now=at("2026-03-03", "08:00"))

    assert dossier_lookup(code=reference, check="4217").code == received.code
    assert dossier_lookup(code=received.code, check="4217").pk == received.pk
    assert dossier_get(user=officer, code=reference).pk == received.pk


def test_online_dossier_submitted_before_references_keeps_its_code_at_receipt(officer: User, portal: User) -> None:
    submitted = dossier_receive(actor=portal, intake=intake(channel="online"), online=True, now=at("2026-03-02", "21:30")).dossier
    Dossier.objects.filter(pk=submitted.pk).update(code=f"{COMMITTEE_ID}-260302-010001", submission_ref="")

    received = dossier_act(
        actor=officer, code=f"{COMMITTEE_ID}-260302-010001", action=DossierAction.RECEIVE, now=at("2026-03-03", "08:00")
    )

    assert received.code == f"{COMMITTEE_ID}-260302-010001"
    assert received.status == DossierStatus.RECEIVED


# --- An agency without an electronic identifier --------------------------------------------------


def test_intake_is_refused_when_the_deciding_agency_has_no_identifier_rules_1_7(officer: User) -> None:
    Agency.objects.filter(kind=AgencyKind.PEOPLES_COMMITTEE, unit__code="32218").update(identifier="")

    with pytest.raises(DomainError) as excinfo:
        dossier_receive(actor=officer, intake=intake(), now=at("2026-03-02"))

    assert excinfo.value.code == "invalid_dossier"
    assert excinfo.value.fields["deciding_agency_id"] == (
        "UBND Phú Tân chưa có mã định danh điện tử (Quyết định 20/2020/QĐ-TTg) nên không thể cấp mã hồ sơ: "
        "quản trị viên cần cập nhật mã định danh trước."
    )
    assert Dossier.objects.count() == 0 and Slip.objects.count() == 0 and Counter.objects.count() == 0


def test_online_receipt_is_refused_when_the_identifier_was_removed_after_submission_rules_1_7(
    officer: User, portal: User
) -> None:
    submitted = dossier_receive(actor=portal, intake=intake(channel="online"), online=True, now=at("2026-03-02", "21:30")).dossier
    Agency.objects.filter(pk=submitted.deciding_agency_id).update(identifier="")

    with pytest.raises(DomainError) as excinfo:
        dossier_act(actor=officer, code=submitted.code, action=DossierAction.RECEIVE, now=at("2026-03-03", "08:00"))

    assert excinfo.value.code == "agency_identifier_missing"
    after = Dossier.objects.get(pk=submitted.pk)
    assert (after.code, after.status, after.received_at) == (submitted.code, DossierStatus.SUBMITTED, None)
    assert after.events.count() == 1 and not after.slips.exists() and not after.clock_changes.exists()


# --- Slip numbers (RULES.md §1.5) ----------------------------------------------------------------


def test_slip_numbers_carry_the_centre_suffix_except_the_agencys_apology_rules_1_5() -> None:
    assert numbering.slip_number(SlipForm.RECEIPT, 12) == "0012/TTPVHCC"
    assert numbering.slip_number(SlipForm.SUPPLEMENT, 3) == "0003/PBS-TTPVHCC"
    assert numbering.slip_number(SlipForm.CONTROL_SHEET, 1) == "0001/PKS-TTPVHCC"
    assert numbering.slip_number(SlipForm.APOLOGY, 7) == "0007/PXL"
    assert numbering.book_slip_number(2026) == "01/2026/STD-TTPVHCC"


@override_settings(MOTCUA_SLIP_ISSUER_SUFFIX="TTPVHCCT", MOTCUA_SLIP_PREFIXES={"BM04": "XL"})
def test_slip_number_suffix_and_prefixes_are_settings_rules_1_5() -> None:
    assert numbering.slip_number(SlipForm.REFUSAL, 1) == "0001/PTC-TTPVHCCT"
    assert numbering.slip_number(SlipForm.APOLOGY, 1) == "0001/XL"
