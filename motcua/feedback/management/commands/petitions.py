from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from motcua.core.exceptions import DomainError
from motcua.feedback.mail_import import MailImportError, petitions_import_mail


class Command(BaseCommand):
    help = (
        "Petition tools. `motcua petitions import-mail PATH [--unit CODE] [--skip-invalid]` files the e-mails of a "
        ".eml file, a folder of .eml files or an mbox as petitions on channel e-mail (Decree 20/2008 Art. 6); "
        "importing the same messages again files nothing new."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        mail = sub.add_parser("import-mail", help="File e-mails as petitions (channel e-mail), once per Message-ID.")
        mail.add_argument("path", help="a .eml file, a folder of .eml files, or an mbox file")
        mail.add_argument(
            "--unit",
            default="",
            help="the commune the mailbox belongs to (official code); default: the commune whose desk address each "
            "message was sent to",
        )
        mail.add_argument(
            "--skip-invalid", action="store_true", help="import the valid messages and list the refused ones (default: none)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            report = petitions_import_mail(
                path=Path(options["path"]), unit_code=options["unit"].strip(), skip_invalid=options["skip_invalid"]
            )
        except MailImportError as exc:
            raise CommandError(_("Nothing was imported: %(why)s") % {"why": exc}) from exc
        except DomainError as exc:
            raise CommandError(str(exc.message)) from exc
        for code in report.filed:
            self.stdout.write(_("filed %(code)s") % {"code": code})
        for code in report.not_accepted:
            self.stdout.write(_("filed %(code)s, not accepted: name, address or phone missing (Art. 7)") % {"code": code})
        for code in report.already:
            self.stdout.write(_("already filed: %(code)s") % {"code": code})
        for source, why in report.refused:
            self.stdout.write(_("skipped %(source)s: %(why)s") % {"source": source, "why": why})
        self.stdout.write(
            _("%(filed)s filed (%(anonymous)s not accepted), %(already)s already filed, %(skipped)s skipped")
            % {
                "filed": len(report.filed) + len(report.not_accepted),
                "anonymous": len(report.not_accepted),
                "already": len(report.already),
                "skipped": len(report.refused),
            }
        )
