"""Synthetic vessels for the demo and the benchmarks (no public vessel data set exists: RULES.md
§7.4 and ../shared/data/ocop/SOURCES.md). Every value is invented; owners' names are common
Vietnamese names drawn at random, personal IDs are never generated. Vessels enter the registry
through the import framework (the same validation and writing as an officer's spreadsheet), and
the running campaign through the campaign services."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.contrib.auth.models import User
from django.utils import timezone

from motcua.core.choices import AgencyKind, Role
from motcua.core.models import AdministrativeUnit, StaffProfile
from motcua.core.permissions import REGISTRY_EDIT
from motcua.registries.common.choices import ImportStatus
from motcua.registries.common.exports import xlsx_bytes
from motcua.registries.common.jobs import import_run
from motcua.registries.common.models import ImportJob
from motcua.registries.common.services import record_save
from motcua.registries.vessels.choices import CheckResult, VesselStatus
from motcua.registries.vessels.models import CHECKS, ReviewItem, Vessel
from motcua.registries.vessels.services import campaign_assign, campaign_open, item_check

SYNTHETIC = "DỮ LIỆU MÔ PHỎNG (synthetic)"
# Invented hamlet names in the style of coastal Cà Mau (not an official list).
HAMLETS = ("Ấp Cái Đôi", "Ấp Vàm Xoáy", "Ấp Rạch Cui", "Ấp Lung Lá", "Ấp Cống Đá", "Ấp Gò Công", "Ấp Kinh Mới", "Ấp Tân Phong")
SURNAMES = ("Nguyễn", "Trần", "Lê", "Phạm", "Huỳnh", "Võ", "Đặng", "Bùi", "Dương", "Lâm", "Tô", "Quách")
MIDDLE = ("Văn", "Thị", "Minh", "Hoàng", "Thanh", "Ngọc", "Hữu", "Quốc")
GIVEN = ("Tám", "Hùng", "Lợi", "Phúc", "Dũng", "Hoa", "Lan", "Tuấn", "Sơn", "Hải", "Nhựt", "Bé", "Út", "Thắng", "Kiệt")
GEARS = (
    ("Lưới rê", 0.35),
    ("Lưới kéo", 0.25),
    ("Câu", 0.15),
    ("Lồng bẫy", 0.1),
    ("Lưới vây", 0.05),
    ("Dịch vụ hậu cần", 0.05),
    ("Lưới mành", 0.05),
)
HEADER = [
    "Số đăng ký", "Số thống kê của xã", "Tên tàu", "Chủ tàu", "Địa chỉ", "Ấp", "Ngày đăng ký", "Chiều dài lớn nhất (m)",
    "Công suất máy (kW)", "Vật liệu vỏ", "Nghề", "Năm đóng", "Nơi đóng", "Số sổ đăng kiểm", "Số giấy chứng nhận an toàn",
    "Ngày đăng kiểm", "Hạn giấy chứng nhận an toàn", "Số giấy phép khai thác", "Ngày cấp giấy phép", "Hạn giấy phép",
    "Vùng khai thác", "Cảng đăng ký", "Có thiết bị giám sát hành trình", "Ngày nộp nhật ký khai thác gần nhất",
]  # fmt: skip


def _pick(rng: random.Random, weighted: tuple[tuple[str, float], ...]) -> str:
    return rng.choices([w for w, _p in weighted], weights=[p for _w, p in weighted])[0]


def _length(rng: random.Random) -> float:
    band = rng.choices([(4.0, 5.9), (6.0, 11.9), (12.0, 14.9), (15.0, 23.9), (24.0, 32.0)], weights=[15, 40, 20, 20, 5])[0]
    return round(rng.uniform(*band), 2)


def vessel_rows(
    count: int, *, unit: AdministrativeUnit, rng: random.Random, start: int = 1, today: date | None = None
) -> list[list[Any]]:
    """``count`` synthetic rows as an officer's spreadsheet has them (dd/mm/yyyy text dates)."""
    today = today or timezone.localdate()
    rows: list[list[Any]] = []
    for n in range(start, start + count):
        length = _length(rng)
        hamlet = rng.choice(HAMLETS)
        owner = f"{rng.choice(SURNAMES)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
        unregistered = length < 6 or rng.random() < 0.03  # a few "3 không" vessels found in the review
        number = "" if unregistered else (f"BL-{n % 99999 + 1:05d}-TS" if rng.random() < 0.08 else f"CM-{n % 99999 + 1:05d}-TS")
        registered = today - timedelta(days=rng.randint(200, 5000))
        inspected = today - timedelta(days=rng.randint(0, 700)) if length >= 12 and not unregistered else None
        inspection_expiry = inspected + timedelta(days=730) if inspected else None
        licensed = not unregistered and rng.random() > 0.05
        licence_issued = today - timedelta(days=rng.randint(0, 1000)) if licensed else None
        licence_expiry = licence_issued + timedelta(days=rng.choice([365, 730, 1095])) if licence_issued else None

        def d(value: date | None) -> str:
            return value.strftime("%d/%m/%Y") if value else ""

        rows.append([
            number, f"PT-{n:05d}" if unregistered else "", f"{unit.short_name[:10]} {n:04d}", owner,
            f"{hamlet}, {unit.name}", hamlet, "" if unregistered else d(registered), length,
            round(length * rng.uniform(4, 25), 1), rng.choices(["Gỗ", "Thép", "Vật liệu mới"], weights=[80, 5, 15])[0],
            _pick(rng, GEARS), rng.randint(1995, today.year), "Cà Mau", f"SĐK-{n:05d}" if inspected else "",
            f"ATKT-{n:05d}" if inspected else "", d(inspected), d(inspection_expiry), f"GP-CM-{n:05d}" if licensed else "",
            d(licence_issued), d(licence_expiry),
            "Vùng khơi" if length >= 15 else ("Vùng lộng" if length >= 12 else "Vùng ven bờ"),
            "Cảng cá Cái Đôi Vàm", "có" if length >= 15 and rng.random() > 0.04 else "không",
            d(today - timedelta(days=rng.randint(1, 120))) if licensed else "",
        ])  # fmt: skip
    return rows


