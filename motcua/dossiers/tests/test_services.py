from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import User
from django.utils import translation

from motcua.core.choices import AgencyKind, Role
from motcua.core.exceptions import DomainError, NotFound, PermissionDenied
from motcua.core.models import AuditEvent
from motcua.core.notifications import MemoryBackend
from motcua.dossiers.choices import ApplicantKind, ClockChangeKind, DossierAction, DossierStatus, SlipForm, Timeliness
from motcua.dossiers.models import ClockChange, Dossier, DossierEvent, Slip
from motcua.dossiers.selectors import dossier_lookup, missing_items
from motcua.dossiers.services import ActionInput, ApplicantInput, DocumentInput, dossier_act, dossier_receive
from motcua.dossiers.tests.factories import PDF, PNG, commune_agencies, intake, procedure, staff
from motcua.dossiers.workflow import replay

pytestmark = pytest.mark.django_db
VN = ZoneInfo("Asia/Ho_Chi_Minh")


def at(day: str, hm: str = "10:00") -> dt.datetime:
    return dt.datetime.fromisoformat(f"{day}T{hm}").replace(tzinfo=VN)


@pytest.fixture
def officer() -> User:
    procedure()
    commune_agencies()
    return staff("officer", Role.RECEPTION_OFFICER)


def test_receipt_gets_code_due_date_receipt_slip_and_audit(officer: User) -> None:
    result = dossier_receive(actor=officer, intake=intake(), now=at("2026-02-13"))

    dossier = result.dossier
    assert result.created
    assert dossier.status == DossierStatus.RECEIVED
    assert dossier.code == "000.18.20.H12-260213-0001"  # RULES.md §1.7: no AA part by default
    assert dossier.due_at == at("2026-02-27", "17:00")  # 5 working days across Tết 2026
    assert [c.kind for c in dossier.clock_changes.all()] == [ClockChangeKind.START]
    assert sorted(Slip.objects.filter(dossier=dossier).values_list("form", flat=True)) == [
        SlipForm.RECEIPT,
        SlipForm.CONTROL_SHEET,
    ]
    assert dossier.documents.get().content_type == "application/pdf"
    assert AuditEvent.objects.filter(action="dossier.receive", object_id=dossier.code).count() == 1


def test_one_working_day_received_friday_after_15_00_is_due_monday_after_tet(officer: User) -> None:
    """RULES.md §1.6 golden case: no 15:00 cut-off for N working days."""
    procedure(days=1)

    dossier = dossier_receive(actor=officer, intake=intake(), now=at("2026-02-13", "16:00")).dossier

    assert dossier.due_at == at("2026-02-23", "17:00")


def test_same_day_procedure_received_after_15_00_is_due_the_next_working_day(officer: User) -> None:
    """RULES.md §1.6: a same-day procedure keeps the 15:00 cut-off; the clock change says "trong ngày"."""
    procedure(days=0, unit="same_day")

    before = dossier_receive(actor=officer, intake=intake(), now=at("2026-03-02", "14:30")).dossier
    after = dossier_receive(actor=officer, intake=intake(), now=at("2026-03-02", "15:30")).dossier

    assert (before.due_at, after.due_at) == (at("2026-03-02", "17:00"), at("2026-03-03", "17:00"))
    with translation.override("vi"):
        assert after.clock_changes.get().explanation == "Thời hạn giải quyết theo quy định: trong ngày (thủ tục 1.001193)."


def test_serial_grows_within_the_day_and_restarts_the_next(officer: User) -> None:
    codes = [
        dossier_receive(actor=officer, intake=intake(), now=at(day)).dossier.code
        for day in ("2026-03-02", "2026-03-02", "2026-03-03")
    ]

    assert [c[-11:] for c in codes] == ["260302-0001", "260302-0002", "260303-0001"]


def test_same_idempotency_key_returns_the_same_dossier(officer: User) -> None:
    first = dossier_receive(actor=officer, intake=intake(idempotency_key="k-1"))
    second = dossier_receive(actor=officer, intake=intake(idempotency_key="k-1"))

    assert (first.created, second.created) == (True, False)
    assert first.dossier.pk == second.dossier.pk
    assert Dossier.objects.count() == 1


