"""Playwright driving Debian's Chromium (never a downloaded browser) against the live server."""

import os

import pytest
from playwright.sync_api import sync_playwright

# Playwright's sync API runs an event loop in the test thread; the ORM calls the tests make
# around it are still plain synchronous code.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM_ARGS = [
    "--no-sandbox",  # the machines run as root
    # No network here beyond loopback: stop Chromium reaching out for updates and sync.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser():
    executable = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="en-GB", timezone_id="Europe/London")
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def phone(browser):
    context = browser.new_context(
        viewport={"width": 320, "height": 640}, locale="en-GB", is_mobile=True
    )
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture(autouse=True, scope="session")
def _close_connections_after_each_request():
    """The live server answers each request in a new thread; with persistent connections those
    threads would leave sessions open and block dropping the test database at the end."""
    from django.db import connections

    connections.settings["default"]["CONN_MAX_AGE"] = 0
