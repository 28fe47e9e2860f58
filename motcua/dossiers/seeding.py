"""Realistic synthetic dossiers in bulk, for demos, load tests and benchmarks (``motcua seed``).

``dossiers_seed`` builds dossiers in memory, chunk by chunk, and inserts each chunk with
``bulk_create`` in one transaction. Each dossier is what the services would have written:
its ``DossierEvent`` rows (seq 1..n) replay through ``workflow.replay`` to its status; the due
time comes from the unit's working calendar through ``clock`` (start, pause and resume for
supplements, at most one extension); inter-agency steps carry their own due time and
timeliness; slips are numbered; timeliness is derived from the first end of processing. Codes
(dated the day of receipt), online submission references and slip numbers are made by
``numbering`` as the services make them, and the ``Counter`` rows advance in the same
transaction, so later intakes and later seeding runs never collide. One audit event records the run.

Not written: documents (no files), per-dossier audit events, notifications. The people are
invented: common Vietnamese family, middle and given names, valid 12-digit personal IDs
(RULES.md §6.1), mobile numbers in the national format, e-mail addresses at example.com.
"""

from __future__ import annotations

import json
import multiprocessing
import random
import traceback
import unicodedata
from bisect import bisect
from collections import Counter as Tally
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from itertools import accumulate
from time import perf_counter
from typing import Any

from django.db import connection, models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.catalog.models import Procedure
from motcua.core.audit import audit_record
from motcua.core.calendar import OfficeMinuteIndex, WorkingCalendar, calendar_for
from motcua.core.choices import AgencyKind, Role
from motcua.core.exceptions import DomainError
from motcua.core.models import AdministrativeUnit, Agency, StaffRole
from motcua.core.text import fold
from motcua.dossiers import clock, numbering
from motcua.dossiers.choices import (
    ApplicantKind,
    Channel,
    ClockChangeKind,
    DossierAction,
    DossierStatus,
    ResultDelivery,
    SlipForm,
    StepStatus,
    Timeliness,
)
from motcua.dossiers.exceptions import DossierErrorCode
from motcua.dossiers.models import ClockChange, Counter, Dossier, DossierEvent, DossierStep, Slip
from motcua.dossiers.workflow import next_status

A = DossierAction
S = DossierStatus
ProgressCallback = Callable[[int, int, float], None]
_ALL_STATUSES = list(S)

# --- What the seeded population looks like ------------------------------------------------------

# Final status → weight (%). A commune settles most dossiers within days, so over months nine in
# ten are closed and the open ones are recent.
STATUS_WEIGHTS: dict[DossierStatus, float] = {
    S.RETURNED: 88, S.REFUSED: 2.5, S.STOPPED: 1.5, S.IN_PROGRESS: 2.2, S.READY_FOR_RETURN: 1.2, S.RECEIVED: 1,
    S.SUPPLEMENT_REQUESTED: 1, S.SUBMITTED: 0.7, S.APPROVED: 0.5, S.AWAITING_FEES: 0.4, S.REJECTED: 0.2,
    S.AWAITING_DECISION: 0.8,
}  # fmt: skip
CHANNEL_WEIGHTS: dict[Channel, float] = {Channel.IN_PERSON: 68, Channel.ONLINE: 27, Channel.POSTAL: 5}
# At most this many days since the last event of an open dossier (while the clock runs, also at
# most half the lead time, so that most open dossiers are not overdue).
OPEN_IDLE_DAYS: dict[DossierStatus, float] = {
    S.SUBMITTED: 2, S.RECEIVED: 1.5, S.SUPPLEMENT_REQUESTED: 20, S.IN_PROGRESS: 6, S.AWAITING_FEES: 5, S.APPROVED: 2,
    S.REJECTED: 2, S.READY_FOR_RETURN: 10, S.AWAITING_DECISION: 2,
}  # fmt: skip
LATE_SHARE = 0.07  # would be decided after the due time …
EXTENSION_SHARE = 0.03  # … of which these get an apology with a new date (at most once) and end on time
# The sectors most commune dossiers belong to, with their share of all dossiers …
COMMON_SECTORS: dict[str, float] = {"Hộ tịch": 0.45, "Chứng thực": 0.15, "Đăng ký, quản lý cư trú": 0.22}
OTHER_SECTORS_SHARE = 0.18
# … and, inside them, the everyday procedures (national codes) weigh this much more than the rest.
EVERYDAY: dict[str, float] = {
    # khai sinh, xác nhận tình trạng hôn nhân, kết hôn, khai tử, cải chính, đăng ký lại khai sinh
    "1.001193": 40, "1.004873": 30, "1.000894": 20, "1.000656": 15, "1.004859": 6, "1.004884": 4,
    "2.000908": 10,  # cấp bản sao từ sổ gốc
    # tạm trú, thường trú, xác nhận thông tin cư trú, tạm vắng, lưu trú, gia hạn tạm trú
    "1.004194": 12, "1.004222": 10, "1.010041": 10, "1.003677": 4, "2.001159": 4, "1.002755": 4,
}  # fmt: skip
POLICE_SECTORS = ("Đăng ký, quản lý cư trú", "Cấp, quản lý căn cước", "Quản lý xuất nhập cảnh")  # decided by the commune police

