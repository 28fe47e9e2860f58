"""Survey campaigns API under /api/v1/surveys (RULES.md §3.1): the permission matrix of every
endpoint (anonymous 401, other unit 404, no permission 403, permission; a denial changes
nothing) and the happy path draft → sampled → open → paper answer → results → closed."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from motcua.core.choices import Role
from motcua.dossiers.choices import Channel
from motcua.dossiers.tests.factories import staff
from motcua.satisfaction.models import SurveyCampaign
from motcua.satisfaction.tests.survey_factories import OTHER_UNIT, campaign, manager_of, officer_of, population
from motcua.satisfaction.tests.test_survey_pages import _state
from motcua.satisfaction.tests.test_survey_services import FULL

pytestmark = pytest.mark.django_db
API = "/api/v1/surveys/campaigns"
NEW = {"title": "Khảo sát quý IV", "period_start": "2026-10-01", "period_end": "2026-10-31", "sample_size": 2, "seed": 5}


@pytest.fixture
def sampled() -> SurveyCampaign:
    officer, leader = officer_of(), manager_of()
    population(officer, {("1.001193", Channel.IN_PERSON): 3})
    return campaign(leader, size=2, draw=True)


def _requests(c: SurveyCampaign) -> list[tuple[str, str, dict[str, Any] | None]]:
    base = f"{API}/{c.pk}"
    return [
        ("get", base, None),
        ("get", base + "/results", None),
        ("post", base + "/draw", None),
        ("post", base + "/invite", None),
        ("post", base + "/close", None),
        ("post", base + "/answers", {"member": 1, "answers": FULL}),
    ]


def _call(client: Client, method: str, url: str, body: dict[str, Any] | None) -> int:
    if method == "post":
        return client.post(url, body or {}, content_type="application/json").status_code
    return client.get(url).status_code


def test_anonymous_gets_401_everywhere_and_nothing_changes(client: Client, sampled: SurveyCampaign) -> None:
    before = _state()
    calls = [*_requests(sampled), ("get", API, None), ("post", API, NEW)]

    assert [(url, _call(client, m, url, b)) for m, url, b in calls] == [(url, 401) for _, url, _ in calls]
    assert _state() == before


def test_another_units_leader_gets_404_and_nothing_changes(client: Client, sampled: SurveyCampaign) -> None:
    client.force_login(manager_of(OTHER_UNIT, "other-leader"))
    before = _state()

    statuses = [(url, _call(client, m, url, b)) for m, url, b in _requests(sampled)]

    assert statuses == [(url, 404) for _, url, _ in _requests(sampled)]
    assert client.get(API).json() == []
    assert _state() == before


def test_a_role_without_permission_gets_403_and_nothing_changes(client: Client, sampled: SurveyCampaign) -> None:
    client.force_login(staff("data", Role.DATA_OFFICER))
    before = _state()
    calls = [*_requests(sampled), ("get", API, None), ("post", API, NEW)]

    statuses = [(url, _call(client, m, url, b)) for m, url, b in calls]

    assert statuses == [(url, 403) for _, url, _ in calls]
    assert _state() == before


def test_the_leader_runs_a_campaign_through_the_api(client: Client) -> None:
    officer, leader = officer_of(), manager_of()
    population(officer, {("1.001193", Channel.IN_PERSON): 2, ("1.001193", Channel.ONLINE): 1})
    client.force_login(leader)

    created = client.post(API, NEW, content_type="application/json")
    pk = created.json()["id"]
    drawn = client.post(f"{API}/{pk}/draw", content_type="application/json")
    opened = client.post(f"{API}/{pk}/invite", content_type="application/json")
    answered = client.post(f"{API}/{pk}/answers", {"member": 1, "answers": FULL}, content_type="application/json")
    results = client.get(f"{API}/{pk}/results")
    closed = client.post(f"{API}/{pk}/close", content_type="application/json")

    assert (created.status_code, created.json()["status"], created.json()["seed"]) == (201, "draft", 5)
    assert (drawn.json()["status"], drawn.json()["members"], drawn.json()["population"]) == ("sampled", 2, 3)
    assert [s["sample"] for s in drawn.json()["strata"]] == [1, 1]
    assert (opened.json()["status"], opened.json()["invited"]) == ("open", 2)
    assert (answered.status_code, answered.json()) == (201, {"member": 1, "channel": "paper"})
    overall = next(e for e in results.json()["elements"] if e["element"] == "overall")
    assert (results.json()["responses"], overall["survey"]["n"], overall["survey"]["mean"]) == (1, 1, 4.0)
    assert (closed.json()["status"], closed.json()["allowed_actions"]) == ("closed", [])


def test_an_action_the_table_refuses_is_a_409_with_a_code(client: Client, sampled: SurveyCampaign) -> None:
    client.force_login(manager_of())

    response = client.post(f"{API}/{sampled.pk}/draw", content_type="application/json")

    assert (response.status_code, response.json()["code"]) == (409, "survey_action_not_allowed")
