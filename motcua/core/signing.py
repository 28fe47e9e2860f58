"""Digital signatures (PAdES) on the PDFs an agency issues: RULES.md §1.5.

Every electronic form carries the digital signature of its issuer ("Chữ ký số … nếu là biểu mẫu
điện tử"). This module signs a PDF with the issuing agency's key and certificate chain (PAdES
baseline B-B: an incremental update, CMS signed data, SHA-256, subfilter ETSI.CAdES.detached)
and verifies one against the deployment's trust roots. It knows agencies only as ``Agency``
rows; what is signed (a slip, a book) is the caller's business.

Key material lives on disk under ``settings.MOTCUA_PKI_DIR`` (default ``var/pki``), directories
0700 and files 0600::

    pki/roots/*.pem                          trusted root certificates (the verifier trusts these only)
    pki/agencies/<identifier>/key.pem        the agency's private key (PKCS#8 PEM, unencrypted)
    pki/agencies/<identifier>/cert.pem       its certificate
    pki/agencies/<identifier>/chain.pem      intermediate certificates, if any
    pki/demo-ca/ca.key, ca.pem               the demo CA (``motcua demo`` only)

``<identifier>`` is the agency's electronic identifier (Decision 20/2020/QĐ-TTg, e.g.
``000.01.21.H12``), or ``pk-<id>`` for an agency without one.

An agency without a certificate cannot sign: :func:`sign_pdf` raises
``DomainError(CoreErrorCode.SIGNING_CERTIFICATE_MISSING)``. Only where ``MOTCUA_SIGNING_DEMO_CA`` is on (the
demo and the test suite) does the demo CA issue one on demand. See docs/slips.md.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import dataclasses
import fcntl
import hashlib
import io
import os
import re
import threading
import warnings
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID
from django.conf import settings
from django.utils.translation import gettext as _

from motcua.core.exceptions import CoreErrorCode, DomainError
from motcua.core.files import write_private
from motcua.core.models import Agency

T = TypeVar("T")

with warnings.catch_warnings():  # pyHanko imports cryptography's deprecated DSA module; we never use DSA
    warnings.simplefilter("ignore")
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign import fields as pdf_fields
    from pyhanko.sign import signers
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext
    from pyhanko_certvalidator.registry import SimpleCertificateStore

DEMO_CA_NAME = "MotCua DEMO CA — không có giá trị pháp lý"
DEMO_MARK = "DEMO — không có giá trị pháp lý"
DEMO_CA_DAYS = 3650
DEMO_CERT_DAYS = 730
FIELD_NAME = "MotCua"
# Room for the CMS container beyond the certificates it embeds (signature, attributes, padding):
# fixing it spares pyHanko a trial signature to measure the size.
_CMS_OVERHEAD = 4096

PrivateKey = rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey


# --- Where things are --------------------------------------------------------------------------


def pki_dir() -> Path:
    return Path(settings.MOTCUA_PKI_DIR)


def roots_dir() -> Path:
    return pki_dir() / "roots"


def agency_key_name(agency: Agency) -> str:
    """The folder name of an agency's key material: its electronic identifier, else ``pk-<id>``."""
    identifier = re.sub(r"[^A-Za-z0-9._-]", "_", agency.identifier.strip())
    if identifier.strip("._"):
        return identifier
    return f"pk-{agency.pk}"


def agency_dir(agency: Agency) -> Path:
    return pki_dir() / "agencies" / agency_key_name(agency)


def _private_dir(path: Path) -> Path:
    """Create ``path`` (under the PKI folder) with it and its parents up to the PKI folder 0700."""
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    root = pki_dir()
    for folder in (path, *path.parents):
        if folder == root or root in folder.parents:
            folder.chmod(0o700)
    return path


def _write_private(path: Path, content: bytes) -> None:
    """A key-store file readable by its owner only, written atomically (``core.files``)."""
    _private_dir(path.parent)
    write_private(path, content)


@contextmanager
def _pki_lock() -> Iterator[None]:
    """Serialise writes to the key store between processes (demo issuance, installs)."""
    lock_path = _private_dir(pki_dir()) / ".lock"
    fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)


# --- Certificates ------------------------------------------------------------------------------


