"""The public timeline of a dossier (issue 10 item 8): received, transferred between agencies,
supplement requested and received, decided, result ready, returned, with dates dd/mm/yyyy, no
officer names and no reasons; shown on the look-up page and in the API's ``LookupOut``."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from django.test import Client

from motcua.core.choices import AgencyKind, Role
from motcua.dossiers.choices import DossierAction
from motcua.dossiers.models import Dossier
from motcua.dossiers.public import PublicEvent, public_timeline
from motcua.dossiers.services import ActionInput, dossier_act, dossier_receive
from motcua.dossiers.services.inputs import DocumentInput
from motcua.dossiers.tests.factories import PDF, commune_agencies, intake, procedure, staff

pytestmark = pytest.mark.django_db
VN = ZoneInfo("Asia/Ho_Chi_Minh")
REASON = "Thiếu bản sao giấy chứng nhận kết hôn của ông Lê Văn Cường"


def at(day: str, hm: str = "10:00") -> dt.datetime:
    return dt.datetime.fromisoformat(f"{day}T{hm}").replace(tzinfo=VN)


@pytest.fixture(autouse=True)
def _no_throttle() -> None:
    cache.clear()


@pytest.fixture
def officer() -> User:
    procedure()
    commune_agencies()
    return staff("officer", Role.RECEPTION_OFFICER, full_name="Phạm Thị Dung")


@pytest.fixture
def returned(officer: User) -> Dossier:
    """Received Mon 02/03/2026, transferred, a supplement asked and brought, approved, returned."""
    leader = staff("leader", Role.LEADER, kind=AgencyKind.PEOPLES_COMMITTEE, full_name="Hoàng Văn Em")
    code = dossier_receive(actor=officer, intake=intake(), now=at("2026-03-02")).dossier.code
    dossier_act(actor=officer, code=code, action=DossierAction.TRANSFER, now=at("2026-03-02", "14:00"))
    items = ActionInput(items=["Bản sao giấy chứng nhận kết hôn"], reason=REASON)
    dossier_act(actor=leader, code=code, action=DossierAction.REQUEST_SUPPLEMENT, data=items, now=at("2026-03-03"))
    brought = ActionInput(documents=[DocumentInput(name="Giấy chứng nhận kết hôn", content=PDF)])
    dossier_act(actor=officer, code=code, action=DossierAction.SUPPLEMENT, data=brought, now=at("2026-03-04"))
    decision = ActionInput(result_summary="Đã cấp Giấy khai sinh")
    dossier_act(actor=leader, code=code, action=DossierAction.PROPOSE, now=at("2026-03-05"))
    dossier_act(actor=leader, code=code, action=DossierAction.APPROVE, data=decision, now=at("2026-03-05"))
    dossier_act(actor=officer, code=code, action=DossierAction.MARK_READY, now=at("2026-03-05", "15:00"))
    return dossier_act(actor=officer, code=code, action=DossierAction.RETURN_RESULT, now=at("2026-03-06"))


def test_public_timeline_lists_the_steps_a_citizen_follows(returned: Dossier) -> None:
    pc = commune_agencies()[AgencyKind.PEOPLES_COMMITTEE]

    timeline = public_timeline(returned)

    assert timeline == [
        PublicEvent("receive", dt.date(2026, 3, 2), "Đã tiếp nhận"),
        PublicEvent("transfer", dt.date(2026, 3, 2), f"Chuyển đến {pc.name}"),
        PublicEvent("request_supplement", dt.date(2026, 3, 3), "Yêu cầu bổ sung hồ sơ"),
        PublicEvent("supplement", dt.date(2026, 3, 4), "Đã nhận hồ sơ bổ sung"),
        PublicEvent("approve", dt.date(2026, 3, 5), "Đã có quyết định giải quyết"),
        PublicEvent("mark_ready", dt.date(2026, 3, 5), "Có kết quả, chờ trả"),
        PublicEvent("return_result", dt.date(2026, 3, 6), "Đã trả kết quả"),
    ]


def test_public_timeline_uses_the_local_day(officer: User) -> None:
    # 23:30 on 02/03 in Vietnam is 16:30 UTC: the day shown is the local one.
    dossier = dossier_receive(actor=officer, intake=intake(), now=at("2026-03-02", "23:30")).dossier

    assert [e.on for e in public_timeline(dossier)] == [dt.date(2026, 3, 2)]


def test_lookup_page_shows_the_timeline_with_dates_and_no_names_or_reasons(client: Client, returned: Dossier) -> None:
    html = client.get("/tra-cuu/", {"code": returned.code, "check": "4217"}).content.decode()

    timeline = html[html.index('<ol class="timeline"') : html.index("</ol>", html.index('<ol class="timeline"'))]
    assert timeline.count("<li ") == 7
    assert '<time datetime="2026-03-03">03/03/2026</time> <span>Yêu cầu bổ sung hồ sơ</span>' in timeline
    for private in ("Phạm Thị Dung", "Hoàng Văn Em", REASON, "Lê Văn Cường", "Nguyễn Văn An"):
        assert private not in html


def test_lookup_api_returns_the_same_timeline(client: Client, returned: Dossier) -> None:
    body = client.get(f"/api/v1/lookup/{returned.code}", {"check": "4217"}).json()

    assert [(e["action"], e["on"]) for e in body["timeline"]] == [
        ("receive", "2026-03-02"),
        ("transfer", "2026-03-02"),
        ("request_supplement", "2026-03-03"),
        ("supplement", "2026-03-04"),
        ("approve", "2026-03-05"),
        ("mark_ready", "2026-03-05"),
        ("return_result", "2026-03-06"),
    ]
    assert body["timeline"][2]["label"] == "Yêu cầu bổ sung hồ sơ"
    assert "Phạm Thị Dung" not in str(body) and REASON not in str(body)


def test_lookup_api_timeline_follows_the_readers_language(client: Client, returned: Dossier) -> None:
    client.cookies["motcua_language"] = "en"

    body = client.get(f"/api/v1/lookup/{returned.code}", {"check": "4217"}).json()

    assert body["timeline"][0]["label"] == "Received"
    assert body["timeline"][-1]["label"] == "Result returned"


@pytest.mark.parametrize("action", [DossierAction.STOP])
def test_a_stopped_dossier_shows_no_appointment_on_the_lookup(client: Client, officer: User, action: DossierAction) -> None:
    """RULES.md §1.4: a stopped dossier ends without a result, so the look-up shows no "Hẹn trả
    kết quả" date (it did, with the appointment that no longer means anything)."""
    code = dossier_receive(actor=officer, intake=intake(), now=at("2026-03-02")).dossier.code
    dossier_act(actor=officer, code=code, action=action, data=ActionInput(reason="Người nộp rút hồ sơ"), now=at("2026-03-03"))
    html = client.get("/tra-cuu/", {"code": code, "check": "4217"}).content.decode()
    assert "Hẹn trả kết quả" not in html
    assert "sẽ không có kết quả" in html
    body = client.get(f"/api/v1/lookup/{code}", {"check": "4217"}).json()
    assert body["due_at"] is None
    assert body["ended_without_result"] is True


def test_an_open_dossier_still_shows_its_appointment(client: Client, officer: User) -> None:
    code = dossier_receive(actor=officer, intake=intake(), now=at("2026-03-02")).dossier.code
    html = client.get("/tra-cuu/", {"code": code, "check": "4217"}).content.decode()
    assert "Hẹn trả kết quả" in html
    assert client.get(f"/api/v1/lookup/{code}", {"check": "4217"}).json()["ended_without_result"] is False
