"""Core records: administrative units, agencies, staff, calendar overrides, audit log."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from motcua.core.choices import AgencyKind, OverrideKind, Role, SuccessionKind, UnitKind, UnitLevel
from motcua.core.permissions import AGENCY_EDIT, AUDIT_VIEW, CALENDAR_VIEW, STAFF_VIEW
from motcua.core.querysets import AppendOnlyModel, RestrictedAppendOnlyManager, RestrictedManager, Scope, ScopeRule, Via


class AdministrativeUnit(models.Model):
    """A unit of the administrative map, current or historical.

    The tree has any depth (the 2025 reform removed districts), so nothing here has fixed
    province/district/commune columns: ``parent`` and the materialised ``path`` carry it.
    A code may exist twice (before and after 1 July 2025), told apart by ``valid_from``.
    """

    code = models.CharField(_("official code"), max_length=10, db_index=True)
    name = models.CharField(_("name"), max_length=200)
    short_name = models.CharField(_("short name"), max_length=200)
    name_folded = models.CharField(max_length=200, editable=False, db_index=True)
    kind = models.CharField(_("kind"), max_length=20, choices=UnitKind.choices)
    level = models.CharField(_("level"), max_length=10, choices=UnitLevel.choices)
    parent = models.ForeignKey(
        "self", verbose_name=_("parent"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    path = models.CharField(max_length=120, editable=False, db_index=True)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid until (exclusive)"), null=True, blank=True)
    successors: models.ManyToManyField[AdministrativeUnit, UnitSuccession] = models.ManyToManyField(
        "self",
        through="UnitSuccession",
        through_fields=("predecessor", "successor"),
        symmetrical=False,
        related_name="predecessors",
        blank=True,
    )

    objects = RestrictedManager()
    # Public reference data: readable by everyone; "view" is the scope (the unit or below).
    scope = Scope({"view": ScopeRule(None, (Via("path", "path"),))}, strict=False)

    class Meta:
        verbose_name = _("administrative unit")
        verbose_name_plural = _("administrative units")
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(fields=["code", "valid_from"], name="core_unit_code_valid_from_uniq"),
            models.UniqueConstraint(fields=["code"], condition=Q(valid_to__isnull=True), name="core_unit_one_current_per_code"),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_from__isnull=True) | Q(valid_to__gt=models.F("valid_from")),
                name="core_unit_validity_order",
            ),
            models.CheckConstraint(condition=Q(level__in=UnitLevel.values), name="core_unit_level_valid"),
            models.CheckConstraint(condition=~Q(code=""), name="core_unit_code_not_empty"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    @property
    def is_current(self) -> bool:
        return self.valid_to is None


class UnitSuccession(models.Model):
    """A historical unit's territory went (wholly or partly) into a later unit."""

    predecessor = models.ForeignKey(AdministrativeUnit, on_delete=models.CASCADE, related_name="succession_out")
    successor = models.ForeignKey(AdministrativeUnit, on_delete=models.CASCADE, related_name="succession_in")
    kind = models.CharField(max_length=10, choices=SuccessionKind.choices)
    # The statistics office's conversion table agrees with this row (preferred where sources differ).
    official = models.BooleanField(default=True)

    class Meta:
        verbose_name = _("unit succession")
        verbose_name_plural = _("unit successions")
        constraints = [
            models.UniqueConstraint(fields=["predecessor", "successor"], name="core_succession_uniq"),
            models.CheckConstraint(condition=~Q(predecessor=models.F("successor")), name="core_succession_not_self"),
        ]

    def __str__(self) -> str:
        return f"{self.predecessor_id} → {self.successor_id} ({self.kind})"


class Agency(models.Model):
    """An agency (cơ quan) of a unit: the commune People's Committee, its service centre, …"""

    unit = models.ForeignKey(
        AdministrativeUnit, verbose_name=_("administrative unit"), on_delete=models.PROTECT, related_name="agencies"
    )
    kind = models.CharField(_("kind"), max_length=30, choices=AgencyKind.choices)
    name = models.CharField(_("name"), max_length=255)
    # Electronic identifier of the agency (Decision 20/2020/QĐ-TTg), used in dossier codes.
    identifier = models.CharField(_("electronic identifier"), max_length=40, blank=True)
    is_one_stop_desk = models.BooleanField(_("runs a one-stop desk"), default=False)
    address = models.CharField(_("address"), max_length=255, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)

    objects = RestrictedManager()
    # Reference data every staff member reads (transfer targets, deciding agencies); scoped
    # where it is edited (the admin).
    scope = Scope(
        {"view": ScopeRule(None, (Via("path", "unit__path"),)), "edit": ScopeRule(AGENCY_EDIT, (Via("path", "unit__path"),))},
        strict=False,
    )

    class Meta:
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")
        ordering = ["unit__code", "name"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "name"], name="core_agency_unit_name_uniq"),
            models.CheckConstraint(condition=Q(kind__in=AgencyKind.values), name="core_agency_kind_valid"),
        ]

    def __str__(self) -> str:
        return self.name


