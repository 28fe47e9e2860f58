"""The indicator table and grade bands are data (RULES.md §2.2, §2.3), the scoring arithmetic,
competition ranking, and the periods."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.test import Client

from motcua.core.exceptions import DomainError
from motcua.core.periods import parse_period, period_between, period_from
from motcua.core.selectors import unit_get
from motcua.indices.choices import FormulaKind
from motcua.indices.compute import competition_ranks, grade_for, points_for
from motcua.indices.models import Grade, Indicator
from motcua.indices.selectors import service_index
from motcua.indices.tests.builders import at, decide, receive, setup_commune


@pytest.mark.django_db
def test_seeded_maxima_add_up_to_the_groups() -> None:
    """RULES.md §2.1: 18, 20, 12, 10, 18, 22 (total 100)."""
    sums: dict[int, Decimal] = {}
    for row in Indicator.objects.all():
        sums[row.group] = sums.get(row.group, Decimal(0)) + row.max_points

    assert sums == {1: 18, 2: 20, 3: 12, 4: 10, 5: 18, 6: 22}


@pytest.mark.django_db
def test_unconfirmed_formulas_are_marked() -> None:
    """RULES.md §2.2: group 3's points formula is not confirmed; group 4's split is reverse-engineered."""
    unconfirmed = set(Indicator.objects.filter(confirmed=False).values_list("code", flat=True))

    assert {"3.0", "3.1", "3.2", "3.3", "3.5", "3.5b", "3.6", "4.2b", "4.5b"} == unconfirmed


@pytest.mark.django_db
def test_an_administrators_edit_changes_the_points_and_the_grade() -> None:
    """RULES.md §2.3: the maximum and the bands are data: 2.1 with maximum 10 and one of two on
    time gives 5 points; raising the top band changes the grade."""
    officer, leader = setup_commune()
    decide(officer, leader, receive(officer, at("2026-03-02")), at("2026-03-04"))
    decide(officer, leader, receive(officer, at("2026-03-02")), at("2026-03-12"))
    Indicator.objects.filter(code="2.1").update(max_points=Decimal(10))

    index = service_index(unit=unit_get(code="32218"), period=parse_period("2026-Q1"), now=at("2026-05-04"))

    assert index.indicator("2.1").points == Decimal("5.00")
    Grade.objects.all().delete()
    Grade.objects.create(code="x", name_vi="X", name_en="X", min_score=Decimal(0))
    again = service_index(unit=unit_get(code="32218"), period=parse_period("2026-Q1"), now=at("2026-05-04"))
    assert again.grade is not None and again.grade.code == "x"


@pytest.mark.django_db
def test_the_admin_lists_and_edits_the_indicator_table(admin_client: Client, admin_user: User) -> None:
    row = Indicator.objects.get(code="3.0")

    listing = admin_client.get("/admin/indices/indicator/")
    page = admin_client.get(f"/admin/indices/indicator/{row.pk}/change/")

    assert listing.status_code == 200 and "3.0" in listing.content.decode()
    assert page.status_code == 200


def test_competition_ranking_is_1224() -> None:
    """RULES.md §2.3: equal scores share a rank and the next rank is skipped."""
    values = [Decimal(90), Decimal(80), Decimal(80), Decimal(70), None]

    assert competition_ranks(values) == [1, 2, 2, 4, None]


def test_threshold_gives_the_maximum_at_the_threshold() -> None:
    """RULES.md §2.2 4.3: points = min(2, 2 × rate / 80)."""
    params = {"threshold": 80}

    assert points_for(FormulaKind.THRESHOLD, params, Decimal(2), Decimal(40)) == Decimal("1.00")
    assert points_for(FormulaKind.THRESHOLD, params, Decimal(2), Decimal(95)) == Decimal("2.00")
    assert points_for(FormulaKind.MONITORING, {}, Decimal(0), Decimal(50)) is None
    assert points_for(FormulaKind.LINEAR, {}, Decimal(6), None) is None


def test_grade_bands_take_the_highest_band_reached() -> None:
    bands = [(Decimal(90), "tot"), (Decimal(70), "kha"), (Decimal(50), "tb"), (Decimal(0), "yeu")]

    assert [grade_for(Decimal(v), bands) for v in (95, 90, 89.99, 50, 3)] == ["tot", "tot", "kha", "tb", "yeu"]
    assert grade_for(None, bands) is None


def test_periods_parse_and_step_back() -> None:
    q3 = parse_period("2026-Q3")

    assert (q3.first, q3.last, q3.previous().code) == (date(2026, 7, 1), date(2026, 9, 30), "2026-Q2")
    assert parse_period("2026-01").previous().code == "2025-12"
    assert parse_period("2026").previous().code == "2025"
    assert period_between(date(2026, 3, 1), date(2026, 3, 10)).previous().code == "2026-02-19..2026-02-28"
    assert q3.start.isoformat() == "2026-07-01T00:00:00+07:00"


@pytest.mark.parametrize("text", ["2026-Q0", "2026-00", "abcd", "2026-Q1-01", ""])
def test_bad_periods_are_refused(text: str) -> None:
    with pytest.raises(DomainError):
        parse_period(text)


def test_both_ends_of_a_range_are_needed() -> None:
    with pytest.raises(DomainError):
        period_from(None, date(2026, 1, 1), None)
    with pytest.raises(DomainError):
        period_from("2026", date(2026, 1, 1), date(2026, 1, 2))
