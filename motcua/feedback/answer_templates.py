"""Placeholders of answer templates (docs/feedback.md "Answer templates"). Pure: no database.

A template's text names the petition's facts in braces, ``{ma_phan_anh}``; ``{{`` and ``}}``
write a literal brace. Rendering is a plain substitution of known names (never ``str.format``,
which would let a template reach attributes: ``{x.__class__}``). An unknown name or a stray
brace is a :class:`PlaceholderError` listing every problem, shown to the officer.

There is deliberately no placeholder for the petitioner's name, address or phone: an answer is
published for everyone (Art. 19), and the published page never shows the petitioner.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

# name → what it stands for (shown to whoever writes a template).
PLACEHOLDERS: dict[str, str | Promise] = {
    "ma_phan_anh": _("the petition's code (PA-…)"),
    "ngay_tiep_nhan": _("the day it was received (dd/mm/yyyy)"),
    "tieu_de": _("the petition's title"),
    "noi_dung_tom_tat": _("the start of its content (at most 300 characters)"),
    "co_quan": _("the receiving agency"),
    "xa": _("the commune or ward"),
    "thu_tuc": _("the procedure concerned (empty when none)"),
    "ngay_tra_loi": _("today's date (dd/mm/yyyy)"),
}
SUMMARY_LENGTH = 300
_TOKEN = re.compile(r"\{\{|\}\}|\{([^{}]*)\}|[{}]")


@dataclass(frozen=True)
class PlaceholderError(Exception):
    """Unknown placeholders (as written) and whether a brace stood alone."""

    unknown: tuple[str, ...]
    stray_brace: bool = False


def placeholder_problems(body: str) -> PlaceholderError | None:
    """The problems of a template's text, or None when every placeholder is known."""
    unknown: list[str] = []
    stray = False
    for match in _TOKEN.finditer(body):
        token = match.group(0)
        if token in ("{{", "}}"):
            continue
        name = match.group(1)
        if name is None:
            stray = True
        elif name.strip() not in PLACEHOLDERS and name not in unknown:
            unknown.append(name)
    if unknown or stray:
        return PlaceholderError(tuple(unknown), stray)
    return None


def render(body: str, values: Mapping[str, str]) -> str:
    """The text with each placeholder replaced by its value; raises :class:`PlaceholderError`."""
    problem = placeholder_problems(body)
    if problem is not None:
        raise problem

    def substitute(match: re.Match[str]) -> str:
        text = match.group(0)
        if text in ("{{", "}}"):
            return text[0]
        return values.get(match.group(1).strip(), "")

    return _TOKEN.sub(substitute, body)


def summary(text: str, length: int = SUMMARY_LENGTH) -> str:
    """The start of a text on one line, cut at a word and marked with an ellipsis."""
    flat = " ".join(text.split())
    if len(flat) <= length:
        return flat
    cut = flat[:length].rsplit(" ", 1)[0] or flat[:length]
    return cut.rstrip(" ,.;:") + "…"
