"""Test helpers for dossiers (real units are loaded once per session by conftest)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib.auth.models import User

from motcua.catalog.models import Procedure, Sector
from motcua.core.choices import AgencyKind, Role
from motcua.core.models import Agency
from motcua.core.services import agency_ensure, staff_ensure
from motcua.core.tests.factories import PASSWORD, current_unit
from motcua.dossiers.choices import ApplicantKind, Channel
from motcua.dossiers.services import ApplicantInput, DocumentInput, IntakeInput

PERSONAL_ID = "096085004217"  # RULES.md §6.1 synthetic example: Cà Mau, male, 1985
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def procedure(
    code: str = "1.001193", *, days: Decimal | int = 5, unit: str = "working_day", name: str = "Thủ tục đăng ký khai sinh"
) -> Procedure:
    sector, _ = Sector.objects.get_or_create(name="Hộ tịch", defaults={"slug": "ho-tich"})
    proc, _ = Procedure.objects.update_or_create(
        code=code, defaults={"name": name, "sector": sector, "lead_time_value": Decimal(days), "lead_time_unit": unit}
    )
    return proc


def commune_agencies(code: str = "32218") -> dict[AgencyKind, Agency]:
    unit = current_unit(code)
    return {
        AgencyKind.SERVICE_CENTRE: agency_ensure(
            unit=unit,
            kind=AgencyKind.SERVICE_CENTRE,
            name=f"Trung tâm Phục vụ hành chính công xã {unit.short_name}",
            identifier=f"000.{code[-2:]}.21.H12",
            is_one_stop_desk=True,
        ),
        AgencyKind.PEOPLES_COMMITTEE: agency_ensure(
            unit=unit, kind=AgencyKind.PEOPLES_COMMITTEE, name=f"UBND {unit.short_name}", identifier=f"000.{code[-2:]}.20.H12"
        ),
    }


def staff(
    username: str,
    role: Role,
    *,
    code: str = "32218",
    kind: AgencyKind = AgencyKind.SERVICE_CENTRE,
    full_name: str = "Trần Thị Bình",
) -> User:
    """A staff member with a full name (slips print the signer's: RULES.md §1.5)."""
    agency = commune_agencies(code)[kind]
    return staff_ensure(username=username, agency=agency, roles=[role], password=PASSWORD, full_name=full_name).user


def intake(**overrides: Any) -> IntakeInput:
    applicant = overrides.pop(
        "applicant",
        ApplicantInput(
            kind=ApplicantKind.PERSON,
            name="Nguyễn Văn An",
            id_number=PERSONAL_ID,
            phone="0912345678",
            email="an@example.vn",
            address="Ấp Cái Đôi, Xã Phú Tân, Tỉnh Cà Mau",
        ),
    )
    values: dict[str, Any] = {
        "procedure_code": "1.001193",
        "applicant": applicant,
        "channel": Channel.IN_PERSON,
        "documents": [DocumentInput(name="Tờ khai đăng ký khai sinh", content=PDF, filename="to-khai.pdf")],
    }
    values.update(overrides)
    return IntakeInput(**values)
