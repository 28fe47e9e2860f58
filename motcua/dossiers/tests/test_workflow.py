"""The workflow table: every (status, action) pair, and random sequences."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from motcua.dossiers.choices import TERMINAL_STATUSES, DossierAction, DossierStatus
from motcua.dossiers.workflow import CREATING_ACTIONS, WORKFLOW, IllegalTransition, guard, next_status, replay

EXPECTED_ALLOWED = {
    DossierStatus.SUBMITTED: {"receive", "request_supplement", "refuse", "stop"},
    DossierStatus.RECEIVED: {"request_supplement", "refuse", "transfer", "apologize", "stop"},
    DossierStatus.SUPPLEMENT_REQUESTED: {"supplement", "refuse", "stop"},
    DossierStatus.IN_PROGRESS: {
        "transfer",
        "complete_step",
        "request_supplement",
        "request_fees",
        "approve",
        "reject",
        "apologize",
        "stop",
    },
    DossierStatus.AWAITING_FEES: {"pay_fees", "apologize", "stop"},
    DossierStatus.APPROVED: {"mark_ready"},
    DossierStatus.REJECTED: {"mark_ready"},
    DossierStatus.READY_FOR_RETURN: {"return_result"},
    DossierStatus.REFUSED: set(),
    DossierStatus.RETURNED: set(),
    DossierStatus.STOPPED: set(),
}


def test_table_covers_every_status() -> None:
    assert set(WORKFLOW) == set(DossierStatus)


@pytest.mark.parametrize(("status", "action"), list(itertools.product(DossierStatus, DossierAction)))
def test_every_status_action_pair(status: DossierStatus, action: DossierAction) -> None:
    if action.value in EXPECTED_ALLOWED[status]:
        transition = guard(status, action)
        assert transition.target is None or transition.target in DossierStatus
    else:
        with pytest.raises(IllegalTransition):
            guard(status, action)


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
        DossierAction.APPROVE,
        DossierAction.MARK_READY,
        DossierAction.RETURN_RESULT,
    ]

    assert replay(actions) == DossierStatus.RETURNED


@settings(max_examples=300, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=1000), max_size=40), st.sampled_from(sorted(CREATING_ACTIONS)))
def test_random_legal_walks_never_reach_an_illegal_state(choices: list[int], first: DossierAction) -> None:
    history = [next_status([], first)]
    for choice in choices:
        allowed = list(WORKFLOW[history[-1]])
        if not allowed:
            assert history[-1] in TERMINAL_STATUSES
            break
        action = allowed[choice % len(allowed)]
        history.append(next_status(history, action))
        assert history[-1] in DossierStatus
        assert history[-1] != DossierStatus.SUBMITTED or action in {DossierAction.SUPPLEMENT}


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(list(DossierAction)), min_size=1, max_size=30))
def test_any_action_sequence_is_either_legal_or_refused(actions: list[DossierAction]) -> None:
    try:
        status = replay(actions)
    except IllegalTransition:
        return
    assert status in DossierStatus


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
