"""What the clock changes say (RULES.md §1.6): one set of functions for the services and the
demo seeder (issue 9 item 14)."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from django.utils import translation

from motcua.dossiers import clock


def test_days_text_has_a_decimal_comma_and_no_trailing_zeros() -> None:
    assert clock.days_text(Decimal("5.00")) == "5"
    assert clock.days_text(Decimal("2.50")) == "2,5"
    assert clock.days_text(Fraction(1, 3)) == "0,33"
    assert clock.days_text(0) == "0"


def test_statutory_time_text_names_the_limit_and_the_procedure() -> None:
    with translation.override("vi"):
        assert (
            clock.statutory_time_text(code="1.001193", value=Decimal("5.00"), unit=clock.WORKING_DAY)
            == "Thời hạn giải quyết theo quy định: 5 ngày làm việc (thủ tục 1.001193)."
        )
        assert (
            clock.statutory_time_text(code="2.000779", value=Decimal("0.50"), unit=clock.CALENDAR_DAY)
            == "Thời hạn giải quyết theo quy định: 0,5 ngày (kể cả ngày nghỉ) (thủ tục 2.000779)."
        )


def test_same_day_time_text_has_no_number() -> None:
    """RULES.md §1.6: "trong ngày" is its own unit."""
    with translation.override("vi"):
        assert (
            clock.statutory_time_text(code="1.001193", value=Decimal("0"), unit=clock.SAME_DAY)
            == "Thời hạn giải quyết theo quy định: trong ngày (thủ tục 1.001193)."
        )


def test_resume_text_says_how_much_time_was_left() -> None:
    with translation.override("vi"):
        assert clock.resume_text(Fraction(5, 2)) == "Đã nhận bổ sung; còn lại 2,5 ngày làm việc."
    with translation.override("en"):
        assert clock.resume_text(Decimal("3")) == "Supplement received; 3 working days were left."


def test_the_service_and_the_seeder_write_the_same_start_reason(db: None) -> None:
    """Issue 9 item 14: the intake service uses ``clock.statutory_time_text`` as the seeder does
    (the service used to write "5.00 ngày làm việc")."""
    from motcua.dossiers.services.receipt import _procedure_time_text
    from motcua.dossiers.tests.factories import procedure

    with translation.override("vi"):
        text = _procedure_time_text(procedure())

    assert text == "Thời hạn giải quyết theo quy định: 5 ngày làm việc (thủ tục 1.001193)."