FAMILY_NAMES: dict[str, float] = {
    "Nguyễn": 31, "Trần": 11, "Lê": 9, "Phạm": 6, "Huỳnh": 5, "Võ": 5, "Phan": 4, "Trương": 2, "Đặng": 2, "Bùi": 2,
    "Đỗ": 1.5, "Ngô": 1.5, "Hồ": 1.5, "Dương": 1.2, "Lâm": 1.2, "Lý": 1, "Đinh": 1, "Châu": 1, "Hoàng": 1, "Tô": 0.8,
    "Mai": 0.8, "Cao": 0.7, "Đoàn": 0.7, "Vũ": 0.6, "Lưu": 0.5, "Thái": 0.5, "Quách": 0.4, "Trịnh": 0.4, "Danh": 0.4,
    "Thạch": 0.3, "Kim": 0.3, "Diệp": 0.3, "La": 0.2, "Tăng": 0.2,
}  # fmt: skip
MIDDLE_MALE: dict[str, float] = {
    "Văn": 40, "Minh": 8, "Hoàng": 5, "Quốc": 6, "Thanh": 6, "Hữu": 6, "Đức": 4, "Công": 4, "Thành": 4, "Tấn": 5,
    "Trung": 3, "Anh": 3, "Ngọc": 3, "Chí": 3, "Gia": 2, "Hải": 2, "Phước": 2, "Thái": 1,
}  # fmt: skip
MIDDLE_FEMALE: dict[str, float] = {
    "Thị": 45, "Ngọc": 8, "Thu": 4, "Thanh": 5, "Kim": 5, "Mỹ": 4, "Bích": 3, "Hồng": 4, "Diễm": 2, "Phương": 3,
    "Thúy": 3, "Như": 2, "Yến": 2, "Hoài": 2, "Cẩm": 2, "Tuyết": 2, "Huỳnh": 1,
}  # fmt: skip
GIVEN_MALE = (
    "An", "Bình", "Cường", "Dũng", "Duy", "Đạt", "Hải", "Hùng", "Huy", "Khang", "Khoa", "Kiệt", "Long", "Lộc",
    "Minh", "Nam", "Nhân", "Phát", "Phong", "Phúc", "Quang", "Sơn", "Tài", "Tâm", "Thắng", "Thành", "Thiện",
    "Toàn", "Trí", "Trung", "Tuấn", "Vinh", "Vũ", "Hậu", "Lợi", "Tùng", "Quý", "Hiếu", "Nghĩa", "Sang", "Tín",
    "Hoà", "Nhựt", "Thuận", "Khánh", "Bảo",
)  # fmt: skip
GIVEN_FEMALE = (
    "Anh", "Cúc", "Dung", "Duyên", "Giang", "Hà", "Hạnh", "Hằng", "Hiền", "Hoa", "Hồng", "Huyền", "Hương",
    "Lan", "Liên", "Linh", "Loan", "Mai", "My", "Nga", "Ngân", "Nhi", "Nhung", "Oanh", "Phượng", "Quyên", "Thảo",
    "Thu", "Thủy", "Trang", "Trinh", "Tuyết", "Uyên", "Vân", "Vy", "Xuân", "Yến", "Diễm", "Ly", "Thắm", "Ngọc",
    "Hân", "Tiên", "Kiều", "Mơ",
)  # fmt: skip
HAMLETS = [f"Ấp {n}" for n in range(1, 8)] + [
    f"Ấp {n}" for n in ("Tân Phú", "Tân Thành", "Phú Thuận", "Mỹ Bình", "Đông Hưng", "Tân Lộc", "Kinh Mới", "Xóm Mới", "Chợ")
]
# First three digits of the personal ID (birth-registration province): mostly Cà Mau and its neighbours.
ID_PROVINCES: dict[str, float] = {
    "096": 72,
    "095": 9,
    "094": 4,
    "091": 4,
    "092": 3,
    "079": 3,
    "089": 2,
    "093": 1,
    "086": 1,
    "001": 1,
}
PHONE_PREFIXES = (
    "032", "033", "034", "035", "036", "037", "038", "039", "086", "096", "097", "098", "070", "076", "077",
    "078", "079", "089", "090", "093", "081", "082", "083", "084", "085", "088", "091", "094", "056", "058",
    "092", "059", "099",
)  # fmt: skip
SUPPLEMENT_ITEMS = (
    "Bản sao giấy chứng nhận kết hôn của cha, mẹ", "Giấy chứng sinh (bản chính)", "Văn bản ủy quyền có chứng thực",
    "Tờ khai có đủ chữ ký của người yêu cầu", "Giấy tờ chứng minh chỗ ở hợp pháp", "Bản chính giấy tờ để đối chiếu",
    "Trích lục khai tử (bản sao)", "Giấy xác nhận tình trạng hôn nhân còn thời hạn",
)  # fmt: skip
SUPPLEMENT_REASONS = (
    "Hồ sơ còn thiếu giấy tờ theo quy định của thủ tục.", "Tờ khai chưa ghi đầy đủ thông tin bắt buộc.",
    "Giấy tờ nộp kèm đã hết thời hạn sử dụng.",
)  # fmt: skip
REFUSAL_REASONS = (
    "Yêu cầu không thuộc thẩm quyền giải quyết của cơ quan.", "Người yêu cầu không bổ sung hồ sơ theo phiếu yêu cầu bổ sung.",
    "Việc hộ tịch đã được đăng ký trước đây tại cơ quan khác.",
)  # fmt: skip
STOP_REASONS = ("Người yêu cầu đề nghị dừng giải quyết hồ sơ.", "Người yêu cầu rút hồ sơ để nộp lại sau.")
APOLOGY_REASONS = ("Cần xác minh thêm thông tin với cơ quan có liên quan.", "Chờ kết quả phối hợp của cơ quan liên thông.")
OVERRIDE_REASON = "Lãnh đạo đồng ý yêu cầu bổ sung lần hai: giấy tờ bổ sung lần trước không hợp lệ."
REJECTION_REASONS = ("Không đủ điều kiện theo quy định của pháp luật.", "Kết quả xác minh không khớp với hồ sơ.")
DELIVERIES = (ResultDelivery.IN_PERSON, ResultDelivery.POSTAL, ResultDelivery.ONLINE)
FEES = (8_000, 10_000, 15_000, 20_000, 30_000, 50_000, 100_000)


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


class _Weighted:
    """Weighted choice with precomputed cumulative weights."""

    def __init__(self, weights: dict[Any, float]) -> None:
        self.items = [_nfc(k) if isinstance(k, str) and not isinstance(k, DossierStatus | Channel) else k for k in weights]
        self.cumulative = list(accumulate(weights.values()))
        self.total = self.cumulative[-1]

    def pick(self, rng: random.Random) -> Any:
        return self.items[bisect(self.cumulative, rng.random() * self.total)]


@dataclass
class SeedReport:
    count: int = 0
    by_status: dict[str, int] = field(default_factory=dict)
    events: int = 0
    clock_changes: int = 0
    steps: int = 0
    slips: int = 0
    counters: int = 0
    seconds: float = 0.0

    @property
    def rate(self) -> float:
        """Dossiers per second over the whole run."""
        return self.count / self.seconds if self.seconds > 0 else 0.0


# --- Reference data: units, agencies, staff, procedures ---------------------------------------------


@dataclass(frozen=True)
class _Actor:
    id: int | None
    label: str
    unit_code: str


@dataclass(frozen=True)
class _Agency:
    id: int
    name: str
    identifier: str  # as ``services.dossier_code`` names it in codes


def _agency(agency: Agency) -> _Agency:
    # No invented identifier: an agency without one cannot decide dossiers (RULES.md §1.7).
    return _Agency(agency.id, agency.name, numbering.agency_identifier(agency))


@dataclass(eq=False)
class _Desk:
    """One receiving unit: its calendar, agencies and the staff who act on its dossiers."""

    unit: AdministrativeUnit
    calendar: WorkingCalendar
    office: OfficeMinuteIndex
    address_tail: str
    receiving: _Agency
    committee: _Agency
    police: _Agency | None
    reception: _Actor
    specialist: _Actor
    leader: _Actor
    specialist_by_agency: dict[int, int]
    due_cache: dict[tuple[Any, ...], datetime] = field(default_factory=dict)


@dataclass(frozen=True, eq=False)  # hashed by identity: a key of the weight table
class _Proc:
    id: int
    code: str
    name: str
    value: Any  # Decimal
    unit: str
    cutoff: time | None
    snapshot: dict[str, Any]
    police: bool
    span_days: float  # the lead time in calendar days, roughly
    time_reason: clock.Explanation  # the START clock change's reason, as the services write it


