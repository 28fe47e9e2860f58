"""The registry framework's records (docs/registries.md).

``RegistryRecord`` is the abstract base of every registry's record: the commune that keeps it
(``unit``, scoped like dossiers through ``restrict(user, action)``), a natural key that makes
imports idempotent, a status changed only through a workflow table, and an accent-free
``search_folded`` column. Every change is a ``RecordChange`` row (append-only) written by
``services.record_save`` or by the import, never by hand.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from motcua.core.models import AdministrativeUnit
from motcua.core.permissions import REGISTRY_EDIT, REGISTRY_IMPORT, REGISTRY_VIEW
from motcua.core.querysets import AppendOnlyModel, RestrictedManager, Scope, ScopeRule, Via
from motcua.core.text import fold
from motcua.registries.common.choices import ChangeAction, ImportStatus

UNIT_SCOPE = Scope(
    {
        "view": ScopeRule(REGISTRY_VIEW, (Via("unit", "unit"),)),
        "edit": ScopeRule(REGISTRY_EDIT, (Via("unit", "unit"),)),
        "import": ScopeRule(REGISTRY_IMPORT, (Via("unit", "unit"),)),
    }
)


class RegistryRecord(models.Model):
    """Abstract: one record of a commune's registry. Concrete models declare
    ``objects = RestrictedManager()`` (an inherited manager would not register the model as
    scoped), a ``UniqueConstraint(unit, natural_key)`` and ``SEARCH_FIELDS``."""

    unit = models.ForeignKey(AdministrativeUnit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    natural_key = models.CharField(_("key"), max_length=80, editable=False)
    status = models.CharField(_("status"), max_length=20)
    search_folded = models.TextField(editable=False, default="")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    scope = UNIT_SCOPE
    SEARCH_FIELDS: tuple[str, ...] = ()
    DERIVED_FIELDS: tuple[str, ...] = ()  # filled by compute_derived (an import compares them too)
    # Fields whose changes are not written to the history (derived or bookkeeping columns).
    HISTORY_EXCLUDE: frozenset[str] = frozenset({"search_folded", "created_at", "updated_at", "natural_key"})

    class Meta:
        abstract = True

    @classmethod
    def key_of(cls, values: Mapping[str, Any]) -> str:
        """The natural key from field values (imports compute it before any instance exists)."""
        raise NotImplementedError

    def compute_natural_key(self) -> str:
        return self.key_of(self.__dict__)

    def compute_derived(self) -> None:
        """Fill derived columns (a size class, a flag) before saving; the default does nothing."""

    def refresh_derived(self) -> None:
        self.compute_derived()
        self.natural_key = self.compute_natural_key()
        self.search_folded = fold(" ".join(str(getattr(self, f) or "") for f in self.SEARCH_FIELDS))

    @classmethod
    def record_type(cls) -> str:
        return cls._meta.label_lower

    def history_fields(self) -> list[str]:
        return [
            f.attname
            for f in self._meta.concrete_fields
            if not f.primary_key and f.attname not in self.HISTORY_EXCLUDE and f.name != "unit"
        ]


class RecordChange(AppendOnlyModel):
    """One changed field of one record (or one creation): who, when, old → new. Never changed.

    Read through the record, which the reader reached with ``restrict(user, "view")``."""

    record_type = models.CharField(max_length=60)
    record_id = models.BigIntegerField()
    unit = models.ForeignKey(AdministrativeUnit, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    actor_label = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=20, choices=ChangeAction.choices)
    field = models.CharField(max_length=60, blank=True)
    old = models.TextField(blank=True)
    new = models.TextField(blank=True)
    job = models.ForeignKey("ImportJob", null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["record_type", "record_id", "at"], name="registries_change_record")]

    def __str__(self) -> str:
        return f"{self.record_type}#{self.record_id} {self.field}"


class ImportJob(models.Model):
    """One spreadsheet import: its file, where it stands, its row errors, what it wrote."""

    registry = models.CharField(_("registry"), max_length=30)
    unit = models.ForeignKey(AdministrativeUnit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    filename = models.CharField(_("file"), max_length=200)
    sha256 = models.CharField(max_length=64)
    content = models.BinaryField(editable=False)
    language = models.CharField(max_length=10, default="vi")
    status = models.CharField(_("status"), max_length=12, choices=ImportStatus.choices, default=ImportStatus.QUEUED)
    total_rows = models.PositiveIntegerField(default=0)
    processed_rows = models.PositiveIntegerField(default=0)
    created_count = models.PositiveIntegerField(default=0)
    updated_count = models.PositiveIntegerField(default=0)
    unchanged_count = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True)  # [{"row", "column", "message"}], every one
    failure = models.TextField(blank=True)

    objects = RestrictedManager()
    scope = Scope(
        {
            "view": ScopeRule(REGISTRY_IMPORT, (Via("unit", "unit"),)),
            "import": ScopeRule(REGISTRY_IMPORT, (Via("unit", "unit"),)),
        }
    )

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at", "-id"]
        permissions = [
            ("view_registry", "Can read the commune's registries"),
            ("change_registry", "Can change the commune's registry records"),
            ("import_registry", "Can import registry spreadsheets"),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(status__in=ImportStatus.values), name="registries_import_status_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.registry} {self.filename}"

    @property
    def percent(self) -> int:
        if not self.total_rows:
            return 100 if self.status in (ImportStatus.DONE, ImportStatus.REFUSED) else 0
        return min(100, round(100 * self.processed_rows / self.total_rows))

    @property
    def finished(self) -> bool:
        return self.status in (ImportStatus.DONE, ImportStatus.REFUSED, ImportStatus.FAILED)

    def as_progress(self) -> dict[str, Any]:
        return {"status": self.status, "total": self.total_rows, "processed": self.processed_rows, "percent": self.percent}
