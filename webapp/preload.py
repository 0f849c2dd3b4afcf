"""What the app's script imports, imported ahead of its first run: ``server.py`` does it as the server starts,
while a first visitor's browser is still loading Streamlit's page (issue 16: server start to first map).

A first visitor's browser spends most of a second loading Streamlit's page before the app's script first runs.
The app's imports (about 0.3 s: pandas, geopandas, the pages) are done in that time, rather than in that first
run. A visitor's session opens once they are done (:class:`SessionsAfterPreload`), so a first run never imports
a module the start-up is still importing.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

_LOG = logging.getLogger("pimap.preload")


def import_pages() -> list[str]:
    """Import every page of the app (each imports what it draws with: the data, the maps, pandas, geopandas);
    return the pages' module names (tests/unit/test_preload.py checks that they are every module of
    ``webapp/pages/`` and all that app.py imports)."""
    from webapp.pages import about, compare, foi, ladder, profile, tables, teams
    from webapp.pages import map as national_map

    return [page.__name__ for page in (about, compare, foi, ladder, national_map, profile, tables, teams)]


class Preload:
    """The app's modules imported in a thread of their own as the server starts (:meth:`at_start`, an st.App
    lifespan), and the wait for it (:meth:`wait`). A failed import is logged and met again by the first run,
    which shows it as the app shows any error."""

    def __init__(self, load: Callable[[], object] = import_pages) -> None:
        self._load = load
        self._done = asyncio.Event()  # set on the server's event loop
        self.started = False

    def _run(self, loop: asyncio.AbstractEventLoop) -> None:
        try:
            self._load()
        except Exception:
            _LOG.exception("preloading the app's modules failed")
        finally:
            with contextlib.suppress(RuntimeError):  # the server stopped (its loop closed) before the imports ended
                loop.call_soon_threadsafe(self._done.set)

    @asynccontextmanager
    async def at_start(self, app: Any = None) -> AsyncIterator[None]:
        """Start the imports; the server answers requests meanwhile."""
        self.started = True
        threading.Thread(target=self._run, args=(asyncio.get_running_loop(),), name="pimap-preload",
                         daemon=True).start()
        yield

    async def wait(self) -> None:
        """Until the imports are done; at once if they never started (an app mounted without its lifespan)."""
        if self.started:
            await self._done.wait()


class SessionsAfterPreload:
    """ASGI middleware: a websocket (a visitor's session, whose first run imports the app) waits for the preload;
    every other request (Streamlit's page, its scripts, the health check) is answered at once."""

    def __init__(self, app: Callable[..., Any], preload: Preload) -> None:
        self.app = app
        self.preload = preload

    async def __call__(self, scope: dict[str, Any], receive: Callable[..., Any], send: Callable[..., Any]) -> None:
        if scope["type"] == "websocket":
            await self.preload.wait()
        await self.app(scope, receive, send)
