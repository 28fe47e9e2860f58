"""Petitions from receipt to the petitioner's verdict (RULES.md §5), with the step deadlines on
the working-day clock across Tết 2026 (16–20/02/2026 off)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from motcua.core.choices import AgencyKind, Role
from motcua.core.exceptions import DomainError, NotFound, PermissionDenied
from motcua.core.models import AuditEvent
from motcua.dossiers.services import dossier_receive
from motcua.dossiers.tests.factories import intake, procedure, staff
from motcua.feedback.choices import (
    Classification,
    ContentCategory,
    PetitionAction,
    PetitionChannel,
    PetitionStatus,
    ReportClass,
    Verdict,
)
from motcua.feedback.exceptions import PetitionErrorCode
from motcua.feedback.models import Petition, PetitionEvent
from motcua.feedback.selectors import petition_lookup, published_petitions
from motcua.feedback.services import ActInput, petition_act, petition_add_voice, petition_judge, petition_submit
from motcua.feedback.tests.factories import leader, officer, petition, petition_input

pytestmark = pytest.mark.django_db
A, S = PetitionAction, PetitionStatus
TZ = ZoneInfo("Asia/Ho_Chi_Minh")
CLASSIFIED = ActInput(
    classification=Classification.WITHIN_COMPETENCE, category=ContentCategory.OBSTACLE, report_class=ReportClass.CONDUCT
)


def at(day: int, month: int = 2, hour: int = 10) -> datetime:
    return datetime(2026, month, day, hour, tzinfo=TZ)


def test_web_petition_without_the_art_7_fields_is_refused_with_every_field_named_and_nothing_written() -> None:
    """RULES.md §5 "Required fields (Art. 7)": the public form asks for name, address and phone."""
    with pytest.raises(DomainError) as caught:
        petition_submit(actor=None, data=petition_input(petitioner_name="", petitioner_address=" ", petitioner_phone=""))

    assert caught.value.code == PetitionErrorCode.INVALID_PETITION
    assert set(caught.value.fields) == {"petitioner_name", "petitioner_address", "petitioner_phone"}
    assert not Petition.objects.unrestricted("test").exists()


def test_a_petition_is_logged_with_its_code_deadlines_and_receipt_event_across_tet_2026() -> None:
    """RULES.md §5 "Deadlines": refuse ≤ 2, forward ≤ 5, answer ≤ 15 working days; received on
    Friday 13/02/2026, the week of Tết (16–20/02) does not count."""
    item = petition(at=at(13))

    assert item.code == "PA-32218-26-00001"
    assert item.status == S.RECEIVED and item.check_digits == "6789" and item.petitioner_phone == "0913456789"
    assert item.step_due_at == datetime(2026, 2, 24, 17, tzinfo=TZ)  # accept or refuse: Mon 23, Tue 24
    assert item.answer_due_at == datetime(2026, 3, 13, 17, tzinfo=TZ)  # 15 working days from Mon 23/02
    assert [(e.seq, e.action, e.to_status) for e in item.events.all()] == [(1, A.RECEIVE, S.RECEIVED)]
    assert AuditEvent.objects.filter(action="petition.receive", object_id=item.code).count() == 1


def test_outside_competence_is_due_for_forwarding_in_5_working_days() -> None:
    """RULES.md §5 Art. 9(4)(d): forward to the competent agency within 5 working days."""
    item = petition(at=at(13))
    user = officer()
    data = ActInput(
        classification=Classification.OUTSIDE_COMPETENCE, category=ContentCategory.UNFIT, report_class=ReportClass.REGULATION
    )

    item = petition_act(actor=user, code=item.code, action=A.CLASSIFY, data=data, at=at(23))
    forwarded = petition_act(
        actor=user,
        code=item.code,
        action=A.FORWARD,
        data=ActInput(reason="Thuộc thẩm quyền Sở Tư pháp", forwarded_to="Sở Tư pháp tỉnh Cà Mau"),
        at=at(2, 3),
    )

    assert item.step_due_at == datetime(2026, 2, 27, 17, tzinfo=TZ)
    assert forwarded.status == S.FORWARDED and forwarded.step_due_at is None
    assert forwarded.events.get(action=A.FORWARD).payload == {
        "deadline": "forward",
        "due": "2026-02-27T17:00:00+07:00",
        "on_time": False,
        "forwarded_to": "Sở Tư pháp tỉnh Cà Mau",
    }


def test_anonymous_counter_petition_is_kept_and_classified_not_accepted() -> None:
    """RULES.md §5: "Anonymous submissions do not meet the requirement and are classified 'not accepted'"."""
    user = officer()

    item = petition_submit(
        actor=user,
        data=petition_input(channel=PetitionChannel.PHONE, petitioner_name="", petitioner_address="", petitioner_phone=""),
        at=at(13),
    ).petition

    assert item.anonymous and item.classification == Classification.NOT_ACCEPTED and item.status == S.CLASSIFIED
    assert [e.action for e in item.events.all()] == [A.RECEIVE, A.CLASSIFY]
    refused = petition_act(actor=user, code=item.code, action=A.REFUSE, data=ActInput(reason="Không rõ người gửi"), at=at(23))
    assert refused.status == S.REFUSED
    assert refused.events.get(action=A.REFUSE).payload["on_time"] is True


def test_the_whole_life_of_a_petition_with_one_reopen() -> None:
    """RULES.md §5 workflow, and the issue's "not satisfied may reopen it once"."""
    item = petition(at=at(2, 3))
    user, boss = officer(), leader()

    for action, data in (
        (A.CLASSIFY, CLASSIFIED),
        (A.START, ActInput()),
        (A.DRAFT_ANSWER, ActInput(answer="Hồ sơ đã được trả ngày 05/03/2026; xin lỗi ông/bà vì sự chậm trễ.")),
    ):
        item = petition_act(actor=user, code=item.code, action=action, data=data, at=at(4, 3))
    item = petition_act(actor=boss, code=item.code, action=A.APPROVE, at=at(5, 3))
    assert item.status == S.AWAITING_PUBLICATION and item.answered_on_time is True
    assert item.step_due_at == datetime(2026, 3, 9, 17, tzinfo=TZ)  # publish within 2 working days: Fri 6, Mon 9
    item = petition_act(actor=user, code=item.code, action=A.PUBLISH, at=at(6, 3))

    reopened = petition_judge(
        code=item.code, check="6789", verdict=Verdict.NOT_SATISFIED, reason="Chưa giải thích lý do chậm", at=at(9, 3)
    )
    assert reopened.status == S.PROCESSING and reopened.reopen_count == 1 and reopened.verdict == ""
    assert reopened.answer_due_at == datetime(2026, 3, 30, 17, tzinfo=TZ)  # a new 15 working days from 09/03

    item = petition_act(actor=user, code=item.code, action=A.DRAFT_ANSWER, data=ActInput(answer="Trả lời bổ sung."), at=at(10, 3))
    item = petition_act(actor=boss, code=item.code, action=A.APPROVE, at=at(10, 3))
    item = petition_act(actor=user, code=item.code, action=A.PUBLISH, at=at(10, 3))
    final = petition_judge(code=item.code, check="0913456789", verdict=Verdict.NOT_SATISFIED, at=at(11, 3))

    assert final.status == S.PUBLISHED and final.verdict == Verdict.NOT_SATISFIED  # the second verdict is final
    assert [e.action for e in final.events.all()] == [
        A.RECEIVE, A.CLASSIFY, A.START, A.DRAFT_ANSWER, A.APPROVE, A.PUBLISH, A.JUDGE, A.REOPEN,
        A.DRAFT_ANSWER, A.APPROVE, A.PUBLISH, A.JUDGE,
    ]  # fmt: skip
    with pytest.raises(DomainError) as caught:
        petition_judge(code=item.code, check="6789", verdict=Verdict.SATISFIED)
    assert caught.value.code == PetitionErrorCode.ALREADY_JUDGED