def _pem_certs(data: bytes) -> list[x509.Certificate]:
    if not data.strip():
        return []
    if b"-----BEGIN" in data:
        return x509.load_pem_x509_certificates(data)
    return [x509.load_der_x509_certificate(data)]


def _pem(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(serialization.Encoding.PEM)


def _asn1(cert: x509.Certificate) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))


def _subject_text(name: x509.Name, oid: x509.ObjectIdentifier) -> str:
    values = name.get_attributes_for_oid(oid)
    return str(values[0].value) if values else ""


def _now() -> datetime:
    return datetime.now(UTC)


def _name_for(agency: Agency, *, demo: bool) -> x509.Name:
    attributes = [
        x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
        x509.NameAttribute(NameOID.LOCALITY_NAME, agency.unit.name[:128]),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, agency.name[:64]),
    ]
    if demo:
        attributes.append(x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, DEMO_MARK))
    if agency.identifier:
        attributes.append(x509.NameAttribute(NameOID.ORGANIZATION_IDENTIFIER, agency.identifier))
    attributes.append(x509.NameAttribute(NameOID.COMMON_NAME, agency.name[:64]))
    return x509.Name(attributes)


def _key_usage(*, ca: bool) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=not ca,
        content_commitment=not ca,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=ca,
        crl_sign=ca,
        encipher_only=False,
        decipher_only=False,
    )


def _new_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _key_pem(key: PrivateKey) -> bytes:
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())


def _public_der(key: Any) -> bytes:
    return bytes(key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo))


@dataclass(frozen=True)
class CertificateInfo:
    """What an installed or issued certificate says, for commands and audit rows."""

    subject: str
    issuer: str
    serial: str
    not_before: datetime
    not_after: datetime
    sha256: str
    path: Path

    @classmethod
    def of(cls, cert: x509.Certificate, path: Path) -> CertificateInfo:
        return cls(
            subject=cert.subject.rfc4514_string(),
            issuer=cert.issuer.rfc4514_string(),
            serial=format(cert.serial_number, "x"),
            not_before=cert.not_valid_before_utc,
            not_after=cert.not_valid_after_utc,
            sha256=cert.fingerprint(hashes.SHA256()).hex(),
            path=path,
        )


# --- The demo CA -------------------------------------------------------------------------------


def _demo_ca_paths() -> tuple[Path, Path]:
    folder = pki_dir() / "demo-ca"
    return folder / "ca.key", folder / "ca.pem"


def demo_ca_ensure() -> tuple[rsa.RSAPrivateKey, x509.Certificate]:
    """The demo CA's key and certificate, created once; its certificate is a trust root."""
    key_path, cert_path = _demo_ca_paths()
    with _pki_lock():
        if key_path.is_file() and cert_path.is_file():
            key = serialization.load_pem_private_key(key_path.read_bytes(), password=None)
            cert = x509.load_pem_x509_certificate(cert_path.read_bytes())
            assert isinstance(key, rsa.RSAPrivateKey)
        else:
            key = _new_key()
            name = x509.Name(
                [
                    x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
                    x509.NameAttribute(NameOID.ORGANIZATION_NAME, "MotCua"),
                    x509.NameAttribute(NameOID.COMMON_NAME, DEMO_CA_NAME),
                ]
            )
            now = _now()
            cert = (
                x509.CertificateBuilder()
                .subject_name(name)
                .issuer_name(name)
                .public_key(key.public_key())
                .serial_number(x509.random_serial_number())
                .not_valid_before(now - timedelta(days=1))
                .not_valid_after(now + timedelta(days=DEMO_CA_DAYS))
                .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
                .add_extension(_key_usage(ca=True), critical=True)
                .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
                .sign(key, hashes.SHA256())
            )
            _write_private(key_path, _key_pem(key))
            _write_private(cert_path, _pem(cert))
        root = roots_dir() / "motcua-demo-ca.pem"
        if not root.is_file() or root.read_bytes() != _pem(cert):
            _write_private(root, _pem(cert))
    return key, cert


def _is_demo_issued(cert: x509.Certificate) -> bool:
    return _subject_text(cert.issuer, NameOID.COMMON_NAME) == DEMO_CA_NAME


