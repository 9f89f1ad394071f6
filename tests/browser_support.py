"""A real headless chromium (Debian's, at /usr/bin/chromium) driven by Playwright, for page tests.

Playwright's own browser download is never used: this machine's network is closed, and the system
chromium is what CI installs. Without it the tests skip and say why, unless IMRCHECK_REQUIRE_BROWSER
is set (as `.ci/run` does), where its absence is a failure.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser")

# Without the background-networking flags chromium keeps trying to reach Google's hosts, which the
# closed network refuses; --no-sandbox because CI runs as root.
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_path() -> str | None:
    env = os.environ.get("IMRCHECK_CHROMIUM")
    candidates = (env, *CHROMIUM_CANDIDATES) if env else CHROMIUM_CANDIDATES
    for candidate in candidates:
        if candidate and Path(candidate).is_file():
            return candidate
    return shutil.which("chromium")


def _unavailable(reason: str) -> None:
    if os.environ.get("IMRCHECK_REQUIRE_BROWSER"):
        pytest.fail(f"{reason} (IMRCHECK_REQUIRE_BROWSER is set, so the browser tests may not skip)")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """One headless chromium for the session; each test opens its own page (see `page`)."""
    executable = chromium_path()
    if executable is None:
        _unavailable("no chromium at /usr/bin/chromium (apt-get install chromium), so the browser tests cannot run")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("playwright is not installed (pip install '.[test]')")
    # Playwright gives the browser a fresh, empty profile of its own.
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context()
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        yield page
    finally:
        context.close()
