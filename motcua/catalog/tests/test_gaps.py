"""The catalogue-gaps report (RULES.md §1.6: "the catalogue gap is reported"): one selector for
``import-procedures --report`` and the staff page in the admin; who may see the page."""

from __future__ import annotations

from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import translation
from pytest_django import DjangoAssertNumQueries

from motcua.catalog.choices import TimeUnit
from motcua.catalog.models import Procedure
from motcua.catalog.selectors import catalogue_gaps
from motcua.catalog.services import ImportReport
from motcua.catalog.tests.factories import LegalBasisFactory, ProcedureFactory, ProcedureFeeFactory, staff_user
from motcua.core.choices import Role

pytestmark = pytest.mark.django_db

GAPS_URL = "/admin/catalog/procedure/gaps/"


@pytest.fixture
def procedures() -> dict[str, Procedure]:
    Procedure.objects.all().delete()  # the shipped catalogue may be loaded for the session; rolled back after the test
    complete = ProcedureFactory.create(code="9.000001", competent_agency="Ủy ban nhân dân cấp xã", level_commune=True)
    ProcedureFeeFactory.create(procedure=complete)
    LegalBasisFactory.create(procedure=complete)
    no_time = ProcedureFactory.create(
        code="9.000002", lead_time_value=None, lead_time_unit="", competent_agency="Công an cấp xã", level_commune=True
    )
    ProcedureFeeFactory.create(procedure=no_time)
    LegalBasisFactory.create(procedure=no_time)
    same_day = ProcedureFactory.create(
        code="9.000003", lead_time_value=Decimal(0), lead_time_unit=TimeUnit.SAME_DAY, competent_agency="", level_commune=True
    )
    ProcedureFeeFactory.create(procedure=same_day, is_free=False, amount_vnd=None, amount_text="10 USD")  # not a fee in đồng
    bare = ProcedureFactory.create(code="9.000004", competent_agency="", level_commune=False, level_province=True)
    return {"complete": complete, "no_time": no_time, "same_day": same_day, "bare": bare}


def test_gaps_list_each_procedure_with_what_it_lacks(procedures: dict[str, Procedure]) -> None:
    gaps = catalogue_gaps()

    assert gaps.total == 4
    assert gaps.counts == {"time_limit": 1, "competent_agency": 2, "fee": 2, "legal_basis": 2}
    assert [(row.code, row.missing, row.default_competent_agency) for row in gaps.rows] == [
        ("9.000002", ("time_limit",), False),
        ("9.000003", ("competent_agency", "fee", "legal_basis"), True),
        ("9.000004", ("competent_agency", "fee", "legal_basis"), False),
    ]


def test_a_same_day_procedure_has_a_time_limit(procedures: dict[str, Procedure]) -> None:
    """RULES.md §1.6: "trong ngày" is a time limit of its own, not a gap."""
    row = next(row for row in catalogue_gaps().rows if row.code == "9.000003")

    assert "time_limit" not in row.missing


def test_gaps_cost_one_query(procedures: dict[str, Procedure], django_assert_num_queries: DjangoAssertNumQueries) -> None:
    with django_assert_num_queries(1):
        catalogue_gaps()


def test_the_shipped_catalogue_has_24_procedures_without_a_time_limit(catalogue: ImportReport) -> None:
    """Tax declarations and customs procedures that publish no processing time stay gaps; the
    certification procedures now carry their statutory time (Decree 23/2015 Art. 7/33)."""
    gaps = catalogue_gaps()
    without_time = {row.code for row in gaps.rows if "time_limit" in row.missing}

    assert gaps.total == 588
    assert gaps.counts["time_limit"] == 24, " ".join(sorted(without_time))
    assert {"1.007689", "1.003956", "2.002516"} <= without_time
    assert not without_time & {"2.000815", "2.000884", "2.001035", "2.000635", "1.001612"}


def test_import_command_report_prints_counts_then_the_list(procedures: dict[str, Procedure]) -> None:
    out = StringIO()
    with translation.override("en"):
        call_command("import_procedures", "--report", stdout=out)

    lines = out.getvalue().splitlines()
    assert lines[:5] == [
        "catalogue gaps: 3 of 4 procedures",
        "      1  without a time limit",
        "      2  without a competent agency",
        "      2  without a fee",
        "      2  without a legal basis",
    ]
    assert lines[6] == "code\tsector\tmissing\tname"
    assert lines[7].startswith("9.000002\t") and "\ttime_limit\t" in lines[7]
    assert "\tcompetent_agency, fee, legal_basis (commune People's Committee by default)\t" in lines[8]
    assert len(lines) == 10


def test_import_command_report_imports_nothing(procedures: dict[str, Procedure]) -> None:
    call_command("import_procedures", "--report", stdout=StringIO())

    assert Procedure.objects.count() == 4


def test_anonymous_is_sent_to_the_admin_login(client: Client, procedures: dict[str, Procedure]) -> None:
    response = client.get(GAPS_URL)

    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")


def test_reception_officer_cannot_see_the_gaps(client: Client, procedures: dict[str, Procedure]) -> None:
    client.force_login(staff_user("tiepnhan", Role.RECEPTION_OFFICER))

    response = client.get(GAPS_URL)

    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")


def test_data_officer_sees_the_gaps_page(client: Client, procedures: dict[str, Procedure]) -> None:
    client.force_login(staff_user("dulieu", Role.DATA_OFFICER))

    response = client.get(GAPS_URL)

    html = response.content.decode()
    assert response.status_code == 200
    assert response.context["gaps"] == catalogue_gaps()
    assert "9.000002" in html and "9.000003" in html and "9.000001" not in html
    assert "(Ủy ban nhân dân cấp xã theo mặc định)" in html
    assert "Không có thời hạn giải quyết" in html


def test_the_changelist_links_to_the_gaps_page(client: Client, procedures: dict[str, Procedure]) -> None:
    client.force_login(staff_user("dulieu", Role.DATA_OFFICER))

    html = client.get("/admin/catalog/procedure/").content.decode()

    assert f'href="{GAPS_URL}"' in html