def test_an_action_the_table_does_not_allow_is_refused_and_changes_nothing() -> None:
    item = petition(at=at(2, 3))

    with pytest.raises(DomainError) as caught:
        petition_act(actor=officer(), code=item.code, action=A.PUBLISH)

    assert caught.value.code == PetitionErrorCode.ACTION_NOT_ALLOWED and caught.value.status_code == 409
    assert Petition.objects.unrestricted("test").get().status == S.RECEIVED
    assert PetitionEvent.objects.count() == 1


def test_a_specialist_cannot_approve_and_another_commune_cannot_see_it() -> None:
    item = petition(at=at(2, 3))
    user = officer()
    for action, data in ((A.CLASSIFY, CLASSIFIED), (A.START, ActInput()), (A.DRAFT_ANSWER, ActInput(answer="Trả lời."))):
        petition_act(actor=user, code=item.code, action=action, data=data)
    specialist = staff("cv", Role.SPECIALIST, kind=AgencyKind.PEOPLES_COMMITTEE)
    stranger = staff("khac", Role.LEADER, code="32212", kind=AgencyKind.PEOPLES_COMMITTEE)
    events = PetitionEvent.objects.count()

    with pytest.raises(PermissionDenied):
        petition_act(actor=specialist, code=item.code, action=A.APPROVE)
    with pytest.raises(NotFound):
        petition_act(actor=stranger, code=item.code, action=A.APPROVE)

    assert Petition.objects.unrestricted("test").get().status == S.ANSWER_DRAFTED
    assert PetitionEvent.objects.count() == events


