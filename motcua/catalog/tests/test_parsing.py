"""The parsers, on real examples from the shipped data, and on arbitrary text (they never raise)."""

from __future__ import annotations

import gzip
import json
from decimal import Decimal
from functools import cache
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from motcua.catalog import parsing
from motcua.catalog.choices import Channel, TimeUnit
from motcua.catalog.parsing import Duration, Fee, LegalRef, Problem, Reason
from motcua.catalog.services import DEFAULT_SOURCE


@cache
def _records() -> dict[str, dict[str, Any]]:
    return {r["code"]: r for r in json.loads(gzip.decompress(DEFAULT_SOURCE.read_bytes()))}


def record(code: str) -> dict[str, Any]:
    return _records()[code]


# --- Time limits ------------------------------------------------------------------------------


def test_working_days_are_read_with_their_unit() -> None:
    assert parsing.parse_time("15 Ngày làm việc") == (Duration(Decimal("15"), TimeUnit.WORKING_DAY), [])


def test_days_without_working_are_calendar_days() -> None:
    assert parsing.parse_time("7 Ngày") == (Duration(Decimal("7"), TimeUnit.CALENDAR_DAY), [])


def test_hours_are_read_as_hours() -> None:
    assert parsing.parse_time("8 Giờ") == (Duration(Decimal("8"), TimeUnit.HOUR), [])


def test_days_become_working_days_when_the_procedure_text_says_so() -> None:
    # 2.001428 publishes "7 Ngày"; its note says "07 ngày làm việc, kể từ ngày nhận đủ hồ sơ".
    rows, problems = parsing.parse_channels(record("2.001428")["channels"])

    assert {row.time for row in rows} == {Duration(Decimal("7"), TimeUnit.WORKING_DAY, assumed=True)}
    assert [p for p in problems if p.field == "time"] == [
        Problem("time", "7 Ngày", Reason.TIME_UNIT_CORRECTED, detail="“07 ngay lam viec” → working_day")
    ]


def test_bare_one_with_the_15_00_rule_in_the_steps_is_a_same_day_period() -> None:
    """RULES.md §1.6: 1.001193 (birth registration) publishes "1"; its steps say a dossier received
    after 15:00 gets its result the next working day: "trong ngày" is its own unit, not 1 working day."""
    duration, problems = parsing.parse_time("1", context=record("1.001193")["steps"])

    assert duration == Duration(Decimal("0"), TimeUnit.SAME_DAY, assumed=True)
    assert [p.reason for p in problems] == [Reason.TIME_UNIT_FROM_TEXT]
    assert problems[0].detail.endswith("→ same_day")


def test_same_day_wording_in_the_time_field_is_a_same_day_period() -> None:
    """RULES.md §1.6: "trong ngày", "ngay trong ngày", "ngay sau khi nhận đủ hồ sơ"."""
    for text in ("Trong ngày", "Ngay trong ngày", "Ngay sau khi nhận đủ hồ sơ hợp lệ"):
        assert parsing.parse_time(text) == (Duration(Decimal("0"), TimeUnit.SAME_DAY), [])


def test_working_days_in_the_next_day_wording_are_not_same_day_by_themselves() -> None:
    """ "trong ngày làm việc tiếp theo" without the 15:00 rule is not same-day wording."""
    duration, _problems = parsing.parse_time("1", context="văn bản trả lời được gửi trong ngày làm việc tiếp theo")

    assert duration == Duration(Decimal("1"), TimeUnit.WORKING_DAY, assumed=True)


def test_time_published_at_the_start_of_the_note_is_read() -> None:
    """1.004656 publishes "Không có thông tin" then "Miễn phí05 ngày làm việc kể từ …"."""
    rows, problems = parsing.parse_channels(record("1.004656")["channels"])

    assert {row.time for row in rows} == {Duration(Decimal("5"), TimeUnit.WORKING_DAY)}
    assert [(p.raw, p.reason) for p in problems if p.field == "time"] == [("05 ngày làm việc", Reason.TIME_FROM_NOTE)]


def test_first_time_of_a_note_listing_two_cases_is_the_lead_time() -> None:
    """1.004680: "- 03 ngày làm việc …; - 07 ngày làm việc … trong trường hợp cần kiểm tra thực tế"."""
    rows, _problems = parsing.parse_channels(record("1.004680")["channels"])

    assert parsing.lead_time(rows)[0] == Duration(Decimal("3"), TimeUnit.WORKING_DAY)


