"""Petitions received by e-mail (RULES.md §5 "Forms (Art. 6)": a data message by e-mail is a
written petition), filed through ``services.petition_submit`` on channel ``email``
(docs/feedback.md "E-mail import"; ``motcua petitions import-mail PATH``).

Reads a ``.eml`` file, a folder of them or an mbox with the standard library only. Each message
gives: the sender's name and address (the petitioner's name and e-mail), the subject (the title),
the plain-text body or the HTML one turned into text (the content), the attachments' names and
sizes (noted in the receipt event; the files stay in the mailbox). Lines such as "Địa chỉ: …",
"Điện thoại: …" or "Họ và tên: …" (with or without diacritics) fill in the Art. 7 fields; a
message without them is kept and classified "not accepted" by ``petition_submit``, as a web or
counter petition would be. The Message-ID is the idempotency key: importing the same mailbox
again files nothing new. Every file is read and parsed before anything is written, and all the
petitions of one import are written in one transaction: a bad file, or a refused message
(unless ``skip_invalid``), leaves the database as it was.
"""

from __future__ import annotations

import email
import email.policy
import hashlib
import mailbox
import re
import unicodedata
from dataclasses import dataclass, field, replace
from datetime import datetime
from email.header import decode_header, make_header
from email.message import Message
from email.utils import getaddresses, parseaddr, parsedate_to_datetime
from html.parser import HTMLParser
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.core.exceptions import DomainError
from motcua.core.models import Agency
from motcua.core.text import fold
from motcua.feedback.choices import PetitionChannel
from motcua.feedback.exceptions import PetitionErrorCode
from motcua.feedback.services import PetitionInput, petition_submit

MAX_CONTENT = 20000
MAX_FILE_BYTES = 50 * 1024 * 1024  # one .eml or mbox file
# Folded labels of the Art. 7 fields as petitioners write them at the end of a letter.
LABELS = {
    "ho va ten": "name",
    "ho ten": "name",
    "nguoi gui": "name",
    "dia chi": "address",
    "dia chi lien he": "address",
    "dien thoai": "phone",
    "so dien thoai": "phone",
    "sdt": "phone",
    "dt": "phone",
    "dtdd": "phone",
}
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


class MailImportError(Exception):
    """A file that cannot be read as e-mail (translated message, names the file)."""


@dataclass(frozen=True)
class Attachment:
    name: str
    content_type: str
    size: int

    def as_payload(self) -> dict[str, object]:
        return {"name": self.name, "type": self.content_type, "size": self.size}


@dataclass(frozen=True)
class MailPetition:
    """One message, parsed: what ``petition_submit`` receives, and where it came from."""

    source: str  # file name, with the message's position in an mbox
    message_id: str
    recipients: tuple[str, ...]
    received_at: datetime | None
    data: PetitionInput
    attachments: tuple[Attachment, ...] = ()


@dataclass
class ImportReport:
    filed: list[str] = field(default_factory=list)  # petition codes
    already: list[str] = field(default_factory=list)  # codes filed by an earlier import
    not_accepted: list[str] = field(default_factory=list)  # filed, anonymous (Art. 7)
    refused: list[tuple[str, str]] = field(default_factory=list)  # (source, why)


# --- Reading files ----------------------------------------------------------------------------


def _looks_like_mbox(raw: bytes) -> bool:
    return raw.startswith(b"From ")


