"""The one-stop desk's own deadline to hand a received dossier to the competent agency
(RULES.md §1.4 row 4; §1.6 "Transfer to the competent agency"): set at receipt, judged by the
first transfer, shown in the queue, on the dossier page and as the first row of BM.05."""

from __future__ import annotations

import datetime as dt
import io
import re
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone
from pypdf import PdfReader

from motcua.core.choices import AgencyKind, Role
from motcua.core.services import staff_ensure
from motcua.core.tests.factories import PASSWORD
from motcua.dossiers.choices import Channel, DossierAction, SlipForm
from motcua.dossiers.models import Dossier, DossierEvent
from motcua.dossiers.selectors import is_handover_late
from motcua.dossiers.services import ActionInput, DocumentInput, dossier_act, dossier_receive
from motcua.dossiers.slips import render_slip_pdf
from motcua.dossiers.tests.factories import PDF, commune_agencies, intake, procedure

pytestmark = pytest.mark.django_db
VN = ZoneInfo("Asia/Ho_Chi_Minh")


def at(day: str, hm: str = "10:00") -> dt.datetime:
    return dt.datetime.fromisoformat(f"{day}T{hm}").replace(tzinfo=VN)


def _staff(username: str, role: Role, full_name: str, kind: AgencyKind = AgencyKind.SERVICE_CENTRE) -> User:
    return staff_ensure(
        username=username, agency=commune_agencies()[kind], roles=[role], password=PASSWORD, full_name=full_name
    ).user


@pytest.fixture
def officer() -> User:
    procedure()
    return _staff("officer", Role.RECEPTION_OFFICER, "Trần Thị Bình")


PAPER = [DocumentInput(name="Tờ khai đăng ký khai sinh (bản giấy)")]
SCANNED = [DocumentInput(name="Tờ khai đăng ký khai sinh", content=PDF)]


def _receive(officer: User, when: dt.datetime, documents: list[DocumentInput], channel: Channel = Channel.IN_PERSON) -> Dossier:
    return dossier_receive(actor=officer, intake=intake(documents=documents, channel=channel), now=when).dossier


def _transfer(officer: User, dossier: Dossier, when: dt.datetime) -> Dossier:
    pc = commune_agencies()[AgencyKind.PEOPLES_COMMITTEE]
    return dossier_act(
        actor=officer, code=dossier.code, action=DossierAction.TRANSFER, data=ActionInput(agency_id=pc.pk), now=when
    )


def test_digitized_dossier_after_15_is_due_next_morning(officer: User) -> None:
    """RULES.md §1.4 row 4: electronic (every document digitized) received after 15:00."""
    dossier = _receive(officer, at("2026-03-06", "16:00"), SCANNED)  # Friday

    assert dossier.handover_due_at == at("2026-03-09", "11:00")


def test_digitized_dossier_before_15_is_due_the_same_day(officer: User) -> None:
    """RULES.md §1.4 row 4: electronic dossiers go to the agency at once."""
    assert _receive(officer, at("2026-03-02", "14:30"), SCANNED).handover_due_at == at("2026-03-02", "17:00")


def test_paper_dossier_is_due_within_one_working_day(officer: User) -> None:
    """RULES.md §1.4 row 4: a paper dossier (a document not scanned) within 1 working day."""
    dossier = _receive(officer, at("2026-02-13", "09:00"), [*SCANNED, *PAPER])  # Friday before Tết 2026

    assert dossier.handover_due_at == at("2026-02-23", "17:00")


def test_online_dossier_deadline_starts_when_it_is_received(officer: User) -> None:
    """RULES.md §1.4 row 4: the online channel is electronic; the deadline runs from receipt."""
    submitted = dossier_receive(
        actor=officer, intake=intake(channel=Channel.ONLINE), online=True, now=at("2026-03-01", "20:00")
    ).dossier
    assert submitted.handover_due_at is None

    received = dossier_act(actor=officer, code=submitted.code, action=DossierAction.RECEIVE, now=at("2026-03-02", "15:30"))

    assert received.handover_due_at == at("2026-03-03", "11:00")


def test_late_hand_over_is_recorded_on_the_transfer_event(officer: User) -> None:
    """RULES.md §1.4 row 4: the transfer records whether the hand-over was late."""
    dossier = _receive(officer, at("2026-03-02", "09:00"), PAPER)  # due 03/03 17:00

    _transfer(officer, dossier, at("2026-03-04", "08:00"))

    event = DossierEvent.objects.get(dossier=dossier, action=DossierAction.TRANSFER)
    assert event.payload["handover_due_at"] == at("2026-03-03", "17:00").isoformat()
    assert (event.payload["handover_timeliness"], event.payload["handover_late"]) == ("late", True)


def test_hand_over_in_time_is_recorded_as_such(officer: User) -> None:
    dossier = _receive(officer, at("2026-03-02", "09:00"), PAPER)

    _transfer(officer, dossier, at("2026-03-02", "14:00"))

    event = DossierEvent.objects.get(dossier=dossier, action=DossierAction.TRANSFER)
    assert (event.payload["handover_timeliness"], event.payload["handover_late"]) == ("early", False)


