"""Reads of ratings: aggregates of at least 5, the leader's audited drill-down, and the input of
Decision 766 indicator 5.4 (RULES.md §3.2, §2.2)."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest

from motcua.core.exceptions import DomainError
from motcua.core.models import AuditEvent
from motcua.core.tests.factories import current_unit
from motcua.dossiers.choices import DossierStatus
from motcua.satisfaction.choices import DISLIKE_LEVELS, Level
from motcua.satisfaction.selectors import (
    MIN_GROUP,
    dislike_dossiers,
    month_bounds,
    rating_aggregates,
    rating_drilldown,
    rating_of_dossier,
)
from motcua.satisfaction.tests.factories import (
    OTHER_UNIT,
    UNIT,
    bare_ratings,
    closed_dossier,
    leader_of,
    officer_of,
    rate,
)

pytestmark = pytest.mark.django_db

OCTOBER = (dt.date(2026, 10, 1), dt.date(2026, 11, 1))
TODAY = dt.date(2026, 12, 6)
HCM = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
L = Level


def test_dislike_is_the_two_unsatisfied_levels() -> None:
    """RULES.md §2.2 indicator 5.4 / §3.2: "dislike" on the 5-level scale."""
    assert {Level.VERY_UNSATISFIED, Level.UNSATISFIED} == DISLIKE_LEVELS


def test_group_of_five_shows_counts_per_level_and_the_dislike_rate() -> None:
    """RULES.md §3.2: aggregates for staff."""
    officer = officer_of()
    bare_ratings(UNIT, [L.VERY_UNSATISFIED, L.UNSATISFIED, L.NEUTRAL, L.SATISFIED, L.SATISFIED], on=dt.date(2026, 10, 9))

    [group] = rating_aggregates(user=officer, start=OCTOBER[0], end=OCTOBER[1], today=TODAY)

    assert (group.unit_code, group.suppressed, group.count, group.dislikes, group.dislike_rate) == (UNIT, False, 5, 2, 0.4)
    assert group.by_level == {L.VERY_UNSATISFIED: 1, L.UNSATISFIED: 1, L.NEUTRAL: 1, L.SATISFIED: 2, L.VERY_SATISFIED: 0}


def test_group_under_five_is_suppressed() -> None:
    """RULES.md §3.2: staff see only groups of at least 5 ratings."""
    officer = officer_of()
    bare_ratings(UNIT, [L.VERY_UNSATISFIED] * (MIN_GROUP - 1), on=dt.date(2026, 10, 9))

    [group] = rating_aggregates(user=officer, start=OCTOBER[0], end=OCTOBER[1], today=TODAY)

    assert (group.unit_code, group.suppressed, group.count, group.by_level, group.dislikes, group.dislike_rate) == (
        UNIT,
        True,
        None,
        None,
        None,
        None,
    )


def test_aggregates_count_ratings_by_their_day_and_only_the_units_in_scope() -> None:
    """RULES.md §3.2: per unit and period; another commune's ratings are not in the officer's scope."""
    officer = officer_of()
    bare_ratings(UNIT, [L.SATISFIED] * 5, on=dt.date(2026, 10, 31))
    bare_ratings(UNIT, [L.UNSATISFIED] * 5, on=dt.date(2026, 11, 1))
    bare_ratings(OTHER_UNIT, [L.SATISFIED] * 6, on=dt.date(2026, 10, 15))

    groups = rating_aggregates(user=officer, start=OCTOBER[0], end=OCTOBER[1], today=TODAY)

    assert [(g.unit_code, g.count, g.dislikes) for g in groups] == [(UNIT, 5, 0)]


def test_a_period_that_has_not_ended_is_refused() -> None:
    """RULES.md §3.2 privacy: a shown figure never changes, so one new rating cannot be read off two looks."""
    officer = officer_of()

    with pytest.raises(DomainError) as caught:
        rating_aggregates(user=officer, start=dt.date(2026, 12, 1), end=dt.date(2027, 1, 1), today=TODAY)

    assert caught.value.code == "rating_period_open"


def test_the_default_month_is_the_last_ended_one() -> None:
    assert month_bounds(None, today=dt.date(2026, 1, 15)) == (dt.date(2025, 12, 1), dt.date(2026, 1, 1))
    assert month_bounds("2026-02", today=TODAY) == (dt.date(2026, 2, 1), dt.date(2026, 3, 1))
    assert month_bounds("2026-13", today=TODAY) == (dt.date(2026, 11, 1), dt.date(2026, 12, 1))


def test_leader_drilldown_shows_each_rating_and_is_audited() -> None:
    """RULES.md §3.2: a leader of the unit may read individual ratings; the reading is audited."""
    officer = officer_of()
    leader = leader_of()
    dossier = closed_dossier(officer, DossierStatus.REFUSED)
    rate(dossier, Level.VERY_UNSATISFIED, on=dt.date(2026, 10, 2), comment="Thái độ chưa tốt")

    rows = rating_drilldown(user=leader, unit_code=UNIT, start=OCTOBER[0], end=OCTOBER[1])

    assert [(r.dossier_code, r.overall, r.dislike, r.comment, r.rated_on) for r in rows] == [
        (dossier.code, Level.VERY_UNSATISFIED, True, "Thái độ chưa tốt", dt.date(2026, 10, 2))
    ]
    audit = AuditEvent.objects.get(action="rating.drilldown")
    assert (audit.actor_id, audit.object_type, audit.object_id, audit.data) == (
        leader.pk,
        "unit",
        UNIT,
        {"start": "2026-10-01", "end": "2026-11-01", "shown": 1},
    )


def test_leader_reads_one_dossiers_rating_and_it_is_audited() -> None:
    """RULES.md §3.2: drill-down to a dossier, audited."""
    officer = officer_of()
    leader = leader_of()
    dossier = closed_dossier(officer, DossierStatus.STOPPED)
    rate(dossier, Level.NEUTRAL)

    row = rating_of_dossier(user=leader, code=dossier.code)

    assert row is not None and (row.dossier_code, row.overall, row.dislike) == (dossier.code, Level.NEUTRAL, False)
    audit = AuditEvent.objects.get(action="rating.drilldown")
    assert (audit.object_type, audit.object_id, audit.data) == ("dossier", dossier.code, {"shown": 1})


def _at(day: str) -> dt.datetime:
    return dt.datetime.fromisoformat(f"{day}T09:00").replace(tzinfo=HCM)


def test_dislike_dossiers_are_the_5_4_input_counted_by_receipt_date() -> None:
    """RULES.md §2.2 indicator 5.4: dossiers that drew a "dislike", counted by receipt date in the period."""
    officer = officer_of()
    other = officer_of(OTHER_UNIT, username="other")
    very = closed_dossier(officer, DossierStatus.REFUSED, key="a", received_at=_at("2026-10-05"))
    plain = closed_dossier(officer, DossierStatus.STOPPED, key="b", received_at=_at("2026-10-06"))
    neutral = closed_dossier(officer, DossierStatus.REFUSED, key="c", received_at=_at("2026-10-07"))
    unrated = closed_dossier(officer, DossierStatus.REFUSED, key="d", received_at=_at("2026-10-08"))
    earlier = closed_dossier(officer, DossierStatus.REFUSED, key="e", received_at=_at("2026-09-30"))
    elsewhere = closed_dossier(other, DossierStatus.REFUSED, key="f", received_at=_at("2026-10-05"))
    for dossier, level in [
        (very, L.VERY_UNSATISFIED),
        (plain, L.UNSATISFIED),
        (neutral, L.NEUTRAL),
        (earlier, L.UNSATISFIED),
        (elsewhere, L.VERY_UNSATISFIED),
    ]:
        rate(dossier, level)
    assert unrated.rated is False

    found = dislike_dossiers(unit=current_unit(UNIT), start=OCTOBER[0], end=OCTOBER[1])

    assert list(found.values_list("code", flat=True)) == [very.code, plain.code]