def _fits(cert: x509.Certificate, agency: Agency) -> bool:
    """A demo certificate still names the agency (pks are reused in tests) and is not about to expire."""
    return (
        _subject_text(cert.subject, NameOID.COMMON_NAME) == agency.name[:64]
        and _subject_text(cert.subject, NameOID.ORGANIZATION_IDENTIFIER) == agency.identifier
        and cert.not_valid_after_utc > _now() + timedelta(days=1)
    )


def demo_certificate_ensure(agency: Agency) -> CertificateInfo:
    """Issue the agency a demo certificate from the demo CA, unless it already has a fitting
    one. A certificate not issued by the demo CA (a real one, installed) is never replaced."""
    folder = agency_dir(agency)
    cert_path = folder / "cert.pem"
    if cert_path.is_file():
        existing = _pem_certs(cert_path.read_bytes())[0]
        if not _is_demo_issued(existing) or _fits(existing, agency):
            return CertificateInfo.of(existing, cert_path)
    ca_key, ca_cert = demo_ca_ensure()
    with _pki_lock():
        if cert_path.is_file():  # another process may have issued it meanwhile
            existing = _pem_certs(cert_path.read_bytes())[0]
            if not _is_demo_issued(existing) or _fits(existing, agency):
                return CertificateInfo.of(existing, cert_path)
        key = _new_key()
        now = _now()
        cert = (
            x509.CertificateBuilder()
            .subject_name(_name_for(agency, demo=True))
            .issuer_name(ca_cert.subject)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(days=1))
            .not_valid_after(min(now + timedelta(days=DEMO_CERT_DAYS), ca_cert.not_valid_after_utc))
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(_key_usage(ca=False), critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
            .sign(ca_key, hashes.SHA256())
        )
        _write_private(folder / "key.pem", _key_pem(key))
        _write_private(folder / "chain.pem", _pem(ca_cert))
        _write_private(cert_path, _pem(cert))
    return CertificateInfo.of(cert, cert_path)


def demo_certificates_ensure(agencies: Iterable[Agency]) -> list[CertificateInfo]:
    """``motcua demo``: the demo CA and one certificate per agency (safe to re-run)."""
    demo_ca_ensure()
    return [demo_certificate_ensure(agency) for agency in agencies]


# --- Signing -----------------------------------------------------------------------------------


class _AgencySigner(signers.SimpleSigner):
    """pyHanko's in-memory signer, holding the loaded key: ``SimpleSigner`` parses the key from
    DER for every signature (~40 ms for RSA, which checks the key each time it is loaded)."""

    def __init__(self, *, key: PrivateKey, cert: x509.Certificate, chain: list[x509.Certificate]) -> None:
        der = key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
        super().__init__(
            signing_cert=_asn1(cert),
            signing_key=asn1_keys.PrivateKeyInfo.load(der),
            cert_registry=_certificate_store([_asn1(c) for c in chain]),
        )
        self._key = key
        self.cert = cert
        self.reserve = _CMS_OVERHEAD + 2 * sum(len(c.public_bytes(serialization.Encoding.DER)) for c in [cert, *chain])

    def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
        algorithm = {"sha256": hashes.SHA256(), "sha384": hashes.SHA384(), "sha512": hashes.SHA512()}[digest_algorithm]
        if isinstance(self._key, rsa.RSAPrivateKey):
            return self._key.sign(data, padding.PKCS1v15(), algorithm)
        return self._key.sign(data, ec.ECDSA(algorithm))


def _certificate_store(certs: list[asn1_x509.Certificate]) -> Any:
    store: Any = SimpleCertificateStore  # untyped in pyhanko-certvalidator
    return store.from_certs(certs)


_SIGNERS: dict[tuple[str, int, int], _AgencySigner] = {}
_SIGNERS_LOCK = threading.Lock()


