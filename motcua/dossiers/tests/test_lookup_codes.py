"""Codes typed by a citizen or an officer are matched ignoring case, spaces and dash variants,
through one normaliser (issue 10 item 8): the public look-up page, its API, the queue search and
the staff API's ``/dossiers/{code}``. And the look-up opened from the receipt's QR code shows no
error."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from django.test import Client

from motcua.core.choices import Role
from motcua.dossiers.models import Dossier
from motcua.dossiers.numbering import code_filter, normalise_code
from motcua.dossiers.selectors import dossier_lookup, dossier_search
from motcua.dossiers.services import dossier_receive
from motcua.dossiers.slips import lookup_url
from motcua.dossiers.tests.factories import commune_agencies, intake, procedure, staff

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_throttle() -> None:
    cache.clear()


@pytest.fixture
def officer() -> User:
    procedure()
    commune_agencies()
    return staff("officer", Role.RECEPTION_OFFICER)


@pytest.fixture
def dossier(officer: User) -> Dossier:
    return dossier_receive(actor=officer, intake=intake()).dossier


def _sloppy(code: str) -> str:
    """The code as a citizen might type it on a phone: lower case, spaces around and inside."""
    identifier, day, serial = code.rsplit("-", 2)
    return f"  {identifier.lower()} - {day} -{serial} "


# --- normalise_code ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("000.00.00.h12-260301-0001", "000.00.00.H12-260301-0001"),
        (" 000.00.00.H12 - 260301 - 0001 ", "000.00.00.H12-260301-0001"),
        ("000.00.00.H12\u2013260301\u20110001", "000.00.00.H12-260301-0001"),
        ("０００.００.００.Ｈ１２-260301-0001", "000.00.00.H12-260301-0001"),
        ("tn-260301-000012", "TN-260301-000012"),
        ("\t", ""),
    ],
)
def test_normalise_code_ignores_case_spaces_and_dash_variants(typed: str, stored: str) -> None:
    assert normalise_code(typed) == stored


def test_code_filter_matches_the_stored_code_as_typed_sloppily(dossier: Dossier) -> None:
    assert Dossier.objects.filter(code_filter(_sloppy(dossier.code))).get() == dossier


# --- the look-up ---------------------------------------------------------------------------


def test_lookup_selector_finds_a_lower_case_code_with_spaces(dossier: Dossier) -> None:
    assert dossier_lookup(code=_sloppy(dossier.code), check="4217").pk == dossier.pk


def test_lookup_page_finds_a_lower_case_code_with_spaces(client: Client, dossier: Dossier) -> None:
    response = client.get("/tra-cuu/", {"code": _sloppy(dossier.code), "check": "4217"})

    assert response.status_code == 200
    assert f"<h2>{dossier.code}</h2>" in response.content.decode()


def test_lookup_api_finds_a_lower_case_code(client: Client, dossier: Dossier) -> None:
    response = client.get(f"/api/v1/lookup/{dossier.code.lower()}", {"check": "4217"})

    assert response.status_code == 200
    assert response.json()["code"] == dossier.code


def test_lookup_with_a_sloppy_code_and_wrong_check_is_still_not_found(client: Client, dossier: Dossier) -> None:
    response = client.get("/tra-cuu/", {"code": _sloppy(dossier.code), "check": "0000"})

    assert response.status_code == 404


def test_submission_reference_in_lower_case_finds_the_online_dossier(officer: User) -> None:
    submitted = dossier_receive(actor=officer, intake=intake(), online=True).dossier

    assert dossier_lookup(code=submitted.submission_ref.lower(), check="4217").pk == submitted.pk


# --- the receipt's QR code -----------------------------------------------------------------


def test_lookup_opened_from_the_receipts_qr_shows_no_error(client: Client, dossier: Dossier) -> None:
    parts = urlsplit(lookup_url(dossier.code))

    response = client.get(f"{parts.path}?{parts.query}")

    html = response.content.decode()
    assert response.status_code == 200
    assert "Trường này là bắt buộc" not in html
    assert "errorlist" not in html and "error-summary" not in html
    assert f'value="{dossier.code}"' in html


def test_lookup_opened_from_the_qr_puts_the_focus_on_the_check_digits(client: Client, dossier: Dossier) -> None:
    html = client.get("/tra-cuu/", {"code": dossier.code}).content.decode()

    check = html[html.index('name="check"') - 200 : html.index('name="check"') + 200]
    assert "autofocus" in check


def test_lookup_submitted_without_check_digits_says_what_is_missing(client: Client, dossier: Dossier) -> None:
    html = client.get("/tra-cuu/", {"code": dossier.code, "check": ""}).content.decode()

    assert "Trường này là bắt buộc" in html


# --- the staff side: queue search and API paths --------------------------------------------


def test_queue_search_finds_a_code_typed_with_an_en_dash(officer: User, dossier: Dossier) -> None:
    typed = dossier.code.lower().replace("-", "\u2013")

    assert list(dossier_search(user=officer, q=typed).values_list("code", flat=True)) == [dossier.code]


def test_staff_api_finds_the_dossier_by_a_lower_case_code(client: Client, officer: User, dossier: Dossier) -> None:
    client.force_login(officer)

    response = client.get(f"/api/v1/dossiers/{dossier.code.lower()}")

    assert response.status_code == 200
    assert response.json()["code"] == dossier.code
