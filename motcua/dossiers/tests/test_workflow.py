"""The workflow table: every (status, action) pair, and random sequences.

RULES.md §1.4 row 2: the completeness check comes before receipt, so "refuse" (BM.03) is only
the check of a dossier never received (an online submission); a received dossier is not refused.
"""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from motcua.dossiers.choices import TERMINAL_STATUSES, DossierAction, DossierStatus
from motcua.dossiers.workflow import (
    CREATING_ACTIONS,
    PERM_DECIDE,
    PERM_PROCESS,
    PERM_RECEIVE,
    WORKFLOW,
    IllegalTransition,
    allowed_actions,
    guard,
    next_status,
    replay,
)

S, A = DossierStatus, DossierAction
# RULES.md §1.4: for every status, each allowed action with its target status (None: back to
# where the dossier was before the supplement request) and the permission it needs. Written out
# by hand, so that a change to the table is a change to this test too.
EXPECTED_TABLE: dict[DossierStatus, dict[DossierAction, tuple[DossierStatus | None, str]]] = {
    S.SUBMITTED: {
        A.RECEIVE: (S.RECEIVED, PERM_RECEIVE),
        A.REQUEST_SUPPLEMENT: (S.SUPPLEMENT_REQUESTED, PERM_RECEIVE),
        A.REFUSE: (S.REFUSED, PERM_RECEIVE),
        A.STOP: (S.STOPPED, PERM_RECEIVE),
    },
    S.RECEIVED: {
        A.REQUEST_SUPPLEMENT: (S.SUPPLEMENT_REQUESTED, PERM_RECEIVE),
        A.TRANSFER: (S.IN_PROGRESS, PERM_RECEIVE),
        A.APOLOGIZE: (S.RECEIVED, PERM_DECIDE),
        A.STOP: (S.STOPPED, PERM_RECEIVE),
    },
    S.SUPPLEMENT_REQUESTED: {
        A.SUPPLEMENT: (None, PERM_RECEIVE),
        A.REFUSE: (S.REFUSED, PERM_RECEIVE),
        A.STOP: (S.STOPPED, PERM_RECEIVE),
    },
    S.IN_PROGRESS: {
        A.TRANSFER: (S.IN_PROGRESS, PERM_PROCESS),
        A.COMPLETE_STEP: (S.IN_PROGRESS, PERM_PROCESS),
        A.REQUEST_SUPPLEMENT: (S.SUPPLEMENT_REQUESTED, PERM_PROCESS),
        A.REQUEST_FEES: (S.AWAITING_FEES, PERM_PROCESS),
        A.PROPOSE: (S.AWAITING_DECISION, PERM_PROCESS),
        A.APOLOGIZE: (S.IN_PROGRESS, PERM_DECIDE),
        A.STOP: (S.STOPPED, PERM_RECEIVE),
    },
    # RULES.md §1.4 row 7: the leader decides what the specialist submitted (trình ký).
    S.AWAITING_DECISION: {
        A.APPROVE: (S.APPROVED, PERM_DECIDE),
        A.REJECT: (S.REJECTED, PERM_DECIDE),
        A.RETURN_FOR_REWORK: (S.IN_PROGRESS, PERM_DECIDE),
        A.APOLOGIZE: (S.AWAITING_DECISION, PERM_DECIDE),
        A.STOP: (S.STOPPED, PERM_RECEIVE),
    },
    S.AWAITING_FEES: {
        A.PAY_FEES: (S.IN_PROGRESS, PERM_RECEIVE),
        A.APOLOGIZE: (S.AWAITING_FEES, PERM_DECIDE),
        A.STOP: (S.STOPPED, PERM_RECEIVE),
    },
    S.APPROVED: {A.MARK_READY: (S.READY_FOR_RETURN, PERM_RECEIVE)},
    S.REJECTED: {A.MARK_READY: (S.READY_FOR_RETURN, PERM_RECEIVE)},
    S.READY_FOR_RETURN: {A.RETURN_RESULT: (S.RETURNED, PERM_RECEIVE)},
    S.REFUSED: {},
    S.RETURNED: {},
    S.STOPPED: {},
}
EXPECTED_ALLOWED = {status: {action.value for action in actions} for status, actions in EXPECTED_TABLE.items()}


