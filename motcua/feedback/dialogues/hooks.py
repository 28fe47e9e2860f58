"""What dialogues contribute to the staff workspace (``core.workspace``), registered in
``FeedbackConfig.ready()``: for a leader (the permission to publish minutes), the overdue
commitments of the unit, the held dialogues whose minutes wait for approval, and a warning when
the commune has no dialogue held or planned this year (RULES.md §1.9, Law 10/2022 Art. 32)."""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth.models import AnonymousUser, User
from django.urls import reverse
from django.utils.translation import gettext as _

from motcua.core.workspace import AttentionItem
from motcua.feedback.dialogues.selectors import commitment_list, dialogue_list, yearly_minimum
from motcua.feedback.dialogues.workflow import PERM_APPROVE

MAX_ITEMS = 20


def _owner(commitment: object) -> str:
    owner_agency = getattr(commitment, "owner_agency", None)
    if owner_agency is not None:
        return str(owner_agency.name)
    user = getattr(commitment, "owner_user", None)
    return (user.get_full_name() or user.get_username()) if user is not None else ""


def leader_attention(*, user: User | AnonymousUser, now: datetime) -> list[AttentionItem]:
    if not isinstance(user, User) or not user.has_perm(PERM_APPROVE):
        return []
    items: list[AttentionItem] = []
    minimum = yearly_minimum(user=user, now=now)
    if minimum is not None and not minimum.met:
        items.append(
            AttentionItem(
                title=_(
                    "No dialogue with the people held or planned in %(year)s (Law 10/2022/QH15, Art. 32: at least one a year)"
                )
                % {"year": minimum.year},
                url=reverse("dialogues:plan"),
                overdue=True,
                group=_("Dialogues with the people"),
            )
        )
    group = _("Overdue dialogue commitments")
    for commitment in commitment_list(user=user, view="overdue", now=now)[:MAX_ITEMS]:
        dialogue = commitment.dialogue
        items.append(
            AttentionItem(
                title=f"{dialogue.code} · CK{commitment.seq}: {commitment.text[:100]}",
                url=reverse("dialogues:staff_detail", args=[dialogue.code]) + f"#ck-{commitment.seq}",
                detail=_owner(commitment),
                due_on=commitment.due_on,
                overdue=True,
                group=group,
            )
        )
    for dialogue in dialogue_list(user=user, view="held")[:MAX_ITEMS]:
        items.append(
            AttentionItem(
                title=f"{dialogue.code}: {dialogue.title}",
                url=reverse("dialogues:staff_detail", args=[dialogue.code]),
                detail=_("minutes waiting for approval"),
                group=_("Dialogues with the people"),
            )
        )
    return items
