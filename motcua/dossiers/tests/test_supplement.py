"""One supplement request (Decree 118/2025 Art. 11(2)), the leader's recorded override, the
766 judgement stored by the services, and "chờ bổ sung" never shown as overdue.

RULES.md §1.4 row 3b and §1.6 Classification.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from motcua.core.apikeys import apikey_create
from motcua.core.choices import AgencyKind, Role
from motcua.core.exceptions import DomainError, PermissionDenied
from motcua.core.models import AuditEvent
from motcua.dossiers.choices import DossierAction, DossierStatus, SlipForm, Timeliness
from motcua.dossiers.models import ClockChange, Dossier, DossierEvent, Slip
from motcua.dossiers.public import lookup_payload
from motcua.dossiers.selectors import (
    QueueFilter,
    dossier_lookup,
    dossier_queue,
    is_overdue,
    supplement_override_counts,
)
from motcua.dossiers.services import ActionInput, DocumentInput, available_actions, dossier_act, dossier_receive
from motcua.dossiers.tests.factories import PDF, commune_agencies, intake, procedure, staff

pytestmark = pytest.mark.django_db
VN = ZoneInfo("Asia/Ho_Chi_Minh")


def at(day: str, hm: str = "10:00") -> dt.datetime:
    return dt.datetime.fromisoformat(f"{day}T{hm}").replace(tzinfo=VN)


@pytest.fixture
def officer() -> User:
    procedure()
    commune_agencies()
    return staff("officer", Role.RECEPTION_OFFICER)


@pytest.fixture
def leader() -> User:
    return staff("leader", Role.LEADER, kind=AgencyKind.PEOPLES_COMMITTEE)


def _received(officer: User, when: dt.datetime | None = None) -> Dossier:
    """Received (by default Mon 02/03/2026 10:00: due Mon 09/03 17:00, 5 working days)."""
    return dossier_receive(actor=officer, intake=intake(), now=when or at("2026-03-02")).dossier


def _request(actor: User, code: str, when: dt.datetime, **extra: Any) -> Dossier:
    data = ActionInput(items=["Bản sao giấy chứng nhận kết hôn"], reason="Thiếu giấy tờ", **extra)
    return dossier_act(actor=actor, code=code, action=DossierAction.REQUEST_SUPPLEMENT, data=data, now=when)


def _supplement(actor: User, code: str, when: dt.datetime) -> Dossier:
    data = ActionInput(documents=[DocumentInput(name="Giấy chứng nhận kết hôn", content=PDF)])
    return dossier_act(actor=actor, code=code, action=DossierAction.SUPPLEMENT, data=data, now=when)


def _snapshot(dossier: Dossier) -> tuple[object, ...]:
    row = Dossier.objects.get(pk=dossier.pk)
    return (
        row.status,
        row.supplement_count,
        row.due_at,
        row.remaining_at_pause,
        DossierEvent.objects.filter(dossier=dossier).count(),
        Slip.objects.filter(dossier=dossier).count(),
        ClockChange.objects.filter(dossier=dossier).count(),
        AuditEvent.objects.count(),
    )


@pytest.fixture
def supplemented_once(officer: User) -> Dossier:
    dossier = _received(officer)
    _request(officer, dossier.code, at("2026-03-03"))
    return _supplement(officer, dossier.code, at("2026-03-03", "14:00"))


# --- One request only ----------------------------------------------------------------------------


def test_second_supplement_request_is_refused_and_changes_nothing(officer: User, supplemented_once: Dossier) -> None:
    """RULES.md §1.4 row 3b: "chỉ được yêu cầu sửa đổi, bổ sung một lần" (Decree 118 Art. 11(2))."""
    before = _snapshot(supplemented_once)

    with pytest.raises(DomainError) as caught:
        _request(officer, supplemented_once.code, at("2026-03-04"))

    assert caught.value.code == "supplement_already_requested"
    assert caught.value.status_code == 409
    assert "một lần" in str(caught.value.message)  # translated (vi is the default language)
    assert _snapshot(supplemented_once) == before


def test_officer_cannot_override_the_one_request_rule(officer: User, supplemented_once: Dossier) -> None:
    """RULES.md §1.4 row 3b: only a leader may override."""
    before = _snapshot(supplemented_once)

    with pytest.raises(PermissionDenied):
        _request(officer, supplemented_once.code, at("2026-03-04"), override=True, override_reason="Tôi muốn")

    assert _snapshot(supplemented_once) == before


def test_leader_override_needs_a_written_reason(leader: User, supplemented_once: Dossier) -> None:
    """RULES.md §1.4 row 3b: the override carries a written reason."""
    before = _snapshot(supplemented_once)

    with pytest.raises(DomainError) as caught:
        _request(leader, supplemented_once.code, at("2026-03-04"), override=True, override_reason="  ")

    assert caught.value.code == "override_reason_required"
    assert caught.value.fields == {"override_reason": "Bắt buộc."}
    assert _snapshot(supplemented_once) == before


def test_leader_override_with_a_reason_is_recorded_as_a_violation(leader: User, supplemented_once: Dossier) -> None:
    """RULES.md §1.4 row 3b: the override is recorded and counts against the unit."""
    dossier = _request(
        leader, supplemented_once.code, at("2026-03-04"), override=True, override_reason="Bản sao lần trước không hợp lệ"
    )

    event = DossierEvent.objects.filter(dossier=dossier).order_by("-seq").first()
    assert dossier.status == DossierStatus.SUPPLEMENT_REQUESTED
    assert dossier.supplement_count == 2
    assert event is not None and event.action == DossierAction.REQUEST_SUPPLEMENT and event.actor == leader
    assert event.payload["override"] is True
    assert event.payload["override_reason"] == "Bản sao lần trước không hợp lệ"
    assert event.payload["violation"] == "supplement_once"
    audit = AuditEvent.objects.filter(object_id=dossier.code).order_by("-id").first()
    assert audit is not None and audit.action == "dossier.supplement_override"
    assert Slip.objects.filter(dossier=dossier, form=SlipForm.SUPPLEMENT).count() == 2


def test_first_request_is_not_an_override(officer: User) -> None:
    dossier = _request(officer, _received(officer).code, at("2026-03-03"))

    event = DossierEvent.objects.filter(dossier=dossier).order_by("-seq").first()
    assert event is not None and "override" not in event.payload
    assert AuditEvent.objects.filter(object_id=dossier.code, action="dossier.supplement_override").count() == 0


def test_overrides_are_counted_per_unit_and_period(officer: User, leader: User, supplemented_once: Dossier) -> None:
    """RULES.md §1.4 row 3b: the index counts the overrides against the receiving unit."""
    _request(leader, supplemented_once.code, at("2026-03-04"), override=True, override_reason="Lý do")
    outsider = staff("outsider", Role.LEADER, code="32214", kind=AgencyKind.PEOPLES_COMMITTEE)

    march = supplement_override_counts(user=leader, start=at("2026-03-01", "00:00"), end=at("2026-04-01", "00:00"))
    april = supplement_override_counts(user=leader, start=at("2026-04-01", "00:00"), end=at("2026-05-01", "00:00"))
    other = supplement_override_counts(user=outsider, start=at("2026-03-01", "00:00"), end=at("2026-04-01", "00:00"))

    assert [(row.unit_code, row.count) for row in march] == [(supplemented_once.receiving_unit.code, 1)]
    assert april == []
    assert other == []


def test_spent_request_is_offered_only_to_the_leader(officer: User, leader: User, supplemented_once: Dossier) -> None:
    """RULES.md §1.4 row 3b: the button is not offered when spent, except as the leader's override."""
    assert DossierAction.REQUEST_SUPPLEMENT not in available_actions(officer, supplemented_once)
    assert DossierAction.REQUEST_SUPPLEMENT in available_actions(leader, supplemented_once)


