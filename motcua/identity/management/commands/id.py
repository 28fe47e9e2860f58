"""``motcua id read-qr FILE_OR_TEXT``: print the parsed ID-card QR as JSON, or the error."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from motcua.core.exceptions import DomainError
from motcua.identity.exceptions import IdentityErrorCode
from motcua.identity.qr import CardData, card_qr_parse
from motcua.identity.qr_decode import card_qr_from_image


def read_qr(source: str) -> CardData:
    """A photo or a text file holding the payload, ``-`` for standard input, or the payload itself."""
    if source == "-":
        return card_qr_parse(sys.stdin.read())
    path = Path(source)
    if len(source) < 4096 and "|" not in source and path.is_file():
        data = path.read_bytes()
        try:
            return card_qr_from_image(data)
        except DomainError as exc:
            if exc.code != IdentityErrorCode.IMAGE_NOT_IMAGE:
                raise
        return card_qr_parse(data.decode("utf-8", errors="replace"))
    return card_qr_parse(source)


class Command(BaseCommand):
    help = "Citizen identification tools. `motcua id read-qr FILE_OR_TEXT` parses an ID-card QR."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        read = sub.add_parser("read_qr", aliases=["read-qr"], help="Parse a card QR from a photo, a text file, '-' or the text.")
        read.add_argument("source", help="image or text file, '-' for standard input, or the QR text itself")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            card = read_qr(options["source"])
        except DomainError as exc:
            self.stdout.write(json.dumps({"error": exc.as_dict()}, ensure_ascii=False, indent=2))
            raise CommandError(str(exc.code), returncode=1) from None
        self.stdout.write(json.dumps(card.as_dict(), ensure_ascii=False, indent=2))