def test_classification_needs_every_field_and_a_refusal_needs_a_reason() -> None:
    item = petition()
    user = officer()

    with pytest.raises(DomainError) as missing:
        petition_act(
            actor=user, code=item.code, action=A.CLASSIFY, data=ActInput(classification=Classification.WITHIN_COMPETENCE)
        )
    with pytest.raises(DomainError) as no_reason:
        petition_act(actor=user, code=item.code, action=A.REFUSE)

    assert missing.value.code == PetitionErrorCode.CLASSIFICATION_REQUIRED and "category" in missing.value.fields
    assert no_reason.value.code == PetitionErrorCode.REASON_REQUIRED
    assert Petition.objects.unrestricted("test").get().status == S.RECEIVED


def test_the_same_idempotency_key_returns_the_first_petition() -> None:
    first = petition(idempotency_key="form-123")

    again = petition_submit(actor=None, data=petition_input(idempotency_key="form-123"))

    assert again.created is False and again.petition.pk == first.pk
    assert Petition.objects.unrestricted("test").count() == 1


def test_a_petition_names_a_dossier_of_its_commune_only() -> None:
    procedure()
    item_officer = officer()
    dossier = dossier_receive(actor=item_officer, intake=intake()).dossier

    linked = petition(dossier_code=dossier.code.lower())
    with pytest.raises(DomainError) as caught:
        petition(dossier_code=dossier.code, unit_code="32212")

    assert linked.dossier == dossier and linked.procedure == dossier.procedure
    assert (
        caught.value.fields == {"dossier_code": "Không có hồ sơ nào của xã này có mã này."}
        or "dossier_code" in caught.value.fields
    )


def test_voices_and_merging_add_up() -> None:
    first, second = petition(), petition(title="Trễ hẹn khai sinh")
    user = officer()

    petition_add_voice(code=first.code, name="Trần Văn Nam", phone="0987 000 111")
    petition_add_voice(code=second.code, name="Trần Văn Nam", phone="0987000111")
    merged = petition_act(actor=user, code=second.code, action=A.MERGE, data=ActInput(merge_into=first.code))

    target = Petition.objects.unrestricted("test").get(pk=first.pk)
    assert merged.status == S.MERGED and merged.merged_into == target
    assert target.voices == 4  # 1 + 1 voice, and the merged petition's 2


def test_public_reads_carry_no_personal_data() -> None:
    item = petition(at=at(2, 3))
    user, boss = officer(), leader()
    for action, data in ((A.CLASSIFY, CLASSIFIED), (A.START, ActInput()), (A.DRAFT_ANSWER, ActInput(answer="Đã trả kết quả."))):
        petition_act(actor=user, code=item.code, action=action, data=data)
    petition_act(actor=boss, code=item.code, action=A.APPROVE)
    petition_act(actor=user, code=item.code, action=A.PUBLISH)

    shown = published_petitions(unit_code="32218")
    looked_up = petition_lookup(code=item.code.lower(), check="6789")

    assert [p.code for p in shown] == [item.code] and shown[0].answer == "Đã trả kết quả."
    text = repr(shown) + repr(looked_up)
    for secret in ("Lê Thị Hoa", "0913456789", "6789", "Ấp Cái Đôi"):
        assert secret not in text
    with pytest.raises(NotFound):
        petition_lookup(code=item.code, check="0000")
