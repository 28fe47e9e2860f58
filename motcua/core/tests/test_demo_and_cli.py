from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model

from motcua.cli import ensure_demo_env, load_env_file
from motcua.core.choices import Role
from motcua.core.demo import demo_setup
from motcua.core.models import Agency, StaffProfile
from motcua.core.permissions import user_roles


@pytest.mark.django_db
def test_demo_creates_one_user_per_role_and_is_safe_to_rerun() -> None:
    first = demo_setup(password="demo-password-1")
    second = demo_setup(password="demo-password-1")

    assert [login.username for login in first] == [login.username for login in second]
    assert {login.role for login in first} == set(Role)
    assert StaffProfile.objects.count() == len(first)
    assert set(Agency.objects.filter(is_one_stop_desk=True).values_list("unit__code", flat=True)) == {"32218", "32212", "32214"}
    reviewer = get_user_model().objects.get(username="camau.reviewer")
    assert user_roles(reviewer) == frozenset({Role.PROVINCE_REVIEWER})
    assert reviewer.check_password("demo-password-1")


@pytest.mark.django_db
def test_demo_users_can_sign_and_demo_agencies_have_identifiers_and_phones() -> None:
    """RULES.md §1.5: slips print the signer's full name and BM.02 the phone to call; §1.7: the
    dossier code starts with the deciding agency's electronic identifier."""
    logins = demo_setup(password="demo-password-1")

    users = get_user_model().objects.filter(username__in=[login.username for login in logins])
    assert all(len(user.get_full_name().split()) >= 3 for user in users)
    assert get_user_model().objects.get(username="phutan.reception").get_full_name() == "Trần Thị Bích Ngọc"
    agencies = list(Agency.objects.all())
    assert all(re.fullmatch(r"0290 \d{4} \d{3}", agency.phone) for agency in agencies)
    assert all(re.fullmatch(r"[0-9A-Z]+(\.[0-9A-Z]+)+", agency.identifier) for agency in agencies)


@pytest.mark.django_db
def test_demo_rerun_fills_a_missing_phone_but_keeps_a_recorded_one() -> None:
    demo_setup(password="demo-password-1")
    centre = Agency.objects.get(unit__code="32218", is_one_stop_desk=True)
    committee = Agency.objects.get(unit__code="32218", kind="peoples_committee")
    Agency.objects.filter(pk=centre.pk).update(phone="")
    Agency.objects.filter(pk=committee.pk).update(phone="0290 3999 999")

    demo_setup(password="demo-password-1")

    assert Agency.objects.get(pk=centre.pk).phone == "0290 3884 108"
    assert Agency.objects.get(pk=committee.pk).phone == "0290 3999 999"


def test_demo_env_file_is_written_once(tmp_path: Path) -> None:
    env_file = tmp_path / "var" / "motcua.env"

    ensure_demo_env(env_file)
    first = env_file.read_text()
    ensure_demo_env(env_file)

    assert env_file.read_text() == first
    assert "MOTCUA_SECRET_KEY=" in first and "MOTCUA_DEMO_PASSWORD=demo-" in first
    assert oct(env_file.stat().st_mode & 0o777) == "0o600"


def test_env_file_never_overrides_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    env_file = tmp_path / "motcua.env"
    env_file.write_text("# comment\nMOTCUA_TEST_A=from-file\nMOTCUA_TEST_B=from-file\n")
    monkeypatch.setenv("MOTCUA_TEST_A", "from-env")
    monkeypatch.delenv("MOTCUA_TEST_B", raising=False)

    load_env_file(env_file)

    assert os.environ["MOTCUA_TEST_A"] == "from-env"
    assert os.environ["MOTCUA_TEST_B"] == "from-file"
    monkeypatch.delenv("MOTCUA_TEST_B")


@pytest.mark.django_db
def test_console_script_maps_hyphenated_commands(capsys: pytest.CaptureFixture[str]) -> None:
    from motcua.cli import main

    main(["motcua", "import-units"])

    assert "0 created, 0 updated" in capsys.readouterr().out


def test_compiling_translations_makes_the_process_read_them_again() -> None:
    from django.utils import translation
    from django.utils.translation import trans_real

    from motcua.core.management.commands.compile_translations import _forget_loaded_catalogues

    with translation.override("vi"):
        translation.gettext("Reception officer")
    assert "vi" in trans_real._translations  # type: ignore[attr-defined]  # private cache, not in django-stubs

    _forget_loaded_catalogues()

    assert trans_real._translations == {}  # type: ignore[attr-defined]  # private cache, not in django-stubs
    with translation.override("vi"):
        assert translation.gettext("Reception officer") == "Công chức tiếp nhận và trả kết quả"


def test_demo_env_turns_on_the_demo_ca_and_upgrades_an_older_demo(tmp_path: Path) -> None:
    """The demo signs every slip (RULES.md §1.5) with certificates from its demo CA."""
    fresh, older = tmp_path / "fresh.env", tmp_path / "older.env"
    older.write_text("MOTCUA_SECRET_KEY=abc\nMOTCUA_DEMO_PASSWORD=demo-1\n")

    ensure_demo_env(fresh)
    ensure_demo_env(older)

    assert "MOTCUA_SIGNING_DEMO_CA=1\n" in fresh.read_text()
    assert older.read_text() == "MOTCUA_SECRET_KEY=abc\nMOTCUA_DEMO_PASSWORD=demo-1\nMOTCUA_SIGNING_DEMO_CA=1\n"
