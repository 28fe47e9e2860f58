"""The one vessel filter, shared by the list page, its export and the API list."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import Q, QuerySet

from motcua.core.text import search_terms
from motcua.registries.vessels import rules
from motcua.registries.vessels.choices import Flag, SizeClass, VesselStatus
from motcua.registries.vessels.models import Vessel

VMS_CLASSES = (SizeClass.FROM_15, SizeClass.FROM_24)
INSPECTION_CLASSES = (SizeClass.FROM_12, SizeClass.FROM_15, SizeClass.FROM_24)
EXPIRING = "expiring"  # a certificate expires within 90 days (or has expired)


@dataclass(frozen=True)
class VesselFilter:
    q: str = ""
    status: str = ""
    size_class: str = ""
    hamlet: str = ""
    gear: str = ""
    flag: str = ""

    @classmethod
    def from_params(cls, params: Any) -> VesselFilter:
        def one(name: str, allowed: list[str] | None = None) -> str:
            value = str(params.get(name) or "").strip()[:100]
            return value if allowed is None or value in allowed else ""

        from motcua.registries.vessels.choices import Gear

        return cls(
            q=one("q"),
            status=one("status", list(VesselStatus.values)),
            size_class=one("size_class", list(SizeClass.values)),
            hamlet=one("hamlet"),
            gear=one("gear", list(Gear.values)),
            flag=one("flag", [*Flag.values, EXPIRING]),
        )

    def as_query(self) -> str:
        from urllib.parse import urlencode

        return urlencode({k: v for k, v in self.__dict__.items() if v})


def flag_q(flag: str, today: date, now: datetime) -> Q:
    """The database form of a flag; the same conditions as ``Vessel.flags``."""
    licence_needed = Q()  # every class needs a licence when it fishes (§7.2)
    if flag == Flag.NO_LICENCE:
        return licence_needed & Q(licence_number="")
    if flag == Flag.LICENCE_EXPIRED_10:
        return ~Q(licence_number="") & Q(licence_expires_on__lte=today - timedelta(days=rules.LICENCE_GRACE_DAYS))
    if flag == Flag.VMS_MISSING:
        return Q(size_class__in=VMS_CLASSES, vms_installed=False)
    if flag == Flag.VMS_LOST_6H:
        return Q(size_class__in=VMS_CLASSES, vms_installed=True) & (
            Q(vms_last_signal_at__isnull=True) | Q(vms_last_signal_at__lte=now - rules.VMS_SILENCE)
        )
    if flag == Flag.NO_INSPECTION:
        return Q(size_class__in=INSPECTION_CLASSES) & (Q(inspection_expires_on__isnull=True) | Q(inspection_expires_on__lt=today))
    if flag == Flag.THREE_NOS:
        unregistered = Q(registration_number="") | Q(registered_on__isnull=True)
        no_inspection = Q(inspection_expires_on__isnull=True) | Q(inspection_expires_on__lt=today)
        no_licence = Q(licence_expires_on__isnull=True) | Q(licence_expires_on__lt=today)
        return unregistered & no_inspection & no_licence
    if flag == EXPIRING:
        horizon = today + timedelta(days=max(rules.WARNING_DAYS))
        return Q(inspection_expires_on__lte=horizon) | Q(licence_expires_on__lte=horizon)
    return Q()


def vessel_filter(qs: QuerySet[Vessel], f: VesselFilter, *, today: date, now: datetime) -> QuerySet[Vessel]:
    for term in search_terms(f.q):
        qs = qs.filter(search_folded__contains=term)
    if f.status:
        qs = qs.filter(status=f.status)
    if f.size_class:
        qs = qs.filter(size_class=f.size_class)
    if f.hamlet:
        qs = qs.filter(hamlet=f.hamlet)
    if f.gear:
        qs = qs.filter(gear=f.gear)
    if f.flag:
        qs = qs.filter(flag_q(f.flag, today, now))
    return qs
