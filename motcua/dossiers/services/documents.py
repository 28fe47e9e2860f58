"""Documents of a dossier: checking uploaded files and storing them (intake, supplement, result)."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _

from motcua.core.exceptions import DomainError
from motcua.dossiers.exceptions import DossierErrorCode
from motcua.dossiers.models import Document, Dossier
from motcua.dossiers.services.inputs import DocumentInput

MAX_UPLOAD_BYTES = getattr(settings, "MOTCUA_MAX_UPLOAD_MB", 10) * 1024 * 1024


_MAGIC = ((b"%PDF-", "application/pdf"), (b"\xff\xd8\xff", "image/jpeg"), (b"\x89PNG\r\n\x1a\n", "image/png"))


def sniff_content_type(content: bytes) -> str | None:
    for magic, content_type in _MAGIC:
        if content.startswith(magic):
            return content_type
    return None


def _read_documents(documents: list[DocumentInput]) -> tuple[list[tuple[DocumentInput, str | None]], dict[str, str]]:
    checked: list[tuple[DocumentInput, str | None]] = []
    errors: dict[str, str] = {}
    for index, document in enumerate(documents):
        if not document.name.strip():
            errors[f"documents.{index}.name"] = _("Each document needs a name.")
        content_type = None
        if document.content is not None:
            if len(document.content) > MAX_UPLOAD_BYTES:
                errors[f"documents.{index}.file"] = _("The file is larger than %(mb)s MB.") % {
                    "mb": MAX_UPLOAD_BYTES // (1024 * 1024)
                }
            content_type = sniff_content_type(document.content)
            if content_type is None:
                errors[f"documents.{index}.file"] = _(
                    "Only PDF, JPEG or PNG scans are accepted (the file's content is none of these)."
                )
        checked.append((document, content_type))
    return checked, errors


def _checked_documents(documents: list[DocumentInput]) -> list[tuple[DocumentInput, str | None]]:
    """``_read_documents`` for an action: any error refuses the whole action."""
    checked, errors = _read_documents(documents)
    if errors:
        raise DomainError(DossierErrorCode.INVALID_DOCUMENTS, _("Some files are not acceptable."), fields=errors)
    return checked


def _attach_documents(
    *,
    dossier: Dossier,
    documents: list[tuple[DocumentInput, str | None]],
    start: int | None = None,
    result: bool = False,
    stored: list[Document] | None = None,
) -> int:
    """Store checked documents after the dossier's last one (intake, supplement, result files).

    ``start``: how many documents the dossier already has, when the caller knows (a dossier
    created in this transaction has none: no query to count them). ``result``: the decision's
    files. ``stored``: a list the new rows are appended to. Returns how many were stored.
    """
    if start is None:
        start = dossier.documents.count()
    for offset, (document, content_type) in enumerate(documents, start=1):
        row = _add_document(dossier=dossier, document=document, content_type=content_type, position=start + offset, result=result)
        if stored is not None:
            stored.append(row)
    return len(documents)


def _add_document(
    *, dossier: Dossier, document: DocumentInput, content_type: str | None, position: int, result: bool = False
) -> Document:
    row = Document(
        dossier=dossier,
        position=position,
        name=document.name.strip()[:500],
        procedure_document_id=document.procedure_document_id,
        is_result=result,
    )
    if document.reuse_document_id is not None:
        source = Document.objects.filter(
            pk=document.reuse_document_id, reusable=True, dossier__applicant_id_number=dossier.applicant_id_number
        ).first()
        if source is None:
            raise DomainError(
                DossierErrorCode.REUSE_NOT_ALLOWED,
                _("That earlier document cannot be reused for this applicant."),
                fields={"documents": _("Not reusable.")},
            )
        row.source_document = source
        row.file = source.file
        row.content_type, row.size, row.sha256, row.digitized = source.content_type, source.size, source.sha256, True
    elif document.content is not None:
        row.content_type = content_type or ""
        row.size = len(document.content)
        row.sha256 = hashlib.sha256(document.content).hexdigest()
        row.digitized = True
        row.reusable = True
        extension = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}.get(row.content_type, "bin")
        row.file.save(f"{dossier.code}-{position:02d}.{extension}", ContentFile(document.content), save=False)
    row.save()
    return row
