"""Survey campaign services (RULES.md §3.1, SIPAS-style internal surveys; §3.2 per-dossier
ratings feeding the results): the workflow table, the event log and audit rows of every state
change, one-use invitations, web and paper answers."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from motcua.core.exceptions import DomainError, NotFound
from motcua.core.models import AuditEvent
from motcua.core.notifications import MemoryBackend
from motcua.dossiers.choices import Channel
from motcua.satisfaction.choices import Level, ResponseChannel, SurveyAction, SurveyElement, SurveyStatus
from motcua.satisfaction.exceptions import SatisfactionErrorCode
from motcua.satisfaction.models import SurveyCampaign, SurveyEvent, SurveyResponse
from motcua.satisfaction.survey_selectors import survey_results
from motcua.satisfaction.survey_services import (
    CampaignInput,
    survey_answer_record,
    survey_answer_submit,
    survey_close,
    survey_create,
    survey_draw,
    survey_invite,
    survey_template_ensure,
    survey_token,
)
from motcua.satisfaction.tests.factories import bare_ratings
from motcua.satisfaction.tests.survey_factories import UNIT, campaign, manager_of, officer_of, population, returned
from motcua.satisfaction.workflow import TRANSITIONS, survey_next

pytestmark = pytest.mark.django_db

FULL = {
    "tiep-can-thong-tin": 4,
    "tiep-can-noi-cho": 5,
    "tiep-can-thiet-bi": 4,
    "thu-tuc-cong-khai": 5,
    "thu-tuc-ho-so": 4,
    "thu-tuc-phi": 5,
    "thu-tuc-thoi-han": 3,
    "cong-chuc-thai-do": 5,
    "cong-chuc-huong-dan": 4,
    "cong-chuc-dung-quy-dinh": 5,
    "ket-qua-dung-hen": 4,
    "ket-qua-chinh-xac": 5,
    "gop-y-kenh": "Có",
    "tong-the": 4,
}


def _open(n: int = 3) -> tuple[Any, SurveyCampaign]:
    officer, leader = officer_of(), manager_of()
    population(officer, {("1.001193", Channel.IN_PERSON): n})
    return leader, campaign(leader, size=n, invite=True)


def _events(c: SurveyCampaign) -> list[tuple[str, str, str]]:
    return list(SurveyEvent.objects.filter(campaign=c).order_by("id").values_list("action", "from_status", "to_status"))


def _audit(c: SurveyCampaign) -> list[str]:
    return list(
        AuditEvent.objects.filter(object_type="survey_campaign", object_id=str(c.pk))
        .order_by("id")
        .values_list("action", flat=True)
    )


# --- The workflow table ----------------------------------------------------------------------------


@pytest.mark.django_db(transaction=False)
@pytest.mark.parametrize("status", list(SurveyStatus))
@pytest.mark.parametrize("action", [a for a in SurveyAction if a != SurveyAction.CREATE])
def test_every_status_action_pair_follows_the_table(status: SurveyStatus, action: SurveyAction) -> None:
    """§3.1 campaign workflow: draft → sampled → open → closed; anything else is a 409."""
    expected = TRANSITIONS.get((status, action))
    if expected is None:
        with pytest.raises(DomainError) as err:
            survey_next(status, action)
        assert (err.value.code, err.value.status_code) == (SatisfactionErrorCode.SURVEY_ACTION_NOT_ALLOWED, 409)
    else:
        assert survey_next(status, action) == expected


# --- Creating, drawing, inviting, closing ----------------------------------------------------------


def test_the_sipas_template_has_the_five_elements_and_an_overall_question() -> None:
    """§3.1: access, procedure, officials, result, feedback (migration 0004)."""
    questionnaire = survey_template_ensure()

    elements = list(dict.fromkeys(questionnaire.questions.values_list("element", flat=True)))

    assert elements == ["access", "procedure", "officials", "result", "feedback", "overall", "other"]
    assert questionnaire.questions.count() == 16


def test_every_state_change_writes_an_event_and_an_audit_row() -> None:
    """§3.1: create, draw, invite, answer, close are in the campaign's log and the audit chain."""
    leader, made = _open(2)
    member = made.members.get(number=1)

    survey_answer_submit(token=survey_token(member), answers=FULL)
    survey_close(actor=leader, campaign_id=made.pk)

    assert _events(made) == [
        ("create", "", "draft"),
        ("draw", "draft", "sampled"),
        ("invite", "sampled", "open"),
        ("answer", "open", "open"),
        ("close", "open", "closed"),
    ]
    assert _audit(made) == ["survey.create", "survey.draw", "survey.invite", "survey.answer", "survey.close"]


