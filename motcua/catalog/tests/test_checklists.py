"""Clean checklists over the whole shipped catalogue (588 procedures): no prose as a document row,
no repeated fee words, durations printed "1 ngày làm việc" / "0,5 ngày làm việc" (issue 10 item 3).

The measures are independent of the parser's own rules where they can be (``docs/catalog.md``,
"Checklists"): they read the rows stored by the import of the shipped file.
"""

from __future__ import annotations

import gzip
import json
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import translation

from motcua.catalog import parsing
from motcua.catalog.choices import TimeUnit
from motcua.catalog.models import Procedure, ProcedureDocument, ProcedureFee, fees_display, format_duration
from motcua.catalog.services import DEFAULT_SOURCE, ImportReport, procedures_import
from motcua.core.choices import Role
from motcua.core.text import decimal_text

pytestmark = pytest.mark.django_db

# What a prose row starts with: a condition, a remark, a subject doing something.
_PROSE_START = re.compile(r"^(?:Trường hợp|Trong trường hợp|Lưu ý|Ghi chú|Chú ý|Đối với|Nếu|Khi|Người|Cơ quan|Bước)\b")
# A new sentence inside a name (outside parentheses): "… của Bộ Công an. Đối với người …".
_INNER_SENTENCE = re.compile(r"[a-zà-ỹđ]{3}\.\s*[A-ZĐ][a-zà-ỹđ]+ ")
LONG_NAME = 300  # characters; the longest tenth of the document names are longer (lists of alternatives)


def _outside_parentheses(text: str) -> str:
    depth, kept = 0, []
    for char in text:
        if char == "(":
            depth += 1
        elif char == ")":
            depth = max(0, depth - 1)
        elif depth == 0:
            kept.append(char)
    return "".join(kept)


def _reads_as_sentence(name: str) -> bool:
    """Prose, measured: starts like prose, introduces a list (ends with ":"), holds a second
    sentence, or is a conditional sentence ("… thì …") outside parentheses."""
    outside = _outside_parentheses(name)
    return bool(
        _PROSE_START.match(name)
        or name.rstrip().endswith(":")
        or _INNER_SENTENCE.search(outside)
        or " thì " in outside
        or not (name[:1].isupper() or name[:1].isdigit())
    )


def _documents() -> list[ProcedureDocument]:
    return list(ProcedureDocument.objects.select_related("procedure").order_by("procedure__code", "position"))


def test_every_procedure_of_the_shipped_catalogue_is_checked(catalogue: ImportReport) -> None:
    assert (catalogue.total, Procedure.objects.count()) == (588, 588)


def test_the_shipped_catalogue_is_the_shared_commune_level_data() -> None:
    """The checks above read the shipped copy; it must be the data set its SOURCES.md describes."""
    shared = Path(__file__).resolve().parents[4] / "shared" / "data" / "procedures" / "tthc_commune_level.json"
    if not shared.is_file():
        pytest.skip(f"{shared} is absent (a clone without the shared data): the shipped copy alone is checked")

    assert json.loads(gzip.decompress(DEFAULT_SOURCE.read_bytes())) == json.loads(shared.read_text(encoding="utf-8"))


def test_no_checklist_row_reads_as_a_sentence(catalogue: ImportReport) -> None:
    prose = [(d.procedure.code, d.name[:80]) for d in _documents() if _reads_as_sentence(d.name)]

    assert prose == []


def test_no_long_checklist_row_reads_as_a_sentence(catalogue: ImportReport) -> None:
    long_names = [d for d in _documents() if len(d.name) > LONG_NAME]

    assert long_names  # the measure is not empty: lists of alternatives are long
    assert [(d.procedure.code, d.name[:80]) for d in long_names if _reads_as_sentence(d.name)] == []


def test_a_row_without_originals_or_copies_is_named_as_a_document(catalogue: ImportReport) -> None:
    uncounted = [d for d in _documents() if d.originals == 0 and d.copies == 0]

    assert [(d.procedure.code, d.name[:80]) for d in uncounted if not parsing.is_document_name(d.name)] == []


def test_no_procedure_lists_the_same_document_twice_in_a_group(catalogue: ImportReport) -> None:
    seen: set[tuple[str, str, str]] = set()
    twice = []
    for d in _documents():
        key = (d.procedure.code, d.group, d.name.casefold())
        if key in seen:
            twice.append(key)
        seen.add(key)

    assert twice == []


def test_no_fee_text_repeats_a_word_run(catalogue: ImportReport) -> None:
    fees = list(ProcedureFee.objects.select_related("procedure"))
    with translation.override("vi"):
        texts = [(f.procedure.code, t) for f in fees for t in (f.amount_display, f.amount_text, f.description)]
        texts += [(p.code, p.fees_display) for p in Procedure.objects.prefetch_related("fees")]

    assert [(code, text[:80]) for code, text in texts if parsing.has_repeated_words(text)] == []


def test_no_duration_prints_trailing_zeros_or_a_decimal_point(catalogue: ImportReport) -> None:
    with translation.override("vi"):
        shown = [p.lead_time_display for p in Procedure.objects.all()]
        shown += [c.time_display for p in Procedure.objects.prefetch_related("channels") for c in p.channels.all()]

    assert [text for text in shown if text and not re.fullmatch(r"\d+(?:,\d{1,2})? \w.*|trong ngày", text)] == []
    assert [text for text in shown if re.search(r"\d[.,]\d*0 |\.\d", text)] == []