def _load_desks(unit_codes: Sequence[str], first: date, last: date) -> list[_Desk]:
    desks: list[_Desk] = []
    for code in unit_codes:
        unit = AdministrativeUnit.objects.select_related("parent").filter(code=code, valid_to__isnull=True).first()
        if unit is None:
            raise DomainError(
                DossierErrorCode.SEED_UNIT_UNKNOWN, _("No current administrative unit has the code %(code)s.") % {"code": code}
            )
        agencies = list(Agency.objects.filter(unit=unit).select_related("unit").order_by("pk"))
        receiving = next((a for a in agencies if a.is_one_stop_desk), None) or next(
            (a for a in agencies if a.kind == AgencyKind.SERVICE_CENTRE), None
        )
        if receiving is None:
            raise DomainError(
                DossierErrorCode.SEED_AGENCIES_MISSING,
                _(
                    "%(unit)s has no one-stop desk: create its agencies and staff first "
                    "(motcua demo, or motcua seed --create-agencies)."
                )
                % {"unit": unit.name},
            )
        staff: dict[Role, list[tuple[int, str, int]]] = {}
        rows = StaffRole.objects.filter(profile__agency__unit=unit, profile__user__is_active=True).order_by("profile__user_id")
        for role, user_id, username, agency_id in rows.values_list(
            "role", "profile__user_id", "profile__user__username", "profile__agency_id"
        ):
            staff.setdefault(Role(role), []).append((user_id, username, agency_id))

        def actor(*roles: Role, unit_code: str = code, staff: dict[Role, list[tuple[int, str, int]]] = staff) -> _Actor:
            for role in roles:
                if staff.get(role):
                    return _Actor(staff[role][0][0], staff[role][0][1], unit_code)
            return _Actor(None, "seed", unit_code)

        calendar = calendar_for(unit)
        committee = next((a for a in agencies if a.kind == AgencyKind.PEOPLES_COMMITTEE), receiving)
        police = next((a for a in agencies if a.kind == AgencyKind.COMMUNE_POLICE), None)
        desks.append(
            _Desk(
                unit=unit,
                calendar=calendar,
                office=calendar.minute_index(first, last),
                address_tail=", ".join(part for part in (unit.name, unit.parent.name if unit.parent else "") if part),
                receiving=_agency(receiving),
                committee=_agency(committee),
                police=_agency(police) if police is not None else None,
                reception=actor(Role.RECEPTION_OFFICER, Role.UNIT_ADMINISTRATOR),
                specialist=actor(Role.SPECIALIST, Role.RECEPTION_OFFICER),
                leader=actor(Role.LEADER, Role.SPECIALIST),
                specialist_by_agency={agency_id: user_id for user_id, _n, agency_id in reversed(staff.get(Role.SPECIALIST, []))},
            )
        )
    return desks


def _load_procedures() -> _Weighted:
    """Procedures with a time limit (the services refuse the others), weighted towards the
    everyday commune procedures. (The shipped catalogue gives no time limit for 11 of the 12
    chứng thực procedures, so certified copies are under-represented until it does.)"""
    rows = list(
        Procedure.objects.filter(lead_time_value__isnull=False)
        .exclude(lead_time_unit="")
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gt=timezone.localdate()))
        .select_related("sector")
        .order_by("code")
    )
    if not rows:
        raise DomainError(
            DossierErrorCode.SEED_PROCEDURES_MISSING,
            _("The catalogue has no procedure with a time limit: import it first (motcua import-procedures)."),
        )
    by_sector: dict[str, list[Procedure]] = {}
    for row in rows:
        by_sector.setdefault(row.sector.name, []).append(row)
    common = {name: share for name, share in COMMON_SECTORS.items() if name in by_sector}
    others = [p for name, group in by_sector.items() if name not in common for p in group]
    total = sum(common.values()) + (OTHER_SECTORS_SHARE if others else 0)
    weights: dict[_Proc, float] = {}
    for name, share in common.items():
        raw = [EVERYDAY.get(p.code, 1.0) for p in by_sector[name]]
        for procedure, weight in zip(by_sector[name], raw, strict=True):
            weights[_proc(procedure)] = share / total * weight / sum(raw)
    for procedure in others:
        weights[_proc(procedure)] = OTHER_SECTORS_SHARE / total / len(others)
    return _Weighted(weights)


_CALENDAR_DAYS_PER_UNIT = {"working_day": 1.4, "calendar_day": 1.0, "hour": 1 / 24, "working_hour": 1.4 / 8}


def _proc(procedure: Procedure) -> _Proc:
    value = procedure.lead_time_value
    return _Proc(
        id=procedure.pk, code=procedure.code, name=procedure.name, value=value, unit=procedure.lead_time_unit,
        cutoff=procedure.receipt_cutoff, police=procedure.sector.name in POLICE_SECTORS,
        span_days=1.0 if procedure.lead_time_unit == clock.SAME_DAY
        else float(value or 0) * _CALENDAR_DAYS_PER_UNIT.get(procedure.lead_time_unit, 1.0),
        time_reason=clock.statutory_reason(code=procedure.code, value=value, unit=procedure.lead_time_unit),
        snapshot={"code": procedure.code, "name": procedure.name, "lead_time_value": str(value) if value is not None else None,
                  "lead_time_unit": procedure.lead_time_unit, "version": procedure.version},
    )  # fmt: skip


# --- People -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Person:
    name: str
    id_number: str
    phone: str
    email: str
    address: str


class _People:
    def __init__(self) -> None:
        self.family = _Weighted(FAMILY_NAMES)
        self.middle = {True: _Weighted(MIDDLE_MALE), False: _Weighted(MIDDLE_FEMALE)}
        self.given = {True: [_nfc(n) for n in GIVEN_MALE], False: [_nfc(n) for n in GIVEN_FEMALE]}
        self.hamlets = [_nfc(h) for h in HAMLETS]
        self.provinces = _Weighted(ID_PROVINCES)

    def person(self, rng: random.Random, desk: _Desk, year: int) -> _Person:
        male = rng.random() < 0.47
        parts = [self.family.pick(rng), self.middle[male].pick(rng)]
        if rng.random() < 0.15:  # a second middle name: Nguyễn Thị Ngọc Anh
            second = self.middle[male].pick(rng)
            if second != parts[1]:
                parts.append(second)
        parts.append(rng.choice(self.given[male]))
        birth_year = year - 18 - min(int(rng.expovariate(1 / 17)), 70)
        # PPP G YY RRRRRR: G is 0/1 (male/female) for the 1900s, 2/3 for the 2000s.
        gender = (birth_year - 1900) // 100 * 2 + (0 if male else 1)
        id_number = f"{self.provinces.pick(rng)}{gender}{birth_year % 100:02d}{rng.randrange(1_000_000):06d}"
        phone = "" if rng.random() < 0.08 else f"{rng.choice(PHONE_PREFIXES)}{rng.randrange(10_000_000):07d}"
        email = f"{_ascii(parts[-1])}.{_ascii(parts[0])}{birth_year % 100:02d}@example.com" if rng.random() < 0.2 else ""
        return _Person(" ".join(parts), id_number, phone, email, f"{rng.choice(self.hamlets)}, {desk.address_tail}")


