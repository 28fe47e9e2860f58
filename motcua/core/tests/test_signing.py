"""Digital signatures on issued PDFs (RULES.md §1.5: "Chữ ký số … nếu là biểu mẫu điện tử")."""

from __future__ import annotations

import io
import stat
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.x509.oid import NameOID
from pytest_django import Settings

from motcua.core import signing
from motcua.core.choices import AgencyKind
from motcua.core.exceptions import DomainError
from motcua.core.models import Agency, AuditEvent
from motcua.core.services import agency_ensure, signing_certificate_install, signing_root_install
from motcua.core.tests.factories import current_unit
from motcua.core.tests.pki import blank_pdf, issue, make_ca

pytestmark = pytest.mark.django_db


@pytest.fixture
def pki(settings: Settings, tmp_path: Path) -> Path:
    """An empty key store of this test's own, with on-demand demo certificates on."""
    settings.MOTCUA_PKI_DIR = tmp_path / "pki"
    settings.MOTCUA_SIGNING_DEMO_CA = True
    return tmp_path / "pki"


@pytest.fixture
def agency() -> Agency:
    return agency_ensure(
        unit=current_unit("32218"),
        kind=AgencyKind.SERVICE_CENTRE,
        name="Trung tâm Phục vụ hành chính công xã Phú Tân",
        identifier="000.01.21.H12",
        is_one_stop_desk=True,
    )


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


# --- The demo CA -----------------------------------------------------------------------------


def test_demo_ca_issues_one_certificate_per_agency_and_is_safe_to_rerun(pki: Path, agency: Agency) -> None:
    """RULES.md §1.5: `motcua demo` gives every demo agency a signing certificate."""
    first = signing.demo_certificates_ensure([agency])
    second = signing.demo_certificates_ensure([agency])

    assert [info.sha256 for info in first] == [info.sha256 for info in second]
    cert = x509.load_pem_x509_certificate((pki / "agencies" / "000.01.21.H12" / "cert.pem").read_bytes())
    assert cert.issuer.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == "MotCua DEMO CA — không có giá trị pháp lý"
    assert cert.subject.get_attributes_for_oid(NameOID.ORGANIZATION_IDENTIFIER)[0].value == "000.01.21.H12"
    assert cert.subject.get_attributes_for_oid(NameOID.ORGANIZATIONAL_UNIT_NAME)[0].value == "DEMO — không có giá trị pháp lý"
    assert [c.subject for c in signing.trust_roots()] == [cert.issuer]


def test_key_store_files_are_0600_and_folders_0700(pki: Path, agency: Agency) -> None:
    signing.demo_certificates_ensure([agency])

    files = [p for p in pki.rglob("*") if p.is_file()]
    folders = [pki, *[p for p in pki.rglob("*") if p.is_dir()]]
    assert {p.name for p in files} >= {"key.pem", "cert.pem", "chain.pem", "ca.key", "ca.pem", "motcua-demo-ca.pem"}
    assert {_mode(p) for p in files} == {0o600}
    assert {_mode(p) for p in folders} == {0o700}


def test_agency_without_identifier_is_keyed_by_its_number(pki: Path) -> None:
    agency = agency_ensure(unit=current_unit("32218"), kind=AgencyKind.COMMUNE_POLICE, name="Công an xã Phú Tân")

    signing.demo_certificate_ensure(agency)

    assert (pki / "agencies" / f"pk-{agency.pk}" / "cert.pem").is_file()


def test_demo_certificate_is_reissued_when_the_agency_is_renamed(pki: Path, agency: Agency) -> None:
    before = signing.demo_certificate_ensure(agency)
    agency.name = "Trung tâm Phục vụ hành chính công xã Phú Tân (mới)"
    agency.save()

    after = signing.demo_certificate_ensure(agency)

    assert after.sha256 != before.sha256
    assert "CN=Trung tâm Phục vụ hành chính công xã Phú Tân (mới)" in after.subject


# --- Signing and verifying -------------------------------------------------------------------


