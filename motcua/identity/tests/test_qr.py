from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from motcua.identity.choices import Sex
from motcua.identity.exceptions import CardError, IdentityErrorCode
from motcua.identity.qr import RENEWAL_AGES, card_expiry, card_is_expired, card_qr_parse
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
        # Issued at 12y2m, within 2 years before 14: valid to 25 (was 14 before the Art. 21(2) fix).
        (dt.date(2012, 5, 1), dt.date(2024, 7, 1), dt.date(2037, 5, 1)),
        (dt.date(2000, 5, 1), dt.date(2021, 7, 1), dt.date(2025, 5, 1)),
        (dt.date(1985, 6, 15), dt.date(2025, 7, 1), dt.date(2045, 6, 15)),
        (dt.date(1960, 2, 29), dt.date(2021, 7, 1), None),
        (dt.date(1984, 2, 29), dt.date(2021, 7, 1), dt.date(2024, 2, 29)),
    ],
)
def test_card_expiry_is_the_next_renewal_birthday(birth: dt.date, issued: dt.date, expiry: dt.date | None) -> None:
    """RULES.md §6.2 (Law on Identity 26/2023 Art. 21)."""
    assert card_expiry(birth, issued) == expiry


def test_rules_example_card_issued_within_two_years_before_25_is_valid_to_40() -> None:
    """RULES.md §6.2, Art. 21(2): born 15/06/2000, issued 01/06/2024 → valid to 15/06/2040, not 2025."""
    assert card_expiry(dt.date(2000, 6, 15), dt.date(2024, 6, 1)) == dt.date(2040, 6, 15)


@pytest.mark.parametrize(
    ("issued", "expiry"),
    [
        (dt.date(2023, 6, 14), dt.date(2025, 6, 15)),  # one day more than 2 years before 25
        (dt.date(2023, 6, 15), dt.date(2040, 6, 15)),  # exactly 2 years before 25 (the 23rd birthday)
        (dt.date(2025, 6, 14), dt.date(2040, 6, 15)),  # the day before the 25th birthday
        (dt.date(2025, 6, 15), dt.date(2040, 6, 15)),  # on the 25th birthday: the 25–39 band
        (dt.date(2038, 6, 14), dt.date(2040, 6, 15)),  # one day more than 2 years before 40
        (dt.date(2038, 6, 15), dt.date(2060, 6, 15)),  # exactly 2 years before 40
        (dt.date(2058, 6, 14), dt.date(2060, 6, 15)),  # one day more than 2 years before 60
        (dt.date(2058, 6, 15), None),  # exactly 2 years before 60: no expiry
        (dt.date(2060, 6, 15), None),  # from 60: no expiry
    ],
)
def test_card_expiry_boundaries_exactly_two_years_before_a_renewal_age(issued: dt.date, expiry: dt.date | None) -> None:
    """RULES.md §6.2, Art. 21(2): "within 2 years before" runs from the birthday 2 years before
    the renewal age, inclusive, to the day before it."""
    assert card_expiry(dt.date(2000, 6, 15), issued) == expiry


def test_card_issued_at_58_never_expires() -> None:
    """RULES.md §6.2: issued at 58 (within 2 years before 60), the next renewal age does not exist."""
    assert card_expiry(dt.date(1966, 3, 10), dt.date(2024, 9, 1)) is None


@pytest.mark.parametrize(
    ("issued", "expiry"),
    [
        (dt.date(2024, 9, 1), dt.date(2030, 3, 10)),  # issued at 8: valid to 14
        (dt.date(2028, 3, 9), dt.date(2030, 3, 10)),  # the day before the 12th birthday: still to 14
        (dt.date(2028, 3, 10), dt.date(2041, 3, 10)),  # on the 12th birthday: within 2 years before 14, to 25
        (dt.date(2030, 3, 9), dt.date(2041, 3, 10)),  # the day before 14: to 25
    ],
)
def test_under_14_card_expires_at_14_unless_issued_within_two_years_before_it(issued: dt.date, expiry: dt.date) -> None:
    """RULES.md §6.2: renewal at 14 (Art. 21(1)); Art. 21(2) applies to 14 like the other ages."""
    assert card_expiry(dt.date(2016, 3, 10), issued) == expiry


@pytest.mark.parametrize(
    ("today", "expired"),
    [(dt.date(2025, 6, 14), False), (dt.date(2025, 6, 15), False), (dt.date(2025, 6, 16), True)],
)
def test_card_is_valid_through_its_expiry_date_and_expired_the_day_after(today: dt.date, expired: bool) -> None:
    """RULES.md §6.2: the card "có giá trị đến" its expiry date."""
    assert card_is_expired(dt.date(2025, 6, 15), today=today) is expired


def test_card_without_expiry_is_never_expired() -> None:
    """RULES.md §6.2: from 60 no expiry."""
    assert card_is_expired(None, today=dt.date(2099, 1, 1)) is False


@settings(max_examples=500)
@given(
    st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 12, 31)),
    st.integers(min_value=0, max_value=110 * 366),
)
def test_expiry_is_always_a_renewal_birthday_after_the_issue_date_or_none(birth: dt.date, days_after_birth: int) -> None:
    """RULES.md §6.2: the expiry is the 14th, 25th, 40th or 60th birthday, after the issue date; it is
    the first such birthday unless the card was issued within 2 years before it (then the next),
    and there is none exactly when the card was issued from the 58th birthday on."""
    issued = birth + dt.timedelta(days=days_after_birth)
    expiry = card_expiry(birth, issued)

    birthdays = [_birthday(birth, age) for age in RENEWAL_AGES]
    assert (expiry is None) == (issued >= _birthday(birth, 58))
    if expiry is not None:
        assert expiry in birthdays
        assert expiry > issued
        later = [b for b in birthdays if b > issued]
        skipped = issued >= _birthday(birth, RENEWAL_AGES[birthdays.index(later[0])] - 2)
        assert expiry == (later[1] if skipped else later[0])


def _birthday(birth: dt.date, age: int) -> dt.date:
    try:
        return birth.replace(year=birth.year + age)
    except ValueError:
        return birth.replace(year=birth.year + age, day=28)


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
