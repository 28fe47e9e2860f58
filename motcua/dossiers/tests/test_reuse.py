"""A recognised citizen at the counter: earlier dossiers, reusable documents, pre-filled intake,
and reused documents marked on the new dossier (issue: citizen identification, item 4)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from motcua.core.choices import Role
from motcua.dossiers.choices import ApplicantKind
from motcua.dossiers.models import Document, Dossier
from motcua.dossiers.services import dossier_receive
from motcua.dossiers.tests.factories import PERSONAL_ID, commune_agencies, intake, procedure, staff
from motcua.identity.links import citizen_link
from motcua.identity.models import Citizen

pytestmark = pytest.mark.django_db


@pytest.fixture
def citizen() -> Citizen:
    return Citizen.objects.create(
        personal_id=PERSONAL_ID, full_name="Nguyễn Văn An", birth_date=dt.date(1985, 6, 15), sex="male", phone="0912345678"
    )


def test_counter_intake_is_prefilled_and_offers_earlier_documents(client: Client, citizen: Citizen) -> None:
    procedure()
    commune_agencies()
    officer = staff("officer", Role.RECEPTION_OFFICER)
    earlier = dossier_receive(actor=officer, intake=intake()).dossier
    client.force_login(officer)

    html = client.get(f"/ho-so/tiep-nhan/?citizen={citizen_link(user=officer, citizen=citizen)}").content.decode()

    assert 'value="Nguyễn Văn An"' in html
    assert f'value="{PERSONAL_ID}"' in html
    assert earlier.code in html
    document = earlier.documents.get()
    assert f'name="reuse" value="{document.pk}"' in html


def test_reused_document_is_marked_on_the_new_dossier(client: Client, citizen: Citizen) -> None:
    procedure()
    commune_agencies()
    officer = staff("officer", Role.RECEPTION_OFFICER)
    earlier_doc = dossier_receive(actor=officer, intake=intake()).dossier.documents.get()
    client.force_login(officer)

    response = client.post(
        f"/ho-so/tiep-nhan/?citizen={citizen_link(user=officer, citizen=citizen)}",
        {
            "procedure_code": "1.001193",
            "applicant_kind": "person",
            "applicant_name": "Nguyễn Văn An",
            "applicant_id_number": PERSONAL_ID,
            "channel": "in_person",
            "sets_count": "1",
            "fee_amount": "0",
            "idempotency_key": "reuse-1",
            "reuse": [str(earlier_doc.pk)],
            f"reuse_name_{earlier_doc.pk}": earlier_doc.name,
        },
    )

    assert response.status_code == 302
    new = Dossier.objects.get(idempotency_key="reuse-1")
    reused = new.documents.get()
    assert reused.source_document_id == earlier_doc.pk and reused.reused and reused.digitized


def test_someone_elses_document_cannot_be_reused(citizen: Citizen) -> None:
    from motcua.core.exceptions import DomainError
    from motcua.dossiers.services import ApplicantInput, DocumentInput

    procedure()
    commune_agencies()
    officer = staff("officer", Role.RECEPTION_OFFICER)
    other_doc = dossier_receive(
        actor=officer,
        intake=intake(applicant=ApplicantInput(kind=ApplicantKind.PERSON, name="Trần Thị Bình", id_number="096302731506")),
    ).dossier.documents.get()

    with pytest.raises(DomainError) as excinfo:
        dossier_receive(actor=officer, intake=intake(documents=[DocumentInput(name="x", reuse_document_id=other_doc.pk)]))

    assert excinfo.value.code == "reuse_not_allowed"
    assert Document.objects.filter(source_document=other_doc).count() == 0
