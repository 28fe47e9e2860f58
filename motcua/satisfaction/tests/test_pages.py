"""Rating pages: the permission matrix of the aggregate and drill-down pages (anonymous, other
unit, officer without the leader role, leader), and the handling officer's dossier page that
never shows the dossier's rating (RULES.md §3.2)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from pytest_django import DjangoAssertNumQueries

from motcua.core.choices import Role
from motcua.core.models import AuditEvent
from motcua.dossiers.choices import DossierStatus
from motcua.dossiers.models import Dossier
from motcua.dossiers.ratings import rating_token
from motcua.dossiers.tests.factories import staff
from motcua.satisfaction.choices import Level
from motcua.satisfaction.models import Rating
from motcua.satisfaction.tests.factories import (
    OTHER_UNIT,
    UNIT,
    bare_ratings,
    closed_dossier,
    leader_of,
    officer_of,
    open_dossier,
    rate,
)

pytestmark = pytest.mark.django_db

MONTH = "2026-10"
COMMENT = "Cán bộ hướng dẫn thiếu nhiệt tình"


@pytest.fixture
def rated() -> Dossier:
    """A refused dossier of 32218 rated "very unsatisfied" in October, among 4 other ratings."""
    dossier = closed_dossier(officer_of(), DossierStatus.REFUSED)
    rate(dossier, Level.VERY_UNSATISFIED, on=dt.date(2026, 10, 3), comment=COMMENT)
    bare_ratings(UNIT, [Level.SATISFIED] * 4, on=dt.date(2026, 10, 4))
    return dossier


def _urls(dossier: Dossier) -> dict[str, str]:
    return {
        "aggregates": f"/danh-gia/thong-ke/?month={MONTH}",
        "unit": f"/danh-gia/thong-ke/don-vi/{UNIT}/?month={MONTH}",
        "dossier": f"/danh-gia/thong-ke/ho-so/{dossier.code}/",
    }


def _audit() -> list[tuple[str, str, str]]:
    return list(AuditEvent.objects.filter(action__startswith="rating.").values_list("action", "object_type", "object_id"))


def test_anonymous_is_sent_to_login_and_nothing_is_read(client: Client, rated: Dossier) -> None:
    """RULES.md §3.2: ratings are for staff only."""
    before = _audit()
    for url in _urls(rated).values():
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/dang-nhap/")
    assert _audit() == before


def test_role_without_rating_permission_is_refused_and_audited(client: Client, rated: Dossier) -> None:
    """RULES.md §3.2: a data officer sees no ratings at all; each refusal is audited."""
    client.force_login(staff("data", Role.DATA_OFFICER))
    before = _audit()

    statuses = [client.get(url).status_code for url in _urls(rated).values()]

    assert statuses == [403, 403, 403]
    assert _audit()[len(before) :] == [
        ("rating.denied", "unit", ""),
        ("rating.denied", "unit", UNIT),
        ("rating.denied", "dossier", rated.code),
    ]


def test_officer_without_leader_role_sees_the_aggregate_but_no_individual_rating(client: Client, rated: Dossier) -> None:
    """RULES.md §3.2: staff see aggregates of at least 5; the drill-down is for leaders only."""
    client.force_login(officer_of())
    before = _audit()

    page = client.get(_urls(rated)["aggregates"])
    unit = client.get(_urls(rated)["unit"])
    one = client.get(_urls(rated)["dossier"])

    html = page.content.decode()
    assert page.status_code == 200
    assert '<tr data-unit="32218">' in html and "<td>5</td>" in html and "<td>20 %</td>" in html
    assert "chỉ hiển thị nhóm có từ 5 phiếu trở lên" in html
    assert "thong-ke/don-vi/" not in html  # no drill-down link
    assert (unit.status_code, one.status_code) == (403, 403)
    assert COMMENT not in unit.content.decode() + one.content.decode()
    assert _audit()[len(before) :] == [("rating.denied", "unit", UNIT), ("rating.denied", "dossier", rated.code)]


def test_aggregate_under_five_is_suppressed_on_the_page(client: Client) -> None:
    """RULES.md §3.2: a group under 5 ratings shows no figures."""
    officer = officer_of()
    bare_ratings(UNIT, [Level.VERY_UNSATISFIED] * 4, on=dt.date(2026, 10, 4))
    client.force_login(officer)

    html = client.get(f"/danh-gia/thong-ke/?month={MONTH}").content.decode()

    row = html[html.index('<tr data-unit="32218">') : html.index("</tr>", html.index('<tr data-unit="32218">'))]
    assert "dưới 5 đánh giá: không hiển thị" in row
    assert "<td>4</td>" not in row


def test_other_unit_officer_cannot_read_this_units_aggregate(client: Client, rated: Dossier) -> None:
    """RULES.md §3.2: aggregates are scoped to the user's units."""
    client.force_login(officer_of(OTHER_UNIT, username="other"))
    before = _audit()

    narrowed = client.get(f"/danh-gia/thong-ke/?month={MONTH}&unit={UNIT}")
    whole = client.get(f"/danh-gia/thong-ke/?month={MONTH}")

    assert narrowed.status_code == 404
    assert 'data-unit="32218"' not in whole.content.decode()
    assert _audit()[len(before) :] == [("rating.denied", "unit", UNIT)]


