"""Dialogue services (RULES.md §1.9, Law 10/2022/QH15 Art. 32): planning, questions before and
at the dialogue, answers, commitments with owners, due dates and evidence, the minutes, the
append-only log and its audit rows, and the permission each step needs."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
import time_machine
from django.utils import translation

from motcua.core.choices import AgencyKind, Role
from motcua.core.exceptions import DomainError, NotFound, PermissionDenied
from motcua.core.models import AuditEvent
from motcua.core.querysets import AppendOnlyError
from motcua.dossiers.tests.factories import commune_agencies, staff
from motcua.feedback.dialogues.choices import CommitmentAction, CommitmentStatus, DialogueAction, DialogueStatus
from motcua.feedback.dialogues.exceptions import DialogueErrorCode as E
from motcua.feedback.dialogues.models import Commitment, DialogueEvent, DialogueQuestion
from motcua.feedback.dialogues.selectors import asker_initials, commitment_list, yearly_minimum
from motcua.feedback.dialogues.services import (
    CommitmentActInput,
    CommitmentInput,
    EvidenceFile,
    QuestionInput,
    commitment_act,
    commitment_create,
    dialogue_act,
    dialogue_plan,
    question_answer,
    question_submit,
)
from motcua.feedback.tests.dialogue_factories import (
    ASKER,
    HELD,
    PLANNED,
    TZ,
    ask,
    boss,
    commitment,
    held,
    manager,
    open_for_questions,
    plan_input,
    planned,
    specialist,
)

pytestmark = pytest.mark.django_db
A, S, C, CS = DialogueAction, DialogueStatus, CommitmentAction, CommitmentStatus
LATER = HELD + timedelta(days=3)
PDF = b"%PDF-1.4\n%minh chung\n"


def test_planning_writes_the_dialogue_its_first_event_and_an_audit_row_rules_1_9() -> None:
    dialogue = planned()

    assert dialogue.code == "DT-32218-26-001" and dialogue.status == S.PLANNED
    assert dialogue.agency.kind == AgencyKind.PEOPLES_COMMITTEE  # the People's Committee organises (Art. 32)
    event = DialogueEvent.objects.get(dialogue=dialogue)
    assert (event.action, event.from_status, event.to_status, event.actor_label) == ("plan", "", "planned", "dt-officer-32218")
    assert AuditEvent.objects.filter(action="dialogue.plan", object_id=dialogue.code).count() == 1


def test_planning_names_each_missing_field_and_writes_nothing() -> None:
    commune_agencies()

    with pytest.raises(DomainError) as refused:
        dialogue_plan(actor=manager(), data=plan_input(title=" ", place="", chair="", topic="ngắn", audience="x"))

    assert refused.value.code == E.INVALID_DIALOGUE
    assert set(refused.value.fields) == {"title", "place", "chair", "topic", "audience"}
    assert not DialogueEvent.objects.exists()


def test_a_specialist_cannot_plan_and_nothing_is_written() -> None:
    with pytest.raises(PermissionDenied) as refused:
        dialogue_plan(actor=specialist(), data=plan_input())

    assert refused.value.code == E.FORBIDDEN and not DialogueEvent.objects.exists()


def test_a_public_question_needs_name_address_and_phone_and_the_form_does_not_ask_twice() -> None:
    dialogue = open_for_questions()

    with pytest.raises(DomainError) as refused:
        question_submit(actor=None, code=dialogue.code, data=QuestionInput(text="Câu hỏi về đường sạt lở ấp Cái Đôi"))
    data = QuestionInput(text="Câu hỏi về đường sạt lở ấp Cái Đôi", idempotency_key="k1", **ASKER)
    first = question_submit(actor=None, code=dialogue.code, data=data)
    again = question_submit(actor=None, code=dialogue.code, data=data)

    assert refused.value.code == E.INVALID_QUESTION
    assert set(refused.value.fields) == {"asker_name", "asker_address", "asker_phone"}
    assert first.created and not again.created and again.question.pk == first.question.pk
    question = first.question
    assert (question.timing, question.channel, question.anonymous, question.asker_phone) == ("before", "web", False, "0912345678")


def test_the_public_form_is_refused_unless_the_dialogue_takes_questions() -> None:
    dialogue = planned()

    with pytest.raises(DomainError) as refused:
        ask(dialogue)

    assert refused.value.code == E.QUESTIONS_CLOSED and not DialogueQuestion.objects.unrestricted("test").exists()


def test_a_question_asked_at_the_meeting_without_a_name_is_kept_and_flagged_anonymous() -> None:
    dialogue = held()

    result = question_submit(
        actor=manager(username="dt-officer-32218"),
        code=dialogue.code,
        data=QuestionInput(text="Xin xã sửa đèn đường khu chợ."),
        at=LATER,
    )

    assert result.question.anonymous and result.question.timing == "at_meeting" and result.question.channel == "staff"
    assert DialogueEvent.objects.filter(dialogue=dialogue, action="record_question").get().payload["anonymous"] is True


def test_the_answer_records_who_answered_and_needs_both() -> None:
    dialogue = held()
    officer = manager(username="dt-officer-32218")

    with pytest.raises(DomainError) as refused:
        question_answer(actor=officer, code=dialogue.code, seq=1, answer="Xã sẽ sửa.", answered_by="")
    answered = question_answer(
        actor=officer, code=dialogue.code, seq=1, answer="Xã sẽ sửa.", answered_by="Chủ tịch UBND xã", at=LATER
    )

    assert refused.value.code == E.INVALID_QUESTION and set(refused.value.fields) == {"answered_by"}
    assert (answered.answered_by, answered.answer_recorded_by, answered.answered_at) == ("Chủ tịch UBND xã", officer, LATER)
    with pytest.raises(NotFound) as missing:
        question_answer(actor=officer, code=dialogue.code, seq=9, answer="x", answered_by="y")
    assert missing.value.code == E.QUESTION_NOT_FOUND


def test_a_commitment_has_exactly_one_owner_of_the_unit_and_a_due_date_not_in_the_past() -> None:
    dialogue = held()
    stranger_agency = commune_agencies("32212")[AgencyKind.PEOPLES_COMMITTEE]
    officer = manager(username="dt-officer-32218")
    text, due = "Sửa đèn đường khu chợ xã.", date(2026, 12, 31)

    cases = [
        CommitmentInput(text=text, due_on=due),  # no owner
        CommitmentInput(text=text, due_on=due, owner_username="dt-officer-32218", owner_agency_id=stranger_agency.pk),  # two
        CommitmentInput(text=text, due_on=due, owner_agency_id=stranger_agency.pk),  # another commune's agency
        CommitmentInput(text=text, due_on=date(2026, 11, 19), owner_username="dt-officer-32218"),  # past
    ]
    codes = []
    for data in cases:
        with pytest.raises(DomainError) as refused:
            commitment_create(actor=officer, code=dialogue.code, data=data, at=LATER)
        codes.append((refused.value.code, sorted(refused.value.fields)))

    assert codes == [(E.INVALID_COMMITMENT, ["owner"])] * 3 + [(E.INVALID_COMMITMENT, ["due_on"])]
    assert not Commitment.objects.unrestricted("test").exists()


def test_done_needs_evidence_and_keeps_the_note_link_and_file() -> None:
    dialogue = held()
    seq = commitment(dialogue)
    reporter = specialist()

    with pytest.raises(DomainError) as refused:
        commitment_act(actor=reporter, code=dialogue.code, seq=seq, action=C.COMPLETE, data=CommitmentActInput(note=" "))
    with pytest.raises(DomainError) as bad_file:
        data = CommitmentActInput(note="Đã làm.", file=EvidenceFile(name="x.exe", content=b"MZ\x90\x00"))
        commitment_act(actor=reporter, code=dialogue.code, seq=seq, action=C.COMPLETE, data=data)
    with pytest.raises(DomainError) as bad_link:
        commitment_act(
            actor=reporter,
            code=dialogue.code,
            seq=seq,
            action=C.COMPLETE,
            data=CommitmentActInput(note="Đã làm.", link="javascript:alert(1)"),
        )
    done = commitment_act(
        actor=reporter,
        code=dialogue.code,
        seq=seq,
        action=C.COMPLETE,
        at=LATER,
        data=CommitmentActInput(
            note="Đã gia cố 120 m.", link="https://example.vn/tin", file=EvidenceFile(name="nghiem-thu.pdf", content=PDF)
        ),
    )

    assert refused.value.code == E.EVIDENCE_REQUIRED
    assert bad_file.value.fields.keys() == {"file"} and bad_link.value.fields.keys() == {"link"}
    assert (done.status, done.done_at, done.evidence_note, done.evidence_link) == (
        "done",
        LATER,
        "Đã gia cố 120 m.",
        "https://example.vn/tin",
    )
    assert done.evidence_file_name == "nghiem-thu.pdf" and done.evidence_file.read() == PDF
    event = DialogueEvent.objects.filter(dialogue=dialogue).order_by("-seq").first()
    assert event is not None and event.action == "complete" and event.payload["on_time"] is True


def test_dropping_needs_a_reason_and_the_manage_permission() -> None:
    dialogue = held()
    seq = commitment(dialogue)

    with pytest.raises(PermissionDenied):
        commitment_act(actor=specialist(), code=dialogue.code, seq=seq, action=C.DROP, data=CommitmentActInput(reason="x"))
    with pytest.raises(DomainError) as refused:
        commitment_act(actor=boss(), code=dialogue.code, seq=seq, action=C.DROP)
    dropped = commitment_act(
        actor=boss(), code=dialogue.code, seq=seq, action=C.DROP, data=CommitmentActInput(reason="Không khả thi.")
    )

    assert refused.value.code == E.REASON_REQUIRED
    assert (dropped.status, dropped.drop_reason) == ("dropped", "Không khả thi.")


def test_only_the_leader_publishes_the_minutes_and_they_must_be_written() -> None:
    dialogue = held()

    with pytest.raises(PermissionDenied):
        dialogue_act(
            actor=manager(username="dt-officer-32218"),
            code=dialogue.code,
            action=A.PUBLISH_MINUTES,
            minutes="Biên bản đầy đủ của hội nghị.",
        )
    with pytest.raises(DomainError) as empty:
        dialogue_act(actor=boss(), code=dialogue.code, action=A.PUBLISH_MINUTES, minutes="")
    published = dialogue_act(
        actor=boss(), code=dialogue.code, action=A.PUBLISH_MINUTES, minutes="Biên bản đầy đủ của hội nghị.", at=LATER
    )

    assert empty.value.code == E.MINUTES_REQUIRED
    assert (published.status, published.minutes_published_at, published.minutes_approved_by) == (
        "minutes_published",
        LATER,
        boss(),
    )


def test_closing_is_refused_while_a_commitment_is_open() -> None:
    dialogue = held()
    seq = commitment(dialogue)
    dialogue_act(actor=boss(), code=dialogue.code, action=A.PUBLISH_MINUTES, minutes="Biên bản đầy đủ của hội nghị.", at=LATER)

    with pytest.raises(DomainError) as refused:
        dialogue_act(actor=boss(), code=dialogue.code, action=A.CLOSE, at=LATER)
    commitment_act(actor=boss(), code=dialogue.code, seq=seq, action=C.COMPLETE, data=CommitmentActInput(note="Xong."), at=LATER)
    closed = dialogue_act(actor=boss(), code=dialogue.code, action=A.CLOSE, at=LATER + timedelta(hours=1))

    assert refused.value.code == E.COMMITMENTS_OPEN and closed.status == "closed"


def test_a_dialogue_cannot_be_recorded_held_before_its_time() -> None:
    dialogue = planned()

    with pytest.raises(DomainError) as refused:
        dialogue_act(actor=boss(), code=dialogue.code, action=A.HOLD, at=HELD - timedelta(hours=1))

    assert refused.value.code == E.ACTION_NOT_ALLOWED


def test_another_commune_finds_nothing_and_nothing_changes() -> None:
    dialogue = held()
    stranger = staff("dt-khac", Role.LEADER, code="32212", kind=AgencyKind.PEOPLES_COMMITTEE)
    events = DialogueEvent.objects.count()

    with pytest.raises(NotFound) as refused:
        dialogue_act(actor=stranger, code=dialogue.code, action=A.PUBLISH_MINUTES, minutes="Biên bản đầy đủ của hội nghị.")

    assert refused.value.code == E.NOT_FOUND and DialogueEvent.objects.count() == events


def test_events_are_append_only_rules_1_9() -> None:
    dialogue = held()
    event = DialogueEvent.objects.filter(dialogue=dialogue).first()
    assert event is not None

    with pytest.raises(AppendOnlyError):
        DialogueEvent.objects.filter(dialogue=dialogue).update(reason="x")
    with pytest.raises(AppendOnlyError):
        DialogueEvent.objects.filter(dialogue=dialogue).delete()
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    assert [e.seq for e in DialogueEvent.objects.filter(dialogue=dialogue).order_by("seq")] == [1, 2, 3, 4]


def test_commitments_fall_due_on_calendar_dates_so_a_weekend_or_tet_does_not_extend_them() -> None:
    """Due dates are calendar dates (what was promised at the dialogue), not working-day periods:
    a commitment due Fri 13/02/2026, the last working day before Tết Bính Ngọ (holiday 14–22/02),
    is overdue from Sat 14/02 although no office opens until Mon 23/02."""
    dialogue = held(at=datetime(2026, 1, 5, 9, 0, tzinfo=TZ), starts_at=datetime(2026, 1, 20, 8, 0, tzinfo=TZ))
    officer = manager(username="dt-officer-32218")
    data = CommitmentInput(text="Sửa đèn đường khu chợ xã.", due_on=date(2026, 2, 13), owner_username="dt-officer-32218")
    commitment_create(actor=officer, code=dialogue.code, data=data, at=datetime(2026, 1, 20, 12, 0, tzinfo=TZ))
    leader = boss()

    on_due_day = list(commitment_list(user=leader, view="overdue", now=datetime(2026, 2, 13, 23, 59, tzinfo=TZ)))
    first_day_of_tet = list(commitment_list(user=leader, view="overdue", now=datetime(2026, 2, 14, 0, 1, tzinfo=TZ)))
    soon = list(commitment_list(user=leader, view="due_soon", now=datetime(2026, 2, 6, 9, 0, tzinfo=TZ)))

    assert on_due_day == [] and [c.seq for c in first_day_of_tet] == [1] and [c.seq for c in soon] == [1]


def test_the_yearly_minimum_counts_held_and_planned_but_not_cancelled_rules_1_9() -> None:
    """Law 10/2022/QH15 Art. 32: at least one dialogue a year."""
    leader = boss()
    with time_machine.travel(datetime(2026, 12, 8, 9, 0, tzinfo=TZ)):
        none = yearly_minimum(user=leader)
        dialogue = planned()
        one = yearly_minimum(user=leader)
        dialogue_act(actor=leader, code=dialogue.code, action=A.CANCEL, reason="Bão")
        cancelled = yearly_minimum(user=leader)

    assert none is not None and not none.met
    assert one is not None and (one.met, one.planned, one.held) == (True, 1, 0)
    assert cancelled is not None and not cancelled.met


def test_askers_are_shown_by_their_initials_or_as_anonymous() -> None:
    with translation.override("vi"):
        shown = [asker_initials("Nguyễn Văn An"), asker_initials("  lê   thị hoa "), asker_initials("")]

    assert shown == ["Ông/Bà N.V.A.", "Ông/Bà L.T.H.", "Ẩn danh"]


def test_planned_before_now_is_recorded_with_the_given_clock() -> None:
    dialogue = planned(at=PLANNED)

    assert dialogue.created_at == PLANNED
