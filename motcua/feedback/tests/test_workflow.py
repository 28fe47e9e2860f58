"""The petition workflow table (RULES.md §5, Art. 9): every (status, action) pair, and random
sequences of actions never reach a status the table does not name."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from motcua.feedback.choices import OPEN_STATUSES, PetitionAction, PetitionStatus
from motcua.feedback.workflow import PERM_APPROVE, PERM_PROCESS, PETITIONER, WORKFLOW, staff_actions, transition

A, S = PetitionAction, PetitionStatus

EXPECTED = {
    (S.RECEIVED, A.CLASSIFY): S.CLASSIFIED,
    (S.RECEIVED, A.REFUSE): S.REFUSED,
    (S.RECEIVED, A.MERGE): S.MERGED,
    (S.CLASSIFIED, A.START): S.PROCESSING,
    (S.CLASSIFIED, A.FORWARD): S.FORWARDED,
    (S.CLASSIFIED, A.REQUEST_INFO): S.AWAITING_INFO,
    (S.CLASSIFIED, A.REFUSE): S.REFUSED,
    (S.CLASSIFIED, A.MERGE): S.MERGED,
    (S.AWAITING_INFO, A.SUPPLEMENT): S.PROCESSING,
    (S.AWAITING_INFO, A.REFUSE): S.REFUSED,
    (S.PROCESSING, A.DRAFT_ANSWER): S.ANSWER_DRAFTED,
    (S.PROCESSING, A.REQUEST_INFO): S.AWAITING_INFO,
    (S.PROCESSING, A.FORWARD): S.FORWARDED,
    (S.ANSWER_DRAFTED, A.APPROVE): S.AWAITING_PUBLICATION,
    (S.ANSWER_DRAFTED, A.RETURN_FOR_REWORK): S.PROCESSING,
    (S.AWAITING_PUBLICATION, A.PUBLISH): S.PUBLISHED,
    (S.PUBLISHED, A.CLOSE): S.CLOSED,
    (S.PUBLISHED, A.REOPEN): S.PROCESSING,
    (S.FORWARDED, A.CLOSE): S.CLOSED,
}


def test_every_status_and_action_pair_is_as_the_table_says() -> None:
    for status in S:
        for action in A:
            step = transition(status, action)
            assert (step.target if step else None) == EXPECTED.get((status, action)), (status, action)


def test_only_the_leader_approves_or_returns_the_answer_and_only_the_petitioner_reopens() -> None:
    assert {(s, a) for s, row in WORKFLOW.items() for a, t in row.items() if t.permission == PERM_APPROVE} == {
        (S.ANSWER_DRAFTED, A.APPROVE),
        (S.ANSWER_DRAFTED, A.RETURN_FOR_REWORK),
    }
    assert {(s, a) for s, row in WORKFLOW.items() for a, t in row.items() if t.permission == PETITIONER} == {
        (S.PUBLISHED, A.REOPEN)
    }
    assert staff_actions(S.PUBLISHED, {PERM_PROCESS, PERM_APPROVE}) == [A.CLOSE]


def test_ended_petitions_take_no_action() -> None:
    assert WORKFLOW[S.REFUSED] == WORKFLOW[S.MERGED] == WORKFLOW[S.CLOSED] == {}
    assert not OPEN_STATUSES & {S.REFUSED, S.MERGED, S.CLOSED, S.PUBLISHED, S.FORWARDED}


@given(st.lists(st.sampled_from(list(A)), max_size=40))
def test_random_action_sequences_stay_in_the_table(actions: list[PetitionAction]) -> None:
    status = S.RECEIVED
    for action in actions:
        step = transition(status, action)
        if step is None:
            continue
        status = step.target
        assert status in WORKFLOW