def test_a_second_draw_is_refused_and_changes_nothing() -> None:
    leader, made = _open(2)
    before = (list(made.members.values_list("id", flat=True)), _events(made))

    with pytest.raises(DomainError) as err:
        survey_draw(actor=leader, campaign_id=made.pk)

    assert err.value.code == SatisfactionErrorCode.SURVEY_ACTION_NOT_ALLOWED
    assert (list(made.members.values_list("id", flat=True)), _events(made)) == before


def test_invitations_go_by_sms_else_email_else_paper(django_capture_on_commit_callbacks: Callable[..., Any]) -> None:
    """§3.1: one message per member with a phone (SMS) or an e-mail; others get the paper form."""
    officer, leader = officer_of(), manager_of()
    returned(officer, id_number="096085000001", phone="0912000001")
    returned(officer, id_number="096085000002", phone="", email="b@example.vn")
    returned(officer, id_number="096085000003", phone="", email="")
    made = campaign(leader, size=3, draw=True)
    MemoryBackend.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        sent = survey_invite(actor=leader, campaign_id=made.pk)

    assert sent == 2
    assert sorted((m.channel, m.to, m.kind) for m in MemoryBackend.outbox) == [
        ("email", "b@example.vn", "survey.invite"),
        ("sms", "0912000001", "survey.invite"),
    ]
    assert all("/danh-gia/khao-sat/" in m.body for m in MemoryBackend.outbox)
    assert sorted(made.members.values_list("invited_via", flat=True)) == ["", "email", "sms"]
    assert SurveyEvent.objects.get(campaign=made, action=SurveyAction.INVITE).payload == {"sms": 1, "email": 1, "paper": 1}


def test_a_second_invite_sends_only_to_members_not_yet_invited(django_capture_on_commit_callbacks: Callable[..., Any]) -> None:
    leader, made = _open(2)
    MemoryBackend.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        sent = survey_invite(actor=leader, campaign_id=made.pk)

    assert (sent, MemoryBackend.outbox) == (0, [])


# --- Answers ----------------------------------------------------------------------------------------


def test_the_link_records_one_web_answer() -> None:
    _, made = _open(2)
    member = made.members.get(number=2)

    response = survey_answer_submit(token=survey_token(member), answers={**FULL, "y-kien-them": "  Cần thêm ghế chờ.  "})

    assert (response.channel, response.member_id, response.recorded_by) == (ResponseChannel.WEB, member.pk, None)
    assert response.answers["y-kien-them"] == "Cần thêm ghế chờ."


def test_answering_twice_is_refused_with_a_clear_message_and_changes_nothing() -> None:
    """§3.1: the link is one-use."""
    _, made = _open(2)
    token = survey_token(made.members.get(number=1))
    survey_answer_submit(token=token, answers=FULL)
    before = (SurveyResponse.objects.count(), _events(made))

    with pytest.raises(DomainError) as err:
        survey_answer_submit(token=token, answers={**FULL, "tong-the": 1})

    assert (err.value.code, err.value.status_code) == (SatisfactionErrorCode.SURVEY_ALREADY_ANSWERED, 409)
    assert str(err.value.message) == "Phiếu khảo sát này đã được trả lời bằng đường dẫn này. Xin cảm ơn."
    assert (SurveyResponse.objects.count(), _events(made)) == before


def test_a_closed_campaign_refuses_answers() -> None:
    leader, made = _open(2)
    survey_close(actor=leader, campaign_id=made.pk)

    with pytest.raises(DomainError) as err:
        survey_answer_submit(token=survey_token(made.members.get(number=1)), answers=FULL)

    assert err.value.code == SatisfactionErrorCode.SURVEY_CLOSED
    assert SurveyResponse.objects.count() == 0


def test_a_forged_link_is_not_found() -> None:
    with pytest.raises(NotFound) as err:
        survey_answer_submit(token="abc:def", answers=FULL)

    assert err.value.code == SatisfactionErrorCode.SURVEY_LINK_INVALID


def test_missing_and_out_of_range_answers_are_refused_per_question() -> None:
    _, made = _open(1)
    answers = {**FULL, "tong-the": 6, "gop-y-kenh": "Có lẽ"}
    del answers["thu-tuc-phi"]

    with pytest.raises(DomainError) as err:
        survey_answer_submit(token=survey_token(made.members.get(number=1)), answers=answers)

    assert err.value.fields == {
        "thu-tuc-phi": "Xin trả lời câu hỏi này.",
        "gop-y-kenh": "Chọn một trong các phương án.",
        "tong-the": "Chọn một trong năm mức.",
    }
    assert SurveyResponse.objects.count() == 0


