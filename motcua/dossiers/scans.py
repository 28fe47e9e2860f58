"""The HTTP response of a document's scan, shared by the staff pages and the API.

The scan is personal data: streamed from the storage (never a ``/media/`` URL), never cached
(``private, no-store``), never sniffed into another type, framed only by this origin (the
viewer page: its Content-Security-Policy and X-Frame-Options are set in ``core.middleware``
by view name, ``SCAN_VIEWS``).
"""

from __future__ import annotations

from django.http import FileResponse

from motcua.dossiers.selectors import DocumentContent


def document_response(content: DocumentContent) -> FileResponse:
    response = FileResponse(
        content.file, as_attachment=not content.inline, filename=content.filename, content_type=content.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
