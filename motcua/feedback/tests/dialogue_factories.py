"""Dialogue test data (commune Phú Tân 32218 by default, like the petition factories)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib.auth.models import User

from motcua.core.choices import AgencyKind, Role
from motcua.dossiers.tests.factories import commune_agencies, staff
from motcua.feedback.dialogues.choices import DialogueAction
from motcua.feedback.dialogues.models import Dialogue
from motcua.feedback.dialogues.services import (
    CommitmentInput,
    DialogueInput,
    QuestionInput,
    commitment_create,
    dialogue_act,
    dialogue_plan,
    question_submit,
)

A = DialogueAction
TZ = ZoneInfo("Asia/Ho_Chi_Minh")
# A fixed clock: planned on Mon 02/11/2026, held Fri 20/11/2026 08:00.
PLANNED = datetime(2026, 11, 2, 9, 0, tzinfo=TZ)
HELD = datetime(2026, 11, 20, 8, 0, tzinfo=TZ)
ASKER = {"asker_name": "Nguyễn Văn An", "asker_address": "Ấp Cái Đôi, Xã Phú Tân", "asker_phone": "0912 345 678"}


def manager(username: str = "dt-officer", code: str = "32218") -> User:
    return staff(username, Role.RECEPTION_OFFICER, code=code)


def boss(username: str = "dt-leader", code: str = "32218") -> User:
    return staff(username, Role.LEADER, code=code, kind=AgencyKind.PEOPLES_COMMITTEE)


def specialist(username: str = "dt-specialist", code: str = "32218") -> User:
    return staff(username, Role.SPECIALIST, code=code)


def plan_input(**overrides: Any) -> DialogueInput:
    values: dict[str, Any] = {
        "title": "Hội nghị đối thoại với Nhân dân năm 2026",
        "topic": "Giải quyết thủ tục hành chính và giao thông nông thôn.",
        "starts_at": HELD,
        "place": "Hội trường UBND xã Phú Tân",
        "chair": "Ông Trần Văn Bình, Chủ tịch UBND xã",
    }
    values.update(overrides)
    return DialogueInput(**values)


def planned(*, code: str = "32218", at: datetime = PLANNED, **overrides: Any) -> Dialogue:
    commune_agencies(code)
    return dialogue_plan(actor=manager(code=code, username=f"dt-officer-{code}"), data=plan_input(**overrides), at=at)


def open_for_questions(**kwargs: Any) -> Dialogue:
    dialogue = planned(**kwargs)
    return dialogue_act(
        actor=manager(username=f"dt-officer-{dialogue.unit.code}", code=dialogue.unit.code),
        code=dialogue.code,
        action=A.OPEN_QUESTIONS,
        at=PLANNED + timedelta(hours=1),
    )


def ask(dialogue: Dialogue, text: str = "Khi nào xã sửa đoạn đường ấp Cái Đôi bị sạt lở?", **asker: Any) -> int:
    data = QuestionInput(text=text, **{**ASKER, **asker})
    return question_submit(actor=None, code=dialogue.code, data=data, at=PLANNED + timedelta(days=2)).question.seq


def held(**kwargs: Any) -> Dialogue:
    """A dialogue held at HELD with one question sent before it."""
    dialogue = open_for_questions(**kwargs)
    ask(dialogue)
    officer = manager(username=f"dt-officer-{dialogue.unit.code}", code=dialogue.unit.code)
    return dialogue_act(actor=officer, code=dialogue.code, action=A.HOLD, at=HELD + timedelta(minutes=5))


def commitment(dialogue: Dialogue, *, due_on: date = date(2026, 12, 4), at: datetime | None = None, **overrides: Any) -> int:
    agencies = commune_agencies(dialogue.unit.code)
    values: dict[str, Any] = {
        "text": "Gia cố tạm đoạn sạt lở tuyến ấp Cái Đôi.",
        "due_on": due_on,
        "owner_agency_id": agencies[AgencyKind.PEOPLES_COMMITTEE].pk,
        "question_seq": 1,
    }
    values.update(overrides)
    officer = manager(username=f"dt-officer-{dialogue.unit.code}", code=dialogue.unit.code)
    return commitment_create(
        actor=officer, code=dialogue.code, data=CommitmentInput(**values), at=at or HELD + timedelta(hours=4)
    ).seq
