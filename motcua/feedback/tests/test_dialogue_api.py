"""The dialogues API (RULES.md §1.9): the public list, a dialogue and its question endpoint; the
staff endpoints with their permission matrix (anonymous 401, another commune 404, a role without
the permission 403, the right role works; a refusal changes nothing)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
import time_machine
from django.test import Client

from motcua.core.apikeys import apikey_create
from motcua.core.choices import AgencyKind, Role
from motcua.core.models import AuditEvent
from motcua.dossiers.tests.factories import commune_agencies, staff
from motcua.feedback.dialogues.models import Commitment, Dialogue, DialogueEvent, DialogueQuestion
from motcua.feedback.tests.dialogue_factories import ASKER, HELD, boss, commitment, held, manager, open_for_questions

pytestmark = pytest.mark.django_db
MINUTES = "Biên bản hội nghị đối thoại với Nhân dân xã Phú Tân năm 2026."
QUESTION = {"text": "Khi nào xã sửa đoạn đường ấp Cái Đôi bị sạt lở?", **ASKER, "idempotency_key": "api-1"}


def _auth(user: object) -> dict[str, str]:
    _row, key = apikey_create(user=user)  # type: ignore[arg-type]
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def _call(method: str, url: str, body: dict[str, Any] | None, headers: dict[str, str]) -> Any:
    client = Client()
    if method == "get":
        return client.get(url, **headers)  # type: ignore[arg-type]
    return client.post(url, body or {}, content_type="application/json", **headers)  # type: ignore[arg-type]


def _staff_calls(code: str) -> list[tuple[str, str, dict[str, Any] | None, int]]:
    """Every staff endpoint: (method, url, body, status for the right role)."""
    return [
        ("get", "/api/v1/dialogues/staff?view=held", None, 200),
        ("get", "/api/v1/dialogues/commitments?view=open", None, 200),
        ("get", f"/api/v1/dialogues/{code}/staff", None, 200),
        ("post", f"/api/v1/dialogues/{code}/questions/record", {"text": "Hỏi tại hội nghị về đèn đường."}, 201),
        ("post", f"/api/v1/dialogues/{code}/questions/1/answer", {"answer": "Xã sẽ sửa.", "answered_by": "Chủ tịch"}, 200),
        (
            "post",
            f"/api/v1/dialogues/{code}/commitments",
            {"text": "Sửa đèn đường khu chợ xã.", "due_on": "2026-12-31", "owner_username": "dt-leader"},
            201,
        ),
        ("post", f"/api/v1/dialogues/{code}/commitments/1/actions/progress", {"note": "Đã khảo sát."}, 200),
        ("post", f"/api/v1/dialogues/{code}/actions/publish_minutes", {"minutes": MINUTES}, 200),
    ]


def _snapshot() -> tuple[object, ...]:
    return (
        list(Dialogue.objects.unrestricted("test").values_list("status", "minutes")),
        DialogueEvent.objects.count(),
        list(Commitment.objects.unrestricted("test").values_list("status", "progress_note")),
        list(DialogueQuestion.objects.unrestricted("test").values_list("answer", flat=True)),
    )


def _setup() -> Dialogue:
    dialogue = held()
    commitment(dialogue)
    return dialogue


PLAN = {
    "title": "Đối thoại với doanh nghiệp",
    "topic": "Thủ tục đăng ký hộ kinh doanh.",
    "starts_at": "2026-12-20T08:00:00+07:00",
    "place": "Hội trường xã",
    "chair": "Chủ tịch UBND xã",
    "audience": "businesses",
}


def test_anonymous_callers_get_401_on_every_staff_endpoint_and_nothing_changes() -> None:
    dialogue = _setup()
    before = _snapshot()

    statuses = [
        _call(m, u, b, {}).status_code for m, u, b, _ in [*_staff_calls(dialogue.code), ("post", "/api/v1/dialogues", PLAN, 0)]
    ]

    assert statuses == [401] * 9 and _snapshot() == before


def test_another_commune_gets_404_on_every_dialogue_and_empty_lists() -> None:
    dialogue = _setup()
    stranger = _auth(staff("dt-khac", Role.LEADER, code="32212", kind=AgencyKind.PEOPLES_COMMITTEE))
    before = _snapshot()

    responses = [_call(m, u, b, stranger) for m, u, b, _ in _staff_calls(dialogue.code)]

    assert [r.status_code for r in responses[:2]] == [200, 200]
    assert responses[0].json()["items"] == [] and responses[1].json()["items"] == []
    assert [r.status_code for r in responses[2:]] == [404] * 6
    assert responses[2].json()["code"] == "dialogue_not_found"
    assert _snapshot() == before


def test_a_role_without_the_permission_gets_403_and_nothing_changes() -> None:
    dialogue = _setup()
    nobody = _auth(staff("dt-dl", Role.DATA_OFFICER))
    reporter = _auth(staff("dt-cv", Role.SPECIALIST))
    before = _snapshot()

    statuses = [
        _call(m, u, b, nobody).status_code
        for m, u, b, _ in [*_staff_calls(dialogue.code), ("post", "/api/v1/dialogues", PLAN, 0)]
    ]
    specialist = [
        _call("post", "/api/v1/dialogues", PLAN, reporter).status_code,
        _call("post", f"/api/v1/dialogues/{dialogue.code}/actions/publish_minutes", {"minutes": MINUTES}, reporter).status_code,
        _call("post", f"/api/v1/dialogues/{dialogue.code}/commitments/1/actions/drop", {"reason": "x"}, reporter).status_code,
    ]

    assert statuses == [403] * 9 and specialist == [403, 403, 403]
    assert _snapshot() == before


def test_the_right_roles_work_on_every_staff_endpoint() -> None:
    dialogue = _setup()
    leader = _auth(boss())

    with time_machine.travel(HELD + timedelta(hours=6)):
        responses = [(_call(m, u, b, leader), expected) for m, u, b, expected in _staff_calls(dialogue.code)]
        planned = _call("post", "/api/v1/dialogues", PLAN, _auth(manager(username="dt-api-officer")))

    assert [r.status_code for r, _ in responses] == [expected for _, expected in responses]
    detail = responses[2][0].json()
    assert detail["questions"][0]["asker_phone"] == "0912345678" and detail["actions"] == ["publish_minutes"]
    assert AuditEvent.objects.filter(action="dialogue.read.api", object_id=dialogue.code).exists()
    last = responses[-1][0].json()
    assert last["status"] == "minutes_published" and [c["status"] for c in last["commitments"]] == ["open", "open"]
    assert planned.status_code == 201 and planned.json()["status"] == "planned" and planned.json()["audience"] == "businesses"


def test_errors_carry_their_codes() -> None:
    dialogue = _setup()
    leader = _auth(boss())

    refused = _call("post", f"/api/v1/dialogues/{dialogue.code}/actions/close", {}, leader)
    not_status = _call("post", f"/api/v1/dialogues/{dialogue.code}/actions/answer", {}, leader)
    bad_tab = _call("get", "/api/v1/dialogues/staff?view=nope", None, leader)
    no_question = _call(
        "post", f"/api/v1/dialogues/{dialogue.code}/questions/99/answer", {"answer": "a", "answered_by": "b"}, leader
    )

    assert (refused.status_code, refused.json()["code"]) == (409, "dialogue_action_not_allowed")
    assert (not_status.status_code, not_status.json()["code"]) == (409, "dialogue_action_not_allowed")
    assert (bad_tab.status_code, bad_tab.json()["code"]) == (400, "invalid_dialogue")
    assert (no_question.status_code, no_question.json()["code"]) == (404, "dialogue_question_not_found")


def test_the_public_sends_a_question_while_the_dialogue_takes_questions_only() -> None:
    dialogue = open_for_questions()
    url = f"/api/v1/dialogues/{dialogue.code}/questions"

    missing = _call("post", url, {"text": QUESTION["text"]}, {})
    first = _call("post", url, QUESTION, {})
    again = _call("post", url, QUESTION, {})
    unknown = _call("post", "/api/v1/dialogues/DT-00000-26-001/questions", QUESTION, {})

    assert missing.status_code == 400 and set(missing.json()["fields"]) == {"asker_name", "asker_address", "asker_phone"}
    assert first.status_code == 201 and first.json() == {"dialogue": dialogue.code, "seq": 1, "created": True}
    assert again.status_code == 200 and again.json()["created"] is False
    assert unknown.status_code == 404
    closed = held()
    assert _call("post", f"/api/v1/dialogues/{closed.code}/questions", QUESTION, {}).status_code == 409


def test_public_reads_list_and_show_a_dialogue_without_askers_data() -> None:
    commune_agencies()
    dialogue = _setup()

    listing = Client().get("/api/v1/dialogues?unit_code=32218")
    detail = Client().get(f"/api/v1/dialogues/{dialogue.code}")

    assert listing.status_code == 200 and [d["code"] for d in listing.json()] == [dialogue.code]
    assert detail.status_code == 200 and detail.json()["questions"] == []  # minutes not published yet
    for body in (listing.content.decode(), detail.content.decode()):
        for secret in ("Nguyễn Văn An", "0912345678", "Ấp Cái Đôi, Xã Phú Tân"):
            assert secret not in body


def test_staff_list_endpoints_stay_within_a_query_budget(django_assert_max_num_queries: Any) -> None:
    dialogue = _setup()
    for day in (2, 3, 4, 5):
        commitment(dialogue, due_on=date(2026, 12, day))
    leader = _auth(boss())

    with django_assert_max_num_queries(9):  # no query per row: 5 commitments, owners joined
        commitments = _call("get", "/api/v1/dialogues/commitments?view=open", None, leader)
    with django_assert_max_num_queries(10):
        dialogues = _call("get", "/api/v1/dialogues/staff?view=held", None, leader)

    assert commitments.json()["count"] == 5 and dialogues.json()["count"] == 1
