from __future__ import annotations

import csv
import gzip
import shutil
from pathlib import Path

import pytest
from django.db.models import F

from motcua.core.choices import UnitLevel
from motcua.core.exceptions import DomainError
from motcua.core.models import AdministrativeUnit, UnitSuccession
from motcua.core.selectors import unit_current, unit_get
from motcua.core.unit_data import DATA_DIR
from motcua.core.units_import import units_import

pytestmark = pytest.mark.django_db


def test_current_structure_has_34_provinces_and_3321_communes() -> None:
    current = AdministrativeUnit.objects.filter(valid_to__isnull=True)

    assert current.filter(level=UnitLevel.PROVINCE).count() == 34
    assert current.filter(level=UnitLevel.COMMUNE).count() == 3321
    assert current.filter(level=UnitLevel.DISTRICT).count() == 0


def test_ca_mau_has_64_communes() -> None:
    ca_mau = AdministrativeUnit.objects.get(code="96", valid_to__isnull=True)

    assert ca_mau.name == "Tỉnh Cà Mau"
    assert ca_mau.children.count() == 64
    assert AdministrativeUnit.objects.filter(path__startswith="96/", level=UnitLevel.COMMUNE).count() == 64


def test_pre2025_units_are_kept_as_history() -> None:
    old = AdministrativeUnit.objects.filter(valid_to__isnull=False)

    assert old.filter(level=UnitLevel.PROVINCE).count() == 63
    assert old.filter(level=UnitLevel.DISTRICT).count() == 696
    assert old.filter(level=UnitLevel.COMMUNE).count() == 10047
    tan_hai = old.get(code="32221")
    assert tan_hai.name == "Xã Tân Hải"
    assert tan_hai.parent is not None and tan_hai.parent.level == UnitLevel.DISTRICT
    assert tan_hai.path == "h/96/972/32221/"


def test_former_tan_hai_resolves_to_phu_tan() -> None:
    current, alternatives = unit_current(unit=unit_get(code="32221"))

    assert (current.code, current.name) == ("32218", "Xã Phú Tân")
    assert alternatives == []


def test_partly_split_commune_lists_the_other_successors() -> None:
    hoa_my = AdministrativeUnit.objects.get(code="32141", valid_to__isnull=False)

    current, alternatives = unit_current(unit=hoa_my)

    assert {current.code, *(a.code for a in alternatives)} == {"32137", "32140", "32214"}


def test_same_code_before_and_after_the_reform_are_two_records() -> None:
    rows = AdministrativeUnit.objects.filter(code="32218").order_by(F("valid_from").asc(nulls_first=True))

    assert [(r.valid_from is None, r.valid_to is None) for r in rows] == [(True, False), (False, True)]
    assert unit_get(code="32218").is_current


def test_old_district_succeeds_to_the_new_province() -> None:
    phu_tan_district = AdministrativeUnit.objects.get(code="972", valid_to__isnull=False)

    current, _ = unit_current(unit=phu_tan_district)

    assert current.code == "96"


def test_reimport_changes_nothing() -> None:
    before = (AdministrativeUnit.objects.count(), UnitSuccession.objects.count())

    report = units_import()

    assert (report.created, report.updated, report.successions_created) == (0, 0, 0)
    assert report.unchanged == before[0]
    assert (AdministrativeUnit.objects.count(), UnitSuccession.objects.count()) == before


def test_nso_table_is_preferred_where_sources_disagree() -> None:
    # 23053 → 23041 crosses provinces in one source; the NSO conversion table says otherwise.
    old = AdministrativeUnit.objects.get(code="23053", valid_to__isnull=False)
    rows = {(s.successor.code, s.official) for s in UnitSuccession.objects.filter(predecessor=old).select_related("successor")}

    assert ("23041", False) in rows
    current, _ = unit_current(unit=old)
    assert (current.code, True) in rows


def _copy_data(tmp_path: Path) -> Path:
    for path in DATA_DIR.glob("*.csv.gz"):
        shutil.copy(path, tmp_path / path.name)
    return tmp_path


def test_broken_file_raises_and_changes_nothing(tmp_path: Path) -> None:
    data = _copy_data(tmp_path)
    with gzip.open(data / "vn_units_2025.csv.gz", "rt", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    rows[100]["type"] = "thôn"  # not an administrative-unit type
    rows[0]["name"] = "Thành phố Hà Nội (sửa)"  # a change that must not be written either
    with gzip.open(data / "vn_units_2025.csv.gz", "wt", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)

    with pytest.raises(DomainError) as excinfo:
        units_import(data_dir=data)

    assert excinfo.value.code == "unit_row_invalid"
    assert AdministrativeUnit.objects.get(code="01", valid_to__isnull=True).name == "Thành phố Hà Nội"


def test_changed_name_is_updated_in_place(tmp_path: Path) -> None:
    data = _copy_data(tmp_path)
    with gzip.open(data / "vn_units_2025.csv.gz", "rt", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    target = next(r for r in rows if r["code"] == "32218")
    target["name"] = "Xã Phú Tân Mới"
    with gzip.open(data / "vn_units_2025.csv.gz", "wt", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    unit_id = AdministrativeUnit.objects.get(code="32218", valid_to__isnull=True).pk

    report = units_import(data_dir=data)

    assert (report.created, report.updated) == (0, 1)
    assert AdministrativeUnit.objects.get(pk=unit_id).name == "Xã Phú Tân Mới"
