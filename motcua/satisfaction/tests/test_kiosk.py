"""The counter's tablet and the one-tap rating (issue 10 item 7): no staff chrome, five faces
with one tap recording the overall level, optional details added to the same rating once, the
30 s reset, the phone link, and the waiting screen's permission matrix."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from motcua.core.choices import Role
from motcua.core.exceptions import DomainError, NotFound
from motcua.core.models import AuditEvent
from motcua.core.tests.factories import PASSWORD
from motcua.dossiers.choices import DossierStatus
from motcua.dossiers.models import Dossier
from motcua.dossiers.ratings import rating_token
from motcua.dossiers.tests.factories import staff
from motcua.satisfaction.choices import Level, RatingChannel
from motcua.satisfaction.models import Rating
from motcua.satisfaction.selectors import kiosk_next_dossier
from motcua.satisfaction.services import rating_add_details
from motcua.satisfaction.tests.factories import OTHER_UNIT, closed_dossier, officer_of, open_dossier, rate

pytestmark = pytest.mark.django_db

STAFF_MARKERS = ("/ho-so/", "/lam-viec/", "/dang-xuat/", "Đăng xuất", "Bàn làm việc", "site-header", "/admin/")


@pytest.fixture(autouse=True)
def _no_throttle() -> None:
    cache.clear()  # the kiosk-leave attempt counters are keyed by user id, which tests reuse


@pytest.fixture
def officer() -> User:
    return officer_of()


@pytest.fixture
def stopped(officer: User) -> Dossier:
    return closed_dossier(officer, DossierStatus.STOPPED)


def _kiosk_url(dossier: Dossier) -> str:
    return f"/danh-gia/{rating_token(dossier)}/?kiosk=1"


def _details_audit() -> list[tuple[str, dict[str, object]]]:
    return list(AuditEvent.objects.filter(action="rating.details").values_list("action", "data"))


# --- The rating page on the tablet ----------------------------------------------------------


def test_kiosk_rating_page_shows_no_staff_link_to_the_signed_in_officer(client: Client, officer: User, stopped: Dossier) -> None:
    client.force_login(officer)

    html = client.get(_kiosk_url(stopped)).content.decode()

    assert [marker for marker in STAFF_MARKERS if marker in html] == []
    assert 'class="kiosk-header"' in html


def test_overall_rating_is_five_buttons_that_each_submit(client: Client, officer: User, stopped: Dossier) -> None:
    client.force_login(officer)

    html = client.get(_kiosk_url(stopped)).content.decode()

    assert html.count('<button type="submit" name="overall"') == 5
    assert 'type="radio"' not in html


def test_one_tap_records_the_kiosk_rating_and_offers_the_questions(client: Client, officer: User, stopped: Dossier) -> None:
    client.force_login(officer)

    response = client.post(f"/danh-gia/{rating_token(stopped)}/", {"overall": "4", "kiosk": "1"})

    assert response.status_code == 200
    assert list(Rating.objects.values_list("dossier_id", "overall", "answers", "channel")) == [
        (stopped.pk, 4, {}, RatingChannel.KIOSK.value)
    ]
    html = response.content.decode()
    assert 'name="step" value="details"' in html
    assert html.count('type="radio" name="q_thai-do"') == 5


def test_details_are_added_to_the_same_rating_and_audited(client: Client, officer: User, stopped: Dossier) -> None:
    client.force_login(officer)
    client.post(f"/danh-gia/{rating_token(stopped)}/", {"overall": "4", "kiosk": "1"})

    response = client.post(
        f"/danh-gia/{rating_token(stopped)}/", {"step": "details", "kiosk": "1", "q_thai-do": "5", "comment": " Nhanh "}
    )

    assert response.status_code == 200
    assert "Cảm ơn ông/bà đã đánh giá." in response.content.decode()
    assert list(Rating.objects.values_list("overall", "answers", "comment")) == [(4, {"thai-do": 5}, "Nhanh")]
    assert _details_audit() == [("rating.details", {"answers": 1, "comment": True})]


def test_skipping_the_questions_keeps_the_overall_rating_only(client: Client, stopped: Dossier) -> None:
    client.post(f"/danh-gia/{rating_token(stopped)}/", {"overall": "2"})

    response = client.post(f"/danh-gia/{rating_token(stopped)}/", {"step": "details", "skip": "1", "q_thai-do": "5"})

    assert response.status_code == 200
    assert list(Rating.objects.values_list("overall", "answers")) == [(2, {})]
    assert _details_audit() == []


def test_details_page_is_found_again_by_its_address_while_open(client: Client, stopped: Dossier) -> None:
    rate(stopped, Level.SATISFIED)

    html = client.get(f"/danh-gia/{rating_token(stopped)}/?step=details").content.decode()

    assert 'name="step" value="details"' in html


def test_details_page_is_closed_once_the_details_are_given(client: Client, stopped: Dossier) -> None:
    rate(stopped, Level.SATISFIED, comment="Tốt")

    html = client.get(f"/danh-gia/{rating_token(stopped)}/?step=details").content.decode()

    assert 'name="step"' not in html
    assert "Hồ sơ này đã được đánh giá." in html


def test_details_posted_before_the_overall_tap_show_the_faces_and_record_nothing(client: Client, stopped: Dossier) -> None:
    response = client.post(f"/danh-gia/{rating_token(stopped)}/", {"step": "details", "q_thai-do": "5"})

    assert response.status_code == 404
    assert response.content.decode().count('name="overall"') == 5
    assert not Rating.objects.exists()


def test_details_with_an_invalid_level_show_the_questions_again(client: Client, stopped: Dossier) -> None:
    rate(stopped, Level.SATISFIED)

    response = client.post(f"/danh-gia/{rating_token(stopped)}/", {"step": "details", "q_thai-do": "9"})

    assert response.status_code == 400
    assert 'name="step" value="details"' in response.content.decode()
    assert list(Rating.objects.values_list("answers", flat=True)) == [{}]


def test_phone_link_on_the_tablet_is_the_absolute_address_without_kiosk(client: Client, officer: User, stopped: Dossier) -> None:
    from django.conf import settings

    client.force_login(officer)

    html = client.get(_kiosk_url(stopped)).content.decode()

    assert 'class="phone-link"' in html and "<svg" in html[html.index('class="phone-link"') :]
    assert settings.MOTCUA_PUBLIC_URL.rstrip("/") + "/tra-cuu/" in html
    assert stopped.code in html


def test_phone_page_has_no_phone_link_and_no_reset(client: Client, stopped: Dossier) -> None:
    html = client.get(f"/danh-gia/{rating_token(stopped)}/").content.decode()

    assert 'class="phone-link"' not in html
    assert "data-kiosk-reset" not in html


def test_tablet_goes_back_to_the_waiting_screen_after_30_seconds(client: Client, officer: User, stopped: Dossier) -> None:
    client.force_login(officer)

    html = client.get(_kiosk_url(stopped)).content.decode()

    assert 'data-kiosk-reset="/danh-gia/quay/" data-kiosk-idle="30"' in html
    assert "/static/motcua/kiosk.js" in html


def test_anonymous_kiosk_page_has_no_reset_to_a_staff_screen(client: Client, stopped: Dossier) -> None:
    html = client.get(_kiosk_url(stopped)).content.decode()

    assert "data-kiosk-reset" not in html
    assert [marker for marker in STAFF_MARKERS if marker in html] == []


# --- rating_add_details --------------------------------------------------------------------


def test_details_before_the_overall_rating_are_refused(stopped: Dossier) -> None:
    with pytest.raises(NotFound) as error:
        rating_add_details(token=rating_token(stopped), answers={"thai-do": 5})

    assert error.value.code == "rating_not_found"
    assert not Rating.objects.exists()


def test_details_are_given_once(stopped: Dossier) -> None:
    rate(stopped, Level.SATISFIED)
    rating_add_details(token=rating_token(stopped), answers={"thai-do": 5})

    with pytest.raises(DomainError) as error:
        rating_add_details(token=rating_token(stopped), answers={"thai-do": 1}, comment="Sửa lại")

    assert error.value.code == "rating_details_closed"
    assert list(Rating.objects.values_list("answers", "comment")) == [({"thai-do": 5}, "")]
    assert len(_details_audit()) == 1


def test_details_on_a_later_day_are_refused(stopped: Dossier) -> None:
    rate(stopped, Level.SATISFIED)

    with pytest.raises(DomainError) as error:
        rating_add_details(token=rating_token(stopped), answers={"thai-do": 5}, today=timezone.localdate() + dt.timedelta(days=1))

    assert error.value.code == "rating_details_closed"
    assert list(Rating.objects.values_list("answers", flat=True)) == [{}]


def test_details_with_an_unknown_question_change_nothing(stopped: Dossier) -> None:
    rate(stopped, Level.SATISFIED)

    with pytest.raises(DomainError) as error:
        rating_add_details(token=rating_token(stopped), answers={"khong-co": 5, "thai-do": 9})

    assert error.value.code == "rating_invalid"
    assert set(error.value.fields) == {"answers.khong-co", "answers.thai-do"}
    assert list(Rating.objects.values_list("answers", flat=True)) == [{}]
    assert _details_audit() == []


def test_details_with_a_forged_link_are_refused(stopped: Dossier) -> None:
    with pytest.raises(NotFound) as error:
        rating_add_details(token="forged", answers={"thai-do": 5})

    assert error.value.code == "rating_link_invalid"


# --- The waiting screen /danh-gia/quay/ -----------------------------------------------------


def test_waiting_screen_sends_anonymous_to_login(client: Client) -> None:
    response = client.get("/danh-gia/quay/")

    assert response.status_code == 302
    assert response["Location"].startswith("/dang-nhap/")


def test_waiting_screen_refuses_a_role_without_counter_permission(client: Client, stopped: Dossier) -> None:
    client.force_login(staff("data", Role.DATA_OFFICER))

    assert client.get("/danh-gia/quay/").status_code == 403


def test_waiting_screen_offers_the_dossier_the_officer_just_closed(client: Client, officer: User, stopped: Dossier) -> None:
    client.force_login(officer)

    html = client.get("/danh-gia/quay/").content.decode()

    assert f'href="/danh-gia/{rating_token(stopped)}/?kiosk=1"' in html
    assert [marker for marker in STAFF_MARKERS if marker in html] == []
    assert 'hx-trigger="every 5s"' in html


def test_waiting_screen_is_a_neutral_welcome_without_a_dossier(client: Client, officer: User) -> None:
    open_dossier(officer)
    client.force_login(officer)

    html = client.get("/danh-gia/quay/").content.decode()

    assert "Xin kính chào quý khách" in html
    assert 'href="/danh-gia/' not in html


def test_waiting_screen_does_not_offer_a_rated_dossier(officer: User, stopped: Dossier) -> None:
    rate(stopped, Level.SATISFIED)

    assert kiosk_next_dossier(user=officer) is None


def test_waiting_screen_does_not_offer_another_officers_dossier(stopped: Dossier) -> None:
    colleague = staff("colleague", Role.RECEPTION_OFFICER)

    assert kiosk_next_dossier(user=colleague) is None


def test_waiting_screen_does_not_offer_a_dossier_of_another_unit(stopped: Dossier) -> None:
    other = officer_of(OTHER_UNIT, username="other")

    assert kiosk_next_dossier(user=other) is None


def test_waiting_screen_forgets_a_dossier_closed_over_30_minutes_ago(officer: User) -> None:
    closed_dossier(officer, DossierStatus.STOPPED, received_at=timezone.now() - dt.timedelta(hours=2))

    assert kiosk_next_dossier(user=officer) is None


def test_waiting_screen_offers_the_latest_closed_dossier(officer: User) -> None:
    first = closed_dossier(officer, DossierStatus.STOPPED, key="a")
    later = closed_dossier(officer, DossierStatus.STOPPED, key="b")
    assert first.pk != later.pk

    assert kiosk_next_dossier(user=officer, now=timezone.now()) == later


def test_workspace_links_the_waiting_screen_for_counter_staff(client: Client, officer: User) -> None:
    client.force_login(officer)

    assert 'href="/danh-gia/quay/"' in client.get("/lam-viec/").content.decode()


def test_workspace_has_no_waiting_screen_link_without_counter_permission(client: Client) -> None:
    client.force_login(staff("data", Role.DATA_OFFICER))

    assert 'href="/danh-gia/quay/"' not in client.get("/lam-viec/").content.decode()


# --- Leaving kiosk mode: the officer's password --------------------------------------------


def _leave_audit() -> list[str]:
    return list(AuditEvent.objects.filter(action__startswith="kiosk.").values_list("action", flat=True))


def test_leaving_the_kiosk_sends_anonymous_to_login_and_records_nothing(client: Client) -> None:
    response = client.post("/danh-gia/quay/thoat/", {"password": PASSWORD})

    assert response.status_code == 302
    assert response["Location"].startswith("/dang-nhap/")
    assert _leave_audit() == []


def test_leaving_the_kiosk_is_refused_without_counter_permission(client: Client) -> None:
    client.force_login(staff("data", Role.DATA_OFFICER))

    response = client.post("/danh-gia/quay/thoat/", {"password": PASSWORD})

    assert response.status_code == 403
    assert _leave_audit() == []


def test_leaving_the_kiosk_with_a_wrong_password_stays_on_the_waiting_screen(client: Client, officer: User) -> None:
    client.force_login(officer)

    response = client.post("/danh-gia/quay/thoat/", {"password": "doan-mo"})

    html = response.content.decode()
    assert response.status_code == 400
    assert "Mật khẩu không đúng với cán bộ đang đăng nhập." in html
    assert [marker for marker in STAFF_MARKERS if marker in html] == []
    assert _leave_audit() == ["kiosk.leave_refused"]


def test_leaving_the_kiosk_with_the_officers_password_opens_the_workspace(client: Client, officer: User) -> None:
    client.force_login(officer)

    response = client.post("/danh-gia/quay/thoat/", {"password": PASSWORD})

    assert (response.status_code, response["Location"]) == (302, "/lam-viec/")
    assert _leave_audit() == ["kiosk.leave"]


def test_leaving_the_kiosk_is_locked_after_five_wrong_passwords(client: Client, officer: User) -> None:
    client.force_login(officer)
    wrong = [client.post("/danh-gia/quay/thoat/", {"password": "sai"}).status_code for _ in range(5)]

    right = client.post("/danh-gia/quay/thoat/", {"password": PASSWORD})

    assert wrong == [400] * 5
    assert right.status_code == 429
    assert _leave_audit() == ["kiosk.leave_refused"] * 5
