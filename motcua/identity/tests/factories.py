"""Test factories of the identity app (synthetic citizens only)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import factory
from django.contrib.auth.models import User
from django.utils import timezone

from motcua.core.tests.factories import current_unit
from motcua.identity.choices import ConsentPurpose, Sex
from motcua.identity.models import Citizen, Consent


def personal_id_for(*, sex: Sex, birth_year: int, place: str = "096", serial: int = 4217) -> str:
    century = (birth_year - 1900) // 100
    digit = century * 2 + (0 if sex == Sex.MALE else 1)
    return f"{place}{digit}{birth_year % 100:02d}{serial:06d}"


def card_payload(
    *,
    personal_id: str = "096085004217",
    old_id: str = "",
    name: str = "NGUYỄN VĂN AN",
    birth: str = "15061985",
    sex: str = "Nam",
    address: str = "Ấp Cái Đôi, Xã Cái Đôi Vàm, Tỉnh Cà Mau",
    issued: str = "01072025",
) -> str:
    return "|".join([personal_id, old_id, name, birth, sex, address, issued])


class CitizenFactory(factory.django.DjangoModelFactory[Citizen]):
    class Meta:
        model = Citizen
        django_get_or_create = ("personal_id",)

    personal_id = factory.Sequence(lambda n: personal_id_for(sex=Sex.FEMALE, birth_year=1990, serial=100000 + n))
    full_name = factory.Sequence(lambda n: f"Trần Thị Mai {n}")
    birth_date = dt.date(1990, 3, 8)
    sex = Sex.FEMALE.value
    phone = "0912345678"
    email = "mai@example.vn"
    unit = factory.LazyFunction(lambda: current_unit("32218"))  # held by Phú Tân, where staff_user works


def consent_for(citizen: Citizen, purpose: ConsentPurpose, *, by: User | None = None, unit_code: str = "32218") -> Consent:
    return Consent.objects.create(
        citizen=citizen,
        purpose=purpose,
        evidence="Phiếu đồng ý số 1",
        unit=current_unit(unit_code),
        given_at=timezone.now(),
        given_by=by,
    )


def link_for(user: User, citizen: Citizen) -> str:
    """The opaque link a look-up gives ``user`` for ``citizen`` (what every citizen URL carries)."""
    from motcua.identity.links import citizen_link

    return citizen_link(user=user, citizen=citizen)


def face_bytes(faces: Path, name: str) -> bytes:
    """Bytes of one labelled test image, e.g. ``face_bytes(faces, "barack_obama/obama_01.jpg")``."""
    return (faces / name).read_bytes()
