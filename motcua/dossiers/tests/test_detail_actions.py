"""The dossier page's actions (issue 10 items 5 and 6): transfers naming an officer, the
confirmation of terminal actions, htmx partials, the apology's working days, no raw code."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth.models import User
from django.test import Client
from pytest_django import DjangoCaptureOnCommitCallbacks

from motcua.core.choices import AgencyKind, Role
from motcua.core.exceptions import DomainError
from motcua.core.models import AuditEvent
from motcua.core.notifications import MemoryBackend
from motcua.dossiers.choices import DossierAction, DossierStatus
from motcua.dossiers.models import Dossier, DossierEvent
from motcua.dossiers.selectors import QueueFilter, dossier_queue
from motcua.dossiers.services import ActionInput, dossier_act, dossier_receive
from motcua.dossiers.tests.factories import commune_agencies, intake, procedure, staff

pytestmark = pytest.mark.django_db
VN = ZoneInfo("Asia/Ho_Chi_Minh")
HX = {"HX-Request": "true"}


def at(day: str, hm: str = "10:00") -> dt.datetime:
    return dt.datetime.fromisoformat(f"{day}T{hm}").replace(tzinfo=VN)


@pytest.fixture
def officer() -> User:
    procedure()
    commune_agencies()
    return staff("officer", Role.RECEPTION_OFFICER)


@pytest.fixture
def specialist() -> User:
    user = staff("spec", Role.SPECIALIST, kind=AgencyKind.PEOPLES_COMMITTEE, full_name="Phạm Thị Dung")
    user.email = "dung@example.vn"
    user.save()
    return user


@pytest.fixture
def dossier(officer: User) -> Dossier:
    return dossier_receive(actor=officer, intake=intake(), now=at("2026-12-07")).dossier  # due 14/12 17:00


def _committee() -> int:
    return commune_agencies()[AgencyKind.PEOPLES_COMMITTEE].pk


def test_transfer_to_a_named_officer_puts_it_in_their_queue_and_notifies_them(
    client: Client,
    officer: User,
    specialist: User,
    dossier: Dossier,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    MemoryBackend.outbox.clear()
    client.force_login(officer)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/ho-so/{dossier.code}/hanh-dong/transfer/", {"agency_id": _committee(), "receiver_id": specialist.pk, "reason": "x"}
        )

    assert response.status_code == 302
    assert [d.code for d in dossier_queue(user=specialist, flt=QueueFilter(mine=True))] == [dossier.code]
    assert [(m.channel, m.to, m.kind) for m in MemoryBackend.outbox] == [("email", "dung@example.vn", "dossier.transferred")]
    event = DossierEvent.objects.get(dossier=dossier, action=DossierAction.TRANSFER)
    assert (event.payload["receiver"], event.payload["receiver_name"]) == (specialist.pk, "Phạm Thị Dung")
    assert AuditEvent.objects.get(action="dossier.transfer", object_id=dossier.code).data["receiver"] == specialist.pk


def test_transfer_to_an_officer_of_another_agency_is_refused_and_changes_nothing(
    officer: User, specialist: User, dossier: Dossier
) -> None:
    MemoryBackend.outbox.clear()
    desk = commune_agencies()[AgencyKind.SERVICE_CENTRE]

    with pytest.raises(DomainError) as refused:
        dossier_act(
            actor=officer,
            code=dossier.code,
            action=DossierAction.TRANSFER,
            data=ActionInput(agency_id=desk.pk, receiver_id=specialist.pk),
        )

    assert refused.value.code == "transfer_receiver_invalid" and list(refused.value.fields) == ["receiver_id"]
    assert Dossier.objects.get(pk=dossier.pk).status == DossierStatus.RECEIVED
    assert DossierEvent.objects.filter(dossier=dossier).count() == 1
    assert MemoryBackend.outbox == []


def test_receiver_options_list_the_process_staff_of_the_chosen_agency(
    client: Client, officer: User, specialist: User, dossier: Dossier
) -> None:
    staff("clerk", Role.RECEPTION_OFFICER, kind=AgencyKind.PEOPLES_COMMITTEE, full_name="Võ Văn Em")
    client.force_login(officer)

    response = client.get(f"/ho-so/{dossier.code}/can-bo-nhan/?agency_id={_committee()}", headers=HX)

    text = response.content.decode()
    assert response.status_code == 200
    assert f'<option value="{specialist.pk}">Phạm Thị Dung</option>' in text
    assert "Võ Văn Em" not in text  # no process permission


def test_receiver_options_are_refused_to_anonymous_other_unit_and_no_transfer_permission(
    client: Client, officer: User, specialist: User, dossier: Dossier
) -> None:
    url = f"/ho-so/{dossier.code}/can-bo-nhan/?agency_id={_committee()}"
    procedure()
    other = staff("other", Role.RECEPTION_OFFICER, code="32214")

    anonymous = client.get(url)
    client.force_login(other)
    other_unit = client.get(url)
    client.force_login(specialist)  # may process, but the dossier is at the desk: not theirs to transfer
    no_permission = client.get(url)
    client.force_login(officer)
    unknown_agency = client.get(f"/ho-so/{dossier.code}/can-bo-nhan/?agency_id=999999")

    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/dang-nhap/")
    assert (other_unit.status_code, no_permission.status_code, unknown_agency.status_code) == (404, 403, 404)


def test_stop_without_confirmation_changes_nothing_and_says_why(client: Client, officer: User, dossier: Dossier) -> None:
    client.force_login(officer)

    response = client.post(f"/ho-so/{dossier.code}/hanh-dong/stop/", {"reason": "Người nộp xin dừng"}, follow=True)

    text = response.content.decode()
    assert Dossier.objects.get(pk=dossier.pk).status == DossierStatus.RECEIVED
    assert DossierEvent.objects.filter(dossier=dossier).count() == 1
    assert 'data-code="confirmation_required"' in text
    assert "(confirmation_required)" not in text and "Hồ sơ sẽ kết thúc" in text


@pytest.mark.parametrize("action", [DossierAction.REFUSE, DossierAction.STOP, DossierAction.REJECT])
def test_terminal_actions_need_the_confirmation_in_the_service(officer: User, action: DossierAction) -> None:
    online = dossier_receive(actor=officer, intake=intake(), online=True, now=at("2026-12-07")).dossier
    code = online.code
    if action == DossierAction.REJECT:
        code = dossier_receive(actor=officer, intake=intake(), now=at("2026-12-07")).dossier.code
        dossier_act(actor=officer, code=code, action=DossierAction.TRANSFER, now=at("2026-12-07", "11:00"))
        specialist = staff("specialist", Role.SPECIALIST, kind=AgencyKind.PEOPLES_COMMITTEE)
        dossier_act(actor=specialist, code=code, action=DossierAction.PROPOSE, now=at("2026-12-07", "14:00"))
    actor = staff("leader", Role.LEADER, kind=AgencyKind.PEOPLES_COMMITTEE) if action == DossierAction.REJECT else officer
    before = Dossier.objects.get(code=code).status

    with pytest.raises(DomainError) as refused:
        dossier_act(
            actor=actor,
            code=code,
            action=action,
            data=ActionInput(reason="Lý do", result_summary="Lý do", confirm=False),
            now=at("2026-12-08"),
        )

    assert refused.value.code == "confirmation_required"
    assert Dossier.objects.get(code=code).status == before


def test_htmx_post_returns_the_status_and_actions_partials(client: Client, officer: User, dossier: Dossier) -> None:
    client.force_login(officer)

    response = client.post(f"/ho-so/{dossier.code}/hanh-dong/transfer/", {"agency_id": _committee(), "reason": "x"}, headers=HX)

    text = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in text
    assert 'id="dossier-actions"' in text
    assert 'id="dossier-status" hx-swap-oob="true"' in text
    assert "Đang giải quyết" in text
    assert Dossier.objects.get(pk=dossier.pk).status == DossierStatus.IN_PROGRESS


def test_htmx_error_is_shown_next_to_the_form_translated(client: Client, officer: User, dossier: Dossier) -> None:
    client.force_login(officer)

    response = client.post(f"/ho-so/{dossier.code}/hanh-dong/stop/", {"reason": ""}, headers=HX)

    text = response.content.decode()
    assert response.status_code == 200
    assert 'data-code="confirmation_required"' in text
    assert "confirmation_required)" not in text
    assert Dossier.objects.get(pk=dossier.pk).status == DossierStatus.RECEIVED


def test_apology_on_a_sunday_is_refused_on_the_page_naming_the_field_rules_1_4_row_6(
    client: Client, officer: User, dossier: Dossier
) -> None:
    leader = staff("leader", Role.LEADER, kind=AgencyKind.PEOPLES_COMMITTEE)

    with time_machine.travel(at("2026-12-09"), tick=False):
        client.force_login(leader)
        page = client.get(f"/ho-so/{dossier.code}/").content.decode()
        response = client.post(
            f"/ho-so/{dossier.code}/hanh-dong/apologize/", {"reason": "Chờ xác minh", "new_due_date": "20/12/2026"}, headers=HX
        )

    text = response.content.decode()
    assert '<option value="15/12/2026">' in page and '<option value="19/12/2026">' not in page  # working days only
    assert 'data-code="new_due_not_working_day"' in text
    assert "20/12/2026" in text
    assert Dossier.objects.get(pk=dossier.pk).extension_used is False


def test_leaders_main_action_is_approve_first_and_open(client: Client, officer: User, dossier: Dossier) -> None:
    """On a dossier submitted for decision (trình ký, RULES.md §1.4 row 7) the leader's main action is approve."""
    leader = staff("leader", Role.LEADER, kind=AgencyKind.PEOPLES_COMMITTEE)
    specialist = staff("specialist", Role.SPECIALIST, kind=AgencyKind.PEOPLES_COMMITTEE)
    dossier_act(actor=officer, code=dossier.code, action=DossierAction.TRANSFER, now=at("2026-12-07", "11:00"))
    dossier_act(actor=specialist, code=dossier.code, action=DossierAction.PROPOSE, now=at("2026-12-07", "14:00"))
    client.force_login(leader)

    text = client.get(f"/ho-so/{dossier.code}/").content.decode()

    first_form = text.index('hx-post="/ho-so/')
    assert text[first_form:].startswith(f'hx-post="/ho-so/{dossier.code}/hanh-dong/approve/"')
    assert '<div class="action action-main"><h3>Phê duyệt</h3>' in text


