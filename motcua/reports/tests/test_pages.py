"""The report page and its downloads: who may read which unit's report (the URL matrix's
detail), and what the page shows."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from django.test import Client

from motcua.core.choices import AgencyKind, Role
from motcua.core.models import AuditEvent
from motcua.dossiers.tests.factories import staff
from motcua.reports.tests.conftest import Quarter

if TYPE_CHECKING:
    from playwright.sync_api import Page
    from pytest_django.live_server_helper import LiveServer

pytestmark = pytest.mark.django_db
URLS = ["/bao-cao/?ky=2026-Q1", "/bao-cao/mot-cua.pdf?ky=2026-Q1", "/bao-cao/mot-cua.xlsx?ky=2026-Q1"]


def _exports() -> int:
    return AuditEvent.objects.unrestricted("test").filter(action="report.export").count()


def test_the_leader_reads_the_quarter_and_downloads_both_files(client: Client, quarter: Quarter) -> None:
    client.force_login(quarter.leader)
    page = client.get("/bao-cao/?ky=2026-Q1")
    html = page.content.decode()
    assert page.status_code == 200
    assert "Quý I năm 2026" in html
    assert '<svg xmlns="http://www.w3.org/2000/svg"' in html and 'id="by-month"' in html  # the chart and its table
    assert '<tfoot><tr><th scope="row">Tổng số</th><td>8</td><td>1</td><td>1</td><td>6</td>' in html
    before = _exports()
    pdf = client.get("/bao-cao/mot-cua.pdf?ky=2026-Q1")
    xlsx = client.get("/bao-cao/mot-cua.xlsx?ky=2026-Q1")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert xlsx.status_code == 200 and xlsx.content.startswith(b"PK")
    assert 'filename="bao-cao-32218-2026-Q1.xlsx"' in xlsx["Content-Disposition"]
    assert _exports() == before + 2


def test_the_reception_officer_reads_the_report_too(client: Client, quarter: Quarter) -> None:
    client.force_login(quarter.officer)
    assert client.get("/bao-cao/?ky=2026-Q1").status_code == 200


def test_a_bad_period_is_named_and_the_current_quarter_shown(client: Client, quarter: Quarter) -> None:
    client.force_login(quarter.leader)
    page = client.get("/bao-cao/?ky=2026-Q9")
    assert page.status_code == 400
    assert "không phải là kỳ báo cáo" in page.content.decode()
    assert client.get("/bao-cao/mot-cua.pdf?ky=2026-Q9").status_code == 400


@pytest.mark.parametrize("url", URLS)
def test_anonymous_visitors_go_to_the_login_page_and_nothing_is_recorded(client: Client, quarter: Quarter, url: str) -> None:
    before = _exports()
    response = client.get(url)
    assert response.status_code == 302 and "/dang-nhap/" in response["Location"]
    assert _exports() == before


@pytest.mark.parametrize("url", URLS)
def test_a_role_without_the_permission_is_refused_and_nothing_is_recorded(client: Client, quarter: Quarter, url: str) -> None:
    client.force_login(staff("bc-dpo", Role.DATA_PROTECTION_OFFICER))
    before = _exports()
    assert client.get(url).status_code == 403
    assert _exports() == before


@pytest.mark.parametrize("url", URLS)
def test_another_communes_report_is_not_found_for_a_commune_leader(client: Client, quarter: Quarter, url: str) -> None:
    other_leader = staff("bc-leader-2", Role.LEADER, code="32214", kind=AgencyKind.PEOPLES_COMMITTEE)
    client.force_login(other_leader)
    before = _exports()
    assert client.get(url + "&don_vi=32218").status_code == 404
    assert client.get(url + "&don_vi=96").status_code == 404  # nor the province above it
    assert _exports() == before


def test_a_province_reviewer_reads_the_province_and_each_commune(client: Client, quarter: Quarter) -> None:
    reviewer = staff("bc-reviewer", Role.PROVINCE_REVIEWER, code="32214")
    client.force_login(reviewer)
    province = client.get("/bao-cao/?ky=2026-Q1&don_vi=96")
    assert province.status_code == 200
    assert '<tfoot><tr><th scope="row">Tổng số</th><td>9</td>' in province.content.decode()
    assert client.get("/bao-cao/?ky=2026-Q1&don_vi=32218").status_code == 200
    assert client.get("/bao-cao/?ky=2026-Q1&don_vi=01").status_code == 404  # Hà Nội is not theirs


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_report_page_is_accessible_and_fits_a_phone(
    page: Page, live_server: LiveServer, units: None, quarter: Quarter
) -> None:
    from motcua.core.tests.browser import CLEAN, visit_and_check
    from motcua.dossiers.tests.test_browser import _login

    _login(page, live_server.url, "bc-leader")
    assert visit_and_check(page, live_server.url + "/bao-cao/?ky=2026-Q1") == CLEAN


def test_a_province_reviewer_sees_the_petitions_counts_without_handling_petitions(client: Client, quarter: Quarter) -> None:
    """The report's counts are the unit's, whoever of its scope reads them: the province
    reviewer has no petition permission, and the scoped read had given them 0 petitions."""
    client.force_login(staff("bc-reviewer-2", Role.PROVINCE_REVIEWER, code="32214"))
    html = client.get("/bao-cao/?ky=2026-Q1&don_vi=32218").content.decode()
    assert "<dt>Tiếp nhận trong kỳ</dt><dd>1 (" in html