def test_signed_pdf_verifies_with_agency_time_and_reason(pki: Path, agency: Agency) -> None:
    """RULES.md §1.5: the signature names the issuing agency and verifies against the roots."""
    signed = signing.sign_pdf(blank_pdf(), agency=agency, reason="Giấy tiếp nhận hồ sơ số 0001/TTPVHCC")

    check = signing.verify_pdf(signed)

    assert check.ok
    assert (check.signed, check.intact, check.valid, check.trusted, check.whole_file) == (True, True, True, True, True)
    assert check.agency == "Trung tâm Phục vụ hành chính công xã Phú Tân"
    assert check.agency_identifier == "000.01.21.H12"
    assert check.reason == "Giấy tiếp nhận hồ sơ số 0001/TTPVHCC"
    assert check.signing_time is not None
    assert check.problem == ""


def test_signature_is_an_incremental_update_that_keeps_the_original_bytes(pki: Path, agency: Agency) -> None:
    original = blank_pdf()

    signed = signing.sign_pdf(original, agency=agency)

    assert signed.startswith(original)


def test_a_byte_changed_after_signing_fails_verification(pki: Path, agency: Agency) -> None:
    """RULES.md §1.5: an edited document no longer carries a valid signature."""
    signed = bytearray(signing.sign_pdf(blank_pdf(), agency=agency))
    position = signed.index(b"842")  # the page height, inside the signed bytes
    signed[position : position + 3] = b"843"

    check = signing.verify_pdf(bytes(signed))

    assert not check.ok
    assert check.signed and not check.intact
    assert check.problem == "Tài liệu đã bị thay đổi sau khi ký."


def test_content_appended_after_signing_fails_verification(pki: Path, agency: Agency) -> None:
    from pyhanko.pdf_utils.generic import NameObject, TextStringObject
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    writer = IncrementalPdfFileWriter(io.BytesIO(signing.sign_pdf(blank_pdf(), agency=agency)))
    writer.root[NameObject("/Lang")] = TextStringObject("vi")
    writer.update_root()
    out = io.BytesIO()
    writer.write(out)

    check = signing.verify_pdf(out.getvalue())

    assert check.signed and check.intact and check.valid
    assert not check.whole_file and not check.ok


def test_unsigned_pdf_is_not_valid(pki: Path) -> None:
    check = signing.verify_pdf(blank_pdf())

    assert (check.ok, check.signed) == (False, False)
    assert check.problem == "Tệp PDF không mang chữ ký số."


def test_garbage_is_not_a_valid_signed_pdf(pki: Path) -> None:
    check = signing.verify_pdf(b"not a pdf at all")

    assert (check.ok, check.signed) == (False, False)


def test_pdf_signed_by_an_untrusted_ca_fails(pki: Path, agency: Agency) -> None:
    """Only certificates that chain to a configured root are trusted (RULES.md §1.5)."""
    signing.demo_ca_ensure()  # the demo root is trusted, the rogue one is not
    rogue = make_ca("Rogue CA")
    forged = issue(rogue, organisation=agency.name, identifier=agency.identifier)
    folder = pki / "agencies" / agency.identifier
    folder.mkdir(parents=True)
    (folder / "key.pem").write_bytes(forged.key_pem)
    (folder / "cert.pem").write_bytes(forged.cert_pem)
    (folder / "chain.pem").write_bytes(rogue.cert_pem)

    check = signing.verify_pdf(signing.sign_pdf(blank_pdf(), agency=agency))

    assert check.signed and check.intact and check.valid
    assert not check.trusted and not check.ok
    assert check.agency == agency.name


def test_agency_without_certificate_cannot_sign_outside_the_demo(pki: Path, settings: Settings, agency: Agency) -> None:
    """Production (no demo CA): a slip is never issued unsigned, and nothing is created."""
    settings.MOTCUA_SIGNING_DEMO_CA = False

    with pytest.raises(DomainError) as error:
        signing.sign_pdf(blank_pdf(), agency=agency)

    assert error.value.code == "signing_certificate_missing"
    assert error.value.status_code == 503
    assert "motcua slips install-cert --agency 000.01.21.H12" in str(error.value.message)
    assert not (pki / "agencies").exists()


