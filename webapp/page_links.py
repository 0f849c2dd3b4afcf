"""What a page with a map needs, asked for in Streamlit's page itself: ``server.py`` adds ``<link rel=preload>``s
for the map's own scripts, Leaflet and the view's area shapes to the HTML of the map's pages (issue 16: a new
visitor's first map).

Why: without them the browser learns of each only in turn. Streamlit's page loads, opens its session and receives
the map's element; only then does it fetch the script that draws any ``st.components.v2`` element (Streamlit loads
it lazily, behind the other elements' scripts over the same six connections); only once that has run does the
map's script ask for Leaflet and the shapes. Asked for with the page, each is there when it is first needed.
Measured with the map alone on a Streamlit page: 1.05 s from page open to map drawn without them, 0.87 s with.

Nothing is preloaded that the page would not ask for itself (the same URLs, so the browser uses what it fetched):
Streamlit's chunks are read from its installed files, the shapes file is the view's geography's of this data
version, if it is there and intact.
A page this cannot rewrite (compressed, or with no ``</head>``) is sent as it came.
"""

from __future__ import annotations

import html
import logging
import re
from collections.abc import Callable, Iterable
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import streamlit as st

_LOG = logging.getLogger("pimap.page_links")
# Streamlit's script for an st.components.v2 element (the map is one: webapp.mapview), by the name its build
# gives the file (``static/js/BidiComponent.<hash>.js``).
COMPONENT_CHUNK = "BidiComponent"
STATIC_IMPORT = re.compile(r'(?:from|import)\s*"\./([\w.\-]+\.js)"')  # a chunk's static imports (not import())
MAP_PAGES = ("", "map", "profile")  # the pages' paths (webapp.state.navigate) that draw a map
AREA_PAGE = ("", "map")  # the national map: its areas' shapes are fetched at once, for the view's geography


def streamlit_static_dir() -> Path:
    """The folder Streamlit serves its page and scripts from."""
    return Path(st.__file__).resolve().parent / "static"


def component_chunks(static_dir: Path) -> tuple[str, ...]:
    """Streamlit's chunks (``static/js/<name>``, in the order found) that drawing a component element needs and
    its page does not already preload: the element's script and every chunk it imports, in turn. Empty (and
    logged) if this Streamlit has no such script, so the page is only slower, never broken."""
    js = static_dir / "static" / "js"
    found = sorted(js.glob(f"{COMPONENT_CHUNK}.*.js"))
    if len(found) != 1:
        _LOG.warning("no single %s chunk in %s: the map's scripts are not preloaded", COMPONENT_CHUNK, js)
        return ()
    index = (static_dir / "index.html").read_text(encoding="utf-8")
    chunks: list[str] = []
    todo = [found[0].name]
    while todo:
        name = todo.pop(0)
        if name in chunks or f"/{name}" in index or not (js / name).is_file():
            continue
        chunks.append(name)
        todo.extend(STATIC_IMPORT.findall((js / name).read_text(encoding="utf-8")))
    return tuple(f"static/js/{name}" for name in chunks)


def link_tags(chunks: Iterable[str], leaflet: dict[str, str], shapes_url: str | None) -> str:
    """The ``<link>`` elements for Streamlit's ``chunks`` (relative to its page, as its own are), Leaflet's
    script and stylesheet and the shapes (the URLs the map's script asks for; a plain fetch, so ``crossorigin``)."""
    tags = [f'<link rel="modulepreload" crossorigin href="./{html.escape(c)}">' for c in chunks]
    tags.append(f'<link rel="preload" as="script" href="{html.escape(leaflet["js"])}">')
    tags.append(f'<link rel="preload" as="style" href="{html.escape(leaflet["css"])}">')
    if shapes_url:
        tags.append(f'<link rel="preload" as="fetch" crossorigin href="{html.escape(shapes_url)}">')
    return "".join(tags)


def with_links(page: bytes, tags: str) -> bytes | None:
    """Streamlit's page with ``tags`` at the end of its head; None if it has no ``</head>`` to put them before."""
    at = page.find(b"</head>")
    return None if at < 0 else page[:at] + tags.encode("utf-8") + page[at:]


