"""Submitting a rating (RULES.md §3.2): who may rate, once, linked to the dossier, and the
dossier's log records it without the answers."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps as django_apps

from motcua.core.exceptions import DomainError
from motcua.core.models import AuditEvent
from motcua.core.notifications import MemoryBackend
from motcua.dossiers.choices import DossierAction, DossierStatus
from motcua.dossiers.models import Dossier, DossierEvent
from motcua.dossiers.ratings import rating_token
from motcua.dossiers.services import dossier_act
from motcua.dossiers.workflow import replay
from motcua.satisfaction.choices import Level, RatingChannel
from motcua.satisfaction.models import Rating
from motcua.satisfaction.services import dossier_key, rating_submit
from motcua.satisfaction.tests.factories import closed_dossier, officer_of, open_dossier, rate

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("status", [DossierStatus.REFUSED, DossierStatus.STOPPED, DossierStatus.RETURNED])
def test_applicant_of_a_closed_dossier_can_rate_and_the_rating_is_linked(status: DossierStatus) -> None:
    """RULES.md §3.2 / §2.2 indicator 5.4: refused and stopped dossiers may draw a "dislike" too;
    a returned one still can be rated."""
    dossier = closed_dossier(officer_of(), status)

    rating = rate(dossier, Level.UNSATISFIED, comment="Chờ lâu")

    assert (rating.dossier_id, rating.overall, rating.unit_code, rating.comment) == (dossier.pk, 2, "32218", "Chờ lâu")
    assert Dossier.objects.get(pk=dossier.pk).rated is True


def test_rating_writes_a_dossier_event_and_audit_rows_without_the_answers() -> None:
    """RULES.md §3.2: the rating is a proper service call; the event tells that, never how, it was rated."""
    dossier = closed_dossier(officer_of(), DossierStatus.REFUSED)

    rate(dossier, Level.VERY_UNSATISFIED, comment="Rất tệ")

    event = DossierEvent.objects.filter(dossier=dossier).order_by("-seq").first()
    assert event is not None
    assert (event.action, event.from_status, event.to_status, event.actor_id, event.reason, event.payload) == (
        DossierAction.RATE,
        DossierStatus.REFUSED,
        DossierStatus.REFUSED,
        None,
        "",
        {},
    )
    audit = AuditEvent.objects.get(action="dossier.rate")
    assert (audit.object_id, audit.unit_code, audit.data) == (dossier.code, "32218", {"status": "refused"})
    assert AuditEvent.objects.filter(action="rating.submit").count() == 1


def test_events_with_the_rating_still_replay_to_the_status() -> None:
    """RULES.md §1.4: the status is the result of the events; rating does not change it."""
    dossier = closed_dossier(officer_of(), DossierStatus.STOPPED)
    rate(dossier, Level.SATISFIED)

    actions = [DossierAction(a) for a in dossier.events.order_by("seq").values_list("action", flat=True)]

    assert actions[-1] == DossierAction.RATE
    assert replay(actions) == DossierStatus.STOPPED


def test_still_open_dossier_cannot_be_rated_and_nothing_changes() -> None:
    """RULES.md §3.2: only a closed dossier is rated."""
    dossier = open_dossier(officer_of())
    events_before = dossier.events.count()
    audits_before = AuditEvent.objects.count()

    with pytest.raises(DomainError) as caught:
        rating_submit(token=rating_token(dossier), overall=Level.SATISFIED, answers={}, channel=RatingChannel.QR)

    assert (caught.value.code, caught.value.status_code) == ("rating_not_open", 409)
    assert not Rating.objects.exists()
    assert Dossier.objects.get(pk=dossier.pk).rated is False
    assert (dossier.events.count(), AuditEvent.objects.count()) == (events_before, audits_before)


def test_rating_twice_is_refused_and_the_first_rating_stays() -> None:
    """RULES.md §3.2: one rating per dossier."""
    dossier = closed_dossier(officer_of(), DossierStatus.RETURNED)
    first = rate(dossier, Level.VERY_SATISFIED)
    events_before = dossier.events.count()
    audits_before = AuditEvent.objects.count()

    with pytest.raises(DomainError) as caught:
        rate(dossier, Level.VERY_UNSATISFIED)

    assert (caught.value.code, caught.value.status_code) == ("already_rated", 409)
    assert list(Rating.objects.values_list("pk", "overall")) == [(first.pk, 5)]
    assert (dossier.events.count(), AuditEvent.objects.count()) == (events_before, audits_before)


def test_a_level_outside_the_scale_is_refused_and_nothing_changes() -> None:
    """RULES.md §3.2: five levels."""
    dossier = closed_dossier(officer_of(), DossierStatus.REFUSED)

    with pytest.raises(DomainError) as caught:
        rating_submit(token=rating_token(dossier), overall=6, answers={"thai-do": 0}, channel=RatingChannel.QR)

    assert (caught.value.code, set(caught.value.fields)) == ("rating_invalid", {"overall", "answers.thai-do"})
    assert not Rating.objects.exists()
    assert Dossier.objects.get(pk=dossier.pk).rated is False


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("status", [DossierStatus.REFUSED, DossierStatus.STOPPED])
def test_refused_and_stopped_applicants_are_invited_to_rate(units: None, status: DossierStatus) -> None:
    """RULES.md §3.2: the invitation goes out on every closure, not only on the return."""
    officer = officer_of()
    MemoryBackend.outbox.clear()

    closed_dossier(officer, status)

    assert "rating.invite" in [m.kind for m in MemoryBackend.outbox]


def test_staff_cannot_record_a_rating_through_the_workflow_action() -> None:
    """RULES.md §3.2: only the applicant rates; "rate" is not a staff action."""
    officer = officer_of()
    dossier = closed_dossier(officer, DossierStatus.RETURNED)

    with pytest.raises(DomainError) as caught:
        dossier_act(actor=officer, code=dossier.code, action=DossierAction.RATE)

    assert (caught.value.code, caught.value.status_code) == ("action_not_allowed", 409)
    assert Dossier.objects.get(pk=dossier.pk).rated is False
    assert not dossier.events.filter(action=DossierAction.RATE).exists()


def test_migration_links_ratings_made_before_the_link_by_their_key() -> None:
    """RULES.md §3.2: back-fill of the dossier link from ``dossier_key`` (HMAC of the dossier id)."""
    officer = officer_of()
    old = closed_dossier(officer, DossierStatus.RETURNED, key="old")
    rating = rate(old, Level.UNSATISFIED)
    Rating.objects.filter(pk=rating.pk).update(dossier=None)  # as rated before the link existed
    orphan = Rating.objects.create(
        dossier_key="0" * 64, unit_code="32218", procedure_code="1.001193", month=rating.month, overall=3, channel="qr"
    )
    assert Rating.objects.get(pk=rating.pk).dossier_key == dossier_key(old.pk)

    migration = importlib.import_module("motcua.satisfaction.migrations.0003_rating_dossier")
    migration.link_ratings(django_apps, None)

    assert Rating.objects.get(pk=rating.pk).dossier_id == old.pk
    assert Rating.objects.get(pk=orphan.pk).dossier_id is None
