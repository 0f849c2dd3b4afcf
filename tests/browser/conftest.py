"""The app server the browser tests of the app share: one per test module, on loopback, stopped afterwards."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="module")
def server(mirror):
    from browser_helpers import bench

    with bench.app_server() as (url, _started):
        yield url