def test_invalid_fields_are_all_reported_and_nothing_is_written(officer: User) -> None:
    bad = intake(
        applicant=ApplicantInput(kind=ApplicantKind.PERSON, name=" ", id_number="12345", phone="12"),
        documents=[DocumentInput(name="Ảnh", content=b"GIF89a....")],
        procedure_code="9.999999",
    )

    with pytest.raises(DomainError) as excinfo:
        dossier_receive(actor=officer, intake=bad)

    assert excinfo.value.code == "invalid_dossier"
    assert set(excinfo.value.fields) == {
        "procedure_code",
        "applicant.name",
        "applicant.id_number",
        "applicant.phone",
        "documents.0.file",
    }
    assert Dossier.objects.count() == 0 and Slip.objects.count() == 0


def test_personal_id_must_match_birth_year(officer: User) -> None:
    bad = intake(
        applicant=ApplicantInput(
            kind=ApplicantKind.PERSON, name="Nguyễn Văn An", id_number="096085004217", birth_date=dt.date(1990, 1, 1)
        )
    )

    with pytest.raises(DomainError) as excinfo:
        dossier_receive(actor=officer, intake=bad)

    assert "1985" in excinfo.value.fields["applicant.id_number"]


def test_organisation_uses_a_tax_code(officer: User) -> None:
    org = intake(
        applicant=ApplicantInput(
            kind=ApplicantKind.ORGANISATION, name="HTX Phú Tân", id_number="2001234567", phone="0290 3888 999"
        )
    )

    dossier = dossier_receive(actor=officer, intake=org).dossier

    assert (dossier.applicant_id_number, dossier.check_phone4) == ("2001234567", "8999")


def test_roles_without_receive_permission_are_refused(officer: User) -> None:
    specialist = staff("spec", Role.SPECIALIST, kind=AgencyKind.PEOPLES_COMMITTEE)

    with pytest.raises(PermissionDenied):
        dossier_receive(actor=specialist, intake=intake())

    assert Dossier.objects.count() == 0


def _received(officer: User, when: str = "2026-03-02") -> Dossier:
    return dossier_receive(actor=officer, intake=intake(), now=at(when)).dossier


def test_full_walk_transfer_approve_return(officer: User) -> None:
    leader = staff("leader", Role.LEADER, kind=AgencyKind.PEOPLES_COMMITTEE)
    dossier = _received(officer)
    pc = commune_agencies()[AgencyKind.PEOPLES_COMMITTEE]

    dossier_act(
        actor=officer,
        code=dossier.code,
        action=DossierAction.TRANSFER,
        data=ActionInput(agency_id=pc.pk, receiver_id=leader.pk),
        now=at("2026-03-02", "14:00"),
    )
    dossier_act(actor=leader, code=dossier.code, action=DossierAction.PROPOSE, now=at("2026-03-04"))
    dossier_act(
        actor=leader,
        code=dossier.code,
        action=DossierAction.APPROVE,
        data=ActionInput(result_summary="Đã cấp Giấy khai sinh", documents=[DocumentInput(name="Giấy khai sinh", content=PNG)]),
        now=at("2026-03-04"),
    )
    dossier_act(actor=officer, code=dossier.code, action=DossierAction.MARK_READY, now=at("2026-03-04", "11:00"))
    final = dossier_act(actor=officer, code=dossier.code, action=DossierAction.RETURN_RESULT, now=at("2026-03-05"))

    assert final.status == DossierStatus.RETURNED
    assert final.timeliness == Timeliness.EARLY  # decided 04/03, due 09/03
    step = final.steps.get()
    assert (step.agency_id, step.handed_over_by_id, step.received_by_id, step.status) == (pc.pk, officer.pk, leader.pk, "done")
    events = list(DossierEvent.objects.filter(dossier=final).values_list("action", flat=True))
    assert events == ["receive", "transfer", "propose", "approve", "mark_ready", "return_result"]
    assert replay([DossierAction(a) for a in events]) == final.status
    assert final.documents.filter(is_result=True).count() == 1


