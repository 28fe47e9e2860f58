"""Append-only records: querysets and a model mixin that refuse every change after insert.

Audit events, dossier events, clock changes and issued slips are evidence: once written they
are never edited or removed through the ORM, neither one instance at a time nor in bulk
(Open Zaak ``utils/query.py`` ``BlockChangeMixin``). ``objects`` inserts one row at a time
(``create``/``save``); the seeder's explicit ``bulk_objects`` manager may also ``bulk_create``.
Raw SQL can of course still change rows: the audit chain's hashes and its anchor outside the
database (``core/audit.py``) are what detect that.
"""

from __future__ import annotations

from typing import Any, NoReturn, TypeVar

from django.db import models

_M = TypeVar("_M", bound=models.Model)


class AppendOnlyError(RuntimeError):
    """An attempt to change or remove an append-only record through the ORM."""


def _refuse(model: type[models.Model], operation: str) -> NoReturn:
    raise AppendOnlyError(f"{model._meta.label} rows are append-only: {operation} is refused (write a new row instead)")


class BlockChangeQuerySet(models.QuerySet[_M]):
    """A queryset that reads and inserts but refuses update, delete and bulk writes."""

    def update(self, **kwargs: Any) -> NoReturn:
        _refuse(self.model, "update()")

    def delete(self) -> NoReturn:
        _refuse(self.model, "delete()")

    def bulk_update(self, objs: Any, fields: Any, batch_size: int | None = None) -> NoReturn:
        _refuse(self.model, "bulk_update()")

    def update_or_create(self, *args: Any, **kwargs: Any) -> NoReturn:
        _refuse(self.model, "update_or_create()")

    def bulk_create(self, objs: Any, *args: Any, **kwargs: Any) -> list[_M]:
        _refuse(self.model, "bulk_create() outside the explicit bulk_objects manager")


class BulkInsertQuerySet(BlockChangeQuerySet[_M]):
    """As :class:`BlockChangeQuerySet`, but ``bulk_create`` is allowed (inserts only)."""

    def bulk_create(self, objs: Any, *args: Any, **kwargs: Any) -> list[_M]:
        return models.QuerySet.bulk_create(self, objs, *args, **kwargs)


class AppendOnlyModel(models.Model):
    """Mixin: ``objects`` blocks changes, ``bulk_objects`` adds ``bulk_create``, and an
    instance refuses ``save()`` once stored and ``delete()`` always.

    Deleting the parent (a dossier) is refused by ``on_delete=PROTECT`` on the records' foreign
    keys, because Django's cascade deletes rows without going through these querysets.
    """

    objects = models.Manager.from_queryset(BlockChangeQuerySet)()
    bulk_objects = models.Manager.from_queryset(BulkInsertQuerySet)()

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding or kwargs.get("force_update") or kwargs.get("update_fields") is not None:
            _refuse(type(self), "save() of a stored row")
        # An INSERT even when a primary key is given: never an UPDATE of an existing row.
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        _refuse(type(self), "delete()")
