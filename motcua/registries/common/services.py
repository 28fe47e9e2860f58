"""Writes of the registry framework: one function saves a record and writes its history.

``record_save`` diffs the record against the stored row, runs ``full_clean`` (the API and
imports bypass forms), saves, writes one ``RecordChange`` per changed field and one audit event,
all in one transaction. ``record_transition`` changes a status through a workflow table.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any, TypeVar

from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.core.audit import audit_record
from motcua.core.exceptions import DomainError, PermissionDenied
from motcua.core.scoping import scope_allows, user_unit_code
from motcua.registries.common.choices import ChangeAction
from motcua.registries.common.exceptions import RegistryErrorCode
from motcua.registries.common.models import RecordChange, RegistryRecord
from motcua.registries.common.workflow import WorkflowTable

R = TypeVar("R", bound=RegistryRecord)
Actor = User | AnonymousUser | None


def history_text(value: Any) -> str:
    """A value as the history shows it (dates dd/mm/yyyy, decimals without trailing zeros)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, datetime):
        return timezone.localtime(value).strftime("%H:%M %d/%m/%Y") if timezone.is_aware(value) else value.strftime("%d/%m/%Y")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, Decimal):
        text = format(value.normalize(), "f")
        return text
    return str(value)


def _snapshot(record: RegistryRecord) -> dict[str, str]:
    return {name: history_text(getattr(record, name)) for name in record.history_fields()}


def _validation_error(exc: ValidationError) -> DomainError:
    fields = {k: " ".join(str(m) for m in v) for k, v in exc.message_dict.items()} if hasattr(exc, "error_dict") else {}
    message = " ".join(fields.values()) if fields else " ".join(str(m) for m in exc.messages)
    return DomainError(RegistryErrorCode.INVALID_RECORD, message or _("The record is not valid."), fields=fields)


def record_save(
    *, actor: Actor, record: R, changes: dict[str, Any], action: ChangeAction | None = None, permission: str = "edit"
) -> tuple[R, dict[str, tuple[str, str]]]:
    """Apply ``changes`` to ``record`` (new or stored), validate, save, and write the history.

    Returns the record and the diff ``{field: (old, new)}`` (empty: nothing changed, nothing
    written). A stored record must be in the actor's scope for ``permission``.
    """
    user = actor if isinstance(actor, User) else None
    creating = record.pk is None
    if user is not None and not scope_allows(user, record, permission):
        raise PermissionDenied(RegistryErrorCode.FORBIDDEN, _("You do not have permission to do this."))
    manager: Any = type(record)._default_manager  # the RestrictedManager of every concrete record
    with transaction.atomic():
        before: dict[str, str] = {}
        if not creating:
            stored = manager.unrestricted("record_save re-reads the row it locks").select_for_update().get(pk=record.pk)
            before = _snapshot(stored)
        for name, value in changes.items():
            setattr(record, name, value)
        record.refresh_derived()
        try:
            # Constraints are checked by the database and the natural key below: Django's own
            # constraint validation reads through the default (scoped) manager.
            record.full_clean(validate_unique=False, validate_constraints=False)
        except ValidationError as exc:
            raise _validation_error(exc) from exc
        twin = manager.unrestricted("the natural key is unique per unit").filter(
            unit_id=record.unit_id, natural_key=record.natural_key
        )
        if twin.exclude(pk=record.pk).exists() if record.pk else twin.exists():
            raise DomainError(
                RegistryErrorCode.INVALID_RECORD,
                _("A record with the key %(key)s is already in the registry.") % {"key": record.natural_key},
            )
        after = _snapshot(record)
        diff = {k: (before.get(k, ""), v) for k, v in after.items() if before.get(k, "") != v}
        if not creating and not diff:
            return record, {}
        record.save()
        now = timezone.now()
        kind = action or (ChangeAction.CREATE if creating else ChangeAction.UPDATE)
        label = user.get_username() if user is not None else ""
        rows = [
            RecordChange(
                record_type=record.record_type(),
                record_id=record.pk,
                unit_id=record.unit_id,
                at=now,
                actor=user,
                actor_label=label,
                action=kind,
                field=name,
                old=old,
                new=new,
            )
            for name, (old, new) in diff.items()
        ]
        RecordChange.bulk_objects.bulk_create(rows)
        audit_record(
            action=f"registry.{kind}",
            actor=user,
            unit_code=user_unit_code(user) or record.unit.code,
            object_type=record.record_type(),
            object_id=record.pk,
            data={"fields": sorted(diff)},
        )
    return record, diff


def record_transition(*, actor: Actor, record: R, action: str, workflow: WorkflowTable, extra: dict[str, Any] | None = None) -> R:
    """Change ``record``'s status by ``action`` (the table decides), with its history."""
    step = workflow.guard(record.status, action)
    if not isinstance(actor, User) or not actor.has_perm(step.permission):
        raise PermissionDenied(RegistryErrorCode.FORBIDDEN, _("You do not have permission to do this."))
    record, _diff = record_save(
        actor=actor, record=record, changes={"status": step.target, **(extra or {})}, action=ChangeAction.TRANSITION
    )
    return record


def record_history(*, record: RegistryRecord) -> list[RecordChange]:
    """The record's history, newest first (the caller reached ``record`` through ``restrict``)."""
    return list(RecordChange.objects.filter(record_type=record.record_type(), record_id=record.pk).select_related("actor")[:500])