def _fallback(code: str) -> tuple[Duration | None, str, list[Problem]]:
    r = record(code)
    return parsing.lead_time_fallback(sector=r["field"], name=r["name"], steps=r["steps"])


def test_lead_time_from_the_steps_when_no_channel_gives_one() -> None:
    """1.001612 (household business registration): "trong thời hạn 03 ngày làm việc kể từ ngày nhận hồ sơ"."""
    duration, text, problems = _fallback("1.001612")

    assert duration == Duration(Decimal("3"), TimeUnit.WORKING_DAY, assumed=True)
    assert text == "03 ngay lam viec ke tu ngay nhan ho so"
    assert [p.reason for p in problems] == [Reason.LEAD_TIME_FROM_STEPS]


def test_several_stages_in_the_steps_give_no_lead_time() -> None:
    """1.003956 lists 02, 30 and 03 working days for successive stages: nothing is guessed."""
    assert _fallback("1.003956") == (None, "", [])


def test_copies_from_the_register_are_same_day_by_their_15_00_rule() -> None:
    """RULES.md §1.6: 2.000635 (copies of civil-status extracts) publishes no time; its steps
    carry the 15:00 rule."""
    duration, _text, problems = _fallback("2.000635")

    assert duration == Duration(Decimal("0"), TimeUnit.SAME_DAY, assumed=True)
    assert [p.reason for p in problems] == [Reason.LEAD_TIME_FROM_STEPS]


def test_certified_copies_and_signatures_take_the_statutory_same_day() -> None:
    """RULES.md §1.6; Decree 23/2015 Art. 7: 2.000815 and 2.000884 publish no time at all."""
    for code in ("2.000815", "2.000884", "2.000992"):
        duration, text, problems = _fallback(code)
        assert duration == Duration(Decimal("0"), TimeUnit.SAME_DAY, assumed=True), code
        assert text.startswith("Nghị định 23/2015/NĐ-CP Điều 7")
        assert [p.reason for p in problems] == [Reason.LEAD_TIME_STATUTORY]


def test_certified_transactions_take_the_statutory_two_working_days() -> None:
    """Decree 23/2015 Art. 33: 2.001035 (transactions on land, houses), 2.001019 (wills)."""
    for code in ("2.001035", "2.001019", "2.000913"):
        duration, text, _problems = _fallback(code)
        assert duration == Duration(Decimal("2"), TimeUnit.WORKING_DAY, assumed=True), code
        assert text.startswith("Nghị định 23/2015/NĐ-CP Điều 33")


def test_tax_declarations_without_a_processing_time_stay_without_one() -> None:
    """1.007689 says "Không phải trả kết quả cho người nộp thuế": no time limit applies."""
    assert _fallback("1.007689") == (None, "", [])


def test_bare_number_takes_the_unit_the_text_gives_that_number() -> None:
    duration, problems = parsing.parse_time("5", context="thẩm định trong thời hạn 05 ngày làm việc; gửi lại sau 02 ngày")

    assert duration == Duration(Decimal("5"), TimeUnit.WORKING_DAY, assumed=True)
    assert problems[0].detail == "“05 ngay lam viec” → working_day"


def test_a_clock_time_is_not_a_unit_hint() -> None:
    duration, problems = parsing.parse_time("15", context="trường hợp nhận hồ sơ sau 15 giờ thì trả kết quả hôm sau")

    assert duration == Duration(Decimal("15"), TimeUnit.WORKING_DAY, assumed=True)
    assert [p.reason for p in problems] == [Reason.TIME_UNIT_ASSUMED]


def test_bare_number_without_any_hint_assumes_working_days_and_says_so() -> None:
    assert parsing.parse_time("1") == (
        Duration(Decimal("1"), TimeUnit.WORKING_DAY, assumed=True),
        [Problem("time", "1", Reason.TIME_UNIT_ASSUMED)],
    )


def test_no_information_gives_no_time_and_a_problem() -> None:
    assert parsing.parse_time("Không có thông tin") == (None, [Problem("time", "Không có thông tin", Reason.TIME_MISSING)])


def test_zero_is_not_a_time_limit() -> None:
    assert parsing.parse_time("0") == (None, [Problem("time", "0", Reason.TIME_ZERO)])