class StaffProfile(models.Model):
    """A staff member's place: agency (and so unit), job position and roles."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_profile")
    agency = models.ForeignKey(Agency, verbose_name=_("agency"), on_delete=models.PROTECT, related_name="staff")
    position = models.CharField(_("job position"), max_length=200, blank=True)

    objects = RestrictedManager()
    scope = Scope({"view": ScopeRule(STAFF_VIEW, (Via("path", "agency__unit__path"),))}, strict=False)

    class Meta:
        verbose_name = _("staff profile")
        verbose_name_plural = _("staff profiles")

    def __str__(self) -> str:
        return f"{self.user.get_username()} @ {self.agency}"

    @property
    def unit(self) -> AdministrativeUnit:
        return self.agency.unit

    @property
    def roles(self) -> list[Role]:
        return [Role(r) for r in self.role_rows.values_list("role", flat=True)]


class StaffRole(models.Model):
    """One role held by a staff member (a person may hold several)."""

    profile = models.ForeignKey(StaffProfile, on_delete=models.CASCADE, related_name="role_rows")
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)

    class Meta:
        verbose_name = _("staff role")
        verbose_name_plural = _("staff roles")
        constraints = [
            models.UniqueConstraint(fields=["profile", "role"], name="core_staffrole_uniq"),
            models.CheckConstraint(condition=Q(role__in=Role.values), name="core_staffrole_role_valid"),
        ]

    def __str__(self) -> str:
        return str(self.role_enum.label)

    @property
    def role_enum(self) -> Role:
        return Role(self.role)


class CalendarOverride(models.Model):
    """A yearly decision that changes the working-day calendar: an extra day off or a
    make-up working Saturday. ``unit`` empty means nationwide; otherwise it applies to the
    unit and every unit below it."""

    date = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=20, choices=OverrideKind.choices)
    unit = models.ForeignKey(
        AdministrativeUnit, verbose_name=_("administrative unit"), null=True, blank=True, on_delete=models.PROTECT
    )
    source = models.CharField(_("source (notice or decision number)"), max_length=200)
    note = models.CharField(_("note"), max_length=255, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = RestrictedManager()
    # Nationwide rows (no unit) are in everyone's scope; the calendar reads them all.
    scope = Scope({"view": ScopeRule(CALENDAR_VIEW, (Via("path", "unit__path", null_ok=True),))}, strict=False)

    class Meta:
        verbose_name = _("calendar override")
        verbose_name_plural = _("calendar overrides")
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(fields=["date", "unit"], name="core_override_date_unit_uniq"),
            models.UniqueConstraint(fields=["date"], condition=Q(unit__isnull=True), name="core_override_date_national_uniq"),
            models.CheckConstraint(condition=Q(kind__in=OverrideKind.values), name="core_override_kind_valid"),
            models.CheckConstraint(condition=~Q(source=""), name="core_override_source_required"),
        ]

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y} {OverrideKind(self.kind).label}"


class AuditEvent(AppendOnlyModel):
    """One append-only entry of the audit log. ``hash`` covers this row's content and the
    previous row's hash, so editing or deleting any row breaks the chain from there on.
    The ORM refuses changes (``AppendOnlyModel``); a user who acted cannot be deleted
    (``PROTECT``: deactivate instead), as ``SET_NULL`` would rewrite hashed rows."""

    occurred_at = models.DateTimeField(db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    actor_label = models.CharField(max_length=150, blank=True)
    unit_code = models.CharField(max_length=10, blank=True, db_index=True)
    action = models.CharField(max_length=80, db_index=True)
    object_type = models.CharField(max_length=80, blank=True)
    object_id = models.CharField(max_length=80, blank=True, db_index=True)
    data = models.JSONField(default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    objects = RestrictedAppendOnlyManager()  # type: ignore[misc]  # scoped and still append-only
    scope = Scope({"view": ScopeRule(AUDIT_VIEW, (Via("code", "unit_code"),))})

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"#{self.pk} {self.action} {self.object_type}:{self.object_id}"


class AuditChainHead(models.Model):
    """The newest audit event's id and hash, kept in the same transaction, so that removing
    rows from the end of the log is detected too."""

    singleton = models.PositiveSmallIntegerField(primary_key=True, default=1)
    last_event_id = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="")

    class Meta:
        constraints = [models.CheckConstraint(condition=Q(singleton=1), name="core_auditchainhead_singleton")]

    def __str__(self) -> str:
        return f"head #{self.last_event_id}"


class ApiKey(models.Model):
    """An integration's key: ``Authorization: Bearer <key>`` acts as ``user``. Only the
    SHA-256 of the key is stored; the key itself is shown once, when created."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_keys")
    name = models.CharField(_("name"), max_length=100, blank=True)
    prefix = models.CharField(max_length=12, unique=True)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user_id})"