# Once received (BM.01 issued), the same table less the actions of the check before receipt.
EXPECTED_ALLOWED_AFTER_RECEIPT = {
    **EXPECTED_ALLOWED,
    DossierStatus.SUBMITTED: {"receive", "request_supplement", "stop"},  # unreachable after receipt; refused anyway
    DossierStatus.SUPPLEMENT_REQUESTED: {"supplement", "stop"},
}


def test_table_covers_every_status() -> None:
    assert set(WORKFLOW) == set(DossierStatus)


@pytest.mark.parametrize(("status", "action"), list(itertools.product(DossierStatus, DossierAction)))
def test_every_status_action_pair(status: DossierStatus, action: DossierAction) -> None:
    """RULES.md §1.4: the guard allows exactly the table's pairs, each with its target and permission."""
    if action in EXPECTED_TABLE[status]:
        transition = guard(status, action)
        assert (transition.target, transition.permission) == EXPECTED_TABLE[status][action]
    else:
        with pytest.raises(IllegalTransition):
            guard(status, action)


@pytest.mark.parametrize(("status", "action"), list(itertools.product(DossierStatus, DossierAction)))
def test_every_status_action_pair_after_receipt(status: DossierStatus, action: DossierAction) -> None:
    """RULES.md §1.4 rows 2 and 3c: a received dossier never gets a BM.03 refusal."""
    if action.value in EXPECTED_ALLOWED_AFTER_RECEIPT[status]:
        transition = guard(status, action, received=True)
        assert (transition.target, transition.permission) == EXPECTED_TABLE[status][action]
    else:
        with pytest.raises(IllegalTransition):
            guard(status, action, received=True)


def test_allowed_actions_follow_the_receipt() -> None:
    assert DossierAction.REFUSE in allowed_actions(DossierStatus.SUPPLEMENT_REQUESTED)
    assert DossierAction.REFUSE not in allowed_actions(DossierStatus.SUPPLEMENT_REQUESTED, received=True)
    assert DossierAction.REFUSE not in allowed_actions(DossierStatus.RECEIVED)


def test_a_received_dossier_cannot_be_refused_even_while_a_supplement_is_pending() -> None:
    """RULES.md §1.4 row 2: no BM.01 and a contradicting BM.03 on one dossier."""
    with pytest.raises(IllegalTransition):
        replay([DossierAction.RECEIVE, DossierAction.REFUSE])
    with pytest.raises(IllegalTransition):
        replay([DossierAction.RECEIVE, DossierAction.REQUEST_SUPPLEMENT, DossierAction.REFUSE])
    with pytest.raises(IllegalTransition):
        replay([DossierAction.SUBMIT_ONLINE, DossierAction.RECEIVE, DossierAction.REQUEST_SUPPLEMENT, DossierAction.REFUSE])


def test_an_online_submission_can_be_refused_before_receipt() -> None:
    """RULES.md §1.4 row 3c: BM.03 to an online applicant, also after an unanswered supplement request."""
    assert replay([DossierAction.SUBMIT_ONLINE, DossierAction.REFUSE]) == DossierStatus.REFUSED
    assert replay([DossierAction.SUBMIT_ONLINE, DossierAction.REQUEST_SUPPLEMENT, DossierAction.REFUSE]) == DossierStatus.REFUSED


def test_terminal_statuses_allow_nothing() -> None:
    assert all(WORKFLOW[s] == {} for s in TERMINAL_STATUSES)


def test_supplement_returns_to_where_the_dossier_was() -> None:
    assert (
        replay([DossierAction.RECEIVE, DossierAction.TRANSFER, DossierAction.REQUEST_SUPPLEMENT, DossierAction.SUPPLEMENT])
        == DossierStatus.IN_PROGRESS
    )
    assert replay([DossierAction.RECEIVE, DossierAction.REQUEST_SUPPLEMENT, DossierAction.SUPPLEMENT]) == DossierStatus.RECEIVED
    assert (
        replay([DossierAction.SUBMIT_ONLINE, DossierAction.REQUEST_SUPPLEMENT, DossierAction.SUPPLEMENT])
        == DossierStatus.SUBMITTED
    )


def test_only_creating_actions_start_a_dossier() -> None:
    for action in DossierAction:
        if action in CREATING_ACTIONS:
            assert next_status([], action) == CREATING_ACTIONS[action]
        else:
            with pytest.raises(IllegalTransition):
                next_status([], action)