def _load_signer(folder: Path) -> _AgencySigner:
    """The agency's signer, cached per process until its files change."""
    key_path, cert_path, chain_path = folder / "key.pem", folder / "cert.pem", folder / "chain.pem"
    cache_key = (str(folder), key_path.stat().st_mtime_ns, cert_path.stat().st_mtime_ns)
    with _SIGNERS_LOCK:
        signer = _SIGNERS.get(cache_key)
    if signer is not None:
        return signer
    key = serialization.load_pem_private_key(key_path.read_bytes(), password=None)
    if not isinstance(key, rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey):
        raise DomainError(CoreErrorCode.SIGNING_KEY_UNSUPPORTED, _("The signing key must be RSA or EC."))
    certs = _pem_certs(cert_path.read_bytes())
    if not certs:
        raise DomainError(
            CoreErrorCode.SIGNING_CERTIFICATE_MISSING, _("%(file)s holds no certificate.") % {"file": cert_path}, status_code=503
        )
    chain = [*certs[1:], *(_pem_certs(chain_path.read_bytes()) if chain_path.is_file() else [])]
    signer = _AgencySigner(key=key, cert=certs[0], chain=chain)
    with _SIGNERS_LOCK:
        for stale in [k for k in _SIGNERS if k[0] == cache_key[0]]:
            del _SIGNERS[stale]
        _SIGNERS[cache_key] = signer
    return signer


def _signer_for(agency: Agency) -> _AgencySigner:
    folder = agency_dir(agency)
    demo = bool(getattr(settings, "MOTCUA_SIGNING_DEMO_CA", False))
    if demo:
        demo_certificate_ensure(agency)
    if not (folder / "key.pem").is_file() or not (folder / "cert.pem").is_file():
        raise DomainError(
            CoreErrorCode.SIGNING_CERTIFICATE_MISSING,
            _(
                "%(agency)s has no signing certificate, so its documents cannot be signed. "
                "Install one with: motcua slips install-cert --agency %(key)s --pkcs12 FILE"
            )
            % {"agency": agency.name, "key": agency.identifier or agency.pk},
            status_code=503,
        )
    signer = _load_signer(folder)
    now = _now()
    if not signer.cert.not_valid_before_utc <= now <= signer.cert.not_valid_after_utc:
        raise DomainError(
            CoreErrorCode.SIGNING_CERTIFICATE_EXPIRED,
            _("The signing certificate of %(agency)s is valid only from %(start)s to %(end)s.")
            % {
                "agency": agency.name,
                "start": f"{signer.cert.not_valid_before_utc:%d/%m/%Y}",
                "end": f"{signer.cert.not_valid_after_utc:%d/%m/%Y}",
            },
            status_code=503,
        )
    return signer


def _sign_with(pdf: bytes, signer: _AgencySigner, *, reason: str, location: str) -> bytes:
    meta = signers.PdfSignatureMetadata(
        field_name=FIELD_NAME,
        md_algorithm="sha256",
        subfilter=pdf_fields.SigSeedSubFilter.PADES,
        reason=reason or None,
        location=location or None,
    )
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    output = _outside_event_loop(lambda: signers.PdfSigner(meta, signer).sign_pdf(writer, bytes_reserved=signer.reserve))
    return bytes(output.getvalue())


def _outside_event_loop(call: Callable[[], T]) -> T:
    """Run ``call`` here, or in a worker thread when this thread runs an asyncio event loop.

    pyHanko's synchronous API wraps its coroutines in ``asyncio.run``, which refuses to start
    inside a running loop (an ASGI server, Playwright's sync API in a test)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return call()
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(call).result()


def sign_pdf(pdf: bytes, *, agency: Agency, reason: str = "", location: str = "") -> bytes:
    """``pdf`` with the agency's PAdES signature appended as an incremental update.

    Raises ``DomainError`` (``signing_certificate_missing`` / ``signing_certificate_expired``,
    status 503) when the agency cannot sign: an official form is never issued unsigned.
    """
    signer = _signer_for(agency)
    return _sign_with(pdf, signer, reason=reason, location=location or agency.unit.name)


# --- Verifying ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class SignatureCheck:
    """The verdict on a PDF's signature. ``ok`` only when the PDF is signed, the signature is
    cryptographically valid, it covers the whole file (nothing changed or added after it), and
    the signer's certificate chains to a configured trust root."""

    signed: bool
    intact: bool = False
    valid: bool = False
    trusted: bool = False
    whole_file: bool = False
    signer_subject: str = ""
    issuer: str = ""
    agency: str = ""
    agency_identifier: str = ""
    signing_time: datetime | None = None
    reason: str = ""
    problem: str = ""

    @property
    def ok(self) -> bool:
        return self.signed and self.intact and self.valid and self.trusted and self.whole_file


