"""Who may do which workflow action on a dossier: the workflow table, the role's permission
and the unit, as ``Dossier.scope`` declares it (``core.scoping.scope_allows``, the rule of
``Dossier.objects.restrict(user, action)`` tested on the loaded dossier)."""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth.models import AnonymousUser, User
from django.utils import timezone

from motcua.core.calendar import calendar_for
from motcua.core.scoping import scope_allows
from motcua.dossiers.choices import DossierAction, DossierStatus
from motcua.dossiers.models import Dossier
from motcua.dossiers.services.common import supplement_spent
from motcua.dossiers.services.preconditions import ACTION_PRECONDITIONS, precondition_error
from motcua.dossiers.workflow import PERM_DECIDE, PERM_PROCESS, PERM_RECEIVE, IllegalTransition, allowed_actions, guard

# The decision itself belongs to the competent (deciding) agency (RULES.md §1.4 row 7): a
# leader of another agency, even one holding a liên thông step, completes the step only. Sending
# a proposal back for rework is the same leader's answer to it.
DECISIONS = frozenset({DossierAction.APPROVE, DossierAction.REJECT, DossierAction.RETURN_FOR_REWORK})
_SCOPE_OF_PERMISSION = {PERM_RECEIVE: "receive", PERM_PROCESS: "process", PERM_DECIDE: "lead"}


def may_override_supplement(user: User | AnonymousUser, dossier: Dossier) -> bool:
    """A leader (decide permission) over the dossier's receiving unit, competent agency or open
    step may request a further supplement with a written reason."""
    return scope_allows(user, dossier, "override")


def dossier_permission_for(user: User | AnonymousUser, dossier: Dossier, action: DossierAction) -> bool:
    """May ``user`` do ``action`` on ``dossier`` now (table, role and unit)?"""
    try:
        transition = guard(DossierStatus(dossier.status), action, received=dossier.received_at is not None)
    except IllegalTransition:
        return False
    if action == DossierAction.REQUEST_SUPPLEMENT and supplement_spent(dossier):
        return may_override_supplement(user, dossier)
    scope_action = "decide" if action in DECISIONS else _SCOPE_OF_PERMISSION[transition.permission]
    return scope_allows(user, dossier, scope_action)


def available_actions(user: User | AnonymousUser, dossier: Dossier, *, now: datetime | None = None) -> list[DossierAction]:
    """The actions ``user`` may do on ``dossier`` now: the table, the role and unit, and the
    action's preconditions (``preconditions.ACTION_PRECONDITIONS``, the checks ``dossier_act``
    asks), so a spent action is not offered."""
    received = dossier.received_at is not None
    permitted = [
        a for a in allowed_actions(DossierStatus(dossier.status), received=received) if dossier_permission_for(user, dossier, a)
    ]
    if not any(a in ACTION_PRECONDITIONS for a in permitted):
        return permitted  # no calendar needed
    at = now or timezone.now()
    calendar = calendar_for(dossier.receiving_unit)
    return [a for a in permitted if precondition_error(dossier, a, at, calendar) is None]
