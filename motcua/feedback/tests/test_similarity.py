"""Similar petitions (issue 11 "duplicates and +1"; RULES.md §5, one petition per problem): the
accent-free scoring and its reasons, the scope (one commune; open or recently ended; never refused
or merged), and precision@3 / recall@3 on the labelled set (tests/data/duplicates_vi.json)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from motcua.catalog.models import Procedure, Sector
from motcua.core.models import AdministrativeUnit
from motcua.feedback.choices import PetitionAction, PetitionStatus, Verdict
from motcua.feedback.selectors import receiving_unit, similar_petitions
from motcua.feedback.services import ActInput, petition_act, petition_judge
from motcua.feedback.similarity import similarity_key, text_score
from motcua.feedback.tests import labelled
from motcua.feedback.tests.factories import leader, officer, petition

pytestmark = pytest.mark.django_db
A, S = PetitionAction, PetitionStatus
# Measured on the labelled set (docs/feedback.md "Duplicates"): precision@3 0.82, recall@3 0.91.
PRECISION_FLOOR = 0.75
RECALL_FLOOR = 0.85

LIGHTS: dict[str, Any] = {
    "title": "Đèn đường ấp Cái Đôi hư nhiều tuần",
    "content": "Hệ thống đèn chiếu sáng trên tuyến đường chính ấp Cái Đôi hư gần hết, tối đen, người đi đường bị té.",
}


def _unit(code: str = "32218") -> AdministrativeUnit:
    unit = receiving_unit(code)
    assert unit is not None
    return unit


def test_the_key_is_accent_free_sorted_and_without_filler() -> None:
    assert similarity_key("Đèn đường ở Cái Đôi, đèn hư!") == "cai den doi duong hu"
    assert text_score("Đèn đường hư", "den duong hu") == 100.0


def test_a_paraphrase_without_diacritics_is_proposed_with_the_text_reason() -> None:
    item = petition(**LIGHTS)

    found = similar_petitions(
        unit=_unit(), title="Den duong ap Cai Doi bi hu", content="Den chieu sang duong chinh ap Cai Doi hu het, toi thui."
    )

    assert [s.code for s in found] == [item.code]
    assert found[0].reasons == ("text",) and found[0].voices == 1 and found[0].takes_voices


def test_the_same_procedure_place_and_officer_are_reasons_that_raise_the_score() -> None:
    sector, _ = Sector.objects.get_or_create(slug="dup-test", defaults={"name": "Thử nghiệm"})
    proc, _ = Procedure.objects.get_or_create(code="DUP-1.001193", defaults={"name": "Khai sinh (thử)", "sector": sector})
    item = petition(procedure_code=proc.code, place="bộ phận một cửa", officer_named="Trần Văn Bình")
    text: dict[str, Any] = {
        "title": "Chậm trả kết quả khai sinh",
        "content": "Hồ sơ khai sinh của con tôi quá hẹn chưa có kết quả.",
    }

    bare = similar_petitions(unit=_unit(), **text)
    full = similar_petitions(unit=_unit(), **text, procedure=proc, place="Bo phan mot cua", officer_named="anh Tran Van Binh")

    assert [s.code for s in full] == [item.code]
    assert full[0].reasons == ("text", "procedure", "place", "officer")
    assert not bare or bare[0].score < full[0].score


def test_an_unrelated_text_proposes_nothing() -> None:
    petition(**LIGHTS)

    found = similar_petitions(unit=_unit(), title="Chó thả rông cắn người", content="Chó không rọ mõm cắn người đi chợ.")

    assert found == []


def test_another_communes_petitions_are_never_proposed() -> None:
    petition(**LIGHTS, unit_code="32212")

    assert similar_petitions(unit=_unit(), **LIGHTS) == []
    assert len(similar_petitions(unit=_unit("32212"), **LIGHTS)) == 1


def test_refused_and_merged_petitions_are_not_proposed_and_closed_ones_only_for_90_days() -> None:
    user = officer()
    refused, merged, target = petition(**LIGHTS), petition(**LIGHTS), petition(**LIGHTS)
    petition_act(actor=user, code=refused.code, action=A.REFUSE, data=ActInput(reason="Trùng nội dung"))
    petition_act(actor=user, code=merged.code, action=A.MERGE, data=ActInput(merge_into=target.code))

    now = timezone.now()
    found = similar_petitions(unit=_unit(), **LIGHTS, now=now)
    later = similar_petitions(unit=_unit(), **LIGHTS, now=now + timedelta(days=91))

    assert [s.code for s in found] == [target.code] and found[0].voices == 2
    assert [s.code for s in later] == [target.code]  # still open: proposed whatever its age


def test_a_closed_petition_is_proposed_to_staff_for_90_days_but_never_takes_voices() -> None:
    item = petition(**LIGHTS)
    user, boss = officer(), leader()
    classified = ActInput(classification="within", category="obstacle", report_class="regulation")
    for action, data in ((A.CLASSIFY, classified), (A.START, ActInput()), (A.DRAFT_ANSWER, ActInput(answer="Đã sửa đèn."))):
        petition_act(actor=user, code=item.code, action=action, data=data)
    petition_act(actor=boss, code=item.code, action=A.APPROVE)
    petition_act(actor=user, code=item.code, action=A.PUBLISH)
    closed = petition_act(actor=user, code=item.code, action=A.CLOSE)
    assert closed.closed_at is not None
    now = closed.closed_at

    staff_view = similar_petitions(unit=_unit(), **LIGHTS, now=now + timedelta(days=89))
    public_view = similar_petitions(unit=_unit(), **LIGHTS, now=now, taking_voices=True)
    too_old = similar_petitions(unit=_unit(), **LIGHTS, now=now + timedelta(days=91))

    assert [s.code for s in staff_view] == [item.code] and not staff_view[0].takes_voices
    assert public_view == [] and too_old == []


def test_a_published_answer_takes_voices_for_90_days_and_a_reopened_petition_again_for_good() -> None:
    item = petition(**LIGHTS)
    user, boss = officer(), leader()
    classified = ActInput(classification="within", category="obstacle", report_class="regulation")
    for action, data in ((A.CLASSIFY, classified), (A.START, ActInput()), (A.DRAFT_ANSWER, ActInput(answer="Đã sửa đèn."))):
        petition_act(actor=user, code=item.code, action=action, data=data)
    petition_act(actor=boss, code=item.code, action=A.APPROVE)
    published = petition_act(actor=user, code=item.code, action=A.PUBLISH)
    assert published.published_at is not None
    later = published.published_at + timedelta(days=91)

    soon = similar_petitions(unit=_unit(), **LIGHTS, now=published.published_at, taking_voices=True)
    gone = similar_petitions(unit=_unit(), **LIGHTS, now=later)
    petition_judge(code=item.code, check="6789", verdict=Verdict.NOT_SATISFIED, reason="Đèn vẫn hư")
    reopened = similar_petitions(unit=_unit(), **LIGHTS, now=later)

    assert [s.code for s in soon] == [item.code] and gone == []
    assert [s.code for s in reopened] == [item.code]


def test_the_excerpt_never_shows_the_petitioners_personal_data() -> None:
    item = petition(
        title="Đèn đường ấp Cái Đôi hư",
        content="Tôi là Lê Thị Hoa, số 0913 456 789, đèn chiếu sáng đường chính ấp Cái Đôi hư gần hết, tối đen.",
    )

    found = similar_petitions(unit=_unit(), **LIGHTS)

    assert [s.code for s in found] == [item.code]
    shown = repr(found)
    for secret in ("Lê Thị Hoa", "0913", "456 789", "Ấp Cái Đôi, Xã Phú Tân"):
        assert secret not in shown


def test_precision_and_recall_at_3_on_the_labelled_set_stay_above_their_floors() -> None:
    """RULES.md §5 (one petition per problem): the labelled set's floors, set from what was
    measured (docs/feedback.md); a regression of the scoring fails here."""
    items = labelled.load()
    petition(title="Khởi tạo", content="Khởi tạo các cơ quan tiếp nhận của xã.")  # the commune's desks
    codes = labelled.file_all(items)

    quality = labelled.measure(items, codes)

    print(f"labelled set: precision@3 {quality.precision:.3f}, recall@3 {quality.recall:.3f}, {quality.proposed} proposed")
    assert len(items) >= 150 and quality.queries == len(items)
    assert quality.precision >= PRECISION_FLOOR
    assert quality.recall >= RECALL_FLOOR
