"""Survey pages in a real headless Chromium (RULES.md §3.1): the respondent's page and the
staff pages have no axe-core violation and nothing scrolls sideways at 390 px or 1366 px."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from motcua.core.tests.browser import CLEAN
from motcua.core.tests.browser import visit_and_check as _checked
from motcua.dossiers.choices import Channel
from motcua.dossiers.tests.test_browser import _login
from motcua.satisfaction.survey_services import survey_answer_submit, survey_token, survey_url
from motcua.satisfaction.tests.survey_factories import campaign, manager_of, officer_of, population
from motcua.satisfaction.tests.test_survey_services import FULL

if TYPE_CHECKING:
    from playwright.sync_api import Page
    from pytest_django.live_server_helper import LiveServer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_survey_pages_are_accessible_and_fit_a_phone(page: Page, live_server: LiveServer, units: None) -> None:
    base = live_server.url
    officer, leader = officer_of(), manager_of()
    population(officer, {("1.001193", Channel.IN_PERSON): 2, ("1.001193", Channel.ONLINE): 1})
    made = campaign(leader, size=3, invite=True)
    survey_answer_submit(token=survey_token(made.members.get(number=1)), answers=FULL)
    public = survey_url(made.members.get(number=2))

    found = {public: _checked(page, base + public)}
    _login(page, base, "leader")
    staff_pages = [
        "/danh-gia/khao-sat/dot/",
        "/danh-gia/khao-sat/dot/tao/",
        f"/danh-gia/khao-sat/dot/{made.pk}/",
        f"/danh-gia/khao-sat/dot/{made.pk}/nhap-phieu/",
    ]
    found |= {path: _checked(page, base + path) for path in staff_pages}

    assert found == dict.fromkeys([public, *staff_pages], CLEAN)
