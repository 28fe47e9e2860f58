"""Vessel test data (commune Phú Tân 32218 by default; 32214 is "another commune")."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import User
from openpyxl import Workbook

from motcua.core.choices import Role
from motcua.core.scoping import user_unit
from motcua.core.tests.factories import staff_user
from motcua.registries.common.services import record_save
from motcua.registries.vessels.models import Vessel

HEADER = ["Số đăng ký", "Tên tàu", "Chủ tàu", "Ấp", "Ngày đăng ký", "Chiều dài lớn nhất (m)", "Nghề", "Hạn giấy phép"]


def officer(username: str = "tauca", code: str = "32218") -> User:
    return staff_user(username, Role.RECEPTION_OFFICER, unit_code=code)


def administrator(username: str = "quantri", code: str = "32218") -> User:
    return staff_user(username, Role.UNIT_ADMINISTRATOR, unit_code=code)


def vessel(actor: User | None = None, **values: Any) -> Vessel:
    actor = actor or officer()
    unit = user_unit(actor)
    assert unit is not None
    fields: dict[str, Any] = {
        "registration_number": "CM-01234-TS",
        "name": "Phú Tân 01",
        "owner_name": "Nguyễn Văn Tám",
        "hamlet": "Ấp Cái Đôi",
        "registered_on": date(2020, 3, 5),
        "max_length_m": Decimal("13.50"),
        "gear": "gillnet",
        "status": "active",
    }
    fields.update(values)
    record, _diff = record_save(actor=actor, record=Vessel(unit=unit), changes=fields)
    return record


def row(n: int, **overrides: Any) -> list[Any]:
    values = {
        "number": f"CM-{n:05d}-TS",
        "name": f"Tàu {n}",
        "owner": f"Chủ tàu {n}",
        "hamlet": "Ấp Cái Đôi",
        "registered": "05/03/2020",
        "length": 12.5,
        "gear": "Lưới rê",
        "licence": "31/12/2027",
    }
    values.update(overrides)
    return list(values.values())


def xlsx(rows: list[list[Any]], header: list[str] = HEADER) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(header)
    for r in rows:
        sheet.append(r)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def csv_bytes(rows: list[list[Any]], header: list[str] = HEADER) -> bytes:
    import csv

    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")
