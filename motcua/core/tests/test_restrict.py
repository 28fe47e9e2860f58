"""The one scoped queryset (docs/security.md "Scoping"; STYLE.md "Where logic lives" 6).

Every unit-scoped model declares how its rows reach units; ``restrict(user, action)`` applies
it. A read of a strict model that skipped both ``restrict`` and ``unrestricted(reason)`` fails
in strict mode, which every request of the test suite runs in.
"""

from __future__ import annotations

import pytest
from django.apps import apps
from django.db.models import Count, Model
from django.http import HttpRequest, HttpResponse
from django.test import override_settings

from motcua.core.audit import audit_record
from motcua.core.choices import Role
from motcua.core.middleware import StrictScopingMiddleware
from motcua.core.models import AuditEvent
from motcua.core.querysets import SCOPED_MODELS, UnscopedReadError, model_scope, strict_scoping
from motcua.core.tests.factories import staff_user

pytestmark = pytest.mark.django_db

STRICT = sorted(label for label, model in SCOPED_MODELS.items() if model_scope(model).strict)


def test_the_records_of_units_are_registered_as_strict() -> None:
    assert STRICT == [
        "core.AuditEvent",
        "dossiers.CounterVisit",
        "dossiers.Dossier",
        "feedback.Commitment",
        "feedback.Dialogue",
        "feedback.DialogueQuestion",
        "feedback.Petition",
        "identity.Consent",
        "identity.DataAccess",
        "identity.FaceTemplate",
        "registries_common.ImportJob",
        "registries_vessels.ReviewCampaign",
        "registries_vessels.ReviewItem",
        "registries_vessels.Vessel",
        "satisfaction.Rating",
        "satisfaction.SurveyCampaign",
        "satisfaction.SurveyMember",
        "satisfaction.SurveyResponse",
    ]


def test_every_model_with_a_unit_is_scoped_or_listed_as_reached_through_its_parent() -> None:
    """A model that points at a unit or an agency declares a Scope, unless it is only ever read
    through a parent that was (a dossier's steps, slips; a citizen's addresses: read nationally
    through the citizen by purpose, changed through the citizen's holding unit, docs/identity.md)."""
    through_parent = {
        # The similar-petitions index: its unit column is a copy of the petition's, read only by
        # ``feedback.selectors.similar_candidates`` for the unit it was asked about.
        "feedback.PetitionTerm",
        # A registry record's change history, read through the record (``restrict`` on it).
        "registries_common.RecordChange",
        "dossiers.DossierStep",
        "dossiers.Slip",
        "identity.Address",
        "core.UnitSuccession",
    }
    unit_bound = {
        model._meta.label
        for model in apps.get_models()
        if model._meta.app_config is not None
        and model._meta.app_config.name.startswith("motcua.")
        and any(
            isinstance(related := getattr(field, "related_model", None), type)
            and issubclass(related, Model)
            and related._meta.label in ("core.AdministrativeUnit", "core.Agency")
            and field.many_to_one
            for field in model._meta.get_fields()
        )
    }
    assert unit_bound - through_parent - set(SCOPED_MODELS) == set()


@pytest.mark.parametrize("label", STRICT)
@pytest.mark.parametrize("read", ["list", "count", "exists", "aggregate", "iterator", "first"])
def test_a_strict_model_read_without_restrict_fails(label: str, read: str) -> None:
    qs = SCOPED_MODELS[label].objects.filter(pk__gt=0)  # type: ignore[attr-defined]
    with strict_scoping(), pytest.raises(UnscopedReadError):
        {
            "list": lambda: list(qs),
            "count": qs.count,
            "exists": qs.exists,
            "aggregate": lambda: qs.aggregate(n=Count("pk")),
            "iterator": lambda: list(qs.iterator()),
            "first": qs.first,
        }[read]()


@pytest.mark.parametrize("label", STRICT)
def test_a_restricted_or_explicitly_unrestricted_read_passes(label: str) -> None:
    model = SCOPED_MODELS[label]
    user = staff_user("officer", Role.RECEPTION_OFFICER)
    action = next(iter(model_scope(model).actions))
    with strict_scoping():
        assert isinstance(list(model.objects.restrict(user, action).filter(pk__gt=0)), list)  # type: ignore[attr-defined]
        assert isinstance(model.objects.unrestricted("test: a system read").filter(pk__gt=0).count(), int)  # type: ignore[attr-defined]


def test_the_scope_mark_survives_chaining() -> None:
    leader = staff_user("leader", Role.LEADER)
    with strict_scoping():
        rows = AuditEvent.objects.restrict(leader, "view").filter(action="x").order_by("-id").values_list("id", flat=True)
        assert list(rows[:5]) == []


def test_outside_strict_mode_reads_are_not_checked() -> None:
    assert AuditEvent.objects.filter(pk__gt=0).count() >= 0


def test_unrestricted_needs_a_reason() -> None:
    with pytest.raises(ValueError, match="reason"):
        AuditEvent.objects.unrestricted("  ")


def test_an_unknown_action_is_an_error() -> None:
    with pytest.raises(ValueError, match="no scope action"):
        AuditEvent.objects.restrict(None, "approve")


def test_a_request_that_reads_without_restrict_fails() -> None:
    """The middleware puts every request of the tests in strict mode."""
    middleware = StrictScopingMiddleware(lambda request: HttpResponse(str(AuditEvent.objects.count())))

    with override_settings(MOTCUA_STRICT_SCOPING=True), pytest.raises(UnscopedReadError):
        middleware(HttpRequest())


def test_audit_log_is_restricted_to_the_units_in_scope() -> None:
    leader = staff_user("leader", Role.LEADER, unit_code="32218")
    audit_record(action="test.here", unit_code="32218", object_type="x", object_id="1")
    audit_record(action="test.there", unit_code="32212", object_type="x", object_id="2")

    seen = set(AuditEvent.objects.restrict(leader, "view").filter(action__startswith="test.").values_list("action", flat=True))

    assert seen == {"test.here"}
