"""Driving Debian's chromium through Playwright against pytest-django's live server, for the portal tests.

Fixtures here are imported by ``tests/browser/test_portal_*.py``. Screenshots go
to the git-ignored ``artifacts/screenshots/``; axe-core comes from the file the
Makefile fetches with npm (``AXE_CORE_JS``, default
``var/vendor/axe-core/axe.min.js``).
"""

import os
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]
ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "artifacts" / "screenshots"
AXE_JS = Path(os.environ.get("AXE_CORE_JS", ROOT / "var" / "vendor" / "axe-core" / "axe.min.js"))

needs_chromium = pytest.mark.skipif(
    not os.path.exists(CHROMIUM), reason=f"{CHROMIUM} is missing: apt-get install -y chromium"
)


def open_page(live_server):
    """A fresh chromium page (Thai locale, phone-to-desktop width) pointed at the live server."""
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    playwright_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    with playwright_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(locale="th-TH", viewport={"width": 1280, "height": 900})
        page = context.new_page()
        page.set_default_timeout(15000)
        page.base = live_server.url
        try:
            yield page
        finally:
            context.close()
            browser.close()


def screenshot(page, name, full_page=True):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path


def axe_violations(page):
    """Serious and critical axe-core violations on the current page (rule id → node count)."""
    if not AXE_JS.exists():
        pytest.fail(f"axe-core is missing at {AXE_JS}: run `make axe` (npm pack axe-core)")
    # Evaluated through the DevTools protocol, not as a <script> tag: the portal's
    # Content-Security-Policy refuses inline scripts, as it should.
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(AXE_JS.read_text(encoding="utf-8") + "\n;undefined")
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return {
        v["id"]: [n["target"] for n in v["nodes"]][:5]
        for v in result["violations"] if v.get("impact") in ("serious", "critical")
    }
