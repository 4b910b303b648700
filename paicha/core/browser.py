"""Playwright for Python driving Debian's chromium, for the browser journeys.

`playwright install` cannot download browsers here, so the system chromium is used. Where it
is missing the journeys skip with a message, unless PAICHA_REQUIRE_BROWSER=1 (CI) makes that
a failure.
"""

import os
import shutil
from urllib.parse import urlparse

import pytest
from django.core.servers.basehttp import WSGIServer
from django.test.testcases import LiveServerThread

CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


class SerialLiveServer(WSGIServer):
    """The live server, one request at a time. With SQLite in memory every thread shares the
    test's one connection (LiveServerThread sets Django's connections_override), and the
    threaded server's concurrent requests — a page and its htmx polls — would interleave their
    transactions on it ("no such savepoint"). Not being a ThreadingMixIn, it also makes Django
    answer "Connection: close", so a browser's idle keep-alive cannot hold it."""

    def __init__(self, *args, connections_override=None, **kwargs):
        super().__init__(*args, **kwargs)


LiveServerThread.server_class = SerialLiveServer


def chromium_path() -> str | None:
    for candidate in (os.environ.get("PAICHA_CHROMIUM"), *CHROMIUM_CANDIDATES):
        if candidate and shutil.which(candidate):
            return candidate
    return None


@pytest.fixture(scope="session")
def browser():
    path = chromium_path()
    if path is None:
        message = "未找到 chromium（Debian 包 chromium）：浏览器测试跳过"
        if os.environ.get("PAICHA_REQUIRE_BROWSER") == "1":
            pytest.fail(message)
        pytest.skip(message)
    # Playwright's sync API runs an event loop in this thread; the Django ORM in the same
    # thread is still synchronous code, so tell Django that is intended.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=path, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    """A fresh page that fails the test on any request leaving the live server."""
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    own_host = urlparse(live_server.url).netloc
    foreign = []
    page.on(
        "request",
        lambda r: (
            foreign.append(r.url)
            if urlparse(r.url).netloc not in (own_host, "") and not r.url.startswith("data:")
            else None
        ),
    )
    yield page
    context.close()
    assert not foreign, f"页面向外部发出了请求：{foreign}"


def login(page, live_server, username: str, password: str) -> None:
    page.goto(live_server.url + "/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.wait_for_selector("#user-menu")
