"""Spreadsheet import of vessels on the registry framework (issue 13 item 1 and "Reliability"):
every row error reported before anything is written, all or nothing, idempotent, and the cells
spreadsheets really contain (formulas, merged cells, dates as text and as serials, NFD)."""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from datetime import date
from decimal import Decimal

import pytest
from openpyxl import Workbook

from motcua.registries.common.choices import ImportStatus
from motcua.registries.common.jobs import import_run, import_start
from motcua.registries.common.models import ImportJob, RecordChange
from motcua.registries.vessels.models import Vessel
from motcua.registries.vessels.tests.factories import HEADER, administrator, csv_bytes, row, xlsx

pytestmark = pytest.mark.django_db


def _import(content: bytes, filename: str = "tau.xlsx") -> ImportJob:
    job = import_start(actor=administrator(), registry="vessels", filename=filename, content=content)
    return import_run(job_id=job.pk)


def _vessels() -> list[Vessel]:
    return list(Vessel.objects.unrestricted("test").order_by("registration_number"))


def test_a_good_file_creates_every_vessel_with_its_history_and_derived_fields() -> None:
    job = _import(xlsx([row(1), row(2, length=15.2)]))

    vessels = _vessels()
    assert job.status == ImportStatus.DONE and job.created_count == 2, job.errors
    assert [(v.registration_number, v.size_class, v.gear) for v in vessels] == [
        ("CM-00001-TS", "12to15", "gillnet"),
        ("CM-00002-TS", "15to24", "gillnet"),
    ]
    assert vessels[0].registered_on == date(2020, 3, 5) and vessels[0].licence_expires_on == date(2027, 12, 31)
    assert RecordChange.objects.filter(record_id=vessels[0].pk, action="import_create").count() == 1


def test_every_row_error_is_reported_at_once_and_nothing_is_written() -> None:
    rows = [row(1), row(2, number="CM-123-TS"), row(3, registered="31/02/2020"), row(4, length="dài"), row(5, owner="")]

    job = _import(xlsx(rows))

    assert job.status == ImportStatus.REFUSED
    assert [(e["row"], e["column"]) for e in job.errors] == [
        (3, "Số đăng ký"),
        (4, "Ngày đăng ký"),
        (5, "Chiều dài lớn nhất (m)"),
        (6, "Chủ tàu"),
    ]
    assert "CM-01234-TS" in job.errors[0]["message"]
    assert Vessel.objects.unrestricted("test").count() == 0


def test_an_import_failing_on_the_last_row_leaves_nothing() -> None:
    rows = [row(n) for n in range(1, 300)] + [row(300, number="XX-1-TS")]

    job = _import(xlsx(rows))

    assert job.status == ImportStatus.REFUSED and [e["row"] for e in job.errors] == [301]
    assert Vessel.objects.unrestricted("test").count() == 0 and not RecordChange.objects.exists()