def test_words_are_not_a_time_limit() -> None:
    assert parsing.parse_time("Không quy định") == (None, [Problem("time", "Không quy định", Reason.TIME_UNPARSED)])


# --- Fees ---------------------------------------------------------------------------------------


def test_free_with_the_province_deciding() -> None:
    head, description, note = parsing.split_fee_and_note(record("1.000094")["channels"][0]["fee_and_note"])

    fee, problems = parsing.parse_fee(head, description)

    assert (head, note) == ("Miễn phí", "")
    assert fee is not None and fee.is_free and fee.amount_vnd is None and fee.decided_by_province
    assert description.startswith("Mức lệ phí cụ thể do Hội đồng nhân dân tỉnh")
    assert problems == []


def test_amount_in_dong_with_description_and_note() -> None:
    raw = (
        "10,000 Việt Nam Đồng(Trường hợp công dân nộp hồ sơ trực tiếp thu 10.000 đồng/lần đăng ký;)"
        "- Nộp hồ sơ trực tiếp tại Công an cấp xã."
    )

    head, description, note = parsing.split_fee_and_note(raw)

    assert head == "10,000 Việt Nam Đồng"
    assert description == "Trường hợp công dân nộp hồ sơ trực tiếp thu 10.000 đồng/lần đăng ký;"
    assert note == "- Nộp hồ sơ trực tiếp tại Công an cấp xã."
    assert parsing.parse_fee(head, description) == (Fee(False, 10000, "10,000 Việt Nam Đồng", description), [])


def test_fee_prefixed_with_le_phi() -> None:
    fee, problems = parsing.parse_fee("Lệ phí: 8.000 đồng", "")

    assert fee == Fee(False, 8000, "Lệ phí: 8.000 đồng", "")
    assert problems == []


def test_amount_in_thousands_is_confirmed_by_the_description() -> None:
    fee, problems = parsing.parse_fee("20 VNĐ", "20.000 vnđ /tờ khai")

    assert fee == Fee(False, 20000, "20 VNĐ", "20.000 vnđ /tờ khai")
    assert [(p.reason, p.detail) for p in problems] == [(Reason.FEE_THOUSANDS, "20,000")]


def test_implausible_amount_is_left_empty() -> None:
    # 1.003133 in person: "40 Việt Nam Đồng" explained as "4.000 đ/giấy thông hành".
    head, description, _note = parsing.split_fee_and_note(record("1.003133")["channels"][2]["fee_and_note"])

    fee, problems = parsing.parse_fee(head, description)

    assert fee is not None and fee.amount_vnd is None and fee.amount_text == "40 Việt Nam Đồng"
    assert [p.reason for p in problems] == [Reason.FEE_IMPLAUSIBLE]


def test_foreign_currency_is_left_empty() -> None:
    head, description, note = parsing.split_fee_and_note("10 USD(/bản)Tại cơ quan đại diện: 10 USD/bản.")

    fee, problems = parsing.parse_fee(head, description)

    assert fee == Fee(False, None, "10 USD", "/bản")
    assert note == "Tại cơ quan đại diện: 10 USD/bản."
    assert [p.reason for p in problems] == [Reason.FEE_FOREIGN_CURRENCY]


def test_no_fee_information_keeps_the_note() -> None:
    head, description, note = parsing.split_fee_and_note("Không có thông tinNộp trực tiếp tại trụ sở Công an cấp xã")

    assert parsing.parse_fee(head, description) == (None, [Problem("fee", "Không có thông tin", Reason.FEE_MISSING)])
    assert note == "Nộp trực tiếp tại trụ sở Công an cấp xã"


def test_free_but_an_amount_in_the_description_is_reported() -> None:
    fee, problems = parsing.parse_fee(
        "Miễn phí", "Lệ phí đối với phương tiện quá cảnh đường thủy (tàu): 500.000 đồng/phương tiện."
    )

    assert fee is not None and fee.is_free
    assert [(p.reason, p.detail) for p in problems] == [(Reason.FEE_FREE_WITH_AMOUNT, "500,000")]


# --- Channels -----------------------------------------------------------------------------------


