"""The indicators of Decision 766 as RULES.md §2.2 lists them, and the grade bands of §2.3.

Maximum points and formulas are copied from RULES.md §2.2 (S21, the national portal's METRICS
table and formula description). ``confirmed`` is False where RULES.md says the points formula
is not confirmed or gives none ("—"); the notes say why. Self-contained: no model imports.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import migrations

L, T, M = "linear", "threshold", "monitoring"
COMPONENTS = ["name", "steps", "channels", "documents", "lead_time", "subjects", "competent_agency"]

# code, group, position, portal key, name vi, name en, formula, parameters, max, confirmed, notes
INDICATORS: list[tuple[str, int, int, str, str, str, str, dict[str, Any], str, bool, str]] = [
    ("1.1", 1, 1, "PUBLISH_ON_TIME", "Tỷ lệ TTHC công bố đúng hạn", "Procedures announced on time", L,
     {"province_lead_working_days": 5, "ministry_lead_working_days": 20}, "6", True,
     "RULES.md §2.2 group 1: points = max × rate (S21, 2,290 observations matched)."),
    ("1.2", 1, 2, "PUBLIC_UPDATE_ON_TIME", "Tỷ lệ TTHC được cập nhật, công khai đúng hạn",
     "Procedures updated and published on time", L, {"province_working_days": 5, "ministry_working_days": 10}, "4", True,
     "RULES.md §2.2 group 1."),
    ("1.3", 1, 3, "PUBLIC_CONTENT_FULL", "Tỷ lệ TTHC công khai đầy đủ nội dung", "Procedures published with full content", L,
     {"components": COMPONENTS}, "2", True, "Measured as of now, not per period (RULES.md §2.2)."),
    ("1.4", 1, 4, "DOSSIER_SYNC", "Tỷ lệ hồ sơ đồng bộ lên Cổng DVCQG", "Dossiers synchronised to the national portal", L,
     {}, "6", True, "RULES.md §2.2 group 1."),
    ("2.1", 2, 1, "", "Tỷ lệ hồ sơ xử lý trước hạn, đúng hạn", "Dossiers processed early or on time", L,
     {"second_request_late": True}, "20", True, "points = 20 × on time ÷ received or processed (RULES.md §2.2, §1.6)."),
    ("2.2", 2, 2, "", "Thời gian giải quyết TTHC trung bình", "Average processing time", M, {"unit": "calendar_day"}, "0", True,
     "No points (RULES.md §2.2). Shown in calendar days, the citizen's supplement time subtracted."),
    ("3.0", 3, 0, "", "Tỷ lệ hồ sơ nộp qua DVCTT toàn trình", "Dossiers submitted through end-to-end online services", L,
     {}, "12", False, "RULES.md §2.2 group 3: the exact points formula is not confirmed (S21 could not fit it); "
     "points = maximum × rate is used until it is."),
    ("3.1", 3, 1, "", "Tỷ lệ TTHC cung cấp DVCTT", "Procedures offering online public services", T, {"threshold": 80}, "0", False,
     "RULES.md gives no maximum (—); documented rule: ≥ 80 % gives the maximum, else rate × max ÷ 80 %."),
    ("3.2", 3, 2, "", "Tỷ lệ DVCTT có phát sinh hồ sơ", "Online services with at least one online dossier", M, {}, "0", False,
     "RULES.md gives no maximum or points formula (—)."),
    ("3.3", 3, 3, "", "Tỷ lệ hồ sơ trực tuyến", "Dossiers received online", T, {"threshold": 50}, "0", False,
     "RULES.md gives no maximum (—); documented rule: ≥ 50 % online gives the maximum."),
    ("3.5", 4, 1, "", "TTHC tích hợp phí, lệ phí thanh toán trực tuyến", "Procedures with fees integrated for online payment", T,
     {"threshold": 80}, "2", False, "Reverse-engineered: min(2, 2.5 × B) (RULES.md §2.2 group 4, [M])."),
    ("3.5b", 4, 2, "", "TTHC có phát sinh giao dịch thanh toán trực tuyến", "Procedures with an online-payment transaction", L,
     {"scale": 2.5}, "2", False, "Reverse-engineered: 2.5 × C (RULES.md §2.2 group 4, [M])."),
    ("3.6", 4, 3, "", "Tỷ lệ hồ sơ thanh toán trực tuyến", "Dossiers paid online", L, {}, "6", False,
     "Reverse-engineered: 6 × A (RULES.md §2.2 group 4, [M])."),
    ("5.1", 5, 1, "", "PAKN theo phân loại", "Petitions by classification", M, {"class": "regulation"}, "0", True,
     "Monitoring only (RULES.md §2.2): the share about regulations, policies and procedures."),
    ("5.2", 5, 2, "PETITION_PROCESSING_ON_TIME", "Tỷ lệ PAKN xử lý đúng hạn", "Petitions processed on time", L,
     {"empty_points": "max"}, "6", True, "points = 6 × on time ÷ total; 6 if there were no petitions (RULES.md §2.2)."),
    ("5.3", 5, 3, "PETITION_HANDLING_SATISFACTION", "Mức độ hài lòng về xử lý PAKN", "Satisfaction with petition handling", L,
     {"empty_points": "max"}, "6", True, "6 if there were no petitions (RULES.md §2.2)."),
    ("5.4", 5, 4, "DOSSIER_RECEIVING_SATISFACTION", "Mức độ hài lòng tiếp nhận, giải quyết TTHC",
     "Satisfaction with receiving and processing", T, {"threshold": 90, "overlap": "once"}, "6", True,
     "100 % − (overdue rate + rate with a petition or a dislike); 90 % gives the maximum (RULES.md §2.2). "
     "A dossier both late and disliked is counted once (overlap: once)."),
    ("4.1", 6, 1, "ORIGINAL_RESULT_AVAILABLE", "Tỷ lệ hồ sơ có kết quả điện tử", "Dossiers with an electronic result", L, {},
     "6", True, "Generic group 6: min(max, max × rate)."),
    ("4.2", 6, 2, "SO_HOA_GIAY_TO_GIAI_QUYET", "Tỷ lệ hồ sơ được số hóa", "Dossiers digitised", T, {"threshold": 80}, "4", True,
     "Documented: ≥ 80 % gives the maximum."),
    ("4.2b", 6, 3, "ELECTRONIC_CERTIFIED_COPY", "Chứng thực bản sao điện tử từ bản chính", "Electronic certified copies", L,
     {}, "2", False, "RULES.md gives no formula (—)."),
    ("4.3", 6, 4, "REUSED_DIGITIZED_DATA", "Tỷ lệ tái sử dụng dữ liệu số hóa", "Reuse of digitised data", T, {"threshold": 80},
     "2", True, "points = min(2, 2 × rate ÷ 80) (RULES.md §2.2)."),
    ("4.4", 6, 5, "SYNCED_WITH_DVCQG_PERSONAL_STORAGE", "Hồ sơ số hóa liên kết kho dữ liệu cá nhân",
     "Digitised dossiers linked to the citizen's data store", L, {}, "4", True, "Generic group 6."),
    ("4.5a", 6, 6, "CITIZEN_DATA_CONNECTED_FORMALITY", "TTHC kết nối CSDL quốc gia về dân cư",
     "Procedures connected to the population database", L, {"lookup_window_hours": 24}, "2", True, "Generic group 6."),
    ("4.5b", 6, 7, "CITIZEN_DATA_CONNECTED_DOSSIER", "Hồ sơ khai thác dữ liệu dân cư", "Dossiers using population data", L,
     {"lookup_window_hours": 24}, "2", False, "RULES.md gives no formula (—); the generic group 6 rule is used."),
]

GRADES = [
    ("tot", "Tốt", "Good", "90"),
    ("kha", "Khá", "Fair", "70"),
    ("trung-binh", "Trung bình", "Average", "50"),
    ("yeu", "Yếu", "Weak", "0"),
]


def seed(apps: Any, schema_editor: Any) -> None:
    indicator = apps.get_model("indices", "Indicator")
    grade = apps.get_model("indices", "Grade")
    for code, group, position, key, name_vi, name_en, formula, params, points, confirmed, notes in INDICATORS:
        indicator.objects.update_or_create(
            code=code,
            defaults={
                "group": group,
                "position": position,
                "portal_key": key,
                "name_vi": name_vi,
                "name_en": name_en,
                "formula": formula,
                "parameters": params,
                "max_points": Decimal(points),
                "confirmed": confirmed,
                "notes": notes,
            },
        )
    for code, name_vi, name_en, minimum in GRADES:
        grade.objects.update_or_create(code=code, defaults={"name_vi": name_vi, "name_en": name_en, "min_score": Decimal(minimum)})


def unseed(apps: Any, schema_editor: Any) -> None:
    apps.get_model("indices", "Indicator").objects.filter(code__in=[row[0] for row in INDICATORS]).delete()
    apps.get_model("indices", "Grade").objects.filter(code__in=[row[0] for row in GRADES]).delete()


class Migration(migrations.Migration):
    dependencies = [("indices", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
