"""Dialogue pages in a real headless Chromium (RULES.md §1.9): the public list, a dialogue with
its question form, the published minutes, and the staff pages have no axe-core violation and
nothing scrolls sideways at 390 px or 1366 px."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING

import pytest

from motcua.core.tests.browser import CLEAN
from motcua.core.tests.browser import visit_and_check as _checked
from motcua.dossiers.tests.test_browser import _login
from motcua.feedback.dialogues.choices import CommitmentAction, DialogueAction
from motcua.feedback.dialogues.services import CommitmentActInput, commitment_act, dialogue_act
from motcua.feedback.tests.dialogue_factories import HELD, PLANNED, boss, commitment, held, manager, open_for_questions

if TYPE_CHECKING:
    from playwright.sync_api import Page
    from pytest_django.live_server_helper import LiveServer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_dialogue_pages_are_accessible_and_fit_a_phone(page: Page, live_server: LiveServer, units: None) -> None:
    base = live_server.url
    done = held()
    commitment(done, due_on=date(2026, 12, 1))
    commitment(done, due_on=date(2026, 12, 31), text="Niêm yết lại bảng phí, lệ phí tại quầy và trên trang của xã.")
    officer = manager(username="dt-officer-32218")
    commitment_act(
        actor=officer,
        code=done.code,
        seq=2,
        action=CommitmentAction.COMPLETE,
        data=CommitmentActInput(note="Đã niêm yết.", link="https://example.vn/bang-phi"),
        at=HELD + timedelta(days=4),
    )
    leader = boss()
    dialogue_act(
        actor=leader,
        code=done.code,
        action=DialogueAction.PUBLISH_MINUTES,
        minutes="Biên bản hội nghị đối thoại với Nhân dân xã Phú Tân năm 2026: 1 câu hỏi, 2 cam kết.",
        at=HELD + timedelta(days=1),
    )
    upcoming = open_for_questions(at=PLANNED, starts_at=HELD + timedelta(days=40))
    meeting = held()  # held, minutes not yet published: the answer, question and commitment forms
    public = ["/doi-thoai/", f"/doi-thoai/{upcoming.code}/", f"/doi-thoai/{done.code}/", f"/doi-thoai/{done.code}/bien-ban/"]

    found = {path: _checked(page, base + path) for path in public}
    _login(page, base, "dt-leader")
    staff_pages = [
        "/lam-viec/",
        "/doi-thoai/quan-ly/",
        "/doi-thoai/quan-ly/len-ke-hoach/",
        f"/doi-thoai/quan-ly/{done.code}/",
        f"/doi-thoai/quan-ly/{upcoming.code}/",
        f"/doi-thoai/quan-ly/{meeting.code}/",
    ]
    found |= {path: _checked(page, base + path) for path in staff_pages}

    assert found == dict.fromkeys([*public, *staff_pages], CLEAN)
