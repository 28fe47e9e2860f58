"""Seed the nationwide 2026 holiday schedule for civil servants (RULES.md §11).

Official Letter 9859/VPCP-KGVX of 13/10/2025 and Notice 9441/TB-BNV: Tết Bính Ngọ off
Sat 14/02 – Sun 22/02/2026 (the weekdays 16–20/02 are seeded; the weekend is off anyway);
Mon 31/08/2026 off, swapped with Saturday 22/08/2026 worked; 01–02/09 are statutory
(the holidays package has them). The holidays package 0.109 already agrees with every row;
seeding them pins the schedule to its official source.
"""

from datetime import date

from django.db import migrations

SOURCE = "Công văn 9859/VPCP-KGVX ngày 13/10/2025; Thông báo 9441/TB-BNV"

ROWS = [
    (date(2026, 2, 16), "day_off", "Tết Nguyên Đán Bính Ngọ (nghỉ từ 14/02 đến hết 22/02/2026)"),
    (date(2026, 2, 17), "day_off", "Tết Nguyên Đán Bính Ngọ (nghỉ từ 14/02 đến hết 22/02/2026)"),
    (date(2026, 2, 18), "day_off", "Tết Nguyên Đán Bính Ngọ (nghỉ từ 14/02 đến hết 22/02/2026)"),
    (date(2026, 2, 19), "day_off", "Tết Nguyên Đán Bính Ngọ (nghỉ từ 14/02 đến hết 22/02/2026)"),
    (date(2026, 2, 20), "day_off", "Tết Nguyên Đán Bính Ngọ (nghỉ từ 14/02 đến hết 22/02/2026)"),
    (date(2026, 8, 22), "working_day", "Làm bù cho ngày nghỉ thứ Hai 31/08/2026"),
    (date(2026, 8, 31), "day_off", "Nghỉ Quốc khánh, hoán đổi với ngày làm bù thứ Bảy 22/08/2026"),
]


def seed(apps, schema_editor):
    CalendarOverride = apps.get_model("core", "CalendarOverride")
    for day, kind, note in ROWS:
        CalendarOverride.objects.update_or_create(date=day, unit=None, defaults={"kind": kind, "source": SOURCE, "note": note})


def unseed(apps, schema_editor):
    CalendarOverride = apps.get_model("core", "CalendarOverride")
    CalendarOverride.objects.filter(date__in=[day for day, _kind, _note in ROWS], unit__isnull=True, source=SOURCE).delete()


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