def page_path(path: str, base_url_path: str) -> str | None:
    """The app's page path (``""`` for the root) of a request's path under ``server.baseUrlPath``; None for
    anything else (a script, an asset, a path outside the base)."""
    base = "/" + base_url_path.strip("/") if base_url_path.strip("/") else ""
    if base and not (path == base or path.startswith(base + "/")):
        return None
    return path[len(base):].strip("/")


def view_geography(query_string: bytes, known: Iterable[str], default: Callable[[], str]) -> str:
    """The geography the page opens on: the link's ``?geo=`` if it is one of ``known`` (else the app shows the
    default and says why), else ``default()``."""
    asked = parse_qs(query_string.decode("latin-1")).get("geo", [None])[0]
    return asked if asked in set(known) else default()


@lru_cache(maxsize=1)
def _chunks() -> tuple[str, ...]:
    return component_chunks(streamlit_static_dir())


def map_page_links(page: str, query_string: bytes) -> str:
    """The ``<link>``s for a page of the app with a map (one of :data:`MAP_PAGES`) and its query string."""
    from webapp.data import data_version
    from webapp.mapview import leaflet_urls
    from webapp.shapes import SHAPES_DIR, shapes_intact, shapes_path, url_for
    from webapp.state import GEOGRAPHY_ORDER, default_geography

    base = st.get_option("server.baseUrlPath") or ""
    shapes = None
    if page in AREA_PAGE:
        path = shapes_path(view_geography(query_string, GEOGRAPHY_ORDER, default_geography), data_version(),
                           directory=SHAPES_DIR)
        if shapes_intact(path):  # else the page's run writes it (this data version's), and the map fetches it then
            shapes = url_for(path, base)
    return link_tags(_chunks(), leaflet_urls(base), shapes)


class PageLinks:
    """ASGI middleware: Streamlit's page, for a page of the app with a map (:data:`MAP_PAGES`), with
    :func:`map_page_links` in its head. The page is asked for uncompressed and unconditionally (it is 8 kB, and
    its links change with the data version while Streamlit's ETag does not); every other request passes
    untouched."""

    def __init__(self, app: Callable[..., Any], links: Callable[[str, bytes], str] = map_page_links) -> None:
        self.app = app
        self.links = links

    async def __call__(self, scope: dict[str, Any], receive: Callable[..., Any], send: Callable[..., Any]) -> None:
        page = (page_path(scope.get("path", ""), st.get_option("server.baseUrlPath") or "")
                if scope["type"] == "http" and scope.get("method") == "GET" else None)
        tags = ""
        if page in MAP_PAGES:
            try:
                tags = self.links(page, scope.get("query_string", b""))
            except Exception:  # the page is only slower without them
                _LOG.exception("the map's preload links could not be made")
        if not tags:
            await self.app(scope, receive, send)
            return
        dropped = (b"accept-encoding", b"if-none-match", b"if-modified-since")
        scope = {**scope, "headers": [(k, v) for k, v in scope["headers"] if k.lower() not in dropped]}
        start: dict[str, Any] = {}
        body: list[bytes] = []

        async def buffered(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                start.update(message)
                return
            if message["type"] != "http.response.body":
                await send(message)
                return
            body.append(message.get("body", b""))
            if message.get("more_body"):
                return
            await send_page(b"".join(body))

        async def send_page(content: bytes) -> None:
            headers = list(start.get("headers", []))
            names = {k.lower() for k, _ in headers}
            is_html = any(k.lower() == b"content-type" and v.startswith(b"text/html") for k, v in headers)
            changed = (with_links(content, tags) if start.get("status") == 200 and is_html
                       and b"content-encoding" not in names else None)
            if changed is not None:
                content = changed
                headers = [(k, v) for k, v in headers if k.lower() not in (b"content-length", b"etag", b"last-modified")]
                headers.append((b"content-length", str(len(content)).encode("ascii")))
            await send({**start, "headers": headers})
            await send({"type": "http.response.body", "body": content})

        await self.app(scope, receive, buffered)
