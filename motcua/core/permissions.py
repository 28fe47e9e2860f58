"""Roles and what they may do.

Permissions are named ``app.codename`` like Django's model permissions, so the admin and
``user.has_perm`` work unchanged; :class:`RoleBackend` grants them from the staff member's
roles. *Where* a permission applies is a separate question, answered by
:mod:`motcua.core.scoping`.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import BaseBackend
from django.contrib.auth.models import AnonymousUser, User

from motcua.core.choices import Role

# Named permissions used by views and services (compare these constants, not literals).
CATALOG_VIEW = "catalog.view_procedure"
CATALOG_EDIT = "catalog.change_procedure"
CATALOG_ADD = "catalog.add_procedure"
CALENDAR_VIEW = "core.view_calendaroverride"
CALENDAR_EDIT = "core.change_calendaroverride"
CALENDAR_ADD = "core.add_calendaroverride"
CALENDAR_DELETE = "core.delete_calendaroverride"
AUDIT_VIEW = "core.view_auditevent"
UNITS_VIEW = "core.view_administrativeunit"
AGENCY_VIEW = "core.view_agency"
AGENCY_EDIT = "core.change_agency"
STAFF_VIEW = "core.view_staffprofile"
STAFF_EDIT = "core.change_staffprofile"
# Citizen identification (motcua.identity); every use also needs a recorded purpose.
IDENTITY_VIEW = "identity.view_citizen"
IDENTITY_EDIT = "identity.change_citizen"
IDENTITY_MERGE = "identity.merge_citizen"
IDENTITY_EXPORT = "identity.export_citizen"
IDENTITY_ERASE = "identity.delete_citizen"
CONSENT_MANAGE = "identity.change_consent"
FACE_ENROL = "identity.add_facetemplate"
FACE_SEARCH = "identity.search_face"
ACCESS_LOG_VIEW = "identity.view_dataaccess"
_COUNTER_IDENTITY = {IDENTITY_VIEW, IDENTITY_EDIT, CONSENT_MANAGE, FACE_ENROL, FACE_SEARCH}
# Dossiers (motcua.dossiers): see dossiers/workflow.py for which action needs which.
DOSSIER_VIEW = "dossiers.view_dossier"
DOSSIER_RECEIVE = "dossiers.receive_dossier"
DOSSIER_PROCESS = "dossiers.process_dossier"
DOSSIER_DECIDE = "dossiers.decide_dossier"
# Ratings (motcua.satisfaction): aggregates of at least 5 for staff; individual ratings only
# for leaders of the unit, audited (the selectors also require the leader role).
RATING_AGGREGATE_VIEW = "satisfaction.view_rating_aggregate"
RATING_DRILLDOWN = "satisfaction.drilldown_rating"
# Survey campaigns (RULES.md §3.1): read campaigns and results; create, draw, invite, close;
# key in a paper answer at the counter.
SURVEY_VIEW = "satisfaction.view_surveycampaign"
SURVEY_MANAGE = "satisfaction.manage_surveycampaign"
SURVEY_RECORD = "satisfaction.record_surveyresponse"
# A unit administrator edits questionnaires in the Django admin.
_QUESTIONNAIRE_EDITING = {
    f"satisfaction.{verb}_{model}" for verb in ("view", "add", "change") for model in ("questionnaire", "question")
}
# Petitions (motcua.feedback, RULES.md §5): the commune centre receives and handles them; the
# leader approves each answer before it is published.
PETITION_VIEW = "feedback.view_petition"
PETITION_RECEIVE = "feedback.receive_petition"
PETITION_PROCESS = "feedback.process_petition"
PETITION_APPROVE = "feedback.approve_petition"
_PETITION_HANDLING = {PETITION_VIEW, PETITION_RECEIVE, PETITION_PROCESS}
# The periodic reports (motcua.reports): the centre's officers prepare them, the leader signs
# them, the unit administrator and the province reviewer read them.
REPORT_VIEW = "reports.view_report"
# Answer templates per content category (docs/feedback.md "Answer templates"): the leader and the
# unit administrator keep their unit's on a staff page; the unit administrator also in the admin.
ANSWER_TEMPLATE_MANAGE = "feedback.manage_answertemplate"
_ANSWER_TEMPLATE_EDITING = {f"feedback.{verb}_answertemplate" for verb in ("view", "add", "change")}
# Dialogues with the people (motcua.feedback.dialogues, RULES.md §1.9): the centre plans them
# and records questions, answers and commitments; whoever owns a commitment reports on it; the
# leader approves and publishes the minutes (and sees overdue commitments on the workspace).
DIALOGUE_VIEW = "feedback.view_dialogue"
DIALOGUE_MANAGE = "feedback.manage_dialogue"
DIALOGUE_REPORT = "feedback.report_commitment"
DIALOGUE_APPROVE = "feedback.approve_dialogue"
_DIALOGUE_HANDLING = {DIALOGUE_VIEW, DIALOGUE_MANAGE, DIALOGUE_REPORT}
# The service-quality index (motcua.indices, RULES.md §2): the index is public; the dossiers and
# petitions behind each number are for staff of the unit and of its province.
INDEX_ITEMS_VIEW = "indices.view_indicator_items"
# Digitised registries (motcua.registries: vessels, OCOP, household businesses): the centre's
# officers read and keep them, the leader reads them, the unit administrator imports spreadsheets.
REGISTRY_VIEW = "registries_common.view_registry"
REGISTRY_EDIT = "registries_common.change_registry"
REGISTRY_IMPORT = "registries_common.import_registry"
_REGISTRY_KEEPING = {REGISTRY_VIEW, REGISTRY_EDIT}
_STAFF_EDITING = {
    "core.view_staffprofile",
    "core.change_staffprofile",
    "core.add_staffprofile",
    "core.view_staffrole",
    "core.change_staffrole",
    "core.add_staffrole",
    "core.delete_staffrole",
}

_CATALOG_EDITING = {CATALOG_VIEW, CATALOG_EDIT, CATALOG_ADD, "catalog.view_sector", "catalog.change_sector", "catalog.add_sector"}
_CALENDAR_EDITING = {CALENDAR_VIEW, CALENDAR_EDIT, CALENDAR_ADD, CALENDAR_DELETE}

ROLE_PERMISSIONS: dict[Role, frozenset[str]] = {
    Role.RECEPTION_OFFICER: frozenset(
        {CATALOG_VIEW, UNITS_VIEW, AGENCY_VIEW, CALENDAR_VIEW, DOSSIER_VIEW, DOSSIER_RECEIVE, RATING_AGGREGATE_VIEW}
        | _COUNTER_IDENTITY
        | {SURVEY_VIEW, SURVEY_RECORD}
        | _PETITION_HANDLING
        | {REPORT_VIEW}
        | _DIALOGUE_HANDLING
        | {INDEX_ITEMS_VIEW}
        | _REGISTRY_KEEPING
    ),
    Role.SPECIALIST: frozenset(
        {CATALOG_VIEW, UNITS_VIEW, AGENCY_VIEW, CALENDAR_VIEW, IDENTITY_VIEW, DOSSIER_VIEW, DOSSIER_PROCESS}
        | {RATING_AGGREGATE_VIEW}
        | {PETITION_VIEW, PETITION_PROCESS}
        | {DIALOGUE_VIEW, DIALOGUE_REPORT}
        | {INDEX_ITEMS_VIEW}
        | _REGISTRY_KEEPING
    ),
    Role.LEADER: frozenset(
        {CATALOG_VIEW, UNITS_VIEW, AGENCY_VIEW, CALENDAR_VIEW, STAFF_VIEW, AUDIT_VIEW}
        | {DOSSIER_VIEW, DOSSIER_PROCESS, DOSSIER_DECIDE}
        | {IDENTITY_VIEW, IDENTITY_MERGE, IDENTITY_EXPORT, CONSENT_MANAGE, ACCESS_LOG_VIEW}
        | {RATING_AGGREGATE_VIEW, RATING_DRILLDOWN}
        | {SURVEY_VIEW, SURVEY_MANAGE, SURVEY_RECORD}
        | _PETITION_HANDLING
        | {PETITION_APPROVE, ANSWER_TEMPLATE_MANAGE}
        | {REPORT_VIEW}
        | _DIALOGUE_HANDLING
        | {DIALOGUE_APPROVE}
        | {INDEX_ITEMS_VIEW}
        | {REGISTRY_VIEW}
    ),
    # Law 91/2025: erasure is the data-protection role's alone (with a reason, in its own unit).
    Role.DATA_PROTECTION_OFFICER: frozenset(
        {UNITS_VIEW, AGENCY_VIEW, DOSSIER_VIEW, IDENTITY_VIEW, IDENTITY_EXPORT, IDENTITY_ERASE, ACCESS_LOG_VIEW}
    ),
    Role.DATA_OFFICER: frozenset({UNITS_VIEW, AGENCY_VIEW, CALENDAR_VIEW} | _CATALOG_EDITING),
    Role.UNIT_ADMINISTRATOR: frozenset(
        {CATALOG_VIEW, UNITS_VIEW, AGENCY_VIEW, AGENCY_EDIT, AUDIT_VIEW, DOSSIER_VIEW, RATING_AGGREGATE_VIEW}
        | _CALENDAR_EDITING
        | _STAFF_EDITING
        | {SURVEY_VIEW, SURVEY_MANAGE}
        | _QUESTIONNAIRE_EDITING
        | {REPORT_VIEW}
        | {ANSWER_TEMPLATE_MANAGE}
        | _ANSWER_TEMPLATE_EDITING
        | {REGISTRY_VIEW, REGISTRY_IMPORT}
    ),
    Role.PROVINCE_REVIEWER: frozenset(
        {CATALOG_VIEW, UNITS_VIEW, AGENCY_VIEW, CALENDAR_VIEW, STAFF_VIEW, AUDIT_VIEW, DOSSIER_VIEW, RATING_AGGREGATE_VIEW}
        | {SURVEY_VIEW}
        | {REPORT_VIEW}
        | {INDEX_ITEMS_VIEW}
    ),
    Role.SYSTEM_ADMINISTRATOR: frozenset(),  # every permission; see RoleBackend
}

# Roles whose holders may open the Django admin (reference data editing).
ADMIN_ROLES = frozenset({Role.DATA_OFFICER, Role.UNIT_ADMINISTRATOR, Role.SYSTEM_ADMINISTRATOR})


def user_roles(user: User | AnonymousUser | None) -> frozenset[Role]:
    """The roles of an active staff member (cached on the user object for the request)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return frozenset()
    cached: frozenset[Role] | None = getattr(user, "_motcua_roles", None)
    if cached is not None:
        return cached
    from motcua.core.models import StaffRole

    roles = frozenset(Role(r) for r in StaffRole.objects.filter(profile__user=user).values_list("role", flat=True))
    setattr(user, "_motcua_roles", roles)  # noqa: B010  per-request cache on the user object
    return roles