def read_messages(path: Path) -> list[tuple[str, Message]]:
    """Every message under ``path`` (a .eml file, a folder of .eml files, or an mbox file), in a
    stable order. Raises :class:`MailImportError` for anything that is not e-mail."""
    if path.is_dir():
        files = sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() == ".eml")
        if not files:
            raise MailImportError(_("%(path)s holds no .eml file.") % {"path": path})
        found: list[tuple[str, Message]] = []
        for item in files:
            found.extend(read_messages(item))
        return found
    if not path.is_file():
        raise MailImportError(_("%(path)s is not a file or a folder.") % {"path": path})
    if path.stat().st_size > MAX_FILE_BYTES:
        raise MailImportError(_("%(path)s is larger than %(mb)s MB.") % {"path": path.name, "mb": MAX_FILE_BYTES // 2**20})
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise MailImportError(_("%(path)s cannot be read: %(why)s") % {"path": path.name, "why": exc.strerror}) from exc
    messages: list[tuple[str, Message]]
    if _looks_like_mbox(raw):
        box = mailbox.mbox(str(path), factory=None, create=False)
        try:
            messages = [
                (f"{path.name}#{n}", email.message_from_bytes(entry.as_bytes(), policy=email.policy.default))
                for n, entry in enumerate(box, start=1)
            ]
        finally:
            box.close()
    else:
        messages = [(path.name, email.message_from_bytes(raw, policy=email.policy.default))]
    for source, message in messages:
        if not message.get("From") or not (message.get("Date") or message.get("Message-ID") or message.get("Subject")):
            raise MailImportError(_("%(source)s is not an e-mail message (no sender or no headers).") % {"source": source})
    return messages


# --- Decoding one message ---------------------------------------------------------------------


class _TextFromHtml(HTMLParser):
    """The readable text of an HTML body: block elements become line breaks, scripts and styles
    are dropped, entities are decoded."""

    BLOCKS = frozenset({"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "table", "ul", "ol", "blockquote"})
    SKIP = frozenset({"script", "style", "head", "title"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.SKIP:
            self.skipping += 1
        elif tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.SKIP:
            self.skipping = max(0, self.skipping - 1)
        elif tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.parts.append(data)

    def text(self) -> str:
        lines = [" ".join(line.split()) for line in "".join(self.parts).splitlines()]
        return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def html_to_text(html: str) -> str:
    parser = _TextFromHtml()
    parser.feed(html)
    parser.close()
    return parser.text()


def _unescape(text: str) -> str:
    """Raw 8-bit bytes in a header (UTF-8 sent without encoding, RFC 6532) reach us as lone
    surrogates: decode them as UTF-8, else windows-1258."""
    if not any("\udc80" <= ch <= "\udcff" for ch in text):
        return text
    raw = text.encode("utf-8", "surrogateescape")
    for charset in ("utf-8", "cp1258"):
        try:
            return raw.decode(charset)
        except UnicodeDecodeError:
            continue
    return raw.decode("utf-8", errors="replace")


def clean_text(text: str) -> str:
    """NFC (a windows-1258 letter arrives as a base letter and a combining tone mark), Unix line
    breaks, no control characters but tab and line break, no lone surrogates."""
    text = _unescape(text).replace("\r\n", "\n").replace("\r", "\n")
    text = text.encode("utf-8", "replace").decode("utf-8")
    return _CONTROL.sub("", unicodedata.normalize("NFC", text))


def _part_text(part: Message) -> str:
    """A text part decoded by its declared charset, else UTF-8, else windows-1258, else Latin-1."""
    payload = part.get_payload(decode=True)
    if not isinstance(payload, bytes):
        return ""
    declared = part.get_content_charset() or ""
    for charset in (declared, "utf-8", "cp1258", "latin-1"):
        if not charset:
            continue
        try:
            return payload.decode(charset)
        except (LookupError, UnicodeDecodeError):
            continue
    return payload.decode("utf-8", errors="replace")  # pragma: no cover  latin-1 decodes any byte


def _body_and_attachments(message: Message) -> tuple[str, list[Attachment]]:
    plain: list[str] = []
    html: list[str] = []
    attachments: list[Attachment] = []
    for part in message.walk():
        if part.is_multipart():
            continue
        disposition = (part.get_content_disposition() or "").lower()
        filename = part.get_filename()
        content_type = part.get_content_type()
        if disposition == "attachment" or (filename and disposition != "inline") or not content_type.startswith("text/"):
            payload = part.get_payload(decode=True)
            size = len(payload) if isinstance(payload, bytes) else 0
            name = clean_text(str(filename or _("(no name)")))[:200]
            attachments.append(Attachment(name=name, content_type=content_type, size=size))
        elif content_type == "text/plain":
            plain.append(_part_text(part))
        elif content_type == "text/html":
            html.append(html_to_text(_part_text(part)))
    body = "\n\n".join(t.strip() for t in plain if t.strip()) or "\n\n".join(t for t in html if t)
    return clean_text(body).strip(), attachments


def _header(message: Message, name: str) -> str:
    """A header as text: decoded by the e-mail policy, or, when it holds raw 8-bit bytes, from
    those bytes (``_unescape``) with any encoded words decoded too."""
    raw = next((str(value) for key, value in message.raw_items() if key.lower() == name.lower()), None)
    if raw is None:
        return ""
    if any("\udc80" <= ch <= "\udcff" for ch in raw):
        try:
            text = str(make_header(decode_header(_unescape(raw))))
        except (LookupError, ValueError, UnicodeError):
            text = _unescape(raw)
        return clean_text(" ".join(text.split())).strip()
    return clean_text(str(message.get(name))).strip()


def _received_at(message: Message) -> datetime | None:
    """When our mail server received it (the topmost ``Received`` header), else the ``Date`` the
    sender wrote; never in the future."""
    candidates = [str(h).rsplit(";", 1)[-1] for h in message.get_all("Received") or [] if ";" in str(h)][:1]
    candidates.append(str(message.get("Date") or ""))
    for text in candidates:
        try:
            value = parsedate_to_datetime(text.strip())
        except (TypeError, ValueError, IndexError):
            continue
        if value is None or timezone.is_naive(value):
            continue
        return min(value, timezone.now())
    return None


def _labelled_fields(body: str) -> dict[str, str]:
    """The Art. 7 fields written as "Label: value" lines (the last one of each wins)."""
    found: dict[str, str] = {}
    for line in body.splitlines():
        label, sep, value = line.partition(":")
        if not sep or not value.strip():
            continue
        key = LABELS.get(fold(label.strip(" -*•\t")))
        if key:
            found[key] = value.strip()
    return found


def _valid_phone(text: str) -> str:
    digits = "".join(ch for ch in text if ch.isdigit())
    return text.strip() if 9 <= len(digits) <= 12 else ""


def _valid_email(text: str) -> str:
    try:
        validate_email(text)
    except ValidationError:
        return ""
    return text


def idempotency_key(message_id: str, raw: bytes) -> str:
    """``email:`` and a hash of the Message-ID (of the whole message when it has none)."""
    basis = message_id.strip().strip("<>").lower().encode() if message_id.strip() else raw
    return "email:" + hashlib.sha256(basis).hexdigest()[:40]


def parse_message(message: Message, *, source: str, unit_code: str = "") -> MailPetition:
    """One message as a petition on channel e-mail (nothing written)."""
    name, address = parseaddr(_header(message, "From"))
    body, attachments = _body_and_attachments(message)
    fields = _labelled_fields(body)
    subject = " ".join(_header(message, "Subject").split())
    title = subject or (body.splitlines()[0] if body else "") or _("E-mail without a subject")
    content = body
    if len(content) > MAX_CONTENT:
        content = content[: MAX_CONTENT - 60].rstrip() + "\n\n" + _("[cut: the whole message is in the mailbox]")
    message_id = _header(message, "Message-ID")
    raw = message.as_bytes()
    recipients = tuple(
        addr.lower()
        for _name, addr in getaddresses([_header(message, h) for h in ("To", "Cc", "Delivered-To", "X-Original-To")])
        if addr
    )
    data = PetitionInput(
        title=title[:200],
        content=content,
        channel=PetitionChannel.EMAIL,
        petitioner_name=(fields.get("name") or name).strip()[:150],
        petitioner_address=fields.get("address", "")[:300],
        petitioner_phone=_valid_phone(fields.get("phone", ""))[:20],
        petitioner_email=_valid_email(address.strip())[:254],
        unit_code=unit_code,
        idempotency_key=idempotency_key(message_id, raw),
        attachments=tuple(a.as_payload() for a in attachments),
    )
    return MailPetition(
        source=source,
        message_id=message_id,
        recipients=recipients,
        received_at=_received_at(message),
        data=data,
        attachments=tuple(attachments),
    )


# --- Filing ---------------------------------------------------------------------------------------


def _unit_by_recipient(recipients: tuple[str, ...]) -> str:
    """The commune whose published desk address (Agency.email, Art. 13) the message was sent to."""
    if not recipients:
        return ""
    rows = (
        Agency.objects.unrestricted("the desks' published e-mail addresses are public (Art. 13)")
        .filter(unit__valid_to__isnull=True)
        .exclude(email="")
        .values_list("email", "unit__code")
    )
    by_address = {address.lower(): code for address, code in rows}
    for recipient in recipients:
        if recipient in by_address:
            return by_address[recipient]
    return ""


class _RollBack(Exception):
    pass


def petitions_import_mail(*, path: Path, unit_code: str = "", skip_invalid: bool = False) -> ImportReport:
    """File every message under ``path`` as a petition (see the module's docstring).

    ``unit_code``: the commune the mailbox belongs to; without it, each message goes to the
    commune whose desk address it was sent to. Raises :class:`MailImportError` for a bad file
    and ``DomainError`` when a message is refused and ``skip_invalid`` is false (then nothing is
    written)."""
    parsed = [parse_message(message, source=source, unit_code=unit_code) for source, message in read_messages(path)]
    report = ImportReport()
    try:
        with transaction.atomic():
            for item in parsed:
                data = item.data
                if not data.unit_code:
                    found = _unit_by_recipient(item.recipients)
                    if not found:
                        report.refused.append((item.source, _("No commune's desk has the address it was sent to; give --unit.")))
                        continue
                    data = replace(data, unit_code=found)
                try:
                    with transaction.atomic():
                        result = petition_submit(actor=None, data=data, at=item.received_at)
                except DomainError as exc:
                    details = "; ".join(f"{name}: {message}" for name, message in exc.fields.items())
                    report.refused.append((item.source, details or str(exc.message)))
                    continue
                petition = result.petition
                if not result.created:
                    report.already.append(petition.code)
                elif petition.anonymous:
                    report.not_accepted.append(petition.code)
                else:
                    report.filed.append(petition.code)
            if report.refused and not skip_invalid:
                raise _RollBack
    except _RollBack:
        lines = "\n".join(f"  {source}: {why}" for source, why in report.refused)
        raise DomainError(
            PetitionErrorCode.MAIL_IMPORT_REFUSED,
            _("Nothing was imported: these messages were refused (use --skip-invalid to import the others):") + "\n" + lines,
        ) from None
    return report
