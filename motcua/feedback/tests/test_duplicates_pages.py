"""Duplicates and "+1" on the pages and the API (issue 11; RULES.md §5, one petition per
problem): the public form proposes similar petitions as the citizen types and before filing, a
"+1" counts the citizen's voice once per phone and shows nobody's personal data; the staff page
lists possible duplicates with a merge button, refused to anonymous visitors, another commune and
a role without the permission, changing nothing."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from motcua.core.choices import AgencyKind, Role
from motcua.dossiers.tests.factories import commune_agencies, staff
from motcua.feedback.choices import PetitionAction, PetitionStatus
from motcua.feedback.models import Petition, PetitionEvent, PetitionVoice
from motcua.feedback.services import ActInput, petition_act
from motcua.feedback.tests.factories import officer, petition

pytestmark = pytest.mark.django_db
A, S = PetitionAction, PetitionStatus
LIGHTS: dict[str, Any] = {
    "title": "Đèn đường ấp Cái Đôi hư nhiều tuần",
    "content": "Hệ thống đèn chiếu sáng trên tuyến đường chính ấp Cái Đôi hư gần hết, tối đen, người đi đường bị té.",
}
FORM = {
    "unit_code": "32218",
    "kind": "feedback",
    "title": "Den duong ap Cai Doi bi hu",
    "content": "Den chieu sang tren duong chinh ap Cai Doi hu gan het, toi thui, nguoi di duong bi te.",
    "petitioner_name": "Phạm Văn Lộc",
    "petitioner_address": "Ấp Cái Đôi, xã Phú Tân",
    "petitioner_phone": "0988111222",
    "idempotency_key": "dup-1",
}
# The first petitioner's personal data (factories.petition_input), never shown to another citizen.
SECRETS = ("Lê Thị Hoa", "0913456789", "0913 456 789", "Ấp Cái Đôi, Xã Phú Tân")


def _rows() -> list[tuple[str, str, int]]:
    return list(Petition.objects.unrestricted("test").order_by("id").values_list("code", "status", "voices"))


def _client(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def test_the_form_partial_proposes_similar_petitions_without_personal_data_to_anyone() -> None:
    first = petition(**LIGHTS)

    response = Client().get("/phan-anh/gui/tuong-tu/", {"unit_code": "32218", "title": FORM["title"], "content": FORM["content"]})

    body = response.content.decode()
    assert response.status_code == 200
    assert first.title in body and 'name="voice_for" value="' + first.code + '"' in body
    assert "Tôi cũng gặp vấn đề này (+1)" in body
    for secret in SECRETS:
        assert secret not in body


def test_the_partial_is_empty_for_another_commune_or_too_little_text() -> None:
    petition(**LIGHTS)
    commune_agencies("32212")

    other = Client().get("/phan-anh/gui/tuong-tu/", {"unit_code": "32212", "title": FORM["title"], "content": FORM["content"]})
    short = Client().get("/phan-anh/gui/tuong-tu/", {"unit_code": "32218", "title": "Đèn", "content": ""})

    assert other.status_code == 200 and other.content.decode().strip() == ""
    assert short.status_code == 200 and short.content.decode().strip() == ""


def test_sending_shows_the_similar_petitions_first_and_files_only_when_confirmed() -> None:
    first = petition(**LIGHTS)

    shown = Client().post("/phan-anh/gui/", FORM)
    before = _rows()
    sent = Client().post("/phan-anh/gui/", {**FORM, "confirm_new": "1"})

    assert shown.status_code == 200 and first.code in shown.content.decode()
    assert 'name="confirm_new"' in shown.content.decode()
    assert len(before) == 1
    assert sent.status_code == 201 and len(_rows()) == 2


def test_a_reloaded_form_returns_the_first_petition_without_suggestions() -> None:
    petition(**LIGHTS)
    Client().post("/phan-anh/gui/", {**FORM, "confirm_new": "1"})

    again = Client().post("/phan-anh/gui/", FORM)  # the same form sent again, key "dup-1"

    assert again.status_code == 200 and len(_rows()) == 2


def test_plus_one_counts_the_voice_once_per_phone_and_shows_no_personal_data() -> None:
    first = petition(**LIGHTS)
    data = {**FORM, "voice_for": first.code}

    added = Client().post("/phan-anh/gui/cung-van-de/", data)
    repeated = Client().post("/phan-anh/gui/cung-van-de/", {**data, "petitioner_phone": "0988 111 222"})
    own = Client().post("/phan-anh/gui/cung-van-de/", {**data, "petitioner_phone": "0913456789"})

    assert added.status_code == 200 and "Ý kiến của bạn đã được ghi nhận" in added.content.decode()
    assert repeated.status_code == 200 and own.status_code == 200
    assert _rows() == [(first.code, S.RECEIVED, 2)]
    assert list(PetitionVoice.objects.values_list("name", "phone")) == [("Phạm Văn Lộc", "0988111222")]
    event = PetitionEvent.objects.filter(petition=first, action=A.ADD_VOICE).get()
    assert event.payload == {"voices": 2} and event.actor is None
    for page in (added, repeated):
        for secret in SECRETS:
            assert secret not in page.content.decode()


def test_plus_one_needs_a_name_and_a_phone_and_changes_nothing_without_them() -> None:
    first = petition(**LIGHTS)

    response = Client().post(
        "/phan-anh/gui/cung-van-de/", {**FORM, "voice_for": first.code, "petitioner_phone": "", "petitioner_name": ""}
    )

    body = response.content.decode()
    assert response.status_code == 400
    assert 'href="#id_petitioner_phone"' in body and 'href="#id_petitioner_name"' in body
    assert _rows() == [(first.code, S.RECEIVED, 1)] and not PetitionVoice.objects.exists()


def test_plus_one_on_a_refused_petition_is_refused_and_changes_nothing() -> None:
    first = petition(**LIGHTS)
    petition_act(actor=officer(), code=first.code, action=A.REFUSE, data=ActInput(reason="Không thuộc phạm vi"))

    response = Client().post("/phan-anh/gui/cung-van-de/", {**FORM, "voice_for": first.code})

    assert response.status_code == 409
    assert _rows() == [(first.code, S.REFUSED, 1)] and not PetitionVoice.objects.exists()


def test_plus_one_on_a_merged_petition_goes_to_the_petition_it_was_merged_into() -> None:
    target, merged = petition(**LIGHTS), petition(**LIGHTS)
    petition_act(actor=officer(), code=merged.code, action=A.MERGE, data=ActInput(merge_into=target.code))

    response = Client().post("/phan-anh/gui/cung-van-de/", {**FORM, "voice_for": merged.code})

    assert response.status_code == 200 and target.code in response.content.decode()
    assert dict((c, v) for c, _s, v in _rows()) == {target.code: 3, merged.code: 1}


def test_the_staff_page_lists_possible_duplicates_and_merges_with_one_button() -> None:
    first, second = petition(**LIGHTS), petition(**{**LIGHTS, "title": "Đèn đường Cái Đôi không sáng"})
    client = _client(officer())

    page = client.get(f"/phan-anh/so/{second.code}/")
    merged = client.post(f"/phan-anh/so/{second.code}/merge/", {"merge_into": first.code})

    body = page.content.decode()
    assert page.status_code == 200 and "Có thể trùng lặp" in body
    assert f'name="merge_into" value="{first.code}"' in body
    assert merged.status_code == 302
    assert dict((c, (s, v)) for c, s, v in _rows()) == {first.code: (S.RECEIVED, 2), second.code: (S.MERGED, 1)}


def test_merging_is_refused_to_anonymous_another_commune_and_a_role_without_the_permission() -> None:
    first, second = petition(**LIGHTS), petition(**LIGHTS)
    before, events = _rows(), PetitionEvent.objects.count()
    stranger = staff("khac", Role.LEADER, code="32212", kind=AgencyKind.PEOPLES_COMMITTEE)
    no_permission = staff("dl", Role.DATA_OFFICER)
    url, data = f"/phan-anh/so/{second.code}/merge/", {"merge_into": first.code}

    anonymous = Client().post(url, data)
    other = _client(stranger).post(url, data)
    refused = _client(no_permission).post(url, data)
    other_page = _client(stranger).get(f"/phan-anh/so/{second.code}/")

    assert anonymous.status_code == 302 and "/dang-nhap/" in anonymous["Location"]
    assert other.status_code == 404 and other_page.status_code == 404
    assert refused.status_code == 403
    assert _rows() == before and PetitionEvent.objects.count() == events


def test_the_api_answers_similar_petitions_publicly_without_personal_data() -> None:
    first = petition(**LIGHTS)
    petition(**LIGHTS, unit_code="32212")
    params = {"unit_code": "32218", "title": FORM["title"], "content": FORM["content"]}

    response = Client().get("/api/v1/petitions/similar", params)
    missing = Client().get("/api/v1/petitions/similar", {**params, "unit_code": "00000"})

    assert response.status_code == 200
    rows = response.json()
    assert [r["code"] for r in rows] == [first.code]
    assert rows[0]["reasons"] == ["text"] and rows[0]["voices"] == 1 and rows[0]["takes_voices"] is True
    assert set(rows[0]) == {
        "code",
        "title",
        "excerpt",
        "status",
        "status_label",
        "voices",
        "received_at",
        "takes_voices",
        "score",
        "reasons",
    }
    for secret in SECRETS:
        assert secret not in response.content.decode()
    assert missing.status_code == 404 and missing.json()["code"] == "petition_unit_not_found"
