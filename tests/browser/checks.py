"""What every page must pass in a real browser: axe-core's serious and critical rules, no
horizontal scrolling at 360 px, and screenshots at phone and desktop width for people to see."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.browser.conftest import DESKTOP, NARROW, PHONE

AXE = Path(__file__).parent / "vendor" / "axe.min.js"
SERIOUS = {"serious", "critical"}


def axe_violations(page: Any) -> list[dict[str, Any]]:
    """axe-core's serious and critical violations on the page as it stands.

    axe is evaluated through the DevTools protocol, which the page's CSP (no injected script)
    does not govern: the page keeps its real policy while it is checked."""
    page.evaluate(AXE.read_text(encoding="utf-8") + "\n;undefined")
    result = page.evaluate("async () => await axe.run(document)")
    return [v for v in result["violations"] if v.get("impact") in SERIOUS]


def csp_violations(page: Any) -> list[str]:
    """What Chromium refused on this page because of its Content-Security-Policy."""
    return [text for text in page.console_errors if "Content Security Policy" in text]


def scrolls_sideways(page: Any) -> bool:
    return bool(page.evaluate("() => document.documentElement.scrollWidth > window.innerWidth + 1"))


def check_page(page: Any, name: str, folder: Path) -> None:
    """Assert the page at hand passes axe and fits 360 px; write its screenshots:
    ``NAME-phone.png`` (390 px), ``NAME-360.png`` and ``NAME-desktop.png``."""
    assert csp_violations(page) == []
    violations = axe_violations(page)
    assert violations == [], json.dumps(
        [{"id": v["id"], "nodes": [n["html"] for n in v["nodes"]][:3]} for v in violations],
        ensure_ascii=False,
        indent=1,
    )
    page.screenshot(path=str(folder / f"{name}-phone.png"), full_page=True)
    page.set_viewport_size(NARROW)
    assert not scrolls_sideways(page), f"{name} scrolls sideways at 360 px"
    page.screenshot(path=str(folder / f"{name}-360.png"), full_page=True)
    page.set_viewport_size(DESKTOP)
    page.screenshot(path=str(folder / f"{name}-desktop.png"), full_page=True)
    page.set_viewport_size(PHONE)
