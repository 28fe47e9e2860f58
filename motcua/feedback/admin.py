"""Admin of the petitions' reference data: answer templates, scoped like the calendar overrides
(a unit administrator sees their unit's and the national templates, and changes only their
unit's; national ones are a system administrator's)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest

from motcua.core.admin import ScopedAdmin
from motcua.core.scoping import ALL, scope_allows, scope_root_path
from motcua.feedback.models import AnswerTemplate


@admin.register(AnswerTemplate)
class AnswerTemplateAdmin(ScopedAdmin):
    list_display = ("title", "category", "unit", "active", "updated_at")
    list_filter = ("category", "active")
    list_editable = ("active",)
    search_fields = ("title", "body")
    fields = ("unit", "category", "title", "body", "active")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return AnswerTemplate.objects.select_related("unit").restrict(request.user, "view")

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "unit" and field is not None and scope_root_path(request.user) != ALL:
            field.required = True  # national templates are a system administrator's
        return field

    def _may_change(self, request: HttpRequest, obj: Any) -> bool:
        return obj is None or scope_allows(request.user, obj, "manage") or scope_root_path(request.user) == ALL

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._may_change(request, obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._may_change(request, obj) and super().has_delete_permission(request, obj)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if obj.unit_id is None and scope_root_path(request.user) != ALL:
            raise PermissionDenied
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)
