"""Reads of the vessel registry, each through ``restrict(user, action)``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.core.audit import audit_record
from motcua.core.exceptions import NotFound
from motcua.registries.common.exceptions import RegistryErrorCode
from motcua.registries.common.models import RecordChange
from motcua.registries.common.services import record_history
from motcua.registries.vessels.choices import Flag, ItemState
from motcua.registries.vessels.filters import VesselFilter, flag_q, vessel_filter
from motcua.registries.vessels.models import ReviewCampaign, ReviewItem, Vessel

Actor = User | AnonymousUser | None


def vessel_list(*, user: Actor, filters: VesselFilter, now: datetime | None = None) -> QuerySet[Vessel]:
    now = now or timezone.now()
    qs = Vessel.objects.restrict(user, "view")
    return vessel_filter(qs, filters, today=timezone.localdate(now), now=now).order_by(
        "registration_number", "commune_number", "id"
    )


def vessel_get(*, user: Actor, pk: int, action: str = "view") -> Vessel:
    vessel = Vessel.objects.restrict(user, action).select_related("unit", "owner_citizen").filter(pk=pk).first()
    if vessel is None:
        raise NotFound(RegistryErrorCode.NOT_FOUND, _("No such vessel in your unit."))
    return vessel


def vessel_read(*, user: Actor, pk: int, audit: bool = True) -> Vessel:
    """One vessel with its owner's personal data: the read is audited."""
    vessel = vessel_get(user=user, pk=pk)
    if audit:
        audit_record(
            action="registry.read",
            actor=user,
            unit_code=vessel.unit.code,
            object_type=Vessel.record_type(),
            object_id=vessel.pk,
            data={"owner_personal_id": bool(vessel.owner_personal_id)},
        )
    return vessel


def vessel_history(*, vessel: Vessel) -> list[RecordChange]:
    return record_history(record=vessel)


def vessel_hamlets(*, user: Actor) -> list[str]:
    qs = Vessel.objects.restrict(user, "view").exclude(hamlet="").values_list("hamlet", flat=True).distinct()
    return sorted(qs)


def vessel_flag_counts(*, user: Actor, now: datetime | None = None) -> dict[str, int]:
    """How many vessels carry each flag (one query)."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    from motcua.registries.vessels.filters import EXPIRING

    names = [*Flag.values, EXPIRING]
    aggregates = {name: Count("id", filter=flag_q(name, today, now)) for name in names}
    return dict(Vessel.objects.restrict(user, "view").filter(status="active").aggregate(**aggregates))


def campaign_list(*, user: Actor) -> QuerySet[ReviewCampaign]:
    return ReviewCampaign.objects.restrict(user, "view").annotate(
        total=Count("items"), done=Count("items", filter=Q(items__state=ItemState.DONE))
    )


def campaign_get(*, user: Actor, pk: int, action: str = "view") -> ReviewCampaign:
    campaign = ReviewCampaign.objects.restrict(user, action).filter(pk=pk).first()
    if campaign is None:
        raise NotFound(RegistryErrorCode.NOT_FOUND, _("No such review campaign in your unit."))
    return campaign


@dataclass(frozen=True)
class HamletProgress:
    hamlet: str
    total: int
    done: int

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0


def campaign_progress(*, user: Actor, campaign: ReviewCampaign) -> tuple[list[HamletProgress], dict[str, int]]:
    """Progress by hamlet, and counts by state (the campaign was reached through ``restrict``)."""
    items = ReviewItem.objects.restrict(user, "view").filter(campaign=campaign)
    rows = items.values("hamlet").annotate(total=Count("id"), done=Count("id", filter=Q(state=ItemState.DONE))).order_by("hamlet")
    by_hamlet = [HamletProgress(r["hamlet"] or "—", r["total"], r["done"]) for r in rows]
    by_state = {s: 0 for s in ItemState.values}
    for r in items.values("state").annotate(n=Count("id")):
        by_state[r["state"]] = r["n"]
    return by_hamlet, by_state


def campaign_items(
    *, user: Actor, campaign: ReviewCampaign, hamlet: str = "", state: str = "", assignee: str = ""
) -> QuerySet[ReviewItem]:
    qs = ReviewItem.objects.restrict(user, "view").filter(campaign=campaign).select_related("vessel", "assigned_to")
    if hamlet:
        qs = qs.filter(hamlet=hamlet)
    if state in ItemState.values:
        qs = qs.filter(state=state)
    if assignee == "none":
        qs = qs.filter(assigned_to__isnull=True)
    elif assignee.isdigit():
        qs = qs.filter(assigned_to_id=int(assignee))
    return qs


def campaign_three_nos(*, user: Actor, campaign: ReviewCampaign, today: date | None = None) -> list[ReviewItem]:
    """§7.4 "3 không": checked items with all three missing, and unchecked items whose registry
    data shows none of the three (marked as "from the registry's data" on the page)."""
    today = today or timezone.localdate()
    items = campaign_items(user=user, campaign=campaign)
    checked = items.filter(
        state=ItemState.DONE, check_registration="missing", check_inspection="missing", check_licence="missing"
    )
    pending = items.filter(state=ItemState.PENDING).filter(_vessel_three_nos(today))
    return [*checked, *pending]


def _vessel_three_nos(today: date) -> Q:
    inner = flag_q(Flag.THREE_NOS, today, timezone.now())
    return Q(vessel__in=Vessel.objects.unrestricted("a sub-query inside the items' restricted read").filter(inner).values("pk"))


def item_get(*, user: Actor, pk: int, action: str = "view") -> ReviewItem:
    item = ReviewItem.objects.restrict(user, action).select_related("vessel", "campaign", "assigned_to").filter(pk=pk).first()
    if item is None:
        raise NotFound(RegistryErrorCode.NOT_FOUND, _("No such checklist in your unit."))
    return item