def test_customs_time_and_fee_run_together_are_split_by_the_description() -> None:
    rows, problems = parsing.parse_channels(
        [{"channel": "Trực tuyến", "time": "120", "fee_and_note": "VNĐ(20.000 vnđ /tờ khai)"}]
    )

    assert [(r.channel, r.time, r.fee) for r in rows] == [
        (
            Channel.ONLINE,
            Duration(Decimal("1"), TimeUnit.WORKING_DAY, assumed=True),
            Fee(False, 20000, "20 VNĐ", "20.000 vnđ /tờ khai"),
        )
    ]
    assert [(p.field, p.reason, p.detail) for p in problems] == [
        ("time", Reason.TIME_FEE_RUN_TOGETHER, "time 1, fee 20"),
        ("time", Reason.TIME_UNIT_ASSUMED, ""),
        ("fee", Reason.FEE_THOUSANDS, "20,000"),
    ]


def test_a_bare_number_takes_the_unit_another_channel_states() -> None:
    rows, _problems = parsing.parse_channels(record("1.007857")["channels"])

    assert [(r.channel, r.time) for r in rows] == [
        (Channel.ONLINE, Duration(Decimal("2"), TimeUnit.HOUR, assumed=True)),
        (Channel.IN_PERSON, Duration(Decimal("2"), TimeUnit.HOUR)),
    ]


def test_channel_names_inside_a_note_do_not_make_new_channels() -> None:
    # 1.003133: "+ Trực tuyến: nộp hồ sơ …" inside the note was split off as a bogus channel.
    rows, problems = parsing.parse_channels(record("1.003133")["channels"])

    assert [r.channel for r in rows] == [Channel.ONLINE, Channel.IN_PERSON]
    assert rows[0].note == "+ Trực tuyến: nộp hồ sơ trực tuyến qua Cổng Dịch vụ công quốc gia hoặc Cổng Dịch vụ công Bộ Công an."
    assert [p.field for p in problems if p.field == "channels"] == []


def test_a_time_in_words_glued_to_the_fee_is_separated() -> None:
    rows, problems = parsing.parse_channels(record("1.008312")["channels"])

    assert [(r.channel, r.time_text, r.fee.is_free if r.fee else None) for r in rows] == [
        (Channel.ONLINE, "Không quy định", True),
        (Channel.POSTAL, "Không quy định", True),
        (Channel.IN_PERSON, "Không quy định", True),
    ]
    assert problems == [Problem("time", "Không quy định", Reason.TIME_UNPARSED)]


def test_lead_time_prefers_in_person_when_channels_disagree() -> None:
    rows, _problems = parsing.parse_channels(record("1.010040")["channels"])

    duration, text, problems = parsing.lead_time(rows)

    assert (duration, text) == (Duration(Decimal("5"), TimeUnit.WORKING_DAY), "5 Ngày làm việc")
    assert [p.reason for p in problems] == [Reason.LEAD_TIME_DISAGREE]


def test_unknown_channel_is_reported() -> None:
    rows, problems = parsing.parse_channels([{"channel": "Fax", "time": "1 Ngày làm việc", "fee_and_note": "Miễn phí"}])

    assert rows == []
    assert problems == [Problem("channels", "Fax", Reason.CHANNEL_UNKNOWN)]


# --- Documents ----------------------------------------------------------------------------------


def test_document_name_form_file_and_quantity_are_separated() -> None:
    documents, problems = parsing.parse_documents(record("1.000253")["required_documents"])

    assert documents.rows == [
        parsing.DocumentRow(
            "",
            "Phiếu khai báo tạm trú cho người nước ngoài (mẫu NA17)",
            "101-Mau A17 tam tru cho nguoi nuoc ngoai.doc",
            "1 bản chính",
            1,
            0,
        )
    ]
    assert problems == []


def test_group_headings_are_kept_and_notes_are_not_documents() -> None:
    documents, _problems = parsing.parse_documents(record("1.002755")["required_documents"])

    barracks = (
        "Gia hạn tạm trú tại nơi đơn vị đóng quân trong Công an nhân dân, Quân đội nhân nhân"
        " (nơi đơn vị đóng quân, nhà ở công vụ) hồ sơ gồm"
    )
    assert [row.group for row in documents.rows] == [
        "Gia hạn tạm trú theo danh sách, hồ sơ gồm",
        "Gia hạn tạm trú theo danh sách, hồ sơ gồm",
        barracks,
        barracks,
        barracks,
        "Hồ sơ gia hạn tạm trú gồm",
    ]
    assert documents.rows[0].form_template == "1.MuCT01banhnhkmtheoThngts53.doc"
    assert (
        documents.rows[0].name
        == "Tờ khai thay đổi thông tin cư trú (của từng người) (Mẫu CT01 ban hành kèm theo Thông tư số 53/2025/TT-BCA)."
    )
    assert documents.note.startswith("Lưu ý:- Trường hợp nộp hồ sơ trực tiếp tại cơ quan đăng ký cư trú")
    assert not any("Lưu ý" in row.name for row in documents.rows)


