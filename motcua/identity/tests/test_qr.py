from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from motcua.identity.choices import Sex
from motcua.identity.exceptions import CardError, IdentityErrorCode
from motcua.identity.qr import card_expiry, card_qr_parse
from motcua.identity.tests.factories import card_payload

TODAY = dt.date(2026, 11, 28)
EXAMPLE = "096085004217||NGUYỄN VĂN AN|15061985|Nam|Ấp Cái Đôi, Xã Cái Đôi Vàm, Tỉnh Cà Mau|01072025"


def test_rules_example_parses_into_structured_data() -> None:
    card = card_qr_parse(EXAMPLE, today=TODAY)

    assert card.as_dict() == {
        "personal_id": "096085004217",
        "old_id": None,
        "full_name": "Nguyễn Văn An",
        "birth_date": "1985-06-15",
        "sex": "male",
        "address": "Ấp Cái Đôi, Xã Cái Đôi Vàm, Tỉnh Cà Mau",
        "address_parts": ["Ấp Cái Đôi", "Xã Cái Đôi Vàm", "Tỉnh Cà Mau"],
        "address_has_district": False,
        "issue_date": "2025-07-01",
        "expiry_date": "2045-06-15",
    }


def test_seven_fields_with_old_id() -> None:
    card = card_qr_parse(card_payload(old_id="381234567"), today=TODAY)

    assert card.old_id == "381234567"


def test_six_fields_without_old_id_field() -> None:
    payload = "096302731506|Lê Thị Hoa|20052002|Nữ|Khóm 1, Phường An Xuyên, Tỉnh Cà Mau|19032026"

    card = card_qr_parse(payload, today=TODAY)

    assert (card.personal_id, card.old_id, card.full_name, card.sex, card.issue_date) == (
        "096302731506",
        None,
        "Lê Thị Hoa",
        Sex.FEMALE,
        dt.date(2026, 3, 19),
    )


def test_extra_empty_trailing_fields_are_ignored() -> None:
    card = card_qr_parse(EXAMPLE + "||||", today=TODAY)

    assert card.issue_date == dt.date(2025, 7, 1)


def test_non_empty_extra_field_is_refused() -> None:
    with pytest.raises(CardError) as caught:
        card_qr_parse(EXAMPLE + "|X", today=TODAY)

    assert caught.value.code == IdentityErrorCode.QR_EXTRA


def test_full_width_digits_and_scanner_noise_are_normalised() -> None:
    noisy = "\ufeff０９６０８５００４２１７" + EXAMPLE[12:].replace("|Nam|", "|Nam\x00|") + "\r\n\x00"

    card = card_qr_parse(noisy, today=TODAY)

    assert (card.personal_id, card.sex, card.issue_date) == ("096085004217", Sex.MALE, dt.date(2025, 7, 1))


def test_mixed_case_name_is_kept_as_written() -> None:
    assert card_qr_parse(card_payload(name="Nguyễn văn An"), today=TODAY).full_name == "Nguyễn văn An"


def test_pre_reform_address_is_flagged_as_having_a_district() -> None:
    payload = card_payload(address="Ấp Cái Đôi, Xã Phú Tân, Huyện Phú Tân, Tỉnh Cà Mau", issued="01032021")

    assert card_qr_parse(payload, today=TODAY).address_has_district is True


@pytest.mark.parametrize(
    ("payload", "code"),
    [
        ("", IdentityErrorCode.QR_EMPTY),
        ("\r\n\x00", IdentityErrorCode.QR_EMPTY),
        ("096085004217|NGUYỄN VĂN AN", IdentityErrorCode.QR_LAYOUT),
        ("x" * 5000, IdentityErrorCode.QR_TOO_LONG),
        (card_payload(personal_id="96085004217"), IdentityErrorCode.PERSONAL_ID_FORMAT),
        (card_payload(personal_id="003085004217"), IdentityErrorCode.PERSONAL_ID_PLACE),
        (card_payload(old_id="12345"), IdentityErrorCode.QR_OLD_ID),
        (card_payload(name="  "), IdentityErrorCode.QR_NAME),
        (card_payload(birth="1506198"), IdentityErrorCode.QR_BIRTH_DATE),
        (card_payload(birth="31021985"), IdentityErrorCode.QR_BIRTH_DATE),
        (card_payload(sex="M"), IdentityErrorCode.QR_SEX),
        (card_payload(sex="Nữ"), IdentityErrorCode.PERSONAL_ID_SEX),
        (card_payload(birth="15061986"), IdentityErrorCode.PERSONAL_ID_YEAR),
        (card_payload(issued="2025"), IdentityErrorCode.QR_ISSUE_DATE),
        (card_payload(issued="01011980"), IdentityErrorCode.QR_ISSUE_DATE),
        (card_payload(issued="01012027"), IdentityErrorCode.QR_ISSUE_DATE),
    ],
)
def test_each_defect_gets_its_precise_code(payload: str, code: IdentityErrorCode) -> None:
    with pytest.raises(CardError) as caught:
        card_qr_parse(payload, today=TODAY)

    assert caught.value.code == code


def test_error_message_is_translated_to_vietnamese() -> None:
    with pytest.raises(CardError) as caught:
        card_qr_parse(card_payload(sex="M"), today=TODAY)

    assert str(caught.value.message) == "Ô giới tính phải là “Nam” hoặc “Nữ”; thẻ ghi “M”."


@pytest.mark.parametrize(
    ("birth", "issued", "expiry"),
    [
        (dt.date(2012, 5, 1), dt.date(2024, 7, 1), dt.date(2026, 5, 1)),
        (dt.date(2000, 5, 1), dt.date(2021, 7, 1), dt.date(2025, 5, 1)),
        (dt.date(1985, 6, 15), dt.date(2025, 7, 1), dt.date(2045, 6, 15)),
        (dt.date(1960, 2, 29), dt.date(2021, 7, 1), None),
        (dt.date(1984, 2, 29), dt.date(2021, 7, 1), dt.date(2024, 2, 29)),
    ],
)
def test_card_expiry_is_the_next_renewal_birthday(birth: dt.date, issued: dt.date, expiry: dt.date | None) -> None:
    assert card_expiry(birth, issued) == expiry


@settings(max_examples=400)
@given(
    st.one_of(
        st.text(max_size=300),
        st.lists(st.text(alphabet=st.characters(codec="utf-8"), max_size=30), max_size=10).map("|".join),
        st.lists(st.sampled_from([*EXAMPLE.split("|"), "", "\x00", "\r", "０", "|", "Nữ", "29022000"]), max_size=12).map(
            "|".join
        ),
    )
)
def test_fuzzed_payloads_only_ever_raise_the_parser_error(payload: str) -> None:
    try:
        card = card_qr_parse(payload, today=TODAY)
    except CardError as exc:
        assert exc.code in set(IdentityErrorCode)
    else:
        assert len(card.personal_id) == 12
