"""The vessel registry on the framework: its spreadsheet columns (import and export) and its
cross-field rules. The Vietnamese headings are aliases, so a file with Vietnamese headings reads
the same whatever the language of the officer who imports it."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from motcua.registries.common.importing import BOOL, CHOICE, DATE, DECIMAL, INT, CellError, Column, RegistryDefinition
from motcua.registries.vessels import rules
from motcua.registries.vessels.choices import Gear, HullMaterial, VesselStatus, Zone
from motcua.registries.vessels.models import Vessel


def _number(value: str) -> str:
    try:
        rules.number_kind(value)
    except rules.NumberError as exc:
        raise CellError(str(exc)) from None
    return rules.normalise_number(value)


def _personal_id(value: str) -> str:
    digits = value.replace(" ", "")
    if not (len(digits) == 12 and digits.isdigit()):
        raise CellError(_("A personal ID has 12 digits."))
    return digits


COLUMNS = (
    Column("registration_number", _l("Registration number"), max_length=20, check=_number, aliases=("Số đăng ký", "Số ĐK")),
    Column("commune_number", _l("Commune count number"), max_length=20, aliases=("Số thống kê của xã", "Số thống kê")),
    Column("name", _l("Vessel name"), max_length=100, aliases=("Tên tàu",)),
    Column("owner_name", _l("Vessel owner"), required=True, max_length=150, aliases=("Chủ tàu", "Chủ phương tiện")),
    Column("owner_personal_id", _l("Owner's personal ID"), check=_personal_id, aliases=("CCCD chủ tàu", "Số định danh chủ tàu")),
    Column("owner_address", _l("Address"), max_length=300, aliases=("Địa chỉ",)),
    Column("hamlet", _l("Hamlet"), max_length=100, aliases=("Ấp", "Khóm")),
    Column("registered_on", _l("Registration date"), DATE, aliases=("Ngày đăng ký",)),
    Column(
        "max_length_m",
        _l("Maximum length (m)"),
        DECIMAL,
        required=True,
        minimum=Decimal("0.5"),
        maximum=Decimal("150"),
        aliases=("Chiều dài lớn nhất (m)", "Lmax", "Chiều dài"),
    ),
    Column(
        "engine_power_kw",
        _l("Engine power (kW)"),
        DECIMAL,
        minimum=Decimal(0),
        maximum=Decimal(20000),
        aliases=("Công suất máy (kW)", "Công suất"),
    ),
    Column(
        "hull_material",
        _l("Hull material"),
        CHOICE,
        choices=HullMaterial,
        aliases=("Vật liệu vỏ",),
        choice_aliases=(("Gỗ", "wood"), ("Thép", "steel"), ("Vật liệu mới", "new"), ("Composite", "new"), ("FRP", "new")),
    ),
    Column(
        "gear",
        _l("Fishing gear"),
        CHOICE,
        choices=Gear,
        aliases=("Nghề", "Nghề khai thác"),
        choice_aliases=(
            ("Lưới kéo", "trawl"),
            ("Giã cào", "trawl"),
            ("Lưới rê", "gillnet"),
            ("Lưới vây", "purse_seine"),
            ("Câu", "line"),
            ("Lưới câu", "line"),
            ("Lồng bẫy", "trap"),
            ("Lưới chụp", "lift_net"),
            ("Lưới mành", "lift_net"),
            ("Dịch vụ hậu cần", "service"),
            ("Hậu cần nghề cá", "service"),
            ("Nghề khác", "other"),
        ),
    ),
    Column("year_built", _l("Year built"), INT, minimum=Decimal(1900), maximum=Decimal(2100), aliases=("Năm đóng",)),
    Column("place_built", _l("Place built"), max_length=200, aliases=("Nơi đóng",)),
    Column("design_code", _l("Design code"), max_length=50, aliases=("Mã thiết kế",)),
    Column("inspection_book_number", _l("Inspection book number"), max_length=30, aliases=("Số sổ đăng kiểm",)),
    Column(
        "safety_certificate_number",
        _l("Safety certificate number"),
        max_length=30,
        aliases=("Số giấy chứng nhận an toàn", "Số GCN ATKT"),
    ),
    Column("inspected_on", _l("Inspection date"), DATE, aliases=("Ngày đăng kiểm",)),
    Column(
        "inspection_expires_on", _l("Safety certificate expiry"), DATE, aliases=("Hạn giấy chứng nhận an toàn", "Hạn đăng kiểm")
    ),
    Column("licence_number", _l("Licence number"), max_length=30, aliases=("Số giấy phép khai thác", "Số giấy phép")),
    Column("licence_issued_on", _l("Licence issue date"), DATE, aliases=("Ngày cấp giấy phép",)),
    Column("licence_expires_on", _l("Licence expiry"), DATE, aliases=("Hạn giấy phép", "Hạn giấy phép khai thác")),
    Column(
        "zone",
        _l("Fishing zone"),
        CHOICE,
        choices=Zone,
        aliases=("Vùng khai thác",),
        choice_aliases=(
            ("Ven bờ", "coastal"),
            ("Vùng ven bờ", "coastal"),
            ("Lộng", "inshore"),
            ("Vùng lộng", "inshore"),
            ("Khơi", "offshore"),
            ("Vùng khơi", "offshore"),
        ),
    ),
    Column("registered_port", _l("Registered port"), max_length=100, aliases=("Cảng đăng ký",)),
    Column("vms_installed", _l("VMS installed"), BOOL, aliases=("Có thiết bị giám sát hành trình", "Có VMS")),
    Column("catch_log_last_on", _l("Last catch log submitted"), DATE, aliases=("Ngày nộp nhật ký khai thác gần nhất",)),
)


def clean_row(values: dict[str, Any]) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not values.get("registration_number") and not values.get("commune_number"):
        errors["registration_number"] = _(
            "Give the registration number or, for an unregistered vessel, the commune count number."
        )
    for start, end in (("inspected_on", "inspection_expires_on"), ("licence_issued_on", "licence_expires_on")):
        if values.get(start) and values.get(end) and values[end] < values[start]:
            errors[end] = _("The expiry date is before the issue date.")
    return errors


VESSELS = RegistryDefinition(
    key="vessels",
    model=Vessel,
    label=_l("Fishing vessels"),
    columns=COLUMNS,
    default_status=VesselStatus.ACTIVE,
    clean_row=clean_row,
    list_url_name="vessels:list",
)
