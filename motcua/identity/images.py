"""Safe loading of uploaded images (card photos, webcam frames).

Only JPEG, PNG, WebP and BMP are opened. The file size and the decoded pixel count are checked
before decoding, so a decompression bomb is refused from its header; truncated or corrupt data
and anything that is not an image become an :class:`ImageError` with a clear message, never a
crash or a hang. EXIF orientation is applied and transparency is flattened onto white.
"""

from __future__ import annotations

import io
import struct
import warnings

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError

from motcua.identity.exceptions import IdentityErrorCode, ImageError

FORMATS = ("JPEG", "PNG", "WEBP", "BMP")
# Pillow's process-wide guard (a warning past the limit, an error past twice it), lowered from
# its default of 89 million pixels; the per-call limit from settings is checked below.
Image.MAX_IMAGE_PIXELS = 50_000_000


def _limits() -> tuple[int, int]:
    return int(settings.MOTCUA_IMAGE_MAX_BYTES), int(settings.MOTCUA_IMAGE_MAX_PIXELS)


def image_check_size(size: int) -> None:
    """Refuse an empty or oversized upload before reading it."""
    max_bytes, _max_pixels = _limits()
    if size <= 0:
        raise ImageError(IdentityErrorCode.IMAGE_EMPTY, _("The file is empty."))
    if size > max_bytes:
        raise ImageError(
            IdentityErrorCode.IMAGE_TOO_BIG,
            _("The file is %(size)s MB; the limit is %(limit)s MB.")
            % {"size": round(size / 1_048_576, 1), "limit": round(max_bytes / 1_048_576, 1)},
        )


def image_load(data: bytes, *, max_side: int | None = None) -> Image.Image:
    """Decode ``data`` to an RGB image (optionally scaled down so its longest side is ``max_side``)."""
    _max_bytes, max_pixels = _limits()
    image_check_size(len(data))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image: Image.Image = Image.open(io.BytesIO(data), formats=FORMATS)
            width, height = image.size
            if width <= 0 or height <= 0 or width * height > max_pixels:
                raise ImageError(
                    IdentityErrorCode.IMAGE_BOMB,
                    _("The image is %(width)s×%(height)s pixels, more than the %(limit)s million allowed.")
                    % {"width": width, "height": height, "limit": max_pixels // 1_000_000},
                )
            if getattr(image, "n_frames", 1) > 1:
                image.seek(0)
            image.load()
            image = ImageOps.exif_transpose(image) or image
    except ImageError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ImageError(IdentityErrorCode.IMAGE_BOMB, _("The image is too large once decoded.")) from None
    except UnidentifiedImageError:
        raise ImageError(
            IdentityErrorCode.IMAGE_NOT_IMAGE, _("The file is not a photo we can read (JPEG, PNG, WebP or BMP).")
        ) from None
    except (OSError, SyntaxError, ValueError, EOFError, struct.error, IndexError, TypeError, MemoryError):
        raise ImageError(IdentityErrorCode.IMAGE_TRUNCATED, _("The photo is damaged or incomplete. Take it again.")) from None
    image = _to_rgb(image)
    if max_side and max(image.size) > max_side:
        image.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
    return image


def _to_rgb(image: Image.Image) -> Image.Image:
    if image.mode == "RGB":
        return image
    if image.mode in {"RGBA", "LA", "PA"} or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        background = Image.new("RGB", rgba.size, (255, 255, 255))
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return image.convert("RGB")