def test_page_offers_the_override_with_a_reason_field_only_to_the_leader(
    client: Client, officer: User, leader: User, supplemented_once: Dossier
) -> None:
    client.force_login(officer)
    officer_html = client.get(f"/ho-so/{supplemented_once.code}/").content.decode()
    client.force_login(leader)
    leader_html = client.get(f"/ho-so/{supplemented_once.code}/").content.decode()

    assert "hanh-dong/request_supplement/" not in officer_html
    assert "chỉ lãnh đạo mới có thể cho phép" in officer_html
    assert "hanh-dong/request_supplement/" in leader_html
    assert 'name="override_reason"' in leader_html and 'name="override" value="1"' in leader_html


def test_page_override_is_recorded(client: Client, leader: User, supplemented_once: Dossier) -> None:
    client.force_login(leader)

    response = client.post(
        f"/ho-so/{supplemented_once.code}/hanh-dong/request_supplement/",
        {"items": "Bản chính giấy khai sinh", "reason": "Thiếu", "override": "1", "override_reason": "Giấy tờ sai"},
    )

    assert response.status_code == 302
    row = Dossier.objects.get(pk=supplemented_once.pk)
    assert (row.status, row.supplement_count) == (DossierStatus.SUPPLEMENT_REQUESTED, 2)