def vessels_xlsx_synthetic(rows: list[list[Any]]) -> bytes:
    return xlsx_bytes(title="Tàu cá (mô phỏng)", header=HEADER, rows=rows)


def _officers(unit: AdministrativeUnit) -> list[User]:
    profiles = (
        StaffProfile.objects.filter(agency__unit=unit, user__is_active=True).select_related("user").order_by("user__username")
    )
    return [p.user for p in profiles if p.user.has_perm(REGISTRY_EDIT)]


def _ensure_officer(unit: AdministrativeUnit) -> User:
    from motcua.core.services import agency_ensure, staff_ensure

    officers = _officers(unit)
    if officers:
        return officers[0]
    agency = agency_ensure(
        unit=unit, kind=AgencyKind.SERVICE_CENTRE, name=f"Trung tâm Phục vụ hành chính công {unit.name}", is_one_stop_desk=True
    )
    return staff_ensure(
        username=f"tauca.{unit.code}", agency=agency, roles=[Role.RECEPTION_OFFICER], full_name="Lâm Văn Nhựt"
    ).user


@dataclass
class SeedReport:
    vessels: int
    campaign_items: int
    checked: int


def vessels_seed(*, count: int, unit: AdministrativeUnit, rng_seed: int = 42, campaign: bool = True) -> SeedReport:
    rng = random.Random(rng_seed)  # noqa: S311  synthetic demo data, not secrets
    officer = _ensure_officer(unit)
    existing = Vessel.objects.unrestricted("the seeder counts what is there").filter(unit=unit).count()
    content = vessels_xlsx_synthetic(vessel_rows(count, unit=unit, rng=rng, start=existing + 1))
    job = ImportJob.objects.create(
        registry="vessels", unit=unit, created_by=officer, filename="tau-ca-mo-phong.xlsx", sha256="seed", content=content
    )
    job = import_run(job_id=job.pk)
    if job.status != ImportStatus.DONE:
        raise LookupError(f"the synthetic file did not import: {job.status} {job.errors[:3]} {job.failure}")
    now = timezone.now()
    vms = Vessel.objects.unrestricted("the seeder adds VMS positions").filter(
        unit=unit, vms_installed=True, vms_last_signal_at__isnull=True
    )
    for vessel in vms[:500]:
        signal = now - timedelta(minutes=rng.choice([20, 45, 90, 150, 200, 60 * 7, 60 * 30]))
        record_save(actor=officer, record=vessel, changes={"vms_last_signal_at": signal})
    items = checked = 0
    if campaign:
        today = timezone.localdate()
        review = campaign_open(
            actor=officer,
            name=f"Tổng rà soát tàu cá {today.year} ({SYNTHETIC})",
            starts_on=today - timedelta(days=14),
            ends_on=today + timedelta(days=45),
        )
        for user in _officers(unit):
            campaign_assign(actor=officer, campaign_id=review.pk, officer_id=user.pk, hamlet=rng.choice(HAMLETS))
        campaign_assign(actor=officer, campaign_id=review.pk, officer_id=officer.pk)
        pending = list(
            ReviewItem.objects.unrestricted("the seeder checks some items").filter(campaign=review).select_related("vessel")
        )
        items = len(pending)
        for item in rng.sample(pending, k=len(pending) // 3):
            v = item.vessel
            ok = CheckResult.OK
            results = {name: ok if rng.random() > 0.1 else CheckResult.MISSING for name in CHECKS}
            results["check_registration"] = ok if v.registration_number else CheckResult.MISSING
            results["check_licence"] = ok if v.licence_number else CheckResult.MISSING
            results["check_inspection"] = (
                CheckResult.NOT_REQUIRED if v.max_length_m < 12 else (ok if v.inspection_expires_on else CheckResult.MISSING)
            )
            if not v.registration_number:
                results["check_inspection"] = CheckResult.MISSING
            results["check_vms"] = (
                CheckResult.NOT_REQUIRED if v.max_length_m < 15 else (ok if v.vms_installed else CheckResult.MISSING)
            )
            item_check(actor=officer, item_id=item.pk, results=results)
            checked += 1
    total = Vessel.objects.unrestricted("the seeder reports").filter(unit=unit, status=VesselStatus.ACTIVE).count()
    return SeedReport(vessels=total, campaign_items=items, checked=checked)
