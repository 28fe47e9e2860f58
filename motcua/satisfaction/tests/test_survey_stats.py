"""Confidence intervals of survey results (RULES.md §3.1; docs/satisfaction.md): Student's t
for the mean of a 1–5 score, Wilson for the share satisfied (4–5)."""

from __future__ import annotations

import pytest

from motcua.satisfaction.stats import estimate, t975, wilson


def test_wilson_interval_of_8_of_10() -> None:
    low, high = wilson(8, 10)

    assert (round(low, 4), round(high, 4)) == (0.4902, 0.9433)


def test_wilson_interval_of_all_satisfied_stays_below_one_at_the_bottom() -> None:
    low, high = wilson(1, 1)

    assert (round(low, 4), high) == (0.2065, 1.0)


def test_mean_interval_uses_student_t_and_is_clipped_to_the_scale() -> None:
    """mean 4.2, s = √0.7, t(0.975, 4) = 2.776 → 4.2 ± 1.0387, the top clipped at 5."""
    e = estimate([4, 5, 3, 4, 5])

    assert (e.n, e.mean, round(e.mean_low or 0, 4), e.mean_high) == (5, 4.2, 3.1613, 5.0)
    assert (e.satisfied, round(e.satisfied_low or 0, 4), round(e.satisfied_high or 0, 4)) == (0.8, 0.3755, 0.9638)


def test_one_answer_has_no_mean_interval() -> None:
    e = estimate([5])

    assert (e.mean, e.mean_low, e.mean_high) == (5.0, None, None)


def test_no_answers_give_no_estimate() -> None:
    e = estimate([])

    assert (e.n, e.mean, e.satisfied) == (0, None, None)


@pytest.mark.parametrize(("df", "t"), [(1, 12.706), (10, 2.228), (30, 2.042), (60, 2.0), (1000, 1.959963984540054)])
def test_t_quantiles(df: int, t: float) -> None:
    assert round(t975(df), 3) == round(t, 3)
