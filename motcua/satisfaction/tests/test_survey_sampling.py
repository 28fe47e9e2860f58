"""Stratified sampling of survey campaigns (RULES.md §3.1: SIPAS draws a stratified random
sample): proportional allocation with at least one per stratum, reproducible by seed, one
member per applicant."""

from __future__ import annotations

import datetime as dt

import pytest

from motcua.dossiers.choices import Channel
from motcua.satisfaction.sampling import FrameRow, allocate, draw
from motcua.satisfaction.survey_services import survey_draw
from motcua.satisfaction.tests.survey_factories import campaign, manager_of, officer_of, population, returned

A, B, C = ("1.001193", "in_person"), ("1.001193", "online"), ("2.000001", "in_person")


def _frame(sizes: dict[tuple[str, str], int]) -> list[FrameRow]:
    rows, i = [], 0
    for stratum, n in sizes.items():
        for _ in range(n):
            i += 1
            rows.append(FrameRow(dossier_id=i, applicant_key=f"k{i}", stratum=stratum))
    return rows


def test_allocation_is_proportional_by_largest_remainder() -> None:
    """§3.1: 20 of 50 / 30 / 20 applicants → 10 / 6 / 4 (the exact shares), and 7 of the same
    → 4 / 2 / 1 (shares 3.5, 2.1, 1.4: the largest remainder, A's, gets the spare one)."""
    sizes = {A: 50, B: 30, C: 20}

    assert allocate(sizes, 20) == {A: 10, B: 6, C: 4}
    assert allocate(sizes, 7) == {A: 4, B: 2, C: 1}


def test_allocation_gives_every_nonempty_stratum_one_when_the_size_allows() -> None:
    """§3.1: a stratum of 1 in 100 still gets a member out of 10, taken from the largest."""
    assert allocate({A: 90, B: 9, C: 1}, 10) == {A: 8, B: 1, C: 1}


def test_allocation_below_the_number_of_strata_stays_proportional() -> None:
    assert allocate({A: 90, B: 9, C: 1}, 2) == {A: 2, B: 0, C: 0}


def test_allocation_never_exceeds_the_population() -> None:
    assert allocate({A: 5, B: 3}, 20) == {A: 5, B: 3}


def test_same_seed_gives_the_same_sample() -> None:
    """§3.1: the draw is reproducible from the recorded seed."""
    frame = _frame({A: 40, B: 25, C: 7})

    first, strata = draw(frame, 12, seed=2026)
    again, _ = draw(list(reversed(frame)), 12, seed=2026)

    assert [r.dossier_id for r in first] == [r.dossier_id for r in again]
    assert strata == {A: (40, 7), B: (25, 4), C: (7, 1)}


def test_another_seed_gives_another_sample() -> None:
    frame = _frame({A: 40, B: 25, C: 7})

    assert [r.dossier_id for r in draw(frame, 12, seed=1)[0]] != [r.dossier_id for r in draw(frame, 12, seed=2)[0]]


@pytest.mark.django_db
def test_two_campaigns_with_the_same_seed_draw_the_same_dossiers() -> None:
    """§3.1: same frame, same seed → same sample members (numbers, dossiers, strata). Shares
    2.5 / 1.5 / 1: the tie on the remainder goes to the first stratum key."""
    officer, leader = officer_of(), manager_of()
    population(officer, {(A[0], Channel.IN_PERSON): 5, (B[0], Channel.ONLINE): 3, (C[0], Channel.IN_PERSON): 2})

    first = campaign(leader, size=5, seed=99, draw=True)
    second = campaign(leader, size=5, seed=99, draw=True)

    def members(c: object) -> list[tuple[int, int | None, str, str]]:
        return list(c.members.values_list("number", "dossier_id", "procedure_code", "channel"))  # type: ignore[attr-defined]

    assert members(first) == members(second)
    assert len(members(first)) == 5
    assert first.strata == [
        {"procedure": "1.001193", "channel": "in_person", "population": 5, "sample": 3},
        {"procedure": "1.001193", "channel": "online", "population": 3, "sample": 1},
        {"procedure": "2.000001", "channel": "in_person", "population": 2, "sample": 1},
    ]


@pytest.mark.django_db
def test_an_applicant_with_several_dossiers_is_drawn_once() -> None:
    """§3.1: the sample members are applicants; the same person is never in a campaign twice."""
    officer, leader = officer_of(), manager_of()
    for _ in range(3):
        returned(officer, id_number="096085004217")
    returned(officer, id_number="096085000001")
    made = campaign(leader, size=4)

    survey_draw(actor=leader, campaign_id=made.pk)
    made.refresh_from_db()

    assert made.population == 2
    assert made.members.count() == 2


@pytest.mark.django_db
def test_the_frame_holds_only_dossiers_returned_in_the_period_of_the_unit() -> None:
    """§3.1: dossiers returned from 1/10 to 31/10 (included), received in 32218 only."""
    officer, leader = officer_of(), manager_of()
    returned(officer, id_number="096085000001", on=dt.date(2026, 10, 31))
    returned(officer, id_number="096085000002", on=dt.date(2026, 11, 1))
    returned(officer, id_number="096085000003", on=dt.date(2026, 9, 30))
    returned(officer_of("32214", "other-officer"), id_number="096085000004")
    made = campaign(leader, size=10, draw=True)

    assert made.population == 1
