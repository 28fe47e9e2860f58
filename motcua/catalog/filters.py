"""The one filter definition of the catalogue list, shared by the HTML pages and the API."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.db.models.functions import Length

from motcua.catalog.models import Procedure
from motcua.core.text import nfc, search_terms

MAX_QUERY_LENGTH = 200
MAX_TERMS = 12


@dataclass(frozen=True)
class ProcedureFilter:
    """``q``: words that must all appear (accents and case ignored, "d" matches "đ");
    ``sector``: a sector's slug."""

    q: str = ""
    sector: str = ""

    @classmethod
    def from_params(cls, params: Mapping[str, str | None]) -> ProcedureFilter:
        """Read ``q`` and ``sector`` from request parameters (a QueryDict or a dict)."""
        q = nfc(" ".join(str(params.get("q") or "").split()))[:MAX_QUERY_LENGTH]
        sector = str(params.get("sector") or "").strip()[:120]
        return cls(q=q, sector=sector)

    @property
    def terms(self) -> list[str]:
        return search_terms(self.q)[:MAX_TERMS]

    @property
    def is_active(self) -> bool:
        return bool(self.terms or self.sector)

    def apply(self, queryset: QuerySet[Procedure]) -> QuerySet[Procedure]:
        """Filter and, when there is a query, rank: exact code first, then names that contain
        the whole phrase, then the rest; shorter names before longer ones."""
        if self.sector:
            queryset = queryset.filter(sector__slug=self.sector)
        terms = self.terms
        if not terms:
            return queryset.order_by("name_folded", "code")
        condition = Q()
        for term in terms:
            condition &= Q(search_text__contains=term)
        phrase = " ".join(terms)
        code = self.q.strip()
        return (
            queryset.filter(condition | Q(code=code))
            .annotate(
                rank=Case(
                    When(code=code, then=Value(0)),
                    When(name_folded__contains=phrase, then=Value(1)),
                    default=Value(2),
                    output_field=IntegerField(),
                )
            )
            .order_by("rank", Length("name_folded"), "code")
        )