def test_only_the_first_transfer_is_the_desks_hand_over(officer: User) -> None:
    specialist = _staff("spec", Role.SPECIALIST, "Võ Minh Đức", kind=AgencyKind.PEOPLES_COMMITTEE)
    dossier = _transfer(officer, _receive(officer, at("2026-03-02", "09:00"), PAPER), at("2026-03-02", "14:00"))
    police = commune_agencies()[AgencyKind.SERVICE_CENTRE].unit.agencies.create(kind=AgencyKind.COMMUNE_POLICE, name="Công an xã")

    dossier_act(
        actor=specialist,
        code=dossier.code,
        action=DossierAction.TRANSFER,
        data=ActionInput(agency_id=police.pk),
        now=at("2026-03-05"),
    )

    second = DossierEvent.objects.filter(dossier=dossier, action=DossierAction.TRANSFER).order_by("seq").last()
    assert second is not None and "handover_late" not in second.payload


def test_supplement_before_the_hand_over_restarts_the_desks_deadline(officer: User) -> None:
    """RULES.md §1.6: the citizen's supplement time is never charged (here: to the desk)."""
    dossier = _receive(officer, at("2026-03-02", "09:00"), PAPER)
    dossier_act(
        actor=officer,
        code=dossier.code,
        action=DossierAction.REQUEST_SUPPLEMENT,
        data=ActionInput(items=["Bản sao"], reason="Thiếu"),
        now=at("2026-03-02", "10:00"),
    )

    resumed = dossier_act(
        actor=officer,
        code=dossier.code,
        action=DossierAction.SUPPLEMENT,
        data=ActionInput(documents=[DocumentInput(name="Bản sao", content=PDF)]),
        now=at("2026-03-10", "16:00"),
    )

    # Now paper (the first document was not scanned): the close of the next working day.
    assert resumed.handover_due_at == at("2026-03-11", "17:00")


def test_queue_shows_the_hand_over_deadline_and_late_in_words(client: Client, officer: User) -> None:
    """RULES.md §1.4 row 4; STYLE.md: red and the words "chuyển muộn"."""
    late = _receive(officer, timezone.now() - dt.timedelta(days=10), PAPER)
    fresh = _receive(officer, timezone.now(), PAPER)
    client.force_login(officer)

    html = client.get("/ho-so/?view=all").content.decode()

    assert fresh.handover_due_at is not None and late.handover_due_at is not None
    assert f"Hạn chuyển: {timezone.localtime(fresh.handover_due_at):%H:%M %d/%m/%Y}" in html
    rows = {code: row for code, row in re.findall(r'ho-so/([^/]+)/">.*?</a>(.*?)</tr>', html, re.S)}
    assert 'class="handover status-overdue"' in rows[late.code] and "chuyển muộn" in rows[late.code]
    assert "chuyển muộn" not in rows[fresh.code]
    assert is_handover_late(late) and not is_handover_late(fresh)


def test_dossier_page_shows_a_late_hand_over(client: Client, officer: User) -> None:
    dossier = _transfer(officer, _receive(officer, at("2026-03-02", "09:00"), PAPER), at("2026-03-04", "08:00"))
    client.force_login(officer)

    html = client.get(f"/ho-so/{dossier.code}/").content.decode()

    assert "Hạn chuyển hồ sơ đến cơ quan giải quyết" in html
    assert "17:00 03/03/2026" in html and "chuyển muộn" in html


def _pdf_text(pdf: bytes) -> str:
    return re.sub(r"\s+", " ", " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages))


def test_control_sheet_first_row_is_the_desks_hand_over(officer: User) -> None:
    """RULES.md §1.4 rows 4–5a and §1.5 BM.05: desk → agency, its due time and result."""
    dossier = _transfer(officer, _receive(officer, at("2026-03-02", "09:00"), PAPER), at("2026-03-04", "08:00"))

    text = _pdf_text(render_slip_pdf(dossier=Dossier.objects.get(pk=dossier.pk), form=SlipForm.CONTROL_SHEET))

    assert "1 Trung tâm Phục vụ hành chính công xã Phú Tân → UBND Phú Tân Hạn: 17:00 03/03/2026" in text
    assert "Giao: 08:00 04/03/2026 Người giao: Trần Thị Bình" in text
    assert "Quá hạn" in text
    assert "Chuyển hồ sơ đến cơ quan giải quyết" in text


def test_control_sheet_before_the_transfer_shows_the_deadline_and_says_not_transferred(officer: User) -> None:
    dossier = _receive(officer, at("2026-03-02", "14:00"), SCANNED)

    text = _pdf_text(render_slip_pdf(dossier=dossier, form=SlipForm.CONTROL_SHEET))

    assert "Trung tâm Phục vụ hành chính công xã Phú Tân Hạn: 17:00 02/03/2026" in text
    assert "Hồ sơ chưa được chuyển đến cơ quan giải quyết." in text
