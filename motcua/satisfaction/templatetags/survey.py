"""Number formats of the survey pages (Vietnamese decimal comma) and channel labels."""

from __future__ import annotations

from django import template

from motcua.dossiers.choices import Channel

register = template.Library()


@register.filter
def num(value: float | None, digits: int = 2) -> str:
    if value is None:
        return "—"
    return f"{value:.{digits}f}".replace(".", ",")


@register.filter
def pct(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value * 100:.1f} %".replace(".", ",")


@register.filter
def channel_label(value: str) -> str:
    try:
        return str(Channel(value).label)
    except ValueError:
        return value
