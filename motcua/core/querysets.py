"""Append-only records: querysets and a model mixin that refuse every change after insert.

Audit events, dossier events, clock changes and issued slips are evidence: once written they
are never edited or removed through the ORM, neither one instance at a time nor in bulk
(Open Zaak ``utils/query.py`` ``BlockChangeMixin``). ``objects`` inserts one row at a time
(``create``/``save``); the seeder's explicit ``bulk_objects`` manager may also ``bulk_create``.
Raw SQL can of course still change rows: the audit chain's hashes and its anchor outside the
database (``core/audit.py``) are what detect that.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
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


# --- Scoping: ``restrict(user, action)`` on every unit-scoped model ------------------------------
#
# NetBox ``utilities/querysets.py`` ``RestrictedQuerySet``: permissions are queryset filters. Each
# unit-scoped model declares, per action, the permission it needs and the ways (``Via``) a row
# reaches an administrative unit; ``Model.objects.restrict(user, action)`` keeps the rows with at
# least one way into the user's scope (``core.scoping.scope_root_path``). A read of a *strict*
# model that went through neither ``restrict`` nor ``unrestricted(reason)`` raises
# ``UnscopedReadError`` while strict mode is on (every request in the tests, ``strict_scoping``).


class UnscopedReadError(RuntimeError):
    """A unit-scoped model was read without ``restrict(user, action)`` or ``unrestricted(reason)``."""


@dataclass(frozen=True)
class Via:
    """One way a row reaches an administrative unit.

    ``kind``:
      * ``"path"``: ``lookup`` leads to a unit's materialised path (``"receiving_unit__path"``):
        a prefix test (a join);
      * ``"unit"``: ``lookup`` is a foreign key to a unit (``"receiving_unit"``): its id among the
        units in scope (resolved first, one small query; no join, the column's indexes serve);
      * ``"agency"``: a foreign key to an agency (``"deciding_agency"``): its id among the agencies
        of the units in scope;
      * ``"code"``: a unit code column (``"unit_code"``): among the codes of the units in scope
        (a subquery);
      * ``"own_agency"``: a foreign key to an agency that must be the user's own agency (scope
        alone never grants it);
      * ``"any"``: ``through`` names a reverse relation (``"steps"``) and ``lookup`` leads from its
        model to a unit path: true when any related row lies in scope (an ``EXISTS``).
    ``null_ok``: a row whose ``lookup`` is null is in everyone's scope (nationwide rows).
    """

    kind: str
    lookup: str
    through: str = ""
    null_ok: bool = False


@dataclass(frozen=True)
class ScopeRule:
    """What ``restrict(user, action)`` requires: ``permission`` (None: any staff role) and at
    least one ``Via`` in the user's scope."""

    permission: str | None
    via: tuple[Via, ...]


@dataclass(frozen=True)
class Scope:
    """A model's scoping declaration: its actions and whether reads must be scoped (``strict``:
    records of dossiers, citizens' access, ratings, the audit log; reference data such as
    agencies is readable by every staff member and scoped only where it is edited)."""

    actions: dict[str, ScopeRule]
    strict: bool = True


SCOPED_MODELS: dict[str, type[models.Model]] = {}
_strict: ContextVar[bool] = ContextVar("motcua_strict_scoping", default=False)


@contextmanager
def strict_scoping(on: bool = True) -> Iterator[None]:
    """While active, reading a strict scoped model without ``restrict``/``unrestricted`` raises."""
    token = _strict.set(on)
    try:
        yield
    finally:
        _strict.reset(token)


def model_scope(model: type[models.Model]) -> Scope:
    scope = getattr(model, "scope", None)
    if not isinstance(scope, Scope):
        raise TypeError(f"{model._meta.label} declares no Scope")
    return scope


class RestrictedQuerySet(models.QuerySet[_M]):
    """A queryset with ``restrict(user, action)`` and ``unrestricted(reason)``."""

    _scoped: str = ""  # the action it was restricted for, or "unrestricted: <reason>"

    def restrict(self, user: Any, action: str = "view") -> RestrictedQuerySet[_M]:
        from motcua.core.scoping import restrict_filter

        rule = model_scope(self.model).actions.get(action)
        if rule is None:
            raise ValueError(f"{self.model._meta.label} has no scope action {action!r}")
        condition = restrict_filter(self.model, rule, user)
        qs = self.none() if condition is None else self.filter(condition)
        qs._scoped = action
        return qs

    def unrestricted(self, reason: str) -> RestrictedQuerySet[_M]:
        """Every row, on purpose: a system task, a signed link, an idempotent replay of the actor's
        own intake, the seeder. ``reason`` says why (it is the reviewer's grep target)."""
        if not reason.strip():
            raise ValueError("unrestricted() needs a reason")
        qs = self.all()
        qs._scoped = f"unrestricted: {reason}"
        return qs

    def _clone(self) -> RestrictedQuerySet[_M]:
        clone = super()._clone()  # type: ignore[misc]  # private QuerySet API, not in the stubs
        clone._scoped = self._scoped
        return clone

    def _check_scoped(self) -> None:
        if self._scoped or not _strict.get() or getattr(self, "_hints", {}).get("instance") is not None:
            return  # restricted, explicitly unrestricted, or reached from an object already read
        if self.query.is_empty() or not model_scope(self.model).strict:
            return
        raise UnscopedReadError(
            f"{self.model._meta.label} read without restrict(user, action) or unrestricted(reason) (docs/security.md)"
        )

    def _fetch_all(self) -> None:
        if self._result_cache is None:
            self._check_scoped()
        super()._fetch_all()

    def count(self) -> int:
        self._check_scoped()
        return super().count()

    def exists(self) -> bool:
        self._check_scoped()
        return super().exists()

    def aggregate(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        self._check_scoped()
        return super().aggregate(*args, **kwargs)

    def iterator(self, chunk_size: int | None = None) -> Iterator[_M]:
        self._check_scoped()
        return super().iterator(chunk_size=chunk_size)


class RestrictedManager(models.Manager.from_queryset(RestrictedQuerySet)):  # type: ignore[misc]  # dynamic base
    """The default manager of a unit-scoped model (registered in ``SCOPED_MODELS``)."""

    def contribute_to_class(self, cls: type[models.Model], name: str) -> None:
        super().contribute_to_class(cls, name)
        if not cls._meta.abstract:
            SCOPED_MODELS[cls._meta.label] = cls


class RestrictedAppendOnlyQuerySet(RestrictedQuerySet[_M], BlockChangeQuerySet[_M]):  # type: ignore[override]  # both bases' as_manager() are generated
    """Scoped and append-only (the audit log)."""


class RestrictedAppendOnlyManager(models.Manager.from_queryset(RestrictedAppendOnlyQuerySet)):  # type: ignore[misc]  # dynamic base
    def contribute_to_class(self, cls: type[models.Model], name: str) -> None:
        super().contribute_to_class(cls, name)
        if not cls._meta.abstract:
            SCOPED_MODELS[cls._meta.label] = cls
