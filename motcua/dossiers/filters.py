"""The one filter definition of the dossier lists, shared by the queue page, its XLSX export and
the API list endpoint (the NetBox pattern of ``catalog/filters.py``: parse once, apply once).

Every value comes from the query string (GET), so a filtered list is a link: the page keeps it
across htmx swaps and plain reloads, and the export writes the same rows. An unknown or
malformed value is dropped (no filter), never an error: a stale bookmark still opens.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, fields
from datetime import datetime, timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from motcua.core.calendar import WorkingCalendar
from motcua.dossiers.choices import Channel, DossierStatus
from motcua.dossiers.models import Dossier

# Due windows (``due``): overdue, due today, due within 3 working days. A dossier waiting for
# the applicant's supplement has its clock stopped and is in none of them (RULES.md §1.6).
DUE_WINDOWS = {
    "overdue": _("Overdue"),
    "today": _("Due today"),
    "3days": _("Due within 3 working days"),
}
# Sort keys (``sort``; a leading "-" sorts descending) and the columns they order by.
SORTS = {
    "due": ("due_at",),
    "received": ("received_at",),
    "code": ("code",),
    "applicant": ("applicant_name_folded",),
}
SORT_LABELS = {
    "due": _("Due date"),
    "received": _("Received date"),
    "code": _("Code"),
    "applicant": _("Applicant"),
}
PAGE_SIZES = (20, 50, 100)
DEFAULT_PAGE_SIZE = 50
_WAITING = Q(status__in_literal=(DossierStatus.SUPPLEMENT_REQUESTED,))


def _text(params: Mapping[str, str | None], name: str, limit: int = 120) -> str:
    return unicodedata.normalize("NFKC", str(params.get(name) or "")).strip()[:limit]


def _int(params: Mapping[str, str | None], name: str) -> int | None:
    value = _text(params, name, 20)
    return int(value) if value.isdigit() and 0 < int(value) < 2**63 else None


@dataclass(frozen=True)
class DossierFilter:
    """``status``, ``procedure`` (its code), ``sector`` (its slug), ``due`` (a ``DUE_WINDOWS``
    key), ``channel``, ``officer`` (the assignee's user id), ``sort`` (a ``SORTS`` key, "-" for
    descending) and ``per_page`` (20, 50 or 100)."""

    status: DossierStatus | None = None
    procedure: str = ""
    sector: str = ""
    due: str = ""
    channel: Channel | None = None
    officer: int | None = None
    sort: str = "due"
    per_page: int = DEFAULT_PAGE_SIZE

    @classmethod
    def from_params(cls, params: Mapping[str, str | None]) -> DossierFilter:
        """Read the filter from request parameters (a QueryDict or a dict)."""
        status = _text(params, "status", 40)
        channel = _text(params, "channel", 40)
        due = _text(params, "due", 20)
        sort = _text(params, "sort", 20) or "due"
        per_page = _int(params, "per_page")
        return cls(
            status=DossierStatus(status) if status in DossierStatus.values else None,
            procedure=_text(params, "procedure", 40),
            sector=_text(params, "sector"),
            due=due if due in DUE_WINDOWS else "",
            channel=Channel(channel) if channel in Channel.values else None,
            officer=_int(params, "officer"),
            sort=sort if sort.removeprefix("-") in SORTS else "due",
            per_page=per_page if per_page in PAGE_SIZES else DEFAULT_PAGE_SIZE,
        )

    @property
    def is_active(self) -> bool:
        """A filter narrows the list (sort and page size do not)."""
        return bool(self.status or self.procedure or self.sector or self.due or self.channel or self.officer)

    @property
    def descending(self) -> bool:
        return self.sort.startswith("-")

    @property
    def sort_key(self) -> str:
        return self.sort.removeprefix("-")

    @property
    def needs_calendar(self) -> bool:
        """Only the working-day window reads the unit's calendar (one query)."""
        return self.due == "3days"

    def apply(self, queryset: QuerySet[Dossier], *, now: datetime, calendar: WorkingCalendar | None) -> QuerySet[Dossier]:
        """Filter and order ``queryset`` (already scoped by its selector); ``calendar``: the
        unit's, needed when ``needs_calendar``."""
        qs = queryset
        if self.status is not None:
            qs = qs.filter(status=self.status)
        if self.procedure:
            qs = qs.filter(procedure__code=self.procedure)
        if self.sector:
            qs = qs.filter(procedure__sector__slug=self.sector)
        if self.channel is not None:
            qs = qs.filter(channel=self.channel)
        if self.officer is not None:
            qs = qs.filter(assigned_to_id=self.officer)
        if self.due == "overdue":
            qs = qs.filter(due_at__lt=now).exclude(_WAITING).exclude(status__in_literal=_CLOSED)
        elif self.due == "today":
            end = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(days=1)
            qs = qs.filter(due_at__gte=now, due_at__lt=end).exclude(_WAITING).exclude(status__in_literal=_CLOSED)
        elif self.due == "3days":
            assert calendar is not None, "needs_calendar"
            qs = qs.filter(due_at__gte=now, due_at__lte=due_window_end(calendar, now, 3))
            qs = qs.exclude(_WAITING).exclude(status__in_literal=_CLOSED)
        columns = SORTS[self.sort_key]
        order = [f"-{c}" if self.descending else c for c in columns]
        return qs.order_by(*order, "-id" if self.descending else "id")

    def params(self) -> dict[str, str]:
        """The non-default values, as query-string parameters."""
        default = DossierFilter()
        out: dict[str, str] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if value != getattr(default, f.name) and value not in (None, ""):
                out[f.name] = str(value)
        return out


# Closed dossiers are never overdue or due (a search may list them).
_CLOSED = (DossierStatus.REFUSED, DossierStatus.RETURNED, DossierStatus.STOPPED)


def due_window_end(calendar: WorkingCalendar, now: datetime, days: int) -> datetime:
    """The close of office on the ``days``-th working day from today (today counts when it is
    a working day): "due within 3 working days"."""
    day = calendar.local(now).date()
    if not calendar.is_working_day(day):
        day = calendar.next_working_day(day)
    for _step in range(days - 1):
        day = calendar.next_working_day(day)
    return calendar.closing(day)