def test_happy_path_reaches_returned() -> None:
    actions = [
        DossierAction.RECEIVE,
        DossierAction.TRANSFER,
        DossierAction.PROPOSE,
        DossierAction.APPROVE,
        DossierAction.MARK_READY,
        DossierAction.RETURN_RESULT,
    ]

    assert replay(actions) == DossierStatus.RETURNED


def test_a_dossier_in_progress_cannot_be_decided_before_a_proposal() -> None:
    """RULES.md §1.4 rows 5 and 7: the decision follows the specialist's proposal (trình ký)."""
    for action in (DossierAction.APPROVE, DossierAction.REJECT):
        with pytest.raises(IllegalTransition):
            replay([DossierAction.RECEIVE, DossierAction.TRANSFER, action])


def test_a_proposal_sent_back_for_rework_is_in_progress_again() -> None:
    """RULES.md §1.4 row 7: the leader may send the proposal back; the specialist proposes again."""
    actions = [DossierAction.RECEIVE, DossierAction.TRANSFER, DossierAction.PROPOSE, DossierAction.RETURN_FOR_REWORK]

    assert replay(actions) == DossierStatus.IN_PROGRESS
    assert replay([*actions, DossierAction.PROPOSE, DossierAction.REJECT]) == DossierStatus.REJECTED


@settings(max_examples=300, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=1000), max_size=40), st.sampled_from(sorted(CREATING_ACTIONS)))
def test_random_legal_walks_never_reach_an_illegal_state(choices: list[int], first: DossierAction) -> None:
    history = [next_status([], first)]
    for choice in choices:
        allowed = allowed_actions(history[-1], received=DossierStatus.RECEIVED in history)
        if not allowed:
            assert history[-1] in TERMINAL_STATUSES
            break
        action = allowed[choice % len(allowed)]
        history.append(next_status(history, action))
        assert history[-1] in DossierStatus
        assert history[-1] != DossierStatus.SUBMITTED or action in {DossierAction.SUPPLEMENT}
        assert history[-1] != DossierStatus.REFUSED or DossierStatus.RECEIVED not in history


def _expected_status(actions: list[DossierAction]) -> DossierStatus | None:
    """The status the hand-written table leads to, or None where it forbids a step."""
    history: list[DossierStatus] = []
    for action in actions:
        if not history:
            if action not in (A.SUBMIT_ONLINE, A.RECEIVE):
                return None
            history.append(S.SUBMITTED if action == A.SUBMIT_ONLINE else S.RECEIVED)
            continue
        status = history[-1]
        if action == A.RATE:  # RULES.md §3.2: recorded on a closed dossier, status unchanged
            if status not in TERMINAL_STATUSES:
                return None
            history.append(status)
            continue
        if action not in EXPECTED_TABLE[status] or (action == A.REFUSE and S.RECEIVED in history):
            return None
        target = EXPECTED_TABLE[status][action][0]
        if target is None:
            target = next(s for s in reversed(history[:-1]) if s != S.SUPPLEMENT_REQUESTED)
        history.append(target)
    return history[-1] if history else None


@settings(max_examples=500, deadline=None)
@given(
    st.one_of(
        st.lists(st.sampled_from(list(DossierAction)), min_size=1, max_size=30),
        st.builds(
            lambda first, rest: [first, *rest],
            st.sampled_from([A.SUBMIT_ONLINE, A.RECEIVE]),
            st.lists(st.sampled_from(list(DossierAction)), max_size=30),
        ),
    )
)
def test_replay_of_any_action_sequence_agrees_with_the_table(actions: list[DossierAction]) -> None:
    """RULES.md §1.4: a sequence is refused exactly when the table forbids one of its steps, and
    otherwise ends in the status the table gives."""
    expected = _expected_status(actions)
    if expected is None:
        with pytest.raises(IllegalTransition):
            replay(actions)
    else:
        assert replay(actions) == expected


@pytest.mark.parametrize("status", list(DossierStatus))
def test_rating_is_recorded_only_on_a_closed_dossier_and_keeps_its_status(status: DossierStatus) -> None:
    """RULES.md §3.2: returned, refused and stopped dossiers may be rated; the rating is an event
    that does not change the status, and it is no staff action (not in the table)."""
    history = [DossierStatus.RECEIVED, status]
    if status in TERMINAL_STATUSES:
        assert next_status(history, DossierAction.RATE) == status
    else:
        with pytest.raises(IllegalTransition):
            next_status(history, DossierAction.RATE)
    with pytest.raises(IllegalTransition):
        guard(status, DossierAction.RATE)
