"""Clock explanations as codes and parameters, worded when shown (issue 10 item 9).

Rows written before have their explanation as text in the language of the day (Vietnamese, or
English for a request served in English). The texts the clock wrote are recognised and turned
into codes, so old dossiers are explained in the reader's language too; any other text (what a
person typed) stays as it is and is shown as stored. Backwards, the codes are worded in
Vietnamese again.
"""

import re

from django.db import migrations, models

UNITS = {
    "ngày làm việc": "working_day",
    "ngày (kể cả ngày nghỉ)": "calendar_day",
    "giờ làm việc": "working_hour",
    "giờ": "hour",
    "working days": "working_day",
    "calendar days": "calendar_day",
    "working hours": "working_hour",
    "hours": "hour",
}
VI_UNITS = {"working_day": "ngày làm việc", "calendar_day": "ngày (kể cả ngày nghỉ)", "working_hour": "giờ làm việc", "hour": "giờ"}
NUMBER = r"(?P<value>\d+(?:[.,]\d+)?)"
UNIT = "(?P<unit>" + "|".join(re.escape(u) for u in sorted(UNITS, key=len, reverse=True)) + ")"

SAME_DAY = [
    re.compile(r"Thời hạn giải quyết theo quy định: trong ngày \(thủ tục (?P<code>[^()\s]+)\)\."),
    re.compile(r"Statutory time limit: within the day \(procedure (?P<code>[^()\s]+)\)\."),
]
STATUTORY = [
    re.compile(rf"Thời hạn giải quyết theo quy định: {NUMBER} {UNIT} \(thủ tục (?P<code>[^()\s]+)\)\."),
    re.compile(rf"Statutory time limit: {NUMBER} {UNIT} \(procedure (?P<code>[^()\s]+)\)\."),
]
OFFICER = [
    re.compile(
        rf"Thời hạn do cán bộ tiếp nhận xác định: {NUMBER} {UNIT} \(thủ tục (?P<code>\S+) chưa có thời hạn trong danh mục\)\. "
        r"Lý do: (?P<reason>.*)",
        re.DOTALL,
    ),
    re.compile(
        rf"Time limit set by the receiving officer: {NUMBER} {UNIT} \(procedure (?P<code>\S+) has none in the catalogue\)\. "
        r"Reason: (?P<reason>.*)",
        re.DOTALL,
    ),
]
RESUME = [
    re.compile(rf"Đã nhận bổ sung; còn lại {NUMBER} ngày làm việc\."),
    re.compile(rf"Supplement received; {NUMBER} working days were left\."),
]


def _number(text: str) -> str:
    return text.replace(",", ".")


def parse(text: str) -> tuple[str, dict, str] | None:
    """(code, params, typed reason) for a text the clock wrote; None for anything else."""
    for pattern in SAME_DAY:
        if m := pattern.fullmatch(text):
            return "statutory", {"procedure": m["code"], "value": "0", "unit": "same_day"}, ""
    for pattern in STATUTORY:
        if m := pattern.fullmatch(text):
            return "statutory", {"procedure": m["code"], "value": _number(m["value"]), "unit": UNITS[m["unit"]]}, ""
    for pattern in OFFICER:
        if m := pattern.fullmatch(text):
            params = {"procedure": m["code"], "value": _number(m["value"]), "unit": UNITS[m["unit"]]}
            return "officer_limit", params, m["reason"]
    for pattern in RESUME:
        if m := pattern.fullmatch(text):
            return "resume", {"remaining_days": _number(m["value"])}, ""
    return None


def _days(value: str) -> str:
    return f"{float(value):.2f}".rstrip("0").rstrip(".").replace(".", ",")


def word_vi(code: str, params: dict, typed: str) -> str:
    unit = params.get("unit", "")
    if code == "statutory" and unit == "same_day":
        return f"Thời hạn giải quyết theo quy định: trong ngày (thủ tục {params['procedure']})."
    if code == "statutory":
        return f"Thời hạn giải quyết theo quy định: {_days(params['value'])} {VI_UNITS.get(unit, '')} (thủ tục {params['procedure']})."
    if code == "officer_limit":
        return (
            f"Thời hạn do cán bộ tiếp nhận xác định: {_days(params['value'])} {VI_UNITS.get(unit, '')} "
            f"(thủ tục {params['procedure']} chưa có thời hạn trong danh mục). Lý do: {typed}"
        )
    if code == "resume":
        return f"Đã nhận bổ sung; còn lại {_days(params['remaining_days'])} ngày làm việc."
    return typed


def forwards(apps, schema_editor):
    ClockChange = apps.get_model("dossiers", "ClockChange")
    for change in ClockChange.objects.filter(reason_code="", kind__in=["start", "resume"]).only("id", "reason").iterator():
        parsed = parse(change.reason)
        if parsed is not None:
            code, params, typed = parsed
            ClockChange.objects.filter(pk=change.pk).update(reason_code=code, reason_params=params, reason=typed)


def backwards(apps, schema_editor):
    ClockChange = apps.get_model("dossiers", "ClockChange")
    for change in ClockChange.objects.exclude(reason_code="").iterator():
        text = word_vi(change.reason_code, change.reason_params or {}, change.reason)
        ClockChange.objects.filter(pk=change.pk).update(reason=text)


class Migration(migrations.Migration):
    dependencies = [
        ("dossiers", "0011_applicant_name_folded"),
    ]

    operations = [
        migrations.AddField(
            model_name="clockchange",
            name="reason_code",
            field=models.CharField(
                blank=True,
                choices=[
                    ("statutory", "Statutory time limit"),
                    ("officer_limit", "Time limit set by the receiving officer"),
                    ("resume", "Supplement received"),
                ],
                default="",
                max_length=16,
            ),
        ),
        migrations.AddField(
            model_name="clockchange",
            name="reason_params",
            field=models.JSONField(blank=True, default=dict),
        ),
        migrations.RunPython(forwards, backwards),
    ]
