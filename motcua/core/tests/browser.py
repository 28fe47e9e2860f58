"""Checks the browser tests run on every page they visit: axe-core (vendored from npm) for
accessibility and the width of the page for horizontal scrolling."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from playwright.sync_api import Page

AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
# The widths the issue names: a phone (390 px) and a counter's laptop (1366 px).
WIDTHS = (390, 1366)


def axe_violations(page: Page, *, context: str | None = None) -> list[dict[str, Any]]:
    """The axe-core violations of the page as it is now (WCAG 2.x A and AA rules and best
    practices), each reduced to its rule id, impact and the selectors of the offending nodes.

    ``context`` limits the check to a CSS selector (default: the whole document).
    """
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        # Evaluated through the DevTools protocol, which the page's CSP (script-src 'self') does
        # not govern; a <script> tag would be refused, rightly.
        page.evaluate(AXE.read_text(encoding="utf-8") + "\n;true")
    result = page.evaluate(
        """async (context) => {
            const r = await axe.run(context || document, {resultTypes: ['violations']});
            return r.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.map(n => n.target.join(' ')),
            }));
        }""",
        context,
    )
    return list(result)


def horizontal_overflow(page: Page) -> int:
    """How many CSS pixels the page is wider than the viewport (0: no horizontal scroll)."""
    return int(page.evaluate("Math.max(0, document.documentElement.scrollWidth - window.innerWidth)"))


def overflowing(page: Page, limit: int = 3) -> list[str]:
    """The innermost elements that stick out past the viewport's right edge (to say which
    element makes the page scroll sideways)."""
    return list(
        page.evaluate(
            """(limit) => {
                const w = window.innerWidth, out = [];
                for (const el of document.body.querySelectorAll('*')) {
                    if (el.getBoundingClientRect().right <= w + 0.5) continue;
                    if ([...el.children].some(c => c.getBoundingClientRect().right > w + 0.5)) continue;
                    let p = el, clipped = false;
                    while ((p = p.parentElement)) {
                        if (getComputedStyle(p).overflowX !== 'visible') { clipped = true; break; }
                    }
                    if (clipped) continue;
                    const cls = typeof el.className === 'string' ? el.className.trim() : '';
                    out.push(el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
                             (cls ? '.' + cls.split(/\\s+/).join('.') : ''));
                    if (out.length >= limit) break;
                }
                return out;
            }""",
            limit,
        )
    )


def page_check(page: Page, *, widths: tuple[int, ...] = WIDTHS) -> dict[str, Any]:
    """axe violations at the current size, and the horizontal overflow at each width (the
    viewport is restored afterwards). Returns ``{"axe": [...], "overflow": {width: px}}`` so
    that a test asserts ``== {"axe": [], "overflow": {390: 0, 1366: 0}}`` and a failure shows
    everything at once."""
    size = page.viewport_size or {"width": 1280, "height": 800}
    overflow: dict[int, int] = {}
    for width in widths:
        page.set_viewport_size({"width": width, "height": size["height"]})
        overflow[width] = horizontal_overflow(page)
        if overflow[width]:
            overflow[width] = {"px": overflow[width], "by": overflowing(page)}  # type: ignore[assignment]
    page.set_viewport_size(size)
    return {"axe": axe_violations(page), "overflow": overflow}


# What ``page_check`` returns for a clean page at both widths.
CLEAN = {"axe": [], "overflow": {390: 0, 1366: 0}}


def visit_and_check(page: Page, url: str) -> dict[str, Any]:
    """Open ``url``, wait for the network to settle, and ``page_check`` it."""
    page.goto(url)
    page.wait_for_load_state("networkidle")
    return page_check(page)
