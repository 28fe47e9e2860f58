"""Admin for the catalogue: staff with the catalogue permission edit procedures with their
channels, documents, fees and legal basis inline. Every save bumps the version and writes an
audit event; the search columns are re-folded by ``Procedure.save``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Count, QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import URLPattern, path
from django.utils.html import format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from motcua.catalog.models import LegalBasis, Procedure, ProcedureChannel, ProcedureDocument, ProcedureFee, Sector
from motcua.catalog.selectors import GAP_LABELS, catalogue_gaps
from motcua.catalog.services import procedure_edit_record
from motcua.core.admin import AuditedAdmin
from motcua.core.permissions import CATALOG_EDIT, CATALOG_VIEW
from motcua.core.text import search_terms

_SMALL_TEXT: Mapping[type[models.Field[Any, Any]], Mapping[str, Any]] = {
    models.TextField: {"widget": forms.Textarea(attrs={"rows": 2, "cols": 60})}
}


class _ProcedurePartInline(admin.TabularInline):  # type: ignore[type-arg]  # one base for four child models
    """Rows of a procedure are part of it: editing the procedure's permission covers them
    (the role table grants ``catalog.change_procedure``, not one permission per row model)."""

    extra = 0
    formfield_overrides = _SMALL_TEXT

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.has_perm(CATALOG_VIEW) or request.user.has_perm(CATALOG_EDIT)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.has_perm(CATALOG_EDIT)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.has_perm(CATALOG_EDIT)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.has_perm(CATALOG_EDIT)


class ChannelInline(_ProcedurePartInline):
    model = ProcedureChannel
    fields = ("position", "channel", "time_value", "time_unit", "time_text", "time_assumed", "fee_text", "note")


class DocumentInline(_ProcedurePartInline):
    model = ProcedureDocument
    fields = ("position", "group", "name", "form_template", "quantity_text", "originals", "copies", "conditional", "note")


class FeeInline(_ProcedurePartInline):
    model = ProcedureFee
    fields = ("position", "channel", "is_free", "amount_vnd", "amount_text", "description", "decided_by_province")


class LegalBasisInline(_ProcedurePartInline):
    model = LegalBasis
    fields = ("position", "number", "title")


@admin.register(Procedure)
class ProcedureAdmin(admin.ModelAdmin[Procedure]):
    list_display = ("code", "short_name", "sector", "lead_time_display", "lead_time_assumed", "is_published", "version")
    list_display_links = ("code", "short_name")
    list_filter = ("is_published", "lead_time_assumed", "lead_time_unit", "online_level", "sector")
    list_select_related = ("sector",)
    search_fields = ("code",)  # widened to the folded search text in get_search_results
    search_help_text = _("Code or words of the name; accents are optional.")
    readonly_fields = ("version", "imported_at", "updated_at", "import_notes")
    formfield_overrides = {
        models.TextField: {"widget": forms.Textarea(attrs={"rows": 4, "cols": 90})},
        models.URLField: {"assume_scheme": "https"},  # Django 6.0's default; the portal is https
    }
    inlines = (ChannelInline, DocumentInline, FeeInline, LegalBasisInline)
    fieldsets = (
        (None, {"fields": ("code", "name", "sector", "is_published", "version")}),
        (
            _("Time limit"),
            {
                "fields": (
                    ("lead_time_value", "lead_time_unit"),
                    "lead_time_text",
                    "lead_time_assumed",
                    ("service_norm_value", "service_norm_unit"),
                    "receipt_cutoff",
                )
            },
        ),
        (
            _("Where and who"),
            {
                "fields": (
                    "implementing_level",
                    ("level_ministry", "level_province", "level_commune", "level_other"),
                    "competent_agency",
                    "implementing_agency",
                    "coordinating_agency",
                    "receiving_address",
                    "subjects",
                    "online_level",
                )
            },
        ),
        (_("Content"), {"fields": ("steps", "requirements", "result", "documents_note")}),
        (
            _("Source and validity"),
            {
                "fields": (
                    "procedure_type",
                    "decision_no",
                    "source_url",
                    ("valid_from", "valid_to"),
                    "imported_at",
                    "updated_at",
                    "import_notes",
                )
            },
        ),
    )

    @admin.display(description=_("name"), ordering="name_folded")
    def short_name(self, obj: Procedure) -> str:
        return obj.name if len(obj.name) <= 120 else obj.name[:119] + "…"

    @admin.display(description=_("lead time"))
    def lead_time_display(self, obj: Procedure) -> str:
        return obj.lead_time_display or "—"

    @admin.display(description=_("import notes"))
    def import_notes(self, obj: Procedure) -> SafeString | str:
        notes = obj.parse_notes or []
        if not notes:
            return "—"
        return format_html_join(
            "\n",
            "<p><strong>{}</strong>: {} <code>{}</code> {}</p>",
            ((n.get("field", ""), n.get("reason", ""), n.get("raw", "")[:200], n.get("detail", "")) for n in notes),
        )

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Procedure], search_term: str
    ) -> tuple[QuerySet[Procedure], bool]:
        terms = search_terms(search_term)
        if not terms:
            return queryset, False
        for term in terms:
            queryset = queryset.filter(search_text__contains=term)
        return queryset, False

    def get_urls(self) -> list[URLPattern]:
        gaps = path("gaps/", self.admin_site.admin_view(self.gaps_view), name="catalog_procedure_gaps")
        return [gaps, *super().get_urls()]

    def gaps_view(self, request: HttpRequest) -> HttpResponse:
        """Catalogue gaps: procedures without a time limit, competent agency, fee or legal basis
        (the selector the import command's ``--report`` prints). Staff with the catalogue
        view or edit permission only."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        gaps = catalogue_gaps()
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Catalogue gaps"),
            "gaps": gaps,
            "counts": [(GAP_LABELS[key], gaps.counts[key]) for key in GAP_LABELS],
            "rows": [(row, [GAP_LABELS[key] for key in row.missing]) for row in gaps.rows],
        }
        return TemplateResponse(request, "admin/catalog/procedure/gaps.html", context)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        changed = list(form.changed_data) + [formset.model._meta.model_name for formset in formsets if formset.has_changed()]
        procedure_edit_record(actor=request.user, procedure=form.instance, changed=changed, created=not change)


@admin.register(Sector)
class SectorAdmin(AuditedAdmin):
    """Sectors; saves and deletes are audited (core's AuditedAdmin)."""

    list_display = ("name", "slug", "procedure_count")
    search_fields = ("name", "name_folded")
    prepopulated_fields = {"slug": ("name",)}

    def get_queryset(self, request: HttpRequest) -> QuerySet[Sector]:
        return super().get_queryset(request).annotate(procedure_total=Count("procedures"))

    @admin.display(description=_("procedures"), ordering="procedure_total")
    def procedure_count(self, obj: Sector) -> int:
        return getattr(obj, "procedure_total", 0)
