"""Threshold calibration on a labelled face set (``../shared/data/faces``): all pair distances,
the ROC (true-accept rate against false-accept rate) as a table and a server-side SVG chart.
No face image is ever written: only distances and rates."""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass
from pathlib import Path

from motcua.identity.face import MODEL_NAME, MODEL_VERSION, face_distance, face_encode_image
from motcua.identity.images import image_load


@dataclass(frozen=True)
class Pair:
    a: str
    b: str
    same: bool
    distance: float
    note: str


@dataclass(frozen=True)
class RocPoint:
    threshold: float
    tar: float
    far: float
    accepted_genuine: int
    accepted_impostor: int


@dataclass(frozen=True)
class Calibration:
    pairs: list[Pair]
    genuine: int
    impostor: int
    roc: list[RocPoint]
    threshold_at_target: float
    tar_at_target: float
    target_far: float

    @property
    def far_resolution(self) -> float:
        return 1.0 / self.impostor if self.impostor else math.inf


def pair_distances(data_dir: Path) -> list[Pair]:
    """Encode each single-face image once (the largest face) and measure every listed pair."""
    vectors = {}
    with (data_dir / "labels.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            if row["identity"].startswith("MULTI:"):
                continue  # group photos: whose face is whose is not labelled
            image = image_load((data_dir / row["file"]).read_bytes(), max_side=1024)
            vectors[row["file"]] = face_encode_image(image, policy="largest")
    pairs = []
    with (data_dir / "pairs.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            distance = face_distance(vectors[row["file_a"]], vectors[row["file_b"]])
            pairs.append(Pair(row["file_a"], row["file_b"], row["same_identity"] == "yes", distance, row.get("note", "")))
    return pairs


def roc(pairs: list[Pair]) -> list[RocPoint]:
    """One point per distinct distance: accept when distance < threshold."""
    genuine = [p.distance for p in pairs if p.same]
    impostor = [p.distance for p in pairs if not p.same]
    cuts = sorted({0.0, *[round(p.distance, 4) + 1e-4 for p in pairs], 2.0})
    points = []
    for t in cuts:
        g = sum(d < t for d in genuine)
        i = sum(d < t for d in impostor)
        points.append(RocPoint(t, g / len(genuine) if genuine else 0.0, i / len(impostor) if impostor else 0.0, g, i))
    return points


def calibrate(pairs: list[Pair], *, target_far: float = 0.001) -> Calibration:
    """The largest threshold whose observed FAR is at most ``target_far``, and its TAR."""
    points = roc(pairs)
    allowed = [p for p in points if p.far <= target_far]
    best = max(allowed, key=lambda p: p.threshold)
    impostor = [p.distance for p in pairs if not p.same]
    threshold = min(impostor) if best.accepted_impostor == 0 and impostor else best.threshold
    return Calibration(
        pairs=pairs,
        genuine=sum(p.same for p in pairs),
        impostor=len(impostor),
        roc=points,
        threshold_at_target=threshold,
        tar_at_target=best.tar,
        target_far=target_far,
    )


def roc_svg(cal: Calibration, *, configured: float) -> str:
    """Two panels: the ROC curve, and the genuine/impostor distance distributions with thresholds."""
    w, h, pad = 360, 260, 44

    def panel(x0: int, title: str, body: str, xlabel: str, ylabel: str, xticks: list[tuple[float, str]]) -> str:
        def tick(v: float, label: str) -> str:
            x = x0 + pad + v * (w - pad - 10)
            return (
                f'<line x1="{x:.1f}" y1="{h - pad}" x2="{x:.1f}" y2="{h - pad + 4}" stroke="#1b1f24"/>'
                f'<text x="{x:.1f}" y="{h - pad + 16}" font-size="10" text-anchor="middle">{label}</text>'
            )

        ticks = "".join(tick(v, label) for v, label in xticks)
        return (
            f'<g><text x="{x0 + w / 2}" y="16" font-size="13" font-weight="bold" text-anchor="middle">{title}</text>'
            f'<rect x="{x0 + pad}" y="24" width="{w - pad - 10}" height="{h - pad - 24}" fill="none" stroke="#1b1f24"/>'
            f"{ticks}{body}"
            f'<text x="{x0 + w / 2 + pad / 2}" y="{h - 6}" font-size="11" text-anchor="middle">{xlabel}</text>'
            f'<text x="{x0 + 12}" y="{(h - pad + 24) / 2}" font-size="11" text-anchor="middle" '
            f'transform="rotate(-90 {x0 + 12} {(h - pad + 24) / 2})">{ylabel}</text></g>'
        )

    def xy(x0: int, fx: float, fy: float) -> tuple[float, float]:
        return x0 + pad + fx * (w - pad - 10), (h - pad) - fy * (h - pad - 24)

    # Panel 1: ROC (FAR on x, TAR on y).
    pts = " ".join("{:.1f},{:.1f}".format(*xy(0, p.far, p.tar)) for p in cal.roc)
    roc_body = f'<polyline points="{pts}" fill="none" stroke="#0b4f9c" stroke-width="2"/>'
    tx, ty = xy(0, 0.0, cal.tar_at_target)
    roc_body += f'<circle cx="{tx:.1f}" cy="{ty:.1f}" r="4" fill="#a4161a"/>'
    roc_body += (
        f'<text x="{tx + 8:.1f}" y="{ty + 14:.1f}" font-size="10">TAR {cal.tar_at_target:.1%} at FAR 0/{cal.impostor}</text>'
    )
    panel1 = panel(0, "ROC", roc_body, "false-accept rate", "true-accept rate", [(v / 4, f"{v * 25}%") for v in range(5)])

    # Panel 2: distance dot strips, genuine above impostor, with threshold lines.
    x0 = w + 20
    dmax = 1.2
    dots = ""
    for p in cal.pairs:
        fx = min(p.distance, dmax) / dmax
        cx, _ = xy(x0, fx, 0)
        cy = 70 if p.same else 150
        colour = "#1e6b35" if p.same else "#a4161a"
        shape = (
            f'<circle cx="{cx:.1f}" cy="{cy}" r="3" fill="{colour}" fill-opacity="0.6"/>'
            if p.same
            else f'<rect x="{cx - 2.5:.1f}" y="{cy - 2.5}" width="5" height="5" fill="{colour}" fill-opacity="0.5"/>'
        )
        dots += shape
    dots += f'<text x="{x0 + pad + 4}" y="56" font-size="10">● same person ({cal.genuine} pairs)</text>'
    dots += f'<text x="{x0 + pad + 4}" y="136" font-size="10">■ different people ({cal.impostor} pairs)</text>'
    for value, label, dash in (
        (configured, f"configured {configured:.2f}", "4 3"),
        (cal.threshold_at_target, f"FAR 0 up to {cal.threshold_at_target:.2f}", "1 3"),
    ):
        lx, _ = xy(x0, value / dmax, 0)
        dots += f'<line x1="{lx:.1f}" y1="24" x2="{lx:.1f}" y2="{h - pad}" stroke="#1b1f24" stroke-dasharray="{dash}"/>'
        dots += f'<text x="{lx + 3:.1f}" y="{190 if dash == "4 3" else 205}" font-size="10">{label}</text>'
    panel2 = panel(x0, "Pair distances", dots, "Euclidean distance", "", [(v / 6, f"{v * 0.2:.1f}") for v in range(7)])
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {2 * w + 20} {h}" width="{2 * w + 20}" height="{h}" '
        f'font-family="sans-serif" role="img" aria-label="ROC curve and pair distances of the face model">'
        f"<title>Face model calibration: ROC and pair distances</title>{panel1}{panel2}</svg>\n"
    )


TABLE_THRESHOLDS = (0.30, 0.35, 0.40, 0.45, 0.50, 0.52, 0.55, 0.60, 0.65, 0.66, 0.70, 0.75, 0.80, 0.90)


def calibration_markdown(cal: Calibration, *, configured: float, data_label: str, svg_name: str) -> str:
    genuine = sorted(p.distance for p in cal.pairs if p.same)
    impostor = sorted(p.distance for p in cal.pairs if not p.same)
    derived = [p for p in cal.pairs if p.same and "derived" in p.note.lower()]
    copies = [p for p in derived if p.distance < 0.2]
    at_configured = next((p for p in cal.roc if p.threshold >= configured), cal.roc[-1])
    genuine_accepted = sum(d < configured for d in genuine)
    impostor_accepted = sum(d < configured for d in impostor)

    def rates(t: float) -> str:
        g, i = sum(d < t for d in genuine), sum(d < t for d in impostor)
        return f"| {t:.2f} | {g}/{cal.genuine} = {g / cal.genuine:.1%} | {i}/{cal.impostor} = {i / cal.impostor:.2%} |"

    table = "\n".join(rates(t) for t in TABLE_THRESHOLDS)
    independent = sorted(p.distance for p in cal.pairs if p.same and "derived" not in p.note.lower())
    del at_configured
    configured_rates = (
        f"TAR {genuine_accepted}/{cal.genuine} = {genuine_accepted / cal.genuine:.1%}, "
        f"FAR {impostor_accepted}/{cal.impostor} = {impostor_accepted / cal.impostor:.2%}"
    )
    return f"""# Face threshold calibration

Generated by `motcua face calibrate` from {data_label} with {MODEL_NAME}
({MODEL_VERSION}); do not edit by hand. Distances are Euclidean between 128-d embeddings; a pair is accepted as the same
person when its distance is **below** the threshold. No face image appears here or in the chart.

![ROC curve and pair distances]({svg_name})

## Result

| | value |
| --- | --- |
| pairs | {cal.genuine} same person, {cal.impostor} different people ({len(cal.pairs)} in all; no group photo) |
| same-person distances | {genuine[0]:.3f} – {genuine[-1]:.3f} (median {genuine[len(genuine) // 2]:.3f}) |
| different-people distances | {impostor[0]:.3f} – {impostor[-1]:.3f} (median {impostor[len(impostor) // 2]:.3f}) |
| **threshold at FAR ≤ {cal.target_far:.1%}** | **any value up to {cal.threshold_at_target:.3f}** (closest impostor pair) |
| **TAR at FAR ≤ {cal.target_far:.1%}** | **{cal.tar_at_target:.1%}** ({round(cal.tar_at_target * cal.genuine)}/{cal.genuine}) |
| configured threshold (`MOTCUA_FACE_THRESHOLD`) | {configured:.2f}: {configured_rates} |

**What FAR 0.1 % means with {cal.impostor} impostor pairs.** One false accept would already be
a FAR of 1/{cal.impostor} = {cal.far_resolution:.2%}, so this set cannot measure 0.1 %: the
figure above is the TAR at an *observed* FAR of zero. A true FAR of 0.1 % needs several thousand
impostor pairs (about 3,000 for one expected error; many more for a tight confidence interval).
By the rule of three, zero false accepts in {cal.impostor} trials only bounds the FAR below
{3 / cal.impostor:.1%} with 95 % confidence.

**Why {configured:.2f}.** Any threshold between the highest same-person distance
({genuine[-1]:.3f}) and the lowest different-people distance ({impostor[0]:.3f}) separates this
set perfectly. The configured value sits closer to the genuine side because a false accept at
the counter shows one citizen's data to another, while a false reject only costs a card scan.
{len(derived)} of the same-person pairs involve a copy derived from one photo (letterbox, crops);
{len(copies)} of them are closer than 0.2 because they compare a photo with its own copy. The
{len(independent)} same-person pairs between independent photos lie between {independent[0]:.3f} and
{independent[-1]:.3f}: re-captures of one person at a counter will look like these, not like the copies.

**Caveats.** Six identities, none Vietnamese, press photos rather than counter webcams or card
photos (the face set's SOURCES.md, outside this repository). dlib's model is known to separate some groups less
well than the ones in this set. Re-run this calibration on a consented local set before any
real threshold decision, and re-check it on the held-out set (different identities).

## ROC table

| threshold | TAR | FAR |
| --- | --- | --- |
{table}
"""
