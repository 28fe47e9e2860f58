"""Every URL of the product is classified here, and anonymous visitors are refused on every
one that is not public. A new page or endpoint fails this test until it is classified; its
detailed matrix (other unit, wrong role, right role, nothing changed) lives in the app's tests,
named in the third column."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

PUBLIC = "public"
STAFF = "staff"

ROUTES: dict[str, tuple[str, str]] = {
    "": (PUBLIC, "core/tests/test_pages_permissions.py"),
    "dang-nhap/": (PUBLIC, "core/tests/test_login.py"),
    "dang-xuat/": (PUBLIC, "core/tests/test_login.py"),
    "ngon-ngu/": (PUBLIC, "core/tests/test_pages_permissions.py"),
    "lam-viec/": (STAFF, "core/tests/test_pages_permissions.py"),
    "lam-viec/xac-thuc-hai-buoc/": (STAFF, "core/tests/test_login.py"),
    "api/v1/": (PUBLIC, "—"),
    "api/v1/openapi.json": (PUBLIC, "core/tests/test_api_units.py"),
    "api/v1/docs": (PUBLIC, "core/tests/test_api_units.py"),
    "api/v1/units/<code>": (PUBLIC, "core/tests/test_api_units.py"),
    "api/v1/units/<code>/current": (PUBLIC, "core/tests/test_api_units.py"),
    "api/v1/procedures": (PUBLIC, "catalog/tests/test_api.py"),
    "api/v1/procedures/<code>": (PUBLIC, "catalog/tests/test_api.py"),
    "thu-tuc/": (PUBLIC, "catalog/tests/test_pages.py"),
    "thu-tuc/<str:code>/": (PUBLIC, "catalog/tests/test_pages.py"),
    "thu-tuc/<str:code>/qr.svg": (PUBLIC, "catalog/tests/test_pages.py"),
    "api/v1/dossiers": (STAFF, "dossiers/tests/test_api.py"),
    "api/v1/dossiers/upload": (STAFF, "dossiers/tests/test_bad_input.py"),
    "api/v1/dossiers/<code>": (STAFF, "dossiers/tests/test_api.py"),
    "api/v1/dossiers/<code>/actions/<action>": (STAFF, "dossiers/tests/test_api.py"),
    "api/v1/dossiers/<code>/slips/<form>.pdf": (STAFF, "dossiers/tests/test_api.py"),
    "api/v1/dossiers/<code>/documents": (STAFF, "dossiers/tests/test_documents.py"),
    "api/v1/dossiers/<code>/documents/<doc_id>/content": (STAFF, "dossiers/tests/test_documents.py"),
    "api/v1/lookup/<code>": (PUBLIC, "dossiers/tests/test_api.py"),
    "api/v1/petitions": (STAFF, "feedback/tests/test_api.py"),
    "api/v1/petitions/published": (PUBLIC, "feedback/tests/test_api.py"),
    "api/v1/petitions/similar": (PUBLIC, "feedback/tests/test_duplicates_pages.py"),
    "api/v1/petitions/<code>": (STAFF, "feedback/tests/test_api.py"),
    "api/v1/petitions/<code>/actions/<action>": (STAFF, "feedback/tests/test_api.py"),
    "api/v1/petitions/<code>/answer-templates": (STAFF, "feedback/tests/test_answer_templates.py"),
    "api/v1/indices/service": (PUBLIC, "indices/tests/test_api.py"),
    "api/v1/indices/service/indicators/<code>/items": (STAFF, "indices/tests/test_api.py"),
    "api/v1/indices/service/ranking": (PUBLIC, "indices/tests/test_api.py"),
    "chi-so/": (STAFF, "indices/tests/test_pages.py"),
    "chi-so/<str:code>/": (STAFF, "indices/tests/test_pages.py"),
    "ho-so/": (STAFF, "dossiers/tests/test_pages.py"),
    "ho-so/tiep-nhan/": (STAFF, "dossiers/tests/test_pages.py"),
    "ho-so/so-theo-doi/": (STAFF, "dossiers/tests/test_pages.py"),
    "ho-so/xuat.xlsx": (STAFF, "dossiers/tests/test_queue_filters.py"),
    "bao-cao/": (STAFF, "reports/tests/test_pages.py"),
    "bao-cao/tong-quan/": (STAFF, "reports/tests/test_dashboard.py"),
    "bao-cao/mot-cua.pdf": (STAFF, "reports/tests/test_pages.py"),
    "bao-cao/mot-cua.xlsx": (STAFF, "reports/tests/test_pages.py"),
    "ho-so/tiep-nhan/thu-tuc/": (STAFF, "dossiers/tests/test_pages.py"),
    "ho-so/tiep-nhan/giay-to/": (STAFF, "dossiers/tests/test_pages.py"),
    "ho-so/tiep-nhan/doc-the/": (STAFF, "dossiers/tests/test_intake_page.py"),
    "ho-so/<str:code>/": (STAFF, "dossiers/tests/test_pages.py"),
    "ho-so/<str:code>/hanh-dong/<str:action>/": (STAFF, "dossiers/tests/test_pages.py"),
    "ho-so/<str:code>/can-bo-nhan/": (STAFF, "dossiers/tests/test_detail_actions.py"),
    "ho-so/<str:code>/phieu/<str:form>.pdf": (STAFF, "dossiers/tests/test_pages.py"),
    "ho-so/<str:code>/giay-to/<int:doc_id>/": (STAFF, "dossiers/tests/test_documents.py"),
    "ho-so/<str:code>/giay-to/<int:doc_id>/tep": (STAFF, "dossiers/tests/test_documents.py"),
    "api/v1/counter-visits": (STAFF, "dossiers/tests/test_counter_visits.py"),
    "api/v1/counter-visits/stats": (STAFF, "dossiers/tests/test_counter_visits.py"),
    "api/v1/counter-visits/<visit_id>": (STAFF, "dossiers/tests/test_counter_visits.py"),
    "api/v1/counter-visits/<visit_id>/receive": (STAFF, "dossiers/tests/test_counter_visits.py"),
    "api/v1/counter-visits/<visit_id>/slip.pdf": (STAFF, "dossiers/tests/test_counter_visits.py"),
    "ho-so/luot-tiep/<int:pk>/": (STAFF, "dossiers/tests/test_counter_visits.py"),
    "ho-so/luot-tiep/<int:pk>/phieu.pdf": (STAFF, "dossiers/tests/test_counter_visits.py"),
    "tra-cuu/": (PUBLIC, "dossiers/tests/test_pages.py"),
    "danh-gia/thong-ke/": (STAFF, "satisfaction/tests/test_pages.py"),
    "danh-gia/thong-ke/don-vi/<str:unit_code>/": (STAFF, "satisfaction/tests/test_pages.py"),
    "danh-gia/thong-ke/ho-so/<str:code>/": (STAFF, "satisfaction/tests/test_pages.py"),
    "danh-gia/quay/": (STAFF, "satisfaction/tests/test_kiosk.py"),
    "danh-gia/quay/thoat/": (STAFF, "satisfaction/tests/test_kiosk.py"),
    "danh-gia/khao-sat/dot/": (STAFF, "satisfaction/tests/test_survey_pages.py"),
    "danh-gia/khao-sat/dot/tao/": (STAFF, "satisfaction/tests/test_survey_pages.py"),
    "danh-gia/khao-sat/dot/<int:pk>/": (STAFF, "satisfaction/tests/test_survey_pages.py"),
    "danh-gia/khao-sat/dot/<int:pk>/nhap-phieu/": (STAFF, "satisfaction/tests/test_survey_pages.py"),
    "danh-gia/khao-sat/dot/<int:pk>/ket-qua.xlsx": (STAFF, "satisfaction/tests/test_survey_pages.py"),
    "danh-gia/khao-sat/dot/<int:pk>/phieu.xlsx": (STAFF, "satisfaction/tests/test_survey_pages.py"),
    "danh-gia/khao-sat/dot/<int:pk>/<str:action>/": (STAFF, "satisfaction/tests/test_survey_pages.py"),
    "danh-gia/khao-sat/<str:token>/": (PUBLIC, "satisfaction/tests/test_survey_pages.py"),
    "api/v1/surveys/campaigns": (STAFF, "satisfaction/tests/test_survey_api.py"),
    "api/v1/surveys/campaigns/<campaign_id>": (STAFF, "satisfaction/tests/test_survey_api.py"),
    "api/v1/surveys/campaigns/<campaign_id>/draw": (STAFF, "satisfaction/tests/test_survey_api.py"),
    "api/v1/surveys/campaigns/<campaign_id>/invite": (STAFF, "satisfaction/tests/test_survey_api.py"),
    "api/v1/surveys/campaigns/<campaign_id>/close": (STAFF, "satisfaction/tests/test_survey_api.py"),
    "api/v1/surveys/campaigns/<campaign_id>/answers": (STAFF, "satisfaction/tests/test_survey_api.py"),
    "api/v1/surveys/campaigns/<campaign_id>/results": (STAFF, "satisfaction/tests/test_survey_api.py"),
    "danh-gia/<str:token>/": (PUBLIC, "dossiers/tests/test_pages.py"),
    "phan-anh/": (PUBLIC, "feedback/tests/test_pages.py"),
    "phan-anh/gui/": (PUBLIC, "feedback/tests/test_pages.py"),
    "phan-anh/gui/tuong-tu/": (PUBLIC, "feedback/tests/test_duplicates_pages.py"),
    "phan-anh/gui/cung-van-de/": (PUBLIC, "feedback/tests/test_duplicates_pages.py"),
    "phan-anh/da-tra-loi/": (PUBLIC, "feedback/tests/test_pages.py"),
    "phan-anh/tra-cuu/": (PUBLIC, "feedback/tests/test_pages.py"),
    "phan-anh/tra-cuu/danh-gia/": (PUBLIC, "feedback/tests/test_pages.py"),
    "phan-anh/mau-tra-loi/": (STAFF, "feedback/tests/test_answer_templates.py"),
    "phan-anh/mau-tra-loi/tao/": (STAFF, "feedback/tests/test_answer_templates.py"),
    "phan-anh/mau-tra-loi/<int:pk>/": (STAFF, "feedback/tests/test_answer_templates.py"),
    "phan-anh/so/": (STAFF, "feedback/tests/test_pages.py"),
    "phan-anh/so/ghi-nhan/": (STAFF, "feedback/tests/test_pages.py"),
    "phan-anh/so/<str:code>/": (STAFF, "feedback/tests/test_pages.py"),
    "phan-anh/so/<str:code>/<str:action>/": (STAFF, "feedback/tests/test_pages.py"),
    # Open311 GeoReport v2: public reads (no personal data); POST requests authenticates by api_key.
    "open311/v2/discovery.<str:fmt>": (PUBLIC, "feedback/tests/test_open311.py"),
    "open311/v2/services.<str:fmt>": (PUBLIC, "feedback/tests/test_open311.py"),
    "open311/v2/services/<str:code>.<str:fmt>": (PUBLIC, "feedback/tests/test_open311.py"),
    "open311/v2/requests.<str:fmt>": (PUBLIC, "feedback/tests/test_open311.py"),
    "open311/v2/requests/<str:code>.<str:fmt>": (PUBLIC, "feedback/tests/test_open311.py"),
    "open311/v2/tokens/<str:token>.<str:fmt>": (PUBLIC, "feedback/tests/test_open311.py"),
    # Dialogues (RULES.md §1.9): GET "" and GET <code> are public, POST "" (planning) is staff.
    "api/v1/dialogues": (PUBLIC, "feedback/tests/test_dialogue_api.py"),
    "api/v1/dialogues/staff": (STAFF, "feedback/tests/test_dialogue_api.py"),
    "api/v1/dialogues/commitments": (STAFF, "feedback/tests/test_dialogue_api.py"),
    "api/v1/dialogues/<code>": (PUBLIC, "feedback/tests/test_dialogue_api.py"),
    "api/v1/dialogues/<code>/questions": (PUBLIC, "feedback/tests/test_dialogue_api.py"),
    "api/v1/dialogues/<code>/staff": (STAFF, "feedback/tests/test_dialogue_api.py"),
    "api/v1/dialogues/<code>/actions/<action>": (STAFF, "feedback/tests/test_dialogue_api.py"),
    "api/v1/dialogues/<code>/questions/record": (STAFF, "feedback/tests/test_dialogue_api.py"),
    "api/v1/dialogues/<code>/questions/<seq>/answer": (STAFF, "feedback/tests/test_dialogue_api.py"),
    "api/v1/dialogues/<code>/commitments": (STAFF, "feedback/tests/test_dialogue_api.py"),
    "api/v1/dialogues/<code>/commitments/<seq>/actions/<action>": (STAFF, "feedback/tests/test_dialogue_api.py"),
    "doi-thoai/": (PUBLIC, "feedback/tests/test_dialogue_pages.py"),
    "doi-thoai/quan-ly/": (STAFF, "feedback/tests/test_dialogue_pages.py"),
    "doi-thoai/quan-ly/len-ke-hoach/": (STAFF, "feedback/tests/test_dialogue_pages.py"),
    "doi-thoai/quan-ly/<str:code>/": (STAFF, "feedback/tests/test_dialogue_pages.py"),
    "doi-thoai/quan-ly/<str:code>/cau-hoi/": (STAFF, "feedback/tests/test_dialogue_pages.py"),
    "doi-thoai/quan-ly/<str:code>/cau-hoi/<int:seq>/tra-loi/": (STAFF, "feedback/tests/test_dialogue_pages.py"),
    "doi-thoai/quan-ly/<str:code>/bien-ban/": (STAFF, "feedback/tests/test_dialogue_pages.py"),
    "doi-thoai/quan-ly/<str:code>/cam-ket/": (STAFF, "feedback/tests/test_dialogue_pages.py"),
    "doi-thoai/quan-ly/<str:code>/cam-ket/<int:seq>/minh-chung/": (STAFF, "feedback/tests/test_dialogue_pages.py"),
    "doi-thoai/quan-ly/<str:code>/cam-ket/<int:seq>/<str:action>/": (STAFF, "feedback/tests/test_dialogue_pages.py"),
    "doi-thoai/quan-ly/<str:code>/<str:action>/": (STAFF, "feedback/tests/test_dialogue_pages.py"),
    "doi-thoai/<str:code>/": (PUBLIC, "feedback/tests/test_dialogue_pages.py"),
    "doi-thoai/<str:code>/bien-ban/": (PUBLIC, "feedback/tests/test_dialogue_pages.py"),
    # Digitised registries (issue 13): the vessel registry and its review campaigns.
    "so-dang-ky/tau-ca/": (STAFF, "registries/vessels/tests/test_pages.py"),
    "so-dang-ky/tau-ca/xuat.xlsx": (STAFF, "registries/vessels/tests/test_pages.py"),
    "so-dang-ky/tau-ca/nhap/": (STAFF, "registries/vessels/tests/test_pages.py"),
    "so-dang-ky/tau-ca/nhap/<int:job_id>/": (STAFF, "registries/vessels/tests/test_pages.py"),
    "so-dang-ky/tau-ca/ra-soat/": (STAFF, "registries/vessels/tests/test_pages.py"),
    "so-dang-ky/tau-ca/ra-soat/<int:pk>/": (STAFF, "registries/vessels/tests/test_pages.py"),
    "so-dang-ky/tau-ca/ra-soat/<int:pk>/phan-cong/": (STAFF, "registries/vessels/tests/test_pages.py"),
    "so-dang-ky/tau-ca/ra-soat/<int:pk>/ket-qua.xlsx": (STAFF, "registries/vessels/tests/test_pages.py"),
    "so-dang-ky/tau-ca/ra-soat/muc/<int:item_id>/": (STAFF, "registries/vessels/tests/test_pages.py"),
    "so-dang-ky/tau-ca/<int:pk>/": (STAFF, "registries/vessels/tests/test_pages.py"),
    "so-dang-ky/tau-ca/<int:pk>/chu-tau/": (STAFF, "registries/vessels/tests/test_pages.py"),
    "so-dang-ky/tau-ca/<int:pk>/<str:action>/": (STAFF, "registries/vessels/tests/test_pages.py"),
    "api/v1/registries/vessels": (STAFF, "registries/vessels/tests/test_api.py"),
    "api/v1/registries/vessels/<vessel_id>": (STAFF, "registries/vessels/tests/test_api.py"),
    "api/v1/registries/vessels/<vessel_id>/history": (STAFF, "registries/vessels/tests/test_api.py"),
    "api/v1/registries/imports/<job_id>": (STAFF, "registries/vessels/tests/test_api.py"),
}
# Identity routes are classified by the identity app's own matrix test (public: the citizen's
# own access-log pages, which need the one-time code; everything else staff).
IDENTITY_PUBLIC = re.compile(r"^(cong-dan/ai-da-xem-du-lieu-cua-toi/)")


def _walk(patterns: list[URLPattern | URLResolver], prefix: str = "") -> Iterator[str]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern))
        else:
            yield prefix + str(pattern.pattern)


def _routes() -> list[str]:
    return [r for r in _walk(get_resolver().url_patterns) if not r.startswith("admin/") and not r.startswith("^")]


def _classify(route: str) -> str | None:
    if route in ROUTES:
        return ROUTES[route][0]
    if route.startswith(("cong-dan/", "api/v1/identity/")):
        return PUBLIC if IDENTITY_PUBLIC.match(route) else STAFF
    return None


def test_every_route_is_classified() -> None:
    unclassified = [r for r in _routes() if _classify(r) is None]

    assert unclassified == []


def _sample(route: str) -> str:
    url = re.sub(r"<int:[^>]+>", "1", route)
    url = re.sub(r"<(str:)?[^>]+>", "X", url)
    return "/" + url


@pytest.mark.django_db
@pytest.mark.parametrize("route", [r for r in _routes() if _classify(r) == STAFF])
def test_anonymous_is_refused_everywhere_staff_only(client: Client, route: str) -> None:
    url = _sample(route)

    for response in (client.get(url), client.post(url, {})):
        assert response.status_code in (302, 401, 403, 405), (url, response.status_code)
        if response.status_code == 302:
            assert "/dang-nhap/" in response["Location"] or "/admin/login/" in response["Location"]
