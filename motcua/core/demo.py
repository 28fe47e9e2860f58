"""The demo set-up: agencies of three Cà Mau communes and one demo user per role."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from motcua.core.choices import AgencyKind, Role
from motcua.core.exceptions import CoreErrorCode, DomainError
from motcua.core.models import AdministrativeUnit, Agency
from motcua.core.services import agency_ensure, staff_ensure

DEMO_PROVINCE = "96"  # Tỉnh Cà Mau
DEMO_COMMUNES = ("32218", "32212", "32214")  # Xã Phú Tân, Xã Cái Đôi Vàm, Xã Phú Mỹ
# Invented but realistic: slips print the signer's full name (RULES.md §1.5: an account without
# one cannot sign) and BM.02 tells the citizen whom to call. Cà Mau landlines are 0290 + 7 digits.
DEMO_NAMES = {
    "phutan.reception": "Trần Thị Bích Ngọc",
    "phutan.specialist": "Nguyễn Văn Hùng",
    "phutan.leader": "Lê Minh Tâm",
    "phutan.data": "Phạm Thị Thu Hà",
    "phutan.unit": "Võ Thanh Phong",
    "phutan.dpo": "Trương Thị Diễm Hương",
    "caidoivam.reception": "Huỳnh Thị Mỹ Linh",
    "caidoivam.specialist": "Đặng Quốc Bảo",
    "caidoivam.leader": "Dương Văn Thắng",
    "phumy.reception": "Lý Thị Kim Thoa",
    "phumy.specialist": "Tô Hoàng Nam",
    "phumy.leader": "Châu Văn Lợi",
    "camau.reviewer": "Ngô Thị Thanh Hương",
    "camau.sysadmin": "Bùi Đức Trí",
}
PROVINCE_OFFICE_PHONE = "0290 3831 180"
# Per commune (by index): the centre's, the committee's and the police's phone.
COMMUNE_PHONES = (
    ("0290 3884 108", "0290 3884 101", "0290 3884 113"),
    ("0290 3880 208", "0290 3880 201", "0290 3880 213"),
    ("0290 3886 308", "0290 3886 301", "0290 3886 313"),
)


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role: Role
    unit_name: str
    agency_name: str


def _current(code: str) -> AdministrativeUnit:
    unit = AdministrativeUnit.objects.filter(code=code, valid_to__isnull=True).first()
    if unit is None:
        raise DomainError(CoreErrorCode.DEMO_UNITS_MISSING, _("Import the administrative units first (motcua import-units)."))
    return unit


def _commune_agencies(unit: AdministrativeUnit, identifier_serial: int) -> dict[AgencyKind, Agency]:
    short = unit.short_name
    centre_phone, committee_phone, police_phone = COMMUNE_PHONES[(identifier_serial - 1) % len(COMMUNE_PHONES)]
    return {
        AgencyKind.SERVICE_CENTRE: agency_ensure(
            unit=unit,
            kind=AgencyKind.SERVICE_CENTRE,
            name=f"Trung tâm Phục vụ hành chính công xã {short}",
            identifier=f"000.{identifier_serial:02d}.21.H12",
            is_one_stop_desk=True,
            phone=centre_phone,
        ),
        AgencyKind.PEOPLES_COMMITTEE: agency_ensure(
            unit=unit,
            kind=AgencyKind.PEOPLES_COMMITTEE,
            name=f"Ủy ban nhân dân xã {short}",
            identifier=f"000.{identifier_serial:02d}.20.H12",
            phone=committee_phone,
        ),
        AgencyKind.COMMUNE_POLICE: agency_ensure(
            unit=unit,
            kind=AgencyKind.COMMUNE_POLICE,
            name=f"Công an xã {short}",
            identifier=f"G01.{identifier_serial:02d}.96",
            phone=police_phone,
        ),
    }


def demo_setup(*, password: str) -> list[DemoLogin]:
    """Create (or refresh) the demo agencies and users. Safe to run again."""
    logins: list[DemoLogin] = []
    with transaction.atomic():
        province = _current(DEMO_PROVINCE)
        province_office = agency_ensure(
            unit=province,
            kind=AgencyKind.PEOPLES_COMMITTEE,
            name="Văn phòng Ủy ban nhân dân tỉnh Cà Mau",
            identifier="000.00.00.H12",
            phone=PROVINCE_OFFICE_PHONE,
        )
        for index, code in enumerate(DEMO_COMMUNES, start=1):
            unit = _current(code)
            agencies = _commune_agencies(unit, index)
            slug = {"32218": "phutan", "32212": "caidoivam", "32214": "phumy"}[code]
            per_role = [
                (Role.RECEPTION_OFFICER, agencies[AgencyKind.SERVICE_CENTRE], "Công chức Bộ phận tiếp nhận và trả kết quả"),
                (Role.SPECIALIST, agencies[AgencyKind.PEOPLES_COMMITTEE], "Công chức Tư pháp - Hộ tịch"),
                (Role.LEADER, agencies[AgencyKind.PEOPLES_COMMITTEE], "Phó Chủ tịch UBND xã"),
                (Role.DATA_OFFICER, agencies[AgencyKind.SERVICE_CENTRE], "Công chức phụ trách dữ liệu"),
                (Role.UNIT_ADMINISTRATOR, agencies[AgencyKind.SERVICE_CENTRE], "Giám đốc Trung tâm Phục vụ hành chính công"),
                (
                    Role.DATA_PROTECTION_OFFICER,
                    agencies[AgencyKind.PEOPLES_COMMITTEE],
                    "Công chức phụ trách bảo vệ dữ liệu cá nhân",
                ),
            ]
            if code != DEMO_COMMUNES[0]:
                per_role = per_role[:3]  # the other two communes get the counter roles only
            for role, agency, position in per_role:
                short = "dpo" if role == Role.DATA_PROTECTION_OFFICER else role.value.split("_")[0]  # not "data" twice
                username = f"{slug}.{short}"
                staff_ensure(
                    username=username,
                    agency=agency,
                    roles=[role],
                    password=password,
                    position=position,
                    full_name=DEMO_NAMES[username],
                )
                logins.append(DemoLogin(username, role, unit.name, agency.name))
        for role, username, position in (
            (Role.PROVINCE_REVIEWER, "camau.reviewer", "Chuyên viên Sở Nội vụ"),
            (Role.SYSTEM_ADMINISTRATOR, "camau.sysadmin", "Quản trị hệ thống"),
        ):
            staff_ensure(
                username=username,
                agency=province_office,
                roles=[role],
                password=password,
                position=position,
                full_name=DEMO_NAMES[username],
            )
            logins.append(DemoLogin(username, role, province.name, province_office.name))
    return logins
