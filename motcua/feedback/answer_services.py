"""Writes of answer templates (docs/feedback.md "Answer templates"): create and edit, by the
unit's leader or administrator (``ANSWER_TEMPLATE_MANAGE``), for their own unit or below;
national templates (no unit) by a system administrator only. Each write is audited."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser, User
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from motcua.core.audit import audit_record
from motcua.core.exceptions import DomainError, NotFound, PermissionDenied
from motcua.core.models import AdministrativeUnit
from motcua.core.permissions import ANSWER_TEMPLATE_MANAGE
from motcua.core.scoping import ALL, scope_root_path, unit_in_scope, user_unit_code
from motcua.core.validation import max_length, text_problem
from motcua.feedback.answer_templates import placeholder_problems
from motcua.feedback.choices import ContentCategory
from motcua.feedback.exceptions import PetitionErrorCode
from motcua.feedback.models import AnswerTemplate
from motcua.feedback.selectors import answer_template_get, placeholder_message

MAX_BODY = 20000  # as an answer


@dataclass(frozen=True)
class TemplateInput:
    category: str
    title: str
    body: str
    active: bool = True
    unit_code: str = ""  # "": national (system administrators only)


def may_manage_templates(user: User | AnonymousUser | None) -> bool:
    return user is not None and user.is_authenticated and user.has_perm(ANSWER_TEMPLATE_MANAGE)


def _validate(data: TemplateInput) -> dict[str, str]:
    errors: dict[str, str] = {}
    for name, value in (("title", data.title), ("body", data.body), ("unit_code", data.unit_code)):
        problem = text_problem(value)
        if problem:
            errors[name] = str(problem)
    if data.category not in ContentCategory.values:
        errors["category"] = _("Choose the content category (Art. 5).")
    if not data.title.strip():
        errors.setdefault("title", _("Give the template a title."))
    elif len(data.title.strip()) > max_length(AnswerTemplate, "title"):
        errors.setdefault("title", _("At most %(n)s characters.") % {"n": max_length(AnswerTemplate, "title")})
    if not data.body.strip():
        errors.setdefault("body", _("Write the template's text."))
    elif len(data.body) > MAX_BODY:
        errors.setdefault("body", _("At most %(n)s characters.") % {"n": MAX_BODY})
    elif (problem_found := placeholder_problems(data.body)) is not None:
        errors.setdefault("body", placeholder_message(problem_found))
    return errors


def _unit(actor: User, unit_code: str) -> AdministrativeUnit | None:
    if not unit_code:
        if scope_root_path(actor) != ALL:
            message = _("Only a system administrator keeps the national templates.")
            raise DomainError(PetitionErrorCode.TEMPLATE_INVALID, message, fields={"unit_code": message})
        return None
    unit = AdministrativeUnit.objects.filter(code=unit_code, valid_to__isnull=True).order_by("-valid_from").first()
    if unit is None or not unit_in_scope(actor, unit):
        raise NotFound(PetitionErrorCode.UNIT_NOT_FOUND, _("No such unit in your scope."))
    return unit


def answer_template_save(*, actor: User | AnonymousUser, data: TemplateInput, template_id: int | None = None) -> AnswerTemplate:
    """Create a template (``template_id`` None) or change one the actor may manage."""
    if not isinstance(actor, User) or not may_manage_templates(actor):
        raise PermissionDenied(PetitionErrorCode.FORBIDDEN, _("You do not have permission to do this."))
    errors = _validate(data)
    if errors:
        raise DomainError(PetitionErrorCode.TEMPLATE_INVALID, _("Please correct the marked fields."), fields=errors)
    unit = _unit(actor, data.unit_code.strip())
    with transaction.atomic():
        if template_id is None:
            template = AnswerTemplate()
        else:
            template = answer_template_get(user=actor, template_id=template_id)
            template = AnswerTemplate.objects.restrict(actor, "manage").select_for_update().get(pk=template.pk)
        before = {"category": template.category, "title": template.title, "active": template.active} if template.pk else {}
        template.unit = unit
        template.category = data.category
        template.title = data.title.strip()
        template.body = data.body.strip()
        template.active = data.active
        template.updated_by = actor
        template.full_clean(exclude=["unit", "updated_by"], validate_unique=False, validate_constraints=False)
        try:
            with transaction.atomic():
                template.save()
        except IntegrityError as exc:
            message = _("This unit already has a template with this title in this category.")
            raise DomainError(PetitionErrorCode.TEMPLATE_INVALID, message, fields={"title": message}, status_code=409) from exc
        audit_record(
            action="answer_template.create" if not before else "answer_template.change",
            actor=actor,
            unit_code=unit.code if unit else user_unit_code(actor),
            object_type="answer_template",
            object_id=template.pk,
            data={"before": before, "category": template.category, "title": template.title, "active": template.active},
        )
    return template
