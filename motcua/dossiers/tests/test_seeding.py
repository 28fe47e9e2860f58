from __future__ import annotations

import datetime as dt
import itertools
import re
from collections import defaultdict
from decimal import Decimal
from io import StringIO
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.utils import translation

from motcua.catalog.models import Procedure, Sector
from motcua.core.calendar import calendar_for
from motcua.core.demo import demo_setup
from motcua.core.exceptions import DomainError
from motcua.core.models import AdministrativeUnit, AuditEvent
from motcua.core.tests.factories import PASSWORD
from motcua.dossiers import clock
from motcua.dossiers.choices import ClockChangeKind, DossierAction, DossierStatus, StepStatus, Timeliness
from motcua.dossiers.models import ClockChange, Counter, Dossier, DossierEvent, DossierStep, Slip
from motcua.dossiers.seeding import SeedReport, dossiers_seed
from motcua.dossiers.services import dossier_receive
from motcua.dossiers.tests.factories import intake
from motcua.dossiers.workflow import replay
from motcua.identity.personal_id import personal_id_check

pytestmark = pytest.mark.django_db
VN = ZoneInfo("Asia/Ho_Chi_Minh")
NOW = dt.datetime(2026, 3, 10, 10, 30, tzinfo=VN)  # two weeks after Tết 2026
UNITS = ["32218", "32212", "32214"]
CODE = re.compile(r"^(?P<identifier>.+)-(?P<day>\d{6})-(?P<serial>\d{4,})$")
SUBMISSION_REF = re.compile(r"^TN-(?P<day>\d{6})-(?P<serial>\d{6,})$")
# (sector, code, lead time, unit, name): every time unit and the everyday commune procedures.
CATALOGUE = [
    ("Hộ tịch", "1.001193", 1, "working_day", "Thủ tục đăng ký khai sinh"),
    ("Hộ tịch", "1.000894", 1, "working_day", "Thủ tục đăng ký kết hôn"),
    ("Hộ tịch", "1.004873", 3, "working_day", "Thủ tục cấp Giấy xác nhận tình trạng hôn nhân"),
    ("Hộ tịch", "2.000779", 10, "calendar_day", "Thủ tục đăng ký nhận cha, mẹ, con có yếu tố nước ngoài"),
    ("Hộ tịch", "2.000986", 20, "working_day", "Liên thông đăng ký khai sinh, đăng ký thường trú, cấp thẻ bảo hiểm y tế"),
    ("Chứng thực", "2.000908", 1, "working_day", "Thủ tục cấp bản sao từ sổ gốc"),
    ("Đăng ký, quản lý cư trú", "1.004194", 3, "working_day", "Đăng ký tạm trú"),
    ("Đăng ký, quản lý cư trú", "2.001159", 1, "hour", "Thông báo lưu trú"),
    ("Đất đai", "1.004227", Decimal("0.5"), "working_day", "Hòa giải tranh chấp đất đai"),
]


@pytest.fixture
def setup(units: None) -> None:
    demo_setup(password=PASSWORD)
    for sector_name, code, value, unit, name in CATALOGUE:
        sector, _ = Sector.objects.get_or_create(name=sector_name)
        Procedure.objects.update_or_create(
            code=code, defaults={"name": name, "sector": sector, "lead_time_value": value, "lead_time_unit": unit}
        )


def seed(count: int = 300, **kwargs: Any) -> SeedReport:
    options: dict[str, Any] = {"count": count, "unit_codes": UNITS, "months": 6, "rng_seed": 7, "now": NOW, **kwargs}
    return dossiers_seed(**options)


def local(instant: dt.datetime) -> dt.datetime:
    return instant.astimezone(VN)


def test_every_status_occurs(setup: None) -> None:
    report = seed()

    assert set(Dossier.objects.values_list("status", flat=True)) == set(DossierStatus.values)
    assert report.count == Dossier.objects.count() == 300
    assert sum(report.by_status.values()) == 300


