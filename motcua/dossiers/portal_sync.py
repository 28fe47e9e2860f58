"""The national-portal synchronisation data set (docs/portal-sync.md): the fields the portal
scores (RULES.md §2.2 "Data fields your system must produce"), built from the dossier tables.

Pure reads: :func:`dossier_portal_payload` turns a dossier, its documents and its events into
the record's payload; :func:`export_line` gives the JSON-lines form the senders and the export
write. The outbox row itself is written by ``services.portal`` in the change's transaction.

Choices an integrator must know (each explained in docs/portal-sync.md):

* times are ``yyyyMMddHHmmss`` in Vietnam time (Asia/Ho_Chi_Minh, +07:00, no offset written),
  the form of the portal's synchronisation messages;
* codes and flags are strings ("1", "0"), as in the portal's sync schema;
* a field we do not hold is ``null``, never guessed; no applicant's personal data is included.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable, Mapping
from datetime import date, datetime, time, timedelta
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from django.utils import translation

from motcua.dossiers.choices import Channel, DossierAction, DossierStatus
from motcua.dossiers.models import Dossier

VN = ZoneInfo("Asia/Ho_Chi_Minh")
PORTAL_TIME_FORMAT = "%Y%m%d%H%M%S"  # yyyyMMddHHmmss, Vietnam time
# The version of the payload's shape, written in every line: bump it when a key changes.
PAYLOAD_VERSION = 1

# KenhThucHien (RULES.md §1.3, 766 formula 3.3): 1 in person (also when null), 2 online, 3 post.
CHANNEL_CODES: dict[str, str] = {Channel.IN_PERSON: "1", Channel.ONLINE: "2", Channel.POSTAL: "3"}

# TrangThaiHoSo: the portal's dossier states (1 Mới đăng ký, 2 Được tiếp nhận, 3 Không được
# tiếp nhận, 4 Đang xử lý, 5 Yêu cầu bổ sung giấy tờ, 6 Yêu cầu thực hiện nghĩa vụ tài chính,
# 7 Công dân yêu cầu rút hồ sơ, 8 Dừng xử lý, 9 Đã xử lý xong, 10 Đã trả kết quả; RULES.md
# §1.4 row 10 names the terminal ones). A decision, approving or rejecting, is "processed" (9):
# the result (a licence or a reasoned refusal) then waits for its return (10).
STATUS_CODES: dict[str, str] = {
    DossierStatus.SUBMITTED: "1",
    DossierStatus.RECEIVED: "2",
    DossierStatus.REFUSED: "3",
    DossierStatus.IN_PROGRESS: "4",
    DossierStatus.AWAITING_DECISION: "4",
    DossierStatus.SUPPLEMENT_REQUESTED: "5",
    DossierStatus.AWAITING_FEES: "6",
    # Our only stop is at the applicant's request (Decree 118 Art. 21): the portal's "withdrawn
    # by the citizen", not its "Dừng xử lý" (an officer stopping an ineligible dossier).
    DossierStatus.STOPPED: "7",
    DossierStatus.APPROVED: "9",
    DossierStatus.REJECTED: "9",
    DossierStatus.READY_FOR_RETURN: "9",
    DossierStatus.RETURNED: "10",
}

# Events that record a fact without being a processing step (a rating) stay out of QuaTrinhXuLy.
_NOT_A_STEP = frozenset({DossierAction.RATE})

# The keys of one exported line and of its "HoSo" object (docs/portal-sync.md "Fields").
LINE_KEYS = ("v", "seq", "change", "recorded_at", "HoSo", "MotCua")
HOSO_KEYS = (
    "MaHoSo",
    "MaTTHC",
    "TenTTHC",
    "DonViXuLy",
    "KenhThucHien",
    "TrangThaiHoSo",
    "NgayNopHoSo",
    "NgayTiepNhan",
    "NgayHenTra",
    "NgayKetThucXuLy",
    "NgayTra",
    "MaKetQua",
    "DuongDanTepTinKetQua",
    "DanhSachGiayToKetQua",
    "DuocThanhToanTrucTuyen",
    "DanhSachLePhi",
    "HoSoCoThanhPhanSoHoa",
    "TaiLieuNop",
    "TaiKhoanDuocXacThucVoiVNeID",
    "QuaTrinhXuLy",
)


# The keys of the nested objects, in the order a line writes them (PostgreSQL's jsonb keeps
# no order: ``export_line`` puts them back).
NESTED_KEYS: dict[str, tuple[str, ...]] = {
    "DanhSachGiayToKetQua": ("GiayToId", "TenGiayTo", "DuongDanTepTinKetQua", "MaGiayToKetQua"),
    "DanhSachLePhi": ("TenPhiLePhi", "MaPhiLePhi", "LoaiPhiLePhi", "HinhThucThu", "Gia"),
    "TaiLieuNop": ("TepDinhKemId", "TenTepDinhKem", "MaThanhPhanHoSo", "DuocSoHoa", "DuocTaiSuDung", "DuocLayTuKhoDMQG"),
    "QuaTrinhXuLy": ("ThoiDiemXuLy", "TrangThai", "ThaoTac", "NoiDungXuLy", "NguoiXuLy"),
}
MOTCUA_KEYS = ("unit", "status", "fee_amount", "fee_paid", "timeliness")


def _ordered_hoso(hoso: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key in HOSO_KEYS:
        value = hoso.get(key)
        if key in NESTED_KEYS and isinstance(value, list):
            value = [{k: item.get(k) for k in NESTED_KEYS[key]} for item in value]
        out[key] = value
    return out


def portal_time(instant: datetime | None) -> str | None:
    """``yyyyMMddHHmmss`` in Vietnam time, or ``None``."""
    if instant is None:
        return None
    return instant.astimezone(VN).strftime(PORTAL_TIME_FORMAT)


def parse_portal_time(text: str) -> datetime:
    """The instant a ``yyyyMMddHHmmss`` text (Vietnam time) names."""
    return datetime.strptime(text, PORTAL_TIME_FORMAT).replace(tzinfo=VN)


def _flag(value: bool) -> str:
    return "1" if value else "0"


@functools.cache
def _step_name(action: str) -> str:
    """The action's Vietnamese label (the portal's language), worded once per action.

    Not ``translation.override``: leaving it where no language was active would deactivate
    every catalogue (``deactivate_all``) for the rest of the caller's work."""
    previous = translation.get_language()
    translation.activate("vi")
    try:
        return str(DossierAction(action).label)
    finally:
        if previous is None:
            translation.deactivate()
        else:
            translation.activate(previous)