def test_specialists_main_action_on_a_dossier_in_progress_is_the_proposal(
    client: Client, officer: User, dossier: Dossier
) -> None:
    """RULES.md §1.4 row 5: the specialist ends the processing by submitting it for decision (trình ký)."""
    specialist = staff("specialist", Role.SPECIALIST, kind=AgencyKind.PEOPLES_COMMITTEE)
    dossier_act(actor=officer, code=dossier.code, action=DossierAction.TRANSFER, now=at("2026-12-07", "11:00"))
    client.force_login(specialist)

    text = client.get(f"/ho-so/{dossier.code}/").content.decode()

    first_form = text.index('hx-post="/ho-so/')
    assert text[first_form:].startswith(f'hx-post="/ho-so/{dossier.code}/hanh-dong/propose/"')
    assert 'name="proposal" value="reject"' in text


def test_a_proposal_to_reject_posted_from_the_page_waits_for_the_leader(client: Client, officer: User, dossier: Dossier) -> None:
    specialist = staff("specialist", Role.SPECIALIST, kind=AgencyKind.PEOPLES_COMMITTEE)
    dossier_act(actor=officer, code=dossier.code, action=DossierAction.TRANSFER, now=at("2026-12-07", "11:00"))
    client.force_login(specialist)

    response = client.post(
        f"/ho-so/{dossier.code}/hanh-dong/propose/", {"proposal": "reject", "reason": "Không đủ điều kiện"}, headers=HX
    )

    assert response.status_code == 200
    event = DossierEvent.objects.filter(dossier=dossier).order_by("-seq").first()
    assert event is not None and (event.action, event.payload["proposal"]) == ("propose", "reject")
    assert Dossier.objects.get(pk=dossier.pk).status == DossierStatus.AWAITING_DECISION