def test_leader_of_another_unit_gets_404_and_the_attempt_is_audited(client: Client, rated: Dossier) -> None:
    """RULES.md §3.2: the drill-down is for leaders *of the unit*."""
    client.force_login(leader_of(OTHER_UNIT, username="other-leader"))
    before = _audit()

    unit = client.get(_urls(rated)["unit"])
    one = client.get(_urls(rated)["dossier"])

    assert (unit.status_code, one.status_code) == (404, 404)
    assert COMMENT not in unit.content.decode() + one.content.decode()
    assert _audit()[len(before) :] == [("rating.denied", "unit", UNIT), ("rating.denied", "dossier", rated.code)]


def test_leader_of_the_unit_drills_down_and_each_reading_is_audited(client: Client, rated: Dossier) -> None:
    """RULES.md §3.2: a leader of the unit may read individual ratings; audited as rating.drilldown."""
    leader = leader_of()
    client.force_login(leader)
    before = _audit()

    aggregates = client.get(_urls(rated)["aggregates"]).content.decode()
    unit = client.get(_urls(rated)["unit"])
    one = client.get(_urls(rated)["dossier"])

    assert f"/danh-gia/thong-ke/don-vi/{UNIT}/?month={MONTH}" in aggregates
    assert unit.status_code == 200 and one.status_code == 200
    assert COMMENT in unit.content.decode() and COMMENT in one.content.decode()
    assert rated.code in unit.content.decode()
    assert "Lần xem này được ghi vào nhật ký" in unit.content.decode()
    assert _audit()[len(before) :] == [("rating.drilldown", "unit", UNIT), ("rating.drilldown", "dossier", rated.code)]
    assert list(AuditEvent.objects.filter(action="rating.drilldown").values_list("actor_id", flat=True)) == [leader.pk] * 2


def test_system_administrator_is_not_a_leader_of_the_unit(client: Client, rated: Dossier) -> None:
    """RULES.md §3.2: only leaders of the unit may drill down."""
    client.force_login(staff("root", Role.SYSTEM_ADMINISTRATOR))

    assert client.get(_urls(rated)["dossier"]).status_code == 404
    assert COMMENT not in client.get(_urls(rated)["unit"]).content.decode()


def test_handling_officers_dossier_page_and_api_never_show_the_rating(client: Client, rated: Dossier) -> None:
    """RULES.md §3.2: the handling officer learns that the dossier was rated, never how."""
    client.force_login(officer_of())

    page = client.get(f"/ho-so/{rated.code}/").content.decode()
    api = client.get(f"/api/v1/dossiers/{rated.code}").content.decode()

    assert "Người nộp đã đánh giá" in page
    for text in (COMMENT, "Rất không hài lòng", "Very unsatisfied"):
        assert text not in page and text not in api
    assert '"payload": {}' in api.replace('"payload":{}', '"payload": {}')


def test_refused_applicant_rates_on_the_page(client: Client) -> None:
    """RULES.md §3.2: refused dossiers may be rated."""
    dossier = closed_dossier(officer_of(), DossierStatus.REFUSED)

    response = client.post(f"/danh-gia/{rating_token(dossier)}/", {"overall": "2"})

    assert response.status_code == 200
    assert list(Rating.objects.values_list("dossier_id", "overall")) == [(dossier.pk, 2)]


def test_still_open_dossier_shows_no_rating_form(client: Client) -> None:
    """RULES.md §3.2: the applicant rates once the dossier is closed."""
    dossier = open_dossier(officer_of())

    page = client.get(f"/danh-gia/{rating_token(dossier)}/").content.decode()
    posted = client.post(f"/danh-gia/{rating_token(dossier)}/", {"overall": "5"})

    assert 'name="overall"' not in page
    assert posted.status_code == 409
    assert not Rating.objects.exists()


def test_aggregate_page_has_a_query_budget(client: Client, django_assert_max_num_queries: DjangoAssertNumQueries) -> None:
    """STYLE.md: list pages carry a query budget, whatever the number of units and ratings."""
    officer = officer_of()
    for code in (UNIT, OTHER_UNIT):
        bare_ratings(code, [Level.SATISFIED] * 6, on=dt.date(2026, 10, 4))
    client.force_login(officer)

    with django_assert_max_num_queries(8):
        response = client.get(f"/danh-gia/thong-ke/?month={MONTH}")

    assert response.status_code == 200
