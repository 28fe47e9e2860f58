"""The legal deadline of each petition step on the working-day clock (RULES.md §5 "Deadlines on
the national PAKN system" and Art. 9(4)(d)).

Counted in working days from the petition's clock start: its receipt, or the latest event that
restarts it ("from receipt, or from the latest transfer"): a petition forwarded *to* this unit,
or the petitioner's supplement after a request for information (the information asked for is
the new starting point of the answer; docs/feedback.md). Publication is counted from the
approval, when the answer enters "waiting for publication".

Pure: the calendar is passed in.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from motcua.core.calendar import WorkingCalendar
from motcua.feedback.choices import Classification
from motcua.feedback.choices import PetitionAction as A
from motcua.feedback.choices import PetitionStatus as S

REFUSE_DAYS = 2  # refuse (not accepted) within 2 working days
FIRST_INFO_REQUEST_DAYS = 5  # the first request for supplementary information within 5
FORWARD_DAYS = 5  # forward outside competence within 5 (Art. 9(4)(d))
ANSWER_DAYS = 15  # the answer ready (approved, waiting for publication) within 15
PUBLISH_DAYS = 2  # published within 2 after the approval

# Which deadline an action is judged against (the first request for information only).
ACTION_DEADLINE = {
    A.REFUSE: "refuse",
    A.FORWARD: "forward",
    A.REQUEST_INFO: "info",
    A.APPROVE: "answer",
    A.PUBLISH: "publish",
}


@dataclass(frozen=True)
class Deadlines:
    refuse: datetime
    info: datetime
    forward: datetime
    answer: datetime

    def of(self, name: str, *, approved_at: datetime | None, calendar: WorkingCalendar) -> datetime | None:
        if name == "publish":
            return publish_due(calendar, approved_at=approved_at) if approved_at else None
        value: datetime = getattr(self, name)
        return value


def deadlines(calendar: WorkingCalendar, *, clock_start: datetime) -> Deadlines:
    return Deadlines(
        refuse=calendar.add_working_days(clock_start, REFUSE_DAYS),
        info=calendar.add_working_days(clock_start, FIRST_INFO_REQUEST_DAYS),
        forward=calendar.add_working_days(clock_start, FORWARD_DAYS),
        answer=calendar.add_working_days(clock_start, ANSWER_DAYS),
    )


def publish_due(calendar: WorkingCalendar, *, approved_at: datetime) -> datetime:
    return calendar.add_working_days(approved_at, PUBLISH_DAYS)


def step_due(
    calendar: WorkingCalendar,
    *,
    status: S,
    clock_start: datetime,
    classification: str,
    approved_at: datetime | None,
) -> datetime | None:
    """The deadline of the step the petition is in now (None: no running step).

    - received: accept or refuse within 2 working days (after that a refusal is late);
    - classified: outside competence or about officials' conduct, forward within 5; otherwise
      the answer within 15;
    - processing, answer drafted: the answer within 15;
    - waiting for publication: publish within 2 of the approval;
    - waiting for information from the petitioner: no running step (the answer's clock
      restarts at the supplement).
    """
    due = deadlines(calendar, clock_start=clock_start)
    if status == S.RECEIVED:
        return due.refuse
    if status == S.CLASSIFIED:
        forwardable = classification in (Classification.OUTSIDE_COMPETENCE, Classification.OFFICIAL_CONDUCT)
        return due.forward if forwardable else due.answer
    if status in (S.PROCESSING, S.ANSWER_DRAFTED):
        return due.answer
    if status == S.AWAITING_PUBLICATION and approved_at is not None:
        return publish_due(calendar, approved_at=approved_at)
    return None
