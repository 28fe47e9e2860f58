"""Every slip PDF carries the issuing agency's digital signature (RULES.md §1.5), and
`motcua slips verify` / `install-cert` work on them."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from django.contrib.auth.models import User
from django.core.management import call_command
from django.core.management.base import CommandError
from pytest_django import Settings

from motcua.core import signing
from motcua.core.choices import AgencyKind, Role
from motcua.core.models import AuditEvent
from motcua.core.services import staff_ensure
from motcua.core.tests.factories import PASSWORD
from motcua.core.tests.pki import issue, make_ca
from motcua.dossiers.choices import SlipForm
from motcua.dossiers.models import Dossier, Slip
from motcua.dossiers.services import dossier_receive
from motcua.dossiers.slips import render_slip_pdf, render_tracking_book_pdf
from motcua.dossiers.tests.factories import commune_agencies, intake, procedure

pytestmark = pytest.mark.django_db


@pytest.fixture
def pki(settings: Settings, tmp_path: Path) -> Path:
    settings.MOTCUA_PKI_DIR = tmp_path / "pki"
    settings.MOTCUA_SIGNING_DEMO_CA = True
    return tmp_path / "pki"


@pytest.fixture
def officer() -> User:
    procedure()
    agency = commune_agencies()[AgencyKind.SERVICE_CENTRE]
    return staff_ensure(
        username="officer", agency=agency, roles=[Role.RECEPTION_OFFICER], password=PASSWORD, full_name="Trần Thị Bình"
    ).user


@pytest.fixture
def dossier(officer: User) -> Dossier:
    return dossier_receive(actor=officer, intake=intake()).dossier


@pytest.fixture
def receipt(pki: Path, dossier: Dossier) -> bytes:
    return render_slip_pdf(dossier=dossier, form=SlipForm.RECEIPT)


def _verify(path: Path) -> tuple[int, str]:
    """Run `slips verify` as the console would: its exit status and what it printed."""
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("slips", "verify", str(path), stdout=out, stderr=err)
    except CommandError as exc:
        return exc.returncode, out.getvalue() + str(exc)
    return 0, out.getvalue()


# --- Slips are signed ----------------------------------------------------------------------------


def test_receipt_is_signed_by_the_receiving_desk_and_verifies(receipt: bytes, dossier: Dossier) -> None:
    """RULES.md §1.5: BM.01 carries the digital signature of the issuing centre."""
    slip = Slip.objects.get(dossier=dossier, form=SlipForm.RECEIPT)

    check = signing.verify_pdf(receipt)

    assert check.ok
    assert check.agency == dossier.receiving_agency.name
    assert check.agency_identifier == dossier.receiving_agency.identifier
    assert check.reason == f"Giấy tiếp nhận hồ sơ và hẹn trả kết quả số {slip.number}"


def test_receipt_signature_is_accepted_by_pyhankos_own_validator(receipt: bytes, pki: Path) -> None:
    """RULES.md §1.5: a standard PAdES validator, trusting only the demo root, accepts BM.01."""
    from asn1crypto import x509 as asn1_x509
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    root = asn1_x509.Certificate.load(signing.demo_ca_ensure()[1].public_bytes(encoding=serialization.Encoding.DER))
    context = ValidationContext(trust_roots=[root], allow_fetching=False)
    (embedded,) = PdfFileReader(io.BytesIO(receipt)).embedded_signatures

    status = validate_pdf_signature(embedded, signer_validation_context=context)

    assert status.bottom_line
    assert (status.intact, status.valid, status.trusted) == (True, True, True)
    assert status.coverage is not None and status.coverage.name == "ENTIRE_FILE"
    assert embedded.sig_object["/SubFilter"] == "/ETSI.CAdES.detached"
    assert status.md_algorithm == "sha256"


def test_tracking_book_pdf_is_signed_by_the_desk(pki: Path, dossier: Dossier) -> None:
    agency = dossier.receiving_agency

    pdf = render_tracking_book_pdf(dossiers=[dossier], agency=agency, title_period="Tháng 3/2026")

    check = signing.verify_pdf(pdf)
    assert check.ok
    assert check.agency == agency.name


def test_slip_of_an_agency_without_certificate_is_not_issued_outside_the_demo(
    settings: Settings, pki: Path, dossier: Dossier
) -> None:
    """RULES.md §1.5: an electronic form is never handed out unsigned."""
    from motcua.core.exceptions import DomainError

    settings.MOTCUA_SIGNING_DEMO_CA = False

    with pytest.raises(DomainError) as error:
        render_slip_pdf(dossier=dossier, form=SlipForm.RECEIPT)

    assert error.value.code == "signing_certificate_missing"


# --- motcua slips verify -------------------------------------------------------------------------


def test_verify_command_exits_zero_and_names_the_signer(receipt: bytes, dossier: Dossier, tmp_path: Path) -> None:
    path = tmp_path / "bm01.pdf"
    path.write_bytes(receipt)

    status, output = _verify(path)

    assert status == 0
    assert f"Cơ quan: {dossier.receiving_agency.name} ({dossier.receiving_agency.identifier})" in output
    assert "HỢP LỆ" in output


def test_verify_command_exits_one_for_an_edited_pdf(receipt: bytes, tmp_path: Path) -> None:
    """RULES.md §1.5: bytes changed after signing break the signature."""
    edited = bytearray(receipt)
    position = edited.index(b"/MediaBox")
    edited[position + 10 : position + 11] = b"9" if edited[position + 10 : position + 11] != b"9" else b"8"
    path = tmp_path / "edited.pdf"
    path.write_bytes(bytes(edited))

    status, output = _verify(path)

    assert status == 1
    assert "KHÔNG HỢP LỆ" in output


def test_verify_command_exits_one_for_an_unsigned_pdf(tmp_path: Path) -> None:
    from motcua.core.tests.pki import blank_pdf

    path = tmp_path / "unsigned.pdf"
    path.write_bytes(blank_pdf())

    status, output = _verify(path)

    assert status == 1
    assert "Tệp PDF không mang chữ ký số." in output


def test_verify_command_exits_one_when_the_signer_is_not_trusted(receipt: bytes, pki: Path, tmp_path: Path) -> None:
    for root in (pki / "roots").iterdir():
        root.unlink()  # the deployment no longer trusts the demo CA
    path = tmp_path / "bm01.pdf"
    path.write_bytes(receipt)

    status, output = _verify(path)

    assert status == 1
    assert "Người ký đáng tin cậy: không" in output


def test_verify_command_exits_two_for_a_missing_file(tmp_path: Path) -> None:
    status, _output = _verify(tmp_path / "missing.pdf")

    assert status == 2


def test_verify_exit_status_reaches_the_shell(receipt: bytes, tmp_path: Path) -> None:
    from django.core.management import execute_from_command_line

    path = tmp_path / "bm01.pdf"
    path.write_bytes(receipt[:-200])  # a truncated download

    with pytest.raises(SystemExit) as exit_info:
        execute_from_command_line(["motcua", "slips", "verify", str(path)])

    assert exit_info.value.code == 1


# --- motcua slips install-cert / install-root ------------------------------------------------------


def test_install_cert_from_pkcs12_then_slips_carry_that_certificate(
    pki: Path, dossier: Dossier, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    agency = dossier.receiving_agency
    government = make_ca("Test government CA")
    real = issue(government, organisation=agency.name, identifier=agency.identifier)
    (tmp_path / "root.pem").write_bytes(government.cert_pem)
    (tmp_path / "agency.p12").write_bytes(real.pkcs12(b"s3cret-pass", [government.cert]))
    monkeypatch.setenv("MOTCUA_PKCS12_PASSPHRASE", "s3cret-pass")
    out = io.StringIO()

    call_command("slips", "install-root", str(tmp_path / "root.pem"), stdout=out)
    call_command("slips", "install-cert", "--agency", agency.identifier, "--pkcs12", str(tmp_path / "agency.p12"), stdout=out)
    check = signing.verify_pdf(render_slip_pdf(dossier=dossier, form=SlipForm.RECEIPT))

    assert check.ok
    assert check.issuer == "Common Name: Test government CA, Country: VN"
    assert check.agency == agency.name
    installed = (pki / "agencies" / agency.identifier / "cert.pem").read_bytes()
    assert installed == real.cert_pem
    assert AuditEvent.objects.filter(action="signing.certificate_installed", object_id=str(agency.pk)).exists()
    assert "Đã cài chứng thư số ký của" in out.getvalue()


def test_install_cert_with_a_wrong_passphrase_changes_nothing(
    pki: Path, dossier: Dossier, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    agency = dossier.receiving_agency
    government = make_ca("Test government CA")
    real = issue(government, organisation=agency.name)
    (tmp_path / "agency.p12").write_bytes(real.pkcs12(b"right", []))
    monkeypatch.setenv("MOTCUA_PKCS12_PASSPHRASE", "wrong")

    with pytest.raises(CommandError) as error:
        call_command("slips", "install-cert", "--agency", agency.identifier, "--pkcs12", str(tmp_path / "agency.p12"))

    assert "[signing_pkcs12_unreadable]" in str(error.value)
    assert not (pki / "agencies").exists()
    assert not AuditEvent.objects.filter(action="signing.certificate_installed").exists()


def test_install_cert_from_key_and_cert_files(pki: Path, dossier: Dossier, tmp_path: Path) -> None:
    agency = dossier.receiving_agency
    government = make_ca("Test government CA")
    real = issue(government, organisation=agency.name)
    (tmp_path / "root.pem").write_bytes(government.cert_pem)
    (tmp_path / "key.pem").write_bytes(real.key_pem)
    (tmp_path / "cert.pem").write_bytes(real.cert_pem)

    call_command("slips", "install-root", str(tmp_path / "root.pem"), stdout=io.StringIO())
    call_command(
        "slips",
        "install-cert",
        "--agency",
        str(agency.pk),
        "--key",
        str(tmp_path / "key.pem"),
        "--cert",
        str(tmp_path / "cert.pem"),
        stdout=io.StringIO(),
    )

    assert (pki / "agencies" / agency.identifier / "cert.pem").read_bytes() == real.cert_pem


def test_install_cert_for_an_unknown_agency_is_refused(pki: Path, tmp_path: Path) -> None:
    with pytest.raises(CommandError) as error:
        call_command("slips", "install-cert", "--agency", "999.99.99.X99", "--pkcs12", str(tmp_path / "none.p12"))

    assert "[agency_not_found]" in str(error.value)


# --- Through the API and the staff page ----------------------------------------------------------


def test_api_slip_is_signed(client: Any, pki: Path, officer: User, dossier: Dossier) -> None:
    from motcua.core.apikeys import apikey_create

    _row, key = apikey_create(user=officer)

    response = client.get(f"/api/v1/dossiers/{dossier.code}/slips/BM01.pdf", HTTP_AUTHORIZATION=f"Bearer {key}")

    assert response.status_code == 200
    assert signing.verify_pdf(response.content).ok


def test_api_slip_of_an_agency_without_certificate_is_a_503_outside_the_demo(
    client: Any, settings: Settings, pki: Path, officer: User, dossier: Dossier
) -> None:
    """RULES.md §1.5: no certificate, no electronic form (never an unsigned one)."""
    from motcua.core.apikeys import apikey_create

    settings.MOTCUA_SIGNING_DEMO_CA = False
    _row, key = apikey_create(user=officer)

    response = client.get(f"/api/v1/dossiers/{dossier.code}/slips/BM01.pdf", HTTP_AUTHORIZATION=f"Bearer {key}")

    assert response.status_code == 503
    assert response.json()["code"] == "signing_certificate_missing"


def test_staff_slip_page_serves_a_signed_pdf(client: Any, pki: Path, officer: User, dossier: Dossier) -> None:
    client.force_login(officer)

    response = client.get(f"/ho-so/{dossier.code}/phieu/BM01.pdf")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert signing.verify_pdf(response.content).ok