def test_a_database_failure_while_writing_rolls_back_every_row(monkeypatch: pytest.MonkeyPatch) -> None:
    from motcua.registries.common import jobs

    calls = {"n": 0}
    original = jobs._write_chunk

    def failing(*args: object, **kwargs: object) -> tuple[int, int, int]:
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("disk full")
        return original(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(jobs, "_write_chunk", failing)

    job = _import(xlsx([row(n) for n in range(1, 1500)]))

    assert job.status == ImportStatus.FAILED and "disk full" in job.failure
    assert Vessel.objects.unrestricted("test").count() == 0


def test_the_same_file_twice_creates_nothing_new() -> None:
    content = xlsx([row(1), row(2)])
    _import(content)
    before = RecordChange.objects.count()

    again = _import(content)

    assert again.status == ImportStatus.DONE
    assert (again.created_count, again.updated_count, again.unchanged_count) == (0, 0, 2)
    assert Vessel.objects.unrestricted("test").count() == 2 and RecordChange.objects.count() == before


def test_a_changed_row_updates_only_what_changed_and_writes_its_history() -> None:
    _import(xlsx([row(1), row(2)]))

    job = _import(xlsx([row(1, length=16), row(2)]))

    vessel = Vessel.objects.unrestricted("test").get(registration_number="CM-00001-TS")
    changes = {(c.field, c.old, c.new) for c in RecordChange.objects.filter(record_id=vessel.pk, action="import_update")}
    assert (job.created_count, job.updated_count, job.unchanged_count) == (0, 1, 1)
    assert vessel.max_length_m == Decimal(16) and ("max_length_m", "12.5", "16") in changes
    assert ("size_class", "12to15", "15to24") in changes


def test_a_duplicate_number_inside_the_file_is_a_row_error() -> None:
    job = _import(xlsx([row(1), row(1, name="Khác")]))

    assert job.status == ImportStatus.REFUSED and job.errors[0]["row"] == 3 and "2" in job.errors[0]["message"]


def test_dates_as_text_as_real_cells_and_as_serial_numbers_read_the_same() -> None:
    job = _import(xlsx([row(1), row(2, registered=date(2020, 3, 5)), row(3, registered=43895), row(4, registered="2020-03-05")]))

    assert job.status == ImportStatus.DONE, job.errors
    assert {v.registered_on for v in _vessels()} == {date(2020, 3, 5)}


def test_nfd_text_is_stored_as_nfc_and_found_without_diacritics() -> None:
    decomposed = unicodedata.normalize("NFD", "Nguyễn Thị Huệ")
    job = _import(xlsx([row(1, owner=decomposed, hamlet=unicodedata.normalize("NFD", "Ấp Rạch Gốc"))]))

    vessel = _vessels()[0]
    assert job.status == ImportStatus.DONE
    assert vessel.owner_name == "Nguyễn Thị Huệ" and unicodedata.is_normalized("NFC", vessel.hamlet)
    assert "nguyen thi hue" in vessel.search_folded


def _with_cached_formula(content: bytes, cell: str, cached: str) -> bytes:
    """openpyxl writes formulas without their cached value; add one as Excel would."""
    source = zipfile.ZipFile(io.BytesIO(content))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                text = data.decode()
                text = re.sub(
                    rf'<c r="{cell}"([^>]*)><f>([^<]*)</f><v>\s*</v></c>',
                    rf'<c r="{cell}"\1 t="str"><f>\2</f><v>{cached}</v></c>',
                    text,
                )
                data = text.encode()
            target.writestr(item, data)
    return out.getvalue()


def test_a_formula_reads_its_cached_value() -> None:
    content = xlsx([row(1, name='="Tàu "&"số 1"')])
    content = _with_cached_formula(content, "B2", "Tàu số 1")

    job = _import(content)

    assert job.status == ImportStatus.DONE, job.errors
    assert _vessels()[0].name == "Tàu số 1"


def test_a_merged_cell_reads_empty_and_says_so() -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(HEADER)
    sheet.append(row(1))
    sheet.append(row(2))
    sheet.merge_cells("C2:C3")  # the owner typed once for two vessels
    buffer = io.BytesIO()
    book.save(buffer)

    job = _import(buffer.getvalue())

    assert job.status == ImportStatus.REFUSED
    assert [(e["row"], e["column"]) for e in job.errors] == [(3, "Chủ tàu")]
    assert "merged" in job.errors[0]["message"] or "gộp" in job.errors[0]["message"]


def test_a_csv_file_with_a_semicolon_imports_like_a_spreadsheet() -> None:
    content = csv_bytes([row(1), row(2)]).decode().replace(",", ";").encode()

    job = _import(content, "tau.csv")

    assert job.status == ImportStatus.DONE and job.created_count == 2, job.errors


def test_a_missing_required_column_is_one_error_naming_it() -> None:
    job = _import(xlsx([["CM-00001-TS", "Tàu"]], header=["Số đăng ký", "Tên tàu"]))

    assert job.status == ImportStatus.REFUSED
    assert [e["row"] for e in job.errors] == [1, 1]


def test_a_file_that_is_not_a_spreadsheet_is_refused_without_a_crash() -> None:
    job = _import(b"not a zip file", "tau.xlsx")

    assert job.status == ImportStatus.REFUSED and job.errors[0]["row"] == 0


def test_bac_lieu_numbers_are_accepted_and_marked_and_government_numbers_too() -> None:
    """RULES.md §7.1: old BL numbers and KN-nnn-VN government vessels."""
    job = _import(xlsx([row(1, number="BL-91234-TS"), row(2, number="KN-123-VN"), row(3, number="cm – 00003 – ts")]))

    kinds = {v.registration_number: v.number_kind for v in _vessels()}
    assert job.status == ImportStatus.DONE, job.errors
    assert kinds == {"BL-91234-TS": "legacy_bl", "KN-123-VN": "government", "CM-00003-TS": "standard"}


def test_a_table_that_starts_below_and_right_of_a1_reads_with_the_right_row_numbers() -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for r, values in enumerate([HEADER, row(1), row(2, registered="sai")], start=3):
        for c, value in enumerate(values, start=2):  # from B3
            sheet.cell(row=r, column=c, value=value)
    buffer = io.BytesIO()
    book.save(buffer)

    job = _import(buffer.getvalue())

    assert job.status == ImportStatus.REFUSED
    assert [(e["row"], e["column"]) for e in job.errors] == [(5, "Ngày đăng ký")]
