"""The dossier workflow: one table of status → allowed actions (RULES.md §1.4).

The completeness check comes *before* receipt (RULES.md §1.4 row 2): at the counter its
outcomes "guide a supplement" (BM.02) and "refuse to receive" (BM.03) are counter visits
(``CounterVisit``), not dossiers, so a received dossier never holds a BM.01 and a contradicting
BM.03. ``refuse`` is therefore only the check of an online submission: from ``submitted``, and
from ``supplement_requested`` while the dossier has never been received (an online submission
whose applicant was asked to complete it). A received dossier ends by the competent agency's
rejection, a stop at the applicant's request, or the return of the result.

The decision (RULES.md §1.4 row 7) is taken on a proposal: the specialist ends the processing
(row 5) with ``propose`` ("trình ký": approve or reject, a note, optionally a draft result), the
dossier waits in ``awaiting_decision`` (the leader's "Chờ phê duyệt" queue), and the leader
approves, rejects, or sends it back for rework (``return_for_rework``, back to ``in_progress``).

Pure: no database, no Django models. The transition service (``services.dossier_act``) is
the only place that changes a dossier's status, and it asks :func:`guard` first. The status
of a dossier is the result of replaying its events through this table (:func:`replay`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from motcua.core.permissions import DOSSIER_DECIDE, DOSSIER_PROCESS, DOSSIER_RECEIVE, DOSSIER_VIEW
from motcua.dossiers.choices import RATABLE_STATUSES
from motcua.dossiers.choices import DossierAction as A
from motcua.dossiers.choices import DossierStatus as S

# Permissions: defined once, in motcua/core/permissions.py (which grants them to roles).
PERM_VIEW = DOSSIER_VIEW
PERM_RECEIVE = DOSSIER_RECEIVE  # counter officer: intake, slips, return
PERM_PROCESS = DOSSIER_PROCESS  # specialist at the competent agency
PERM_DECIDE = DOSSIER_DECIDE  # leader who signs


@dataclass(frozen=True)
class Transition:
    target: S | None  # None: back to the status the dossier had before (after a supplement)
    permission: str


WORKFLOW: dict[S, dict[A, Transition]] = {
    S.SUBMITTED: {
        A.RECEIVE: Transition(S.RECEIVED, PERM_RECEIVE),
        A.REQUEST_SUPPLEMENT: Transition(S.SUPPLEMENT_REQUESTED, PERM_RECEIVE),
        A.REFUSE: Transition(S.REFUSED, PERM_RECEIVE),
        A.STOP: Transition(S.STOPPED, PERM_RECEIVE),
    },
    S.RECEIVED: {
        A.REQUEST_SUPPLEMENT: Transition(S.SUPPLEMENT_REQUESTED, PERM_RECEIVE),
        A.TRANSFER: Transition(S.IN_PROGRESS, PERM_RECEIVE),
        A.APOLOGIZE: Transition(S.RECEIVED, PERM_DECIDE),
        A.STOP: Transition(S.STOPPED, PERM_RECEIVE),
    },
    S.SUPPLEMENT_REQUESTED: {
        A.SUPPLEMENT: Transition(None, PERM_RECEIVE),
        A.REFUSE: Transition(S.REFUSED, PERM_RECEIVE),
        A.STOP: Transition(S.STOPPED, PERM_RECEIVE),
    },
    S.IN_PROGRESS: {
        A.TRANSFER: Transition(S.IN_PROGRESS, PERM_PROCESS),
        A.COMPLETE_STEP: Transition(S.IN_PROGRESS, PERM_PROCESS),
        A.REQUEST_SUPPLEMENT: Transition(S.SUPPLEMENT_REQUESTED, PERM_PROCESS),
        A.REQUEST_FEES: Transition(S.AWAITING_FEES, PERM_PROCESS),
        A.PROPOSE: Transition(S.AWAITING_DECISION, PERM_PROCESS),
        A.APOLOGIZE: Transition(S.IN_PROGRESS, PERM_DECIDE),
        A.STOP: Transition(S.STOPPED, PERM_RECEIVE),
    },
    # The decision step (RULES.md §1.4 row 7) follows the specialist's proposal (trình ký,
    # the end of row 5): the leader decides only what was submitted, or sends it back.
    S.AWAITING_DECISION: {
        A.APPROVE: Transition(S.APPROVED, PERM_DECIDE),
        A.REJECT: Transition(S.REJECTED, PERM_DECIDE),
        A.RETURN_FOR_REWORK: Transition(S.IN_PROGRESS, PERM_DECIDE),
        A.APOLOGIZE: Transition(S.AWAITING_DECISION, PERM_DECIDE),
        A.STOP: Transition(S.STOPPED, PERM_RECEIVE),
    },
    S.AWAITING_FEES: {
        A.PAY_FEES: Transition(S.IN_PROGRESS, PERM_RECEIVE),
        A.APOLOGIZE: Transition(S.AWAITING_FEES, PERM_DECIDE),
        A.STOP: Transition(S.STOPPED, PERM_RECEIVE),
    },
    S.APPROVED: {A.MARK_READY: Transition(S.READY_FOR_RETURN, PERM_RECEIVE)},
    S.REJECTED: {A.MARK_READY: Transition(S.READY_FOR_RETURN, PERM_RECEIVE)},
    S.READY_FOR_RETURN: {A.RETURN_RESULT: Transition(S.RETURNED, PERM_RECEIVE)},
    S.REFUSED: {},
    S.RETURNED: {},
    S.STOPPED: {},
}

# Actions that end the check before receipt: not allowed once the dossier has been received
# (its history holds ``received``), whatever its status now (RULES.md §1.4 rows 2 and 3c).
BEFORE_RECEIPT_ONLY: frozenset[A] = frozenset({A.REFUSE})

# Actions that create a dossier (there is no status before them).
CREATING_ACTIONS: dict[A, S] = {A.SUBMIT_ONLINE: S.SUBMITTED, A.RECEIVE: S.RECEIVED}

# Actions that record a fact in the event log without changing the status, and the statuses in
# which they may happen. They are not staff actions (``dossier_act`` refuses them: they are not
# in WORKFLOW); their own service writes the event (``services.dossier_record_rating``).
RECORDING_ACTIONS: dict[A, frozenset[S]] = {A.RATE: RATABLE_STATUSES}


class IllegalTransition(Exception):
    def __init__(self, status: S | None, action: A) -> None:
        super().__init__(f"{action} is not allowed in status {status}")
        self.status = status
        self.action = action


def allowed_actions(status: S, *, received: bool = False) -> list[A]:
    """Every action the table allows in ``status`` (before permission checks); ``received``:
    the dossier has been received (BM.01 issued) at some point."""
    return [a for a in WORKFLOW[status] if not (received and a in BEFORE_RECEIPT_ONLY)]


def guard(status: S, action: A, *, received: bool = False) -> Transition:
    """The transition for ``action`` in ``status``, or IllegalTransition."""
    transition = WORKFLOW[status].get(action)
    if transition is None or (received and action in BEFORE_RECEIPT_ONLY):
        raise IllegalTransition(status, action)
    return transition


def next_status(history: list[S], action: A) -> S:
    """The status after ``action``, given the statuses so far (newest last)."""
    if not history:
        if action not in CREATING_ACTIONS:
            raise IllegalTransition(None, action)
        return CREATING_ACTIONS[action]
    if action in RECORDING_ACTIONS:
        if history[-1] not in RECORDING_ACTIONS[action]:
            raise IllegalTransition(history[-1], action)
        return history[-1]
    transition = guard(history[-1], action, received=S.RECEIVED in history)
    if transition.target is not None:
        return transition.target
    # Back to where the dossier was when the supplement was requested.
    for status in reversed(history[:-1]):
        if status != S.SUPPLEMENT_REQUESTED:
            return status
    raise IllegalTransition(history[-1], action)


def replay(actions: Iterable[A]) -> S:
    """The status that a sequence of actions leads to (raises on an illegal sequence)."""
    history: list[S] = []
    for action in actions:
        history.append(next_status(history, action))
    if not history:
        raise IllegalTransition(None, A.RECEIVE)
    return history[-1]
