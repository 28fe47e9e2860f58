"""Petitions received by e-mail (issue 11; RULES.md §5 "Forms (Art. 6)": a data message by
e-mail is a written petition): ``motcua petitions import-mail`` over the sample messages in
``tests/data`` (UTF-8 quoted-printable, windows-1258 base64, HTML with attachments, an mbox);
idempotent by Message-ID; anonymous ones kept as "not accepted" (Art. 7); a bad file or a
refused message writes nothing."""

from __future__ import annotations

import shutil
import unicodedata
from datetime import datetime
from io import StringIO
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from motcua.core.choices import AgencyKind
from motcua.core.validation import text_problem
from motcua.dossiers.tests.factories import commune_agencies
from motcua.feedback.choices import Classification, PetitionChannel, PetitionStatus
from motcua.feedback.mail_import import MailImportError, html_to_text, parse_message, petitions_import_mail, read_messages
from motcua.feedback.models import Petition, PetitionEvent
from motcua.feedback.tests.factories import officer

pytestmark = pytest.mark.django_db
DATA = Path(__file__).resolve().parent / "data"
TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def _petitions() -> dict[str, Petition]:
    return {p.title: p for p in Petition.objects.unrestricted("test").order_by("id")}


def _import(*args: str) -> str:
    out = StringIO()
    call_command("petitions", "import-mail", *args, stdout=out)
    return out.getvalue()


def test_a_folder_of_e_mails_is_filed_on_the_e_mail_channel_with_the_art_7_fields_found() -> None:
    """RULES.md §5 "Required fields (Art. 7)": the fields written in the letter are used."""
    commune_agencies()

    output = _import(str(DATA), "--unit", "32218")

    rows = _petitions()
    assert set(rows) == {
        "Chậm trả kết quả đăng ký khai sinh",
        "Kiến nghị nộp hồ sơ trực tuyến",
        "Thu tiền photo không có biên lai",
    }
    birth = rows["Chậm trả kết quả đăng ký khai sinh"]
    assert birth.channel == PetitionChannel.EMAIL and not birth.anonymous
    assert (birth.petitioner_name, birth.petitioner_phone, birth.petitioner_email) == (
        "Lê Thị Hoa",
        "0913456789",
        "hoa@example.vn",
    )
    assert birth.petitioner_address == "Ấp Cái Đôi, xã Phú Tân, tỉnh Cà Mau" and birth.check_digits == "6789"
    assert birth.received_at == datetime(2026, 3, 16, 8, 12, 40, tzinfo=TZ)  # our server's Received header
    assert "quá hẹn một tuần" in birth.content and birth.unit.code == "32218"
    assert output.splitlines()[-1] == "3 phản ánh đã vào sổ (1 không được tiếp nhận), 0 đã có từ trước, 0 bị bỏ qua"
    with translation.override("en"):
        again = _import(str(DATA), "--unit", "32218")
    assert again.splitlines()[-1] == "0 filed (0 not accepted), 3 already filed, 0 skipped"


def test_windows_1258_and_base64_are_decoded_to_nfc_and_an_anonymous_e_mail_is_kept_as_not_accepted() -> None:
    """RULES.md §5 "Required fields (Art. 7)": anonymous submissions are "not accepted"."""
    commune_agencies()

    _import(str(DATA / "phi_photo_cp1258_base64.eml"), "--unit", "32218")

    item = _petitions()["Thu tiền photo không có biên lai"]
    assert "không có biên lai" in item.content and "niêm yết" in item.content  # NFC: as typed on a Vietnamese keyboard
    assert item.petitioner_name == "Người dân" and item.anonymous
    assert (item.status, item.classification) == (PetitionStatus.CLASSIFIED, Classification.NOT_ACCEPTED)
    assert item.events.get(seq=2).payload["rule"] == "art7_missing"