def test_a_paper_form_is_keyed_in_by_the_counter_officer() -> None:
    """§3.1: SIPAS delivers paper questionnaires; staff key them in with channel "paper"."""
    _, made = _open(2)
    officer = officer_of()

    response = survey_answer_record(actor=officer, campaign_id=made.pk, member_number=2, answers=FULL)

    assert (response.channel, response.recorded_by, response.member.number) == (ResponseChannel.PAPER, officer, 2)
    assert SurveyEvent.objects.filter(campaign=made, action=SurveyAction.ANSWER).get().payload == {
        "member": 2,
        "channel": "paper",
    }


# --- Results ------------------------------------------------------------------------------------------


def test_results_give_mean_interval_and_response_rate_per_question() -> None:
    leader, made = _open(3)
    for number, level in ((1, 5), (2, 4)):
        survey_answer_submit(token=survey_token(made.members.get(number=number)), answers={**FULL, "tong-the": level})

    results = survey_results(user=leader, campaign=made)

    assert (results.members, results.responses, round(results.response_rate or 0, 4)) == (3, 2, 0.6667)
    overall = next(q for q in results.questions if q.question.code == "tong-the")
    assert overall.survey is not None
    assert (overall.survey.n, overall.survey.mean, overall.survey.satisfied) == (2, 4.5, 1.0)
    channel = next(q for q in results.questions if q.question.code == "gop-y-kenh")
    assert channel.choices == {"Có": 2, "Không": 0, "Không biết": 0}


def test_per_dossier_ratings_feed_the_matching_element() -> None:
    """§3.2: the ratings of the unit and months (at least 5) count in the element their
    question maps to (overall → overall); the survey alone stays shown beside them."""
    leader, made = _open(1)
    survey_answer_submit(token=survey_token(made.members.get(number=1)), answers={**FULL, "tong-the": 2})
    bare_ratings(UNIT, [Level.SATISFIED] * 4 + [Level.VERY_SATISFIED], on=dt.date(2026, 10, 20))

    results = survey_results(user=leader, campaign=made)

    overall = next(e for e in results.elements if e.element == SurveyElement.OVERALL)
    assert (overall.survey.n, overall.survey.mean) == (1, 2.0)
    assert (overall.ratings.n, overall.ratings.mean) == (5, 4.2)
    assert (overall.combined.n, round(overall.combined.mean or 0, 4)) == (6, 3.8333)
    assert results.ratings_count == 5
    question = next(q for q in results.questions if q.question.code == "tong-the")
    assert question.ratings is not None
    assert (question.ratings.n, question.ratings.mean) == (5, 4.2)


def test_fewer_than_five_ratings_are_not_used() -> None:
    """§3.2 privacy: rating groups under 5 are suppressed everywhere."""
    leader, made = _open(1)
    bare_ratings(UNIT, [Level.SATISFIED] * 4, on=dt.date(2026, 10, 20))

    results = survey_results(user=leader, campaign=made)

    assert (results.ratings_count, results.ratings_suppressed) == (0, True)


@pytest.mark.django_db(transaction=False)
@given(st.lists(st.sampled_from([a for a in SurveyAction if a != SurveyAction.CREATE]), max_size=12))
def test_random_action_sequences_never_leave_the_table(actions: list[SurveyAction]) -> None:
    """§3.1 campaign workflow: whatever is tried, the status only moves along the table, and a
    closed campaign stays closed."""
    status = SurveyStatus.DRAFT
    for action in actions:
        try:
            after = survey_next(status, action)
        except DomainError:
            continue
        assert (status, action) in TRANSITIONS
        assert status != SurveyStatus.CLOSED
        status = after
    assert status in SurveyStatus


def test_a_nul_byte_in_a_text_answer_is_refused_before_it_reaches_the_database() -> None:
    """A NUL byte breaks PostgreSQL and the XLSX export (core/validation.py)."""
    _, made = _open(1)

    with pytest.raises(DomainError) as err:
        survey_answer_submit(token=survey_token(made.members.get(number=1)), answers={**FULL, "y-kien-them": "a\x00b"})

    assert list(err.value.fields) == ["y-kien-them"]
    assert SurveyResponse.objects.count() == 0


def test_a_nul_byte_in_the_unit_code_is_refused() -> None:
    leader = manager_of()
    data = CampaignInput(
        title="X", period_start=dt.date(2026, 10, 1), period_end=dt.date(2026, 10, 2), sample_size=1, unit_code="3\x00"
    )

    with pytest.raises(DomainError) as err:
        survey_create(actor=leader, data=data)

    assert (err.value.code, list(err.value.fields)) == (SatisfactionErrorCode.SURVEY_INVALID, ["unit_code"])
    assert SurveyCampaign.objects.unrestricted("test").count() == 0
