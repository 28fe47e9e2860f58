from __future__ import annotations

import contextlib
import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pytest_django import Settings

from motcua.identity.choices import Sex
from motcua.identity.exceptions import CardError, IdentityErrorCode
from motcua.identity.personal_id import PROVINCE_CODES, personal_id_check, personal_id_parse
from motcua.identity.tests.factories import personal_id_for


@pytest.mark.parametrize(
    ("number", "place", "sex", "year"),
    [
        ("096085004217", "096", Sex.MALE, 1985),
        ("096302731506", "096", Sex.FEMALE, 2002),
        ("079199000318", "079", Sex.FEMALE, 1999),
    ],
)
def test_rules_examples_read_as_documented(number: str, place: str, sex: Sex, year: int) -> None:
    info = personal_id_parse(number)

    assert (info.place_code, info.sex, info.birth_year) == (place, sex, year)


@pytest.mark.parametrize(
    "number", ["", "09608500421", "0960850042170", "09608500421a", " 96085004217", "０９６０８５００４２１７"]
)
def test_anything_but_twelve_ascii_digits_is_refused(number: str) -> None:
    with pytest.raises(CardError) as caught:
        personal_id_parse(number)

    assert caught.value.code == IdentityErrorCode.PERSONAL_ID_FORMAT


def test_unknown_province_code_is_refused() -> None:
    with pytest.raises(CardError) as caught:
        personal_id_parse("003085004217")

    assert caught.value.code == IdentityErrorCode.PERSONAL_ID_PLACE


def test_extra_place_codes_come_from_settings(settings: Settings) -> None:
    settings.MOTCUA_ID_EXTRA_PLACE_CODES = ["704"]

    assert personal_id_parse("704085004217").place_code == "704"


def test_sex_digit_must_match_the_sex_given() -> None:
    with pytest.raises(CardError) as caught:
        personal_id_check("096085004217", sex=Sex.FEMALE)

    assert caught.value.code == IdentityErrorCode.PERSONAL_ID_SEX


def test_birth_year_must_match_the_birth_date() -> None:
    with pytest.raises(CardError) as caught:
        personal_id_check("096085004217", birth_date=dt.date(1986, 1, 1))

    assert caught.value.code == IdentityErrorCode.PERSONAL_ID_YEAR


@given(
    place=st.sampled_from(sorted(PROVINCE_CODES)),
    sex=st.sampled_from(list(Sex)),
    year=st.integers(min_value=1900, max_value=2399),
    serial=st.integers(min_value=0, max_value=999_999),
)
def test_every_well_formed_id_reads_back_its_parts(place: str, sex: Sex, year: int, serial: int) -> None:
    number = personal_id_for(sex=sex, birth_year=year, place="0" + place, serial=serial)

    info = personal_id_check(number, sex=sex, birth_date=dt.date(year, 1, 1))

    assert (info.place_code, info.sex, info.birth_year) == ("0" + place, sex, year)


@given(st.text(max_size=20))
def test_validator_only_ever_raises_its_own_error(number: str) -> None:
    with contextlib.suppress(CardError):
        personal_id_parse(number)
