"""The national-portal outbox (RULES.md §2.2 "Data fields your system must produce", §1.3
channel codes, §1.4 states, §1.6 dates; docs/portal-sync.md).

The consistency test drives dossiers through every path with the real services and checks
that the latest outbox record of each agrees with the dossier tables, field by field, against
expectations written out per path (not recomputed with the code under test).
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.utils import translation

from motcua.core.choices import AgencyKind, Role
from motcua.core.models import AuditEvent
from motcua.core.querysets import AppendOnlyError
from motcua.dossiers.choices import Channel, DossierAction, DossierStatus
from motcua.dossiers.models import Document, Dossier, DossierEvent, PortalDelivery, PortalRecord
from motcua.dossiers.portal_senders import FilePortalSender, MemoryPortalSender
from motcua.dossiers.portal_sync import HOSO_KEYS, LINE_KEYS, MOTCUA_KEYS, NESTED_KEYS, parse_portal_time, portal_time
from motcua.dossiers.services import ActionInput, DocumentInput, dossier_act, dossier_receive
from motcua.dossiers.services import portal as portal_service
from motcua.dossiers.services.portal import portal_records_send
from motcua.dossiers.tests.factories import PDF, PERSONAL_ID, PNG, commune_agencies, intake, procedure, staff

pytestmark = pytest.mark.django_db
VN = ZoneInfo("Asia/Ho_Chi_Minh")


def at(day: str, hm: str = "10:00") -> dt.datetime:
    return dt.datetime.fromisoformat(f"{day}T{hm}").replace(tzinfo=VN)


@pytest.fixture(autouse=True)
def _empty_memory_sender() -> Iterator[None]:
    MemoryPortalSender.sent.clear()
    yield
    MemoryPortalSender.sent.clear()


@dataclass
class Actors:
    officer: User
    leader: User
    portal: User


@pytest.fixture
def actors() -> Actors:
    procedure()
    commune_agencies()
    return Actors(
        officer=staff("officer", Role.RECEPTION_OFFICER),
        leader=staff("leader", Role.LEADER, kind=AgencyKind.PEOPLES_COMMITTEE, full_name="Lê Văn Cường"),
        portal=staff("portal", Role.RECEPTION_OFFICER, full_name="Cổng dịch vụ công"),
    )


def _latest(dossier: Dossier) -> dict[str, Any]:
    record = PortalRecord.objects.filter(dossier=dossier).order_by("-seq").first()
    assert record is not None
    payload: dict[str, Any] = record.payload
    return payload


def _fresh(dossier: Dossier) -> Dossier:
    return Dossier.objects.unrestricted("test assertion").select_related("receiving_unit").get(pk=dossier.pk)


def _act(actor: User, dossier: Dossier, action: DossierAction, when: dt.datetime, **data: Any) -> Dossier:
    return dossier_act(actor=actor, code=_fresh(dossier).code, action=action, data=ActionInput(**data), now=when)


def _decide(a: Actors, dossier: Dossier, day: str, *, approve: bool = True, result: bool = True) -> None:
    pc = commune_agencies()[AgencyKind.PEOPLES_COMMITTEE]
    _act(a.officer, dossier, DossierAction.TRANSFER, at("2026-03-02", "14:00"), agency_id=pc.pk, receiver_id=a.leader.pk)
    _act(a.leader, dossier, DossierAction.PROPOSE, at(day, "09:00"))
    documents = [DocumentInput(name="Giấy khai sinh", content=PNG)] if result else []
    if approve:
        _act(a.leader, dossier, DossierAction.APPROVE, at(day, "10:00"), result_summary="Đã cấp", documents=documents)
    else:
        _act(a.leader, dossier, DossierAction.REJECT, at(day, "10:00"), result_summary="Không đủ điều kiện", confirm=True)


def _return(a: Actors, dossier: Dossier, day: str) -> None:
    _act(a.officer, dossier, DossierAction.MARK_READY, at(day, "11:00"))
    _act(a.officer, dossier, DossierAction.RETURN_RESULT, at(day, "15:00"))


def _counter(a: Actors, day: str = "2026-03-02", **overrides: Any) -> Dossier:
    return dossier_receive(actor=a.officer, intake=intake(**overrides), now=at(day)).dossier


# --- the consistency test ---------------------------------------------------------------------


def _build_paths(a: Actors) -> dict[str, tuple[Dossier, dict[str, Any]]]:
    """Dossiers through every path, each with what its latest record must say (RULES.md §1.4)."""
    paths: dict[str, tuple[Dossier, dict[str, Any]]] = {}

    early = _counter(a)  # due 09/03 17:00
    _decide(a, early, "2026-03-04")
    _return(a, early, "2026-03-05")
    paths["early"] = (early, {"TrangThaiHoSo": "10", "KenhThucHien": "1", "steps": 6, "results": 1})

    on_time = _counter(a)
    _decide(a, on_time, "2026-03-09")
    paths["on_time"] = (on_time, {"TrangThaiHoSo": "9", "KenhThucHien": "1", "steps": 4, "results": 1})

    late = _counter(a)
    _decide(a, late, "2026-03-11", result=False)
    _return(a, late, "2026-03-12")
    paths["late"] = (late, {"TrangThaiHoSo": "10", "KenhThucHien": "1", "steps": 6, "results": 0})

    supplement = _counter(a)
    _act(a.officer, supplement, DossierAction.REQUEST_SUPPLEMENT, at("2026-03-03"), items=["Giấy kết hôn"], reason="Thiếu")
    paths["supplement_pending"] = (supplement, {"TrangThaiHoSo": "5", "KenhThucHien": "1", "steps": 2, "results": 0})

    supplemented = _counter(a)
    _act(a.officer, supplemented, DossierAction.REQUEST_SUPPLEMENT, at("2026-03-03"), items=["Giấy kết hôn"], reason="Thiếu")
    _act(
        a.officer,
        supplemented,
        DossierAction.SUPPLEMENT,
        at("2026-03-05"),
        documents=[DocumentInput(name="Giấy kết hôn", content=PDF)],
    )
    paths["supplemented"] = (supplemented, {"TrangThaiHoSo": "2", "KenhThucHien": "1", "steps": 3, "results": 0})

    refused = dossier_receive(actor=a.portal, intake=intake(channel=Channel.ONLINE), online=True, now=at("2026-03-02")).dossier
    _act(a.officer, refused, DossierAction.REFUSE, at("2026-03-02", "14:00"), reason="Sai thủ tục", confirm=True)
    paths["refused_online"] = (refused, {"TrangThaiHoSo": "3", "KenhThucHien": "2", "steps": 2, "results": 0})

    stopped = _counter(a, channel=Channel.POSTAL)
    _act(a.officer, stopped, DossierAction.STOP, at("2026-03-03"), reason="Người nộp xin rút", confirm=True)
    paths["stopped_postal"] = (stopped, {"TrangThaiHoSo": "7", "KenhThucHien": "3", "steps": 2, "results": 0})

    rejected = _counter(a)
    _decide(a, rejected, "2026-03-05", approve=False)
    paths["rejected"] = (rejected, {"TrangThaiHoSo": "9", "KenhThucHien": "1", "steps": 4, "results": 0})

    online = dossier_receive(
        actor=a.portal, intake=intake(channel=Channel.ONLINE, fee_amount=8000), online=True, now=at("2026-03-01")
    ).dossier
    _act(a.officer, online, DossierAction.RECEIVE, at("2026-03-02", "08:00"))
    paths["online_received"] = (online, {"TrangThaiHoSo": "2", "KenhThucHien": "2", "steps": 2, "results": 0})

    fees = _counter(a)
    pc = commune_agencies()[AgencyKind.PEOPLES_COMMITTEE]
    _act(a.officer, fees, DossierAction.TRANSFER, at("2026-03-02", "14:00"), agency_id=pc.pk, receiver_id=a.leader.pk)
    _act(a.leader, fees, DossierAction.REQUEST_FEES, at("2026-03-03"), fee_amount=50000)
    _act(a.officer, fees, DossierAction.PAY_FEES, at("2026-03-04"))
    paths["fees_paid"] = (fees, {"TrangThaiHoSo": "4", "KenhThucHien": "1", "steps": 4, "results": 0})

    source = Document.objects.get(dossier=early, is_result=False)
    reused = _counter(
        a,
        "2026-03-06",
        fee_amount=8000,
        documents=[
            DocumentInput(name="Tờ khai (dùng lại)", reuse_document_id=source.pk),
            DocumentInput(name="Căn cước (xuất trình)"),
        ],
    )
    paths["reused_and_paper"] = (reused, {"TrangThaiHoSo": "2", "KenhThucHien": "1", "steps": 1, "results": 0})
    return paths


def _assert_agrees(name: str, dossier: Dossier, expected: dict[str, Any]) -> None:
    dossier = _fresh(dossier)
    payload = _latest(dossier)
    hoso, motcua = payload["HoSo"], payload["MotCua"]
    assert hoso["MaHoSo"] == dossier.code, name
    assert hoso["MaTTHC"] == dossier.procedure.code, name
    assert hoso["TrangThaiHoSo"] == expected["TrangThaiHoSo"], name
    assert hoso["KenhThucHien"] == expected["KenhThucHien"], name
    for key, value in (
        ("NgayNopHoSo", dossier.submitted_at),
        ("NgayTiepNhan", dossier.received_at),
        ("NgayHenTra", dossier.due_at),
        ("NgayKetThucXuLy", dossier.finished_at),
        ("NgayTra", dossier.returned_at),
    ):
        if value is None:
            assert hoso[key] is None, (name, key)
        else:
            assert parse_portal_time(hoso[key]) == value.replace(microsecond=0), (name, key)
    documents = list(Document.objects.filter(dossier=dossier, is_result=False).order_by("position", "id"))
    assert [(d["TenTepDinhKem"], d["DuocSoHoa"], d["DuocTaiSuDung"]) for d in hoso["TaiLieuNop"]] == [
        (d.name, "1" if d.digitized else "0", "1" if d.source_document_id else "0") for d in documents
    ], name
    assert hoso["HoSoCoThanhPhanSoHoa"] == ("1" if any(d.digitized for d in documents) else "0"), name
    assert len(hoso["DanhSachGiayToKetQua"]) == expected["results"], name
    assert hoso["DanhSachLePhi"] == (
        [{"TenPhiLePhi": None, "MaPhiLePhi": None, "LoaiPhiLePhi": None, "HinhThucThu": None, "Gia": str(dossier.fee_amount)}]
        if dossier.fee_amount
        else []
    ), name
    events = list(DossierEvent.objects.filter(dossier=dossier).order_by("seq"))
    assert len(hoso["QuaTrinhXuLy"]) == expected["steps"] == len(events), name
    assert [(s["ThaoTac"], parse_portal_time(s["ThoiDiemXuLy"])) for s in hoso["QuaTrinhXuLy"]] == [
        (e.action, e.at.replace(microsecond=0)) for e in events
    ], name
    assert motcua == {
        "unit": dossier.receiving_unit.code,
        "status": dossier.status,
        "fee_amount": dossier.fee_amount,
        "fee_paid": dossier.fee_paid,
        "timeliness": dossier.timeliness or None,
    }, name


def test_rules_2_2_latest_outbox_record_of_every_path_agrees_with_the_dossier_tables(actors: Actors) -> None:
    paths = _build_paths(actors)

    for name, (dossier, expected) in paths.items():
        _assert_agrees(name, dossier, expected)
    # Every change made a record: as many records as events, over all dossiers.
    assert PortalRecord.objects.count() == DossierEvent.objects.count()


def test_rules_1_6_the_timeliness_paths_carry_the_dates_the_portal_judges_by(actors: Actors) -> None:
    """RULES.md §1.6: on time or early when NgayKetThucXuLy ≤ NgayHenTra (the portal's rule)."""
    paths = _build_paths(actors)

    def dates(name: str) -> tuple[dt.datetime, dt.datetime]:
        hoso = _latest(paths[name][0])["HoSo"]
        return parse_portal_time(hoso["NgayKetThucXuLy"]), parse_portal_time(hoso["NgayHenTra"])

    end, due = dates("early")
    assert end < due
    end, due = dates("on_time")
    assert end <= due and end.date() == due.date()
    end, due = dates("late")
    assert end > due
    assert _latest(paths["late"][0])["MotCua"]["timeliness"] == "late"
    assert _latest(paths["supplement_pending"][0])["HoSo"]["NgayKetThucXuLy"] is None


def test_rules_2_2_document_flags_digitised_reused_and_paper(actors: Actors) -> None:
    """DuocSoHoa per scanned document, DuocTaiSuDung for one reused from an earlier dossier, a
    document only shown at the counter neither; no document came from the portal's data store."""
    earlier = _counter(actors)
    source = Document.objects.get(dossier=earlier)
    dossier = _counter(
        actors,
        documents=[
            DocumentInput(name="Tờ khai", content=PDF),
            DocumentInput(name="Tờ khai cũ", reuse_document_id=source.pk),
            DocumentInput(name="Căn cước (xuất trình)"),
        ],
    )

    flags = [(d["DuocSoHoa"], d["DuocTaiSuDung"], d["DuocLayTuKhoDMQG"]) for d in _latest(dossier)["HoSo"]["TaiLieuNop"]]

    assert flags == [("1", "0", "0"), ("1", "1", "0"), ("0", "0", "0")]


def test_rules_1_3_online_dossier_leaves_unknown_origin_and_login_null(actors: Actors) -> None:
    dossier = dossier_receive(
        actor=actors.portal, intake=intake(channel=Channel.ONLINE), online=True, now=at("2026-03-02")
    ).dossier

    hoso = _latest(dossier)["HoSo"]

    assert hoso["KenhThucHien"] == "2"
    assert hoso["TrangThaiHoSo"] == "1"
    assert hoso["TaiKhoanDuocXacThucVoiVNeID"] is None
    assert [d["DuocLayTuKhoDMQG"] for d in hoso["TaiLieuNop"]] == [None]
    assert hoso["NgayTiepNhan"] is None
    assert hoso["MaHoSo"] == dossier.submission_ref


def test_rules_1_4_row_5b_payment_online_is_null_when_where_it_was_paid_is_not_recorded(actors: Actors) -> None:
    counter_paid = _counter(actors, fee_amount=8000)
    unpaid = _counter(actors, fee_amount=8000, fee_paid=False)
    later = _counter(actors, fee_amount=8000, fee_paid=False)
    pc = commune_agencies()[AgencyKind.PEOPLES_COMMITTEE]
    _act(actors.officer, later, DossierAction.TRANSFER, at("2026-03-02", "14:00"), agency_id=pc.pk, receiver_id=actors.leader.pk)
    _act(actors.leader, later, DossierAction.REQUEST_FEES, at("2026-03-03"), fee_amount=8000)
    _act(actors.officer, later, DossierAction.PAY_FEES, at("2026-03-03", "11:00"))

    assert _latest(counter_paid)["HoSo"]["DuocThanhToanTrucTuyen"] == "0"
    assert _latest(unpaid)["HoSo"]["DuocThanhToanTrucTuyen"] == "0"
    assert _latest(later)["HoSo"]["DuocThanhToanTrucTuyen"] is None
    assert _latest(later)["MotCua"]["fee_paid"] is True


def test_times_are_yyyymmddhhmmss_in_vietnam_time() -> None:
    instant = dt.datetime(2026, 3, 2, 2, 5, 9, tzinfo=dt.UTC)

    assert portal_time(instant) == "20260302090509"
    assert parse_portal_time("20260302090509") == instant
    assert portal_time(None) is None


# --- transaction, immutability, order ---------------------------------------------------------


def test_a_rolled_back_intake_leaves_no_record_and_no_sequence_gap(actors: Actors) -> None:
    with pytest.raises(RuntimeError), transaction.atomic():
        _counter(actors)
        raise RuntimeError("the caller's transaction fails after the intake")

    assert not PortalRecord.objects.exists()
    dossier = _counter(actors)
    assert list(PortalRecord.objects.values_list("seq", "dossier_id")) == [(1, dossier.pk)]


def test_a_failing_record_write_rolls_the_change_back(actors: Actors, monkeypatch: pytest.MonkeyPatch) -> None:
    dossier = _counter(actors)

    def broken(**kwargs: Any) -> None:
        raise RuntimeError("outbox unavailable")

    monkeypatch.setattr("motcua.dossiers.services.actions.portal_record_write", broken)
    with pytest.raises(RuntimeError):
        _act(actors.officer, dossier, DossierAction.STOP, at("2026-03-03"), reason="x", confirm=True)

    assert _fresh(dossier).status == DossierStatus.RECEIVED
    assert PortalRecord.objects.count() == 1
    assert DossierEvent.objects.filter(dossier=dossier).count() == 1


def test_an_idempotent_replay_of_an_intake_writes_no_second_record(actors: Actors) -> None:
    first = dossier_receive(actor=actors.officer, intake=intake(idempotency_key="k-1"), now=at("2026-03-02"))
    again = dossier_receive(actor=actors.officer, intake=intake(idempotency_key="k-1"), now=at("2026-03-02", "10:01"))

    assert (first.created, again.created, again.dossier.pk) == (True, False, first.dossier.pk)
    assert list(PortalRecord.objects.values_list("seq", "change")) == [(1, "receive")]


def test_records_are_append_only(actors: Actors) -> None:
    _counter(actors)
    record = PortalRecord.objects.get()

    record.payload = {}
    with pytest.raises(AppendOnlyError):
        record.save()
    with pytest.raises(AppendOnlyError):
        PortalRecord.objects.update(payload={})
    with pytest.raises(AppendOnlyError):
        PortalRecord.objects.all().delete()
    with pytest.raises(AppendOnlyError):
        record.delete()
    assert PortalRecord.objects.get().payload["HoSo"]["TrangThaiHoSo"] == "2"


def test_sequence_is_gap_free_in_commit_order_across_dossiers(actors: Actors) -> None:
    first = _counter(actors)
    second = _counter(actors)
    _act(actors.officer, first, DossierAction.STOP, at("2026-03-03"), reason="x", confirm=True)
    _act(actors.officer, second, DossierAction.REQUEST_SUPPLEMENT, at("2026-03-04"), items=["a"], reason="b")

    rows = list(PortalRecord.objects.order_by("seq").values_list("seq", "dossier_id", "change"))

    assert rows == [
        (1, first.pk, "receive"),
        (2, second.pk, "receive"),
        (3, first.pk, "stop"),
        (4, second.pk, "request_supplement"),
    ]
    assert list(PortalRecord.objects.order_by("seq").values_list("event__seq", flat=True)) == [1, 1, 2, 2]


def test_a_rating_changes_no_portal_field_and_writes_no_record(actors: Actors) -> None:
    from motcua.dossiers.services import dossier_record_rating

    dossier = _counter(actors)
    _act(actors.officer, dossier, DossierAction.STOP, at("2026-03-03"), reason="x", confirm=True)
    dossier_record_rating(dossier_id=dossier.pk, now=at("2026-03-04"))

    assert PortalRecord.objects.filter(dossier=dossier).count() == 2


# --- sending ----------------------------------------------------------------------------------


class FlakySender:
    """Fails ``failures`` times, then accepts."""

    def __init__(self, failures: int) -> None:
        self.failures = failures
        self.calls: list[int] = []
        self.accepted: list[int] = []

    def send(self, line: dict[str, Any]) -> None:
        self.calls.append(line["seq"])
        if len(self.calls) <= self.failures:
            raise ConnectionError("portal unreachable")
        self.accepted.append(line["seq"])


def test_send_delivers_pending_records_in_order_and_is_idempotent(actors: Actors) -> None:
    dossier = _counter(actors)
    _act(actors.officer, dossier, DossierAction.STOP, at("2026-03-03"), reason="x", confirm=True)
    _counter(actors)

    first = portal_records_send()
    again = portal_records_send()

    assert [line["seq"] for line in MemoryPortalSender.sent] == [1, 2, 3]
    assert (first.sent, first.last_seq, first.pending) == (3, 3, 0)
    assert (again.sent, again.last_seq, again.pending) == (0, 3, 0)
    assert list(PortalDelivery.objects.values_list("seq", "attempts")) == [(1, 1), (2, 1), (3, 1)]
    assert AuditEvent.objects.filter(action="portal_sync.send", object_id="1-3").count() == 1


def test_send_retries_with_doubling_waits_then_succeeds(actors: Actors) -> None:
    _counter(actors)
    sender, waits = FlakySender(failures=2), list[float]()

    report = portal_records_send(sender=sender, retries=2, retry_delay=1.0, sleep=waits.append)

    assert report.sent == 1
    assert waits == [1.0, 2.0]
    assert sender.calls == [1, 1, 1]
    delivery = PortalDelivery.objects.get()
    assert (delivery.attempts, delivery.last_error, delivery.sent_at is not None) == (3, "", True)


def test_a_failing_record_stops_the_run_and_waits_for_its_back_off(actors: Actors, settings: Any) -> None:
    settings.MOTCUA_PORTAL_RETRY_SECONDS = 60
    _counter(actors)
    _counter(actors)
    clock = [at("2026-03-02", "12:00")]
    sender = FlakySender(failures=3)

    failed = portal_records_send(sender=sender, retries=0, now=lambda: clock[0], sleep=lambda s: None)
    assert (failed.sent, failed.pending, failed.error) == (0, 2, "ConnectionError: portal unreachable")
    assert failed.waiting_until == clock[0] + dt.timedelta(seconds=60)

    clock[0] += dt.timedelta(seconds=30)
    early = portal_records_send(sender=sender, retries=0, now=lambda: clock[0], sleep=lambda s: None)
    assert early.sent == 0 and sender.calls == [1]  # still waiting: not tried again

    clock[0] += dt.timedelta(seconds=31)
    second = portal_records_send(sender=sender, retries=0, now=lambda: clock[0], sleep=lambda s: None)
    assert second.waiting_until == clock[0] + dt.timedelta(seconds=120)  # doubled after 2 attempts

    clock[0] += dt.timedelta(seconds=121)
    third = portal_records_send(sender=sender, retries=0, now=lambda: clock[0], sleep=lambda s: None)
    assert third.error  # third failure
    clock[0] += dt.timedelta(seconds=241)
    done = portal_records_send(sender=sender, retries=0, now=lambda: clock[0], sleep=lambda s: None)
    assert (done.sent, done.pending) == (2, 0)
    assert sender.accepted == [1, 2]  # record 2 never overtook record 1
    assert PortalDelivery.objects.get(seq=1).attempts == 4


def test_a_record_claimed_by_another_run_is_left_to_it(actors: Actors) -> None:
    _counter(actors)
    record = PortalRecord.objects.get()
    PortalDelivery.objects.create(
        record=record, seq=record.seq, attempts=1, next_attempt_at=at("2099-01-01")
    )  # another run is sending it

    report = portal_records_send()

    assert report.sent == 0 and MemoryPortalSender.sent == []


def test_file_sender_appends_one_json_line_per_record(actors: Actors, tmp_path: Any) -> None:
    path = tmp_path / "var" / "portal.jsonl"
    _counter(actors)
    _counter(actors)

    portal_records_send(sender=FilePortalSender(path))

    lines = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assert [line["seq"] for line in lines] == [1, 2]
    assert path.stat().st_mode & 0o777 == 0o600


def test_the_worker_task_sends_after_a_commit_when_enabled(
    actors: Actors, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.MOTCUA_PORTAL_SEND_ON_COMMIT = True

    with django_capture_on_commit_callbacks(execute=True):
        _counter(actors)

    assert [line["seq"] for line in MemoryPortalSender.sent] == [1]
    assert PortalDelivery.objects.get().sent_at is not None


def test_changes_within_the_delay_share_one_deferred_sending_task(
    actors: Actors, settings: Any, django_capture_on_commit_callbacks: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from django_tasks_db.models import DBTaskResult

    settings.MOTCUA_PORTAL_SEND_ON_COMMIT = True
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    monkeypatch.setattr(portal_service, "_deferred_until", {})
    clock = [dt.datetime(2026, 3, 2, 3, 0, tzinfo=dt.UTC)]
    monkeypatch.setattr("motcua.dossiers.services.portal.timezone.now", lambda: clock[0])

    with django_capture_on_commit_callbacks(execute=True):
        _counter(actors)
    clock[0] += dt.timedelta(seconds=3)
    with django_capture_on_commit_callbacks(execute=True):
        _counter(actors)
    clock[0] += dt.timedelta(seconds=3)  # past the first task's start: a new one
    with django_capture_on_commit_callbacks(execute=True):
        _counter(actors)

    run_after = sorted(DBTaskResult.objects.values_list("run_after", flat=True))
    start = dt.datetime(2026, 3, 2, 3, 0, tzinfo=dt.UTC)
    assert run_after == [start + dt.timedelta(seconds=5), start + dt.timedelta(seconds=11)]
    assert MemoryPortalSender.sent == []  # nothing runs before a worker takes the tasks


def test_the_worker_task_sends_batch_after_batch_until_nothing_is_pending(
    actors: Actors, monkeypatch: pytest.MonkeyPatch
) -> None:
    import functools

    from motcua.dossiers import tasks

    for _ in range(3):
        _counter(actors)
    monkeypatch.setattr(tasks, "portal_records_send", functools.partial(portal_records_send, limit=1))

    result = tasks.portal_sync_send_task.enqueue()

    assert result.return_value == 3
    assert [line["seq"] for line in MemoryPortalSender.sent] == [1, 2, 3]


def test_send_command_reports_and_fails_on_a_failing_sender(actors: Actors, settings: Any) -> None:
    _counter(actors)
    out = io.StringIO()
    call_command("portal_sync", "send", stdout=out)
    assert "1 sent, up to #1; 0 pending" in out.getvalue()

    _counter(actors)
    settings.MOTCUA_PORTAL_SENDER = "motcua.dossiers.tests.test_portal_sync.AlwaysFailing"
    with pytest.raises(CommandError, match="stopped at a failing record: ConnectionError"):
        call_command("portal_sync", "send", "--retries", "0", stdout=io.StringIO())
    assert PortalDelivery.objects.get(seq=2).sent_at is None


class AlwaysFailing:
    def send(self, line: dict[str, Any]) -> None:
        raise ConnectionError("no route")


# --- export and personal data -----------------------------------------------------------------

TIME_RE = re.compile(r"^\d{14}$")


def _export(*args: str) -> list[dict[str, Any]]:
    out = io.StringIO()
    call_command("portal_sync", "export", *args, stdout=out, stderr=io.StringIO())
    return [json.loads(line) for line in out.getvalue().splitlines()]


def test_export_lines_are_json_with_the_documented_keys(actors: Actors) -> None:
    _build_paths(actors)

    lines = _export("--since", "0")

    assert len(lines) == PortalRecord.objects.count()
    assert [line["seq"] for line in lines] == sorted(line["seq"] for line in lines)
    for line in lines:
        assert tuple(line) == LINE_KEYS
        assert tuple(line["HoSo"]) == HOSO_KEYS
        assert tuple(line["MotCua"]) == MOTCUA_KEYS
        for key, keys in NESTED_KEYS.items():
            assert all(tuple(item) == keys for item in line["HoSo"][key]), key
        assert line["v"] == 1
        assert TIME_RE.match(line["recorded_at"])
        for key in ("NgayNopHoSo", "NgayTiepNhan", "NgayHenTra", "NgayKetThucXuLy", "NgayTra"):
            assert line["HoSo"][key] is None or TIME_RE.match(line["HoSo"][key])
        assert all(TIME_RE.match(step["ThoiDiemXuLy"]) for step in line["HoSo"]["QuaTrinhXuLy"])


def test_export_since_and_by_dates(actors: Actors) -> None:
    first = _counter(actors, "2026-03-02")
    _act(actors.officer, first, DossierAction.STOP, at("2026-03-04", "23:30"), reason="x", confirm=True)
    _counter(actors, "2026-03-05")

    assert [line["seq"] for line in _export("--since", "1")] == [2, 3]
    assert [line["seq"] for line in _export("--from", "2026-03-03", "--to", "2026-03-04")] == [2]
    assert [line["seq"] for line in _export("--from", "2026-03-05")] == [3]
    with pytest.raises(CommandError):
        _export()
    with pytest.raises(CommandError):
        _export("--from", "05/03/2026")


def test_export_holds_no_personal_data_of_the_applicant_and_is_audited(actors: Actors) -> None:
    """docs/portal-sync.md "Personal data": no name, ID number, phone, e-mail or address of the
    applicant or representative; the staff's names in the status history, so the export is audited."""
    _counter(actors, representative_name="Phạm Thị Duyên", representative_id_number="096185004218")

    out = io.StringIO()
    call_command("portal_sync", "export", "--since", "0", stdout=out, stderr=io.StringIO())
    text = out.getvalue()

    for value in (PERSONAL_ID, "Nguyễn Văn An", "0912345678", "an@example.vn", "Ấp Cái Đôi", "Phạm Thị Duyên", "096185004218"):
        assert value not in text
    assert "Trần Thị Bình" in text  # the receiving officer, in QuaTrinhXuLy
    event = AuditEvent.objects.get(action="portal_sync.export")
    assert event.data == {"count": 1, "since": 0, "from": None, "to": None}


def test_status_history_steps_are_worded_in_vietnamese_whatever_the_page_language(actors: Actors) -> None:
    dossier = _counter(actors)
    with translation.override("en"):
        _act(actors.officer, dossier, DossierAction.STOP, at("2026-03-03"), reason="x", confirm=True)

    steps = _latest(dossier)["HoSo"]["QuaTrinhXuLy"]

    assert [(s["NoiDungXuLy"], s["TrangThai"], s["NguoiXuLy"]) for s in steps] == [
        ("Tiếp nhận", "2", "Trần Thị Bình"),
        ("Dừng theo yêu cầu của người nộp", "7", "Trần Thị Bình"),
    ]
