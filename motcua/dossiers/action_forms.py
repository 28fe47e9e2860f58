"""How the dossier page offers each workflow action: which fields its form has, which one is
the main action, which need a confirmation. Data only: a new action (in ``workflow.WORKFLOW``)
gets a row here and the page shows it with no template change.

Field names (the template renders each): ``override`` (a leader's second supplement request),
``items`` (what is missing), ``agency``, ``receiver`` and ``step_days`` (transfer), ``new_due``
(apology), ``fee``, ``result`` and ``result_file`` (decision; the draft of a proposal),
``proposal`` (approve or reject, proposed when submitting for decision), ``supplement_files``,
``delivered_to`` (return: in the ``reason`` field), ``reason``, ``confirm`` (ends the dossier).
"""

from __future__ import annotations

from dataclasses import dataclass

from motcua.core.exceptions import DomainError
from motcua.dossiers.choices import DossierAction as A
from motcua.dossiers.services.preconditions import CONFIRM_REQUIRED

ACTION_FIELDS: dict[A, tuple[str, ...]] = {
    A.RECEIVE: ("reason",),
    A.REQUEST_SUPPLEMENT: ("items", "reason"),
    A.SUPPLEMENT: ("supplement_files", "reason"),
    A.REFUSE: ("reason", "confirm"),
    A.TRANSFER: ("agency", "receiver", "step_days", "reason"),
    A.COMPLETE_STEP: ("reason",),
    A.REQUEST_FEES: ("fee", "reason"),
    A.PAY_FEES: ("reason",),
    A.PROPOSE: ("proposal", "result", "result_file", "reason"),
    A.APPROVE: ("result", "result_file", "reason"),
    A.REJECT: ("result", "result_file", "reason", "confirm"),
    A.RETURN_FOR_REWORK: ("reason",),
    A.APOLOGIZE: ("new_due", "reason"),
    A.MARK_READY: ("reason",),
    A.RETURN_RESULT: ("delivered_to",),
    A.STOP: ("reason", "confirm"),
}

# The main action of the page: the first of these the person may do now (leader: approve what
# was submitted; specialist: submit for decision, or complete a liên thông step; reception:
# receive, transfer, mark ready, return the result).
MAIN_ACTION_ORDER: tuple[A, ...] = (
    A.APPROVE,
    A.PROPOSE,
    A.COMPLETE_STEP,
    A.RECEIVE,
    A.RETURN_RESULT,
    A.MARK_READY,
    A.TRANSFER,
    A.SUPPLEMENT,
    A.PAY_FEES,
)


@dataclass(frozen=True)
class ActionForm:
    action: A
    fields: tuple[str, ...]
    main: bool = False
    error: DomainError | None = None

    @property
    def confirm(self) -> bool:
        return self.action in CONFIRM_REQUIRED

    @property
    def compact(self) -> bool:
        """A secondary action with only a note: one line with its button, no panel."""
        return not self.main and self.fields == ("reason",)


def action_forms(actions: list[A], *, error_action: A | None = None, error: DomainError | None = None) -> list[ActionForm]:
    """The page's action forms: the main action first, the others in table order."""
    main = next((a for a in MAIN_ACTION_ORDER if a in actions), actions[0] if len(actions) == 1 else None)
    ordered = ([main] if main else []) + [a for a in actions if a != main]
    return [
        ActionForm(
            action=a,
            fields=ACTION_FIELDS.get(a, ("reason",)),
            main=a == main,
            error=error if a == error_action else None,
        )
        for a in ordered
    ]
