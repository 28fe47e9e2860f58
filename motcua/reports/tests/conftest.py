"""A hand-built quarter (2026-Q1) at commune Phú Tân (32218), and one dossier elsewhere."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import User

from motcua.core.choices import AgencyKind, Role
from motcua.dossiers.choices import Channel, DossierAction
from motcua.dossiers.models import Dossier
from motcua.dossiers.services import ActionInput, dossier_act, dossier_receive
from motcua.dossiers.tests.factories import commune_agencies, intake, procedure, staff
from motcua.feedback.tests.factories import petition

VN = ZoneInfo("Asia/Ho_Chi_Minh")


def at(day: str, hm: str = "09:00") -> dt.datetime:
    return dt.datetime.fromisoformat(f"{day}T{hm}").replace(tzinfo=VN)


@dataclass
class Quarter:
    officer: User
    leader: User
    codes: dict[str, str]


def _settle(officer: User, leader: User, code: str, day: str) -> None:
    dossier_act(actor=officer, code=code, action=DossierAction.TRANSFER, now=at(day, "08:00"))
    dossier_act(actor=leader, code=code, action=DossierAction.PROPOSE, now=at(day, "09:00"))
    dossier_act(
        actor=leader, code=code, action=DossierAction.APPROVE, data=ActionInput(result_summary="Đã cấp"), now=at(day, "10:00")
    )


@pytest.fixture
def quarter(db: None) -> Quarter:
    """Procedure of 5 working days. A early, B late, C carried over from December and late,
    D settled on its due day, E and H (online) overdue at the end, F not yet due, G waiting for
    a supplement, I settled before the quarter (not counted)."""
    procedure(days=5)
    commune_agencies()
    officer = staff("bc-officer", Role.RECEPTION_OFFICER)
    leader = staff("bc-leader", Role.LEADER, kind=AgencyKind.PEOPLES_COMMITTEE, full_name="Hoàng Văn Em")

    def receive(day: str, channel: Channel = Channel.IN_PERSON) -> str:
        return dossier_receive(actor=officer, intake=intake(channel=channel), now=at(day)).dossier.code

    codes = {
        "A": receive("2026-01-05"),
        "B": receive("2026-01-05"),
        "C": receive("2025-12-15"),
        "D": receive("2026-02-02"),
        "E": receive("2026-03-02"),
        "F": receive("2026-03-30"),
        "G": receive("2026-03-02"),
        "H": receive("2026-02-10", Channel.ONLINE),
        "I": receive("2025-11-03"),
    }
    _settle(officer, leader, codes["A"], "2026-01-06")
    _settle(officer, leader, codes["B"], "2026-01-20")
    _settle(officer, leader, codes["C"], "2026-01-05")
    _settle(officer, leader, codes["D"], "2026-02-09")
    _settle(officer, leader, codes["I"], "2025-11-05")
    items = ActionInput(items=["Bản sao giấy chứng nhận kết hôn"], reason="Thiếu giấy tờ")
    dossier_act(actor=officer, code=codes["G"], action=DossierAction.TRANSFER, now=at("2026-03-02", "14:00"))
    dossier_act(actor=leader, code=codes["G"], action=DossierAction.REQUEST_SUPPLEMENT, data=items, now=at("2026-03-03"))
    # Another commune's dossier in the same quarter: never in Phú Tân's report.
    commune_agencies("32214")
    other = staff("bc-other", Role.RECEPTION_OFFICER, code="32214")
    dossier_receive(actor=other, intake=intake(), now=at("2026-01-05"))
    petition(at=at("2026-02-03"))
    petition(at=at("2025-12-03"))
    return Quarter(officer=officer, leader=leader, codes=codes)


def timeliness(code: str) -> str:
    return Dossier.objects.unrestricted("test").get(code=code).timeliness
