"""The printed forms: each renders a valid PDF whose text holds the Vietnamese content."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import unicodedata
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import segno
from django.contrib.auth.models import User
from django.test import override_settings
from openpyxl import load_workbook
from pypdf import PdfReader

from motcua.core.choices import AgencyKind, Role
from motcua.core.exceptions import DomainError
from motcua.core.services import staff_ensure
from motcua.core.tests.factories import PASSWORD
from motcua.dossiers import slips
from motcua.dossiers.choices import DossierAction, SlipForm
from motcua.dossiers.models import Dossier, Slip
from motcua.dossiers.services import ActionInput, dossier_act, dossier_receive
from motcua.dossiers.slips import (
    BOOK_COLUMNS,
    lead_time_text,
    lookup_url,
    qr_code,
    render_slip_pdf,
    render_tracking_book_pdf,
    render_tracking_book_xlsx,
)
from motcua.dossiers.tests.factories import PERSONAL_ID, commune_agencies, intake, procedure

pytestmark = pytest.mark.django_db
VN = ZoneInfo("Asia/Ho_Chi_Minh")
A4_POINTS = (595, 842)  # 210 × 297 mm, rounded


def at(day: str, hm: str = "10:00") -> dt.datetime:
    return dt.datetime.fromisoformat(f"{day}T{hm}").replace(tzinfo=VN)


def pdf_text(pdf: bytes) -> str:
    """All pages' text as a reader would copy it, whitespace collapsed (not normalised: the
    PDF itself must hold precomposed text)."""
    reader = PdfReader(io.BytesIO(pdf))
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))


def page_sizes(pdf: bytes) -> list[tuple[int, int]]:
    return [(round(float(p.mediabox.width)), round(float(p.mediabox.height))) for p in PdfReader(io.BytesIO(pdf)).pages]


def _staff(username: str, role: Role, full_name: str, kind: AgencyKind = AgencyKind.SERVICE_CENTRE) -> User:
    agency = commune_agencies()[kind]
    return staff_ensure(username=username, agency=agency, roles=[role], password=PASSWORD, full_name=full_name).user


@pytest.fixture
def officer() -> User:
    procedure()
    return _staff("officer", Role.RECEPTION_OFFICER, "Trần Thị Bình")


@pytest.fixture
def leader() -> User:
    return _staff("leader", Role.LEADER, "Lê Văn Cường", kind=AgencyKind.PEOPLES_COMMITTEE)


def _received(officer: User, **overrides: object) -> Dossier:
    return dossier_receive(actor=officer, intake=intake(**overrides), now=at("2026-03-02")).dossier


# --- BM.01 -------------------------------------------------------------------------------------


def test_receipt_is_one_a4_page(officer: User) -> None:
    dossier = _received(officer)

    pdf = render_slip_pdf(dossier=dossier, form=SlipForm.RECEIPT)

    assert pdf.startswith(b"%PDF-")
    assert page_sizes(pdf) == [A4_POINTS]


def test_receipt_prints_header_code_applicant_times_and_number(officer: User) -> None:
    dossier = _received(officer)
    slip = Slip.objects.get(dossier=dossier, form=SlipForm.RECEIPT)

    text = pdf_text(render_slip_pdf(dossier=dossier, form=SlipForm.RECEIPT))

    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "Độc lập - Tự do - Hạnh phúc" in text
    assert "UBND XÃ PHÚ TÂN TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG Số:" in text  # RULES.md §1.5: two lines
    assert "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ" in text
    assert f"Số: {slip.number}" in text
    assert "Phú Tân, ngày 02 tháng 03 năm 2026" in text
    assert f"Mã hồ sơ: {dossier.code}" in text
    assert "Ông/Bà: Nguyễn Văn An" in text
    assert f"Số định danh cá nhân: {PERSONAL_ID}" in text
    assert "Thời gian giải quyết hồ sơ theo quy định là: 5 ngày làm việc" in text
    assert "Thời gian nhận hồ sơ: 10:00 02/03/2026" in text
    assert "Thời gian trả kết quả giải quyết hồ sơ: 17:00 09/03/2026" in text
    assert "1. Tờ khai đăng ký khai sinh" in text
    assert "Quyển số: 01/2026, Số thứ tự: 1." in text
    assert "Trần Thị Bình" in text
    assert "BM.01" in text


def test_receipt_keeps_the_appointment_printed_at_receipt_after_the_due_date_moves(officer: User, leader: User) -> None:
    dossier = _received(officer)
    dossier_act(
        actor=leader,
        code=dossier.code,
        action=DossierAction.APOLOGIZE,
        data=ActionInput(reason="Chờ xác minh", new_due_at=at("2026-03-12", "17:00")),
        now=at("2026-03-05"),
    )

    text = pdf_text(render_slip_pdf(dossier=Dossier.objects.get(pk=dossier.pk), form=SlipForm.RECEIPT))

    assert "Thời gian trả kết quả giải quyết hồ sơ: 17:00 09/03/2026" in text


def test_decomposed_input_prints_the_same_text_as_precomposed(officer: User) -> None:
    dossier = _received(officer)
    nfc_text = pdf_text(render_slip_pdf(dossier=dossier, form=SlipForm.RECEIPT))
    nfd_name = "Nguye\u0302\u0303n Va\u0306n An"
    Dossier.objects.filter(pk=dossier.pk).update(
        applicant_name=nfd_name, applicant_address=unicodedata.normalize("NFD", "Ấp Cái Đôi, Xã Phú Tân, Tỉnh Cà Mau")
    )

    nfd_text = pdf_text(render_slip_pdf(dossier=Dossier.objects.get(pk=dossier.pk), form=SlipForm.RECEIPT))

    assert nfd_name != "Nguyễn Văn An"
    assert "Nguyễn Văn An" in nfd_text
    assert unicodedata.is_normalized("NFC", nfd_text)
    assert nfd_text == nfc_text


def test_receipt_of_an_authorised_submitter_names_both(officer: User) -> None:
    dossier = _received(
        officer,
        representative_name="Phạm Thị Dung",
        representative_id_number="096185000123",
        authorisation_note="Giấy ủy quyền số 12/UQ ngày 01/03/2026",
    )

    text = pdf_text(render_slip_pdf(dossier=dossier, form=SlipForm.RECEIPT))

    assert "Người nộp hồ sơ theo ủy quyền: Phạm Thị Dung" in text
    assert "Giấy ủy quyền: Giấy ủy quyền số 12/UQ ngày 01/03/2026" in text


def test_receipt_with_many_documents_stays_on_one_page(officer: User) -> None:
    dossier = _received(
        officer,
        representative_name="Phạm Thị Dung",
        representative_id_number="096185000123",
        authorisation_note="Giấy ủy quyền số 12/UQ",
    )
    for position in range(2, 11):
        dossier.documents.create(position=position, name=f"Bản sao giấy tờ chứng minh nhân thân số {position} có chứng thực")

    pdf = render_slip_pdf(dossier=dossier, form=SlipForm.RECEIPT)

    assert len(page_sizes(pdf)) == 1
    assert "10. Bản sao giấy tờ chứng minh nhân thân số 10 có chứng thực" in pdf_text(pdf)


def test_qr_code_holds_the_public_lookup_address(officer: User) -> None:
    dossier = _received(officer)

    with override_settings(MOTCUA_PUBLIC_URL="https://motcua.phutan.camau.gov.vn/"):
        url = lookup_url(dossier.code)

    assert url == f"https://motcua.phutan.camau.gov.vn/tra-cuu/?code={dossier.code}"


def test_qr_code_on_the_printed_receipt_scans_to_the_lookup_address(officer: User) -> None:
    zxingcpp = pytest.importorskip("zxingcpp")
    from PIL import Image

    dossier = _received(officer)
    slip = Slip.objects.get(dossier=dossier, form=SlipForm.RECEIPT)
    data = json.dumps(slips._nfc_all(slips._receipt_data(dossier, slip)))  # the PDF's data, drawn as a picture

    png = slips._compiler(()).compile(str(slips.TEMPLATE_DIR / "bm01.typ"), format="png", ppi=150, sys_inputs={"data": data})
    assert isinstance(png, bytes)
    found = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))

    assert [code.text for code in found] == [lookup_url(dossier.code)]


@pytest.mark.parametrize("length", [1, 20, 60, 120, 250])
def test_qr_code_is_the_symbol_segno_would_make(length: int) -> None:
    urls = [f"https://dichvucong.phutan.camau.gov.vn/tra-cuu/?code={n:03d}" + "A.1-" * length for n in range(8)]

    ours = [qr_code(url) for url in urls]
    reference = [segno.make(url, error="m", micro=False) for url in urls]

    assert [(q.version, q.error, q.mask, q.matrix) for q in ours] == [(q.version, q.error, q.mask, q.matrix) for q in reference]


def test_form_label_comes_from_the_setting(officer: User) -> None:
    dossier = _received(officer)

    with override_settings(MOTCUA_SLIP_FORM_LABELS={"BM01": "Mẫu số 01"}):
        text = pdf_text(render_slip_pdf(dossier=dossier, form=SlipForm.RECEIPT))

    assert "Mẫu số 01" in text
    assert "BM.01" not in text


def test_lead_time_in_hours_reads_in_vietnamese(officer: User) -> None:
    procedure("2.000815", days=2, unit="hour", name="Chứng thực bản sao từ bản chính")

    dossier = _received(officer, procedure_code="2.000815")

    assert lead_time_text(dossier) == "2 giờ"


def test_same_day_lead_time_reads_trong_ngay() -> None:
    """RULES.md §1.6: a same-day procedure prints "Trong ngày", not "0 …" or "1 ngày làm việc"."""
    dossier = Dossier(procedure_snapshot={"lead_time_value": "0", "lead_time_unit": "same_day"})

    assert lead_time_text(dossier) == "Trong ngày"


# --- BM.02, BM.03, BM.04, stop notice ----------------------------------------------------------


def test_supplement_request_lists_items_reason_and_number(officer: User) -> None:
    dossier = _received(officer)
    dossier_act(
        actor=officer,
        code=dossier.code,
        action=DossierAction.REQUEST_SUPPLEMENT,
        data=ActionInput(items=["Bản sao giấy chứng nhận kết hôn", "Giấy xác nhận cư trú"], reason="Thiếu giấy tờ"),
        now=at("2026-03-03"),
    )
    slip = Slip.objects.get(dossier=dossier, form=SlipForm.SUPPLEMENT)

    pdf = render_slip_pdf(dossier=dossier, form=SlipForm.SUPPLEMENT)
    text = pdf_text(pdf)

    assert pdf.startswith(b"%PDF-")
    assert slip.number == "0001/PBS-TTPVHCC"
    assert "Số: 0001/PBS-TTPVHCC" in text
    assert "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ" in text
    assert "1. Bản sao giấy chứng nhận kết hôn" in text
    assert "2. Giấy xác nhận cư trú" in text
    assert "Lý do: Thiếu giấy tờ" in text
    assert "Nguyễn Văn An" in text and dossier.code in text
    assert "NGƯỜI HƯỚNG DẪN" in text and "Trần Thị Bình" in text


def test_latest_slip_of_the_form_is_printed_by_default(officer: User, leader: User) -> None:
    dossier = _received(officer)
    # The second request is a leader's override of the one-request rule (RULES.md §1.4 row 3b).
    for day, item, actor, override in (
        ("2026-03-03", "Giấy tờ thứ nhất", officer, ""),
        ("2026-03-04", "Giấy tờ thứ hai", leader, "Bản sao lần trước không hợp lệ"),
    ):
        dossier_act(
            actor=actor,
            code=dossier.code,
            action=DossierAction.REQUEST_SUPPLEMENT,
            data=ActionInput(items=[item], reason="Thiếu", override=bool(override), override_reason=override),
            now=at(day),
        )
        dossier_act(actor=officer, code=dossier.code, action=DossierAction.SUPPLEMENT, now=at(day, "14:00"))
    first = Slip.objects.filter(dossier=dossier, form=SlipForm.SUPPLEMENT).order_by("issued_at").first()

    latest = pdf_text(render_slip_pdf(dossier=dossier, form=SlipForm.SUPPLEMENT))
    chosen = pdf_text(render_slip_pdf(dossier=dossier, form=SlipForm.SUPPLEMENT, slip=first))

    assert "1. Giấy tờ thứ hai" in latest and "Số: 0002/PBS-TTPVHCC" in latest
    assert "1. Giấy tờ thứ nhất" in chosen and "Số: 0001/PBS-TTPVHCC" in chosen


def test_refusal_of_an_online_submission_prints_the_reason(officer: User) -> None:
    """RULES.md §1.4 row 3c: BM.03 to an online applicant (a received dossier is never refused)."""
    dossier = dossier_receive(actor=officer, intake=intake(), online=True, now=at("2026-03-02")).dossier
    dossier_act(
        actor=officer,
        code=dossier.code,
        action=DossierAction.REFUSE,
        data=ActionInput(reason="Không thuộc thẩm quyền"),
        now=at("2026-03-03"),
    )

    text = pdf_text(render_slip_pdf(dossier=dossier, form=SlipForm.REFUSAL))

    assert "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ" in text
    assert "Số: 0001/PTC-TTPVHCC" in text
    assert "Không thuộc thẩm quyền" in text
    assert "Nguyễn Văn An" in text and dossier.code in text


def test_apology_prints_old_and_new_due_times_under_the_committee(officer: User, leader: User) -> None:
    dossier = _received(officer)  # due 09/03 17:00
    dossier_act(
        actor=leader,
        code=dossier.code,
        action=DossierAction.APOLOGIZE,
        data=ActionInput(reason="Chờ kết quả xác minh", new_due_at=at("2026-03-12", "17:00")),
        now=at("2026-03-05"),
    )

    text = pdf_text(render_slip_pdf(dossier=dossier, form=SlipForm.APOLOGY))

    assert "PHIẾU XIN LỖI VÀ ĐỀ NGHỊ GIA HẠN THỜI GIAN GIẢI QUYẾT" in text
    assert "Số: 0001/PXL " in text  # RULES.md §1.5: the competent agency issues BM.04, no -TTPVHCC
    assert "ỦY BAN NHÂN DÂN TỈNH CÀ MAU" in text  # the committee's own governing body
    assert "Thời hạn trả kết quả giải quyết hồ sơ: 17:00 09/03/2026" in text
    assert "17:00 12/03/2026" in text
    assert "Chờ kết quả xác minh" in text
    assert "Kính gửi: Nguyễn Văn An" in text
    assert "Lê Văn Cường" in text


def test_stop_notice_prints_the_reason(officer: User) -> None:
    dossier = _received(officer)
    dossier_act(
        actor=officer,
        code=dossier.code,
        action=DossierAction.STOP,
        data=ActionInput(reason="Người nộp xin rút hồ sơ"),
        now=at("2026-03-03"),
    )

    text = pdf_text(render_slip_pdf(dossier=dossier, form=SlipForm.STOP_NOTICE))

    assert "THÔNG BÁO DỪNG GIẢI QUYẾT HỒ SƠ" in text
    assert "Người nộp xin rút hồ sơ" in text
    assert "Nguyễn Văn An" in text and dossier.code in text


def test_never_issued_form_is_a_404_domain_error(officer: User) -> None:
    dossier = _received(officer)

    with pytest.raises(DomainError) as excinfo:
        render_slip_pdf(dossier=dossier, form=SlipForm.REFUSAL)

    assert (excinfo.value.code, excinfo.value.status_code) == ("slip_not_issued", 404)


def test_tracking_book_is_not_a_per_dossier_form(officer: User) -> None:
    dossier = _received(officer)

    with pytest.raises(DomainError) as excinfo:
        render_slip_pdf(dossier=dossier, form=SlipForm.TRACKING_BOOK)

    assert excinfo.value.code == "slip_form_not_per_dossier"


def test_a_slip_of_another_form_is_refused(officer: User) -> None:
    dossier = _received(officer)
    receipt = Slip.objects.get(dossier=dossier, form=SlipForm.RECEIPT)

    with pytest.raises(ValueError, match="is not a BM03"):
        render_slip_pdf(dossier=dossier, form=SlipForm.REFUSAL, slip=receipt)


# --- BM.05 -------------------------------------------------------------------------------------


def test_control_sheet_lists_each_hand_over_with_people_times_and_results(officer: User, leader: User) -> None:
    specialist = _staff("spec", Role.SPECIALIST, "Võ Minh Đức", kind=AgencyKind.PEOPLES_COMMITTEE)
    police = commune_agencies()[AgencyKind.SERVICE_CENTRE].unit.agencies.create(
        kind=AgencyKind.COMMUNE_POLICE, name="Công an xã Phú Tân"
    )
    policeman = staff_ensure(username="police", agency=police, roles=[Role.SPECIALIST], full_name="Huỳnh Văn Em").user
    committee = commune_agencies()[AgencyKind.PEOPLES_COMMITTEE]
    dossier = _received(officer)  # due 09/03 17:00
    dossier_act(
        actor=officer,
        code=dossier.code,
        action=DossierAction.TRANSFER,
        data=ActionInput(agency_id=police.pk, step_days=Decimal(1)),
        now=at("2026-03-02", "14:00"),
    )
    dossier_act(
        actor=policeman,
        code=dossier.code,
        action=DossierAction.TRANSFER,
        data=ActionInput(agency_id=committee.pk, receiver_id=specialist.pk, reason="Đã xác minh cư trú"),
        now=at("2026-03-04", "09:30"),
    )
    dossier_act(actor=specialist, code=dossier.code, action=DossierAction.PROPOSE, now=at("2026-03-05", "08:00"))
    dossier_act(
        actor=leader,
        code=dossier.code,
        action=DossierAction.APPROVE,
        data=ActionInput(result_summary="Đã cấp Giấy khai sinh"),
        now=at("2026-03-05", "08:15"),
    )
    dossier_act(actor=officer, code=dossier.code, action=DossierAction.MARK_READY, now=at("2026-03-05", "10:00"))

    pdf = render_slip_pdf(dossier=Dossier.objects.get(pk=dossier.pk), form=SlipForm.CONTROL_SHEET)
    text = pdf_text(pdf)

    assert pdf.startswith(b"%PDF-")
    assert "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ" in text
    assert f"Mã hồ sơ: {dossier.code}" in text
    assert "Cơ quan phối hợp giải quyết hồ sơ: Công an xã Phú Tân" in text
    assert "Giao: 14:00 02/03/2026 Người giao: Trần Thị Bình" in text
    assert "Quá hạn" in text  # police step: due 03/03 14:00, done 04/03
    assert "Giao: 09:30 04/03/2026 Người giao: Huỳnh Văn Em" in text
    assert "Nhận: 09:30 04/03/2026 Người nhận: Võ Minh Đức" in text
    assert "Đã xác minh cư trú" in text
    assert "Trước hạn" in text  # committee step: due 09/03, done 05/03
    assert "Giao: 08:15 05/03/2026 Người giao: Lê Văn Cường" in text
    assert "Nhận: 10:00 05/03/2026 Người nhận: Trần Thị Bình" in text
    assert "Công an xã Phú Tân Hạn: 14:00 03/03/2026" in text
    assert "UBND Phú Tân Hạn: 17:00 09/03/2026" in text
    assert "Trung tâm Phục vụ hành chính công xã Phú Tân Giao" in text  # the hand-back row
    assert "BM.05" in text


def test_control_sheet_of_a_dossier_not_yet_transferred_says_so(officer: User) -> None:
    dossier = _received(officer)

    text = pdf_text(render_slip_pdf(dossier=dossier, form=SlipForm.CONTROL_SHEET))

    assert "Hồ sơ chưa được chuyển đến cơ quan giải quyết." in text


# --- BM.06 -------------------------------------------------------------------------------------


def test_tracking_book_xlsx_has_the_header_and_one_row_per_dossier(officer: User) -> None:
    first = _received(officer)
    second = _received(officer)
    agency = commune_agencies()[AgencyKind.SERVICE_CENTRE]

    content = render_tracking_book_xlsx(dossiers=Dossier.objects.order_by("code"), agency=agency, title_period="Tháng 03/2026")
    rows = list(load_workbook(io.BytesIO(content), read_only=True).active.iter_rows(values_only=True))

    assert rows[0] == BOOK_COLUMNS
    assert len(rows) == 3
    assert rows[1][:6] == (
        1,
        first.code,
        "Thủ tục đăng ký khai sinh",
        "Nguyễn Văn An",
        "Ấp Cái Đôi, Xã Phú Tân, Tỉnh Cà Mau, 0912345678",
        "UBND Phú Tân",
    )
    assert rows[1][6:10] == (dt.datetime(2026, 3, 2, 10, 0), dt.datetime(2026, 3, 9, 17, 0), None, "Trực tiếp")
    assert rows[2][:2] == (2, second.code)


def test_tracking_book_pdf_lists_every_dossier_on_landscape_a4(officer: User) -> None:
    dossiers = [_received(officer) for _ in range(3)]
    agency = commune_agencies()[AgencyKind.SERVICE_CENTRE]

    pdf = render_tracking_book_pdf(dossiers=dossiers, agency=agency, title_period="Tháng 03/2026")
    text = pdf_text(pdf)

    assert page_sizes(pdf) == [(A4_POINTS[1], A4_POINTS[0])]
    assert "SỔ THEO DÕI HỒ SƠ" in text and "Tháng 03/2026" in text
    assert [d.code in text for d in dossiers] == [True, True, True]


# --- How the result is delivered (BM.01 "Nhận kết quả tại", BM.06 "Phương thức nhận kết quả") --


def test_receipt_says_the_result_comes_by_post_to_the_applicants_address(officer: User) -> None:
    dossier = _received(officer, result_delivery="postal")

    text = pdf_text(render_slip_pdf(dossier=dossier, form=SlipForm.RECEIPT))

    assert dossier.result_delivery == "postal"
    assert "Nhận kết quả tại: qua dịch vụ bưu chính công ích, tại địa chỉ: Ấp Cái Đôi, Xã Phú Tân" in text


def test_receipt_of_a_result_collected_at_the_desk_names_the_desk(officer: User) -> None:
    text = pdf_text(render_slip_pdf(dossier=_received(officer), form=SlipForm.RECEIPT))

    assert "Nhận kết quả tại: Trung tâm Phục vụ hành chính công xã Phú Tân" in text


def test_tracking_book_shows_the_chosen_delivery(officer: User) -> None:
    postal = _received(officer, result_delivery="postal")
    online = _received(officer, result_delivery="online")
    agency = commune_agencies()[AgencyKind.SERVICE_CENTRE]

    content = render_tracking_book_xlsx(dossiers=Dossier.objects.order_by("id"), agency=agency, title_period="Tháng 03/2026")
    rows = list(load_workbook(io.BytesIO(content), read_only=True).active.iter_rows(values_only=True))

    assert [(row[1], row[9]) for row in rows[1:]] == [(postal.code, "Bưu chính công ích"), (online.code, "Trực tuyến")]


def test_rows_from_before_the_delivery_field_keep_what_the_book_showed(officer: User) -> None:
    import importlib

    from django.apps import apps as django_apps

    online = _received(officer, channel="online")
    at_desk = _received(officer)
    Dossier.objects.update(result_delivery="in_person")

    importlib.import_module("motcua.dossiers.migrations.0003_result_delivery").delivery_from_channel(django_apps, None)

    assert Dossier.objects.get(pk=online.pk).result_delivery == "online"
    assert Dossier.objects.get(pk=at_desk.pk).result_delivery == "in_person"


def test_tracking_book_defuses_a_name_written_as_a_formula(officer: User) -> None:
    """Issue 9 item 9 (OWASP CSV injection): a typed name never becomes a formula in BM.06."""
    dossier = _received(officer)
    Dossier.objects.filter(pk=dossier.pk).update(applicant_name='=HYPERLINK("http://evil.example","Xem")')
    agency = commune_agencies()[AgencyKind.SERVICE_CENTRE]

    content = render_tracking_book_xlsx(
        dossiers=Dossier.objects.filter(pk=dossier.pk), agency=agency, title_period="Tháng 03/2026"
    )
    rows = list(load_workbook(io.BytesIO(content), read_only=True).active.iter_rows(values_only=True))

    assert rows[1][3] == '\'=HYPERLINK("http://evil.example","Xem")'


# --- Numbers, book, header and signers (RULES.md §1.5) ------------------------------------------


def test_receipt_prints_the_book_number_and_its_sequence_rules_1_5(officer: User) -> None:
    """One tracking book per receiving agency per year; the sequence runs within the book."""
    _received(officer)
    second = _received(officer)
    next_year = dossier_receive(actor=officer, intake=intake(), now=at("2027-01-04")).dossier

    receipt = Slip.objects.get(dossier=second, form=SlipForm.RECEIPT)
    text = pdf_text(render_slip_pdf(dossier=second, form=SlipForm.RECEIPT))
    text_2027 = pdf_text(render_slip_pdf(dossier=next_year, form=SlipForm.RECEIPT))

    assert (receipt.data["book"], receipt.data["book_serial"]) == ("01/2026", 2)
    assert "Quyển số: 01/2026, Số thứ tự: 2." in text
    assert "Quyển số: 01/2027, Số thứ tự: 1." in text_2027


def test_apology_number_is_the_competent_agencys_pxl_without_the_centre_suffix_rules_1_5(officer: User, leader: User) -> None:
    dossier = _received(officer)

    dossier_act(
        actor=leader,
        code=dossier.code,
        action=DossierAction.APOLOGIZE,
        data=ActionInput(reason="Chờ xác minh", new_due_at=at("2026-03-12", "17:00")),
        now=at("2026-03-05"),
    )

    slip = Slip.objects.get(dossier=dossier, form=SlipForm.APOLOGY)
    assert slip.number == "0001/PXL"
    assert slip.agency == commune_agencies()[AgencyKind.PEOPLES_COMMITTEE]
    assert "TTPVHCC" not in pdf_text(render_slip_pdf(dossier=dossier, form=SlipForm.APOLOGY))


def test_centre_forms_have_the_two_line_commune_header_and_a_ttpvhcc_number_rules_1_5(officer: User) -> None:
    # A received dossier is never refused (RULES.md §1.4 row 2): BM.03 goes to an online submission.
    portal = _staff("portal", Role.RECEPTION_OFFICER, "Cổng Dịch vụ công")
    dossier = dossier_receive(actor=portal, intake=intake(channel="online"), online=True, now=at("2026-03-02")).dossier
    dossier_act(
        actor=officer,
        code=dossier.code,
        action=DossierAction.REFUSE,
        data=ActionInput(reason="Không thuộc thẩm quyền"),
        now=at("2026-03-03"),
    )

    text = pdf_text(render_slip_pdf(dossier=dossier, form=SlipForm.REFUSAL))

    assert text.startswith("BM.03 UBND XÃ PHÚ TÂN TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG Số: 0001/PTC-TTPVHCC CỘNG HÒA")


def test_control_sheet_carries_the_number_given_at_receipt_rules_1_5(officer: User) -> None:
    dossier = _received(officer)

    slip = Slip.objects.get(dossier=dossier, form=SlipForm.CONTROL_SHEET)
    text = pdf_text(render_slip_pdf(dossier=dossier, form=SlipForm.CONTROL_SHEET))

    assert slip.number == "0001/PKS-TTPVHCC"
    assert "Số: 0001/PKS-TTPVHCC" in text


def test_tracking_book_prints_its_number_and_each_dossiers_book_sequence_rules_1_5(officer: User) -> None:
    dossiers = [_received(officer) for _ in range(3)]
    agency = commune_agencies()[AgencyKind.SERVICE_CENTRE]

    text = pdf_text(render_tracking_book_pdf(dossiers=dossiers[1:], agency=agency, title_period="Tháng 03/2026", book_year=2026))
    rows = list(
        load_workbook(
            io.BytesIO(
                render_tracking_book_xlsx(
                    dossiers=Dossier.objects.filter(pk__in=[d.pk for d in dossiers[1:]]).order_by("pk"),
                    agency=agency,
                    title_period="x",
                )
            ),
            read_only=True,
        ).active.iter_rows(values_only=True)
    )

    assert "Số: 01/2026/STD-TTPVHCC" in text
    assert "Quyển số: 01/2026 — Tháng 03/2026" in text
    assert f"2 {dossiers[1].code}" in text and f"3 {dossiers[2].code}" in text  # STT = BM.01 "Số thứ tự"
    assert [row[:2] for row in rows[1:]] == [(2, dossiers[1].code), (3, dossiers[2].code)]


def test_refused_online_submission_prints_its_reference_and_no_code_rules_1_5(officer: User) -> None:
    portal = _staff("portal", Role.RECEPTION_OFFICER, "Cổng Dịch vụ công")
    submitted = dossier_receive(actor=portal, intake=intake(channel="online"), online=True, now=at("2026-03-02", "21:30")).dossier
    dossier_act(
        actor=officer,
        code=submitted.code,
        action=DossierAction.REFUSE,
        data=ActionInput(reason="Hồ sơ không đúng thủ tục"),
        now=at("2026-03-03"),
    )

    text = pdf_text(render_slip_pdf(dossier=submitted, form=SlipForm.REFUSAL))

    assert "Mã hồ sơ (nếu có): ………… Mã số hồ sơ nộp trực tuyến: TN-260302-000001" in text


def test_receipt_is_refused_when_the_officer_has_no_full_name_rules_1_5() -> None:
    procedure()
    nameless = _staff("nameless", Role.RECEPTION_OFFICER, "")

    with pytest.raises(DomainError) as excinfo:
        dossier_receive(actor=nameless, intake=intake(), now=at("2026-03-02"))

    assert excinfo.value.code == "signer_name_missing"
    assert Dossier.objects.count() == 0 and Slip.objects.count() == 0


def test_apology_is_refused_when_the_signing_leader_has_no_full_name_rules_1_5(officer: User) -> None:
    dossier = _received(officer)
    nameless = _staff("nameless", Role.LEADER, "", kind=AgencyKind.PEOPLES_COMMITTEE)

    with pytest.raises(DomainError) as excinfo:
        dossier_act(
            actor=nameless,
            code=dossier.code,
            action=DossierAction.APOLOGIZE,
            data=ActionInput(reason="Chờ xác minh", new_due_at=at("2026-03-12", "17:00")),
            now=at("2026-03-05"),
        )

    assert excinfo.value.code == "signer_name_missing"
    after = Dossier.objects.get(pk=dossier.pk)
    assert (after.due_at, after.extension_used) == (dossier.due_at, False)
    assert not Slip.objects.filter(dossier=dossier, form=SlipForm.APOLOGY).exists()
    assert after.events.count() == 1 and not after.clock_changes.filter(kind="extend").exists()


def test_demo_supplement_request_names_the_guiding_officer_and_the_centres_phone_rules_1_5(units: None) -> None:
    """BM.02 tells the citizen whom to call: the guiding officer's full name and the phone."""
    from motcua.core.demo import demo_setup

    demo_setup(password=PASSWORD)
    procedure()
    reception = User.objects.get(username="phutan.reception")
    dossier = dossier_receive(actor=reception, intake=intake(), now=at("2026-03-02")).dossier
    dossier_act(
        actor=reception,
        code=dossier.code,
        action=DossierAction.REQUEST_SUPPLEMENT,
        data=ActionInput(items=["Giấy xác nhận cư trú"], reason="Thiếu giấy tờ"),
        now=at("2026-03-03"),
    )

    text = pdf_text(render_slip_pdf(dossier=dossier, form=SlipForm.SUPPLEMENT))

    assert "liên hệ với Trần Thị Bích Ngọc, số điện thoại 0290 3884 108, để được hướng dẫn" in text
    assert dossier.code.startswith("000.01.20.H12-260302-")