def test_every_dossier_replays_to_its_status_with_seq_1_to_n(setup: None) -> None:
    seed(chunk_size=120)  # three chunks: generated in a forked process while the previous one is written

    events: dict[int, list[DossierEvent]] = defaultdict(list)
    for event in DossierEvent.objects.order_by("dossier_id", "seq"):
        events[event.dossier_id].append(event)
    for dossier in Dossier.objects.all():
        rows = events[dossier.pk]
        assert [e.seq for e in rows] == list(range(1, len(rows) + 1))
        assert replay(DossierAction(e.action) for e in rows) == dossier.status
        assert [e.to_status for e in rows[:-1]] == [e.from_status for e in rows[1:]]
        assert all(a.at <= b.at for a, b in itertools.pairwise(rows))


def test_codes_are_unique_dated_at_receipt_and_follow_the_service_format(setup: None) -> None:
    """RULES.md §1.7: <identifier>-YYMMDD-XXXX with YYMMDD the day of receipt; an online
    submission never received has only its TN- reference."""
    seed()

    received_online = never_received = 0
    for dossier in Dossier.objects.select_related("deciding_agency"):
        receipt = dossier.events.filter(action=DossierAction.RECEIVE).first()
        submission = dossier.events.filter(action=DossierAction.SUBMIT_ONLINE).first()
        if submission is not None:
            ref = SUBMISSION_REF.match(dossier.submission_ref)
            assert ref is not None and ref["day"] == local(submission.at).strftime("%y%m%d")
        else:
            assert dossier.submission_ref == ""
        if receipt is None:
            never_received += 1
            assert dossier.code == dossier.submission_ref
            continue
        match = CODE.match(dossier.code)
        assert match is not None, dossier.code
        assert match["identifier"] == dossier.deciding_agency.identifier
        assert dossier.received_at is not None
        assert match["day"] == local(receipt.at).strftime("%y%m%d") == local(dossier.received_at).strftime("%y%m%d")
        received_online += submission is not None and local(submission.at).date() != local(receipt.at).date()
    assert received_online > 0 and never_received > 0  # both cases occur
    assert Dossier.objects.values("code").distinct().count() == 300


def test_counters_cover_every_serial_and_a_real_intake_gets_a_fresh_code(setup: None) -> None:
    seed()
    highest: dict[str, int] = defaultdict(int)
    for code in Dossier.objects.exclude(code__startswith="TN-").values_list("code", flat=True):
        match = CODE.match(code)
        assert match is not None
        key = f"dossier:{match['identifier']}:{match['day']}"
        highest[key] = max(highest[key], int(match["serial"]))
    counters = dict(Counter.objects.filter(key__in=highest).values_list("key", "value"))
    assert all(counters[key] >= serial for key, serial in highest.items())
    # The busiest day of the People's Committee of Phú Tân, which decides birth registrations.
    busiest = max((k for k in highest if k.startswith("dossier:000.01.20.H12:")), key=lambda k: highest[k])
    day = dt.datetime.strptime(busiest.rsplit(":", 1)[1], "%y%m%d").replace(hour=10, tzinfo=VN)

    result = dossier_receive(actor=User.objects.get(username="phutan.reception"), intake=intake(documents=[]), now=day)

    assert result.dossier.code == f"000.01.20.H12-{day:%y%m%d}-{counters[busiest] + 1:04d}"
    assert Dossier.objects.filter(code=result.dossier.code).count() == 1


def test_slip_numbers_are_unique_and_their_counters_advanced(setup: None) -> None:
    seed()

    slips = list(Slip.objects.values_list("form", "agency_id", "year", "serial"))
    assert len(slips) == len(set(slips)) > 300
    for form, agency_id, year, serial in slips:
        assert Counter.objects.get(key=f"slip:{form}:{agency_id}:{year}").value >= serial


