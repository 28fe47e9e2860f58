"""The demo survey campaign (issue 11 item 6: the demo has one survey campaign with answers),
made through the services."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command

from motcua.dossiers.choices import Channel
from motcua.satisfaction.choices import SurveyStatus
from motcua.satisfaction.models import SurveyCampaign, SurveyResponse
from motcua.satisfaction.seeding import survey_demo_seed
from motcua.satisfaction.tests.survey_factories import manager_of, officer_of, population

pytestmark = pytest.mark.django_db


def test_the_demo_campaign_is_open_with_web_and_paper_answers_once() -> None:
    population(officer_of(), {("1.001193", Channel.IN_PERSON): 4, ("1.001193", Channel.ONLINE): 2})
    manager_of()

    first = survey_demo_seed(size=6, today=dt.date(2026, 11, 1))
    again = survey_demo_seed(size=6, today=dt.date(2026, 11, 1))

    made = SurveyCampaign.objects.unrestricted("test").get()
    responses = SurveyResponse.objects.unrestricted("test").filter(campaign=made)
    assert (first.created, again.created, again.campaign_id) == (True, False, made.pk)
    assert (made.status, first.members) == (SurveyStatus.OPEN, 6)
    assert first.web + first.paper == responses.count() > 0


def test_the_surveys_command_adds_the_demo_campaign() -> None:
    population(officer_of(), {("1.001193", Channel.IN_PERSON): 3})
    manager_of()
    out = StringIO()

    with time_machine.travel(dt.datetime(2026, 11, 1, 9, tzinfo=dt.UTC), tick=False):
        call_command("surveys", demo=True, size=3, stdout=out)

    assert out.getvalue().splitlines()[0] == "questionnaire sipas: 16 questions"
    assert "3 members" in out.getvalue().splitlines()[1]
