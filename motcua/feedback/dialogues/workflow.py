"""The dialogue workflow (RULES.md §1.9): one table of status → allowed actions for the
dialogue, one for a commitment, and the permission each action needs.

Pure: no database. ``services`` asks :func:`transition` / :func:`commitment_transition` before
every write; no other code sets a status. An action whose target is the status it starts from
(recording a question, an answer, a commitment, progress on it) changes the dialogue's content,
not its status, and is allowed only in the statuses listed. ``ASK`` is the public's (the
question form while the dialogue takes questions), not a staff action.
"""

from __future__ import annotations

from dataclasses import dataclass

from motcua.core.permissions import DIALOGUE_APPROVE, DIALOGUE_MANAGE, DIALOGUE_REPORT, DIALOGUE_VIEW
from motcua.feedback.dialogues.choices import CommitmentAction as C
from motcua.feedback.dialogues.choices import CommitmentStatus as CS
from motcua.feedback.dialogues.choices import DialogueAction as A
from motcua.feedback.dialogues.choices import DialogueStatus as S

PERM_VIEW = DIALOGUE_VIEW
PERM_MANAGE = DIALOGUE_MANAGE  # plan, open the form, record questions, answers and commitments
PERM_REPORT = DIALOGUE_REPORT  # report progress on a commitment, mark it done or dropped
PERM_APPROVE = DIALOGUE_APPROVE  # the leader approves and publishes the minutes
PUBLIC = ""  # no staff permission: anyone, on the public form


@dataclass(frozen=True)
class Transition:
    target: S
    permission: str


@dataclass(frozen=True)
class CommitmentTransition:
    target: CS
    permission: str


def _stay(status: S, *actions: tuple[A, str]) -> dict[A, Transition]:
    return {action: Transition(status, perm) for action, perm in actions}


WORKFLOW: dict[S, dict[A, Transition]] = {
    S.PLANNED: {
        A.OPEN_QUESTIONS: Transition(S.QUESTIONS_OPEN, PERM_MANAGE),
        A.HOLD: Transition(S.HELD, PERM_MANAGE),
        A.CANCEL: Transition(S.CANCELLED, PERM_MANAGE),
    },
    S.QUESTIONS_OPEN: {
        A.HOLD: Transition(S.HELD, PERM_MANAGE),
        A.CANCEL: Transition(S.CANCELLED, PERM_MANAGE),
        **_stay(S.QUESTIONS_OPEN, (A.ASK, PUBLIC), (A.RECORD_QUESTION, PERM_MANAGE)),
    },
    S.HELD: {
        A.PUBLISH_MINUTES: Transition(S.MINUTES_PUBLISHED, PERM_APPROVE),
        **_stay(
            S.HELD,
            (A.RECORD_QUESTION, PERM_MANAGE),
            (A.ANSWER, PERM_MANAGE),
            (A.DRAFT_MINUTES, PERM_MANAGE),
            (A.COMMIT, PERM_MANAGE),
            (A.PROGRESS, PERM_REPORT),
            (A.COMPLETE, PERM_REPORT),
            (A.DROP, PERM_MANAGE),
        ),
    },
    S.MINUTES_PUBLISHED: {
        A.CLOSE: Transition(S.CLOSED, PERM_MANAGE),
        **_stay(
            S.MINUTES_PUBLISHED,
            (A.COMMIT, PERM_MANAGE),
            (A.PROGRESS, PERM_REPORT),
            (A.COMPLETE, PERM_REPORT),
            (A.DROP, PERM_MANAGE),
        ),
    },
    S.CLOSED: {},
    S.CANCELLED: {},
}
# The dialogue's actions that change its status (the others record content in it).
STATUS_ACTIONS = frozenset({A.OPEN_QUESTIONS, A.HOLD, A.CANCEL, A.PUBLISH_MINUTES, A.CLOSE})
REASON_REQUIRED = frozenset({A.CANCEL})

COMMITMENT_WORKFLOW: dict[CS, dict[C, CommitmentTransition]] = {
    CS.OPEN: {
        C.PROGRESS: CommitmentTransition(CS.OPEN, PERM_REPORT),
        C.COMPLETE: CommitmentTransition(CS.DONE, PERM_REPORT),
        C.DROP: CommitmentTransition(CS.DROPPED, PERM_MANAGE),
    },
    CS.DONE: {},
    CS.DROPPED: {},
}
# The dialogue action each commitment action is logged (and allowed) as.
COMMITMENT_AS_DIALOGUE: dict[C, A] = {C.PROGRESS: A.PROGRESS, C.COMPLETE: A.COMPLETE, C.DROP: A.DROP}


def transition(status: S, action: A) -> Transition | None:
    return WORKFLOW.get(status, {}).get(action)


def commitment_transition(status: CS, action: C) -> CommitmentTransition | None:
    return COMMITMENT_WORKFLOW.get(status, {}).get(action)


def staff_actions(status: S, permissions: set[str]) -> list[A]:
    """The status-changing staff actions the table allows from ``status`` for ``permissions``."""
    return [
        action for action, step in WORKFLOW.get(status, {}).items() if action in STATUS_ACTIONS and step.permission in permissions
    ]


def can(status: S, action: A, permissions: set[str]) -> bool:
    step = transition(status, action)
    return step is not None and step.permission != PUBLIC and step.permission in permissions


def commitment_actions(dialogue_status: S, status: CS, permissions: set[str]) -> list[C]:
    """The commitment actions allowed now: the commitment's table and the dialogue's both."""
    return [
        action
        for action, step in COMMITMENT_WORKFLOW.get(status, {}).items()
        if step.permission in permissions and can(dialogue_status, COMMITMENT_AS_DIALOGUE[action], permissions)
    ]
