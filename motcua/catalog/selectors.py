"""Reads of the catalogue. The catalogue is public reference data: no unit scoping applies,
but the public reads only see published procedures."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from motcua.catalog.choices import Channel
from motcua.catalog.filters import ProcedureFilter
from motcua.catalog.models import Procedure, ProcedureChannel, Sector
from motcua.core.exceptions import NotFound

# What the list page and the list API show. Only these columns are loaded: SQLite sorts whole
# rows, and the long texts (steps, requirements, notes) made a page three times slower.
LIST_FIELDS = (
    "code",
    "name",
    "name_folded",
    "sector__name",
    "sector__slug",
    "lead_time_value",
    "lead_time_unit",
    "lead_time_text",
    "lead_time_assumed",
)


def procedure_list(*, q: str | None = None, sector: str | None = None) -> QuerySet[Procedure]:
    """Published procedures matching the search words (all of them, accents ignored) and the
    sector slug, best matches first.

    Only :data:`LIST_FIELDS` are loaded; use :func:`procedure_get` for everything else and
    :func:`channels_of` for a page's channels."""
    filters = ProcedureFilter.from_params({"q": q, "sector": sector})
    queryset = Procedure.objects.filter(is_published=True).select_related("sector").only(*LIST_FIELDS)
    return filters.apply(queryset)


def channels_of(procedures: Iterable[Procedure]) -> dict[int, list[Channel]]:
    """The distinct submission channels of each procedure (by primary key), in a fixed order,
    for a whole page in one query. (A prefetch built a queryset per procedure and cost more
    than the search itself.)"""
    ids = [p.pk for p in procedures]
    found: dict[int, set[str]] = {pk: set() for pk in ids}
    for procedure_id, channel in ProcedureChannel.objects.filter(procedure_id__in=ids).values_list("procedure_id", "channel"):
        found[procedure_id].add(channel)
    return {pk: [c for c in Channel if c.value in channels] for pk, channels in found.items()}


def procedure_get(*, code: str) -> Procedure:
    """One published procedure with everything the detail page and API show."""
    procedure = (
        Procedure.objects.filter(is_published=True, code=code.strip())
        .select_related("sector")
        .prefetch_related("channels", "documents", "fees", "legal_bases")
        .first()
    )
    if procedure is None:
        raise NotFound("procedure_not_found", _("No procedure has the code %(code)s.") % {"code": code})
    return procedure


def sector_list() -> QuerySet[Sector]:
    """Sectors that have published procedures, with their number."""
    return (
        Sector.objects.annotate(procedure_count=Count("procedures", filter=Q(procedures__is_published=True)))
        .filter(procedure_count__gt=0)
        .order_by("name_folded")
    )
