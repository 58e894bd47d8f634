"""Browser journeys: Playwright driving Debian's Chromium against the live
server, with axe-core checking WCAG 2.1 A and AA on every page visited."""

import os
import time
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.db import connections

from experts.taxonomy import sync_topics

# Playwright's sync API runs an event loop in the test thread; the ORM calls
# the tests make between browser steps are still plain synchronous ones.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path("/usr/bin/chromium")
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
SCREENSHOTS = os.environ.get("E2E_SCREENSHOTS")

pytestmark = pytest.mark.e2e


@pytest.fixture(autouse=True)
def _page_cache(settings):
    # The journeys' writes are committed: pages are cached as in production.
    settings.PAGE_CACHE_SECONDS = 60


@pytest.fixture
def browser(transactional_db):
    # One Playwright per journey, started after the test database is ready:
    # its sync API switches greenlets, and Django keeps connections per
    # context, so a connection opened between browser steps is closed by the
    # journey itself (below) or it would block dropping the test database.
    if not CHROMIUM.exists():
        message = "Browser journeys need Debian's chromium: apt-get install -y chromium"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"],
        )
        yield browser
        browser.close()


class Journey:
    """A browser tab on the live server that checks each page it visits."""

    def __init__(self, page, base_url: str, name: str):
        self.page = page
        self.base_url = base_url
        self.name = name
        self.console_errors: list[str] = []
        self.checked: list[str] = []
        page.on("console", self._on_console)
        page.on("pageerror", lambda error: self.console_errors.append(str(error)))
        page.on("response", self._on_response)

    def _on_console(self, message):
        # Failed loads are checked from the responses themselves, where an
        # error page's own status (a 404 page) can be told from a broken asset.
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            self.console_errors.append(message.text)

    def _on_response(self, response):
        if response.status >= 400 and response.request.resource_type != "document":
            self.console_errors.append(f"{response.status} {response.url}")

    def goto(self, path: str):
        self.page.goto(self.base_url + path)

    def check_page(self):
        """axe-core finds no WCAG 2.1 A/AA violation, and nothing broke in the console."""
        self.page.wait_for_load_state("load")
        results = Axe().run(self.page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
        assert results.violations_count == 0, f"{self.page.url}\n{results.generate_report()}"
        assert self.console_errors == [], f"{self.page.url}: {self.console_errors}"
        self.checked.append(self.page.url)
        if SCREENSHOTS:
            Path(SCREENSHOTS).mkdir(parents=True, exist_ok=True)
            self.page.screenshot(path=f"{SCREENSHOTS}/{self.name}-{len(self.checked):02d}.png", full_page=True)

    def sign_in(self, email: str, password: str, totp_secret: str | None = None):
        from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
        from django.utils import timezone

        self.goto("/accounts/login/")
        self.page.fill("input[name=login]", email)
        self.page.fill("input[name=password]", password)
        self.submit()
        if totp_secret:
            # A code is good for its 30-second window only: never type one about to expire.
            left = 30 - timezone.now().timestamp() % 30
            if left < 3:
                time.sleep(left + 0.1)
            code = format_hotp_value(hotp_value(totp_secret, int(timezone.now().timestamp()) // 30))
            self.page.fill("input[name=code]", code)
            self.submit()

    def sign_out(self):
        self.page.get_by_role("banner").locator("form[action='/accounts/logout/'] button").click()
        self.page.wait_for_load_state("load")

    def submit(self):
        """Press the first form's submit button in the page's main content (the
        header has forms of its own; allauth puts a Cancel button after it)."""
        self.page.locator("main form button[type=submit]").first.click()
        self.page.wait_for_load_state("load")


@pytest.fixture
def journey(browser, live_server, transactional_db, request):
    # Transactional tests flush every table afterwards, the taxonomy that the
    # data migration loaded included: put it back, as every installation has it.
    sync_topics()
    context = browser.new_context(locale="it-IT", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    yield Journey(page, live_server.url, request.node.name)
    context.close()
    connections.close_all()
