"""Golden tests of indicator 2.1 (and 2.2, 5.4) on hand-built dossiers, one RULES.md §1.6 case
each, computed for the first quarter of 2026 after it ended. Each test names its paragraph."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.utils import translation

from motcua.core.exceptions import DomainError
from motcua.core.periods import parse_period
from motcua.core.selectors import unit_get
from motcua.dossiers.choices import DossierAction
from motcua.dossiers.services import ActionInput, dossier_act
from motcua.indices.choices import Part, Status
from motcua.indices.selectors import indicator_items, service_index
from motcua.indices.tests.builders import COMMUNE, at, decide, receive, request_supplement, setup_commune, stop, supplement

pytestmark = pytest.mark.django_db
Q1 = parse_period("2026-Q1")
AFTER = at("2026-05-04")


@pytest.fixture
def people() -> tuple[User, User]:
    return setup_commune()


def _21(now: dt.datetime = AFTER) -> tuple[object, object, object]:
    result = service_index(unit=unit_get(code=COMMUNE), period=Q1, now=now).indicator("2.1")
    return result.numerator, result.denominator, result.status


def _reason(code: str, now: dt.datetime = AFTER) -> str:
    from motcua.indices.tests.test_items import reader

    with translation.override("en"):
        items = indicator_items(user=reader(), unit=unit_get(code=COMMUNE), period=Q1, code="2.1", part=Part.DENOMINATOR, now=now)
    return next(i.reason for i in items.items if i.code == code)


def test_no_dossier_is_no_data_never_zero(people: tuple[User, User]) -> None:
    """RULES.md §2.2 shared conventions: a zero denominator shows N/A (here: "no data", no points)."""
    result = service_index(unit=unit_get(code=COMMUNE), period=Q1, now=AFTER).indicator("2.1")

    assert (result.status, result.points, result.rate) == (Status.NO_DATA, None, None)


def test_early_counts_on_time(people: tuple[User, User]) -> None:
    """RULES.md §1.6 Classification: end of processing ≤ appointment (decided two days early)."""
    officer, leader = people
    dossier = decide(officer, leader, receive(officer, at("2026-03-02")), at("2026-03-05"))

    assert dossier.timeliness == "early"
    assert _21() == (1, 1, Status.OK)
    assert "09/03/2026 17:00" in _reason(dossier.code)


def test_on_time_on_the_appointment_day(people: tuple[User, User]) -> None:
    """RULES.md §1.6 Classification: on time when end ≤ NgayHenTra (09/03 17:00)."""
    officer, leader = people
    decide(officer, leader, receive(officer, at("2026-03-02")), at("2026-03-09", "16:00"))

    assert _21() == (1, 1, Status.OK)


def test_late_after_the_appointment(people: tuple[User, User]) -> None:
    """RULES.md §1.6 Classification: decided after the appointment is late."""
    officer, leader = people
    decide(officer, leader, receive(officer, at("2026-03-02")), at("2026-03-10"))

    index = service_index(unit=unit_get(code=COMMUNE), period=Q1, now=AFTER)

    assert (index.indicator("2.1").numerator, index.indicator("2.1").denominator) == (0, 1)
    assert index.indicator("2.1").points == Decimal("0.00")


def test_supplement_time_is_subtracted(people: tuple[User, User]) -> None:
    """RULES.md §1.6: subtract the citizen's supplement time; decided after the first
    appointment (09/03) but within the moved one (13/03 17:00)."""
    officer, leader = people
    dossier = receive(officer, at("2026-03-02"))
    request_supplement(officer, dossier, at("2026-03-05", "17:00"))
    supplement(officer, dossier, at("2026-03-12", "07:00"))
    decide(officer, leader, dossier, at("2026-03-13", "16:00"))

    assert _21() == (1, 1, Status.OK)
    assert "supplement time subtracted" in _reason(dossier.code)


def test_pending_supplement_is_judged_at_the_request(people: tuple[User, User]) -> None:
    """RULES.md §1.6: a dossier waiting for the applicant ends at the request (05/03, before the
    appointment): within time, even long after the appointment."""
    officer, _leader = people
    dossier = receive(officer, at("2026-03-02"))
    request_supplement(officer, dossier, at("2026-03-05"))

    assert _21() == (1, 1, Status.OK)
    assert "waiting for the applicant" in _reason(dossier.code)


def test_two_supplement_requests_pending_are_late(people: tuple[User, User]) -> None:
    """RULES.md §1.6: with only a supplement request as its end, two or more requests make the
    dossier overdue (§1.4 row 3b: the second needs a leader's recorded override)."""
    officer, leader = people
    dossier = receive(officer, at("2026-03-02"))
    request_supplement(officer, dossier, at("2026-03-03"))
    supplement(officer, dossier, at("2026-03-04"))
    request_supplement(leader, dossier, at("2026-03-05"), override=True, override_reason="Thiếu bản gốc")

    assert _21() == (0, 1, Status.OK)
    assert "2 requests: late" in _reason(dossier.code)


def test_stopped_while_pending_ends_at_the_request(people: tuple[User, User]) -> None:
    """RULES.md §1.6: stopped while a supplement is pending ends at the request (not at the stop,
    six weeks after the appointment): the citizen's waiting is never charged."""
    officer, _leader = people
    dossier = receive(officer, at("2026-03-02"))
    request_supplement(officer, dossier, at("2026-03-04"))
    stop(officer, dossier, at("2026-03-20"))

    assert _21() == (1, 1, Status.OK)
    assert "while a supplement was pending" in _reason(dossier.code)


def test_refused_while_pending_is_not_possible_after_receipt(people: tuple[User, User]) -> None:
    """RULES.md §1.4 row 2: refusal is an alternative to receipt, so a received dossier waiting
    for a supplement cannot be refused; the index never meets that case (only received dossiers
    count, §1.4 row 10)."""
    officer, _leader = people
    dossier = receive(officer, at("2026-03-02"))
    request_supplement(officer, dossier, at("2026-03-04"))

    with pytest.raises(DomainError):
        dossier_act(
            actor=officer, code=dossier.code, action=DossierAction.REFUSE, data=ActionInput(reason="x"), now=at("2026-03-20")
        )


def test_stopped_is_judged_at_the_stop(people: tuple[User, User]) -> None:
    """RULES.md §1.6: "Dừng xử lý" is an end of processing; stopped before the appointment."""
    officer, _leader = people
    stop(officer, receive(officer, at("2026-03-02")), at("2026-03-11"))

    assert _21() == (0, 1, Status.OK)


def test_open_dossier_is_judged_at_the_end_of_the_period(people: tuple[User, User]) -> None:
    """RULES.md §1.6: a dossier still open at the end of the period is judged at its last day:
    received 20/03 (due 27/03) is overdue on 01/04; received 30/03 (due 06/04) is within time."""
    officer, _leader = people
    receive(officer, at("2026-03-20"))
    receive(officer, at("2026-03-30"))

    assert _21() == (1, 2, Status.OK)


def test_open_dossier_during_the_period_is_judged_now(people: tuple[User, User]) -> None:
    """RULES.md §1.6: before the period ends, an open dossier is judged now (within time on 05/03)."""
    officer, _leader = people
    receive(officer, at("2026-03-02"))

    assert _21(now=at("2026-03-05")) == (1, 1, Status.OK)


def test_carried_over_dossier_counts_in_the_next_period(people: tuple[User, User]) -> None:
    """RULES.md §2.2 formula 2.1: "received or processed in the period": received in March and
    decided late in April, it counts in Q2 too (and in Q1, judged open on 31/03)."""
    officer, leader = people
    dossier = receive(officer, at("2026-03-30"))  # due 06/04 17:00
    decide(officer, leader, dossier, at("2026-04-08"))

    q2 = service_index(unit=unit_get(code=COMMUNE), period=parse_period("2026-Q2"), now=at("2026-07-02")).indicator("2.1")

    assert _21() == (1, 1, Status.OK)
    assert (q2.numerator, q2.denominator) == (0, 1)


def test_points_are_twenty_times_the_rate(people: tuple[User, User]) -> None:
    """RULES.md §2.2 group 2: points = 20 × on time ÷ received (one of two late: 10 points)."""
    officer, leader = people
    decide(officer, leader, receive(officer, at("2026-03-02")), at("2026-03-04"))
    decide(officer, leader, receive(officer, at("2026-03-02")), at("2026-03-12"))

    result = service_index(unit=unit_get(code=COMMUNE), period=Q1, now=AFTER).indicator("2.1")

    assert (result.rate, result.points, result.max) == (Decimal("50.00"), Decimal("10.00"), Decimal("20.00"))


def test_average_time_subtracts_the_supplement(people: tuple[User, User]) -> None:
    """RULES.md §2.2 indicator 2.2: processing time of completed dossiers, the supplement time
    subtracted (as for 2.1): 02/03 10:00 → 13/03 16:00 minus 05/03 17:00 → 12/03 07:00."""
    officer, leader = people
    dossier = receive(officer, at("2026-03-02"))
    request_supplement(officer, dossier, at("2026-03-05", "17:00"))
    supplement(officer, dossier, at("2026-03-12", "07:00"))
    decide(officer, leader, dossier, at("2026-03-13", "16:00"))

    result = service_index(unit=unit_get(code=COMMUNE), period=Q1, now=AFTER).indicator("2.2")

    # 11 d 6 h elapsed − 6 d 14 h waiting = 4 d 16 h = 4.67 days
    assert (result.denominator, result.rate, result.points, result.status) == (1, Decimal("4.67"), None, Status.OK)


def test_satisfaction_54_counts_late_and_disliked_once(people: tuple[User, User]) -> None:
    """RULES.md §2.2 indicator 5.4: 100 % − (overdue rate + rate with a petition or a dislike);
    90 % gives the maximum (one late of two: 50 % → 6 × 50/90 = 3.33)."""
    officer, leader = people
    decide(officer, leader, receive(officer, at("2026-03-02")), at("2026-03-04"))
    decide(officer, leader, receive(officer, at("2026-03-02")), at("2026-03-12"))

    result = service_index(unit=unit_get(code=COMMUNE), period=Q1, now=AFTER).indicator("5.4")

    assert (result.numerator, result.denominator, result.points) == (1, 2, Decimal("3.33"))
