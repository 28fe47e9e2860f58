"""The dialogue pages (RULES.md §1.9): the public list, a dialogue with its question form, the
published minutes; the staff list, planning and a dialogue's page with every step; the
permission matrix of every staff URL (anonymous, another commune, a role without the
permission, the right role; a refusal changes nothing); the leader's workspace hook."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from motcua.core.choices import AgencyKind, Role
from motcua.core.models import AuditEvent
from motcua.core.workspace import attention_providers
from motcua.dossiers.tests.factories import commune_agencies, staff
from motcua.feedback.dialogues.choices import CommitmentAction, DialogueAction
from motcua.feedback.dialogues.models import Commitment, Dialogue, DialogueEvent, DialogueQuestion
from motcua.feedback.dialogues.services import CommitmentActInput, QuestionInput, commitment_act, dialogue_act, question_submit
from motcua.feedback.tests.dialogue_factories import (
    ASKER,
    HELD,
    TZ,
    boss,
    commitment,
    held,
    manager,
    open_for_questions,
    specialist,
)

pytestmark = pytest.mark.django_db
A, C = DialogueAction, CommitmentAction
NOW = datetime(2026, 12, 8, 10, 0, tzinfo=TZ)
MINUTES = "Biên bản hội nghị đối thoại với Nhân dân xã Phú Tân năm 2026."
SECRETS = ("Nguyễn Văn An", "0912345678", "0912 345 678", "Ấp Cái Đôi, Xã Phú Tân")


def _client(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def _published_with_commitments() -> Dialogue:
    """Held, answered, one commitment done, one overdue, minutes published."""
    dialogue = held()
    officer = manager(username="dt-officer-32218")
    question_submit(
        actor=officer,
        code=dialogue.code,
        data=QuestionInput(text="Xin xã sửa đèn đường khu chợ.", asker_name="Trần Thị Hồng", asker_phone="0987654321"),
        at=HELD + timedelta(hours=1),
    )
    commitment(dialogue, due_on=date(2026, 12, 1), at=HELD + timedelta(hours=4))
    commitment(
        dialogue, due_on=date(2026, 12, 31), text="Sửa đèn đường khu chợ xã.", question_seq=2, at=HELD + timedelta(hours=4)
    )
    commitment_act(
        actor=officer,
        code=dialogue.code,
        seq=2,
        action=C.COMPLETE,
        data=CommitmentActInput(note="Đã thay 12 bóng đèn.", link="https://example.vn/den"),
        at=HELD + timedelta(days=5),
    )
    return dialogue_act(actor=boss(), code=dialogue.code, action=A.PUBLISH_MINUTES, minutes=MINUTES, at=HELD + timedelta(days=1))


def test_the_public_form_takes_a_question_once_and_names_each_missing_field() -> None:
    dialogue = open_for_questions()
    form = {"text": "Khi nào xã sửa đoạn đường ấp Cái Đôi bị sạt lở?", "idempotency_key": "k-1", **ASKER}

    missing = Client().post(f"/doi-thoai/{dialogue.code}/", {**form, "asker_phone": "", "asker_name": ""})
    first = Client().post(f"/doi-thoai/{dialogue.code}/", form)
    again = Client().post(f"/doi-thoai/{dialogue.code}/", form)

    body = missing.content.decode()
    assert missing.status_code == 400 and 'href="#id_asker_name"' in body and 'href="#id_asker_phone"' in body
    assert "invalid_dialogue_question" not in body
    assert first.status_code == 201 and again.status_code == 200
    assert DialogueQuestion.objects.unrestricted("test").count() == 1


def test_the_question_form_is_shown_only_while_the_dialogue_takes_questions() -> None:
    dialogue = held()

    page = Client().get(f"/doi-thoai/{dialogue.code}/")
    post = Client().post(f"/doi-thoai/{dialogue.code}/", {"text": "Một câu hỏi khá dài để gửi.", **ASKER})

    assert page.status_code == 200 and 'name="asker_phone"' not in page.content.decode()
    assert post.status_code == 409 and DialogueQuestion.objects.unrestricted("test").count() == 1


def test_public_pages_and_api_never_show_askers_phone_address_or_full_name() -> None:
    dialogue = _published_with_commitments()
    pages = [
        Client().get(url)
        for url in (
            "/doi-thoai/",
            f"/doi-thoai/{dialogue.code}/",
            f"/doi-thoai/{dialogue.code}/bien-ban/",
            "/api/v1/dialogues",
            f"/api/v1/dialogues/{dialogue.code}",
        )
    ]

    minutes = pages[2].content.decode()
    assert [p.status_code for p in pages] == [200] * 5
    for page in pages:
        body = page.content.decode()
        for secret in (*SECRETS, "Trần Thị Hồng", "0987654321"):
            assert secret not in body, (page.request["PATH_INFO"], secret)
    assert "Ông/Bà N.V.A." in minutes and "Ông/Bà T.T.H." in minutes
    assert "QUÁ HẠN" in minutes and "Đã thay 12 bóng đèn." in minutes and MINUTES in minutes


def test_the_minutes_page_is_404_until_published() -> None:
    dialogue = held()

    assert Client().get(f"/doi-thoai/{dialogue.code}/bien-ban/").status_code == 404
    assert Client().get("/doi-thoai/DT-00000-26-001/").status_code == 404


def _staff_requests(code: str) -> list[tuple[str, str, dict[str, object]]]:
    return [
        ("get", "/doi-thoai/quan-ly/", {}),
        ("get", f"/doi-thoai/quan-ly/{code}/", {}),
        ("get", f"/doi-thoai/quan-ly/{code}/cam-ket/1/minh-chung/", {}),
        ("post", f"/doi-thoai/quan-ly/{code}/cau-hoi/", {"q-text": "Câu hỏi tại hội nghị về rác."}),
        ("post", f"/doi-thoai/quan-ly/{code}/cau-hoi/1/tra-loi/", {"answer": "Xã sẽ làm.", "answered_by": "Chủ tịch"}),
        ("post", f"/doi-thoai/quan-ly/{code}/bien-ban/", {"minutes": MINUTES}),
        (
            "post",
            f"/doi-thoai/quan-ly/{code}/cam-ket/",
            {"c-text": "Đặt thùng rác ở chợ.", "c-owner": "user:dt-officer-32218", "c-due_on": "31/12/2026"},
        ),
        ("post", f"/doi-thoai/quan-ly/{code}/cam-ket/1/progress/", {"note": "Đã khảo sát."}),
        ("post", f"/doi-thoai/quan-ly/{code}/publish_minutes/", {"minutes": MINUTES}),
    ]


def _snapshot(dialogue: Dialogue) -> tuple[object, ...]:
    fresh = Dialogue.objects.unrestricted("test").get(pk=dialogue.pk)
    commitments = list(Commitment.objects.unrestricted("test").values_list("status", "progress_note"))
    questions = list(DialogueQuestion.objects.unrestricted("test").values_list("answer", flat=True))
    return fresh.status, fresh.minutes, DialogueEvent.objects.count(), commitments, questions


def _held_with_evidence() -> Dialogue:
    dialogue = held()
    commitment(dialogue)
    return dialogue


def test_staff_urls_refuse_anonymous_visitors_and_change_nothing() -> None:
    dialogue = _held_with_evidence()
    before = _snapshot(dialogue)

    for method, url, data in [*_staff_requests(dialogue.code), ("post", "/doi-thoai/quan-ly/len-ke-hoach/", {})]:
        response = getattr(Client(), method)(url, data)
        assert response.status_code == 302 and "/dang-nhap/" in response["Location"], url
    assert _snapshot(dialogue) == before


def test_staff_urls_refuse_another_commune_with_404_and_change_nothing() -> None:
    dialogue = _held_with_evidence()
    stranger = _client(staff("dt-khac", Role.LEADER, code="32212", kind=AgencyKind.PEOPLES_COMMITTEE))
    before = _snapshot(dialogue)

    listing = stranger.get("/doi-thoai/quan-ly/")
    for method, url, data in _staff_requests(dialogue.code)[1:]:
        assert getattr(stranger, method)(url, data).status_code == 404, url
    assert listing.status_code == 200 and dialogue.code not in listing.content.decode()
    assert _snapshot(dialogue) == before


def test_staff_urls_refuse_a_role_without_the_permission_and_change_nothing() -> None:
    dialogue = _held_with_evidence()
    nobody = _client(staff("dt-dl", Role.DATA_OFFICER))
    reporter = _client(specialist())  # may view and report, not manage
    before = _snapshot(dialogue)

    for method, url, data in [*_staff_requests(dialogue.code), ("get", "/doi-thoai/quan-ly/len-ke-hoach/", {})]:
        assert getattr(nobody, method)(url, data).status_code == 403, url
    refused: list[tuple[str, dict[str, object]]] = [
        ("/doi-thoai/quan-ly/len-ke-hoach/", {}),
        (f"/doi-thoai/quan-ly/{dialogue.code}/cau-hoi/", {"q-text": "Câu hỏi tại hội nghị về rác."}),
        (f"/doi-thoai/quan-ly/{dialogue.code}/publish_minutes/", {"minutes": MINUTES}),
        (f"/doi-thoai/quan-ly/{dialogue.code}/cam-ket/1/drop/", {"reason": "x"}),
    ]
    for url, data in refused:
        assert reporter.post(url, data).status_code == 403, url
    assert _snapshot(dialogue) == before


def test_the_right_roles_take_a_dialogue_through_every_step_on_its_pages() -> None:
    officer = manager(username="dt-officer-32218")
    commune_agencies()
    client = _client(officer)

    planned = client.post(
        "/doi-thoai/quan-ly/len-ke-hoach/",
        {"title": "Đối thoại với doanh nghiệp", "topic": "Thủ tục đăng ký hộ kinh doanh.", "audience": "businesses",
         "day": "20/11/2026", "time": "08:00", "place": "Hội trường xã", "chair": "Chủ tịch UBND xã",
         "co_organiser": "", "participants": ""},
    )  # fmt: skip
    dialogue = Dialogue.objects.unrestricted("test").get()
    code = dialogue.code
    steps = [
        client.post(f"/doi-thoai/quan-ly/{code}/open_questions/"),
        Client().post(f"/doi-thoai/{code}/", {"text": "Thủ tục đăng ký hộ kinh doanh mất bao lâu?", **ASKER}),
    ]
    with time_machine.travel(HELD + timedelta(hours=2)):
        steps += [
            client.post(f"/doi-thoai/quan-ly/{code}/hold/"),
            client.post(f"/doi-thoai/quan-ly/{code}/cau-hoi/", {"q-text": "Phí đăng ký là bao nhiêu?"}),
            client.post(
                f"/doi-thoai/quan-ly/{code}/cau-hoi/1/tra-loi/",
                {"answer": "3 ngày làm việc.", "answered_by": "Giám đốc Trung tâm"},
            ),
            client.post(
                f"/doi-thoai/quan-ly/{code}/cam-ket/",
                {
                    "c-text": "Niêm yết quy trình đăng ký hộ kinh doanh.",
                    "c-owner": "user:dt-officer-32218",
                    "c-due_on": "30/11/2026",
                    "c-question": "1",
                },
            ),
            client.post(f"/doi-thoai/quan-ly/{code}/bien-ban/", {"minutes": MINUTES}),
            client.post(
                f"/doi-thoai/quan-ly/{code}/cam-ket/1/complete/",
                {
                    "note": "Đã niêm yết.",
                    "link": "",
                    "file": SimpleUploadedFile("anh.png", b"\x89PNG\r\n\x1a\nabc", content_type="image/png"),
                },
            ),
            _client(boss()).post(f"/doi-thoai/quan-ly/{code}/publish_minutes/", {"minutes": MINUTES}),
        ]
        page = client.get(f"/doi-thoai/quan-ly/{code}/")
        evidence = client.get(f"/doi-thoai/quan-ly/{code}/cam-ket/1/minh-chung/")
        steps.append(client.post(f"/doi-thoai/quan-ly/{code}/close/"))

    assert planned.status_code == 302
    assert [s.status_code for s in steps] == [302, 201, 302, 302, 302, 302, 302, 302, 302, 302]
    fresh = Dialogue.objects.unrestricted("test").get()
    assert (fresh.status, fresh.audience, timezone_local(fresh.starts_at)) == ("closed", "businesses", "20/11/2026 08:00")
    body = page.content.decode()
    assert page.status_code == 200 and "Nguyễn Văn An" in body and "0912345678" in body  # staff see the asker
    assert AuditEvent.objects.filter(action="dialogue.read.view", object_id=code).exists()
    assert evidence.status_code == 200 and b"".join(evidence.streaming_content) == b"\x89PNG\r\n\x1a\nabc"  # type: ignore[attr-defined]


def timezone_local(value: datetime) -> str:
    return value.astimezone(TZ).strftime("%d/%m/%Y %H:%M")


def test_an_error_is_shown_on_the_page_linked_to_its_field_without_a_code() -> None:
    dialogue = held()
    client = _client(manager(username="dt-officer-32218"))

    response = client.post(f"/doi-thoai/quan-ly/{dialogue.code}/cau-hoi/1/tra-loi/", {"answer": "Xã sẽ làm.", "answered_by": ""})

    body = response.content.decode()
    assert response.status_code == 400 and 'href="#answer-1-answered_by"' in body and "invalid_dialogue_question" not in body


def test_the_staff_list_warns_when_the_commune_has_no_dialogue_this_year_rules_1_9() -> None:
    """Law 10/2022/QH15 Art. 32: at least one dialogue with the people a year."""
    commune_agencies()
    client = _client(manager(username="dt-viewer"))  # not the planner: re-saving a user ends its session

    with time_machine.travel(NOW):
        warned = client.get("/doi-thoai/quan-ly/").content.decode()
        open_for_questions(at=NOW - timedelta(days=1), starts_at=NOW + timedelta(days=10))
        fine = client.get("/doi-thoai/quan-ly/").content.decode()

    assert "Điều 32" in warned and 'role="alert"' in warned
    assert 'role="alert"' not in fine and "1 đã lên kế hoạch" in fine


def test_the_leader_sees_overdue_commitments_on_the_workspace_and_others_do_not() -> None:
    dialogue = held()
    commitment(dialogue, due_on=date(2026, 12, 1))
    commitment(dialogue, due_on=date(2026, 12, 31), text="Một việc chưa đến hạn của xã.")

    with time_machine.travel(NOW):
        leader = _client(boss()).get("/lam-viec/").content.decode()
        officer = _client(manager(username="dt-officer-32218")).get("/lam-viec/").content.decode()
        stranger = (
            _client(staff("dt-khac", Role.LEADER, code="32212", kind=AgencyKind.PEOPLES_COMMITTEE))
            .get("/lam-viec/")
            .content.decode()
        )

    assert f"{dialogue.code} · CK1" in leader and "QUÁ HẠN" in leader and "01/12/2026" in leader
    assert f"{dialogue.code} · CK2" not in leader
    assert dialogue.code not in officer and dialogue.code not in stranger
    assert "dialogue_commitments" in attention_providers.names()


def test_a_failing_workspace_provider_does_not_break_the_workspace() -> None:
    def broken(**_kwargs: object) -> list[object]:
        raise RuntimeError("boom")

    attention_providers.register("zz_broken", broken)  # type: ignore[arg-type]
    try:
        response = _client(boss()).get("/lam-viec/")
    finally:
        attention_providers.unregister("zz_broken")

    assert response.status_code == 200


def test_the_staff_list_shows_overdue_and_due_soon_commitments_within_a_query_budget(
    django_assert_max_num_queries: object,
) -> None:
    dialogue = held()
    for day in (1, 2, 3):
        commitment(dialogue, due_on=date(2026, 12, day))
    commitment(dialogue, due_on=date(2026, 12, 12), text="Việc sắp đến hạn của xã.")
    client = _client(boss())

    with time_machine.travel(NOW), django_assert_max_num_queries(25):  # type: ignore[operator]
        body = client.get("/doi-thoai/quan-ly/").content.decode()

    assert body.count("QUÁ HẠN") == 3 and "12/12/2026" in body


def test_public_lists_and_the_minutes_stay_within_a_query_budget(django_assert_max_num_queries: Any) -> None:
    dialogue = _published_with_commitments()
    for _ in range(4):
        open_for_questions()
    commitment(Dialogue.objects.unrestricted("test").get(pk=dialogue.pk), due_on=date(2026, 12, 20), at=HELD + timedelta(days=2))

    with django_assert_max_num_queries(6):
        listing = Client().get("/doi-thoai/")
    with django_assert_max_num_queries(8):
        minutes = Client().get(f"/doi-thoai/{dialogue.code}/bien-ban/")
    with django_assert_max_num_queries(6):
        api = Client().get("/api/v1/dialogues")

    assert listing.content.decode().count("<article") == 5 and len(api.json()) == 5
    assert minutes.content.decode().count('id="ck-') == 3