def trust_roots() -> list[x509.Certificate]:
    """The certificates in ``<MOTCUA_PKI_DIR>/roots/`` (PEM or DER, one or more per file)."""
    folder = roots_dir()
    if not folder.is_dir():
        return []
    found: list[x509.Certificate] = []
    for path in sorted(folder.iterdir()):
        if path.is_file() and not path.name.startswith("."):
            try:
                found.extend(_pem_certs(path.read_bytes()))
            except ValueError:
                continue  # not a certificate: ignored, as a stray file should not stop verification
    return found


def _validation_context(roots: list[x509.Certificate]) -> Any:
    # No network at run time (DESIGN.md): no fetching of CRLs/OCSP; revocation is soft-fail.
    return ValidationContext(trust_roots=[_asn1(c) for c in roots], allow_fetching=False, revocation_mode="soft-fail")


def verify_pdf(pdf: bytes, *, roots: list[x509.Certificate] | None = None) -> SignatureCheck:
    """Check every signature of ``pdf`` against the trust roots (default: :func:`trust_roots`);
    the verdict describes the first that fails, else the last one."""
    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        embedded = list(reader.embedded_regular_signatures)
    except Exception as exc:  # any parse error of a damaged file is a verdict, not a crash
        return SignatureCheck(signed=False, problem=_("Not a readable PDF (%(error)s).") % {"error": exc})
    if not embedded:
        return SignatureCheck(signed=False, problem=_("The PDF carries no digital signature."))
    context = _validation_context(trust_roots() if roots is None else roots)
    checks = [_check_one(signature, context) for signature in embedded]
    return next((check for check in checks if not check.ok), checks[-1])


def _check_one(signature: Any, context: Any) -> SignatureCheck:
    reason = str(signature.sig_object.get("/Reason", "") or "")
    try:
        status = _outside_event_loop(lambda: validate_pdf_signature(signature, signer_validation_context=context))
    except Exception as exc:  # a mangled signature container is a failed check
        return SignatureCheck(signed=True, reason=reason, problem=_("The signature cannot be read (%(error)s).") % {"error": exc})
    cert = status.signing_cert
    subject = cert.subject.native if cert is not None else {}
    whole = status.coverage is not None and status.coverage.name == "ENTIRE_FILE"
    check = SignatureCheck(
        signed=True,
        intact=bool(status.intact),
        valid=bool(status.valid),
        trusted=bool(status.trusted),
        whole_file=whole,
        signer_subject=cert.subject.human_friendly if cert is not None else "",
        issuer=cert.issuer.human_friendly if cert is not None else "",
        agency=str(subject.get("organization_name") or subject.get("common_name") or ""),
        agency_identifier=str(subject.get("organization_identifier") or ""),
        signing_time=status.signer_reported_dt,
        reason=reason,
    )
    problem = ""
    if not check.intact:
        problem = _("The document was changed after it was signed.")
    elif not check.valid:
        problem = _("The signature does not match the document.")
    elif not check.whole_file:
        problem = _("Content was added to the document after it was signed.")
    elif not check.trusted:
        problem = _("The signer's certificate does not chain to a trusted root (or is expired or revoked).")
    return dataclasses.replace(check, problem=problem)


# --- Installing real certificates --------------------------------------------------------------


def _matching(key: Any, cert: x509.Certificate) -> bool:
    return _public_der(key.public_key()) == _public_der(cert.public_key())


