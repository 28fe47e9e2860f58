from __future__ import annotations

import contextlib

import pytest

from motcua.identity.exceptions import CardError, IdentityErrorCode, ImageError
from motcua.identity.qr_decode import card_qr_from_image
from motcua.identity.tests.qr_synth import SAMPLE_PAYLOAD, Distortion, distortion_grid, jpeg_bytes, synthetic_photo


def test_clean_card_photo_is_decoded_and_parsed() -> None:
    card = card_qr_from_image(synthetic_photo())

    assert (card.personal_id, card.full_name) == ("096085004217", "Nguyễn Văn An")


def test_rotated_tilted_blurred_jpeg_is_decoded() -> None:
    photo = synthetic_photo(distortion=Distortion(rotation=30, perspective=0.12, blur=1.0, noise=8, jpeg_quality=50))

    assert card_qr_from_image(photo).personal_id == "096085004217"


def test_at_least_95_percent_of_a_synthetic_sample_is_decoded() -> None:
    grid = distortion_grid(seed=5, count=40)

    decoded = 0
    for distortion in grid:
        with contextlib.suppress(CardError):
            decoded += card_qr_from_image(synthetic_photo(distortion=distortion)).personal_id == "096085004217"

    assert decoded >= 38


def test_photo_without_a_qr_code_says_so() -> None:
    from PIL import Image

    with pytest.raises(CardError) as caught:
        card_qr_from_image(jpeg_bytes(Image.new("RGB", (640, 480), (90, 90, 90))))

    assert caught.value.code == IdentityErrorCode.QR_NOT_FOUND


def test_qr_with_another_payload_gets_the_parser_error() -> None:
    with pytest.raises(CardError) as caught:
        card_qr_from_image(synthetic_photo("https://example.vn/not-a-card"))

    assert caught.value.code == IdentityErrorCode.QR_LAYOUT


def test_upload_that_is_not_an_image_is_refused() -> None:
    with pytest.raises(ImageError) as caught:
        card_qr_from_image(SAMPLE_PAYLOAD.encode())

    assert caught.value.code == IdentityErrorCode.IMAGE_NOT_IMAGE
