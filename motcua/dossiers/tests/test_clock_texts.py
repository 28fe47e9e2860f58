"""What the clock changes say (RULES.md §1.6): one set of functions for the services and the
demo seeder (issue 9 item 14)."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from django.test import Client
from django.utils import translation

from motcua.dossiers import clock
from motcua.dossiers.models import Dossier


def test_days_text_has_a_decimal_comma_in_vietnamese_and_no_trailing_zeros() -> None:
    with translation.override("vi"):
        assert clock.days_text(Decimal("5.00")) == "5"
        assert clock.days_text(Decimal("2.50")) == "2,5"
        assert clock.days_text(Fraction(1, 3)) == "0,33"
        assert clock.days_text(0) == "0"


def test_statutory_time_text_names_the_limit_and_the_procedure() -> None:
    with translation.override("vi"):
        assert (
            clock.statutory_time_text(code="1.001193", value=Decimal("5.00"), unit=clock.WORKING_DAY)
            == "Thời hạn giải quyết theo quy định: 5 ngày làm việc (thủ tục 1.001193)."
        )
        assert (
            clock.statutory_time_text(code="2.000779", value=Decimal("0.50"), unit=clock.CALENDAR_DAY)
            == "Thời hạn giải quyết theo quy định: 0,5 ngày (kể cả ngày nghỉ) (thủ tục 2.000779)."
        )


def test_same_day_time_text_has_no_number() -> None:
    """RULES.md §1.6: "trong ngày" is its own unit."""
    with translation.override("vi"):
        assert (
            clock.statutory_time_text(code="1.001193", value=Decimal("0"), unit=clock.SAME_DAY)
            == "Thời hạn giải quyết theo quy định: trong ngày (thủ tục 1.001193)."
        )


def test_resume_text_says_how_much_time_was_left() -> None:
    with translation.override("vi"):
        assert clock.resume_text(Fraction(5, 2)) == "Đã nhận bổ sung; còn lại 2,5 ngày làm việc."
    with translation.override("en"):
        assert clock.resume_text(Decimal("3")) == "Supplement received; 3 working days were left."


def test_the_service_and_the_seeder_write_the_same_start_reason(db: None) -> None:
    """Issue 9 item 14: the intake service uses ``clock.statutory_time_text`` as the seeder does
    (the service used to write "5.00 ngày làm việc")."""
    from motcua.dossiers.services.receipt import _procedure_time_text
    from motcua.dossiers.tests.factories import procedure

    with translation.override("vi"):
        text = _procedure_time_text(procedure())

    assert text == "Thời hạn giải quyết theo quy định: 5 ngày làm việc (thủ tục 1.001193)."


# --- Worded when shown, in the reader's language (issue 10 item 9) ------------------------------


def _supplemented_dossier() -> Dossier:
    """A dossier received Mon 02/03/2026, paused Thu 05/03 17:00 and supplemented Thu 12/03."""
    import datetime as dt
    from zoneinfo import ZoneInfo

    from motcua.core.choices import Role
    from motcua.dossiers.choices import DossierAction
    from motcua.dossiers.services import ActionInput, DocumentInput, dossier_act, dossier_receive
    from motcua.dossiers.tests.factories import PDF, commune_agencies, intake, procedure, staff

    def at(day: str, hm: str) -> dt.datetime:
        return dt.datetime.fromisoformat(f"{day}T{hm}").replace(tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))

    procedure()
    commune_agencies()
    officer = staff("officer", Role.RECEPTION_OFFICER)
    with translation.override("vi"):  # written while serving a Vietnamese page
        dossier = dossier_receive(actor=officer, intake=intake(), now=at("2026-03-02", "10:00")).dossier
        dossier_act(
            actor=officer,
            code=dossier.code,
            action=DossierAction.REQUEST_SUPPLEMENT,
            data=ActionInput(items=["Bản sao giấy chứng nhận kết hôn"], reason="Thiếu giấy tờ"),
            now=at("2026-03-05", "17:00"),
        )
        dossier_act(
            actor=officer,
            code=dossier.code,
            action=DossierAction.SUPPLEMENT,
            data=ActionInput(documents=[DocumentInput(name="Giấy chứng nhận kết hôn", content=PDF)]),
            now=at("2026-03-12", "07:00"),
        )
    return dossier


def test_clock_changes_store_codes_and_parameters_not_words(db: None) -> None:
    from motcua.dossiers.models import ClockChange

    dossier = _supplemented_dossier()

    rows = list(ClockChange.objects.filter(dossier=dossier).values_list("kind", "reason_code", "reason_params", "reason"))
    assert rows == [
        ("start", "statutory", {"procedure": "1.001193", "value": "5.00", "unit": "working_day"}, ""),
        ("pause", "", {}, "Thiếu giấy tờ"),
        ("resume", "resume", {"remaining_days": "2.0000"}, ""),
    ]


def test_the_same_dossier_is_explained_in_vietnamese_and_in_english(db: None) -> None:
    from motcua.dossiers.models import ClockChange

    dossier = _supplemented_dossier()
    changes = list(ClockChange.objects.filter(dossier=dossier))

    with translation.override("vi"):
        vietnamese = [c.explanation for c in changes]
    with translation.override("en"):
        english = [c.explanation for c in changes]

    assert vietnamese == [
        "Thời hạn giải quyết theo quy định: 5 ngày làm việc (thủ tục 1.001193).",
        "Thiếu giấy tờ",
        "Đã nhận bổ sung; còn lại 2 ngày làm việc.",
    ]
    assert english == [
        "Statutory time limit: 5 working days (procedure 1.001193).",
        "Thiếu giấy tờ",  # what the officer typed is shown as typed
        "Supplement received; 2 working days were left.",
    ]


def test_the_dossier_page_explains_the_clock_in_the_readers_language(db: None, client: Client) -> None:
    dossier = _supplemented_dossier()
    assert dossier.created_by is not None
    client.force_login(dossier.created_by)

    vietnamese = client.get(f"/ho-so/{dossier.code}/").content.decode()
    client.cookies["motcua_language"] = "en"
    english = client.get(f"/ho-so/{dossier.code}/").content.decode()

    assert "Thời hạn giải quyết theo quy định: 5 ngày làm việc (thủ tục 1.001193)." in vietnamese
    assert "Statutory time limit: 5 working days (procedure 1.001193)." in english
    assert "Supplement received; 2 working days were left." in english
    assert "Thời hạn giải quyết theo quy định" not in english


def test_a_decimal_is_written_with_the_readers_separator() -> None:
    with translation.override("vi"):
        assert clock.resume_text(Fraction(5, 2)) == "Đã nhận bổ sung; còn lại 2,5 ngày làm việc."
    with translation.override("en"):
        assert clock.resume_text(Fraction(5, 2)) == "Supplement received; 2.5 working days were left."


def test_an_officer_set_limit_keeps_the_officers_words_in_both_languages() -> None:
    explanation = clock.officer_limit_reason(
        code="2.000999", value=Decimal("10"), unit=clock.WORKING_DAY, reason="Theo văn bản số 12"
    )

    with translation.override("en"):
        assert explanation.text() == (
            "Time limit set by the receiving officer: 10 working days (procedure 2.000999 has none in the catalogue). "
            "Reason: Theo văn bản số 12"
        )
    with translation.override("vi"):
        assert explanation.text() == (
            "Thời hạn do cán bộ tiếp nhận xác định: 10 ngày làm việc (thủ tục 2.000999 chưa có thời hạn trong danh mục). "
            "Lý do: Theo văn bản số 12"
        )


def test_rows_stored_as_vietnamese_text_are_turned_into_codes_by_the_migration() -> None:
    """Old rows (worded in Vietnamese when written) are recognised by migration 0012; anything
    else stays as stored and is shown as it is."""
    import importlib

    migration = importlib.import_module("motcua.dossiers.migrations.0012_clock_reason_codes")

    assert migration.parse("Thời hạn giải quyết theo quy định: 0,5 ngày (kể cả ngày nghỉ) (thủ tục 2.000779).") == (
        "statutory",
        {"procedure": "2.000779", "value": "0.5", "unit": "calendar_day"},
        "",
    )
    assert migration.parse("Thời hạn giải quyết theo quy định: trong ngày (thủ tục 1.001193).") == (
        "statutory",
        {"procedure": "1.001193", "value": "0", "unit": "same_day"},
        "",
    )
    assert migration.parse("Đã nhận bổ sung; còn lại 2,5 ngày làm việc.") == ("resume", {"remaining_days": "2.5"}, "")
    officer = "Thời hạn do cán bộ tiếp nhận xác định: 10 ngày làm việc (thủ tục 2.000999 chưa có thời hạn trong danh mục). "
    assert migration.parse(officer + "Lý do: Văn bản 12") == (
        "officer_limit",
        {"procedure": "2.000999", "value": "10", "unit": "working_day"},
        "Văn bản 12",
    )
    assert migration.parse("Chờ xác minh") is None


def test_a_row_without_a_code_shows_its_stored_text() -> None:
    from motcua.dossiers.models import ClockChange

    old = ClockChange(kind="start", reason="Thời hạn giải quyết theo quy định: 5 ngày làm việc (thủ tục 1.001193).")

    with translation.override("en"):
        assert old.explanation == "Thời hạn giải quyết theo quy định: 5 ngày làm việc (thủ tục 1.001193)."
