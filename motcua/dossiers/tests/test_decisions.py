"""Decisions belong to the competent agency (RULES.md §1.4 row 7; Decree 118/2025 Art. 22).

Approve and reject: only a leader whose own agency is the dossier's deciding agency. A leader
of another agency (same commune, a unit above, or the commune that holds a liên thông step)
sees the dossier and, holding the open step, completes it; the decision stays with the
competent agency. Every refusal changes nothing.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import User

from motcua.core.choices import AgencyKind, Role
from motcua.core.exceptions import DomainError, PermissionDenied
from motcua.core.models import AuditEvent
from motcua.core.tests.factories import staff_user
from motcua.dossiers.choices import DossierAction, DossierStatus, Proposal, StepStatus
from motcua.dossiers.exceptions import DossierErrorCode
from motcua.dossiers.models import Dossier, DossierEvent
from motcua.dossiers.services import ActionInput, available_actions, dossier_act, dossier_receive
from motcua.dossiers.tests.factories import commune_agencies, intake, procedure, staff

pytestmark = pytest.mark.django_db
VN = ZoneInfo("Asia/Ho_Chi_Minh")
NOW = dt.datetime(2026, 3, 2, 10, 0, tzinfo=VN)


@pytest.fixture
def officer() -> User:
    procedure()
    commune_agencies()
    return staff("officer", Role.RECEPTION_OFFICER)


def _in_progress(officer: User, *, agency_code: str = "32218", receiver: User | None = None) -> Dossier:
    """A dossier received at 32218 (deciding agency: UBND 32218) and transferred to the People's
    Committee of ``agency_code``."""
    dossier = dossier_receive(actor=officer, intake=intake(), now=NOW).dossier
    target = commune_agencies(agency_code)[AgencyKind.PEOPLES_COMMITTEE]
    dossier_act(
        actor=officer,
        code=dossier.code,
        action=DossierAction.TRANSFER,
        data=ActionInput(agency_id=target.pk, receiver_id=receiver.pk if receiver else None),
        now=NOW + dt.timedelta(hours=1),
    )
    return Dossier.objects.unrestricted("test assertion").get(pk=dossier.pk)


def _awaiting(officer: User) -> Dossier:
    """A dossier at the deciding agency that its specialist has submitted for decision (trình ký)."""
    dossier = _in_progress(officer)
    proposer = staff("pc-proposer", Role.SPECIALIST, kind=AgencyKind.PEOPLES_COMMITTEE)
    dossier_act(actor=proposer, code=dossier.code, action=DossierAction.PROPOSE, now=NOW + dt.timedelta(hours=2))
    return Dossier.objects.unrestricted("test assertion").get(pk=dossier.pk)


def _snapshot(dossier: Dossier) -> tuple[str, int, int, int]:
    row = Dossier.objects.unrestricted("test assertion").get(pk=dossier.pk)
    return (
        row.status,
        DossierEvent.objects.filter(dossier=row).count(),
        AuditEvent.objects.unrestricted("test assertion").count(),
        row.steps.filter(status=StepStatus.OPEN).count(),
    )


def _refused(actor: User, dossier: Dossier, action: DossierAction) -> None:
    before = _snapshot(dossier)
    with pytest.raises(PermissionDenied):
        dossier_act(
            actor=actor,
            code=dossier.code,
            action=action,
            data=ActionInput(result_summary="Không"),
            now=NOW + dt.timedelta(days=1),
        )
    assert _snapshot(dossier) == before


@pytest.mark.parametrize("action", [DossierAction.APPROVE, DossierAction.REJECT])
def test_leader_of_the_deciding_agency_decides(officer: User, action: DossierAction) -> None:
    """RULES.md §1.4 row 7: the competent agency's leader approves or rejects."""
    leader = staff("pc-leader", Role.LEADER, kind=AgencyKind.PEOPLES_COMMITTEE)
    dossier = _awaiting(officer)

    assert action in available_actions(leader, dossier)
    done = dossier_act(
        actor=leader, code=dossier.code, action=action, data=ActionInput(result_summary="Lý do"), now=NOW + dt.timedelta(days=1)
    )

    assert done.status == (DossierStatus.APPROVED if action == DossierAction.APPROVE else DossierStatus.REJECTED)


@pytest.mark.parametrize("action", [DossierAction.APPROVE, DossierAction.REJECT])
def test_leader_of_another_agency_of_the_same_commune_cannot_decide(officer: User, action: DossierAction) -> None:
    """RULES.md §1.4 row 7: the service centre's leader is not the competent agency's leader."""
    centre_leader = staff("centre-leader", Role.LEADER, kind=AgencyKind.SERVICE_CENTRE)
    dossier = _awaiting(officer)

    assert action not in available_actions(centre_leader, dossier)
    _refused(centre_leader, dossier, action)


