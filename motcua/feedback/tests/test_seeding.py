"""The synthetic petitions: every state reached through the services, each one's event log a
consistent chain of the workflow table, nothing dated in the future."""

from __future__ import annotations

import itertools

import pytest
from django.utils import timezone

from motcua.core.demo import demo_setup
from motcua.feedback.models import Petition
from motcua.feedback.seeding import petitions_seed
from motcua.feedback.workflow import transition

pytestmark = pytest.mark.django_db


def test_seeded_petitions_reach_many_states_with_consistent_event_chains() -> None:
    demo_setup(password="x-demo-password-1")

    report = petitions_seed(count=60, unit_codes=["32218", "32212"], rng_seed=7)

    petitions = list(Petition.objects.unrestricted("test").prefetch_related("events"))
    assert report.count == len(petitions) == 60
    assert len(report.by_status) >= 7
    now = timezone.now()
    for petition in petitions:
        events = list(petition.events.all())
        assert events[0].action == "receive" and events[-1].to_status == petition.status
        for before, after in itertools.pairwise(events):
            assert after.at >= before.at and after.at <= now
            if after.action in ("add_voice", "judge"):
                continue
            assert after.from_status == before.to_status
            if after.actor_label not in ("system", "petitioner"):
                step = transition(before.to_status, after.action)
                assert step is not None and step.target == after.to_status


def test_the_same_seed_gives_the_same_petitions() -> None:
    demo_setup(password="x-demo-password-1")

    petitions_seed(count=10, unit_codes=["32218"], rng_seed=3)
    first = list(Petition.objects.unrestricted("test").order_by("id").values_list("title", "status"))
    petitions_seed(count=10, unit_codes=["32218"], rng_seed=3)
    second = list(Petition.objects.unrestricted("test").order_by("id").values_list("title", "status"))[10:]

    assert [t for t, _s in first] == [t for t, _s in second]