def test_receipts_and_due_dates_are_on_working_days_inside_office_hours(setup: None) -> None:
    seed()
    calendars = {code: calendar_for(AdministrativeUnit.objects.get(code=code, valid_to=None)) for code in UNITS}

    def in_office(code: str, instant: dt.datetime) -> bool:
        calendar, moment = calendars[code], local(instant)
        return calendar.is_working_day(moment.date()) and any(start <= moment.time() <= end for start, end in calendar.sessions)

    checked = 0
    for dossier in Dossier.objects.select_related("receiving_unit").exclude(received_at=None):
        code = dossier.receiving_unit.code
        assert dossier.received_at is not None and dossier.due_at is not None and dossier.original_due_at is not None
        assert in_office(code, dossier.received_at), dossier.received_at
        assert in_office(code, dossier.due_at) and in_office(code, dossier.original_due_at), (dossier.code, dossier.due_at)
        for step in dossier.steps.all():
            assert in_office(code, step.due_at) and step.due_at >= step.started_at
        checked += 1
    assert checked > 250


def test_due_dates_are_those_of_the_clock(setup: None) -> None:
    seed()

    for dossier in Dossier.objects.select_related("procedure", "receiving_unit").exclude(received_at=None):
        calendar = calendar_for(dossier.receiving_unit)
        procedure = dossier.procedure
        assert dossier.received_at is not None
        expected = clock.initial_due(
            calendar, received_at=dossier.received_at, value=procedure.lead_time_value, unit=procedure.lead_time_unit,
            cutoff=procedure.receipt_cutoff,
        )  # fmt: skip
        assert dossier.original_due_at == expected
        changes = list(ClockChange.objects.filter(dossier=dossier).order_by("event__seq", "id"))
        assert changes[0].kind == ClockChangeKind.START and changes[0].new_due_at == expected
        moved = [c.new_due_at for c in changes if c.new_due_at is not None]
        assert moved[-1] == dossier.due_at
        assert sum(c.kind == ClockChangeKind.EXTEND for c in changes) == int(dossier.extension_used) <= 1
        assert sum(c.kind == ClockChangeKind.PAUSE for c in changes) <= dossier.supplement_count


def test_personal_ids_and_names_are_valid(setup: None) -> None:
    seed()

    for name, number, representative in Dossier.objects.values_list(
        "applicant_name", "applicant_id_number", "representative_id_number"
    ):
        person = personal_id_check(number)
        assert 1930 <= person.birth_year <= NOW.year - 18
        assert len(name.split()) >= 3 and name == name.strip()
        if representative:
            personal_id_check(representative)
    phones = [p for p in Dossier.objects.values_list("applicant_phone", flat=True) if p]
    assert phones and all(re.fullmatch(r"0\d{9}", p) for p in phones)
    assert Dossier.objects.filter(applicant_name__contains="Nguyễn").exists()


def test_timeliness_is_derived_from_the_end_of_processing(setup: None) -> None:
    seed()

    judged: dict[str, int] = defaultdict(int)
    for dossier in Dossier.objects.all():
        # RULES.md §1.6 Classification, as the services judge (clock.dossier_outcome; only final).
        events = list(dossier.events.order_by("seq").values_list("action", "at"))
        outcome = clock.dossier_outcome(events, due_at=dossier.due_at)
        expected = outcome.timeliness if outcome.final else ""
        if dossier.status == DossierStatus.SUPPLEMENT_REQUESTED:
            expected = ""  # waiting for the applicant: not finished, never judged late
        assert dossier.timeliness == expected, dossier.code
        judged[dossier.timeliness] += 1
    for step in DossierStep.objects.filter(status=StepStatus.DONE):
        assert step.completed_at is not None and step.timeliness == clock.judge(finished_at=step.completed_at, due_at=step.due_at)
    assert judged[Timeliness.LATE] < judged[Timeliness.ON_TIME] + judged[Timeliness.EARLY]


def test_seeded_second_supplement_requests_are_leader_overrides(setup: None) -> None:
    """RULES.md §1.4 row 3b: a second request exists only as a leader's recorded override."""
    seed()

    requests: dict[int, list[DossierEvent]] = defaultdict(list)
    for event in DossierEvent.objects.filter(action=DossierAction.REQUEST_SUPPLEMENT).order_by("dossier_id", "seq"):
        requests[event.dossier_id].append(event)
    overrides = 0
    for events in requests.values():
        assert "override" not in events[0].payload
        for event in events[1:]:
            assert event.payload["override"] is True and event.payload["override_reason"]
            overrides += 1
    assert overrides > 0


