"""Playwright driving Debian's Chromium (never a downloaded browser) against the live server."""

import os
from contextlib import contextmanager

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


@contextmanager
def shared_site(django_db_blocker, media_root, build):
    """One live server over data committed once for a whole module, emptied afterwards.
    `build()` makes the data; yields (the server's address, what build returned).

    For modules that only look at pages (axe checks): building the demo year, its photo and
    accounts for every test would be most of their time.
    """
    from django.apps import apps
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connections
    from django.test.utils import override_settings
    from pytest_django.live_server_helper import LiveServer

    from stats.rules.roles import make_groups

    storages = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    with django_db_blocker.unblock(), override_settings(STORAGES=storages, MEDIA_ROOT=media_root):
        make_groups(apps)  # an earlier transactional test may have emptied the database
        built = build()
        # Playwright's event loop, once running in this thread, makes Django keep this thread's
        # connection elsewhere (asgiref's Local): close the one used so far, or it stays open
        # and the test database cannot be dropped at the end.
        connections.close_all()
        server = LiveServer("localhost")
        server._live_server_modified_settings.enable()
        try:
            yield server.url, built
        finally:
            server._live_server_modified_settings.disable()
            server.stop()
            # TRUNCATE: public change notes refuse DELETE.
            call_command("flush", interactive=False, verbosity=0)
            make_groups(apps)
            connections.close_all()
