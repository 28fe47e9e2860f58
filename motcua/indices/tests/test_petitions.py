"""Golden tests of indicators 5.1–5.3 on hand-built petitions (RULES.md §2.2 group 5, §5
deadlines), for March 2026 judged in May."""

from __future__ import annotations

from decimal import Decimal

import pytest

from motcua.core.periods import parse_period
from motcua.core.selectors import unit_get
from motcua.feedback.choices import Classification, ContentCategory, ReportClass, Verdict
from motcua.feedback.choices import PetitionAction as A
from motcua.feedback.models import Petition
from motcua.feedback.services import ActInput, petition_act, petition_judge
from motcua.feedback.tests.factories import leader, officer, petition
from motcua.indices.choices import Status
from motcua.indices.selectors import service_index
from motcua.indices.tests.builders import at

pytestmark = pytest.mark.django_db
MARCH = parse_period("2026-03")
AFTER = at("2026-05-04")


def _classified(day: str, report_class: str = ReportClass.REGULATION) -> Petition:
    item = petition(at=at(day))
    data = ActInput(classification=Classification.WITHIN_COMPETENCE, category=ContentCategory.OBSTACLE, report_class=report_class)
    return petition_act(actor=officer(), code=item.code, action=A.CLASSIFY, data=data, at=at(day, "11:00"))


def _answered(item: Petition, day: str) -> Petition:
    user = officer()
    item = petition_act(actor=user, code=item.code, action=A.START, at=at(day))
    item = petition_act(actor=user, code=item.code, action=A.DRAFT_ANSWER, data=ActInput(answer="Đã xử lý."), at=at(day))
    item = petition_act(actor=leader(), code=item.code, action=A.APPROVE, at=at(day, "15:00"))
    return petition_act(actor=user, code=item.code, action=A.PUBLISH, at=at(day, "16:00"))


def _group5() -> dict[str, tuple[object, object, object]]:
    index = service_index(unit=unit_get(code="32218"), period=MARCH, now=AFTER)
    return {
        c: (index.indicator(c).numerator, index.indicator(c).denominator, index.indicator(c).points)
        for c in ("5.1", "5.2", "5.3")
    }


def test_no_petitions_earns_the_maximum() -> None:
    """RULES.md §2.2 5.2 and 5.3: "6 if there were no PAKN"; 5.1 has no data."""
    index = service_index(unit=unit_get(code="32218"), period=MARCH, now=AFTER)

    assert (index.indicator("5.2").status, index.indicator("5.2").points) == (Status.OK, Decimal(6))
    assert (index.indicator("5.3").status, index.indicator("5.3").points) == (Status.OK, Decimal(6))
    assert index.indicator("5.1").status == Status.NO_DATA


def test_answered_on_time_reopened_and_never_answered() -> None:
    """RULES.md §2.2 5.2: on time ÷ total (answered by the 15-working-day deadline, §5); the
    "not satisfied" verdict reopens a petition with a new deadline (30/03) that passes unanswered,
    so it is overdue at the end of March; 5.3: minus the unsatisfied and the overdue; 5.1: the
    share about regulations."""
    _answered(_classified("2026-03-02"), "2026-03-05")  # on time, no verdict
    unhappy = _answered(_classified("2026-03-03", ReportClass.CONDUCT), "2026-03-06")
    petition_judge(code=unhappy.code, check="6789", verdict=Verdict.NOT_SATISFIED, at=at("2026-03-09"))
    _classified("2026-03-04")  # never answered: due 25/03, overdue by the end of March

    assert _group5() == {
        "5.1": (2, 3, None),
        "5.2": (1, 3, Decimal("2.00")),
        "5.3": (1, 3, Decimal("2.00")),
    }
