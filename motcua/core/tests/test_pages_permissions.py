"""Permission matrix for the core pages and the admin pages of core reference data:
anonymous, other unit, no permission, permission — and denials change nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from motcua.core.choices import OverrideKind, Role
from motcua.core.models import CalendarOverride
from motcua.core.tests.factories import current_unit, staff_user

pytestmark = pytest.mark.django_db

PUBLIC_PAGES = ["/", "/dang-nhap/", "/api/v1/docs", "/api/v1/units/96"]
STAFF_PAGES = ["/lam-viec/", "/lam-viec/xac-thuc-hai-buoc/"]


@pytest.mark.parametrize("url", PUBLIC_PAGES)
def test_public_pages_open_to_anonymous(client: Client, url: str) -> None:
    assert client.get(url).status_code == 200


@pytest.mark.parametrize("url", STAFF_PAGES)
def test_staff_pages_send_anonymous_to_login(client: Client, url: str) -> None:
    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"].startswith("/dang-nhap/?next=")


@pytest.mark.parametrize("url", STAFF_PAGES)
def test_staff_pages_open_to_staff(client: Client, url: str) -> None:
    client.force_login(staff_user("officer", Role.RECEPTION_OFFICER))

    assert client.get(url).status_code == 200


def test_workspace_shows_unit_and_roles(client: Client) -> None:
    client.force_login(staff_user("officer", Role.RECEPTION_OFFICER))

    html = client.get("/lam-viec/").content.decode()

    assert "Xã Phú Tân (32218)" in html
    assert "Công chức tiếp nhận và trả kết quả" in html


def _override_form(unit_id: int | str, day: str = "15/06/2026") -> dict[str, str]:
    return {
        "date": day,
        "kind": OverrideKind.DAY_OFF.value,
        "unit": str(unit_id),
        "source": "QĐ 12/QĐ-UBND",
        "note": "Lễ hội địa phương",
    }


ADD_URL = "/admin/core/calendaroverride/add/"


def test_admin_refuses_anonymous(client: Client) -> None:
    response = client.post(ADD_URL, _override_form(current_unit("32218").pk))

    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
    assert not CalendarOverride.objects.filter(date=dt.date(2026, 6, 15)).exists()


def test_admin_refuses_a_role_without_permission(client: Client) -> None:
    client.force_login(staff_user("officer", Role.RECEPTION_OFFICER))

    response = client.post(ADD_URL, _override_form(current_unit("32218").pk))

    assert response.status_code == 302  # not staff: sent to the admin login
    assert not CalendarOverride.objects.filter(date=dt.date(2026, 6, 15)).exists()


def test_data_officer_cannot_edit_the_calendar(client: Client) -> None:
    client.force_login(staff_user("data", Role.DATA_OFFICER))

    response = client.post(ADD_URL, _override_form(current_unit("32218").pk))

    assert response.status_code == 403
    assert not CalendarOverride.objects.filter(date=dt.date(2026, 6, 15)).exists()


def test_unit_administrator_adds_a_day_off_for_their_unit(client: Client) -> None:
    client.force_login(staff_user("admin-phutan", Role.UNIT_ADMINISTRATOR))

    response = client.post(ADD_URL, _override_form(current_unit("32218").pk))

    assert response.status_code == 302
    override = CalendarOverride.objects.get(date=dt.date(2026, 6, 15))
    assert override.unit is not None and override.unit.code == "32218"
    assert override.source == "QĐ 12/QĐ-UBND"


def test_unit_administrator_of_another_unit_cannot_add_for_this_one(client: Client) -> None:
    client.force_login(staff_user("admin-phumy", Role.UNIT_ADMINISTRATOR, unit_code="32214"))

    response = client.post(ADD_URL, _override_form(current_unit("32218").pk))

    assert response.status_code == 200  # the form comes back with an error: the unit is not a choice
    assert "unit" in response.context["adminform"].form.errors
    assert not CalendarOverride.objects.filter(date=dt.date(2026, 6, 15)).exists()


def test_unit_administrator_cannot_see_another_units_override(client: Client) -> None:
    other = CalendarOverride.objects.create(
        date=dt.date(2026, 6, 16), kind=OverrideKind.DAY_OFF, unit=current_unit("32214"), source="QĐ 1"
    )
    client.force_login(staff_user("admin-phutan", Role.UNIT_ADMINISTRATOR))

    response = client.post(f"/admin/core/calendaroverride/{other.pk}/delete/", {"post": "yes"})

    assert response.status_code == 302  # "does not exist" redirect to the admin index
    assert CalendarOverride.objects.filter(pk=other.pk).exists()


def test_unit_administrator_cannot_change_the_nationwide_calendar(client: Client) -> None:
    national = CalendarOverride.objects.create(date=dt.date(2026, 6, 17), kind=OverrideKind.DAY_OFF, unit=None, source="TB 1")
    client.force_login(staff_user("admin-phutan", Role.UNIT_ADMINISTRATOR))

    response = client.post(
        f"/admin/core/calendaroverride/{national.pk}/change/",
        {**_override_form("", "17/06/2026"), "kind": OverrideKind.WORKING_DAY.value},
    )

    assert response.status_code == 403
    assert CalendarOverride.objects.get(pk=national.pk).kind == OverrideKind.DAY_OFF


def test_unit_administrator_cannot_grant_system_administrator(client: Client) -> None:
    client.force_login(staff_user("admin-phutan", Role.UNIT_ADMINISTRATOR))
    target = staff_user("officer", Role.RECEPTION_OFFICER)
    profile = target.staff_profile
    role_row = profile.role_rows.get()

    response = client.post(
        f"/admin/core/staffprofile/{profile.pk}/change/",
        {
            "user": str(target.pk),
            "agency": str(profile.agency_id),
            "position": "",
            "role_rows-TOTAL_FORMS": "2",
            "role_rows-INITIAL_FORMS": "1",
            "role_rows-MIN_NUM_FORMS": "0",
            "role_rows-MAX_NUM_FORMS": "1000",
            "role_rows-0-id": str(role_row.pk),
            "role_rows-0-profile": str(profile.pk),
            "role_rows-0-role": Role.RECEPTION_OFFICER.value,
            "role_rows-1-profile": str(profile.pk),
            "role_rows-1-role": Role.SYSTEM_ADMINISTRATOR.value,
        },
    )

    assert response.status_code == 200  # the choice is not offered: form error
    assert set(profile.role_rows.values_list("role", flat=True)) == {Role.RECEPTION_OFFICER.value}


def test_system_administrator_changes_the_nationwide_calendar(client: Client) -> None:
    national = CalendarOverride.objects.create(date=dt.date(2026, 6, 17), kind=OverrideKind.DAY_OFF, unit=None, source="TB 1")
    client.force_login(staff_user("root", Role.SYSTEM_ADMINISTRATOR, unit_code="96"))

    response = client.post(
        f"/admin/core/calendaroverride/{national.pk}/change/",
        {**_override_form("", "17/06/2026"), "kind": OverrideKind.WORKING_DAY.value},
    )

    assert response.status_code == 302
    assert CalendarOverride.objects.get(pk=national.pk).kind == OverrideKind.WORKING_DAY


def test_audit_log_admin_is_read_only_and_scoped(client: Client) -> None:
    client.force_login(staff_user("admin-phutan", Role.UNIT_ADMINISTRATOR))

    assert client.get("/admin/core/auditevent/").status_code == 200
    assert client.get("/admin/core/auditevent/add/").status_code == 403


def test_vietnamese_is_the_default_even_for_an_english_browser(client: Client) -> None:
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()

    assert '<html lang="vi">' in html
    assert "Tìm thủ tục" in html


def test_language_switch_sets_english(client: Client) -> None:
    response = client.post("/ngon-ngu/", {"language": "en", "next": "/"})

    assert response.status_code == 302
    html = client.get("/").content.decode()
    assert '<html lang="en">' in html
    assert "Search procedures" in html


@pytest.mark.django_db
def test_missing_page_and_refusal_are_explained_in_vietnamese(client: Client) -> None:
    from django.contrib.auth.models import User

    missing = client.get("/khong-co-trang-nay/")
    client.force_login(User.objects.create_user("nobody", password="x"))
    refused = client.get("/ho-so/")

    assert missing.status_code == 404 and "Không tìm thấy trang" in missing.content.decode()
    assert refused.status_code == 403 and "Không có quyền truy cập" in refused.content.decode()


def test_server_error_page_needs_no_context() -> None:
    from django.template import loader

    html = loader.get_template("500.html").render()

    assert "Lỗi hệ thống" in html and "Server error" in html
