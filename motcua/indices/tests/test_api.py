"""The index API (``/api/v1/indices``) and its permission matrix: the index and the ranking are
public (RULES.md §2: the portal publishes them); the items lists are for staff of the unit or of
its province holding the items permission (anonymous 401, other unit 403, no-permission role
403, right role 200; reads change nothing)."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

from motcua.core.choices import Role
from motcua.core.tests.factories import PASSWORD
from motcua.dossiers.models import Dossier, DossierEvent
from motcua.dossiers.tests.factories import staff
from motcua.indices.tests.builders import at, decide, receive, setup_commune

pytestmark = pytest.mark.django_db
SERVICE = "/api/v1/indices/service"
ITEMS = "/api/v1/indices/service/indicators/2.1/items"
RANKING = "/api/v1/indices/service/ranking"
Q = {"unit": "32218", "period": "2026-Q1"}


@pytest.fixture
def data() -> str:
    officer, leader = setup_commune()
    late = decide(officer, leader, receive(officer, at("2026-03-02")), at("2026-03-12"))
    decide(officer, leader, receive(officer, at("2026-03-02")), at("2026-03-04"))
    return late.code


def _login(client: Client, user: User) -> Client:
    assert client.login(username=user.username, password=PASSWORD)
    return client


def test_index_is_public_and_shaped_as_documented(client: Client, data: str) -> None:
    body = client.get(SERVICE, Q).json()

    assert set(body) >= {"unit", "period", "total", "max", "grade", "groups"}
    assert [g["code"] for g in body["groups"]] == [1, 2, 3, 4, 5, 6]
    progress = next(g for g in body["groups"] if g["code"] == 2)
    on_time = next(i for i in progress["indicators"] if i["code"] == "2.1")
    assert (on_time["numerator"], on_time["denominator"], on_time["rate"], on_time["points"]) == (1, 2, 50.0, 10.0)
    payment = next(g for g in body["groups"] if g["code"] == 4)
    assert {i["status"] for i in payment["indicators"]} == {"not_computable"}
    assert all(i["points"] is None for i in payment["indicators"])
    assert body["max_defined"] == 100.0


def test_index_accepts_a_range_of_days(client: Client, data: str) -> None:
    body = client.get(SERVICE, {"unit": "32218", "from": "2026-03-01", "to": "2026-03-31"}).json()

    assert body["period"] == "2026-03-01..2026-03-31"


@pytest.mark.parametrize("period", ["2026-Q5", "2026-13", "26", "1999", "2026-Q1x"])
def test_bad_period_is_400(client: Client, period: str) -> None:
    response = client.get(SERVICE, {"unit": "32218", "period": period})

    assert response.status_code == 400
    assert response.json()["code"] == "period_invalid"


def test_unknown_unit_is_404(client: Client) -> None:
    assert client.get(SERVICE, {"unit": "99999", "period": "2026"}).status_code == 404


def test_items_anonymous_is_401(client: Client, data: str) -> None:
    assert client.get(ITEMS, Q).status_code == 401


def test_items_of_another_unit_is_403(client: Client, data: str) -> None:
    other = staff("other-leader", Role.LEADER, code="32212")

    assert _login(client, other).get(ITEMS, Q).status_code == 403


def test_items_without_the_permission_is_403(client: Client, data: str) -> None:
    """A data officer of the commune (catalogue work) holds no items permission."""
    clerk = staff("clerk", Role.DATA_OFFICER)

    assert _login(client, clerk).get(ITEMS, Q).status_code == 403


def test_items_for_the_units_leader(client: Client, data: str) -> None:
    leader = staff("reader-leader", Role.LEADER)
    before = (Dossier.objects.unrestricted("test").count(), DossierEvent.objects.count())

    body = _login(client, leader).get(ITEMS, {**Q, "part": "denominator"}).json()

    assert body["count"] == 2 and len(body["items"]) == 2
    assert data in {i["code"] for i in body["items"]}
    assert (Dossier.objects.unrestricted("test").count(), DossierEvent.objects.count()) == before


def test_items_for_the_province_reviewer(client: Client, data: str) -> None:
    """Staff of the province read the items of its communes."""
    reviewer = staff("province-reviewer", Role.PROVINCE_REVIEWER, code="32212")

    response = _login(client, reviewer).get(ITEMS, Q)

    assert response.status_code == 200 and response.json()["count"] == 1


def test_items_of_a_not_computable_indicator_is_404(client: Client, data: str) -> None:
    leader = staff("reader-leader", Role.LEADER)

    response = _login(client, leader).get("/api/v1/indices/service/indicators/3.6/items", Q)

    assert response.status_code == 404
    assert response.json()["code"] == "index_indicator_has_no_items"


def test_items_of_an_unknown_indicator_is_404(client: Client, data: str) -> None:
    leader = staff("reader-leader", Role.LEADER)

    assert _login(client, leader).get("/api/v1/indices/service/indicators/9.9/items", Q).status_code == 404


def test_ranking_is_public_with_competition_ranks(client: Client, data: str) -> None:
    body = client.get(RANKING, {"parent": "96", "period": "2026-Q1"}).json()

    assert body["previous_period"] == "2025-Q4"
    ours = next(u for u in body["units"] if u["unit"] == "32218")
    assert ours["rank"] == 1
    assert ours["previous_score"] is None or isinstance(ours["previous_score"], float)
    assert len(body["units"]) > 1


def test_ranking_of_a_commune_is_404(client: Client) -> None:
    assert client.get(RANKING, {"parent": "32218", "period": "2026"}).status_code == 404


def test_index_and_items_have_a_fixed_query_budget(client: Client, data: str, django_assert_max_num_queries: Any) -> None:
    """The index: one aggregate per source (dossiers, petitions, procedures, 2.2's clock changes),
    the unit, the indicator table and the bands (7, as measured, whatever the number of dossiers).
    The items: the session, the roles and unit of the scope check, the indicator, the count, the
    page and its events (13 as measured, for any page size)."""
    with django_assert_max_num_queries(7):
        assert client.get(SERVICE, Q).status_code == 200
    leader = staff("budget-leader", Role.LEADER)
    _login(client, leader)
    with django_assert_max_num_queries(13):
        assert client.get(ITEMS, {**Q, "part": "denominator"}).status_code == 200
