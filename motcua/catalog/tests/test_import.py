"""The procedure import: counts, structure, idempotence, atomicity and the problems report."""

from __future__ import annotations

import gzip
import json
from decimal import Decimal
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError

from motcua.catalog.choices import Channel, OnlineLevel, TimeUnit
from motcua.catalog.models import LegalBasis, Procedure, ProcedureDocument, ProcedureFee, Sector
from motcua.catalog.parsing import Reason
from motcua.catalog.services import DEFAULT_SOURCE, ImportReport, ParseProblem, procedures_import
from motcua.core.exceptions import DomainError
from motcua.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def _records() -> list[dict[str, Any]]:
    return list(json.loads(gzip.decompress(DEFAULT_SOURCE.read_bytes())))


def _write(path: Path, records: Any) -> Path:
    path.write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")
    return path


def _snapshot() -> tuple[list[Any], ...]:
    """Everything the import writes, to compare before and after (five queries)."""
    return (
        list(
            Procedure.objects.order_by("code").values_list(
                "code", "name", "version", "lead_time_value", "lead_time_unit", "imported_at", "search_text", "parse_notes"
            )
        ),
        list(
            ProcedureDocument.objects.order_by("procedure__code", "position").values_list("procedure__code", "position", "name")
        ),
        list(
            ProcedureFee.objects.order_by("procedure__code", "position").values_list("procedure__code", "position", "amount_vnd")
        ),
        list(LegalBasis.objects.order_by("procedure__code", "position").values_list("procedure__code", "position", "number")),
        list(Sector.objects.order_by("slug").values_list("slug", "name")),
    )


def test_a_fresh_import_creates_every_shipped_procedure(catalogue: ImportReport) -> None:
    Procedure.objects.all().delete()
    Sector.objects.all().delete()

    report = procedures_import()

    assert (report.total, report.created, report.updated, report.unchanged, report.sectors_created) == (588, 588, 0, 0, 61)
    assert Procedure.objects.count() == 588
    event = AuditEvent.objects.filter(action="catalog.import").latest("id")
    assert (event.data["created"], event.data["problems"]) == (588, len(report.problems))


def test_running_the_import_again_changes_nothing(catalogue: ImportReport) -> None:
    before = _snapshot()
    audit_before = AuditEvent.objects.count()

    report = procedures_import()

    assert (report.created, report.updated, report.unchanged, report.sectors_created) == (0, 0, 588, 0)
    assert _snapshot() == before
    assert AuditEvent.objects.count() == audit_before


def test_a_changed_record_is_updated_in_place(catalogue: ImportReport, tmp_path: Path) -> None:
    records = [r for r in _records() if r["code"] == "1.001193"]
    records[0]["name"] = "Thủ tục đăng ký khai sinh (sửa đổi)"
    original = Procedure.objects.get(code="1.001193")

    report = procedures_import(source=_write(tmp_path / "one.json", records))

    updated = Procedure.objects.get(code="1.001193")
    assert (report.created, report.updated, report.unchanged, report.not_in_source) == (0, 1, 0, 587)
    assert (updated.pk, updated.name, updated.version) == (
        original.pk,
        "Thủ tục đăng ký khai sinh (sửa đổi)",
        original.version + 1,
    )
    assert "dang ky khai sinh (sua doi)" in updated.search_text


def test_a_re_import_keeps_local_settings(catalogue: ImportReport, tmp_path: Path) -> None:
    Procedure.objects.filter(code="1.001193").update(
        service_norm_value=Decimal("0.5"),
        service_norm_unit=TimeUnit.WORKING_DAY,
        online_level=OnlineLevel.FULL,
        is_published=False,
    )
    records = [r for r in _records() if r["code"] == "1.001193"]
    records[0]["steps"] += "\nBước 4: Trả kết quả."

    procedures_import(source=_write(tmp_path / "one.json", records))

    procedure = Procedure.objects.get(code="1.001193")
    assert procedure.steps.endswith("Bước 4: Trả kết quả.")
    assert (procedure.service_norm_value, procedure.online_level, procedure.is_published) == (
        Decimal("0.50"),
        OnlineLevel.FULL,
        False,
    )


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (b"{not json", "catalog_source_invalid"),
        (b"\x1f\x8b\x08 broken gzip", "catalog_source_invalid"),
        (json.dumps({"code": "1.001193"}).encode(), "catalog_source_invalid"),
        (json.dumps([{"name": "Thủ tục không mã", "field": "Hộ tịch"}]).encode(), "catalog_record_invalid"),
        (
            json.dumps(
                [{"code": "1.001193", "name": "A", "field": "Hộ tịch"}, {"code": "1.001193", "name": "B", "field": "Hộ tịch"}]
            ).encode(),
            "catalog_duplicate_code",
        ),
        (json.dumps([{"code": "1.001193", "name": "A" * 1001, "field": "Hộ tịch"}]).encode(), "catalog_record_invalid"),
    ],
    ids=["bad-json", "bad-gzip", "not-a-list", "missing-code", "duplicate-code", "name-too-long"],
)
def test_a_broken_file_after_a_good_import_changes_nothing(
    catalogue: ImportReport, tmp_path: Path, content: bytes, code: str
) -> None:
    path = tmp_path / ("broken.json.gz" if content.startswith(b"\x1f\x8b") else "broken.json")
    path.write_bytes(content)
    before = _snapshot()

    with pytest.raises(DomainError) as caught:
        procedures_import(source=path)

    assert caught.value.code == code
    assert _snapshot() == before