def _ascii(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()


# --- One dossier's life -------------------------------------------------------------------------------

_Event = tuple[DossierAction, str, DossierStatus, datetime, _Actor | None, str, dict[str, Any]]


class _Life:
    """One dossier's story, played through the workflow table like the services' handlers.

    All random choices come from ``rng`` (seeded per dossier), so playing the same dossier from
    another start gives the same story at another time. Processing is planned in agency time:
    ``u`` office minutes of running clock since receipt; the instant of ``u`` is
    ``office.add(anchor_at, u - anchor_u)``, re-anchored when a supplement restarts the clock.
    """

    def __init__(self, *, rng: random.Random, desk: _Desk, procedure: _Proc, target: DossierStatus, channel: Channel) -> None:
        self.rng, self.desk, self.procedure, self.target, self.channel = rng, desk, procedure, target, channel
        # Most collect the result at the desk; online applicants often take the electronic result.
        weights = (45, 15, 40) if channel == Channel.ONLINE else (85, 12, 3)
        self.result_delivery = rng.choices(DELIVERIES, weights=weights)[0]
        self.office = desk.office
        self.deciding = desk.police if procedure.police and desk.police is not None else desk.committee
        self.events: list[_Event] = []
        # (kind, at, old due, new due, reason: typed text or the clock's Explanation, event index)
        self.clocks: list[tuple[ClockChangeKind, datetime, datetime | None, datetime | None, str | clock.Explanation, int]] = []
        self.steps: list[dict[str, Any]] = []
        self.slips: list[tuple[SlipForm, int, datetime, dict[str, Any]]] = []
        self.history: list[DossierStatus] = []
        self.at: datetime | None = None
        self.submitted_at: datetime | None = None
        self.received_at: datetime | None = None
        self.due_at: datetime | None = None
        self.original_due_at: datetime | None = None
        self.finished_at: datetime | None = None
        self.returned_at: datetime | None = None
        self.supplements = 0
        self.extended = False
        self.fee_amount = 0
        self.fee_paid = False
        self.result_summary = ""
        self.assigned_to: int | None = desk.reception.id
        self.anchor_at: datetime | None = None
        self.anchor_u = 0
        self.pause: tuple[datetime, datetime] | None = None  # (paused at, due then)
        self.remaining_at_pause: Decimal | None = None
        self.handover_due_at: datetime | None = None

    # -- helpers ---------------------------------------------------------------------------------------

    def _later(self, days: float, spread: float = 0.3) -> datetime:
        """An office instant ``days`` calendar days after the last event, some minutes into a session."""
        assert self.at is not None
        instant = (self.at + timedelta(days=days)).replace(second=0, microsecond=0)
        return self.office.add(instant, self.office.minutes(self.rng.random() * spread) + 1)

    def _u_at(self, u: int) -> datetime:
        assert self.anchor_at is not None
        return self.office.add(self.anchor_at, max(0, u - self.anchor_u))

    def _emit(self, action: DossierAction, at: datetime, actor: _Actor | None, reason: str = "", /, **payload: Any) -> int:
        assert self.at is None or at >= self.at, (action, at, self.at)
        before = self.history[-1].value if self.history else ""
        self.history.append(next_status(self.history, action))  # raises on a step the workflow does not allow
        self.events.append((action, before, self.history[-1], at, actor, reason, payload))
        self.at = at
        return len(self.events) - 1

    def _close_step(self, at: datetime, actor: _Actor, note: str) -> dict[str, Any] | None:
        step = self.steps[-1] if self.steps and self.steps[-1]["status"] == StepStatus.OPEN else None
        if step is not None:
            step.update(status=StepStatus.DONE, completed_at=at, completed_by_id=actor.id, note=note,
                        timeliness=clock.judge(finished_at=at, due_at=step["due_at"], tz=self.office.tz))  # fmt: skip
        return step

    def _finish(self, at: datetime) -> None:
        self.finished_at = self.finished_at or at

    # -- actions (as services._on_*) -------------------------------------------------------------------

    def submit(self, at: datetime) -> None:
        self.submitted_at = at
        self._emit(A.SUBMIT_ONLINE, at, None, channel=self.channel.value, documents=self.rng.randint(1, 4))

    def receive(self, at: datetime) -> None:
        desk, procedure = self.desk, self.procedure
        due = _initial_due(desk, at, procedure)
        extra = {} if self.history else {"channel": self.channel.value, "documents": self.rng.randint(1, 5)}
        index = self._emit(A.RECEIVE, at, desk.reception, **extra)
        self.received_at, self.due_at, self.original_due_at = at, due, due
        # No documents are seeded: online dossiers are electronic, the others paper.
        self.handover_due_at = clock.handover_due(desk.calendar, received_at=at, electronic=self.channel == Channel.ONLINE)
        self.anchor_at, self.anchor_u = at, 0
        self.clocks.append((ClockChangeKind.START, at, None, due, procedure.time_reason, index))
        self.slips.append((SlipForm.RECEIPT, desk.receiving.id, at, {"due_at": due.isoformat()}))
        self.slips.append((SlipForm.CONTROL_SHEET, desk.receiving.id, at, {}))  # as services._issue_receipt

    def request_supplement(self, at: datetime, actor: _Actor) -> None:
        items = self.rng.sample(SUPPLEMENT_ITEMS, self.rng.randint(1, 2))
        reason = self.rng.choice(SUPPLEMENT_REASONS)
        extra: dict[str, Any] = {}
        if self.supplements >= 1:  # a second request: only on a leader's override (services._check_override)
            actor = self.desk.leader
            extra = {"override": True, "override_reason": OVERRIDE_REASON, "violation": "supplement_once",
                     "request": self.supplements + 1}  # fmt: skip
        self.supplements += 1
        remaining = clock.remaining_at(self.desk.calendar, at=at, due_at=self.due_at) if self.due_at else None
        self.remaining_at_pause = clock.as_days(remaining) if remaining is not None else None
        index = self._emit(
            A.REQUEST_SUPPLEMENT, at, actor, reason, items=items,
            remaining_days=str(remaining) if remaining is not None else None, **extra,
        )  # fmt: skip
        if self.due_at is not None:
            self.clocks.append((ClockChangeKind.PAUSE, at, self.due_at, None, reason, index))
            self.pause = (at, self.due_at)
        self.slips.append((SlipForm.SUPPLEMENT, self.desk.receiving.id, at, {"items": items, "reason": reason}))

    def supplement(self, at: datetime, resume_u: int) -> None:
        index = self._emit(A.SUPPLEMENT, at, self.desk.reception, documents=self.rng.randint(1, 2))
        if self.pause is not None:
            remaining = clock.remaining_at(self.desk.calendar, at=self.pause[0], due_at=self.pause[1])
            new_due = clock.resume_due(self.desk.calendar, resumed_at=at, remaining=remaining)
            self.clocks.append((ClockChangeKind.RESUME, at, self.due_at, new_due, clock.resume_reason(remaining), index))
            self.due_at = new_due
            self.anchor_at, self.anchor_u = at, resume_u
        self.pause = None
        self.remaining_at_pause = None
        if self.handover_due_at is not None and not self.steps:  # as services._on_supplement
            self.handover_due_at = clock.handover_due(
                self.desk.calendar, received_at=at, electronic=self.channel == Channel.ONLINE
            )

    def refuse(self, at: datetime) -> None:
        reason = self.rng.choice(REFUSAL_REASONS)
        self._emit(A.REFUSE, at, self.desk.reception, reason)
        self.slips.append((SlipForm.REFUSAL, self.desk.receiving.id, at, {"reason": reason}))
        self._finish(at)

    def stop(self, at: datetime) -> None:
        reason = self.rng.choice(STOP_REASONS)
        self._close_step(at, self.desk.reception, reason)
        self._emit(A.STOP, at, self.desk.reception, reason)
        self.slips.append((SlipForm.STOP_NOTICE, self.desk.receiving.id, at, {"reason": reason}))
        self._finish(at)

    def transfer(self, at: datetime, agency: _Agency, actor: _Actor, step_minutes: int | None) -> None:
        receiver = self.desk.specialist_by_agency.get(agency.id)
        handover: dict[str, Any] = {}
        if not self.steps and self.handover_due_at is not None:  # as services._on_transfer
            result = clock.judge(finished_at=at, due_at=self.handover_due_at, tz=self.office.tz)
            handover = {"handover_due_at": self.handover_due_at.isoformat(), "handover_timeliness": result.value,
                        "handover_late": result == Timeliness.LATE}  # fmt: skip
        previous = self._close_step(at, actor, "")
        due = self.due_at or at
        if step_minutes is not None:
            due = min(due, self.office.add(at, step_minutes))
        self.steps.append({
            "position": len(self.steps) + 1, "agency_id": agency.id, "handed_over_by_id": actor.id, "received_by_id": receiver,
            "started_at": at, "due_at": max(due, at), "completed_at": None, "completed_by_id": None,
            "status": StepStatus.OPEN, "timeliness": "", "note": "",
        })  # fmt: skip
        self.assigned_to = receiver
        self._emit(A.TRANSFER, at, actor, agency=agency.id, agency_name=agency.name, receiver=receiver,
                   previous_step=previous["position"] if previous else None, **handover)  # fmt: skip

    def complete_step(self, at: datetime) -> None:
        step = self._close_step(at, self.desk.specialist, "")
        if step is not None:
            self.assigned_to = self.desk.reception.id  # back to the desk (services._back_to_desk)
            self._emit(A.COMPLETE_STEP, at, self.desk.specialist, step=step["position"], timeliness=step["timeliness"])

    def fees(self, at: datetime, paid_at: datetime | None) -> None:
        self.fee_amount, self.fee_paid = self.rng.choice(FEES), False
        self._emit(A.REQUEST_FEES, at, self.desk.specialist, fee_amount=self.fee_amount)
        if paid_at is not None:
            self.fee_paid = True
            self._emit(A.PAY_FEES, paid_at, self.desk.reception, fee_amount=self.fee_amount)

    def apologize(self, at: datetime, extra_days: int) -> None:
        if self.due_at is None or self.extended or not clock.can_extend(self.desk.calendar, now=at, due_at=self.due_at):
            return
        old, new = self.due_at, self.desk.calendar.add_working_time(self.due_at, extra_days)
        reason = self.rng.choice(APOLOGY_REASONS)
        index = self._emit(A.APOLOGIZE, at, self.desk.leader, reason, old_due_at=old.isoformat(), new_due_at=new.isoformat())
        self.clocks.append((ClockChangeKind.EXTEND, at, old, new, reason, index))
        self.slips.append(
            (
                SlipForm.APOLOGY,
                self.deciding.id,
                at,
                {"reason": reason, "old_due_at": old.isoformat(), "new_due_at": new.isoformat()},
            )
        )
        self.due_at, self.extended = new, True

    def propose(self, at: datetime, *, approved: bool) -> None:
        """Trình ký (services._on_propose): the specialist submits the dossier for decision."""
        self.result_summary = "Đã cấp kết quả theo đề nghị." if approved else self.rng.choice(REJECTION_REASONS)
        self._emit(
            A.PROPOSE,
            at,
            self.desk.specialist,
            "" if approved else self.result_summary,
            proposal="approve" if approved else "reject",
            draft_result=self.result_summary,
            documents=0,
        )

    def decide(self, at: datetime, *, approved: bool) -> None:
        self.result_summary = "Đã cấp kết quả theo đề nghị." if approved else self.rng.choice(REJECTION_REASONS)
        self._close_step(at, self.desk.leader, self.result_summary)
        self.assigned_to = self.desk.reception.id  # back to the desk (services._back_to_desk)
        self._emit(
            A.APPROVE if approved else A.REJECT, at, self.desk.leader, "" if approved else self.result_summary, approved=approved
        )
        self._finish(at)

    # -- the story ---------------------------------------------------------------------------------------

    def run(self, start: datetime) -> None:
        """Play the story from ``start``: the online submission, or the receipt at the counter."""
        rng, target, office = self.rng, self.target, self.office
        if self.channel == Channel.ONLINE:
            self.submit(start)
            early = target in (S.SUBMITTED, S.REFUSED) or (target in (S.SUPPLEMENT_REQUESTED, S.STOPPED) and rng.random() < 0.4)
            if rng.random() < 0.08 or (early and target == S.SUPPLEMENT_REQUESTED):
                self.request_supplement(self._later(0, 1.0), self.desk.reception)
                if early and target == S.SUPPLEMENT_REQUESTED:
                    return
                self.supplement(self._later(0.5 + rng.random() * 6), 0)
            if early:
                if target == S.REFUSED:
                    self.refuse(self._later(0, 1.0))
                elif target == S.STOPPED:
                    self.stop(self._later(0, 2.0))
                return
            self.receive(self._later(0, 1.5))
        else:
            self.receive(start)
        assert self.received_at is not None and self.due_at is not None
        budget = office.between(self.received_at, self.due_at)
        if target == S.RECEIVED:
            if rng.random() < 0.1:
                self._supplement_cycle(office.minutes(0.05 * rng.random()))
            return
        if target == S.STOPPED and rng.random() < 0.35:
            self.stop(self._u_at(round(budget * 0.3 * rng.random())))
            return
        if target == S.SUPPLEMENT_REQUESTED and rng.random() < 0.5:
            self.request_supplement(self._u_at(office.minutes(0.05 * rng.random())), self.desk.reception)
            return
        self._process(budget)

    def _process(self, budget: int) -> None:
        """Transfer within a working day, then steps, supplements, fees and an apology in agency
        time, then the decision (on time, or late for a few), the result and its return."""
        rng, target, office = self.rng, self.target, self.office
        u_transfer = round(min(office.day, 0.3 * budget) * rng.random())
        if rng.random() < 0.06:
            self._supplement_cycle(round(u_transfer * rng.random()))
        late = rng.random() < LATE_SHARE
        extend = late and rng.random() < EXTENSION_SHARE / LATE_SHARE
        u_decide = max(round(budget * (1.03 + rng.random() * 0.5 if late else 0.3 + rng.random() * 0.67)), u_transfer + 30)
        first, second = self.deciding, None
        other = self.desk.committee if self.deciding != self.desk.committee else self.desk.police
        if other is not None and other != self.deciding and rng.random() < 0.2:  # liên thông: another agency first
            first, second = other, self.deciding
        span = u_decide - u_transfer
        self.transfer(self._u_at(u_transfer), first, self.desk.reception, max(120, span // 2) if second else None)
        plan: list[tuple[int, str]] = []
        if second is not None:
            plan.append((u_transfer + round(span * (0.1 + 0.4 * rng.random())), "transfer"))
        elif rng.random() < 0.3:
            plan.append((u_transfer + round(span * (0.5 + 0.45 * rng.random())), "complete"))
        if rng.random() < 0.05 or target == S.SUPPLEMENT_REQUESTED:
            plan.append((u_transfer + round(span * (0.05 + 0.55 * rng.random())), "supplement"))
        if rng.random() < 0.15 or target == S.AWAITING_FEES:
            plan.append((u_transfer + round(span * (0.5 + 0.4 * rng.random())), "fees"))
        if extend and budget - office.day > u_transfer:
            plan.append((u_transfer + round((budget - office.day - u_transfer) * rng.random()), "apology"))
        plan.sort()
        last = len(plan) if target not in (S.IN_PROGRESS, S.STOPPED) else rng.randint(0, len(plan))
        cursor = u_transfer
        for u, what in plan[:last]:
            u = max(u, cursor + 1)
            if what == "transfer":
                assert second is not None
                self.transfer(self._u_at(u), second, self.desk.specialist, None)
            elif what == "complete":
                self.complete_step(self._u_at(u))
            elif what == "supplement":
                self.request_supplement(self._u_at(u), self.desk.specialist)
                if target == S.SUPPLEMENT_REQUESTED:
                    return
                self.supplement(self._later(0.5 + rng.random() * 8), u)
            elif what == "fees":
                paid = u + office.minutes(0.05 + rng.random() * 1.5)
                self.fees(self._u_at(u), None if target == S.AWAITING_FEES else self._u_at(paid))
                if target == S.AWAITING_FEES:
                    return
                u = paid
            elif what == "apology":
                self.apologize(self._u_at(u), max(1, (u_decide - budget) // office.day + 1 + rng.randint(0, 2)))
            cursor = u
        if target == S.IN_PROGRESS:
            return
        if target == S.STOPPED:
            self.stop(self._u_at(cursor + office.minutes(0.1 + rng.random())))
            return
        # The decision follows the specialist's proposal (trình ký, RULES.md §1.4 rows 5 and 7).
        u_final = max(u_decide, cursor + 20)
        approved = target == S.APPROVED or (target != S.REJECTED and rng.random() < 0.95)
        self.propose(
            self._u_at(u_final - min(10 + round(office.minutes(0.5) * rng.random()), u_final - cursor - 10)), approved=approved
        )
        if target == S.AWAITING_DECISION:
            return
        self.decide(self._u_at(u_final), approved=approved)
        if target in (S.APPROVED, S.REJECTED):
            return
        assert self.at is not None
        self._emit(A.MARK_READY, office.add(self.at, office.minutes(0.05 + rng.random() * 0.5)), self.desk.reception)
        if target == S.READY_FOR_RETURN:
            return
        self.returned_at = self._later(rng.random() * rng.choice((0.5, 2.0, 7.0)), 0.9)
        self._emit(A.RETURN_RESULT, self.returned_at, self.desk.reception, delivered_to="Người nộp hồ sơ")

    def _supplement_cycle(self, u: int) -> None:
        self.request_supplement(self._u_at(u), self.desk.reception)
        self.supplement(self._later(0.5 + self.rng.random() * 6), u)

    def fields(self, person: _Person, representative: _Person | None) -> dict[str, Any]:
        """The dossier's column values (everything but the code)."""
        # The services' judgement (services._timeliness), stored only when final.
        outcome = clock.dossier_outcome([(e[0], e[3]) for e in self.events], due_at=self.due_at, tz=self.office.tz)
        timeliness = outcome.timeliness if outcome.final else ""
        desk, phone = self.desk, person.phone
        open_steps = [step for step in self.steps if step["status"] == StepStatus.OPEN]
        return {
            "procedure_id": self.procedure.id, "procedure_snapshot": self.procedure.snapshot,
            "receiving_agency_id": desk.receiving.id, "receiving_unit_id": desk.unit.id, "deciding_agency_id": self.deciding.id,
            "channel": self.channel, "result_delivery": self.result_delivery,
            "applicant_kind": ApplicantKind.PERSON, "applicant_name": person.name,
            "applicant_name_folded": fold(person.name)[:200],  # as the intake service stores it
            "applicant_id_number": person.id_number, "applicant_address": person.address, "applicant_phone": phone,
            "applicant_email": person.email,
            "representative_name": representative.name if representative else "",
            "representative_id_number": representative.id_number if representative else "",
            "authorisation_note": f"Giấy ủy quyền ngày {self.rng.randint(1, 28):02d}/{self.rng.randint(1, 12):02d}"
            if representative else "",
            "request_summary": self.procedure.name[:500], "fee_amount": self.fee_amount, "fee_paid": self.fee_paid,
            "submitted_at": self.submitted_at, "received_at": self.received_at, "due_at": self.due_at,
            "original_due_at": self.original_due_at, "finished_at": self.finished_at, "returned_at": self.returned_at,
            "handover_due_at": self.handover_due_at,
            "remaining_at_pause": self.remaining_at_pause if self.history[-1] == S.SUPPLEMENT_REQUESTED else None,
            "status": self.history[-1], "timeliness": timeliness, "supplement_count": self.supplements,
            "extension_used": self.extended, "result_summary": self.result_summary,
            "check_id4": person.id_number[-4:], "check_phone4": phone[-4:] if len(phone) >= 4 else "",
            "assigned_to_id": self.assigned_to, "created_by_id": desk.reception.id,
            "current_agency_id": open_steps[0]["agency_id"] if open_steps else None,
        }  # fmt: skip


def _initial_due(desk: _Desk, received_at: datetime, procedure: _Proc) -> datetime:
    """``clock.initial_due`` itself (never a copy of its rules), cached per unit on what the
    result depends on: for whole working or calendar days only the receipt date (RULES.md §1.6:
    no cut-off), for a same-day procedure the date and whether the receipt was after the cut-off
    or closing; anything else on the exact instant."""
    local = received_at.astimezone(desk.office.tz)
    if procedure.unit == clock.SAME_DAY:
        cutoff = procedure.cutoff if procedure.cutoff is not None else desk.calendar.cutoff
        after = local.time() > min(cutoff, desk.calendar.sessions[-1][1])
        key: tuple[Any, ...] = (local.date(), after, procedure.unit, procedure.cutoff)
    elif procedure.unit in (clock.WORKING_DAY, clock.CALENDAR_DAY) and procedure.value == int(procedure.value):
        key = (local.date(), procedure.value, procedure.unit)
    else:
        key = (received_at, procedure.value, procedure.unit, procedure.cutoff)
    due = desk.due_cache.get(key)
    if due is None:
        if len(desk.due_cache) > 100_000:
            desk.due_cache.clear()
        due = clock.initial_due(
            desk.calendar, received_at=received_at, value=procedure.value, unit=procedure.unit, cutoff=procedure.cutoff
        )
        desk.due_cache[key] = due
    return due


# --- Generating and writing chunks ----------------------------------------------------------------------


@dataclass
class _Draft:
    """One dossier ready to write (plain data: it crosses from the generating process)."""

    fields: dict[str, Any]
    code_key: tuple[str, str] | None  # (deciding agency identifier, YYMMDD of receipt); None: never received
    submission_day: str | None  # YYMMDD of an online submission (its TN- reference)
    events: list[_Event]
    clocks: list[tuple[ClockChangeKind, datetime, datetime | None, datetime | None, str | clock.Explanation, int]]
    steps: list[dict[str, Any]]
    slips: list[tuple[SlipForm, int, datetime, dict[str, Any]]]


class _Generator:
    def __init__(self, *, desks: list[_Desk], procedures: _Weighted, months: int, rng_seed: int, now: datetime) -> None:
        self.desks, self.procedures, self.now = desks, procedures, now
        self.rng = random.Random(rng_seed)  # noqa: S311  synthetic data, not secrets
        self.window = timedelta(days=months * 30.44)
        self.statuses = _Weighted(STATUS_WEIGHTS)
        self.channels = _Weighted(CHANNEL_WEIGHTS)
        self.people = _People()
        self.made = 0
        self.lengths: dict[tuple[DossierStatus, int, Channel], timedelta] = {}

    def draft(self) -> _Draft:
        rng = self.rng
        # The first dossiers of a run take every status once; then the weights decide.
        target: DossierStatus = _ALL_STATUSES[self.made] if self.made < len(_ALL_STATUSES) else self.statuses.pick(rng)
        self.made += 1
        desk: _Desk = self.desks[rng.randrange(len(self.desks))]
        procedure: _Proc = self.procedures.pick(rng)
        # A refused dossier is an online submission refused at the check: at the counter the
        # refusal is a counter visit, never a received dossier (RULES.md §1.4 row 2).
        channel: Channel = Channel.ONLINE if target in (S.SUBMITTED, S.REFUSED) else self.channels.pick(rng)
        person = self.people.person(rng, desk, self.now.year)
        representative = self.people.person(rng, desk, self.now.year) if rng.random() < 0.05 else None
        seed, time_of_day = rng.getrandbits(64), rng.random()
        closed = target in (S.RETURNED, S.REFUSED, S.STOPPED)
        # Closed dossiers start anywhere in the window (and must end before now). Open ones end a
        # little before now: they start that long before it, plus the length of the last such
        # story (same status, procedure and channel), or are played once to learn it.
        idle_days = OPEN_IDLE_DAYS.get(target, 0)
        if target in (S.RECEIVED, S.IN_PROGRESS, S.AWAITING_DECISION, S.AWAITING_FEES):
            idle_days = min(idle_days, max(0.2, procedure.span_days / 2))
        idle = timedelta(days=idle_days * rng.random())
        learned = None if closed else self.lengths.get((target, procedure.id, channel))
        if closed:
            start = self.now - self.window * rng.random()
        else:
            start = self.now - idle - (learned if learned is not None else timedelta(days=10))
        spread = rng.random()
        for attempt in range(10):
            story = random.Random(seed)  # noqa: S311  synthetic data, not secrets
            life = _Life(rng=story, desk=desk, procedure=procedure, target=target, channel=channel)
            first = self._start(desk, start, time_of_day, online=channel == Channel.ONLINE)
            life.run(first)
            assert life.at is not None
            length = life.at - first
            if not closed:
                self.lengths[target, procedure.id, channel] = length
            if attempt == 0 and not closed and learned is None:
                start = self.now - idle - length
            elif life.at > self.now and not closed:
                # Back by whole days too: a start moved back by hours stays on the same office day
                # (``_start`` pins it into that day's hours, and a weekend or holiday forward to
                # the next working day), so early on a Monday or Tuesday the life kept ending
                # after now. 1, 2, 3… days more each attempt reach the previous working week.
                start -= life.at - self.now + timedelta(days=attempt + 1)
            elif life.at > self.now:
                start = self.now - length - max(self.window - length, timedelta(0)) * spread - timedelta(days=attempt)
            else:
                fields = life.fields(person, representative)
                # RULES.md §1.7: the code is dated the day of receipt, not of online submission.
                key = (life.deciding.identifier, _day(life.received_at)) if life.received_at is not None else None
                submitted = _day(life.submitted_at) if life.submitted_at is not None else None
                return _Draft(fields, key, submitted, life.events, life.clocks, life.steps, life.slips)
        raise RuntimeError(f"could not fit a {target} dossier before {self.now}")  # pragma: no cover - never seen

    def _start(self, desk: _Desk, start: datetime, fraction: float, *, online: bool) -> datetime:
        day = start.astimezone(desk.office.tz).date()
        if online:  # at any hour, mostly 06:00–23:00
            minute = 6 * 60 + int(17 * 60 * fraction)
            return datetime(day.year, day.month, day.day, minute // 60, minute % 60, tzinfo=desk.office.tz)
        office = desk.office
        # At the counter, inside office hours; 60 % before the lunch break.
        position = fraction * 0.5 / 0.6 if fraction < 0.6 else 0.5 + (fraction - 0.6) * 0.5 / 0.4
        return office.instant(
            office.at(datetime(day.year, day.month, day.day, tzinfo=office.tz)) + int(position * office.day), start=True
        )


class _Table:
    """Writes rows (dicts of column values) of one model: COPY on PostgreSQL, executemany on
    SQLite, ``bulk_create`` elsewhere or when asked. On this 2-core machine ``bulk_create``
    managed about 9,000 event rows/s; COPY 75,000 and executemany 36,000 (docs/performance.md).
    Ids come from the table's own sequence (PostgreSQL) or after the largest one while the
    IMMEDIATE transaction holds SQLite's write lock, so concurrent inserts never collide.
    """

    def __init__(self, model: type[models.Model], *, now: datetime, orm: bool) -> None:
        self.model = model
        self.vendor = "orm" if orm else connection.vendor
        fields = [f for f in model._meta.concrete_fields if not f.primary_key]
        self.attnames = [f.attname for f in fields]
        self.defaults = {f.attname: now if getattr(f, "auto_now_add", False) else f.get_default() for f in fields}
        self.json = {i for i, f in enumerate(fields) if isinstance(f, models.JSONField)}
        self.datetimes = {i for i, f in enumerate(fields) if isinstance(f, models.DateTimeField)}
        quote = connection.ops.quote_name
        self.table = quote(model._meta.db_table)
        self.columns = ", ".join(quote(f.column) for f in fields)

    def insert(self, rows: list[dict[str, Any]], *, ids: bool = False) -> list[int]:
        """Insert ``rows``; their new ids (in order) when ``ids``."""
        if not rows:
            return []
        if self.vendor not in ("postgresql", "sqlite"):
            objects = [self.model(**row) for row in rows]
            # Append-only records refuse bulk_create on ``objects``: the seeder says so explicitly.
            manager = getattr(self.model, "bulk_objects", self.model._default_manager)
            manager.bulk_create(objects, batch_size=2_000)
            return [obj.pk for obj in objects] if ids else []
        new_ids = self._ids(len(rows)) if ids else []
        values = [self._values(row) for row in rows]
        columns = self.columns
        if ids:
            columns = f"{connection.ops.quote_name('id')}, {columns}"
            values = [(pk, *row) for pk, row in zip(new_ids, values, strict=True)]
        with connection.cursor() as cursor:
            if self.vendor == "postgresql":
                with cursor.cursor.copy(f"COPY {self.table} ({columns}) FROM STDIN") as copy:
                    for row in values:
                        copy.write_row(row)
            else:
                placeholders = ", ".join(["%s"] * len(values[0]))
                # Identifiers from the model's _meta, quoted; the values are parameters.
                cursor.executemany(f"INSERT INTO {self.table} ({columns}) VALUES ({placeholders})", values)  # noqa: S608
        return new_ids

    def _values(self, row: dict[str, Any]) -> tuple[Any, ...]:
        out = [row[name] if name in row else self.defaults[name] for name in self.attnames]
        for i in self.json:
            out[i] = json.dumps(out[i])
        if self.vendor == "sqlite":  # as DatabaseOperations.adapt_datetimefield_value: naive UTC text
            for i in self.datetimes:
                if out[i] is not None:
                    out[i] = str(out[i].astimezone(UTC).replace(tzinfo=None))
        return tuple(out)

    def _ids(self, count: int) -> list[int]:
        with connection.cursor() as cursor:
            if self.vendor == "postgresql":
                cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [self.model._meta.db_table])
                sequence = cursor.fetchone()[0]
                cursor.execute("SELECT nextval(%s::regclass) FROM generate_series(1, %s)", [sequence, count])
                return [row[0] for row in cursor.fetchall()]
            cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {self.table}")  # noqa: S608  (quoted table name)
            largest = cursor.fetchone()[0]
            cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [self.model._meta.db_table])
            row = cursor.fetchone()
            largest = max(largest, row[0] if row else 0)
            return list(range(largest + 1, largest + 1 + count))


def _reserve(counts: dict[str, int]) -> dict[str, int]:
    """Advance the named counters by ``counts``; the first serial reserved for each key.

    The rows stay locked (SELECT … FOR UPDATE; on SQLite the IMMEDIATE transaction) until the
    chunk commits, so a concurrent ``services.next_serial`` waits and continues after the block.
    """
    first: dict[str, int] = {}
    keys = sorted(counts)
    for start in range(0, len(keys), 500):
        batch = keys[start : start + 500]
        Counter.objects.bulk_create([Counter(key=key, value=0) for key in batch], ignore_conflicts=True)
        current = dict(Counter.objects.select_for_update().filter(key__in=batch).order_by("key").values_list("key", "value"))
        Counter.objects.bulk_create(
            [Counter(key=key, value=current[key] + counts[key]) for key in batch],
            update_conflicts=True, unique_fields=["key"], update_fields=["value"],
        )  # fmt: skip
        first.update({key: current[key] + 1 for key in batch})
    return first


def _day(instant: datetime) -> str:
    return numbering.code_day(instant)


def _write(drafts: list[_Draft], report: SeedReport, tables: dict[type[models.Model], _Table]) -> None:
    """Insert one chunk (counters, dossiers, events, clock changes, steps, slips) in one transaction."""
    tz = timezone.get_current_timezone()
    slip_keys = [[numbering.slip_counter_key(f, agency, at.astimezone(tz).year) for f, agency, at, _d in d.slips] for d in drafts]
    code_counts = Tally(numbering.dossier_code_key(*d.code_key) for d in drafts if d.code_key is not None)
    ref_counts = Tally(numbering.submission_ref_key(d.submission_day) for d in drafts if d.submission_day is not None)
    slip_counts = Tally(key for keys in slip_keys for key in keys)
    with transaction.atomic():
        serials = _reserve(dict(code_counts)) | _reserve(dict(ref_counts)) | _reserve(dict(slip_counts))

        def take(key: str) -> int:
            serials[key] += 1
            return serials[key] - 1

        rows = []
        for draft in drafts:
            reference = ""
            if draft.submission_day is not None:
                reference = numbering.format_submission_ref(
                    draft.submission_day, take(numbering.submission_ref_key(draft.submission_day))
                )
            if draft.code_key is not None:
                code = numbering.format_dossier_code(*draft.code_key, take(numbering.dossier_code_key(*draft.code_key)))
            else:  # an online submission never received keeps its reference in the code column
                code = reference
            rows.append({**draft.fields, "code": code, "submission_ref": reference})
        dossier_ids = tables[Dossier].insert(rows, ids=True)
        events = [
            {"dossier_id": dossier_id, "seq": seq, "action": action, "from_status": before, "to_status": after, "at": at,
             "actor_id": actor.id if actor else None, "actor_label": actor.label if actor else "portal",
             "actor_unit_code": actor.unit_code if actor else "", "reason": reason, "payload": payload}
            for draft, dossier_id in zip(drafts, dossier_ids, strict=True)
            for seq, (action, before, after, at, actor, reason, payload) in enumerate(draft.events, start=1)
        ]  # fmt: skip
        event_ids = tables[DossierEvent].insert(events, ids=True)
        clocks: list[dict[str, Any]] = []
        steps: list[dict[str, Any]] = []
        slips: list[dict[str, Any]] = []
        offset = 0
        for draft, dossier_id, keys in zip(drafts, dossier_ids, slip_keys, strict=True):
            clocks.extend(
                {"dossier_id": dossier_id, "kind": kind, "at": at, "old_due_at": old, "new_due_at": new,
                 **(reason.fields() if isinstance(reason, clock.Explanation) else {"reason": reason}),
                 "event_id": event_ids[offset + index]}
                for kind, at, old, new, reason, index in draft.clocks
            )  # fmt: skip
            steps.extend({"dossier_id": dossier_id, **step} for step in draft.steps)
            for (form, agency_id, at, data), key in zip(draft.slips, keys, strict=True):
                serial, year = take(key), int(key.rsplit(":", 1)[1])
                if form == SlipForm.RECEIPT:  # as services._slip: the tracking book's number
                    data = {**data, "book": numbering.book_number(year), "book_serial": serial}
                slips.append({"dossier_id": dossier_id, "form": form, "agency_id": agency_id, "year": year,
                              "serial": serial, "number": numbering.slip_number(form, serial),
                              "issued_at": at, "data": data})  # fmt: skip
            offset += len(draft.events)
        tables[ClockChange].insert(clocks)
        tables[DossierStep].insert(steps)
        tables[Slip].insert(slips)
    report.count += len(rows)
    report.events += len(events)
    report.clock_changes += len(clocks)
    report.steps += len(steps)
    report.slips += len(slips)
    report.counters += len(code_counts) + len(ref_counts) + len(slip_counts)
    for status, n in Tally(str(d.fields["status"]) for d in drafts).items():
        report.by_status[status] = report.by_status.get(status, 0) + n


def _chunks(generator: _Generator, sizes: list[int]) -> Iterator[list[_Draft]]:
    """The chunks of drafts, made by a forked process while this one writes the previous chunk
    (two cores: about 1.5× faster), or here when fork is not available or one chunk is all."""
    if len(sizes) < 2 or "fork" not in multiprocessing.get_all_start_methods():
        for size in sizes:
            yield [generator.draft() for _ in range(size)]
        return
    context = multiprocessing.get_context("fork")
    queue: Any = context.Queue(maxsize=2)  # at most two chunks ahead of the writer: bounded memory

    def produce() -> None:  # in the child: no database access (the calendars and catalogue are loaded)
        try:
            for size in sizes:
                queue.put(("chunk", [generator.draft() for _ in range(size)]))
        except BaseException:  # handed to the parent, which raises it
            queue.put(("error", traceback.format_exc()))

    child = context.Process(target=produce, daemon=True)
    child.start()
    try:
        for _size in sizes:
            kind, payload = queue.get()
            if kind == "error":
                raise RuntimeError(f"generating dossiers failed:\n{payload}")
            yield payload
    finally:
        if child.is_alive():
            child.terminate()
        child.join()


def dossiers_seed(
    *,
    count: int,
    unit_codes: Sequence[str],
    months: int = 6,
    rng_seed: int = 42,
    now: datetime | None = None,
    chunk_size: int = 20_000,
    use_orm: bool = False,
    progress: ProgressCallback | None = None,
) -> SeedReport:
    """Add ``count`` realistic dossiers received by the one-stop desks of ``unit_codes``.

    Every status occurs (the first eleven dossiers of a run take one each); closed dossiers are
    spread over the last ``months`` months before ``now``, open ones are recent. The same
    ``rng_seed`` gives the same people and stories (the codes continue the counters). Each chunk
    of ``chunk_size`` dossiers is one transaction (COPY or executemany; ``bulk_create`` with
    ``use_orm``); ``progress(done, count, seconds)`` runs after each. One audit event records
    the run. ``DomainError`` when a unit, its one-stop desk or the catalogue is missing.
    """
    if count < 0:
        raise DomainError(DossierErrorCode.SEED_COUNT_INVALID, _("The number of dossiers cannot be negative."))
    if months < 1:
        raise DomainError(DossierErrorCode.SEED_MONTHS_INVALID, _("The period must be at least one month."))
    if not unit_codes:
        raise DomainError(DossierErrorCode.SEED_UNITS_MISSING, _("Name at least one administrative unit."))
    started = perf_counter()
    at = now or timezone.now()
    today = timezone.localtime(at).date()
    # Stories can start long before the window (slow procedures, long supplements): a wide calendar.
    desks = _load_desks(unit_codes, today - timedelta(days=months * 31 + 800), today + timedelta(days=800))
    generator = _Generator(desks=desks, procedures=_load_procedures(), months=months, rng_seed=rng_seed, now=at)
    written: tuple[type[models.Model], ...] = (Dossier, DossierEvent, ClockChange, DossierStep, Slip)
    tables = {model: _Table(model, now=at, orm=use_orm) for model in written}
    report = SeedReport()
    sizes = [min(chunk_size, count - start) for start in range(0, count, chunk_size)]
    for drafts in _chunks(generator, sizes):
        _write(drafts, report, tables)
        if progress is not None:
            progress(report.count, count, perf_counter() - started)
    report.seconds = perf_counter() - started
    with transaction.atomic():
        audit_record(
            action="dossier.seed",
            actor_label="seed",
            object_type="dossier",
            data={
                "units": list(unit_codes), "months": months, "rng_seed": rng_seed, "now": at.isoformat(),
                "dossiers": report.count, "by_status": dict(sorted(report.by_status.items())), "events": report.events,
                "clock_changes": report.clock_changes, "steps": report.steps, "slips": report.slips,
                "seconds": round(report.seconds, 1),
            },
        )  # fmt: skip
    return report
