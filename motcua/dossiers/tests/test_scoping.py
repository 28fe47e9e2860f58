"""Dossier reads go through ``Dossier.objects.restrict(user, action)`` (docs/security.md
"Scoping"): every selector runs in strict mode, so a read that skipped the scope fails here;
and the object check used by the workflow (``scope_allows``) is the same rule as the queryset."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import User

from motcua.core.choices import AgencyKind, Role
from motcua.core.exceptions import NotFound
from motcua.core.querysets import model_scope, strict_scoping
from motcua.core.scoping import scope_allows
from motcua.core.tests.factories import staff_user
from motcua.dossiers import identity_hooks, selectors
from motcua.dossiers.choices import ApplicantKind, DossierAction, VisitOutcome
from motcua.dossiers.models import CounterVisit, Dossier
from motcua.dossiers.services import ActionInput, ApplicantInput, VisitInput, counter_visit_record, dossier_act, dossier_receive
from motcua.dossiers.tests.factories import PERSONAL_ID, commune_agencies, intake, procedure, staff

pytestmark = pytest.mark.django_db
VN = ZoneInfo("Asia/Ho_Chi_Minh")
NOW = dt.datetime(2026, 3, 2, 10, 0, tzinfo=VN)
DAY = (NOW - dt.timedelta(days=1), NOW + dt.timedelta(days=5))


class _Citizen:
    personal_id = PERSONAL_ID
    ref = "0123456789abcdef0123456789abcdef"


@pytest.fixture
def officer() -> User:
    procedure()
    commune_agencies()
    return staff("officer", Role.RECEPTION_OFFICER, full_name="Lê Văn Cường")


@pytest.fixture
def liên_thông(officer: User) -> Dossier:
    """Received at 32218, its open step at the People's Committee of 32214."""
    dossier = dossier_receive(actor=officer, intake=intake(), now=NOW).dossier
    other_pc = commune_agencies("32214")[AgencyKind.PEOPLES_COMMITTEE]
    dossier_act(
        actor=officer,
        code=dossier.code,
        action=DossierAction.TRANSFER,
        data=ActionInput(agency_id=other_pc.pk),
        now=NOW + dt.timedelta(hours=1),
    )
    return Dossier.objects.unrestricted("test fixture").get(pk=dossier.pk)


@pytest.fixture
def visit(officer: User) -> CounterVisit:
    applicant = ApplicantInput(kind=ApplicantKind.PERSON, name="Nguyễn Văn An", id_number=PERSONAL_ID)
    data = VisitInput(
        outcome=VisitOutcome.REFUSED, procedure_code="1.001193", applicant=applicant, reason="Không thuộc thẩm quyền"
    )
    return counter_visit_record(actor=officer, visit=data, now=NOW).visit


def _every_read(user: User, dossier: Dossier, visit: CounterVisit) -> dict[str, object]:
    """Each user-facing dossier selector, as pages and the API call it."""

    def get(fn: object, **kwargs: object) -> object:
        try:
            return fn(**kwargs)  # type: ignore[operator]
        except NotFound:
            return None

    return {
        "get": get(selectors.dossier_get, user=user, code=dossier.code),
        "detail": get(selectors.dossier_detail, user=user, code=dossier.code),
        "queue": sorted(selectors.dossier_queue(user=user, flt=selectors.QueueFilter(), now=NOW).values_list("code", flat=True)),
        "tracking_book": list(selectors.tracking_book(user=user, start=DAY[0], end=DAY[1]).values_list("code", flat=True)),
        "overrides": selectors.supplement_override_counts(user=user, start=DAY[0], end=DAY[1]),
        "counter_stats": selectors.counter_stats(user=user, start=DAY[0], end=DAY[1]),
        "visit": get(selectors.counter_visit_get, user=user, pk=visit.pk),
        "counter_hook": [
            d["code"] for d in identity_hooks.dossiers_for_counter(user=user, citizen=_Citizen(), purpose="x")["dossiers"]
        ],
        "export_hook": [d["code"] for d in identity_hooks.dossiers_for_export(citizen=_Citizen(), user=user)["dossiers"]],
    }


