"""The dialogue workflow (RULES.md §1.9): every (status, action) pair of both tables, through
the services: an allowed pair moves to the table's target, any other is refused with its error
code and changes nothing."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from motcua.core.exceptions import DomainError
from motcua.feedback.dialogues.choices import CommitmentAction, CommitmentStatus, DialogueAction, DialogueStatus
from motcua.feedback.dialogues.exceptions import DialogueErrorCode as E
from motcua.feedback.dialogues.models import Commitment, Dialogue, DialogueEvent
from motcua.feedback.dialogues.services import (
    CommitmentActInput,
    CommitmentInput,
    QuestionInput,
    commitment_act,
    commitment_create,
    dialogue_act,
    dialogue_save_minutes,
    question_answer,
    question_submit,
)
from motcua.feedback.dialogues.workflow import (
    COMMITMENT_WORKFLOW,
    STATUS_ACTIONS,
    WORKFLOW,
    commitment_transition,
    transition,
)
from motcua.feedback.tests.dialogue_factories import ASKER, HELD, boss, commitment, held, open_for_questions, planned

pytestmark = pytest.mark.django_db
A, S, C, CS = DialogueAction, DialogueStatus, CommitmentAction, CommitmentStatus
LATER = HELD + timedelta(days=3)
MINUTES = "Biên bản hội nghị đối thoại: 1 câu hỏi, 1 cam kết."


def _at(status: DialogueStatus) -> Dialogue:
    """A dialogue of the test commune in ``status``, reached through the services."""
    if status == S.PLANNED:
        return planned()
    if status == S.QUESTIONS_OPEN:
        return open_for_questions()
    if status == S.CANCELLED:
        dialogue = planned()
        return dialogue_act(actor=boss(), code=dialogue.code, action=A.CANCEL, reason="Bão số 9", at=HELD - timedelta(days=1))
    dialogue = held()
    if status == S.HELD:
        return dialogue
    dialogue = dialogue_act(
        actor=boss(), code=dialogue.code, action=A.PUBLISH_MINUTES, minutes=MINUTES, at=HELD + timedelta(days=1)
    )
    if status == S.MINUTES_PUBLISHED:
        return dialogue
    return dialogue_act(actor=boss(), code=dialogue.code, action=A.CLOSE, at=HELD + timedelta(days=2))


def _state(dialogue: Dialogue) -> tuple[str, int]:
    fresh = Dialogue.objects.unrestricted("test").get(pk=dialogue.pk)
    return fresh.status, DialogueEvent.objects.filter(dialogue=dialogue).count()


@pytest.mark.parametrize("status", list(S))
@pytest.mark.parametrize("action", sorted(STATUS_ACTIONS))
def test_every_status_change_pair_of_the_table_rules_1_9(status: DialogueStatus, action: DialogueAction) -> None:
    dialogue = _at(status)
    before = _state(dialogue)
    step = transition(status, action)

    if step is None:
        with pytest.raises(DomainError) as refused:
            dialogue_act(actor=boss(), code=dialogue.code, action=action, reason="Lý do", minutes=MINUTES, at=LATER)
        assert refused.value.code == E.ACTION_NOT_ALLOWED and refused.value.status_code == 409
        assert _state(dialogue) == before
    else:
        result = dialogue_act(actor=boss(), code=dialogue.code, action=action, reason="Lý do", minutes=MINUTES, at=LATER)
        assert result.status == step.target
        assert _state(dialogue) == (step.target, before[1] + 1)


def _content(action: DialogueAction, dialogue: Dialogue) -> Any:
    code = dialogue.code
    if action == A.ASK:
        return question_submit(
            actor=None, code=code, data=QuestionInput(text="Xin hỏi về lịch tiếp dân của xã?", **ASKER), at=LATER
        )
    if action == A.RECORD_QUESTION:
        return question_submit(actor=boss(), code=code, data=QuestionInput(text="Hỏi tại hội nghị về đèn đường."), at=LATER)
    if action == A.ANSWER:
        return question_answer(actor=boss(), code=code, seq=1, answer="Xã sẽ sửa.", answered_by="Chủ tịch UBND xã", at=LATER)
    if action == A.DRAFT_MINUTES:
        return dialogue_save_minutes(actor=boss(), code=code, minutes=MINUTES, at=LATER)
    data = CommitmentInput(text="Sửa đèn đường khu chợ xã.", due_on=date(2026, 12, 31), owner_username="dt-leader")
    return commitment_create(actor=boss(), code=code, data=data, at=LATER)


@pytest.mark.parametrize("status", list(S))
@pytest.mark.parametrize("action", [A.ASK, A.RECORD_QUESTION, A.ANSWER, A.DRAFT_MINUTES, A.COMMIT])
def test_every_content_action_is_allowed_only_where_the_table_says(status: DialogueStatus, action: DialogueAction) -> None:
    dialogue = _at(status)
    before = _state(dialogue)
    allowed = transition(status, action) is not None and (action != A.ANSWER or dialogue.questions.exists())

    if allowed:
        _content(action, dialogue)
        assert _state(dialogue) == (status, before[1] + 1)  # recorded, the status unchanged
    else:
        with pytest.raises(DomainError) as refused:
            _content(action, dialogue)
        expected = E.QUESTIONS_CLOSED if action == A.ASK else E.ACTION_NOT_ALLOWED
        assert refused.value.code == expected and refused.value.status_code == 409
        assert _state(dialogue) == before


def _commitment_in(status: CommitmentStatus) -> tuple[Dialogue, int]:
    dialogue = held()
    seq = commitment(dialogue)
    if status == CS.DONE:
        commitment_act(
            actor=boss(), code=dialogue.code, seq=seq, action=C.COMPLETE, data=CommitmentActInput(note="Đã làm xong."), at=LATER
        )
    elif status == CS.DROPPED:
        commitment_act(
            actor=boss(), code=dialogue.code, seq=seq, action=C.DROP, data=CommitmentActInput(reason="Không khả thi."), at=LATER
        )
    return dialogue, seq


@pytest.mark.parametrize("status", list(CS))
@pytest.mark.parametrize("action", list(C))
def test_every_commitment_pair_of_its_table(status: CommitmentStatus, action: CommitmentAction) -> None:
    dialogue, seq = _commitment_in(status)
    data = CommitmentActInput(note="Đã có kết quả.", reason="Không còn cần thiết.")
    step = commitment_transition(status, action)
    events = DialogueEvent.objects.filter(dialogue=dialogue).count()

    if step is None:
        with pytest.raises(DomainError) as refused:
            commitment_act(actor=boss(), code=dialogue.code, seq=seq, action=action, data=data, at=LATER)
        assert refused.value.code == E.COMMITMENT_ACTION_NOT_ALLOWED
        assert Commitment.objects.unrestricted("test").get(dialogue=dialogue, seq=seq).status == status
        assert DialogueEvent.objects.filter(dialogue=dialogue).count() == events
    else:
        result = commitment_act(actor=boss(), code=dialogue.code, seq=seq, action=action, data=data, at=LATER)
        assert result.status == step.target
        assert DialogueEvent.objects.filter(dialogue=dialogue).count() == events + 1


@given(st.lists(st.sampled_from(sorted(STATUS_ACTIONS)), max_size=12))
def test_random_action_sequences_never_reach_an_illegal_state(actions: list[DialogueAction]) -> None:
    """Pure table: whatever is tried, the status stays a member, terminal states stay terminal,
    the minutes are published only from "held", and "closed" only follows published minutes."""
    status, path = S.PLANNED, [S.PLANNED]
    for action in actions:
        step = transition(status, action)
        if step is None:
            continue
        if step.target == S.MINUTES_PUBLISHED:
            assert status == S.HELD
        if step.target == S.CLOSED:
            assert status == S.MINUTES_PUBLISHED
        status = step.target
        path.append(status)
    assert all(s in S for s in path)
    for terminal in (S.CLOSED, S.CANCELLED):
        if terminal in path:
            assert path[path.index(terminal) :] == [terminal] * (len(path) - path.index(terminal))


def test_every_status_has_a_row_and_terminal_states_allow_nothing() -> None:
    assert set(WORKFLOW) == set(S) and set(COMMITMENT_WORKFLOW) == set(CS)
    assert WORKFLOW[S.CLOSED] == {} and WORKFLOW[S.CANCELLED] == {}
    assert COMMITMENT_WORKFLOW[CS.DONE] == {} and COMMITMENT_WORKFLOW[CS.DROPPED] == {}
