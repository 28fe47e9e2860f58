"""The pure clock functions: the 766 judgement of a dossier and the desk's hand-over deadline.

No database: the calendar is built from the ``holidays`` package (2026 Tết: off Sat 14/02 –
Sun 22/02, back on Mon 23/02; RULES.md §11).
"""

from __future__ import annotations

import datetime as dt
from fractions import Fraction
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from motcua.core.calendar import WorkingCalendar
from motcua.dossiers import clock
from motcua.dossiers.choices import DossierAction as A
from motcua.dossiers.choices import Timeliness

VN = ZoneInfo("Asia/Ho_Chi_Minh")
CAL = WorkingCalendar(sessions="07:00-11:00,13:00-17:00", tz=VN)
PLAIN = WorkingCalendar(sessions="07:00-11:00,13:00-17:00", tz=VN, use_package=False)


def at(day: str, hm: str = "10:00") -> dt.datetime:
    return dt.datetime.fromisoformat(f"{day}T{hm}").replace(tzinfo=VN)


# --- The desk's hand-over deadline (RULES.md §1.4 row 4) ---------------------------------------


@pytest.mark.parametrize(
    ("received", "electronic", "due"),
    [
        # Electronic, received on a working day at or before 15:00: the close of that day.
        (at("2026-03-02", "09:30"), True, at("2026-03-02", "17:00")),
        (at("2026-03-02", "15:00"), True, at("2026-03-02", "17:00")),
        (at("2026-03-02", "06:10"), True, at("2026-03-02", "17:00")),
        # Electronic after 15:00: the end of the next working day's morning session.
        (at("2026-03-02", "15:01"), True, at("2026-03-03", "11:00")),
        (at("2026-03-02", "22:40"), True, at("2026-03-03", "11:00")),
        # Friday after 15:00 → Monday morning; an online submission on Saturday likewise.
        (at("2026-03-06", "16:00"), True, at("2026-03-09", "11:00")),
        (at("2026-03-07", "09:00"), True, at("2026-03-09", "11:00")),
        # Paper: within 1 working day, the close of the next working day.
        (at("2026-03-02", "09:30"), False, at("2026-03-03", "17:00")),
        (at("2026-03-02", "16:30"), False, at("2026-03-03", "17:00")),
        (at("2026-03-06", "10:00"), False, at("2026-03-09", "17:00")),
        # Tết 2026: Friday 13/02 is the last working day before the break.
        (at("2026-02-13", "10:00"), True, at("2026-02-13", "17:00")),
        (at("2026-02-13", "16:00"), True, at("2026-02-23", "11:00")),
        (at("2026-02-13", "10:00"), False, at("2026-02-23", "17:00")),
        (at("2026-02-17", "08:00"), True, at("2026-02-23", "11:00")),  # online during Tết
    ],
)
def test_handover_due_golden_cases(received: dt.datetime, electronic: bool, due: dt.datetime) -> None:
    """RULES.md §1.4 row 4 and §1.6: electronic at once (next morning after 15:00), paper within 1 working day."""
    assert clock.handover_due(CAL, received_at=received, electronic=electronic) == due


def test_handover_due_on_a_day_off_counts_paper_from_the_next_working_day() -> None:
    """RULES.md §1.4 row 4: a paper dossier received on Saturday has all of Monday's next working day."""
    assert clock.handover_due(CAL, received_at=at("2026-03-07", "09:00"), electronic=False) == at("2026-03-10", "17:00")


def test_handover_due_refuses_a_naive_time() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        clock.handover_due(CAL, received_at=dt.datetime(2026, 3, 2, 10, 0), electronic=True)


instants = st.datetimes(min_value=dt.datetime(2026, 1, 1), max_value=dt.datetime(2026, 12, 20)).map(
    lambda d: d.replace(second=0, microsecond=0, tzinfo=VN)
)


@settings(max_examples=300, deadline=None)
@given(received=instants)
def test_handover_due_is_after_receipt_at_a_session_end_of_a_working_day(received: dt.datetime) -> None:
    """RULES.md §1.4 row 4: the deadline never precedes the receipt, falls on a working day at
    the end of a session, and an electronic dossier is never due after a paper one."""
    electronic = clock.handover_due(CAL, received_at=received, electronic=True)
    paper = clock.handover_due(CAL, received_at=received, electronic=False)

    for due in (electronic, paper):
        assert due > received
        assert CAL.is_working_day(due.date())
        assert due.time() in (dt.time(11, 0), dt.time(17, 0))
    assert electronic <= paper
    assert CAL.working_days_between(received.date(), paper.date()) <= 2


