"""Fixtures of the browser tests: the app as a real server, headless Chromium, axe-core.

Each test gets its own server (werkzeug in a thread) on its own migrated
database and, unless told otherwise, the shared test campus directory.
Chromium is Debian's (Playwright cannot download its own here) and starts
once per session; every person gets a browser context of their own, so
their cookies never mix. ``make test`` installs Chromium and axe-core.
"""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from flask import Flask
from werkzeug.serving import make_server

from careercredit.demo.directory import CampusDirectory
from tests.browser.people import AXE_SCRIPT, Auditor, Person
from tests.factories import Factory

CHROMIUM = "/usr/bin/chromium"
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
#: A laptop screen; the phone test sets its own.
VIEWPORT = {"width": 1280, "height": 900}


def _missing_tools() -> str | None:
    """Why the browser tests cannot run on this machine, or None."""
    try:
        import playwright  # noqa: F401
    except ImportError:
        return "Playwright for Python is not installed"
    if not (os.access(CHROMIUM, os.X_OK) or shutil.which("chromium")):
        return f"{CHROMIUM} (Debian's chromium) is not installed"
    if AXE_SCRIPT is None:
        return "axe-core is not installed in .cache/"
    return None


@pytest.fixture(scope="package")
def browser() -> Iterator[Any]:
    """Headless Chromium for the browser tests, stopped when they are done.

    Playwright's sync API keeps an event loop running in this thread while it is
    open; later tests that call asyncio.run (pyHanko signs that way) need it gone.
    """
    missing = _missing_tools()
    if missing:
        message = f"{missing}; `make test` installs what the browser tests need"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(reason=message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@dataclass
class LiveServer:
    """The app serving on a local port, and factories for set-up data on its database."""

    app: Flask
    url: str
    make: Factory


@pytest.fixture
def serve(make_app: Callable[..., Flask]) -> Iterator[Callable[..., LiveServer]]:
    """Start the app as a real HTTP server; keyword arguments override settings."""
    running: list[tuple[Any, threading.Thread]] = []

    def start(directory: CampusDirectory | None = None, **overrides: Any) -> LiveServer:
        overrides.setdefault("LOGIN_RATE_LIMIT", "1000 per minute")
        app = make_app(directory, **overrides)
        server = make_server("127.0.0.1", 0, app, threaded=True)
        url = f"http://127.0.0.1:{server.server_port}"
        app.config["BASE_URL"] = url  # links in e-mail point at this server
        thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
        thread.start()
        running.append((server, thread))
        return LiveServer(app, url, Factory(app))

    yield start
    for server, thread in running:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()


@pytest.fixture
def auditor() -> Auditor:
    """Runs axe-core on every page the test's people reach."""
    return Auditor()


@pytest.fixture
def people(browser: Any, auditor: Auditor) -> Iterator[Callable[..., Person]]:
    """Make people at browsers, each with a context of their own."""
    contexts: list[Any] = []

    def person(server: LiveServer, name: str, **context_options: Any) -> Person:
        options = {"viewport": VIEWPORT, "locale": "en-US", **context_options}
        context = browser.new_context(base_url=server.url, **options)
        context.set_default_timeout(10_000)
        contexts.append(context)
        return Person(name, context, auditor)

    yield person
    for context in contexts:
        context.close()