def test_expired_certificate_cannot_sign(pki: Path, settings: Settings, agency: Agency) -> None:
    settings.MOTCUA_SIGNING_DEMO_CA = False
    ca = make_ca("Old CA")
    old = issue(ca, organisation=agency.name, days=10, start_days_ago=30)
    folder = pki / "agencies" / agency.identifier
    folder.mkdir(parents=True)
    (folder / "key.pem").write_bytes(old.key_pem)
    (folder / "cert.pem").write_bytes(old.cert_pem)

    with pytest.raises(DomainError) as error:
        signing.sign_pdf(blank_pdf(), agency=agency)

    assert error.value.code == "signing_certificate_expired"


# --- Installing a real certificate -------------------------------------------------------------


def test_installed_certificate_signs_and_is_never_replaced_by_the_demo_ca(pki: Path, agency: Agency) -> None:
    government = make_ca("Test government CA")
    signing_root_install(data=government.cert_pem, name="government-root")
    real = issue(government, organisation=agency.name, identifier=agency.identifier)

    info = signing_certificate_install(agency=agency, key=real.key, cert=real.cert, chain=[])
    check = signing.verify_pdf(signing.sign_pdf(blank_pdf(), agency=agency))

    assert check.ok
    assert info.issuer == "CN=Test government CA,C=VN"
    assert x509.load_pem_x509_certificate((pki / "agencies" / agency.identifier / "cert.pem").read_bytes()) == real.cert
    assert AuditEvent.objects.filter(action="signing.certificate_installed", object_id=str(agency.pk)).count() == 1
    assert AuditEvent.objects.filter(action="signing.root_installed", object_id="government-root").count() == 1


def test_certificate_of_an_untrusted_ca_is_not_installed(pki: Path, settings: Settings, agency: Agency) -> None:
    settings.MOTCUA_SIGNING_DEMO_CA = False
    rogue = make_ca("Rogue CA")
    forged = issue(rogue, organisation=agency.name)

    with pytest.raises(DomainError) as error:
        signing_certificate_install(agency=agency, key=forged.key, cert=forged.cert, chain=[rogue.cert])

    assert error.value.code == "signing_certificate_untrusted"
    assert not (pki / "agencies").exists()
    assert not AuditEvent.objects.filter(action="signing.certificate_installed").exists()


def test_key_of_another_certificate_is_refused(pki: Path, agency: Agency) -> None:
    government = make_ca("Test government CA")
    signing_root_install(data=government.cert_pem, name="government-root")
    one, other = issue(government, organisation=agency.name), issue(government, organisation=agency.name)

    with pytest.raises(DomainError) as error:
        signing_certificate_install(agency=agency, key=other.key, cert=one.cert, chain=[])

    assert error.value.code == "signing_key_mismatch"
    assert not (pki / "agencies").exists()
    assert not AuditEvent.objects.filter(action="signing.certificate_installed").exists()


def test_certificate_under_an_intermediate_ca_is_installed_with_its_chain(pki: Path, agency: Agency) -> None:
    """A government certificate is issued by an intermediate CA under the root: the chain is
    stored and embedded, so the signature verifies with only the root trusted."""
    root = make_ca("Test government root CA")
    intermediate = make_ca("Test public-service CA", parent=root)
    real = issue(intermediate, organisation=agency.name, identifier=agency.identifier)
    signing_root_install(data=root.cert_pem, name="government-root")

    signing_certificate_install(agency=agency, key=real.key, cert=real.cert, chain=[intermediate.cert, root.cert])
    check = signing.verify_pdf(signing.sign_pdf(blank_pdf(), agency=agency))

    assert check.ok
    assert check.issuer == "Common Name: Test public-service CA, Country: VN"
    assert (pki / "agencies" / agency.identifier / "chain.pem").read_bytes() == intermediate.cert_pem + root.cert_pem


def test_signing_and_verifying_inside_a_running_event_loop_work(pki: Path, agency: Agency) -> None:
    """pyHanko's sync API calls asyncio.run; an ASGI server or Playwright's sync API already runs a
    loop in the thread (the browser test found it)."""
    import asyncio

    async def inside() -> bool:
        signed = signing.sign_pdf(blank_pdf(), agency=agency, reason="BM.01")
        return signing.verify_pdf(signed).ok

    assert asyncio.run(inside()) is True