# --- The 766 judgement of a dossier (RULES.md §1.6 Classification) -------------------------------

RECEIVED = at("2026-03-02")  # 5 working days: due Mon 09/03 17:00
DUE = at("2026-03-09", "17:00")


def test_supplement_time_is_subtracted_through_the_moved_due_date() -> None:
    """RULES.md §1.6: the time from "Yêu cầu bổ sung" to "hoàn thành bổ sung" is not the agency's."""
    paused, resumed = at("2026-03-05", "17:00"), at("2026-03-12", "07:00")
    remaining = clock.remaining_at(CAL, at=paused, due_at=DUE)
    moved = clock.resume_due(CAL, resumed_at=resumed, remaining=remaining)
    events = [
        (A.RECEIVE, RECEIVED),
        (A.REQUEST_SUPPLEMENT, paused),
        (A.SUPPLEMENT, resumed),
        (A.APPROVE, at("2026-03-13", "16:00")),
    ]

    outcome = clock.dossier_outcome(events, due_at=moved, received_at=RECEIVED, calendar=CAL)

    assert moved == at("2026-03-13", "17:00")
    assert outcome.timeliness == Timeliness.ON_TIME  # late against the first appointment (09/03)
    assert outcome.final and outcome.end_at == at("2026-03-13", "16:00")
    assert outcome.supplement_days == 4  # Fri 06, Mon 09, Tue 10, Wed 11
    assert outcome.processing_days == CAL.between(RECEIVED, at("2026-03-13", "16:00")) - 4


@pytest.mark.parametrize("ending", [A.REFUSE, A.STOP])
def test_refused_or_stopped_while_a_supplement_is_pending_ends_at_the_request(ending: A) -> None:
    """RULES.md §1.6: a dossier refused or stopped while a supplement is pending ends at the
    request time: the citizen's waiting is never charged to the agency."""
    requested = at("2026-03-04", "09:00")
    events = [(A.RECEIVE, RECEIVED), (A.REQUEST_SUPPLEMENT, requested), (ending, at("2026-04-20"))]

    outcome = clock.dossier_outcome(events, due_at=DUE, received_at=RECEIVED, calendar=CAL)

    assert outcome.end_at == requested
    assert outcome.timeliness == Timeliness.EARLY
    assert outcome.final and outcome.supplement_pending
    assert outcome.supplement_days == 0


def test_refused_while_pending_after_the_due_date_was_already_late_at_the_request() -> None:
    """RULES.md §1.6: judged at the request against the due date in force then."""
    events = [(A.RECEIVE, RECEIVED), (A.REQUEST_SUPPLEMENT, at("2026-03-10")), (A.REFUSE, at("2026-03-20"))]

    assert clock.dossier_outcome(events, due_at=DUE).timeliness == Timeliness.LATE


def test_two_supplement_requests_as_the_only_end_count_overdue() -> None:
    """RULES.md §1.6 and §1.4 row 3b: a dossier whose only end is a supplement request, with two
    or more requests, is overdue (as the national portal counts it)."""
    events = [
        (A.RECEIVE, RECEIVED),
        (A.REQUEST_SUPPLEMENT, at("2026-03-03")),
        (A.SUPPLEMENT, at("2026-03-04")),
        (A.REQUEST_SUPPLEMENT, at("2026-03-04", "15:00")),
    ]

    outcome = clock.dossier_outcome(events, due_at=at("2026-03-10", "17:00"))

    assert outcome.timeliness == Timeliness.LATE
    assert not outcome.final
    assert outcome.end_at == at("2026-03-04", "15:00")
    assert outcome.supplement_requests == 2


def test_one_supplement_request_as_the_only_end_is_judged_at_the_request() -> None:
    """RULES.md §1.6: a single pending request is the end of processing, judged normally."""
    events = [(A.RECEIVE, RECEIVED), (A.REQUEST_SUPPLEMENT, at("2026-03-03"))]

    outcome = clock.dossier_outcome(events, due_at=DUE)

    assert (outcome.timeliness, outcome.final, outcome.end_at) == (Timeliness.EARLY, False, at("2026-03-03"))