def test_seeded_hand_over_deadlines_are_those_of_the_clock(setup: None) -> None:
    """RULES.md §1.4 row 4: every received dossier has its desk deadline; the first transfer judges it."""
    seed()

    checked = 0
    for dossier in Dossier.objects.select_related("receiving_unit").exclude(received_at=None):
        assert dossier.received_at is not None and dossier.handover_due_at is not None
        events = list(dossier.events.order_by("seq"))
        transfers = [e for e in events if e.action == DossierAction.TRANSFER]
        supplemented_first = any(
            e.action == DossierAction.SUPPLEMENT and (not transfers or e.seq < transfers[0].seq) and e.at > dossier.received_at
            for e in events
        )
        if not supplemented_first:
            expected = clock.handover_due(
                calendar_for(dossier.receiving_unit), received_at=dossier.received_at, electronic=dossier.channel == "online"
            )
            assert dossier.handover_due_at == expected, dossier.code
            checked += 1
        if transfers:
            payload = transfers[0].payload
            assert payload["handover_due_at"] == local(dossier.handover_due_at).isoformat()
            assert payload["handover_timeliness"] == clock.judge(finished_at=transfers[0].at, due_at=dossier.handover_due_at)
    assert checked > 200


def test_seeded_waiting_dossiers_keep_the_time_left(setup: None) -> None:
    """RULES.md §1.6: a waiting dossier shows the working time it had left at the pause."""
    seed()

    for dossier in Dossier.objects.all():
        waiting = dossier.status == DossierStatus.SUPPLEMENT_REQUESTED and dossier.due_at is not None
        assert (dossier.remaining_at_pause is not None) == waiting, dossier.code


def test_history_lies_in_the_past_and_returns_spread_over_the_months(setup: None) -> None:
    seed(months=4)

    assert not DossierEvent.objects.filter(at__gt=NOW).exists()
    returned = sorted(r for r in Dossier.objects.values_list("returned_at", flat=True) if r is not None)
    assert returned and returned[-1] <= NOW
    months = {(local(r).year, local(r).month) for r in returned}
    assert {(2025, 12), (2026, 1), (2026, 2), (2026, 3)} <= months


def test_a_second_run_adds_dossiers_without_collisions(setup: None) -> None:
    seed(40)
    seed(40)

    assert Dossier.objects.count() == 80
    assert Dossier.objects.values("code").distinct().count() == 80


def test_one_audit_event_per_run(setup: None) -> None:
    before = AuditEvent.objects.count()

    seed(50)

    event = AuditEvent.objects.get(action="dossier.seed")
    assert AuditEvent.objects.count() == before + 1
    assert event.data["dossiers"] == 50 and event.data["units"] == UNITS


def test_bulk_create_writer_gives_the_same_kind_of_rows(setup: None) -> None:
    seed(40, use_orm=True, chunk_size=15)

    assert Dossier.objects.count() == 40
    for dossier in Dossier.objects.all():
        assert replay(DossierAction(a) for a in dossier.events.order_by("seq").values_list("action", flat=True)) == dossier.status


def test_a_unit_without_agencies_is_refused(units: None) -> None:
    with pytest.raises(DomainError) as excinfo:
        dossiers_seed(count=5, unit_codes=["32218"], now=NOW)

    assert excinfo.value.code == "seed_agencies_missing"
    assert Dossier.objects.count() == 0


def test_command_creates_agencies_when_asked_and_reports_the_rate(units: None) -> None:
    for sector_name, code, value, unit, name in CATALOGUE[:3]:
        sector, _ = Sector.objects.get_or_create(name=sector_name)
        Procedure.objects.update_or_create(
            code=code, defaults={"name": name, "sector": sector, "lead_time_value": value, "lead_time_unit": unit}
        )
    with pytest.raises(CommandError, match="seed_agencies_missing"):
        call_command("seed", "--dossiers", "5", stdout=StringIO())
    out = StringIO()

    call_command("seed", "--dossiers", "30", "--create-agencies", "--months", "2", "--seed", "3", "--chunk", "20", stdout=out)

    assert Dossier.objects.count() == 30
    assert "demo agencies and 14 users ready" in out.getvalue()
    assert "dossiers/s" in out.getvalue()
    assert Dossier.objects.filter(receiving_unit__code="32212").exists()