def test_leader_sees_the_proposal_and_its_draft_result_rules_1_4_row_7(client: Client, officer: User, dossier: Dossier) -> None:
    """RULES.md §1.4 row 7: the leader decides on the specialist's proposal, shown with its note;
    the decision's text starts from the draft result."""
    leader = staff("leader", Role.LEADER, kind=AgencyKind.PEOPLES_COMMITTEE)
    specialist = staff("specialist", Role.SPECIALIST, kind=AgencyKind.PEOPLES_COMMITTEE, full_name="Võ Minh Đức")
    dossier_act(actor=officer, code=dossier.code, action=DossierAction.TRANSFER, now=at("2026-12-07", "11:00"))
    dossier_act(
        actor=specialist,
        code=dossier.code,
        action=DossierAction.PROPOSE,
        data=ActionInput(reason="Đủ điều kiện", result_summary="Cấp Giấy khai sinh"),
        now=at("2026-12-07", "14:00"),
    )
    client.force_login(leader)

    text = client.get(f"/ho-so/{dossier.code}/").content.decode()

    assert "<strong>Đề xuất: Phê duyệt</strong> — Võ Minh Đức, 14:00 07/12/2026" in text
    assert "Ghi chú: Đủ điều kiện" in text
    assert 'name="result_summary" rows="2" cols="60">Cấp Giấy khai sinh</textarea>' in text
