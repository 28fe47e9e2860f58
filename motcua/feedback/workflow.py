"""The petition workflow: one table of status → allowed actions (RULES.md §5, Art. 9 and
the national PAKN system's steps), and the permission each action needs.

Pure: no database. ``services.petition_act`` is the only place that changes a petition's status,
and it asks :func:`guard` first. ``REOPEN`` is the petitioner's (from the answer's page, once,
when not satisfied), not a staff action; ``RECEIVE`` is the first event of every petition.
"""

from __future__ import annotations

from dataclasses import dataclass

from motcua.core.permissions import PETITION_APPROVE, PETITION_PROCESS, PETITION_RECEIVE, PETITION_VIEW
from motcua.feedback.choices import PetitionAction as A
from motcua.feedback.choices import PetitionStatus as S

PERM_VIEW = PETITION_VIEW
PERM_RECEIVE = PETITION_RECEIVE  # record a written or telephone petition at the counter
PERM_PROCESS = PETITION_PROCESS  # classify, forward, ask for information, draft, publish, close
PERM_APPROVE = PETITION_APPROVE  # the leader approves (or returns) the drafted answer
PETITIONER = ""  # no staff permission: the petitioner's own action


@dataclass(frozen=True)
class Transition:
    target: S
    permission: str


WORKFLOW: dict[S, dict[A, Transition]] = {
    S.RECEIVED: {
        A.CLASSIFY: Transition(S.CLASSIFIED, PERM_PROCESS),
        A.REFUSE: Transition(S.REFUSED, PERM_PROCESS),
        A.MERGE: Transition(S.MERGED, PERM_PROCESS),
    },
    S.CLASSIFIED: {
        A.START: Transition(S.PROCESSING, PERM_PROCESS),
        A.FORWARD: Transition(S.FORWARDED, PERM_PROCESS),
        A.REQUEST_INFO: Transition(S.AWAITING_INFO, PERM_PROCESS),
        A.REFUSE: Transition(S.REFUSED, PERM_PROCESS),
        A.MERGE: Transition(S.MERGED, PERM_PROCESS),
    },
    S.AWAITING_INFO: {
        A.SUPPLEMENT: Transition(S.PROCESSING, PERM_PROCESS),
        A.REFUSE: Transition(S.REFUSED, PERM_PROCESS),
    },
    S.PROCESSING: {
        A.DRAFT_ANSWER: Transition(S.ANSWER_DRAFTED, PERM_PROCESS),
        A.REQUEST_INFO: Transition(S.AWAITING_INFO, PERM_PROCESS),
        A.FORWARD: Transition(S.FORWARDED, PERM_PROCESS),
    },
    S.ANSWER_DRAFTED: {
        A.APPROVE: Transition(S.AWAITING_PUBLICATION, PERM_APPROVE),
        A.RETURN_FOR_REWORK: Transition(S.PROCESSING, PERM_APPROVE),
    },
    S.AWAITING_PUBLICATION: {A.PUBLISH: Transition(S.PUBLISHED, PERM_PROCESS)},
    S.PUBLISHED: {
        A.CLOSE: Transition(S.CLOSED, PERM_PROCESS),
        A.REOPEN: Transition(S.PROCESSING, PETITIONER),
    },
    S.FORWARDED: {A.CLOSE: Transition(S.CLOSED, PERM_PROCESS)},
    S.REFUSED: {},
    S.MERGED: {},
    S.CLOSED: {},
}
# Actions that need a written reason (shown to the petitioner or kept in the book).
REASON_REQUIRED = frozenset({A.REFUSE, A.FORWARD, A.REQUEST_INFO, A.RETURN_FOR_REWORK, A.REOPEN})


def transition(status: S, action: A) -> Transition | None:
    return WORKFLOW.get(status, {}).get(action)


def staff_actions(status: S, permissions: set[str]) -> list[A]:
    """The staff actions the table allows from ``status`` for someone holding ``permissions``."""
    return [
        action
        for action, step in WORKFLOW.get(status, {}).items()
        if step.permission != PETITIONER and step.permission in permissions
    ]