def test_birth_registration_keeps_its_real_documents_only(catalogue: ImportReport) -> None:
    documents = list(Procedure.objects.get(code="1.001193").documents.all())

    assert [(d.name[:45], d.originals, d.conditional) for d in documents] == [
        ("Văn bản ủy quyền (được chứng thực) theo quy đ", 1, True),
        ("Giấy chứng sinh", 1, False),
        ("Giấy tờ có giá trị chứng minh thông tin về cư", 1, True),
        ("Hộ chiếu/Thẻ căn cước công dân/Thẻ căn cước/C", 1, False),
        ("Tờ khai đăng ký khai sinh theo mẫu (nếu người", 1, False),
        ("Mẫu hộ tịch điện tử tương tác đăng ký khai si", 1, False),
    ]


def test_birth_registration_keeps_the_prose_as_notes(catalogue: ImportReport) -> None:
    procedure = Procedure.objects.get(code="1.001193")
    birth_certificate = procedure.documents.get(name="Giấy chứng sinh")

    assert birth_certificate.note.startswith("Trường hợp không có Giấy chứng sinh thì nộp văn bản của người làm chứng")
    assert "Trường hợp trẻ em bị bỏ rơi thì phải có biên bản" in procedure.documents_note
    assert procedure.documents_note.startswith("Giấy tờ phải nộp:\n")
    assert "0 bản chính" not in procedure.documents_note


def test_birth_registration_has_one_free_fee_for_every_channel(catalogue: ImportReport) -> None:
    procedure = Procedure.objects.get(code="1.001193")

    with translation.override("vi"):
        assert [(f.channel, f.is_free) for f in procedure.fees.all()] == [("", True)]
        assert procedure.fees_display == "Miễn phí"


def test_the_intake_checklist_shows_documents_notes_and_one_fee(client: Client, catalogue: ImportReport) -> None:
    from motcua.dossiers.tests.factories import commune_agencies, staff

    commune_agencies()
    officer: User = staff("officer", Role.RECEPTION_OFFICER)
    client.force_login(officer)

    html = client.get("/ho-so/tiep-nhan/giay-to/", {"procedure_code": "1.001193"}).content.decode()

    assert html.count('type="checkbox"') == 6
    assert "Phí, lệ phí: Miễn phí</p>" in html
    assert html.lower().count("miễn phí") == 1
    assert "0 bản chính" not in html
    assert "Lưu ý về thành phần hồ sơ" in html
    assert html.count("chỉ trong một số trường hợp") == 2


def test_the_procedure_page_shows_documents_with_their_notes_and_the_prose_as_notes(
    client: Client, catalogue: ImportReport
) -> None:
    html = client.get("/thu-tuc/1.001193/").content.decode()

    documents = html[html.index('id="documents"') : html.index('id="fees"')]
    assert documents.count("<tr>") == 1 + 2 + 6  # the header row, two group headings, six documents
    assert documents.count("chỉ trong một số trường hợp") == 2
    assert "Trường hợp không có Giấy chứng sinh thì nộp văn bản" in documents
    assert "Lưu ý về thành phần hồ sơ" in documents
    assert "0 bản chính" not in documents


def test_a_re_import_over_raw_rows_stores_the_clean_ones_then_changes_nothing(catalogue: ImportReport) -> None:
    procedure = Procedure.objects.get(code="1.001193")
    ProcedureDocument.objects.create(
        procedure=procedure, position=99, name="Trường hợp gửi hồ sơ qua hệ thống bưu chính thì …", quantity_text="0 bản chính"
    )

    first = procedures_import()
    second = procedures_import()

    assert (first.updated, second.updated, second.unchanged) == (1, 0, 588)
    assert procedure.documents.count() == 6


# --- The one duration formatter -----------------------------------------------------------------


def test_decimal_text_drops_trailing_zeros_and_uses_a_decimal_comma() -> None:
    assert [decimal_text(v) for v in (Decimal("1.00"), Decimal("0.50"), Decimal("2.25"), 15, "3.0")] == [
        "1",
        "0,5",
        "2,25",
        "15",
        "3",
    ]


def test_durations_read_one_working_day_and_half_a_working_day_in_vietnamese() -> None:
    with translation.override("vi"):
        assert format_duration(Decimal("1.00"), TimeUnit.WORKING_DAY) == "1 ngày làm việc"
        assert format_duration(Decimal("0.50"), TimeUnit.WORKING_DAY) == "0,5 ngày làm việc"


def test_fees_display_names_channels_only_when_amounts_differ() -> None:
    free = ProcedureFee(channel="online", is_free=True)
    paid = ProcedureFee(channel="in_person", amount_vnd=5000)

    with translation.override("vi"):
        assert fees_display([free, ProcedureFee(channel="postal", is_free=True)]) == "Miễn phí"
        assert fees_display([free, paid]) == "Miễn phí (Trực tuyến); 5.000 đồng (Trực tiếp)"