def _probe_pdf() -> bytes:
    """A minimal one-page PDF to sign and verify before a certificate is accepted."""
    from pyhanko.pdf_utils import writer as pdf_writer
    from pyhanko.pdf_utils.generic import StreamObject

    PdfFileWriter: Any = pdf_writer.PdfFileWriter  # untyped in pyHanko
    PageObject: Any = pdf_writer.PageObject
    writer = PdfFileWriter()
    writer.insert_page(PageObject(contents=writer.add_object(StreamObject(stream_data=b"")), media_box=(0, 0, 595, 842)))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def certificate_install(
    *,
    agency: Agency,
    key: Any,
    cert: x509.Certificate,
    chain: list[x509.Certificate],
) -> CertificateInfo:
    """Install an agency's key and certificate (e.g. from the government CA for the public
    sector, Ban Cơ yếu Chính phủ). Refused unless the key fits the certificate, the certificate
    is valid today, and a probe document it signs verifies against the trust roots: a
    certificate that would make every slip fail verification is never installed."""
    if not isinstance(key, rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey):
        raise DomainError(
            CoreErrorCode.SIGNING_KEY_UNSUPPORTED, _("The signing key must be RSA or EC."), fields={"key": "unsupported"}
        )
    if not _matching(key, cert):
        raise DomainError(CoreErrorCode.SIGNING_KEY_MISMATCH, _("The private key does not belong to the certificate."))
    now = _now()
    if not cert.not_valid_before_utc <= now <= cert.not_valid_after_utc:
        raise DomainError(
            CoreErrorCode.SIGNING_CERTIFICATE_EXPIRED,
            _("The certificate is valid only from %(start)s to %(end)s.")
            % {"start": f"{cert.not_valid_before_utc:%d/%m/%Y}", "end": f"{cert.not_valid_after_utc:%d/%m/%Y}"},
        )
    chain = [c for c in chain if c != cert]
    probe = _sign_with(_probe_pdf(), _AgencySigner(key=key, cert=cert, chain=chain), reason="probe", location="")
    verdict = verify_pdf(probe)
    if not verdict.ok:
        raise DomainError(
            CoreErrorCode.SIGNING_CERTIFICATE_UNTRUSTED,
            _("A test signature with this certificate fails: %(problem)s Trust the issuing CA's root first: %(command)s")
            % {"problem": verdict.problem, "command": "motcua slips install-root FILE"},
        )
    folder = agency_dir(agency)
    with _pki_lock():
        _write_private(folder / "key.pem", _key_pem(key))
        _write_private(folder / "chain.pem", b"".join(_pem(c) for c in chain))
        _write_private(folder / "cert.pem", _pem(cert))
    return CertificateInfo.of(cert, folder / "cert.pem")


def load_pkcs12(data: bytes, passphrase: bytes | None) -> tuple[Any, x509.Certificate, list[x509.Certificate]]:
    """The key, certificate and chain of a PKCS#12 (.p12 / .pfx) file."""
    try:
        key, cert, extra = pkcs12.load_key_and_certificates(data, passphrase)
    except ValueError as exc:
        raise DomainError(
            CoreErrorCode.SIGNING_PKCS12_UNREADABLE, _("The PKCS#12 file cannot be opened (wrong passphrase?).")
        ) from exc
    if key is None or cert is None:
        raise DomainError(
            CoreErrorCode.SIGNING_PKCS12_INCOMPLETE, _("The PKCS#12 file must hold a private key and its certificate.")
        )
    return key, cert, list(extra)


def load_key_and_certs(
    key_data: bytes, cert_data: bytes, chain_data: bytes, passphrase: bytes | None
) -> tuple[Any, x509.Certificate, list[x509.Certificate]]:
    """The key (PEM or DER, maybe encrypted), certificate and chain from separate files."""
    try:
        if b"-----BEGIN" in key_data:
            key = serialization.load_pem_private_key(key_data, password=passphrase)
        else:
            key = serialization.load_der_private_key(key_data, password=passphrase)
        certs = _pem_certs(cert_data)
        chain = _pem_certs(chain_data)
        if not certs:
            raise ValueError("no certificate")
    except (ValueError, TypeError) as exc:
        raise DomainError(
            CoreErrorCode.SIGNING_FILES_UNREADABLE, _("The key or certificate file cannot be read (%(error)s).") % {"error": exc}
        ) from exc
    return key, certs[0], [*certs[1:], *chain]


def root_install(*, data: bytes, name: str) -> list[CertificateInfo]:
    """Add trusted root certificate(s) (PEM or DER) to ``<MOTCUA_PKI_DIR>/roots/<name>.pem``."""
    try:
        certs = _pem_certs(data)
    except ValueError as exc:
        raise DomainError(CoreErrorCode.SIGNING_ROOT_UNREADABLE, _("The file is not a certificate.")) from exc
    safe = re.sub(r"[^A-Za-z0-9._-]", "_", name).strip("._") or hashlib.sha256(data).hexdigest()[:16]
    path = roots_dir() / f"{safe}.pem"
    with _pki_lock():
        _write_private(path, b"".join(_pem(c) for c in certs))
    return [CertificateInfo.of(c, path) for c in certs]