def test_supplement_pauses_and_gives_back_the_remaining_time(officer: User) -> None:
    dossier = _received(officer, "2026-03-02")  # due Mon 09/03 17:00
    assert dossier.due_at == at("2026-03-09", "17:00")

    dossier_act(
        actor=officer,
        code=dossier.code,
        action=DossierAction.REQUEST_SUPPLEMENT,
        data=ActionInput(items=["Bản sao giấy chứng nhận kết hôn"], reason="Thiếu giấy tờ"),
        now=at("2026-03-05", "17:00"),
    )
    paused = Dossier.objects.get(pk=dossier.pk)
    assert missing_items(paused) == ["Bản sao giấy chứng nhận kết hôn"]
    resumed = dossier_act(
        actor=officer,
        code=dossier.code,
        action=DossierAction.SUPPLEMENT,
        data=ActionInput(documents=[DocumentInput(name="Giấy chứng nhận kết hôn", content=PDF)]),
        now=at("2026-03-12", "07:00"),
    )

    # 2 working days were left at the pause (Fri 06 and Mon 09); they restart on Thu 12/03.
    assert resumed.status == DossierStatus.RECEIVED
    assert resumed.due_at == at("2026-03-13", "17:00")
    assert [c.kind for c in resumed.clock_changes.all()] == ["start", "pause", "resume"]
    assert all(c.event_id is not None for c in resumed.clock_changes.all())


def test_two_supplement_requests_do_not_make_a_stopped_dossier_late(officer: User) -> None:
    """RULES.md §1.6 Classification: two or more supplement requests make a dossier overdue only
    when a supplement request is its only end; a stopped dossier is judged at its stop.
    (This test used to expect "late" for any dossier with two requests: RULES.md wins.)"""
    leader = staff("leader", Role.LEADER, kind=AgencyKind.PEOPLES_COMMITTEE)
    dossier = _received(officer)  # due 09/03 17:00
    for day, actor, data in (
        ("2026-03-03", officer, ActionInput(items=["x"], reason="y")),
        ("2026-03-04", leader, ActionInput(items=["x"], reason="y", override=True, override_reason="Giấy tờ lần trước sai")),
    ):
        dossier_act(actor=actor, code=dossier.code, action=DossierAction.REQUEST_SUPPLEMENT, data=data, now=at(day))
        dossier_act(actor=officer, code=dossier.code, action=DossierAction.SUPPLEMENT, now=at(day, "14:00"))

    stopped = dossier_act(
        actor=officer,
        code=dossier.code,
        action=DossierAction.STOP,
        data=ActionInput(reason="Người nộp xin dừng"),
        now=at("2026-03-05"),
    )

    assert stopped.supplement_count == 2
    assert stopped.timeliness == Timeliness.EARLY


def test_apology_once_and_at_least_one_working_day_before(officer: User) -> None:
    leader = staff("leader", Role.LEADER, kind=AgencyKind.PEOPLES_COMMITTEE)
    dossier = _received(officer, "2026-03-02")  # due 09/03 17:00
    new_due = at("2026-03-12", "17:00")

    with pytest.raises(DomainError) as too_late:
        dossier_act(
            actor=leader,
            code=dossier.code,
            action=DossierAction.APOLOGIZE,
            data=ActionInput(reason="Chờ xác minh", new_due_at=new_due),
            now=at("2026-03-09", "09:00"),
        )
    extended = dossier_act(
        actor=leader,
        code=dossier.code,
        action=DossierAction.APOLOGIZE,
        data=ActionInput(reason="Chờ xác minh", new_due_at=new_due),
        now=at("2026-03-06", "09:00"),
    )
    with pytest.raises(DomainError) as twice:
        dossier_act(
            actor=leader,
            code=dossier.code,
            action=DossierAction.APOLOGIZE,
            data=ActionInput(reason="Lần hai", new_due_at=at("2026-03-20", "17:00")),
            now=at("2026-03-06", "10:00"),
        )

    assert too_late.value.code == "extension_too_late"
    assert twice.value.code == "extension_used"
    assert extended.due_at == new_due and extended.original_due_at == at("2026-03-09", "17:00")
    assert Slip.objects.filter(dossier=dossier, form=SlipForm.APOLOGY).count() == 1
    assert ClockChange.objects.get(dossier=dossier, kind="extend").reason == "Chờ xác minh"


