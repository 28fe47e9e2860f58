"""The items behind every number (issue 12 item 2): for every indicator computed on a
hand-built data set, the items lists have exactly as many rows as the numerator and the
denominator (RULES.md §2.2), and each item says why it counts."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib.auth.models import User

from motcua.core.choices import Role
from motcua.core.periods import parse_period
from motcua.core.selectors import unit_get
from motcua.dossiers.tests.factories import staff
from motcua.feedback.choices import Classification, ContentCategory, PetitionAction, ReportClass
from motcua.feedback.services import ActInput, petition_act
from motcua.feedback.tests.factories import petition
from motcua.indices.choices import Part, Status
from motcua.indices.measures import MEASURES
from motcua.indices.selectors import AVERAGE_TIME, indicator_items, service_index
from motcua.indices.tests.builders import COMMUNE, at, decide, receive, request_supplement, setup_commune, stop, supplement
from motcua.satisfaction.choices import Level
from motcua.satisfaction.tests.factories import rate

pytestmark = pytest.mark.django_db
Q1 = parse_period("2026-Q1")
AFTER = at("2026-05-04")


def reader(code: str = COMMUNE) -> User:
    """A leader of the commune: may read the items of its index."""
    return staff(f"reader{code}", Role.LEADER, code=code)


def build_data_set() -> None:
    """Every §1.6 case, an online dossier, a reused document, petitions and a dislike."""
    officer, leader = setup_commune()
    early = decide(officer, leader, receive(officer, at("2026-03-02")), at("2026-03-04"))
    decide(officer, leader, receive(officer, at("2026-03-02")), at("2026-03-12"))  # late
    waited = receive(officer, at("2026-03-02"))
    request_supplement(officer, waited, at("2026-03-05", "17:00"))
    supplement(officer, waited, at("2026-03-12", "07:00"))
    decide(officer, leader, waited, at("2026-03-13", "16:00"))
    request_supplement(officer, receive(officer, at("2026-03-03")), at("2026-03-05"))  # pending
    stopped = receive(officer, at("2026-03-03"))
    request_supplement(officer, stopped, at("2026-03-04"))
    stop(officer, stopped, at("2026-03-20"))
    receive(officer, at("2026-03-20"))  # open, overdue at the end
    receive(officer, at("2026-03-30"), channel="online")  # open, within time
    from motcua.dossiers.models import Document

    source = Document.objects.filter(dossier=early, is_result=False).first()
    assert source is not None
    from motcua.dossiers.services import DocumentInput
    from motcua.indices.tests.builders import intake_reusing

    receive(officer, at("2026-03-16"), **intake_reusing(DocumentInput(name="Tờ khai", reuse_document_id=source.pk)))
    rated = stop(officer, receive(officer, at("2026-03-17")), at("2026-03-18"))
    rate(rated, Level.UNSATISFIED)
    first = petition(at=at("2026-03-10"))
    petition(at=at("2026-03-11"))
    petition_act(
        actor=leader,
        code=first.code,
        action=PetitionAction.CLASSIFY,
        data=ActInput(
            classification=Classification.WITHIN_COMPETENCE,
            category=ContentCategory.OBSTACLE,
            report_class=ReportClass.REGULATION,
        ),
        at=at("2026-03-10", "11:00"),
    )


def test_items_add_up_to_every_number() -> None:
    """RULES.md §2.2: each computed indicator's numerator and denominator equal the lengths of
    their items lists (2.2's numerator is a sum of days: its items carry each dossier's days)."""
    build_data_set()
    unit = unit_get(code=COMMUNE)
    index = service_index(unit=unit, period=Q1, now=AFTER)
    user = reader()
    checked = []
    for group in index.groups:
        for result in group.indicators:
            if result.status == Status.NOT_COMPUTABLE or result.code not in [*MEASURES, AVERAGE_TIME]:
                continue
            for part, number in ((Part.NUMERATOR, result.numerator), (Part.DENOMINATOR, result.denominator)):
                # Every page of the list (1.3 lists the whole published catalogue: 588+ rows).
                items = indicator_items(user=user, unit=unit, period=Q1, code=result.code, part=part, limit=500, now=AFTER)
                listed = list(items.items)
                while len(listed) < items.count:
                    page = indicator_items(
                        user=user, unit=unit, period=Q1, code=result.code, part=part, limit=500, offset=len(listed), now=AFTER
                    )
                    assert page.items, result.code
                    listed += page.items
                assert items.count == len(listed), result.code
                assert all(item.reason for item in listed), result.code
                if result.code == AVERAGE_TIME and part == Part.NUMERATOR:
                    assert sum((i.value or Decimal(0) for i in listed), Decimal(0)) == pytest.approx(number, abs=Decimal("0.05"))
                else:
                    assert items.count == number, (result.code, part)
            checked.append(result.code)
    assert {"2.1", "2.2", "3.0", "3.3", "4.1", "4.2", "4.3", "4.5b", "5.1", "5.2", "5.3", "5.4"} <= set(checked)
    assert index.indicator("2.1").denominator == 9
    assert index.indicator("2.1").numerator == 6
    assert index.indicator("4.3").numerator == 1
    assert index.indicator("3.3").numerator == 1
    assert (index.indicator("5.1").numerator, index.indicator("5.1").denominator) == (1, 2)
    assert index.indicator("5.4").numerator == 5  # the six on time minus the disliked one


def test_items_are_paged() -> None:
    build_data_set()
    unit = unit_get(code=COMMUNE)
    whole = indicator_items(user=reader(), unit=unit, period=Q1, code="2.1", part=Part.DENOMINATOR, now=AFTER)
    page = indicator_items(user=reader(), unit=unit, period=Q1, code="2.1", part=Part.DENOMINATOR, limit=3, offset=3, now=AFTER)

    assert page.count == whole.count == 9
    assert [i.code for i in page.items] == [i.code for i in whole.items[3:6]]


def test_population_lookup_before_receipt_counts_for_45() -> None:
    """RULES.md §2.2 indicators 4.5a/4.5b: a person's dossier whose applicant's record was read
    in the population registry at the counter (identity's access log) before the receipt."""
    import datetime as dt

    import time_machine

    from motcua.dossiers.tests.factories import PERSONAL_ID
    from motcua.identity.choices import AccessAction, AccessPurpose, Sex
    from motcua.identity.models import Citizen
    from motcua.identity.services import data_access_record

    officer, _leader = setup_commune()
    citizen = Citizen.objects.create(
        personal_id=PERSONAL_ID, full_name="Nguyễn Văn An", birth_date=dt.date(1985, 1, 1), sex=Sex.MALE
    )
    with time_machine.travel(at("2026-03-02", "09:50"), tick=False):
        data_access_record(actor=officer, citizen=citizen, purpose=AccessPurpose.COUNTER_INTAKE, action=AccessAction.CARD_SCAN)
    looked = receive(officer, at("2026-03-02"))
    receive(officer, at("2026-03-05"))  # a day later than the window: not counted
    unit = unit_get(code=COMMUNE)

    index = service_index(unit=unit, period=Q1, now=AFTER)
    items = indicator_items(user=reader(), unit=unit, period=Q1, code="4.5b", part=Part.NUMERATOR, now=AFTER)

    assert (index.indicator("4.5b").numerator, index.indicator("4.5b").denominator) == (1, 2)
    assert (index.indicator("4.5a").numerator, index.indicator("4.5a").denominator) == (1, 1)
    assert [i.code for i in items.items] == [looked.code]