def test_originals_and_copies_are_counted() -> None:
    documents, _problems = parsing.parse_documents("b) Hóa đơn thương mại: 01 bản chụp;0 bản chính,1 bản sao")

    assert documents.rows == [parsing.DocumentRow("", "Hóa đơn thương mại: 01 bản chụp", "", "0 bản chính,1 bản sao", 0, 1)]


def test_a_tab_before_the_quantity_is_a_cell_boundary() -> None:
    raw = (
        "- Các tài liệu liên quan khác kèm theo (nếu có).\t1 bản chính"
        "- Dự thảo phương án bảo vệ công trình thủy lợi theo Mẫu số 03"
        " tại Phụ lục II ban hành kèm theo Nghị định số 40/2026/NĐ-CP ngày 25/01/2026Mẫu số 03.docx1 bản chính"
    )

    documents, problems = parsing.parse_documents(raw)

    assert [(r.name, r.form_template) for r in documents.rows] == [
        ("Các tài liệu liên quan khác kèm theo (nếu có).", ""),
        (
            "Dự thảo phương án bảo vệ công trình thủy lợi theo Mẫu số 03 tại Phụ lục II"
            " ban hành kèm theo Nghị định số 40/2026/NĐ-CP"
            " ngày 25/01/2026",
            "Mẫu số 03.docx",
        ),
    ]
    assert problems == []


def test_prose_in_the_quantity_column_is_not_a_quantity() -> None:
    documents, _problems = parsing.parse_documents(
        "Tờ khai hải quan: người khai hải quan nộp 02 bản chính tờ khai hàng hóa;1 bản chính"
    )

    assert [(r.name, r.originals) for r in documents.rows] == [
        ("Tờ khai hải quan: người khai hải quan nộp 02 bản chính tờ khai hàng hóa", 1)
    ]


def test_a_document_after_the_last_quantity_is_kept_and_reported() -> None:
    documents, problems = parsing.parse_documents("Tờ khai1 bản chínhBản sao giấy khai sinh")

    assert [(r.name, r.quantity_text) for r in documents.rows] == [("Tờ khai", "1 bản chính"), ("Bản sao giấy khai sinh", "")]
    assert [p.reason for p in problems] == [Reason.DOCUMENT_NO_QUANTITY]


def test_prose_after_the_last_quantity_is_a_note() -> None:
    documents, problems = parsing.parse_documents("Tờ khai1 bản chínhBước 2. Nộp hồ sơ cho cơ quan BHXH")

    assert [(r.name, r.quantity_text) for r in documents.rows] == [("Tờ khai", "1 bản chính")]
    assert documents.note == "Bước 2. Nộp hồ sơ cho cơ quan BHXH"
    assert problems == []


def test_no_documents_is_reported() -> None:
    assert parsing.parse_documents("") == (parsing.Documents(), [Problem("documents", "", Reason.DOCUMENTS_MISSING)])


# --- Legal basis --------------------------------------------------------------------------------


def test_title_and_number_pairs_are_split() -> None:
    refs, problems = parsing.parse_legal_basis(
        "Luật 54/2014/QH1354/2014/QH13Quy định về thủ tục hải quan; kiểm tra, giám sát hải quan.38/2015/TT-BTC"
        "Nghị định 08/2015/NĐ-CP08/2015/NĐ-CP"
    )

    assert refs == [
        LegalRef("Luật 54/2014/QH13", "54/2014/QH13"),
        LegalRef("Quy định về thủ tục hải quan; kiểm tra, giám sát hải quan", "38/2015/TT-BTC"),
        LegalRef("Nghị định 08/2015/NĐ-CP", "08/2015/NĐ-CP"),
    ]
    assert problems == []


