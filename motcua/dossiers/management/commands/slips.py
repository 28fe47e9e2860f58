"""``motcua slips``: the digital signatures of the slips (RULES.md §1.5, docs/slips.md).

    motcua slips verify FILE.pdf
    motcua slips install-cert --agency 000.01.21.H12 --pkcs12 agency.p12       (passphrase: env or prompt)
    motcua slips install-cert --agency 000.01.21.H12 --key key.pem --cert cert.pem [--chain chain.pem]
    motcua slips install-root root-ca.pem

``verify`` exits 0 when the PDF carries a valid signature that covers the whole file and chains
to a trusted root, 1 otherwise (missing, broken, edited or untrusted), 2 when the file cannot be
read. The passphrase of a PKCS#12 file or an encrypted key comes from the environment variable
named by ``--passphrase-env`` (default ``MOTCUA_PKCS12_PASSPHRASE``), else from a prompt.
"""

from __future__ import annotations

import getpass
import os
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from motcua.core.exceptions import DomainError

PASSPHRASE_ENV = "MOTCUA_PKCS12_PASSPHRASE"  # noqa: S105  (the name of a variable, not a secret)


def _yes_no(value: bool) -> str:
    return pgettext("signature check", "yes") if value else pgettext("signature check", "no")


class Command(BaseCommand):
    help = "Verify the digital signature of a slip PDF; install an agency's signing certificate or a trusted root."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)

        verify = sub.add_parser("verify", help="Check the signature of a PDF (exit 0 valid, 1 not, 2 unreadable).")
        verify.add_argument("file", help="The PDF file.")

        install = sub.add_parser("install-cert", help="Install an agency's signing key and certificate.")
        install.add_argument("--agency", required=True, help="The agency's electronic identifier (or its number).")
        source = install.add_mutually_exclusive_group(required=True)
        source.add_argument("--pkcs12", help="A PKCS#12 file (.p12 / .pfx) with the key, certificate and chain.")
        source.add_argument("--key", help="The private key (PEM or DER; may be encrypted).")
        install.add_argument("--cert", help="The certificate (with --key), PEM or DER.")
        install.add_argument("--chain", help="Intermediate certificates (with --key), PEM.")
        install.add_argument(
            "--passphrase-env",
            default=PASSPHRASE_ENV,
            help=f"Environment variable with the passphrase (default {PASSPHRASE_ENV}).",
        )

        root = sub.add_parser("install-root", help="Trust a root CA certificate for verification.")
        root.add_argument("file", help="The root certificate, PEM or DER.")
        root.add_argument("--name", help="File name under the roots folder (default: the file's own name).")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        try:
            if action == "verify":
                self._verify(Path(options["file"]))
            elif action == "install-cert":
                self._install_cert(options)
            else:
                self._install_root(Path(options["file"]), options.get("name") or "")
        except DomainError as exc:
            raise CommandError(f"[{exc.code}] {exc.message}") from exc

    # --- verify ----------------------------------------------------------------------------

    def _verify(self, path: Path) -> None:
        from motcua.core.signing import verify_pdf

        try:
            content = path.read_bytes()
        except OSError as exc:
            raise CommandError(
                _("Cannot read %(file)s: %(error)s") % {"file": path, "error": exc.strerror}, returncode=2
            ) from exc
        check = verify_pdf(content)
        write = self.stdout.write
        write(_("File: %(file)s") % {"file": path})
        if check.signed:
            when = timezone.localtime(check.signing_time).strftime("%H:%M:%S %d/%m/%Y") if check.signing_time else "—"
            write(_("Signer: %(subject)s") % {"subject": check.signer_subject})
            write(_("Certificate issued by: %(issuer)s") % {"issuer": check.issuer})
            write(
                _("Agency: %(agency)s")
                % {"agency": " ".join(p for p in (check.agency, check.agency_identifier and f"({check.agency_identifier})") if p)}
            )
            write(_("Signing time (as the signer states it): %(time)s") % {"time": when})
            write(_("Reason: %(reason)s") % {"reason": check.reason or "—"})
            write(_("Intact (unchanged since signing): %(value)s") % {"value": _yes_no(check.intact and check.whole_file)})
            write(_("Signature valid: %(value)s") % {"value": _yes_no(check.valid)})
            write(_("Trusted signer: %(value)s") % {"value": _yes_no(check.trusted)})
        if check.ok:
            write(self.style.SUCCESS(_("VALID: the document is signed, unchanged, by a trusted signer.")))
            return
        raise CommandError(_("NOT VALID: %(problem)s") % {"problem": check.problem}, returncode=1)

    # --- install ---------------------------------------------------------------------------

    def _passphrase(self, env_name: str, *, required: bool) -> bytes | None:
        value = os.environ.get(env_name)
        if value is None and required and sys.stdin.isatty():
            value = getpass.getpass(_("Passphrase: "))
        return value.encode() if value else None

    def _install_cert(self, options: dict[str, Any]) -> None:
        from motcua.core.selectors import agency_for_signing
        from motcua.core.services import signing_certificate_install
        from motcua.core.signing import load_key_and_certs, load_pkcs12

        agency = agency_for_signing(key=options["agency"])
        env_name = options["passphrase_env"]
        if options.get("pkcs12"):
            data = self._read(options["pkcs12"])
            key, cert, chain = load_pkcs12(data, self._passphrase(env_name, required=True))
        else:
            if not options.get("cert"):
                raise CommandError(_("--key needs --cert."))
            key_data = self._read(options["key"])
            encrypted = b"ENCRYPTED" in key_data
            key, cert, chain = load_key_and_certs(
                key_data,
                self._read(options["cert"]),
                self._read(options["chain"]) if options.get("chain") else b"",
                self._passphrase(env_name, required=encrypted),
            )
        info = signing_certificate_install(agency=agency, key=key, cert=cert, chain=chain)
        self.stdout.write(self.style.SUCCESS(_("Installed the signing certificate of %(agency)s.") % {"agency": agency.name}))
        self._describe(info)

    def _install_root(self, path: Path, name: str) -> None:
        from motcua.core.services import signing_root_install

        for info in signing_root_install(data=self._read(str(path)), name=name or path.stem):
            self.stdout.write(self.style.SUCCESS(_("Trusted root installed.")))
            self._describe(info)

    def _describe(self, info: Any) -> None:
        self.stdout.write(_("  Subject: %(value)s") % {"value": info.subject})
        self.stdout.write(_("  Issuer: %(value)s") % {"value": info.issuer})
        self.stdout.write(
            _("  Valid: %(start)s – %(end)s") % {"start": f"{info.not_before:%d/%m/%Y}", "end": f"{info.not_after:%d/%m/%Y}"}
        )
        self.stdout.write(_("  SHA-256: %(value)s") % {"value": info.sha256})
        self.stdout.write(_("  File: %(value)s") % {"value": info.path})

    def _read(self, name: str) -> bytes:
        try:
            return Path(name).read_bytes()
        except OSError as exc:
            raise CommandError(
                _("Cannot read %(file)s: %(error)s") % {"file": name, "error": exc.strerror}, returncode=2
            ) from exc
