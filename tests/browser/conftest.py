"""What the browser tests of the app share: one app server per test module, on loopback, stopped afterwards; and
pages that are watched for errors and for any request off the machine, checked when the test ends."""

from __future__ import annotations

import contextlib
import re

import pytest

# A page of the app may ask only its own server (loopback) and its own page's data: and blob: URLs.
ON_THE_MACHINE = re.compile(r"^(https?|wss?)://127\.0\.0\.1[:/]|^(data|blob):")
# Streamlit's own page script, opened at a page's path (/profile), first looks for the server under that path,
# then at the root: its 404s for <path>/_stcore/health and host-config are Streamlit's, not the app's.
STREAMLIT_BASE_PROBE = re.compile(r"^Failed to load resource: the server responded with a status of 404 \(Not Found\) "
                                  r"\(http://127\.0\.0\.1:\d+/[a-z]+/_stcore/(health|host-config)\)$")


class Watch:
    """One page's errors, console errors and every request it made (asked for, whether answered or refused)."""

    def __init__(self, page) -> None:
        self.errors: list[str] = []
        self.console: list[str] = []
        self.requests: list[str] = []
        self.websockets: list[str] = []
        page.on("pageerror", lambda exc: self.errors.append(str(exc)))
        page.on("console", self._console)
        page.on("request", lambda request: self.requests.append(request.url))
        page.on("websocket", lambda ws: self.websockets.append(ws.url))

    def _console(self, msg) -> None:
        text = f"{msg.text} ({msg.location.get('url', '')})"
        if msg.type == "error" and not STREAMLIT_BASE_PROBE.match(text):
            self.console.append(text)

    def off_the_machine(self) -> list[str]:
        """Every request or websocket to anywhere but this machine (bench.serve_offline refuses them; none
        should even be asked for)."""
        return [url for url in self.requests + self.websockets if not ON_THE_MACHINE.match(url)]

    def check(self) -> None:
        assert self.requests, "no request was seen: the page was not watched"
        assert self.off_the_machine() == [], self.off_the_machine()
        assert self.errors == [], self.errors
        assert self.console == [], self.console


@pytest.fixture(scope="module")
def server(mirror):
    from browser_helpers import bench

    with bench.app_server() as (url, _started):
        yield url


@pytest.fixture()
def open_page():
    """Opens a browser page of a given size (``open_page(width, height)`` -> (page, watch)); every page opened
    is checked when the test ends: no page error, no console error, no request off the machine."""
    from browser_helpers import bench

    watches: list[Watch] = []
    with contextlib.ExitStack() as stack:
        def opened(width: int = 1400, height: int = 1000):
            page = stack.enter_context(bench.browser_page(width=width, height=height))
            watches.append(Watch(page))
            return page, watches[-1]

        yield opened
        for watch in watches:  # before the browsers close
            watch.check()


@pytest.fixture()
def watched(open_page):
    """A watched page, 1400 x 1000, and its watch."""
    return open_page()


@pytest.fixture()
def page(watched):
    return watched[0]


@pytest.fixture()
def watch(watched):
    return watched[1]
