"""Find and read the QR code in a photo of an ID card or a webcam frame (zxing-cpp)."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable

import zxingcpp
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageFilter

from motcua.identity.exceptions import CardError, IdentityErrorCode
from motcua.identity.images import image_load
from motcua.identity.qr import CardData, card_qr_parse

DECODE_MAX_SIDE = 1600
UPSCALE_UP_TO = 1600  # frames up to this size get the sharpened 2× retry on a miss


def qr_text_from_image(image: Image.Image) -> str | None:
    """The text of the first QR code zxing-cpp finds. On a miss, retry once on a sharpened 2×
    upscale: it rescues small, soft codes (about 3 px a module, blurred), the usual failure."""
    formats = zxingcpp.BarcodeFormats(zxingcpp.BarcodeFormat.QRCode)
    retries: list[Callable[[Image.Image], Image.Image]] = [_sharpened_upscale] if max(image.size) <= UPSCALE_UP_TO else []
    for prepare in [_as_is, *retries]:
        frame = prepare(image)
        for result in zxingcpp.read_barcodes(frame, formats=formats):
            if result.valid and result.text:
                return unicodedata.normalize("NFC", result.text)
    return None


def _as_is(image: Image.Image) -> Image.Image:
    return image


def _sharpened_upscale(image: Image.Image) -> Image.Image:
    grey = image.convert("L").filter(ImageFilter.UnsharpMask(radius=2, percent=250, threshold=0))
    return grey.resize((grey.width * 2, grey.height * 2), Image.Resampling.LANCZOS)


def card_qr_from_image(data: bytes) -> CardData:
    """Decode the card QR in an uploaded photo and parse it; ``CardError``/``ImageError`` otherwise."""
    image = image_load(data, max_side=DECODE_MAX_SIDE)
    text = qr_text_from_image(image)
    if text is None:
        raise CardError(
            IdentityErrorCode.QR_NOT_FOUND,
            _("No QR code was found in the photo. Hold the card flat, fill the frame with the QR and avoid glare."),
        )
    return card_qr_parse(text)