def test_leader_of_a_unit_above_cannot_decide_a_commune_dossier(officer: User) -> None:
    """RULES.md §1.4 row 7: a provincial leader sees the commune's dossier but does not sign its decision."""
    province_leader = staff_user("province-leader", Role.LEADER, unit_code="96")
    dossier = _awaiting(officer)

    assert Dossier.objects.restrict(province_leader, "view").filter(pk=dossier.pk).exists()
    assert DossierAction.APPROVE not in available_actions(province_leader, dossier)
    _refused(province_leader, dossier, DossierAction.APPROVE)


def test_system_administrator_cannot_decide(officer: User) -> None:
    """RULES.md §1.4 row 7: a decision is signed by the competent person, not by an administrator of the system."""
    admin = staff_user("root", Role.SYSTEM_ADMINISTRATOR, unit_code="96")
    dossier = _awaiting(officer)

    _refused(admin, dossier, DossierAction.APPROVE)


def test_specialist_of_the_deciding_agency_cannot_decide(officer: User) -> None:
    """RULES.md §1.4 row 7: deciding needs a leader (the decide permission)."""
    specialist = staff("pc-specialist", Role.SPECIALIST, kind=AgencyKind.PEOPLES_COMMITTEE)
    dossier = _awaiting(officer)

    assert DossierAction.APPROVE not in available_actions(specialist, dossier)
    _refused(specialist, dossier, DossierAction.APPROVE)


def test_other_communes_leader_holding_the_step_completes_it_but_cannot_decide(officer: User) -> None:
    """RULES.md §1.4 rows 5a and 7: a liên thông step at another commune gives that commune's
    leader the step, not the decision."""
    other_leader = staff("phumy-leader", Role.LEADER, code="32214", kind=AgencyKind.PEOPLES_COMMITTEE)
    deciding_leader = staff("pc-leader", Role.LEADER, kind=AgencyKind.PEOPLES_COMMITTEE)
    dossier = _in_progress(officer, agency_code="32214", receiver=other_leader)

    offered = set(available_actions(other_leader, dossier))
    assert DossierAction.COMPLETE_STEP in offered
    assert not offered & {DossierAction.APPROVE, DossierAction.REJECT}

    after_step = dossier_act(
        actor=other_leader,
        code=dossier.code,
        action=DossierAction.COMPLETE_STEP,
        data=ActionInput(reason="Đã xác minh"),
        now=NOW + dt.timedelta(days=1),
    )
    assert (after_step.status, after_step.current_agency_id) == (DossierStatus.IN_PROGRESS, None)
    specialist = staff("pc-specialist", Role.SPECIALIST, kind=AgencyKind.PEOPLES_COMMITTEE)
    dossier_act(actor=specialist, code=dossier.code, action=DossierAction.PROPOSE, now=NOW + dt.timedelta(days=2))
    _refused(other_leader, dossier, DossierAction.APPROVE)
    _refused(other_leader, dossier, DossierAction.REJECT)

    decided = dossier_act(
        actor=deciding_leader,
        code=dossier.code,
        action=DossierAction.APPROVE,
        data=ActionInput(result_summary="Đã cấp"),
        now=NOW + dt.timedelta(days=2),
    )
    assert decided.status == DossierStatus.APPROVED


# --- Trình ký: the decision follows the specialist's proposal (RULES.md §1.4 rows 5 and 7) ----------


def test_rules_1_4_row_7_a_leader_cannot_decide_a_dossier_not_submitted_for_decision(officer: User) -> None:
    """RULES.md §1.4 row 7 ("Decided / signed") comes after row 5 ("Assigned / processing") ends
    with the specialist's proposal: an in-progress dossier offers the leader no decision."""
    leader = staff("pc-leader", Role.LEADER, kind=AgencyKind.PEOPLES_COMMITTEE)
    dossier = _in_progress(officer)
    before = _snapshot(dossier)

    offered = set(available_actions(leader, dossier))
    with pytest.raises(DomainError) as refused:
        dossier_act(actor=leader, code=dossier.code, action=DossierAction.APPROVE, now=NOW + dt.timedelta(days=1))

    assert not offered & {DossierAction.APPROVE, DossierAction.REJECT, DossierAction.RETURN_FOR_REWORK}
    assert refused.value.code == DossierErrorCode.ACTION_NOT_ALLOWED
    assert _snapshot(dossier) == before


def test_rules_1_4_row_5_the_specialist_submits_a_proposal_with_a_draft_result(officer: User) -> None:
    """RULES.md §1.4 rows 5 and 7: the processing step ends with a proposal (approve or reject,
    a note, a draft result); the dossier then waits for the leader."""
    specialist = staff("pc-specialist", Role.SPECIALIST, kind=AgencyKind.PEOPLES_COMMITTEE)
    dossier = _in_progress(officer)

    assert DossierAction.PROPOSE in available_actions(specialist, dossier)
    proposed = dossier_act(
        actor=specialist,
        code=dossier.code,
        action=DossierAction.PROPOSE,
        data=ActionInput(proposal=Proposal.REJECT, reason="Không đủ điều kiện", result_summary="Dự thảo văn bản từ chối"),
        now=NOW + dt.timedelta(days=1),
    )

    event = proposed.events.order_by("-seq").first()
    assert event is not None
    assert (proposed.status, proposed.result_summary) == (DossierStatus.AWAITING_DECISION, "Dự thảo văn bản từ chối")
    assert (event.action, event.reason, event.payload["proposal"]) == ("propose", "Không đủ điều kiện", "reject")