def test_api_refuses_a_second_request_and_accepts_the_leaders_override(
    client: Client, officer: User, leader: User, supplemented_once: Dossier
) -> None:
    _row, officer_key = apikey_create(user=officer)
    _row, leader_key = apikey_create(user=leader)
    url = f"/api/v1/dossiers/{supplemented_once.code}/actions/request_supplement"
    body = {"items": ["Giấy tờ"], "reason": "Thiếu"}

    listed = client.get(f"/api/v1/dossiers/{supplemented_once.code}", HTTP_AUTHORIZATION=f"Bearer {officer_key}").json()
    refused = client.post(url, body, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {officer_key}")
    overridden = client.post(
        url,
        {**body, "override": True, "override_reason": "Giấy tờ sai"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {leader_key}",
    )

    assert listed["supplement_spent"] is True
    assert "request_supplement" not in listed["allowed_actions"]
    assert (refused.status_code, refused.json()["code"]) == (409, "supplement_already_requested")
    assert overridden.status_code == 200
    assert overridden.json()["supplement_count"] == 2


# --- Timeliness as the services store it (RULES.md §1.6) ----------------------------------------


def test_supplement_time_is_not_charged_to_the_agency(officer: User, leader: User) -> None:
    """RULES.md §1.6: decided after the first appointment but within the time the agency had."""
    dossier = _received(officer)  # due Mon 09/03 17:00
    _request(officer, dossier.code, at("2026-03-05", "17:00"))
    _supplement(officer, dossier.code, at("2026-03-12", "07:00"))  # 2 working days left: due 13/03 17:00
    pc = commune_agencies()[AgencyKind.PEOPLES_COMMITTEE]
    dossier_act(
        actor=officer, code=dossier.code, action=DossierAction.TRANSFER, data=ActionInput(agency_id=pc.pk), now=at("2026-03-12")
    )

    dossier_act(actor=leader, code=dossier.code, action=DossierAction.PROPOSE, now=at("2026-03-13", "15:00"))
    decided = dossier_act(
        actor=leader,
        code=dossier.code,
        action=DossierAction.APPROVE,
        data=ActionInput(result_summary="Đã cấp"),
        now=at("2026-03-13", "16:00"),
    )

    assert decided.due_at == at("2026-03-13", "17:00")
    assert decided.timeliness == Timeliness.ON_TIME


@pytest.mark.parametrize("ending", [DossierAction.STOP])
def test_stopped_while_waiting_is_not_late(officer: User, ending: DossierAction) -> None:
    """RULES.md §1.6: stopped while a supplement is pending ends at the request. (A received
    dossier can no longer be refused, RULES.md §1.4 row 2; the refusal case of the rule is
    covered on ``clock.dossier_outcome`` in test_clock.py.)"""
    dossier = _received(officer)  # due 09/03 17:00
    _request(officer, dossier.code, at("2026-03-04"))

    ended = dossier_act(
        actor=officer, code=dossier.code, action=ending, data=ActionInput(reason="Không bổ sung"), now=at("2026-04-20")
    )

    assert ended.finished_at == at("2026-04-20")
    assert ended.timeliness == Timeliness.EARLY


def test_waiting_dossier_stores_no_judgement(officer: User) -> None:
    """RULES.md §1.6: a dossier waiting for the applicant is not finished."""
    dossier = _request(officer, _received(officer).code, at("2026-03-03"))

    assert dossier.timeliness == ""


# --- "Chờ bổ sung": never overdue ------------------------------------------------------------------


@pytest.fixture
def waiting(officer: User) -> Dossier:
    """Received 02/03 (due 09/03 17:00), waiting since 05/03 10:00 with 2.625 working days left."""
    dossier = _received(officer)
    return _request(officer, dossier.code, at("2026-03-05"))


def test_waiting_dossier_records_the_working_time_left(waiting: Dossier) -> None:
    assert str(waiting.remaining_at_pause) == "2.6250"


def test_waiting_dossier_is_not_in_the_overdue_or_due_soon_queues(officer: User, waiting: Dossier) -> None:
    """RULES.md §1.6: the citizen's waiting is never charged; the queues agree."""
    late = at("2026-04-01")
    overdue = dossier_queue(user=officer, flt=QueueFilter(overdue=True), now=late)
    soon = dossier_queue(user=officer, flt=QueueFilter(due_within_days=2), now=at("2026-03-08"))
    everything = dossier_queue(user=officer, flt=QueueFilter(), now=late)

    assert list(overdue) == [] and list(soon) == []
    assert [d.code for d in everything] == [waiting.code]
    assert is_overdue(waiting, late) is False


def test_queue_and_page_show_waiting_with_the_time_left_never_overdue(client: Client, officer: User, waiting: Dossier) -> None:
    """RULES.md §1.6: shown as "chờ bổ sung" with the working time left, not "quá hạn"."""
    client.force_login(officer)

    queue = client.get("/ho-so/?view=all").content.decode()
    page = client.get(f"/ho-so/{waiting.code}/").content.decode()

    for html in (queue, page):
        assert "chờ bổ sung" in html
        assert "còn 2,63 ngày làm việc" in html
        assert "QUÁ HẠN" not in html


def test_public_lookup_shows_waiting_never_overdue(client: Client, waiting: Dossier) -> None:
    """RULES.md §1.6 and §1.3: the look-up says "chờ bổ sung" and the time left."""
    payload = lookup_payload(dossier_lookup(code=waiting.code, check=waiting.check_id4))
    html = client.get("/tra-cuu/", {"code": waiting.code, "check": waiting.check_id4}).content.decode()

    assert payload["waiting_for_supplement"] is True
    assert payload["overdue"] is False
    assert str(payload["remaining_days"]) == "2.6250"
    assert "chờ bổ sung" in html and "còn 2,63 ngày làm việc" in html
    assert "QUÁ HẠN" not in html


def test_public_lookup_shows_an_overdue_open_dossier(client: Client, officer: User) -> None:
    dossier = _received(officer, timezone.now() - dt.timedelta(days=30))

    payload = lookup_payload(dossier_lookup(code=dossier.code, check=dossier.check_id4))

    assert (payload["waiting_for_supplement"], payload["overdue"], payload["remaining_days"]) == (False, True, None)


def test_supplement_clears_the_time_left(officer: User, waiting: Dossier) -> None:
    resumed = _supplement(officer, waiting.code, at("2026-03-10"))

    assert resumed.remaining_at_pause is None
    assert resumed.status == DossierStatus.RECEIVED


# --- Random sequences -------------------------------------------------------------------------------

STEPS = st.lists(st.sampled_from(["officer_request", "leader_override", "supplement"]), min_size=1, max_size=6)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=STEPS)
def test_random_requests_never_pass_the_one_request_rule_unrecorded(officer: User, leader: User, steps: list[str]) -> None:
    """RULES.md §1.4 row 3b: whatever is tried, a request after the first exists only as a
    leader's recorded override, and a waiting dossier is never overdue (§1.6)."""
    dossier = _received(officer)
    when = at("2026-03-02", "10:00")
    for step in steps:
        when += dt.timedelta(hours=3)
        try:
            if step == "supplement":
                _supplement(officer, dossier.code, when)
            elif step == "officer_request":
                _request(officer, dossier.code, when)
            else:
                _request(leader, dossier.code, when, override=True, override_reason="Giấy tờ sai")
        except (DomainError, PermissionDenied):
            pass

    row = Dossier.objects.get(pk=dossier.pk)
    requests = list(DossierEvent.objects.filter(dossier=dossier, action=DossierAction.REQUEST_SUPPLEMENT).order_by("seq"))
    assert row.supplement_count == len(requests)
    assert all("override" not in e.payload for e in requests[:1])
    assert all(e.payload.get("override") is True and e.actor == leader for e in requests[1:])
    assert AuditEvent.objects.filter(object_id=row.code, action="dossier.supplement_override").count() == len(requests[1:])
    if row.status == DossierStatus.SUPPLEMENT_REQUESTED:
        assert not is_overdue(row, at("2027-01-01")) and row.timeliness == ""
