"""Synthetic photos of an ID card's QR code: segno makes the code, Pillow distorts it the way a
phone or webcam does (rotation, perspective, blur, noise, uneven light, JPEG). Used by the
tests and by ``benchmarks/bench_identity_qr.py``. No real card or person is involved."""

from __future__ import annotations

import io
import random
from dataclasses import dataclass

import segno
from PIL import Image, ImageDraw, ImageEnhance, ImageFilter

SAMPLE_PAYLOAD = "096085004217||NGUYỄN VĂN AN|15061985|Nam|Ấp Cái Đôi, Xã Cái Đôi Vàm, Tỉnh Cà Mau|01072025"


@dataclass(frozen=True)
class Distortion:
    rotation: float = 0.0  # degrees
    perspective: float = 0.0  # 0..0.25: how far corners move, as a share of the side
    blur: float = 0.0  # Gaussian radius in pixels
    noise: float = 0.0  # standard deviation of grey noise, 0..255
    jpeg_quality: int = 90
    contrast: float = 1.0
    scale: int = 4  # pixels per QR module
    canvas: tuple[int, int] = (960, 720)


def qr_card_image(payload: str = SAMPLE_PAYLOAD, distortion: Distortion | None = None) -> Image.Image:
    """An RGB 'photo' of a card bearing the QR code, before JPEG compression."""
    d = distortion or Distortion()
    qr = segno.make(payload, error="m", micro=False)
    buffer = io.BytesIO()
    qr.save(buffer, kind="png", scale=d.scale, border=2)
    code = Image.open(buffer).convert("RGB")
    card = Image.new("RGB", (code.width + 260, code.height + 80), (226, 232, 240))
    draw = ImageDraw.Draw(card)
    for y in range(20, card.height - 20, 18):  # printed text lines beside the code
        draw.rectangle((code.width + 60, y, card.width - 20, y + 6), fill=(70, 80, 90))
    card.paste(code, (30, 40))
    background = Image.new("RGB", d.canvas, (120, 110, 95))
    rotated = card.rotate(d.rotation, expand=True, fillcolor=(120, 110, 95), resample=Image.Resampling.BICUBIC)
    if d.perspective:
        rotated = _perspective(rotated, d.perspective)
    x = max(0, (d.canvas[0] - rotated.width) // 2)
    y = max(0, (d.canvas[1] - rotated.height) // 2)
    background.paste(rotated, (x, y))
    image = background
    if d.contrast != 1.0:
        image = ImageEnhance.Contrast(image).enhance(d.contrast)
    if d.blur:
        image = image.filter(ImageFilter.GaussianBlur(d.blur))
    if d.noise:
        rng = random.Random(int(d.noise * 1000 + d.rotation * 10))
        noise = Image.effect_noise(image.size, d.noise).convert("RGB")
        image = Image.blend(image, noise, 0.15 + 0.05 * rng.random())
    return image


def _perspective(image: Image.Image, amount: float) -> Image.Image:
    w, h = image.size
    dx, dy = w * amount, h * amount
    # The whole card lands on a trapezoid of the output (far edge shorter: a tilted card). PIL
    # wants the inverse map, output → input, so the trapezoid is the "from" side here.
    coefficients = _coeffs([(dx, dy / 2), (w - dx, 0), (w, h), (0, h - dy / 2)], [(0, 0), (w, 0), (w, h), (0, h)])
    return image.transform((w, h), Image.Transform.PERSPECTIVE, coefficients, Image.Resampling.BICUBIC, fillcolor=(120, 110, 95))


def _coeffs(dst: list[tuple[float, float]], src: list[tuple[float, float]]) -> tuple[float, ...]:
    import numpy as np

    rows = []
    for (x, y), (u, v) in zip(dst, src, strict=True):
        rows.append([x, y, 1, 0, 0, 0, -u * x, -u * y])
        rows.append([0, 0, 0, x, y, 1, -v * x, -v * y])
    a = np.array(rows, dtype=float)
    b = np.array([c for pair in src for c in pair], dtype=float)
    return tuple(float(v) for v in np.linalg.solve(a, b))


def jpeg_bytes(image: Image.Image, quality: int = 90) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=quality)
    return buffer.getvalue()


def distortion_grid(seed: int = 1, count: int = 100) -> list[Distortion]:
    """A reproducible spread of capture conditions met at a counter."""
    rng = random.Random(seed)
    return [
        Distortion(
            rotation=rng.uniform(-45, 45),
            perspective=rng.uniform(0, 0.18),
            blur=rng.choice([0, 0, 0.6, 1.0, 1.4]),
            noise=rng.choice([0, 0, 8, 16, 24]),
            jpeg_quality=rng.choice([35, 50, 70, 90]),
            contrast=rng.uniform(0.55, 1.1),
            scale=rng.choice([3, 4, 5, 6]),
        )
        for _ in range(count)
    ]


def synthetic_photo(payload: str = SAMPLE_PAYLOAD, distortion: Distortion | None = None) -> bytes:
    d = distortion or Distortion()
    return jpeg_bytes(qr_card_image(payload, d), d.jpeg_quality)