def dossier_portal_payload(
    dossier: Dossier, *, documents: Iterable[Mapping[str, Any]], events: Iterable[Mapping[str, Any]]
) -> dict[str, Any]:
    """The payload of one outbox record: ``{"HoSo": {...portal fields...}, "MotCua": {...}}``.

    ``documents``: the dossier's document rows (``id``, ``name``, ``procedure_document_id``,
    ``digitized``, ``is_result``, ``source_document_id``) in order; ``events``: its event rows
    (``action``, ``to_status``, ``at``, ``actor__first_name``, ``actor__last_name``) in order.
    ``dossier`` must have ``receiving_unit`` and ``deciding_agency`` loaded.
    """
    steps = [e for e in events if e["action"] not in _NOT_A_STEP]
    online = dossier.channel == Channel.ONLINE
    submitted = [d for d in documents if not d["is_result"]]
    results = [d for d in documents if d["is_result"]]
    paid_by_action = any(e["action"] == DossierAction.PAY_FEES for e in steps)
    hoso: dict[str, Any] = {
        # Before receipt an online submission has no code yet (RULES.md §1.7): its reference.
        "MaHoSo": dossier.code,
        "MaTTHC": dossier.procedure_snapshot.get("code") or None,
        "TenTTHC": dossier.procedure_snapshot.get("name") or None,
        "DonViXuLy": dossier.deciding_agency.name,
        "KenhThucHien": CHANNEL_CODES[dossier.channel],
        "TrangThaiHoSo": STATUS_CODES[dossier.status],
        "NgayNopHoSo": portal_time(dossier.submitted_at),
        "NgayTiepNhan": portal_time(dossier.received_at),
        "NgayHenTra": portal_time(dossier.due_at),
        "NgayKetThucXuLy": portal_time(dossier.finished_at),
        "NgayTra": portal_time(dossier.returned_at),
        # We hold neither a result-document number nor a link the portal could open (result
        # files are served to signed-in staff only): null, never a link that does not work.
        "MaKetQua": None,
        "DuongDanTepTinKetQua": None,
        "DanhSachGiayToKetQua": [
            {"GiayToId": str(d["id"]), "TenGiayTo": d["name"], "DuongDanTepTinKetQua": None, "MaGiayToKetQua": None}
            for d in results
        ],
        # Not paid: not paid online. Taken at the counter with a counter intake: not online.
        # Recorded later ("pay_fees") or with an online submission: where it was paid (portal 1,
        # province gateway 2, counter 0) is not recorded, so null.
        "DuocThanhToanTrucTuyen": "0" if not dossier.fee_paid or (not paid_by_action and not online) else None,
        # One total amount is all a dossier holds: its name, code and kind (phí / lệ phí) are null.
        "DanhSachLePhi": (
            [{"TenPhiLePhi": None, "MaPhiLePhi": None, "LoaiPhiLePhi": None, "HinhThucThu": None, "Gia": str(dossier.fee_amount)}]
            if dossier.fee_amount > 0
            else []
        ),
        "HoSoCoThanhPhanSoHoa": _flag(any(d["digitized"] for d in submitted)),
        "TaiLieuNop": [
            {
                "TepDinhKemId": str(d["id"]),
                "TenTepDinhKem": d["name"],
                "MaThanhPhanHoSo": str(d["procedure_document_id"]) if d["procedure_document_id"] is not None else None,
                "DuocSoHoa": _flag(d["digitized"]),
                "DuocTaiSuDung": _flag(d["source_document_id"] is not None),
                # No link to the portal's data store exists here: a counter dossier's document
                # did not come from it; an online one may have, and we cannot tell.
                "DuocLayTuKhoDMQG": None if online else "0",
            }
            for d in submitted
        ],
        # A counter or postal dossier has no portal account; an online one's login is not recorded.
        "TaiKhoanDuocXacThucVoiVNeID": None if online else "0",
        "QuaTrinhXuLy": [
            {
                "ThoiDiemXuLy": portal_time(e["at"]),
                "TrangThai": STATUS_CODES[e["to_status"]],
                "ThaoTac": e["action"],
                "NoiDungXuLy": _step_name(e["action"]),
                "NguoiXuLy": " ".join(f"{e['actor__first_name'] or ''} {e['actor__last_name'] or ''}".split()) or None,
            }
            for e in steps
        ],
    }
    motcua = {
        "unit": dossier.receiving_unit.code,
        "status": dossier.status,
        "fee_amount": dossier.fee_amount,
        "fee_paid": dossier.fee_paid,
        "timeliness": dossier.timeliness or None,
    }
    return {"HoSo": hoso, "MotCua": motcua}


