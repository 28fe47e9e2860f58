"""Charts drawn as SVG on the server: the page shows the same chart that goes into the PDF.

No chart library and no script: a stacked bar per month (settled early, on time, late). Every
chart carries a title and a description for screen readers, and the page shows its data as a
table next to it (the chart is never the only way to read the numbers).
"""

from __future__ import annotations

from collections.abc import Sequence
from xml.sax.saxutils import escape

from django.utils.translation import gettext as _

from motcua.reports.selectors import MonthBar

# Colours with enough contrast against white and between each other (and a pattern-free
# legend with the words, so colour is never the only cue).
COLOURS = {"early": "#1b7837", "on_time": "#2166ac", "late": "#b2182b"}


def _nice_max(value: int) -> int:
    if value <= 5:
        return 5
    step = 10 ** (len(str(value)) - 1)
    return ((value + step - 1) // step) * step


def settled_by_month_svg(bars: Sequence[MonthBar], *, width: int = 640, height: int = 260) -> str:
    """A stacked bar chart of the dossiers settled each month, early / on time / late."""
    title = _("Dossiers settled each month: early, on time, late")
    left, right, top, bottom = 48, 12, 30, 44
    plot_w, plot_h = width - left - right, height - top - bottom
    peak = _nice_max(max((b.early + b.on_time + b.late for b in bars), default=0))
    n = max(len(bars), 1)
    slot = plot_w / n
    bar_w = min(48.0, slot * 0.6)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'role="img" aria-labelledby="chart-title" font-family="sans-serif" font-size="11">',
        f'<title id="chart-title">{escape(title)}</title>',
        '<rect width="100%" height="100%" fill="#ffffff"/>',
    ]
    for i in range(5):  # grid lines and the scale
        value = peak * i // 4
        y = top + plot_h - plot_h * i / 4
        parts.append(f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" stroke="#d0d0d0"/>')
        parts.append(f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" fill="#333333">{value}</text>')
    for index, bar in enumerate(bars):
        x = left + slot * index + (slot - bar_w) / 2
        y = top + plot_h
        for key, count in (("early", bar.early), ("on_time", bar.on_time), ("late", bar.late)):
            if not count:
                continue
            h = plot_h * count / peak
            y -= h
            parts.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar_w:.1f}" height="{h:.1f}" fill="{COLOURS[key]}"/>')
        label = bar.month.strftime("%m/%Y")
        parts.append(f'<text x="{x + bar_w / 2:.1f}" y="{top + plot_h + 16}" text-anchor="middle" fill="#333333">{label}</text>')
    legend = ((_("Early"), "early"), (_("On time"), "on_time"), (_("Late"), "late"))
    x = left
    for text, key in legend:
        parts.append(f'<rect x="{x}" y="8" width="12" height="12" fill="{COLOURS[key]}"/>')
        parts.append(f'<text x="{x + 16}" y="18" fill="#333333">{escape(text)}</text>')
        x += 24 + 7 * len(text)
    parts.append("</svg>")
    return "".join(parts)


def on_time_trend_svg(points: Sequence[tuple[MonthBar, float | None]], *, width: int = 640, height: int = 220) -> str:
    """The share settled on time (early or on time) each month, as bars from 0 to 100 %; a month
    with nothing settled has no bar and says "—"."""
    title = _("Share of dossiers settled on time, by month")
    left, right, top, bottom = 40, 12, 16, 40
    plot_w, plot_h = width - left - right, height - top - bottom
    n = max(len(points), 1)
    slot = plot_w / n
    bar_w = min(48.0, slot * 0.6)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'role="img" aria-labelledby="trend-title" font-family="sans-serif" font-size="11">',
        f'<title id="trend-title">{escape(title)}</title>',
        '<rect width="100%" height="100%" fill="#ffffff"/>',
    ]
    for percent in (0, 25, 50, 75, 100):
        y = top + plot_h - plot_h * percent / 100
        parts.append(f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" stroke="#d0d0d0"/>')
        parts.append(f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" fill="#333333">{percent}</text>')
    for index, (bar, rate) in enumerate(points):
        x = left + slot * index + (slot - bar_w) / 2
        if rate is not None:
            h = plot_h * rate / 100
            parts.append(
                f'<rect x="{x:.1f}" y="{top + plot_h - h:.1f}" width="{bar_w:.1f}" height="{h:.1f}" fill="{COLOURS["on_time"]}"/>'
            )
        text = "—" if rate is None else f"{rate:.0f}"
        centre = x + bar_w / 2
        label_y = top + plot_h - 4 - plot_h * (rate or 0) / 100
        month = bar.month.strftime("%m/%Y")
        parts.append(f'<text x="{centre:.1f}" y="{label_y:.1f}" text-anchor="middle" fill="#111111">{text}</text>')
        parts.append(f'<text x="{centre:.1f}" y="{top + plot_h + 16}" text-anchor="middle" fill="#333333">{month}</text>')
    parts.append("</svg>")
    return "".join(parts)
