"""Reads of the catalogue. The catalogue is public reference data: no unit scoping applies,
but the public reads only see published procedures."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypedDict

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from motcua.catalog.choices import Channel, TimeUnit
from motcua.catalog.exceptions import CatalogErrorCode
from motcua.catalog.filters import ProcedureFilter
from motcua.catalog.models import LegalBasis, Procedure, ProcedureChannel, ProcedureFee, Sector
from motcua.core.exceptions import NotFound

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations


class SectorCount(TypedDict):
    """What :func:`sector_list` adds to each sector."""

    procedure_count: int


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
        raise NotFound(CatalogErrorCode.PROCEDURE_NOT_FOUND, _("No procedure has the code %(code)s.") % {"code": code})
    return procedure


def sector_list() -> QuerySet[WithAnnotations[Sector, SectorCount]]:
    """Sectors that have published procedures, with their number."""
    return (
        Sector.objects.annotate(procedure_count=Count("procedures", filter=Q(procedures__is_published=True)))
        .filter(procedure_count__gt=0)
        .order_by("name_folded")
    )


# --- Catalogue gaps (staff report) --------------------------------------------------------------

#: What a procedure may lack, in report order, with its label.
GAP_LABELS: dict[str, Promise] = {
    "time_limit": _("without a time limit"),
    "competent_agency": _("without a competent agency"),
    "fee": _("without a fee"),
    "legal_basis": _("without a legal basis"),
}


@dataclass(frozen=True)
class CatalogueGap:
    """One procedure and what it lacks (keys of :data:`GAP_LABELS`)."""

    code: str
    name: str
    sector: str
    is_published: bool
    missing: tuple[str, ...]
    default_competent_agency: bool  # commune-level without one: the commune People's Committee is shown


@dataclass(frozen=True)
class CatalogueGaps:
    total: int  # procedures in the catalogue
    counts: dict[str, int]  # per gap, every key of GAP_LABELS
    rows: list[CatalogueGap]  # procedures with at least one gap, by code


def catalogue_gaps() -> CatalogueGaps:
    """Procedures without a time limit, competent agency, fee or legal basis (RULES.md §1.6:
    the catalogue gap is reported). One query; for the import command's ``--report`` and the
    staff page in the admin. Staff-only reference data: callers check the catalogue permission.

    * time limit: no lead time, unless the procedure is a same-day one;
    * competent agency: the field is empty (a commune-level one shows the commune People's
      Committee by default, and is still listed so a data officer can confirm it);
    * fee: no fee row that says free, gives an amount in đồng, or leaves it to the province;
    * legal basis: no legal-basis row.
    """
    known_fee = ProcedureFee.objects.filter(procedure=OuterRef("pk")).filter(
        Q(is_free=True) | Q(amount_vnd__isnull=False) | Q(decided_by_province=True)
    )
    rows = (
        Procedure.objects.annotate(
            has_fee=Exists(known_fee),
            has_legal_basis=Exists(LegalBasis.objects.filter(procedure=OuterRef("pk"))),
        )
        .values_list(
            "code",
            "name",
            "sector__name",
            "is_published",
            "level_commune",
            "lead_time_value",
            "lead_time_unit",
            "competent_agency",
            "has_fee",
            "has_legal_basis",
        )
        .order_by("code")
    )
    counts = dict.fromkeys(GAP_LABELS, 0)
    gaps: list[CatalogueGap] = []
    total = 0
    for code, name, sector, published, commune, value, unit, agency, has_fee, has_legal in rows:
        total += 1
        missing = []
        if value is None and unit != TimeUnit.SAME_DAY:
            missing.append("time_limit")
        if not (agency or "").strip():
            missing.append("competent_agency")
        if not has_fee:
            missing.append("fee")
        if not has_legal:
            missing.append("legal_basis")
        for key in missing:
            counts[key] += 1
        if missing:
            gaps.append(
                CatalogueGap(
                    code=code,
                    name=name,
                    sector=sector,
                    is_published=published,
                    missing=tuple(missing),
                    default_competent_agency="competent_agency" in missing and commune,
                )
            )
    return CatalogueGaps(total=total, counts=counts, rows=gaps)
