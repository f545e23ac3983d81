"""Headless Chromium for the end-to-end tests of the web interface (`tests/test_ui_browser.py`).

The test command installs what it needs: Debian's `chromium` (through apt-get,
when /usr/bin/chromium is missing and we may) driven by Playwright for Python,
so no browser download from a CDN is involved. Every page a test opens is
watched: a request to any origin but the test server is blocked and fails the
test (the interface must work offline), and so do an uncaught JavaScript
error and any Content-Security-Policy violation Chromium reports (the UI must
work under the server's strict policy: no inline script or style). A failing
test leaves a screenshot in `tests/artifacts/`.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from fixtures.server_harness import RunningServer, start_server

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).parent / "artifacts"
LOCAL_SCHEMES = ("data:", "blob:", "about:")


def ensure_chromium() -> Path:
    """/usr/bin/chromium, installed with apt-get first if missing (CI runs as root with apt reachable)."""
    if CHROMIUM.exists():
        return CHROMIUM
    if not shutil.which("apt-get") or os.geteuid() != 0:
        pytest.fail(
            f"{CHROMIUM} is missing and cannot be installed from here: run `apt-get install -y chromium` as root",
            pytrace=False,
        )
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for command in (["apt-get", "update"], ["apt-get", "install", "-y", "chromium"]):
        result = subprocess.run(command, capture_output=True, text=True, env=env, timeout=900)
        if result.returncode != 0:
            pytest.fail(
                f"`{' '.join(command)}` failed, so the browser tests cannot run:\n{result.stderr[-2000:]}",
                pytrace=False,
            )
    if not CHROMIUM.exists():
        pytest.fail(f"apt-get installed chromium but {CHROMIUM} is still missing", pytrace=False)
    return CHROMIUM


@pytest.fixture(scope="session")
def chromium():
    """A Playwright browser on Debian's Chromium, for the whole session."""
    from playwright.sync_api import sync_playwright

    executable = ensure_chromium()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(executable), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def ui_server(seeds_store: Path) -> Iterator[RunningServer]:
    """The real server on the 50 seed articles."""
    running = start_server(seeds_store, workers=2)
    yield running
    running.stop()


#: Reports every CSP violation of every document the context opens to the test (see `WatchedPage`).
REPORT_CSP = """document.addEventListener("securitypolicyviolation", (event) => window.__reportCsp(
    `${event.effectiveDirective} blocked ${event.blockedURI || "inline"}`
    + ` at ${event.sourceFile}:${event.lineNumber}`));"""


class WatchedPage:
    """A page plus what it did that a test must not allow: outside requests, script errors, CSP violations."""

    def __init__(self, page, origin: str) -> None:
        self.page = page
        self.origin = origin
        self.outside: list[str] = []
        self.errors: list[str] = []
        self.csp_violations: list[str] = []
        page.on("pageerror", lambda error: self.errors.append(str(error)))
        page.on("console", self._console)
        page.context.expose_function("__reportCsp", self._report)
        page.context.add_init_script(REPORT_CSP)
        page.context.route("**/*", self._route)

    def _report(self, violation: str) -> None:
        self.csp_violations.append(violation)

    def _console(self, message) -> None:
        """Chromium also logs each violation to the console, including some no event reports (e.g. in workers)."""
        if message.type == "error" and "Content Security Policy" in message.text:
            self.csp_violations.append(message.text)

    def _route(self, route) -> None:
        url = route.request.url
        if url.startswith(self.origin + "/") or url.startswith(LOCAL_SCHEMES):
            route.continue_()
        else:
            self.outside.append(url)
            route.abort()

    def goto(self, path: str):
        return self.page.goto(self.origin + path)

    def wait_until(self, expression: str, timeout: float = 10.0) -> None:
        """Poll a JavaScript expression until it is truthy.

        Playwright's `wait_for_function` compiles its predicate with `eval`,
        which the CSP (rightly) refuses; `evaluate` runs through the DevTools
        protocol, which the page's policy does not govern.
        """
        deadline = time.monotonic() + timeout
        while not self.page.evaluate(expression):
            assert time.monotonic() < deadline, f"still false after {timeout:g} s: {expression}"
            self.page.wait_for_timeout(50)


@pytest.fixture
def browser_page(chromium, ui_server, request) -> Iterator[WatchedPage]:
    """A fresh browser context on the seeds server; screenshot on failure, then the offline and error checks."""
    context = chromium.new_context(
        viewport={"width": 1280, "height": 900}, java_script_enabled=getattr(request, "param", True)
    )
    context.set_default_timeout(10_000)
    watched = WatchedPage(context.new_page(), ui_server.url)
    yield watched
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        watched.page.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
    context.close()
    assert not watched.outside, f"pages requested outside the server: {watched.outside}"
    assert not watched.errors, f"uncaught JavaScript errors: {watched.errors}"
    assert not watched.csp_violations, f"Content-Security-Policy violations: {watched.csp_violations}"
