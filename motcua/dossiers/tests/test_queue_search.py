"""The queue search: over the user's whole scope, not the tab (issue 10 item 4)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import User
from django.test import Client

from motcua.core.choices import AgencyKind, Role
from motcua.dossiers.choices import ApplicantKind, DossierAction
from motcua.dossiers.models import Dossier
from motcua.dossiers.selectors import dossier_search
from motcua.dossiers.services import ActionInput, dossier_act, dossier_receive
from motcua.dossiers.services.inputs import ApplicantInput
from motcua.dossiers.tests.factories import PERSONAL_ID, commune_agencies, intake, procedure, staff

pytestmark = pytest.mark.django_db
VN = ZoneInfo("Asia/Ho_Chi_Minh")
NOW = dt.datetime(2026, 3, 2, 10, 0, tzinfo=VN)


@pytest.fixture
def officer() -> User:
    procedure()
    commune_agencies()
    return staff("officer", Role.RECEPTION_OFFICER)


def _receive(officer: User, name: str = "Nguyễn Văn Bình") -> Dossier:
    applicant = ApplicantInput(
        kind=ApplicantKind.PERSON, name=name, id_number=PERSONAL_ID, phone="0912345678", address="Ấp Cái Đôi"
    )
    return dossier_receive(actor=officer, intake=intake(applicant=applicant), now=NOW).dossier


def _found(user: User, q: str) -> set[str]:
    return set(dossier_search(user=user, q=q).values_list("code", flat=True))


def test_intake_stores_the_folded_applicant_name(officer: User) -> None:
    dossier = _receive(officer, name="Đặng  Thị Ánh")

    assert Dossier.objects.get(pk=dossier.pk).applicant_name_folded == "dang thi anh"


def test_name_without_diacritics_finds_the_dossier(officer: User) -> None:
    dossier = _receive(officer)

    assert _found(officer, "Nguyen Van Binh") == {dossier.code}
    assert _found(officer, "binh nguyen") == {dossier.code}
    assert _found(officer, "Nguyen Van Chau") == set()


def test_code_matches_ignoring_case_and_spaces(officer: User) -> None:
    dossier = _receive(officer)
    typed = f" {dossier.code.lower()[:6]} {dossier.code.lower()[6:]} "

    assert _found(officer, typed) == {dossier.code}


def test_personal_id_and_phone_find_the_dossier(officer: User) -> None:
    dossier = _receive(officer)

    assert _found(officer, PERSONAL_ID) == {dossier.code}
    assert _found(officer, "0912345678") == {dossier.code}


def test_search_finds_a_closed_dossier_off_every_tab(officer: User) -> None:
    dossier = _receive(officer)
    dossier_act(actor=officer, code=dossier.code, action=DossierAction.STOP, data=ActionInput(reason="Người nộp xin dừng"))

    assert _found(officer, dossier.code) == {dossier.code}


def test_another_units_dossiers_never_appear(officer: User) -> None:
    dossier = _receive(officer)
    commune_agencies("32212")
    stranger = staff("spec-caidoivam", Role.SPECIALIST, code="32212", kind=AgencyKind.PEOPLES_COMMITTEE)

    assert _found(stranger, dossier.code) == set()
    assert _found(stranger, "Nguyen Van Binh") == set()


def test_queue_page_search_ignores_the_current_tab(officer: User, client: Client) -> None:
    dossier = _receive(officer)
    colleague = staff("colleague", Role.RECEPTION_OFFICER)
    client.force_login(colleague)

    html = client.get("/ho-so/", {"view": "mine", "q": "nguyen van binh"}).content.decode()

    assert dossier.code in html


def test_the_api_search_finds_what_the_page_finds_a_stopped_dossier_too(officer: User, client: Client) -> None:
    """The API's ``q`` searched only the open queue; it now looks over the whole "view" scope."""
    dossier = _receive(officer)
    dossier_act(actor=officer, code=dossier.code, action=DossierAction.STOP, data=ActionInput(reason="Người nộp xin dừng"))
    client.force_login(officer)

    body = client.get("/api/v1/dossiers", {"q": "nguyen van binh"}).json()
    page = client.get("/ho-so/", {"q": "nguyen van binh"}).content.decode()

    assert [item["code"] for item in body["items"]] == [dossier.code]
    assert dossier.code in page