def test_an_html_body_becomes_text_and_the_attachments_are_noted_on_the_receipt() -> None:
    commune_agencies()
    _import(str(DATA / "kien_nghi_html_dinh_kem.eml"), "--unit", "32218")
    item = _petitions()["Kiến nghị nộp hồ sơ trực tuyến"]
    client = Client()
    client.force_login(officer())

    page = client.get(f"/phan-anh/so/{item.code}/").content.decode()

    assert "<b>" not in item.content and "alert" not in item.content and "margin" not in item.content
    assert "đăng ký kinh doanh hộ cá thể trực tuyến" in item.content and "nhiều lần (gửi kèm" in item.content
    assert (item.petitioner_name, item.petitioner_phone) == ("Phạm Văn Nam", "0987654321")
    receipt = item.events.get(seq=1).payload
    assert [a["name"] for a in receipt["attachments"]] == ["giấy hẹn.pdf", "anh_giay_hen.jpg"]
    assert "Tệp đính kèm trong thư điện tử: giấy hẹn.pdf, anh_giay_hen.jpg." in page


def test_an_mbox_goes_to_the_commune_whose_desk_address_it_was_sent_to_and_fields_without_diacritics_count() -> None:
    desk = commune_agencies()[AgencyKind.SERVICE_CENTRE]
    desk.email = "TiepNhan.PhuTan@camau.gov.vn"
    desk.save(update_fields=["email"])

    _import(str(DATA / "hop_thu.mbox"))

    rows = _petitions()
    hours, chairs = rows["Gio lam viec bo phan mot cua"], rows["Đề nghị thêm ghế chờ"]
    assert hours.unit.code == chairs.unit.code == "32218"
    assert (hours.petitioner_address, hours.petitioner_phone, hours.anonymous) == ("Khom 2, xa Phu Tan", "0918222333", False)
    assert chairs.petitioner_name == "Võ Thị Ngọc" and not chairs.anonymous


def test_importing_the_same_messages_again_files_nothing_new() -> None:
    commune_agencies()
    _import(str(DATA), "--unit", "32218")
    events = PetitionEvent.objects.count()

    output = _import(str(DATA), "--unit", "32218")

    assert Petition.objects.unrestricted("test").count() == 3 and PetitionEvent.objects.count() == events
    assert [line for line in output.splitlines() if line.startswith("đã có từ trước: PA-32218-")] == output.splitlines()[:3]


def test_a_message_to_no_known_desk_without_unit_is_refused_and_nothing_is_written() -> None:
    commune_agencies()

    with pytest.raises(CommandError) as caught:
        _import(str(DATA / "hop_thu.mbox"))

    assert "hop_thu.mbox#1" in str(caught.value) and "--unit" in str(caught.value)
    assert not Petition.objects.unrestricted("test").exists()


def test_a_bad_file_is_a_clear_translated_error_and_nothing_is_half_written(tmp_path: Path) -> None:
    commune_agencies()
    folder = tmp_path / "mail"
    folder.mkdir()
    shutil.copy(DATA / "khai_sinh_utf8_qp.eml", folder / "a.eml")
    shutil.copy(DATA / "hong" / "khong_phai_thu.eml", folder / "b.eml")

    with pytest.raises(CommandError) as vi:
        _import(str(folder), "--unit", "32218")
    with translation.override("en"), pytest.raises(CommandError) as en:
        _import(str(folder), "--unit", "32218")
    with translation.override("en"), pytest.raises(CommandError) as missing:
        _import(str(tmp_path / "none.eml"), "--unit", "32218")

    assert str(vi.value).startswith("Không nhập được gì") and "b.eml" in str(vi.value)
    assert str(en.value) == "Nothing was imported: b.eml is not an e-mail message (no sender or no headers)."
    assert "is not a file or a folder" in str(missing.value)
    assert not Petition.objects.unrestricted("test").exists()


