"""Who may do which workflow action on a dossier (table, role and unit)."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser, User

from motcua.dossiers.choices import (
    DossierAction,
    DossierStatus,
    StepStatus,
)
from motcua.dossiers.models import Dossier
from motcua.dossiers.services.common import _in_scope, supplement_spent
from motcua.dossiers.workflow import (
    PERM_DECIDE,
    PERM_RECEIVE,
    IllegalTransition,
    guard,
)


def may_override_supplement(user: User | AnonymousUser, dossier: Dossier) -> bool:
    """A leader (decide permission) over the dossier's receiving unit, competent agency or open
    step may request a further supplement with a written reason."""
    if not user.is_authenticated or not user.has_perm(PERM_DECIDE):
        return False
    assert isinstance(user, User)
    units = [dossier.receiving_unit, dossier.deciding_agency.unit]
    open_step = dossier.steps.filter(status=StepStatus.OPEN).select_related("agency__unit").first()
    if open_step is not None:
        units.append(open_step.agency.unit)
    return any(_in_scope(user, unit) for unit in units)


def dossier_permission_for(user: User | AnonymousUser, dossier: Dossier, action: DossierAction) -> bool:
    """May ``user`` do ``action`` on ``dossier`` now (table, role and unit)?"""
    try:
        transition = guard(DossierStatus(dossier.status), action, received=dossier.received_at is not None)
    except IllegalTransition:
        return False
    if action == DossierAction.REQUEST_SUPPLEMENT and supplement_spent(dossier):
        return may_override_supplement(user, dossier)
    if not user.is_authenticated or not user.has_perm(transition.permission):
        return False
    assert isinstance(user, User)
    if transition.permission == PERM_RECEIVE:
        return _in_scope(user, dossier.receiving_unit)
    units = [dossier.deciding_agency.unit]
    open_step = dossier.steps.filter(status=StepStatus.OPEN).select_related("agency__unit").first()
    if open_step is not None:
        units.append(open_step.agency.unit)
    return any(_in_scope(user, unit) for unit in units)


def available_actions(user: User | AnonymousUser, dossier: Dossier) -> list[DossierAction]:
    from motcua.dossiers.workflow import allowed_actions

    received = dossier.received_at is not None
    return [
        a for a in allowed_actions(DossierStatus(dossier.status), received=received) if dossier_permission_for(user, dossier, a)
    ]
