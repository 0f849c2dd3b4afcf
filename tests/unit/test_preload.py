"""webapp.preload: the app's modules imported as the server starts (server.py), and sessions held until then."""

from __future__ import annotations

import asyncio
import json
import logging
import subprocess
import sys
import threading
from pathlib import Path

from webapp.preload import Preload, SessionsAfterPreload

REPO = Path(__file__).resolve().parents[2]
HEAVY = ("mapping", "boundaries", "webapp", "pandas", "geopandas", "shapely", "pyproj", "numpy", "pyarrow")

# In a fresh interpreter: the pages preloaded, then every module app.py imports at its top; what was new.
AFTER_PRELOAD = """
import ast, importlib, importlib.util, json, sys
import streamlit, streamlit.components.v2  # the server's own, imported before any preload
from webapp.preload import import_pages
pages = import_pages()
before = set(sys.modules)
for node in ast.parse(open("app.py", encoding="utf-8").read()).body:
    if isinstance(node, ast.Import):
        for alias in node.names:
            importlib.import_module(alias.name)
    elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
        importlib.import_module(node.module)
        for alias in node.names:
            name = f"{node.module}.{alias.name}"
            if importlib.util.find_spec(node.module).submodule_search_locations and importlib.util.find_spec(name):
                importlib.import_module(name)
print(json.dumps({"pages": pages, "new": sorted(set(sys.modules) - before)}))
"""


def test_the_preload_imports_every_page_and_all_that_app_py_imports():
    done = subprocess.run([sys.executable, "-c", AFTER_PRELOAD], cwd=REPO, check=True, capture_output=True, text=True)
    found = json.loads(done.stdout)
    pages = sorted(p.stem for p in (REPO / "webapp" / "pages").glob("*.py") if p.stem != "__init__")
    assert sorted(name.rsplit(".", 1)[1] for name in found["pages"]) == pages
    assert "webapp.pages.map" in found["pages"]
    assert [m for m in found["new"] if m.split(".")[0] in HEAVY] == []


def _session_order(preload: Preload, release: threading.Event, kinds: tuple[str, ...]) -> list[str]:
    """Run the middleware for requests of ``kinds`` while the preload (its load waiting on ``release``) is held,
    then let it finish: the order in which the requests reached the app behind it ("released" marks its end)."""
    reached: list[str] = []

    async def app(scope, receive, send):
        reached.append(scope["type"])

    async def main() -> None:
        middleware = SessionsAfterPreload(app, preload=preload)
        async with preload.at_start():
            tasks = [asyncio.create_task(middleware({"type": kind}, None, None)) for kind in kinds]
            await asyncio.sleep(0.05)
            reached.append("released")
            release.set()
            await asyncio.wait_for(asyncio.gather(*tasks), timeout=10)

    asyncio.run(main())
    return reached


def test_a_session_opens_after_the_preload_and_other_requests_at_once():
    release = threading.Event()
    preload = Preload(load=lambda: release.wait(10))
    assert _session_order(preload, release, ("websocket", "http", "http")) == ["http", "http", "released", "websocket"]


def test_a_failed_preload_is_logged_and_lets_sessions_open(caplog):
    release = threading.Event()

    def load() -> None:
        release.wait(10)
        raise ImportError("no module named 'boom'")

    with caplog.at_level(logging.ERROR, logger="pimap.preload"):
        assert _session_order(Preload(load=load), release, ("websocket",)) == ["released", "websocket"]
    assert "preloading the app's modules failed" in caplog.text and "boom" in caplog.text


def test_a_session_does_not_wait_for_a_preload_that_never_started():
    """An app mounted without its lifespan never preloads: its sessions open at once."""
    reached: list[str] = []

    async def app(scope, receive, send):
        reached.append(scope["type"])

    asyncio.run(asyncio.wait_for(SessionsAfterPreload(app, preload=Preload())({"type": "websocket"}, None, None), 5))
    assert reached == ["websocket"]


def test_a_preload_ending_after_the_server_stopped_raises_nothing():
    """The server's loop closed while the imports ran (a stop during start-up): the thread ends quietly."""
    loop = asyncio.new_event_loop()
    loop.close()
    Preload(load=lambda: None)._run(loop)  # would raise RuntimeError('Event loop is closed') unguarded