def test_a_year_glued_to_the_number_goes_back_to_the_title() -> None:
    assert parsing.parse_legal_basis("Luật Cư trú 202068/2020/QH14") == ([LegalRef("Luật Cư trú 2020", "68/2020/QH14")], [])


def test_a_number_followed_by_a_date_stays_in_the_title() -> None:
    refs, _problems = parsing.parse_legal_basis(
        "Thông tư số 53/2025/TT-BCAngày 01/7/2025 của Bộ Công an sửa đổi Thông tư số 55/2021/TT-BCA.53/2025/TT-BCA"
        "Luật Căn cước26/2023/QH15"
    )

    assert refs == [
        LegalRef("Thông tư số 53/2025/TT-BCA ngày 01/7/2025 của Bộ Công an sửa đổi Thông tư số 55/2021/TT-BCA", "53/2025/TT-BCA"),
        LegalRef("Luật Căn cước", "26/2023/QH15"),
    ]


def test_the_next_title_keeps_its_capital_letter() -> None:
    refs, _problems = parsing.parse_legal_basis("Nghị định 126/2020/NĐ-CP126/2020/NĐ-CPLuật Quản lý thuế38/2019/QH14")

    assert refs == [LegalRef("Nghị định 126/2020/NĐ-CP", "126/2020/NĐ-CP"), LegalRef("Luật Quản lý thuế", "38/2019/QH14")]


def test_prime_minister_decisions_keep_their_lower_case_suffix() -> None:
    refs, _problems = parsing.parse_legal_basis("Luật 49/2019/QH1449/2019/QH14Quyết định số 09/2023/QĐ-TTg09/2023/QĐ-TTg")

    assert refs == [LegalRef("Luật 49/2019/QH14", "49/2019/QH14"), LegalRef("Quyết định số 09/2023/QĐ-TTg", "09/2023/QĐ-TTg")]


def test_text_without_a_number_is_kept_as_a_title_and_reported() -> None:
    refs, problems = parsing.parse_legal_basis("Luật Cư trú 202068/2020/QH14Thông tư hướng dẫn")

    assert refs == [LegalRef("Luật Cư trú 2020", "68/2020/QH14"), LegalRef("Thông tư hướng dẫn", "")]
    assert problems == [Problem("legal_basis", "Thông tư hướng dẫn", Reason.LEGAL_BASIS_NO_NUMBER)]


# --- Small fields ---------------------------------------------------------------------------------


def test_levels_become_flags() -> None:
    assert parsing.parse_levels("Cấp bộ, Cấp tỉnh, Cấp xã") == (parsing.Levels(ministry=True, province=True, commune=True), [])


def test_unknown_level_is_reported() -> None:
    levels, problems = parsing.parse_levels("Cấp huyện, Cấp xã")

    assert levels == parsing.Levels(commune=True)
    assert problems == [Problem("implementing_level", "Cấp huyện, Cấp xã", Reason.LEVEL_UNKNOWN, detail="cap huyen")]


def test_agencies_are_split_on_commas_before_capitals_only() -> None:
    assert parsing.split_agencies("Cục Thuế - Bộ tài chính, Thuế tỉnh, thành phố, Thuế cơ sở") == [
        "Cục Thuế - Bộ tài chính",
        "Thuế tỉnh, thành phố",
        "Thuế cơ sở",
    ]
    assert parsing.split_agencies("Ủy ban Nhân dân\xa0xã,\xa0phường,\xa0thị trấn.") == ["Ủy ban Nhân dân xã, phường, thị trấn"]


def test_results_get_one_line_each_with_their_code() -> None:
    assert parsing.parse_results(record("1.003677")["result"]) == (
        "Thông báo kết quả giải quyết thủ tục về cư trú, hủy bỏ thủ tục về cư trú (KQ.G01.000065)\n"
        "Cập nhật thông tin trong Cơ sở dữ liệu về cư trú (KQ.G01.000066)\n"
        "Phiếu khai báo tạm vắng (CT03) (KQ.G01.000061)"
    )


# --- Arbitrary text -----------------------------------------------------------------------------

_TEXT = st.text(alphabet=st.characters(codec="utf-8"), max_size=300) | st.sampled_from(
    ["", "Không có thông tin", "1", "120,000", "0 bản chính,1 bản sao", "Tên giấy tờMẫu đơn, tờ khaiSố lượng", "VNĐ(", "((("]
)


