"""Messages to the petitioner (issue 11; docs/feedback.md "Notifications"): on publication,
refusal, forwarding and a request for more information, by SMS and e-mail through the memory
backend; sent on commit only, once per event, never for an anonymous petition, never with
another petition's answer; recorded as notices and audited."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.db import transaction
from django.test import Client

from motcua.core.models import AuditEvent
from motcua.core.notifications import MemoryBackend
from motcua.core.urls_public import serving
from motcua.feedback.choices import Classification, ContentCategory, PetitionAction, ReportClass
from motcua.feedback.models import Petition, PetitionEvent, PetitionNotice
from motcua.feedback.notices import petition_notify
from motcua.feedback.services import ActInput, petition_act
from motcua.feedback.tests.factories import leader, officer, petition

pytestmark = pytest.mark.django_db
A = PetitionAction
WITHIN = ActInput(
    classification=Classification.WITHIN_COMPETENCE, category=ContentCategory.OBSTACLE, report_class=ReportClass.CONDUCT
)


@pytest.fixture(autouse=True)
def _outbox() -> Iterator[None]:
    MemoryBackend.outbox.clear()
    with serving("https://motcua.camau.gov.vn"):
        yield
    MemoryBackend.outbox.clear()


def _published(answer: str, **overrides: Any) -> Petition:
    item = petition(**overrides)
    user = officer()
    petition_act(actor=user, code=item.code, action=A.CLASSIFY, data=WITHIN)
    petition_act(actor=user, code=item.code, action=A.START)
    petition_act(actor=user, code=item.code, action=A.DRAFT_ANSWER, data=ActInput(answer=answer))
    petition_act(actor=leader(), code=item.code, action=A.APPROVE)
    return petition_act(actor=user, code=item.code, action=A.PUBLISH)


def test_the_published_answer_is_sent_by_sms_and_e_mail_with_the_look_up_link_and_the_digits_rule(
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        item = _published("Đã trả kết quả ngày 05/03.", petitioner_email="hoa@example.vn")

    assert [(m.channel, m.to, m.kind) for m in MemoryBackend.outbox] == [
        ("sms", "0913456789", "petition.published"),
        ("email", "hoa@example.vn", "petition.published"),
    ]
    sms, email = MemoryBackend.outbox
    link = f"https://motcua.camau.gov.vn/phan-anh/tra-cuu/?code={item.code}"
    for message in (sms, email):
        assert item.code in message.body and link in message.body
        assert "4 số cuối" in message.body and "6789" not in message.body  # the rule, never the digits
    assert "Đã trả kết quả ngày 05/03." in email.body and "Đã trả kết quả" not in sms.body
    assert email.subject == f"Phản ánh {item.code}: nội dung trả lời"
    publish = PetitionEvent.objects.get(petition=item, action=A.PUBLISH)
    assert list(PetitionNotice.objects.filter(event=publish).values_list("channel", flat=True)) == ["sms", "email"]
    audit = AuditEvent.objects.get(action="petition.notify", object_id=item.code)
    assert audit.data == {"event": publish.seq, "action": "publish", "kind": "petition.published", "channels": ["sms", "email"]}


def test_a_message_never_carries_another_petitions_answer_or_goes_to_another_petitioner(
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        first = _published("Trả lời cho bà Hoa.", petitioner_email="hoa@example.vn")
        second = _published(
            "Trả lời cho ông Nam.",
            petitioner_name="Phạm Văn Nam",
            petitioner_phone="0987654321",
            petitioner_email="nam@example.vn",
        )

    by_address = {m.to: m for m in MemoryBackend.outbox if m.channel == "email"}
    assert set(by_address) == {"hoa@example.vn", "nam@example.vn"}
    assert first.code in by_address["hoa@example.vn"].body and second.code not in by_address["hoa@example.vn"].body
    assert "ông Nam" not in by_address["hoa@example.vn"].body and "bà Hoa" not in by_address["nam@example.vn"].body


@pytest.mark.parametrize(
    ("steps", "kind", "words"),
    [
        ([(A.REFUSE, ActInput(reason="Nội dung không thuộc phạm vi quy định hành chính."))], "petition.refused", "không được"),
        (
            [
                (A.CLASSIFY, ActInput(classification="outside", category="unfit", report_class="regulation")),
                (A.FORWARD, ActInput(reason="Thuộc thẩm quyền Sở Tư pháp.", forwarded_to="Sở Tư pháp tỉnh Cà Mau")),
            ],
            "petition.forwarded",
            "Sở Tư pháp tỉnh Cà Mau",
        ),
        (
            [(A.CLASSIFY, WITHIN), (A.REQUEST_INFO, ActInput(reason="Xin cho biết số biên nhận hồ sơ."))],
            "petition.info_requested",
            "Xin cho biết số biên nhận hồ sơ.",
        ),
    ],
)
def test_refusal_forwarding_and_a_request_for_information_tell_the_petitioner_why(
    django_capture_on_commit_callbacks: Any, steps: list[tuple[PetitionAction, ActInput]], kind: str, words: str
) -> None:
    item = petition()
    user = officer()

    with django_capture_on_commit_callbacks(execute=True):
        for action, data in steps:
            petition_act(actor=user, code=item.code, action=action, data=data)

    assert [(m.channel, m.kind) for m in MemoryBackend.outbox] == [("sms", kind)]
    assert words in MemoryBackend.outbox[0].body and item.code in MemoryBackend.outbox[0].body


def test_other_steps_send_nothing(django_capture_on_commit_callbacks: Any) -> None:
    item = petition(petitioner_email="hoa@example.vn")

    with django_capture_on_commit_callbacks(execute=True):
        petition_act(actor=officer(), code=item.code, action=A.CLASSIFY, data=WITHIN)
        petition_act(actor=officer(), code=item.code, action=A.START)

    assert MemoryBackend.outbox == [] and not PetitionNotice.objects.exists()


def test_an_anonymous_petition_gets_no_message(django_capture_on_commit_callbacks: Any) -> None:
    """RULES.md §5 "Required fields (Art. 7)": anonymous petitions are kept as not accepted."""
    from motcua.feedback.choices import PetitionChannel

    item = petition(channel=PetitionChannel.API, petitioner_address="", petitioner_email="an@example.vn")
    assert item.anonymous

    with django_capture_on_commit_callbacks(execute=True):
        petition_act(actor=officer(), code=item.code, action=A.REFUSE, data=ActInput(reason="Không đủ thông tin theo Điều 7."))

    assert MemoryBackend.outbox == [] and not PetitionNotice.objects.exists()


def test_a_rolled_back_step_sends_nothing(django_capture_on_commit_callbacks: Any) -> None:
    item = petition()

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        petition_act(actor=officer(), code=item.code, action=A.REFUSE, data=ActInput(reason="Không thuộc phạm vi."))
        raise RuntimeError("the surrounding step fails")

    assert MemoryBackend.outbox == [] and not PetitionNotice.objects.exists()
    assert Petition.objects.unrestricted("test").get().status == "received"


def test_the_same_event_never_sends_twice(django_capture_on_commit_callbacks: Any) -> None:
    item = petition()
    with django_capture_on_commit_callbacks(execute=True):
        petition_act(actor=officer(), code=item.code, action=A.REFUSE, data=ActInput(reason="Không thuộc phạm vi."))
        event = PetitionEvent.objects.get(petition=item, action=A.REFUSE)

        again = petition_notify(petition=Petition.objects.unrestricted("test").get(pk=item.pk), event=event)

    assert again == [] and len(MemoryBackend.outbox) == 1
    assert AuditEvent.objects.filter(action="petition.notify", object_id=item.code).count() == 1


def test_a_petitioner_without_a_phone_gets_the_e_mail_with_the_published_answers_link(
    django_capture_on_commit_callbacks: Any,
) -> None:
    from motcua.feedback.choices import PetitionChannel

    with django_capture_on_commit_callbacks(execute=True):
        item = _published("Đã trả kết quả.", channel=PetitionChannel.API, petitioner_phone="", petitioner_email="hoa@example.vn")

    assert [(m.channel, m.to) for m in MemoryBackend.outbox] == [("email", "hoa@example.vn")]
    assert "https://motcua.camau.gov.vn/phan-anh/da-tra-loi/" in MemoryBackend.outbox[0].body
    assert item.code in MemoryBackend.outbox[0].body


def test_the_link_opens_the_look_up_with_the_code_and_asks_for_the_digits() -> None:
    item = petition()

    response = Client().get(f"/phan-anh/tra-cuu/?code={item.code}")

    body = response.content.decode()
    assert response.status_code == 200 and f'value="{item.code}"' in body
    assert "error-summary" not in body and item.title not in body


def test_the_petition_page_shows_which_messages_were_sent(django_capture_on_commit_callbacks: Any) -> None:
    item = petition(petitioner_email="hoa@example.vn")
    user = officer()
    with django_capture_on_commit_callbacks(execute=True):
        petition_act(actor=user, code=item.code, action=A.REFUSE, data=ActInput(reason="Không thuộc phạm vi."))
    client = Client()
    client.force_login(user)

    body = client.get(f"/phan-anh/so/{item.code}/").content.decode()

    assert "tin nhắn cho người phản ánh: SMS, thư điện tử" in body