def test_a_refused_message_stops_the_import_unless_skip_invalid(tmp_path: Path) -> None:
    commune_agencies()
    folder = tmp_path / "mail"
    folder.mkdir()
    shutil.copy(DATA / "khai_sinh_utf8_qp.eml", folder / "a.eml")
    (folder / "z.eml").write_text(
        "From: x@example.vn\nSubject: Ngắn\nMessage-ID: <short@example.vn>\nDate: Mon, 16 Mar 2026 08:00:00 +0700\n\nNgắn.\n",
        encoding="utf-8",
    )

    with pytest.raises(CommandError) as caught:
        _import(str(folder), "--unit", "32218")
    assert not Petition.objects.unrestricted("test").exists()

    output = _import(str(folder), "--unit", "32218", "--skip-invalid")

    assert "z.eml" in str(caught.value) and "z.eml" in output
    assert list(_petitions()) == ["Chậm trả kết quả đăng ký khai sinh"]


def test_the_service_reports_what_it_filed() -> None:
    commune_agencies()

    report = petitions_import_mail(path=DATA, unit_code="32218")

    assert (len(report.filed), len(report.not_accepted), report.already, report.refused) == (2, 1, [], [])


def test_raw_8_bit_headers_are_decoded_as_utf_8_else_windows_1258(tmp_path: Path) -> None:
    path = tmp_path / "raw.eml"
    path.write_bytes(
        "Subject: Thủ tục chậm\r\n".encode() + b"From: Ng\xfd\xf5\xcci d\xe2n <a@example.vn>\r\n\r\nN\xf4\xcci dung.\r\n"
    )

    [(source, message)] = read_messages(path)
    data = parse_message(message, source=source).data

    assert (data.title, data.petitioner_name) == ("Thủ tục chậm", "Người dân")


def test_html_to_text_keeps_paragraphs_and_decodes_entities() -> None:
    text = html_to_text("<p>Một&nbsp;hai</p><div>ba &amp; bốn<br>năm</div><style>x{}</style>")

    assert text == "Một hai\n\nba & bốn\nnăm"


_HEADERS = st.sampled_from(
    [
        b"From: =?utf-8?B?TMOqIFRo4buLIEhvYQ==?= <hoa@example.vn>\r\n",
        b"From: broken <<@@>\r\n",
        b"Subject: =?x-unknown?Q?abc?=\r\n",
        b"Subject: =?windows-1258?B?VGh1IHRp6sxu?=\r\n",
        b"Date: not a date\r\n",
        b"Received: from x; Mon, 99 Foo 2026 99:99:99 +0700\r\n",
        b"Content-Type: text/plain; charset=x-unknown\r\n",
        b"Content-Type: text/html; charset=utf-8\r\n",
        b"Content-Transfer-Encoding: base64\r\n",
        b"Content-Transfer-Encoding: quoted-printable\r\n",
        b"Message-ID: <m@example.vn>\r\n",
        "Subject: Thủ tục chậm\r\n".encode(),  # raw UTF-8 in a header (RFC 6532)
        b"From: Ng\xfd\xf5\xcci d\xe2n <a@example.vn>\r\n",  # raw windows-1258
        b"Subject: \xff\xfe\x00\x01\r\n",
    ]
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(headers=st.lists(_HEADERS, max_size=8), body=st.binary(max_size=300))
def test_any_message_parses_to_storable_text_or_a_clear_error(tmp_path: Path, headers: list[bytes], body: bytes) -> None:
    """Whatever the headers and bytes, the parser gives texts the database can store (no control
    character, NFC) or a ``MailImportError``; never another exception."""
    path = tmp_path / "x.eml"
    path.write_bytes(b"".join(headers) + b"\r\n" + body)
    try:
        messages = read_messages(path)
    except MailImportError:
        return
    for source, message in messages:
        data = parse_message(message, source=source, unit_code="32218").data
        for value in (data.title, data.content, data.petitioner_name, data.petitioner_address, data.petitioner_email):
            assert text_problem(value) is None and unicodedata.is_normalized("NFC", value)
