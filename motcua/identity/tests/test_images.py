from __future__ import annotations

import io
import struct
import zlib

import pytest
from PIL import Image
from pytest_django import Settings

from motcua.identity.exceptions import IdentityErrorCode, ImageError
from motcua.identity.images import image_load


def _png(size: tuple[int, int], mode: str = "RGB", colour: float | tuple[int, ...] = (200, 10, 10)) -> bytes:
    buffer = io.BytesIO()
    Image.new(mode, size, colour).save(buffer, format="PNG")
    return buffer.getvalue()


def _png_header_only(width: int, height: int) -> bytes:
    """A tiny PNG that claims a huge canvas (a decompression bomb)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 64)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def test_rgba_is_flattened_onto_white() -> None:
    image = image_load(_png((4, 4), "RGBA", (0, 0, 0, 0)))

    assert (image.mode, image.getpixel((0, 0))) == ("RGB", (255, 255, 255))


def test_exif_orientation_is_applied() -> None:
    buffer = io.BytesIO()
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90° clockwise to display
    Image.new("RGB", (40, 20), (0, 0, 255)).save(buffer, format="JPEG", exif=exif)

    assert image_load(buffer.getvalue()).size == (20, 40)


def test_large_image_is_scaled_to_max_side() -> None:
    assert image_load(_png((3000, 1500)), max_side=1000).size == (1000, 500)


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"", IdentityErrorCode.IMAGE_EMPTY),
        (b"%PDF-1.7 not an image at all", IdentityErrorCode.IMAGE_NOT_IMAGE),
        (b"GIF89a" + b"\x00" * 100, IdentityErrorCode.IMAGE_NOT_IMAGE),
        (_png((64, 64))[:60], IdentityErrorCode.IMAGE_TRUNCATED),
        (_png_header_only(60_000, 60_000), IdentityErrorCode.IMAGE_BOMB),
        (_png_header_only(0, 10), IdentityErrorCode.IMAGE_NOT_IMAGE),
    ],
)
def test_malformed_uploads_get_a_clear_error(data: bytes, code: IdentityErrorCode) -> None:
    with pytest.raises(ImageError) as caught:
        image_load(data)

    assert caught.value.code == code


def test_truncated_jpeg_is_refused() -> None:
    buffer = io.BytesIO()
    Image.effect_noise((400, 300), 40).convert("RGB").save(buffer, format="JPEG")

    with pytest.raises(ImageError) as caught:
        image_load(buffer.getvalue()[: len(buffer.getvalue()) // 2])

    assert caught.value.code == IdentityErrorCode.IMAGE_TRUNCATED


def test_file_over_the_byte_limit_is_refused_before_decoding(settings: Settings) -> None:
    settings.MOTCUA_IMAGE_MAX_BYTES = 1000

    with pytest.raises(ImageError) as caught:
        image_load(b"\xff\xd8" + b"\x00" * 2000)

    assert caught.value.code == IdentityErrorCode.IMAGE_TOO_BIG


def test_image_over_the_pixel_limit_is_refused(settings: Settings) -> None:
    settings.MOTCUA_IMAGE_MAX_PIXELS = 10_000

    with pytest.raises(ImageError) as caught:
        image_load(_png((200, 200)))

    assert caught.value.code == IdentityErrorCode.IMAGE_BOMB