def test_a_failure_while_writing_rolls_everything_back(
    catalogue: ImportReport, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    records = _records()[:20]
    for record in records:
        record["name"] += " (mới)"
    records.append({"code": "9.999999", "name": "Thủ tục mới", "field": "Lĩnh vực mới"})
    path = _write(tmp_path / "some.json", records)
    before = _snapshot()

    def fail(*args: Any, **kwargs: Any) -> None:
        raise IntegrityError("disk full")

    monkeypatch.setattr(LegalBasis.objects, "bulk_create", fail)  # the last write of the import

    with pytest.raises(DomainError) as caught:
        procedures_import(source=path)

    assert caught.value.code == "catalog_import_failed"
    assert _snapshot() == before


def test_the_report_lists_the_fields_that_could_not_be_parsed(catalogue: ImportReport) -> None:
    problems = catalogue.problems

    assert ParseProblem("1.115148", "time", "0", Reason.TIME_ZERO) in problems
    assert ParseProblem("2.000815", "fee", "10 USD(/bản)", Reason.FEE_FOREIGN_CURRENCY, "10 USD") in problems
    assert ParseProblem("1.000005", "time", "120,000", Reason.TIME_FEE_RUN_TOGETHER, "time 1, fee 20000") in problems
    assert {p.code for p in problems if p.field == "lead_time" and p.reason == Reason.LEAD_TIME_MISSING} >= {
        "1.007689",
        "2.001263",
    }
    assert sum(catalogue.problems_by_field().values()) == len(problems)


def test_problems_are_kept_on_the_procedure(catalogue: ImportReport) -> None:
    procedure = Procedure.objects.get(code="1.115148")

    assert {"field": "time", "raw": "0", "reason": Reason.TIME_ZERO, "detail": ""} in procedure.parse_notes


def test_birth_registration_is_imported_with_structure(catalogue: ImportReport) -> None:
    """RULES.md §1.6: birth registration is a same-day procedure, not "1 working day"."""
    procedure = Procedure.objects.select_related("sector").get(code="1.001193")

    assert (procedure.name, procedure.sector.name) == ("Thủ tục đăng ký khai sinh", "Hộ tịch")
    assert (procedure.lead_time_value, procedure.lead_time_unit, procedure.lead_time_assumed) == (
        Decimal("0.00"),
        TimeUnit.SAME_DAY,
        True,
    )
    assert sorted(procedure.channels.values_list("channel", flat=True)) == sorted(
        [Channel.ONLINE, Channel.POSTAL, Channel.IN_PERSON]
    )
    assert procedure.online_level == OnlineLevel.UNKNOWN
    assert procedure.level_commune and not procedure.level_province
    # Of the five rows under "Giấy tờ phải nộp", three are "Trường hợp …" prose (now notes).
    assert procedure.documents.filter(group="Giấy tờ phải nộp").count() == 2
    assert procedure.legal_bases.filter(number="60/2014/QH13", title="Luật 60/2014/QH13").exists()


def test_fees_are_stored_in_dong(catalogue: ImportReport) -> None:
    fee = ProcedureFee.objects.get(procedure__code="2.000815", amount_vnd__isnull=False)

    assert (fee.channel, fee.amount_vnd, fee.amount_text, fee.description) == (
        Channel.IN_PERSON,
        2000,
        "2,000 Việt Nam Đồng",
        "/trang",
    )


def test_documents_keep_their_form_file(catalogue: ImportReport) -> None:
    document = ProcedureDocument.objects.get(procedure__code="1.000253")

    assert (document.position, document.name, document.form_template, document.originals, document.copies) == (
        1,
        "Phiếu khai báo tạm trú cho người nước ngoài (mẫu NA17)",
        "101-Mau A17 tam tru cho nguoi nuoc ngoai.doc",
        1,
        0,
    )


def test_a_procedure_without_an_online_channel_is_marked_not_online(catalogue: ImportReport) -> None:
    assert Procedure.objects.get(code="1.000253").online_level == OnlineLevel.NONE


def test_the_command_prints_counts_and_every_problem(catalogue: ImportReport) -> None:
    out = StringIO()

    call_command("import_procedures", stdout=out)

    text = out.getvalue()
    assert "procedures: 588 in tthc_commune_level.json.gz: 0 created, 0 updated, 588 unchanged" in text
    assert f"problems: {len(catalogue.problems)} in {catalogue.procedures_with_problems()} procedures" in text
    assert "1.115148\ttime\t0\ttime limit is zero" in text
    assert len([line for line in text.splitlines() if line.count("\t") == 3]) == len(catalogue.problems) + 1  # + the header


def test_the_command_fails_clearly_and_changes_nothing(catalogue: ImportReport, tmp_path: Path) -> None:
    before = _snapshot()

    with pytest.raises(CommandError, match=r"import failed, nothing was changed: \[catalog_duplicate_code\]"):
        call_command("import_procedures", file=_write(tmp_path / "dup.json", [{"code": "1", "name": "A", "field": "X"}] * 2))

    assert _snapshot() == before


def test_a_tab_in_the_source_still_separates_documents_after_import(catalogue: ImportReport) -> None:
    names = list(ProcedureDocument.objects.filter(procedure__code="1.014848").values_list("name", flat=True))

    assert "Các tài liệu liên quan khác kèm theo (nếu có)." in names
    assert len(names) == 5
