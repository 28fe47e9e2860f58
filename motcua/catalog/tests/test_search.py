"""Catalogue search: accents optional, "d" finds "đ", every word must match, sector filter,
exact code first; and the single-procedure and sector reads."""

from __future__ import annotations

import pytest

from motcua.catalog.filters import ProcedureFilter
from motcua.catalog.models import Procedure
from motcua.catalog.selectors import procedure_get, procedure_list, sector_list
from motcua.catalog.services import ImportReport
from motcua.catalog.tests.factories import ProcedureFactory, SectorFactory
from motcua.core.exceptions import NotFound

pytestmark = pytest.mark.django_db


def codes(q: str | None = None, sector: str | None = None) -> list[str]:
    return [p.code for p in procedure_list(q=q, sector=sector)]


def test_search_without_accents_finds_the_same_as_with_accents(catalogue: ImportReport) -> None:
    unaccented = codes("dang ky khai sinh")

    assert unaccented == codes("Đăng ký khai sinh")
    assert unaccented[0] == "1.001193"
    assert len(unaccented) == 12


def test_d_matches_the_letter_dd() -> None:
    sector = SectorFactory.create()
    doi = ProcedureFactory.create(name="Đổi giấy chứng nhận quyền sử dụng đất", sector=sector)
    ProcedureFactory.create(name="Cấp giấy phép xây dựng", sector=sector)

    assert codes("doi giay", sector=sector.slug) == [doi.code]
    assert codes("ĐỔI GIẤY", sector=sector.slug) == [doi.code]


def test_d_matches_the_letter_dd_in_the_real_catalogue(catalogue: ImportReport) -> None:
    found = codes("dat dai")

    assert found == codes("đất đai")
    assert "1.115148" in found


def test_every_word_must_match() -> None:
    sector = SectorFactory.create()
    both = ProcedureFactory.create(name="Đăng ký kết hôn lưu động", sector=sector)
    ProcedureFactory.create(name="Đăng ký khai sinh lưu động", sector=sector)

    assert codes("ket hon luu dong", sector=sector.slug) == [both.code]


def test_the_words_may_come_in_any_order_and_from_the_sector() -> None:
    sector = SectorFactory.create(name="Quốc tịch thử")
    procedure = ProcedureFactory.create(name="Thủ tục đăng ký giám hộ", sector=sector)

    assert codes("quoc tich thu giam", sector=sector.slug) == [procedure.code]


def test_the_exact_code_ranks_first(catalogue: ImportReport) -> None:
    assert codes("1.001193")[0] == "1.001193"


def test_names_containing_the_whole_phrase_rank_before_scattered_words() -> None:
    sector = SectorFactory.create()
    scattered = ProcedureFactory.create(name="Khai báo tạm vắng sinh hoạt", sector=sector)
    phrase = ProcedureFactory.create(name="Khai sinh cho trẻ em bị bỏ rơi", sector=sector)

    assert codes("khai sinh", sector=sector.slug) == [phrase.code, scattered.code]


def test_sector_filter_keeps_only_that_sector(catalogue: ImportReport) -> None:
    results = list(procedure_list(sector="ho-tich"))

    assert len(results) == 41
    assert {p.sector.name for p in results} == {"Hộ tịch"}


def test_sector_filter_and_words_combine(catalogue: ImportReport) -> None:
    assert codes("khai sinh", sector="ho-tich") == [
        c for c in codes("khai sinh") if Procedure.objects.get(code=c).sector.slug == "ho-tich"
    ]
    assert codes("khai sinh", sector="hai-quan") == []


def test_unpublished_procedures_are_not_listed() -> None:
    sector = SectorFactory.create()
    hidden = ProcedureFactory.create(name="Thủ tục đã bãi bỏ", sector=sector, is_published=False)

    assert codes("da bai bo", sector=sector.slug) == []
    with pytest.raises(NotFound):
        procedure_get(code=hidden.code)


def test_an_empty_query_lists_everything_by_name() -> None:
    sector = SectorFactory.create()
    second = ProcedureFactory.create(name="Bảo trợ xã hội", sector=sector)
    first = ProcedureFactory.create(name="An toàn thực phẩm", sector=sector)

    assert codes("   ", sector=sector.slug) == [first.code, second.code]


def test_filter_reads_and_trims_request_parameters() -> None:
    filters = ProcedureFilter.from_params({"q": "  Đăng   ký\tkhai sinh ", "sector": " ho-tich "})

    assert (filters.q, filters.sector, filters.terms) == ("Đăng ký khai sinh", "ho-tich", ["dang", "ky", "khai", "sinh"])


def test_procedure_get_refuses_an_unknown_code() -> None:
    with pytest.raises(NotFound) as caught:
        procedure_get(code="0.000000")

    assert (caught.value.code, caught.value.status_code) == ("procedure_not_found", 404)


def test_sector_list_counts_published_procedures(catalogue: ImportReport) -> None:
    counts = {s.name: s.procedure_count for s in sector_list()}

    assert (len(counts), counts["Hộ tịch"], counts["Hải quan"], counts["Thuế"]) == (61, 41, 124, 111)
