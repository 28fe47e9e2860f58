from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from motcua.identity.tests.factories import card_payload
from motcua.identity.tests.qr_synth import synthetic_photo


def test_read_qr_prints_the_parsed_json() -> None:
    out = StringIO()

    call_command("id", "read-qr", card_payload(), stdout=out)

    assert json.loads(out.getvalue())["full_name"] == "Nguyễn Văn An"


def test_read_qr_reads_a_photo(tmp_path: Path) -> None:
    photo = tmp_path / "card.jpg"
    photo.write_bytes(synthetic_photo())
    out = StringIO()

    call_command("id", "read-qr", str(photo), stdout=out)

    assert json.loads(out.getvalue())["personal_id"] == "096085004217"


def test_read_qr_prints_the_error_and_fails() -> None:
    out = StringIO()

    with pytest.raises(CommandError):
        call_command("id", "read-qr", "abc|def", stdout=out)

    assert json.loads(out.getvalue())["error"]["code"] == "qr_layout"


def test_face_compare_prints_distance_and_decision(faces: Path) -> None:
    out = StringIO()

    call_command(
        "face", "compare", str(faces / "barack_obama/obama_01.jpg"), str(faces / "barack_obama/obama_04.jpg"), stdout=out
    )

    result = json.loads(out.getvalue())
    assert (result["same"], result["threshold"]) == (True, 0.55)
    assert 0 < result["distance"] < 0.55


def test_face_compare_pairs_prints_one_line_per_pair_and_reports_bad_files(faces: Path, tmp_path: Path) -> None:
    pairs = tmp_path / "pairs.csv"
    a, b = faces / "barack_obama/obama_01.jpg", faces / "joe_biden/biden_01.jpg"
    not_image = tmp_path / "x.jpg"
    not_image.write_bytes(b"nope")
    pairs.write_text(f"a,b\n{a},{b}\n{a},{not_image}\n", encoding="utf-8")
    out = StringIO()

    call_command("face", "compare", "--pairs", str(pairs), stdout=out)

    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [line.get("same") for line in lines] == [False, None]
    assert lines[1]["error"]["code"] == "image_not_image"


@pytest.mark.django_db
def test_purge_expired_command_reports_the_count() -> None:
    out = StringIO()

    call_command("face", "purge-expired", stdout=out)

    assert out.getvalue().strip() == "0 face templates past 730 days deleted"


@pytest.mark.django_db
def test_rebuild_index_with_no_templates_builds_nothing() -> None:
    out = StringIO()

    call_command("face", "rebuild-index", stdout=out)

    assert out.getvalue() == ""