@settings(max_examples=200, deadline=None)
@given(_TEXT, _TEXT)
def test_time_and_fee_parsers_never_raise(raw: str, context: str) -> None:
    parsing.parse_time(raw, context=context)
    head, description, _note = parsing.split_fee_and_note(raw)
    parsing.parse_fee(head, description)


@settings(max_examples=200, deadline=None)
@given(_TEXT)
def test_document_legal_and_level_parsers_never_raise(raw: str) -> None:
    documents, _p = parsing.parse_documents(raw)
    parsing.parse_legal_basis(raw)
    parsing.parse_levels(raw)
    parsing.split_agencies(raw)
    parsing.parse_results(raw)
    assert all(row.name or row.form_template for row in documents.rows)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.fixed_dictionaries({"channel": _TEXT, "time": _TEXT, "fee_and_note": _TEXT}), max_size=5) | st.none() | _TEXT)
def test_channel_parser_never_raises(entries: object) -> None:
    rows, _problems = parsing.parse_channels(entries)
    parsing.lead_time(rows)


@settings(max_examples=200, deadline=None)
@given(_TEXT, _TEXT, _TEXT)
def test_lead_time_fallback_never_raises_and_same_day_is_always_zero(sector: str, name: str, steps: str) -> None:
    """RULES.md §1.6: a same-day lead time has the value 0; any other found one is positive."""
    duration, _text, problems = parsing.lead_time_fallback(sector=sector, name=name, steps=steps)

    if duration is None:
        assert problems == []
    elif duration.unit == TimeUnit.SAME_DAY:
        assert duration.value == 0 and duration.assumed
    else:
        assert duration.value > 0 and duration.assumed


# --- Checklists: documents versus prose (issue 10 item 3) -----------------------------------------


def test_birth_registration_keeps_its_documents_and_turns_the_prose_into_notes() -> None:
    documents, problems = parsing.parse_documents(record("1.001193")["required_documents"])

    assert [(row.group, row.name[:30], row.conditional) for row in documents.rows] == [
        ("Giấy tờ phải nộp", "Văn bản ủy quyền (được chứng t", True),
        ("Giấy tờ phải nộp", "Giấy chứng sinh", False),
        ("Giấy tờ phải xuất trình", "Giấy tờ có giá trị chứng minh ", True),
        ("Giấy tờ phải xuất trình", "Hộ chiếu/Thẻ căn cước công dân", False),
        ("", "Tờ khai đăng ký khai sinh theo", False),
        ("", "Mẫu hộ tịch điện tử tương tác ", False),
    ]
    assert len(documents.note.splitlines()) == 29  # 27 paragraphs of prose and 2 group headings
    assert problems == []


def test_a_trường_hợp_row_with_a_quantity_is_a_note() -> None:
    raw = (
        "- Trường hợp trẻ em bị bỏ rơi thì phải có biên bản về việc trẻ bị bỏ rơi do cơ quan có thẩm quyền lập.1 bản chính"
        "- Giấy chứng sinh1 bản chính"
    )

    documents, _problems = parsing.parse_documents(raw)

    assert [row.name for row in documents.rows] == ["Giấy chứng sinh"]
    assert documents.note == (
        "Trường hợp trẻ em bị bỏ rơi thì phải có biên bản về việc trẻ bị bỏ rơi do cơ quan có thẩm quyền lập."
    )


def test_a_list_lead_in_is_a_note() -> None:
    raw = (
        "- Người có yêu cầu đăng ký khai sinh thực hiện việc nộp/xuất trình các giấy tờ sau:0 bản chính"
        "- Tờ khai đăng ký khai sinh theo mẫu;1 bản chính"
    )

    documents, _problems = parsing.parse_documents(raw)

    assert [(row.name, row.originals) for row in documents.rows] == [("Tờ khai đăng ký khai sinh theo mẫu", 1)]
    assert documents.note == "Người có yêu cầu đăng ký khai sinh thực hiện việc nộp/xuất trình các giấy tờ sau:"


def test_the_explanation_after_a_document_is_the_row_note() -> None:
    name, note = parsing.split_document_name(
        "Giấy chứng sinh; trường hợp không có Giấy chứng sinh thì nộp văn bản của người làm chứng xác nhận về việc sinh"
    )

    assert (name, note) == (
        "Giấy chứng sinh",
        "Trường hợp không có Giấy chứng sinh thì nộp văn bản của người làm chứng xác nhận về việc sinh",
    )


