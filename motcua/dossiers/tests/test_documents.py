"""Issue 10 item 1: staff open a dossier's scans through a scoped, audited endpoint (page and API);
/media/ never serves them, and a refusal reads and writes nothing."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth.models import User
from django.test import Client
from PIL import Image
from pypdf import PdfWriter

from motcua.core.apikeys import apikey_create
from motcua.core.choices import AgencyKind, Role
from motcua.core.models import AuditEvent
from motcua.dossiers.models import Document, Dossier
from motcua.dossiers.services import DocumentInput, dossier_receive
from motcua.dossiers.tests.factories import commune_agencies, intake, procedure, staff

pytestmark = pytest.mark.django_db


def png(width: int = 40, height: int = 30) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (200, 30, 30)).save(out, format="PNG")
    return out.getvalue()


def real_pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.fixture
def officer(units: None) -> User:
    procedure()
    commune_agencies()
    return staff("officer", Role.RECEPTION_OFFICER)


@pytest.fixture
def dossier(officer: User) -> Dossier:
    documents = [
        DocumentInput(name="Giấy chứng sinh", content=png(), filename="chung-sinh.png"),
        DocumentInput(name="Tờ khai đăng ký khai sinh", content=real_pdf(), filename="to-khai.pdf"),
        DocumentInput(name="Giấy tờ chỉ xuất trình"),
    ]
    return dossier_receive(actor=officer, intake=intake(documents=documents)).dossier


def _docs(dossier: Dossier) -> tuple[Document, Document, Document]:
    image, pdf, paper = dossier.documents.order_by("position", "id")
    return image, pdf, paper


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _reads() -> list[tuple[str, str]]:
    return [(e.action, e.object_id) for e in AuditEvent.objects.filter(action__startswith="document.").order_by("id")]


def test_the_viewer_shows_an_image_inline_with_the_next_document(officer: User, dossier: Dossier) -> None:
    image, pdf, _paper = _docs(dossier)

    response = _client(officer).get(f"/ho-so/{dossier.code}/giay-to/{image.pk}/")

    assert response.status_code == 200
    body = response.content.decode()
    assert f'src="/ho-so/{dossier.code}/giay-to/{image.pk}/tep"' in body
    assert 'alt="Giấy chứng sinh"' in body
    assert f'href="/ho-so/{dossier.code}/giay-to/{pdf.pk}/"' in body  # the next scanned document
    assert _reads() == []  # the page is metadata; the embedded file is the audited read


def test_the_scan_is_streamed_inline_with_private_headers_and_one_audit_row(officer: User, dossier: Dossier) -> None:
    _image, pdf, _paper = _docs(dossier)

    response = _client(officer).get(f"/ho-so/{dossier.code}/giay-to/{pdf.pk}/tep")

    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")  # type: ignore[attr-defined]  # FileResponse
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline")
    assert response["Cache-Control"] == "private, no-store"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    assert "frame-ancestors 'self'" in response["Content-Security-Policy"]
    assert _reads() == [("document.view", str(pdf.pk))]
    assert AuditEvent.objects.get(action="document.view").data["dossier"] == dossier.code


def test_a_download_is_an_attachment_audited_as_a_download(officer: User, dossier: Dossier) -> None:
    image, _pdf, _paper = _docs(dossier)

    response = _client(officer).get(f"/ho-so/{dossier.code}/giay-to/{image.pk}/tep?tai-ve=1")

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert response["Content-Type"] == "image/png"
    assert _reads() == [("document.download", str(image.pk))]


def test_a_document_without_a_scan_is_not_found_and_not_audited(officer: User, dossier: Dossier) -> None:
    _image, _pdf, paper = _docs(dossier)
    client = _client(officer)

    assert client.get(f"/ho-so/{dossier.code}/giay-to/{paper.pk}/").status_code == 404
    assert client.get(f"/ho-so/{dossier.code}/giay-to/{paper.pk}/tep").status_code == 404
    assert client.get(f"/ho-so/{dossier.code}/giay-to/999999/tep").status_code == 404
    assert _reads() == []


def test_the_dossier_page_links_each_scan_and_says_which_are_not_scanned(officer: User, dossier: Dossier) -> None:
    image, _pdf, _paper = _docs(dossier)

    body = _client(officer).get(f"/ho-so/{dossier.code}/").content.decode()

    assert f'href="/ho-so/{dossier.code}/giay-to/{image.pk}/"' in body
    assert f'href="/ho-so/{dossier.code}/giay-to/{image.pk}/tep?tai-ve=1"' in body
    assert "chưa có bản quét" in body or "not scanned" in body


def test_another_commune_a_role_without_the_permission_and_anonymous_are_refused(officer: User, dossier: Dossier) -> None:
    image, _pdf, _paper = _docs(dossier)
    other = staff("bystander", Role.LEADER, code="32212", kind=AgencyKind.PEOPLES_COMMITTEE)
    no_perm = staff("data", Role.DATA_OFFICER)
    page, file = f"/ho-so/{dossier.code}/giay-to/{image.pk}/", f"/ho-so/{dossier.code}/giay-to/{image.pk}/tep"
    audit_rows = AuditEvent.objects.count()

    assert _client(other).get(page).status_code == 404
    assert _client(other).get(file).status_code == 404
    assert _client(no_perm).get(page).status_code == 403
    assert _client(no_perm).get(file).status_code == 403
    assert Client().get(file).status_code == 302  # to the login page
    assert Client().get(f"/media/{image.file.name}").status_code == 404
    assert _reads() == []
    assert AuditEvent.objects.filter(action__startswith="document.").count() == 0
    assert AuditEvent.objects.count() >= audit_rows


def test_the_api_lists_documents_and_serves_the_content_audited(officer: User, dossier: Dossier) -> None:
    image, _pdf, paper = _docs(dossier)
    _row, key = apikey_create(user=officer)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {key}"}

    listing = Client().get(f"/api/v1/dossiers/{dossier.code}/documents", **auth)  # type: ignore[arg-type]
    content = Client().get(f"/api/v1/dossiers/{dossier.code}/documents/{image.pk}/content", **auth)  # type: ignore[arg-type]

    assert listing.status_code == 200
    rows = {row["id"]: row for row in listing.json()}
    assert rows[image.pk]["scanned"] is True
    assert rows[image.pk]["content_type"] == "image/png"
    assert rows[image.pk]["url"] == f"/api/v1/dossiers/{dossier.code}/documents/{image.pk}/content"
    assert rows[paper.pk]["scanned"] is False and rows[paper.pk]["url"] is None
    assert content.status_code == 200
    assert b"".join(content.streaming_content) == image.file.open("rb").read()  # type: ignore[attr-defined]  # FileResponse
    assert content["Content-Security-Policy"].startswith("default-src 'none'")  # the scan policy, by view name
    assert _reads() == [("document.download", str(image.pk))]


def test_the_api_refuses_another_commune_and_anonymous(officer: User, dossier: Dossier) -> None:
    image, _pdf, _paper = _docs(dossier)
    other = staff("bystander", Role.LEADER, code="32212", kind=AgencyKind.PEOPLES_COMMITTEE)
    _row, key = apikey_create(user=other)
    url = f"/api/v1/dossiers/{dossier.code}/documents/{image.pk}/content"

    assert Client().get(url, HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 404
    assert Client().get(url).status_code == 401
    assert _reads() == []


def test_the_api_refuses_a_role_without_the_permission_and_reads_nothing(officer: User, dossier: Dossier) -> None:
    image, _pdf, _paper = _docs(dossier)
    _row, key = apikey_create(user=staff("data", Role.DATA_OFFICER))
    auth = {"HTTP_AUTHORIZATION": f"Bearer {key}"}

    listing = Client().get(f"/api/v1/dossiers/{dossier.code}/documents", **auth)  # type: ignore[arg-type]
    content = Client().get(f"/api/v1/dossiers/{dossier.code}/documents/{image.pk}/content", **auth)  # type: ignore[arg-type]

    assert (listing.status_code, content.status_code) == (403, 403)
    assert _reads() == []
