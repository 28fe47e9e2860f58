"""Petition test data (commune Phú Tân 32218 by default, like the dossier factories)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib.auth.models import User

from motcua.core.choices import AgencyKind, Role
from motcua.dossiers.tests.factories import commune_agencies, staff
from motcua.feedback.choices import PetitionChannel
from motcua.feedback.models import Petition
from motcua.feedback.services import PetitionInput, petition_submit


def officer(username: str = "pakn", code: str = "32218") -> User:
    return staff(username, Role.RECEPTION_OFFICER, code=code)


def leader(username: str = "chutich", code: str = "32218") -> User:
    return staff(username, Role.LEADER, code=code, kind=AgencyKind.PEOPLES_COMMITTEE)


def petition_input(**overrides: Any) -> PetitionInput:
    values: dict[str, Any] = {
        "title": "Chậm trả kết quả đăng ký khai sinh",
        "content": "Tôi nộp hồ sơ đăng ký khai sinh cho con đã quá hẹn 3 ngày mà chưa nhận được kết quả.",
        "channel": PetitionChannel.WEB,
        "petitioner_name": "Lê Thị Hoa",
        "petitioner_address": "Ấp Cái Đôi, Xã Phú Tân, Tỉnh Cà Mau",
        "petitioner_phone": "0913 456 789",
        "unit_code": "32218",
    }
    values.update(overrides)
    return PetitionInput(**values)


def petition(*, at: datetime | None = None, **overrides: Any) -> Petition:
    commune_agencies(overrides.get("unit_code", "32218"))
    return petition_submit(actor=None, data=petition_input(**overrides), at=at).petition