def test_two_requests_do_not_make_a_decided_dossier_late() -> None:
    """RULES.md §1.6: "in that case only" — a dossier with an end of its own is judged by it."""
    events = [
        (A.RECEIVE, RECEIVED),
        (A.REQUEST_SUPPLEMENT, at("2026-03-03")),
        (A.SUPPLEMENT, at("2026-03-03", "14:00")),
        (A.REQUEST_SUPPLEMENT, at("2026-03-04")),
        (A.SUPPLEMENT, at("2026-03-04", "14:00")),
        (A.APPROVE, at("2026-03-09", "16:00")),
    ]

    assert clock.dossier_outcome(events, due_at=DUE).timeliness == Timeliness.ON_TIME


def test_the_decision_comes_before_the_return() -> None:
    """RULES.md §1.6: end = processed > returned > stopped/refused."""
    events = [(A.RECEIVE, RECEIVED), (A.APPROVE, at("2026-03-09", "16:00")), (A.RETURN_RESULT, at("2026-03-16"))]

    outcome = clock.dossier_outcome(events, due_at=DUE)

    assert (outcome.end_at, outcome.timeliness) == (at("2026-03-09", "16:00"), Timeliness.ON_TIME)


def test_an_open_dossier_has_no_judgement() -> None:
    outcome = clock.dossier_outcome([(A.RECEIVE, RECEIVED), (A.TRANSFER, at("2026-03-03"))], due_at=DUE)

    assert (outcome.timeliness, outcome.end_at, outcome.final) == ("", None, False)


def test_without_an_appointment_the_processing_time_is_compared_with_the_statutory_time() -> None:
    """RULES.md §1.6: end − start − supplement_time ≤ statutory maximum."""
    events = [
        (A.RECEIVE, RECEIVED),
        (A.REQUEST_SUPPLEMENT, at("2026-03-03", "10:00")),
        (A.SUPPLEMENT, at("2026-03-05", "10:00")),
        (A.APPROVE, at("2026-03-06", "10:00")),
    ]

    fits = clock.dossier_outcome(events, due_at=None, received_at=RECEIVED, calendar=CAL, allowed_days=Fraction(2))
    over = clock.dossier_outcome(events, due_at=None, received_at=RECEIVED, calendar=CAL, allowed_days=Fraction(3, 2))

    assert fits.processing_days == 2 and fits.supplement_days == 2
    assert (fits.timeliness, over.timeliness) == (Timeliness.ON_TIME, Timeliness.LATE)


@settings(max_examples=200, deadline=None)
@given(
    before=st.integers(min_value=0, max_value=5 * 8 * 60 - 1),
    citizen_hours=st.integers(min_value=1, max_value=24 * 40),
    after=st.integers(min_value=1, max_value=8 * 60 * 8),
)
def test_the_moved_due_date_and_the_subtracted_supplement_time_agree(before: int, citizen_hours: int, after: int) -> None:
    """RULES.md §1.6: judging against the due date moved on resume gives the same answer as
    subtracting the citizen's supplement time from the processing time."""
    received = at("2026-03-02", "08:00")
    due = PLAIN.add_working_days(received, 5)
    allowed = PLAIN.between(received, due)
    requested = PLAIN.add_working_time(received, Fraction(before, 8 * 60))
    supplemented = requested + dt.timedelta(hours=citizen_hours)
    moved = clock.resume_due(PLAIN, resumed_at=supplemented, remaining=clock.remaining_at(PLAIN, at=requested, due_at=due))
    end = PLAIN.add_working_time(supplemented, Fraction(after, 8 * 60))
    events = [(A.RECEIVE, received), (A.REQUEST_SUPPLEMENT, requested), (A.SUPPLEMENT, supplemented), (A.APPROVE, end)]

    by_due = clock.dossier_outcome(events, due_at=moved)
    by_time = clock.dossier_outcome(events, due_at=None, received_at=received, calendar=PLAIN, allowed_days=allowed)

    assert (by_due.timeliness == Timeliness.LATE) == (by_time.timeliness == Timeliness.LATE)