def role_permissions(roles: frozenset[Role]) -> frozenset[str]:
    perms: set[str] = set()
    for role in roles:
        perms |= ROLE_PERMISSIONS[role]
    return frozenset(perms)


class RoleBackend(BaseBackend):
    """Grants permissions from staff roles; authentication stays with ModelBackend."""

    def authenticate(self, request: Any, **kwargs: Any) -> None:
        return None

    def get_all_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        roles = user_roles(user_obj)
        if Role.SYSTEM_ADMINISTRATOR in roles:
            from django.contrib.auth.models import Permission

            return {f"{ct}.{code}" for ct, code in Permission.objects.values_list("content_type__app_label", "codename")}
        return set(role_permissions(roles))

    def has_perm(self, user_obj: Any, perm: str, obj: Any = None) -> bool:
        roles = user_roles(user_obj)
        if Role.SYSTEM_ADMINISTRATOR in roles:
            return True
        return perm in role_permissions(roles)

    def has_module_perms(self, user_obj: Any, app_label: str) -> bool:
        roles = user_roles(user_obj)
        if Role.SYSTEM_ADMINISTRATOR in roles:
            return True
        return any(p.startswith(app_label + ".") for p in role_permissions(roles))


def staff_with_permission(request: Any, permission: str) -> User:
    """The request's user when they are staff holding ``permission``; otherwise Django's 403.
    The one check behind the staff views' ``_staff`` (dossiers, petitions, dialogues, registries,
    reports); ``login_required`` runs first, so anonymous visitors go to the login page."""
    from django.core.exceptions import PermissionDenied as DjangoPermissionDenied

    user = request.user
    if not isinstance(user, User) or not user.has_perm(permission):
        raise DjangoPermissionDenied
    return user
