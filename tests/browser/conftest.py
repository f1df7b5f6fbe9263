"""The browser tests: Debian's Chromium driven by Playwright against the running service.

Chromium is /usr/bin/chromium (``apt-get install chromium``; .ci/run installs it). Without it
these tests skip with the reason, except where VOLUNTEER_LEDGER_REQUIRE_BROWSER is set (CI),
where they fail. Playwright's own browser download is never used.

Screenshots go to $VOLUNTEER_LEDGER_SCREENSHOTS (CI keeps them as artefacts), else to
build/screenshots in the repository.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.browser.service import Service, start_service

CHROMIUM = Path("/usr/bin/chromium")
#: On a closed network Chromium otherwise stalls on refused connections to Google's hosts.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]
PHONE = {"width": 390, "height": 844}
NARROW = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 900}


def _require_chromium() -> None:
    if CHROMIUM.exists():
        return
    reason = f"the browser tests need Debian's chromium at {CHROMIUM} (apt-get install chromium)"
    if os.environ.get("VOLUNTEER_LEDGER_REQUIRE_BROWSER"):
        pytest.fail(f"{reason}, and CI requires them")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Service]:
    """One running service with the demo data for this test process."""
    _require_chromium()
    folder = tmp_path_factory.mktemp("service")
    running = start_service(folder / "data", folder / "serve.log")
    yield running
    running.stop()


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    _require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        yield launched
        launched.close()


@pytest.fixture
def phone(browser):  # type: ignore[no-untyped-def]
    """A fresh phone-sized tab (no cookies), in Chinese as the pages default to."""
    context = browser.new_context(viewport=PHONE, locale="zh-CN")
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.console_errors = []
    page.on("console", lambda message: page.console_errors.append(message.text))
    yield page
    context.close()


@pytest.fixture(scope="session")
def screenshots() -> Path:
    folder = Path(
        os.environ.get("VOLUNTEER_LEDGER_SCREENSHOTS")
        or Path(__file__).resolve().parents[2] / "build" / "screenshots"
    )
    folder.mkdir(parents=True, exist_ok=True)
    return folder