def test_rules_1_4_row_5_a_proposal_to_reject_needs_its_reasons(officer: User) -> None:
    """RULES.md §1.4 row 7: a refusal is written with reasons, so its proposal must carry them."""
    specialist = staff("pc-specialist", Role.SPECIALIST, kind=AgencyKind.PEOPLES_COMMITTEE)
    dossier = _in_progress(officer)
    before = _snapshot(dossier)

    with pytest.raises(DomainError) as refused:
        dossier_act(
            actor=specialist,
            code=dossier.code,
            action=DossierAction.PROPOSE,
            data=ActionInput(proposal=Proposal.REJECT),
            now=NOW + dt.timedelta(days=1),
        )

    assert refused.value.code == DossierErrorCode.REASON_REQUIRED
    assert _snapshot(dossier) == before


def test_rules_1_4_row_5a_no_proposal_while_another_agency_holds_a_step(officer: User) -> None:
    """RULES.md §1.4 rows 5a and 7: the proposal is made at the competent agency, after the
    liên thông step at another commune is finished."""
    other_leader = staff("phumy-leader", Role.LEADER, code="32214", kind=AgencyKind.PEOPLES_COMMITTEE)
    dossier = _in_progress(officer, agency_code="32214", receiver=other_leader)
    before = _snapshot(dossier)

    with pytest.raises(DomainError) as refused:
        dossier_act(actor=other_leader, code=dossier.code, action=DossierAction.PROPOSE, now=NOW + dt.timedelta(days=1))

    assert DossierAction.PROPOSE not in available_actions(other_leader, dossier)
    assert refused.value.code == DossierErrorCode.STEP_AT_ANOTHER_AGENCY
    assert _snapshot(dossier) == before


def test_rules_1_4_row_7_the_leader_sends_a_proposal_back_for_rework(officer: User) -> None:
    """RULES.md §1.4 row 7: the leader may return the proposal with a reason; the dossier is in
    progress again and the specialist proposes anew."""
    leader = staff("pc-leader", Role.LEADER, kind=AgencyKind.PEOPLES_COMMITTEE)
    dossier = _awaiting(officer)

    returned = dossier_act(
        actor=leader,
        code=dossier.code,
        action=DossierAction.RETURN_FOR_REWORK,
        data=ActionInput(reason="Bổ sung kết quả xác minh"),
        now=NOW + dt.timedelta(days=1),
    )

    assert returned.status == DossierStatus.IN_PROGRESS
    assert returned.assigned_to_id == User.objects.get(username="pc-proposer").pk  # back in the proposer's "Của tôi"
    assert DossierAction.PROPOSE in available_actions(
        staff("pc-specialist", Role.SPECIALIST, kind=AgencyKind.PEOPLES_COMMITTEE), returned
    )


def test_rules_1_4_row_7_sending_back_needs_a_reason(officer: User) -> None:
    leader = staff("pc-leader", Role.LEADER, kind=AgencyKind.PEOPLES_COMMITTEE)
    dossier = _awaiting(officer)
    before = _snapshot(dossier)

    with pytest.raises(DomainError) as refused:
        dossier_act(actor=leader, code=dossier.code, action=DossierAction.RETURN_FOR_REWORK, now=NOW + dt.timedelta(days=1))

    assert refused.value.code == DossierErrorCode.REASON_REQUIRED
    assert _snapshot(dossier) == before


def test_rules_1_4_row_7_only_the_deciding_agencys_leader_sends_back(officer: User) -> None:
    centre_leader = staff("centre-leader", Role.LEADER, kind=AgencyKind.SERVICE_CENTRE)
    dossier = _awaiting(officer)

    assert DossierAction.RETURN_FOR_REWORK not in available_actions(centre_leader, dossier)
    _refused(centre_leader, dossier, DossierAction.RETURN_FOR_REWORK)


def test_rules_1_4_row_7_the_leader_signs_the_proposed_draft_result(officer: User) -> None:
    """The leader approves with no text of their own: the draft result of the proposal is the result."""
    leader = staff("pc-leader", Role.LEADER, kind=AgencyKind.PEOPLES_COMMITTEE)
    dossier = _in_progress(officer)
    specialist = staff("pc-specialist", Role.SPECIALIST, kind=AgencyKind.PEOPLES_COMMITTEE)
    dossier_act(
        actor=specialist,
        code=dossier.code,
        action=DossierAction.PROPOSE,
        data=ActionInput(result_summary="Cấp Giấy khai sinh bản chính"),
        now=NOW + dt.timedelta(hours=3),
    )

    decided = dossier_act(actor=leader, code=dossier.code, action=DossierAction.APPROVE, now=NOW + dt.timedelta(days=1))

    assert (decided.status, decided.result_summary) == (DossierStatus.APPROVED, "Cấp Giấy khai sinh bản chính")