def test_a_second_sentence_glued_to_a_document_is_the_row_note() -> None:
    name, note = parsing.split_document_name(
        "01 đơn trình báo mất hộ chiếu phổ thông (mẫu TK05) của Bộ Công an. Đối với người mất năng lực hành vi dân sự"
    )

    assert (name, note) == (
        "01 đơn trình báo mất hộ chiếu phổ thông (mẫu TK05) của Bộ Công an.",
        "Đối với người mất năng lực hành vi dân sự",
    )


def test_a_case_then_a_document_keeps_the_document_and_the_case_as_its_note() -> None:
    documents, _problems = parsing.parse_documents(
        "Đối với cấp lại Giấy chứng nhận đăng ký tổ hợp tác do bị mất:"
        " Giấy đề nghị cấp lại Giấy chứng nhận đăng ký tổ hợp tác1 bản chính"
    )

    assert documents.rows == [
        parsing.DocumentRow(
            "",
            "Giấy đề nghị cấp lại Giấy chứng nhận đăng ký tổ hợp tác",
            "",
            "1 bản chính",
            1,
            0,
            "Đối với cấp lại Giấy chứng nhận đăng ký tổ hợp tác do bị mất.",
            True,
        )
    ]


def test_a_customs_document_counted_in_its_text_stays_a_document() -> None:
    documents, _problems = parsing.parse_documents("Vận tải đơn hàng nhập khẩu: 01 bản chụp.0 bản chính")

    assert [(r.name, r.originals, r.copies) for r in documents.rows] == [("Vận tải đơn hàng nhập khẩu: 01 bản chụp.", 0, 0)]


def test_a_document_repeated_in_the_same_group_is_listed_once() -> None:
    documents, _problems = parsing.parse_documents(record("1.007881")["required_documents"])

    assert [row.name for row in documents.rows].count("Văn bản đề nghị xin tái xuất (01 bản chính)") == 1


def test_prose_is_recognised_by_its_first_words_case_and_colon() -> None:
    assert [
        parsing.is_prose(text)
        for text in (
            "Trường hợp gửi hồ sơ qua hệ thống bưu chính thì phải gửi kèm bản sao",
            "+ Người tiếp nhận có trách nhiệm tiếp nhận đúng, đủ hồ sơ",
            "); nộp hồ sơ cho cơ quan BHXH",
            "- Đối với giấy tờ gửi kèm theo nếu người yêu cầu nộp hồ sơ theo hình thức trực tuyến:",
            "a) Tờ khai hải quan: 02 bản chính;",
            "Giấy chứng sinh",
        )
    ] == [True, True, True, True, False, False]


def test_repeated_fee_words_are_dropped() -> None:
    assert parsing.drop_repeated_words("miễn phí miễn phí miễn phí") == "miễn phí"
    assert parsing.drop_repeated_words("trong trường hợp hợp tác xã") == "trong trường hợp hợp tác xã"


def test_a_fee_head_said_twice_is_read_once() -> None:
    fee, problems = parsing.parse_fee("Miễn phí", "Miễn phí Miễn phí")

    assert (fee, problems) == (Fee(True, None, "Miễn phí", "Miễn phí"), [])


def test_a_lead_in_before_a_colon_then_a_document_keeps_the_document() -> None:
    documents, _problems = parsing.parse_documents(
        "Thành phần hồ sơ: Hợp đồng mua bán hàng hoá, hoá đơn thương mại; chứng từ bảo hiểm (nếu có)1 bản chính"
    )

    assert [(r.name, r.note) for r in documents.rows] == [
        ("Hợp đồng mua bán hàng hoá, hoá đơn thương mại; chứng từ bảo hiểm (nếu có)", "Thành phần hồ sơ.")
    ]


def test_a_lower_cased_document_stays_a_document() -> None:
    documents, _problems = parsing.parse_documents("bản chính văn bản đề nghị phục hồi hoạt động (Mẫu số PC15)1 bản chính")

    assert [r.name for r in documents.rows] == ["Bản chính văn bản đề nghị phục hồi hoạt động (Mẫu số PC15)"]