def test_seeded_clock_reasons_are_the_clocks_own_words(setup: None) -> None:
    """The seeder writes its START and RESUME reasons with ``clock.statutory_time_text`` and
    ``clock.resume_text``, the functions the services use, not copies (issue 9 item 14)."""
    seed()
    with translation.override("vi"):  # the words of a Vietnamese page
        starts = ClockChange.objects.filter(kind=ClockChangeKind.START).select_related("dossier__procedure")
        for change in starts:
            procedure = change.dossier.procedure
            expected = clock.statutory_time_text(
                code=procedure.code, value=procedure.lead_time_value, unit=procedure.lead_time_unit
            )
            assert change.explanation == expected
        birth = starts.filter(dossier__procedure__code="1.001193").first()
        assert birth is not None
        assert birth.explanation == "Thời hạn giải quyết theo quy định: 1 ngày làm việc (thủ tục 1.001193)."
        resumes = list(ClockChange.objects.filter(kind=ClockChangeKind.RESUME))
        assert resumes
        assert all(re.fullmatch(r"Đã nhận bổ sung; còn lại \d+(,\d{1,2})? ngày làm việc\.", c.explanation) for c in resumes)


def test_seeded_names_are_folded_as_the_intake_stores_them_for_the_queue_search(setup: None) -> None:
    from motcua.core.text import fold

    seed(count=40)

    names = list(Dossier.objects.values_list("applicant_name", "applicant_name_folded"))
    assert names and all(folded == fold(name)[:200] for name, folded in names)


def test_rules_1_4_row_7_seeded_decisions_follow_a_proposal(setup: None) -> None:
    """RULES.md §1.4 rows 5 and 7: every seeded decision comes right after the specialist's
    proposal (trình ký), with the proposal the decision follows; some dossiers await one."""
    seed()

    decided = 0
    for dossier in Dossier.objects.all():
        actions = list(dossier.events.order_by("seq").values_list("action", "payload"))
        for index, (action, _payload) in enumerate(actions):
            if action in (DossierAction.APPROVE, DossierAction.REJECT):
                decided += 1
                previous, proposed = actions[index - 1]
                assert previous == DossierAction.PROPOSE
                assert proposed["proposal"] == ("approve" if action == DossierAction.APPROVE else "reject")
    assert decided > 0
    assert Dossier.objects.filter(status=DossierStatus.AWAITING_DECISION).exists()


@pytest.mark.parametrize("instant", ["2026-12-08T00:46:00+00:00", "2026-12-07T00:05:00+00:00", "2026-02-23T00:30:00+00:00"])
def test_open_dossiers_fit_before_now_early_on_a_working_day(units: None, instant: str) -> None:
    """Seeding at 07:46 on a Tuesday (07:05 on a Monday, and the Monday after Tết 2026) failed with
    "could not fit a awaiting_fees dossier": a start moved back by hours stayed on the same office
    day. Every open dossier now ends before now."""
    import time_machine

    for sector_name, code, value, unit, name in CATALOGUE[:3]:
        sector, _ = Sector.objects.get_or_create(name=sector_name)
        Procedure.objects.update_or_create(
            code=code, defaults={"name": name, "sector": sector, "lead_time_value": value, "lead_time_unit": unit}
        )
    with time_machine.travel(dt.datetime.fromisoformat(instant), tick=False):
        call_command("seed", "--dossiers", "120", "--create-agencies", "--months", "1", "--seed", "5", stdout=StringIO())
        now = dt.datetime.fromisoformat(instant)

        assert Dossier.objects.count() == 120
        assert not DossierEvent.objects.filter(at__gt=now).exists()
