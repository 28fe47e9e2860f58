"""The petition pages: the public form, look-up and verdict, the published answers, the staff
reception book and a petition's page, with their permission matrix (anonymous, another
commune, a role without the permission, the permission; a refusal changes nothing)."""

from __future__ import annotations

import pytest
from django.test import Client

from motcua.core.choices import AgencyKind, Role
from motcua.core.models import AuditEvent
from motcua.dossiers.tests.factories import commune_agencies, staff
from motcua.feedback.choices import Classification, ContentCategory, PetitionAction, PetitionStatus, ReportClass
from motcua.feedback.models import Petition, PetitionEvent
from motcua.feedback.services import ActInput, petition_act
from motcua.feedback.tests.factories import leader, officer, petition

pytestmark = pytest.mark.django_db
A, S = PetitionAction, PetitionStatus
FORM = {
    "unit_code": "32218",
    "kind": "feedback",
    "title": "Chậm trả kết quả",
    "content": "Hồ sơ khai sinh của con tôi đã quá hẹn mà chưa có kết quả.",
    "petitioner_name": "Lê Thị Hoa",
    "petitioner_address": "Ấp Cái Đôi, xã Phú Tân",
    "petitioner_phone": "0913456789",
    "idempotency_key": "k-1",
}


def _client(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def _published() -> Petition:
    item = petition()
    user, boss = officer(), leader()
    data = ActInput(
        classification=Classification.WITHIN_COMPETENCE, category=ContentCategory.OBSTACLE, report_class=ReportClass.CONDUCT
    )
    petition_act(actor=user, code=item.code, action=A.CLASSIFY, data=data)
    petition_act(actor=user, code=item.code, action=A.START)
    petition_act(actor=user, code=item.code, action=A.DRAFT_ANSWER, data=ActInput(answer="Đã trả kết quả ngày 05/03."))
    petition_act(actor=boss, code=item.code, action=A.APPROVE)
    return petition_act(actor=user, code=item.code, action=A.PUBLISH)


def test_the_public_form_receives_a_petition_once_and_shows_its_code() -> None:
    commune_agencies()

    first = Client().post("/phan-anh/gui/", FORM)
    again = Client().post("/phan-anh/gui/", FORM)  # the same form sent twice (a reload)

    item = Petition.objects.unrestricted("test").get()
    assert first.status_code == 201 and item.code in first.content.decode()
    assert again.status_code == 200 and Petition.objects.unrestricted("test").count() == 1


def test_the_public_form_names_each_missing_field_and_keeps_what_was_typed() -> None:
    commune_agencies()

    response = Client().post("/phan-anh/gui/", {**FORM, "petitioner_name": "", "petitioner_phone": "12"})

    body = response.content.decode()
    assert response.status_code == 400
    assert 'href="#id_petitioner_name"' in body and 'href="#id_petitioner_phone"' in body
    assert "Chậm trả kết quả" in body  # the title typed stays
    assert "invalid_petition" not in body
    assert not Petition.objects.unrestricted("test").exists()


def test_the_channels_page_lists_the_desk_of_each_commune() -> None:
    commune_agencies()

    body = Client().get("/phan-anh/").content.decode()

    assert "Trung tâm Phục vụ hành chính công xã" in body and "/phan-anh/gui/?xa=32218" in body


def test_the_petitioner_looks_up_and_judges_the_answer_and_public_pages_hide_personal_data() -> None:
    item = _published()

    found = Client().get(f"/phan-anh/tra-cuu/?code={item.code.lower()}&check=6789")
    judged = Client().post("/phan-anh/tra-cuu/danh-gia/", {"code": item.code, "check": "6789", "verdict": "satisfied"})
    listing = Client().get("/phan-anh/da-tra-loi/?q=cham tra")

    assert found.status_code == 200 and "Đã trả kết quả ngày 05/03." in found.content.decode()
    assert 'name="verdict"' in found.content.decode()
    assert judged.status_code == 200
    assert Petition.objects.unrestricted("test").get().verdict == "satisfied"
    for page in (found, listing):
        body = page.content.decode()
        for secret in ("Lê Thị Hoa", "0913456789", "Ấp Cái Đôi"):
            assert secret not in body
    assert item.code in listing.content.decode()


def test_a_wrong_check_finds_nothing() -> None:
    item = petition()

    response = Client().get(f"/phan-anh/tra-cuu/?code={item.code}&check=0000")

    assert response.status_code == 404 and item.title not in response.content.decode()


def test_staff_pages_send_anonymous_visitors_to_the_login_page_and_change_nothing() -> None:
    item = petition()

    pages = [Client().get(url) for url in ("/phan-anh/so/", "/phan-anh/so/ghi-nhan/", f"/phan-anh/so/{item.code}/")]
    post = Client().post(f"/phan-anh/so/{item.code}/refuse/", {"reason": "x"})

    assert [p.status_code for p in pages] == [302, 302, 302] and post.status_code == 302
    assert Petition.objects.unrestricted("test").get().status == S.RECEIVED


def test_another_commune_gets_404_and_a_role_without_the_permission_403_and_nothing_changes() -> None:
    item = petition()
    stranger = staff("khac", Role.LEADER, code="32212", kind=AgencyKind.PEOPLES_COMMITTEE)
    data_officer = staff("dl", Role.DATA_OFFICER)
    events = PetitionEvent.objects.count()

    other = _client(stranger)
    none = _client(data_officer)

    assert other.get(f"/phan-anh/so/{item.code}/").status_code == 404
    assert other.post(f"/phan-anh/so/{item.code}/refuse/", {"reason": "x"}).status_code == 404
    assert item.code not in other.get("/phan-anh/so/").content.decode()
    assert none.get("/phan-anh/so/").status_code == 403
    assert none.get(f"/phan-anh/so/{item.code}/").status_code == 403
    assert none.post(f"/phan-anh/so/{item.code}/refuse/", {"reason": "x"}).status_code == 403
    assert (
        _client(staff("cv", Role.SPECIALIST, kind=AgencyKind.PEOPLES_COMMITTEE)).get("/phan-anh/so/ghi-nhan/").status_code == 403
    )
    assert PetitionEvent.objects.count() == events
    assert Petition.objects.unrestricted("test").get().status == S.RECEIVED


def test_the_officer_records_a_phone_petition_and_classifies_it_on_its_page() -> None:
    user = officer()
    client = _client(user)

    recorded = client.post(
        "/phan-anh/so/ghi-nhan/",
        {**{k: v for k, v in FORM.items() if k != "unit_code"}, "channel": "phone", "idempotency_key": "k-2"},
    )
    item = Petition.objects.unrestricted("test").get()
    page = client.get(f"/phan-anh/so/{item.code}/")
    classified = client.post(
        f"/phan-anh/so/{item.code}/classify/",
        {"classification": "within", "category": "obstacle", "report_class": "conduct", "kind": "feedback"},
    )

    assert recorded.status_code == 302 and item.channel == "phone" and item.received_by == user
    assert page.status_code == 200 and "Lê Thị Hoa" in page.content.decode()
    assert AuditEvent.objects.filter(action="petition.read.view", object_id=item.code).count() == 1
    assert classified.status_code == 302
    assert Petition.objects.unrestricted("test").get().status == S.CLASSIFIED


def test_an_action_error_is_shown_on_the_page_without_a_code() -> None:
    item = petition()
    client = _client(officer())

    response = client.post(f"/phan-anh/so/{item.code}/refuse/", {"reason": ""})

    body = response.content.decode()
    assert response.status_code == 400 and "petition_reason_required" not in body
    assert 'href="#refuse-reason"' in body


def test_the_book_counts_each_tab_and_flags_overdue_steps() -> None:
    from datetime import datetime
    from zoneinfo import ZoneInfo

    petition(at=datetime(2026, 2, 13, 10, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh")))  # step due 24/02/2026: long past
    petition()

    body = _client(officer()).get("/phan-anh/so/?view=overdue").content.decode()

    assert "(1)" in body and "row-overdue" in body
