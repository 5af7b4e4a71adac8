"""Browser tests: Playwright for Python driving Debian's system Chromium.

``playwright install`` cannot download browsers here, so the fixture launches the system
executable. Outside CI a machine without Chromium skips these tests with the reason; in CI
(``CI=true``) a missing Chromium fails them instead.
"""

import os
import shutil
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

# Playwright's sync API runs an event loop in this thread; the Django ORM calls the tests make
# between browser steps are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM_CANDIDATES = ["/usr/bin/chromium", "/usr/bin/chromium-browser"]
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


def chromium_executable() -> str | None:
    configured = os.environ.get("CHROMIUM_PATH")
    if configured and Path(configured).exists():
        return configured
    for candidate in CHROMIUM_CANDIDATES:
        if Path(candidate).exists():
            return candidate
    return shutil.which("chromium")


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/e2e/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def chromium_browser():
    executable = chromium_executable()
    if executable is None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("Chromium is required in CI: install Debian's chromium package.")
        pytest.skip("No Chromium found: install Debian's chromium package to run browser tests.")

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=executable, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def browser_context_args():
    """Override in a test module to change the locale, time zone or viewport."""
    return {"locale": "en-US", "timezone_id": "UTC", "viewport": {"width": 1280, "height": 900}}


# Reports every Content Security Policy violation of every frame to the test: the page's own
# event (securitypolicyviolation) through a binding the CSP cannot block, and Chromium's
# console message as a second witness.
CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", function (event) {
  window.__trilinkCspViolation([event.violatedDirective, event.blockedURI || "inline",
                                event.sourceFile + ":" + event.lineNumber].join(" "));
});
"""


@pytest.fixture
def csp_violations():
    """The CSP violations the browser reported while the test ran; empty at the end or the
    test fails. A test that provokes one on purpose clears the list."""
    return []


@pytest.fixture
def page(chromium_browser, browser_context_args, live_server, csp_violations):
    context = chromium_browser.new_context(base_url=live_server.url, **browser_context_args)
    context.set_default_timeout(15_000)

    def on_violation(description: str) -> None:
        csp_violations.append(description)

    context.expose_function("__trilinkCspViolation", on_violation)
    context.add_init_script(CSP_LISTENER)

    def on_console(message):
        if "Content Security Policy" in message.text:
            csp_violations.append(f"console: {message.text}")

    context.on("console", on_console)
    page = context.new_page()
    yield page
    context.close()
    if csp_violations:
        pytest.fail("Content Security Policy violations:\n" + "\n".join(csp_violations))
