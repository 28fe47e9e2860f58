"""An administrator edits the indicator table and the grade bands here (RULES.md §2.2–2.3:
unconfirmed formulas and bands are data). The code is fixed once created: it chooses what the
indicator counts (``indices/measures.py``)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from motcua.indices.models import Grade, Indicator


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin[Indicator]):
    list_display = ("code", "group", "name_vi", "formula", "max_points", "confirmed", "active")
    list_filter = ("group", "confirmed", "formula", "active")
    list_editable = ("max_points", "confirmed", "active")
    ordering = ("group", "position", "code")
    search_fields = ("code", "name_vi", "name_en", "portal_key")

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        return ("code",) if obj is not None else ()


@admin.register(Grade)
class GradeAdmin(admin.ModelAdmin[Grade]):
    list_display = ("code", "name_vi", "name_en", "min_score")
    ordering = ("-min_score",)