def test_illegal_action_is_refused_and_changes_nothing(officer: User) -> None:
    dossier = _received(officer)

    with pytest.raises(DomainError) as excinfo:
        dossier_act(actor=officer, code=dossier.code, action=DossierAction.RETURN_RESULT)

    assert excinfo.value.code == "action_not_allowed" and excinfo.value.status_code == 409
    assert Dossier.objects.get(pk=dossier.pk).status == DossierStatus.RECEIVED
    assert DossierEvent.objects.filter(dossier=dossier).count() == 1


def test_other_unit_cannot_see_or_act(officer: User) -> None:
    dossier = _received(officer)
    procedure()
    other = staff("other", Role.RECEPTION_OFFICER, code="32214")

    with pytest.raises(NotFound):
        dossier_act(actor=other, code=dossier.code, action=DossierAction.STOP, data=ActionInput(reason="x"))

    assert Dossier.objects.get(pk=dossier.pk).status == DossierStatus.RECEIVED


def test_specialist_cannot_approve(officer: User) -> None:
    specialist = staff("spec", Role.SPECIALIST, kind=AgencyKind.PEOPLES_COMMITTEE)
    dossier = _received(officer)
    dossier_act(actor=officer, code=dossier.code, action=DossierAction.TRANSFER)
    dossier_act(actor=specialist, code=dossier.code, action=DossierAction.PROPOSE)

    with pytest.raises(PermissionDenied):
        dossier_act(actor=specialist, code=dossier.code, action=DossierAction.APPROVE)

    assert Dossier.objects.get(pk=dossier.pk).status == DossierStatus.AWAITING_DECISION


def test_inter_agency_transfer_to_another_commune_of_the_province(officer: User) -> None:
    other_pc = commune_agencies("32214")[AgencyKind.PEOPLES_COMMITTEE]
    other_specialist = staff("spec-phumy", Role.SPECIALIST, code="32214", kind=AgencyKind.PEOPLES_COMMITTEE)
    dossier = _received(officer)

    dossier_act(actor=officer, code=dossier.code, action=DossierAction.TRANSFER, data=ActionInput(agency_id=other_pc.pk))
    done = dossier_act(
        actor=other_specialist, code=dossier.code, action=DossierAction.COMPLETE_STEP, data=ActionInput(reason="Đã xác minh")
    )

    assert done.steps.get().note == "Đã xác minh"


def test_transfer_outside_the_province_is_refused(officer: User) -> None:
    hanoi = commune_agencies("00004")[AgencyKind.PEOPLES_COMMITTEE]
    dossier = _received(officer)

    with pytest.raises(DomainError) as excinfo:
        dossier_act(actor=officer, code=dossier.code, action=DossierAction.TRANSFER, data=ActionInput(agency_id=hanoi.pk))

    assert excinfo.value.code == "transfer_agency_invalid"
    assert not dossier.steps.exists()


def test_lookup_needs_the_check_digits(officer: User) -> None:
    dossier = _received(officer)

    assert dossier_lookup(code=dossier.code, check="4217").pk == dossier.pk
    assert dossier_lookup(code=dossier.code, check="5678").pk == dossier.pk  # phone 0912345678
    with pytest.raises(NotFound) as wrong:
        dossier_lookup(code=dossier.code, check="0000")
    with pytest.raises(NotFound) as unknown:
        dossier_lookup(code="000.00.00.H12-260101-0001", check="4217")
    assert wrong.value.code == unknown.value.code == "lookup_not_found"


@pytest.mark.django_db(transaction=True)
def test_citizen_is_notified_on_commit(units: None) -> None:
    MemoryBackend.outbox.clear()
    procedure()
    officer = staff("officer", Role.RECEPTION_OFFICER)

    dossier_receive(actor=officer, intake=intake())

    assert [(m.channel, m.kind) for m in MemoryBackend.outbox] == [("sms", "dossier.received"), ("email", "dossier.received")]


