"""Factories for catalogue records, and staff for the permission tests."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import factory
from django.contrib.auth.models import User

from motcua.catalog.choices import Channel, TimeUnit
from motcua.catalog.models import LegalBasis, Procedure, ProcedureChannel, ProcedureDocument, ProcedureFee, Sector
from motcua.core.choices import AgencyKind, Role, UnitKind, UnitLevel
from motcua.core.models import AdministrativeUnit
from motcua.core.services import agency_ensure, staff_ensure

PASSWORD = "correct horse battery staple"


class SectorFactory(factory.django.DjangoModelFactory[Sector]):
    class Meta:
        model = Sector
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Lĩnh vực thử {n}")
    slug = factory.Sequence(lambda n: f"linh-vuc-thu-{n}")


class ProcedureFactory(factory.django.DjangoModelFactory[Procedure]):
    class Meta:
        model = Procedure

    code = factory.Sequence(lambda n: f"9.{n:06d}")
    name = factory.Sequence(lambda n: f"Thủ tục thử số {n}")
    sector = factory.SubFactory(SectorFactory)
    lead_time_value = Decimal("5")
    lead_time_unit = TimeUnit.WORKING_DAY
    lead_time_text = "5 Ngày làm việc"
    steps = "Bước 1: Nộp hồ sơ.\nBước 2: Nhận kết quả."


class ProcedureChannelFactory(factory.django.DjangoModelFactory[ProcedureChannel]):
    class Meta:
        model = ProcedureChannel

    procedure = factory.SubFactory(ProcedureFactory)
    position = factory.Sequence(lambda n: n + 1)
    channel = Channel.IN_PERSON
    time_value = Decimal("5")
    time_unit = TimeUnit.WORKING_DAY
    time_text = "5 Ngày làm việc"
    fee_text = "Miễn phí"


class ProcedureDocumentFactory(factory.django.DjangoModelFactory[ProcedureDocument]):
    class Meta:
        model = ProcedureDocument

    procedure = factory.SubFactory(ProcedureFactory)
    position = factory.Sequence(lambda n: n + 1)
    name = "Tờ khai"
    quantity_text = "1 bản chính"
    originals = 1


class ProcedureFeeFactory(factory.django.DjangoModelFactory[ProcedureFee]):
    class Meta:
        model = ProcedureFee

    procedure = factory.SubFactory(ProcedureFactory)
    position = factory.Sequence(lambda n: n + 1)
    channel = Channel.IN_PERSON
    is_free = True
    amount_text = "Miễn phí"


class LegalBasisFactory(factory.django.DjangoModelFactory[LegalBasis]):
    class Meta:
        model = LegalBasis

    procedure = factory.SubFactory(ProcedureFactory)
    position = factory.Sequence(lambda n: n + 1)
    title = "Luật Hộ tịch"
    number = "60/2014/QH13"


def commune() -> AdministrativeUnit:
    """Phú Tân commune (32218) of Cà Mau (96): the real units when loaded, else created."""
    province, _ = AdministrativeUnit.objects.get_or_create(
        code="96",
        valid_to=None,
        defaults={
            "name": "Tỉnh Cà Mau",
            "short_name": "Cà Mau",
            "kind": UnitKind.PROVINCE,
            "level": UnitLevel.PROVINCE,
            "path": "96/",
            "valid_from": dt.date(2025, 7, 1),
        },
    )
    unit, _ = AdministrativeUnit.objects.get_or_create(
        code="32218",
        valid_to=None,
        defaults={
            "name": "Xã Phú Tân",
            "short_name": "Phú Tân",
            "kind": UnitKind.COMMUNE,
            "level": UnitLevel.COMMUNE,
            "parent": province,
            "path": "96/32218/",
            "valid_from": dt.date(2025, 7, 1),
        },
    )
    return unit


def staff_user(username: str, role: Role) -> User:
    agency = agency_ensure(unit=commune(), kind=AgencyKind.PEOPLES_COMMITTEE, name="UBND xã Phú Tân")
    return staff_ensure(username=username, agency=agency, roles=[role], password=PASSWORD).user