def export_line(*, seq: int, change: str, recorded_at: datetime, payload: Mapping[str, Any]) -> dict[str, Any]:
    """One exported or sent line: the envelope (version, sequence, change, time) and the payload."""
    return {
        "v": PAYLOAD_VERSION,
        "seq": seq,
        "change": change,
        "recorded_at": portal_time(recorded_at),
        "HoSo": _ordered_hoso(payload["HoSo"]),
        "MotCua": {key: payload["MotCua"].get(key) for key in MOTCUA_KEYS},
    }


DOCUMENT_FIELDS = ("id", "name", "procedure_document_id", "digitized", "is_result", "source_document_id")
EVENT_FIELDS = ("action", "to_status", "at", "actor__first_name", "actor__last_name")


class Writer(Protocol):
    """Where an export goes: a text file, standard output, a management command's ``stdout``."""

    def write(self, text: str, /) -> Any: ...


def portal_records_export(
    *, out: Writer, since: int | None = None, date_from: date | None = None, date_to: date | None = None
) -> int:
    """Write the outbox records as JSON lines to ``out``, in ``seq`` order: those after
    ``since``, or those recorded from ``date_from`` to ``date_to`` (whole days, Vietnam time).
    Returns how many. The export is audited (``portal_sync.export``): its lines name the staff
    who handled each step (``NguoiXuLy``)."""
    from motcua.core.audit import audit_record
    from motcua.dossiers.models import PortalRecord

    records = PortalRecord.objects.order_by("seq")
    if since is not None:
        records = records.filter(seq__gt=since)
    if date_from is not None:
        records = records.filter(created_at__gte=datetime.combine(date_from, time.min, tzinfo=VN))
    if date_to is not None:
        records = records.filter(created_at__lt=datetime.combine(date_to + timedelta(days=1), time.min, tzinfo=VN))
    count, first, last = 0, None, None
    for seq, change, created_at, payload in records.values_list("seq", "change", "created_at", "payload").iterator(
        chunk_size=2000
    ):
        line = export_line(seq=seq, change=change, recorded_at=created_at, payload=payload)
        out.write(json.dumps(line, ensure_ascii=False, separators=(",", ":")) + "\n")
        count += 1
        first = seq if first is None else first
        last = seq
    audit_record(
        action="portal_sync.export",
        actor_label="portal_sync",
        object_type="portal_record",
        object_id=f"{first}-{last}" if count else "",
        data={
            "count": count,
            "since": since,
            "from": date_from.isoformat() if date_from else None,
            "to": date_to.isoformat() if date_to else None,
        },
    )
    return count