def test_procedure_without_time_limit_cannot_be_received(officer: User) -> None:
    proc = procedure("1.000001", days=1)
    proc.lead_time_value = None
    proc.lead_time_unit = ""
    proc.save()

    with pytest.raises(DomainError) as excinfo:
        dossier_receive(actor=officer, intake=intake(procedure_code="1.000001"))

    assert excinfo.value.code == "procedure_no_time_limit"
    assert Dossier.objects.count() == 0


def test_hours_procedure_due_the_same_day(officer: User) -> None:
    procedure("2.000815", days=Decimal(2), unit="hour", name="Chứng thực bản sao từ bản chính")

    dossier = dossier_receive(actor=officer, intake=intake(procedure_code="2.000815"), now=at("2026-03-02", "08:00")).dossier

    assert dossier.due_at == at("2026-03-02", "10:00")


def test_online_submission_starts_its_clock_when_an_officer_receives_it(officer: User) -> None:
    portal = staff("portal", Role.RECEPTION_OFFICER)  # the public-service portal's integration account
    submitted = dossier_receive(actor=portal, intake=intake(channel="online"), online=True, now=at("2026-03-02", "21:30")).dossier

    assert submitted.status == DossierStatus.SUBMITTED
    assert submitted.due_at is None and submitted.received_at is None
    assert not Slip.objects.filter(dossier=submitted).exists()

    received = dossier_act(actor=officer, code=submitted.code, action=DossierAction.RECEIVE, now=at("2026-03-03", "08:00"))

    assert received.status == DossierStatus.RECEIVED
    assert received.received_at == at("2026-03-03", "08:00")
    assert received.due_at == at("2026-03-10", "17:00")  # 5 working days counted from Wednesday 04/03
    assert received.assigned_to_id == officer.pk
    assert Slip.objects.get(dossier=received, form=SlipForm.RECEIPT).issued_at == at("2026-03-03", "08:00")
    assert [c.kind for c in received.clock_changes.all()] == [ClockChangeKind.START]


def test_unknown_result_delivery_is_a_field_error_and_nothing_is_written(officer: User) -> None:
    with pytest.raises(DomainError) as excinfo:
        dossier_receive(actor=officer, intake=intake(result_delivery="pigeon"))

    assert "result_delivery" in excinfo.value.fields
    assert not Dossier.objects.exists()


def test_the_return_records_how_the_result_was_delivered(officer: User) -> None:
    dossier = dossier_receive(actor=officer, intake=intake(result_delivery="postal"), now=at("2026-03-02")).dossier
    for action in (DossierAction.TRANSFER,):
        dossier_act(actor=officer, code=dossier.code, action=action, now=at("2026-03-02", "11:00"))
    leader = staff("leader", Role.LEADER, kind=AgencyKind.PEOPLES_COMMITTEE)
    dossier_act(actor=leader, code=dossier.code, action=DossierAction.PROPOSE, now=at("2026-03-03"))
    dossier_act(actor=leader, code=dossier.code, action=DossierAction.APPROVE, now=at("2026-03-03"))
    dossier_act(actor=officer, code=dossier.code, action=DossierAction.MARK_READY, now=at("2026-03-03", "11:00"))
    dossier_act(actor=officer, code=dossier.code, action=DossierAction.RETURN_RESULT, now=at("2026-03-04"))

    event = DossierEvent.objects.get(dossier=dossier, action=DossierAction.RETURN_RESULT)
    assert event.payload["delivery"] == "postal"


def test_fees_taken_at_the_counter_are_recorded_paid_by_the_service(officer: User) -> None:
    """Issue 9 item 14 ("writes only in services"): the intake page no longer decides ``fee_paid``;
    an amount taken at the counter is collected there (Decree 118 Art. 24), an explicit answer
    wins, and an online submission pays through the portal later."""
    from motcua.dossiers.services.intake import fees_paid_at_intake

    paid = dossier_receive(actor=officer, intake=intake(fee_amount=8000, idempotency_key="fee-1")).dossier
    free = dossier_receive(actor=officer, intake=intake(fee_amount=0, idempotency_key="fee-2")).dossier

    assert (paid.fee_paid, free.fee_paid) == (True, False)
    assert fees_paid_at_intake(intake(fee_amount=8000, fee_paid=False), online=False) is False
    assert fees_paid_at_intake(intake(fee_amount=8000), online=True) is False
