"""Admin for core reference data, scoped: a unit administrator sees and edits only the
calendar overrides, agencies and staff of their own unit and the units below it."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from motcua.core.audit import audit_record
from motcua.core.choices import Role
from motcua.core.models import AdministrativeUnit, Agency, AuditEvent, CalendarOverride, StaffProfile, StaffRole
from motcua.core.permissions import ADMIN_ROLES
from motcua.core.scoping import ALL, scope_root_path

# Roles whose reach is wider than the unit that grants them.
WIDE_ROLES = frozenset({Role.SYSTEM_ADMINISTRATOR, Role.PROVINCE_REVIEWER})

admin.site.site_header = _("MotCua administration")
admin.site.site_title = _("MotCua")
admin.site.index_title = _("Reference data")


class AuditedAdmin(admin.ModelAdmin):  # type: ignore[type-arg]  # generic over many models
    """Writes an audit event for every save and delete made in the admin."""

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            audit_record(
                action=f"admin.{'change' if change else 'add'}",
                actor=request.user,
                object_type=obj._meta.label_lower,
                object_id=obj.pk,
                data={"fields": sorted(form.changed_data)},
            )

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        with transaction.atomic():
            label, pk = obj._meta.label_lower, obj.pk
            super().delete_model(request, obj)
            audit_record(action="admin.delete", actor=request.user, object_type=label, object_id=pk)


class ScopedAdmin(AuditedAdmin):
    """Rows of the model's ``restrict(user, "view")`` (its ``Scope`` says through which unit)."""

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return super().get_queryset(request).restrict(request.user, "view")  # type: ignore[attr-defined]  # a RestrictedQuerySet

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.related_model is AdministrativeUnit:
            kwargs["queryset"] = AdministrativeUnit.objects.filter(valid_to__isnull=True).restrict(request.user, "view")
        if db_field.related_model is Agency:
            kwargs["queryset"] = Agency.objects.select_related("unit").restrict(request.user, "view")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(AdministrativeUnit)
class AdministrativeUnitAdmin(admin.ModelAdmin[AdministrativeUnit]):
    list_display = ("code", "name", "level", "kind", "valid_from", "valid_to")
    list_filter = ("level", "kind")
    search_fields = ("code", "name", "name_folded")
    raw_id_fields = ("parent",)
    readonly_fields = ("path",)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return scope_root_path(request.user) == ALL and super().has_change_permission(request, obj)


@admin.register(CalendarOverride)
class CalendarOverrideAdmin(ScopedAdmin):
    list_display = ("date", "kind", "unit", "source", "note")
    list_filter = ("kind",)
    date_hierarchy = "date"
    search_fields = ("source", "note")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        # Nationwide rows are visible to all who may see the calendar; changing them is for
        # system administrators only (see has_change_permission).
        return CalendarOverride.objects.select_related("unit").restrict(request.user, "view")

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and obj.unit_id is None and scope_root_path(request.user) != ALL:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and obj.unit_id is None and scope_root_path(request.user) != ALL:
            return False
        return super().has_delete_permission(request, obj)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if obj.unit_id is None and scope_root_path(request.user) != ALL:
            from django.core.exceptions import PermissionDenied

            raise PermissionDenied
        super().save_model(request, obj, form, change)


@admin.register(Agency)
class AgencyAdmin(ScopedAdmin):
    list_display = ("name", "kind", "unit", "identifier", "is_one_stop_desk")
    list_filter = ("kind", "is_one_stop_desk")
    search_fields = ("name", "identifier", "unit__name")


class StaffRoleInline(admin.TabularInline[StaffRole, StaffProfile]):
    model = StaffRole
    extra = 1

    def formfield_for_choice_field(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        # Only a system administrator may hand out roles that reach beyond one unit.
        if db_field.name == "role" and scope_root_path(request.user) != ALL:
            kwargs["choices"] = [(r.value, r.label) for r in Role if r not in WIDE_ROLES]
        return super().formfield_for_choice_field(db_field, request, **kwargs)


@admin.register(StaffProfile)
class StaffProfileAdmin(ScopedAdmin):
    list_display = ("user", "agency", "position")
    search_fields = ("user__username", "user__first_name", "user__last_name", "agency__name")
    inlines = [StaffRoleInline]
    raw_id_fields = ("user",)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        profile = form.instance
        roles = set(profile.role_rows.values_list("role", flat=True))
        if scope_root_path(request.user) != ALL and roles & {r.value for r in WIDE_ROLES}:
            from django.core.exceptions import PermissionDenied

            raise PermissionDenied
        user = profile.user
        user.is_staff = bool(roles & {r.value for r in ADMIN_ROLES})
        user.save(update_fields=["is_staff"])


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin[AuditEvent]):
    list_display = ("id", "occurred_at", "action", "actor_label", "unit_code", "object_type", "object_id")
    list_filter = ("action",)
    search_fields = ("action", "actor_label", "object_id")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return AuditEvent.objects.restrict(request.user, "view")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