def test_every_dossier_selector_reads_through_restrict(officer: User, liên_thông: Dossier, visit: CounterVisit) -> None:
    """STYLE.md "Where logic lives" 6: strict mode fails any read of a dossier or counter visit
    that skipped ``restrict``; the desk that received it sees it everywhere."""
    with strict_scoping():
        reads = _every_read(officer, liên_thông, visit)

    assert reads["get"] == liên_thông
    assert reads["detail"] == liên_thông
    assert reads["queue"] == [liên_thông.code]
    assert reads["tracking_book"] == [liên_thông.code]
    assert reads["visit"] == visit
    assert reads["counter_hook"] == [liên_thông.code]
    assert reads["export_hook"] == [liên_thông.code]
    assert reads["counter_stats"] == selectors.CounterStats(received=1, guided=0, refused=1)


def test_another_commune_sees_nothing_through_any_selector(liên_thông: Dossier, visit: CounterVisit) -> None:
    bystander = staff("bystander", Role.LEADER, code="32212", kind=AgencyKind.PEOPLES_COMMITTEE)

    with strict_scoping():
        reads = _every_read(bystander, liên_thông, visit)

    assert reads == {
        "get": None,
        "detail": None,
        "queue": [],
        "tracking_book": [],
        "overrides": [],
        "counter_stats": selectors.CounterStats(0, 0, 0),
        "visit": None,
        "counter_hook": [],
        "export_hook": [],
    }


def test_the_commune_holding_the_step_reads_the_dossier_but_not_the_desks_visits(
    liên_thông: Dossier, visit: CounterVisit
) -> None:
    step_holder = staff("phumy", Role.SPECIALIST, code="32214", kind=AgencyKind.PEOPLES_COMMITTEE)

    with strict_scoping():
        reads = _every_read(step_holder, liên_thông, visit)

    assert (reads["get"], reads["queue"], reads["visit"]) == (liên_thông, [liên_thông.code], None)


@pytest.mark.parametrize("action", sorted(model_scope(Dossier).actions))
def test_the_object_check_is_the_queryset_rule(officer: User, liên_thông: Dossier, action: str) -> None:
    """``scope_allows`` (the workflow's check on a loaded dossier) agrees with ``restrict`` for
    every declared action and every kind of user."""
    users = [
        officer,
        staff("pc-leader", Role.LEADER, kind=AgencyKind.PEOPLES_COMMITTEE),
        staff("centre-leader", Role.LEADER, kind=AgencyKind.SERVICE_CENTRE),
        staff("phumy-leader", Role.LEADER, code="32214", kind=AgencyKind.PEOPLES_COMMITTEE),
        staff("phumy-specialist", Role.SPECIALIST, code="32214", kind=AgencyKind.PEOPLES_COMMITTEE),
        staff("caidoivam", Role.LEADER, code="32212", kind=AgencyKind.PEOPLES_COMMITTEE),
        staff_user("reviewer", Role.PROVINCE_REVIEWER, unit_code="32212"),
        staff_user("root", Role.SYSTEM_ADMINISTRATOR, unit_code="96"),
    ]
    dossier = Dossier.objects.unrestricted("test").select_related("current_agency__unit").get(pk=liên_thông.pk)

    for user in users:
        in_queryset = Dossier.objects.restrict(user, action).filter(pk=dossier.pk).exists()
        assert scope_allows(user, dossier, action) == in_queryset, (user.username, action)


def test_the_queue_resolves_the_scope_with_one_small_query(
    officer: User, liên_thông: Dossier, django_assert_num_queries: object
) -> None:
    """docs/performance.md: the queue's scope is resolved to ids first, then one dossier query."""
    with django_assert_num_queries(2):  # type: ignore[operator]
        codes = list(selectors.dossier_queue(user=officer, flt=selectors.QueueFilter(), now=NOW).values_list("code", flat=True))

    assert codes == [liên_thông.code]
