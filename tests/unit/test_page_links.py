"""webapp.page_links: Streamlit's page, for a page with a map, asks for the map's scripts, Leaflet and the view's
shapes itself (server.py's middleware)."""

from __future__ import annotations

import asyncio
import hashlib
import logging
from pathlib import Path

import pytest

from webapp import page_links
from webapp.page_links import (
    COMPONENT_CHUNK,
    STATIC_IMPORT,
    PageLinks,
    component_chunks,
    link_tags,
    map_page_links,
    page_path,
    streamlit_static_dir,
    view_geography,
    with_links,
)

PAGE = b"<!DOCTYPE html><html><head><title>Streamlit</title></head><body></body></html>"
LEAFLET = {"js": "/app/static/vendor/leaflet/leaflet.js", "css": "/app/static/vendor/leaflet/leaflet.css"}


def test_the_installed_streamlit_has_the_component_script_and_all_it_imports_is_preloaded():
    """If an upgrade of Streamlit renames its component script, this fails (the app would only be slower)."""
    static = streamlit_static_dir()
    chunks = component_chunks(static)
    assert chunks and Path(chunks[0]).name.startswith(f"{COMPONENT_CHUNK}.")
    index = (static / "index.html").read_text(encoding="utf-8")
    js = static / "static" / "js"
    for chunk in chunks:
        assert (static / chunk).is_file() and f"/{Path(chunk).name}" not in index
        for imported in STATIC_IMPORT.findall((static / chunk).read_text(encoding="utf-8")):
            assert f"static/js/{imported}" in chunks or f"/{imported}" in index, (chunk, imported)
            assert (js / imported).is_file()
    assert len(chunks) == len(set(chunks))


def _static(tmp_path: Path, files: dict[str, str], index: str) -> Path:
    """A made-up Streamlit static folder (tests only): ``files`` in static/js, and its page."""
    js = tmp_path / "static" / "js"
    js.mkdir(parents=True)
    for name, text in files.items():
        (js / name).write_text(text, encoding="utf-8")
    (tmp_path / "index.html").write_text(index, encoding="utf-8")
    return tmp_path


def test_the_chunks_are_the_script_and_what_it_imports_in_turn_less_what_the_page_has(tmp_path):
    static = _static(tmp_path, {
        "BidiComponent.abc.js": 'import{a}from"./react.x.js";import"./arrow.y.js";import{b}from "./util.z.js";'
                                'const l=()=>import("./Lazy.q.js")',
        "arrow.y.js": 'import{c}from"./record.w.js";',
        "record.w.js": 'import{a}from"./react.x.js";import{d}from"./arrow.y.js";',  # a cycle: listed once
        "util.z.js": "", "react.x.js": "", "Lazy.q.js": ""},
        index='<link rel="modulepreload" href="./static/js/react.x.js">')
    assert component_chunks(static) == ("static/js/BidiComponent.abc.js", "static/js/arrow.y.js",
                                        "static/js/util.z.js", "static/js/record.w.js")


def test_no_component_script_means_no_chunks_and_a_warning(tmp_path, caplog):
    static = _static(tmp_path, {"Other.abc.js": ""}, index="")
    with caplog.at_level(logging.WARNING, logger="pimap.page_links"):
        assert component_chunks(static) == ()
    assert "not preloaded" in caplog.text


def test_the_links_name_each_url_once_as_text():
    tags = link_tags(["static/js/A.1.js"], LEAFLET, '/app/static/shapes/uk2026-"x.json')
    assert tags == ('<link rel="modulepreload" crossorigin href="./static/js/A.1.js">'
                    '<link rel="preload" as="script" href="/app/static/vendor/leaflet/leaflet.js">'
                    '<link rel="preload" as="style" href="/app/static/vendor/leaflet/leaflet.css">'
                    '<link rel="preload" as="fetch" crossorigin href="/app/static/shapes/uk2026-&quot;x.json">')
    assert "shapes" not in link_tags([], LEAFLET, None)


def test_the_links_go_at_the_end_of_the_head():
    assert with_links(PAGE, "<link>") == PAGE.replace(b"</head>", b"<link></head>")
    assert with_links(b"<html><body></body></html>", "<link>") is None


@pytest.mark.parametrize(("path", "base", "page"), [
    ("/", "", ""), ("", "", ""), ("/map", "", "map"), ("/profile/", "", "profile"), ("/static/js/a.js", "", "static/js/a.js"),
    ("/pimap/", "pimap", ""), ("/pimap/profile", "/pimap/", "profile"), ("/other/profile", "pimap", None),
    ("/pimapx", "pimap", None)])
def test_a_request_path_is_a_page_path_under_the_base(path, base, page):
    assert page_path(path, base) == page


@pytest.mark.parametrize(("query", "geography"), [
    (b"", "uk2026"), (b"geo=uk2023&year=2022", "uk2023"), (b"geo=nowhere", "uk2026"), (b"geo=%3Cscript%3E", "uk2026"),
    (b"geo=uk2018&geo=uk2023", "uk2018"), (b"geo=", "uk2026")])
def test_the_view_geography_is_the_links_if_known_else_the_default(query, geography):
    assert view_geography(query, ("uk2018", "uk2023", "uk2026"), lambda: "uk2026") == geography


def _shapes(tmp_path: Path, name: str, data: bytes = b'{"type":"FeatureCollection","features":[]}',
            checksum: bytes | None = None) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    path.with_name(path.name + ".sha256").write_bytes(checksum or hashlib.sha256(data).hexdigest().encode() + b"\n")
    return path


def test_the_map_pages_links_name_the_intact_shapes_of_the_views_geography_and_data_version(tmp_path, monkeypatch):
    import webapp.data
    import webapp.shapes
    import webapp.state

    monkeypatch.setattr(webapp.shapes, "SHAPES_DIR", tmp_path)
    monkeypatch.setattr(webapp.state, "default_geography", lambda: "uk2026")
    monkeypatch.setattr(webapp.data, "data_version", lambda: "0123456789abcdef")
    _shapes(tmp_path, "uk2026-0123456789abcdef.json")
    _shapes(tmp_path, "uk2023-0123456789abcdef.json", checksum=b"0" * 64 + b"\n")  # damaged
    _shapes(tmp_path, "uk2018-fedcba9876543210.json")  # another data version's, which the page would not fetch
    links = map_page_links("", b"")
    assert 'href="/app/static/shapes/uk2026-0123456789abcdef.json"' in links
    assert 'leaflet.js' in links and 'BidiComponent.' in links
    assert "shapes" not in map_page_links("", b"geo=uk2023")  # damaged: the page's run writes it again
    assert "shapes" not in map_page_links("", b"geo=uk2018")  # this version's not written yet
    assert "shapes" not in map_page_links("profile", b"") and "leaflet.js" in map_page_links("profile", b"")


def _serve(middleware: PageLinks, scope: dict) -> tuple[dict, bytes, dict]:
    """One request through the middleware: (the response's start message, its body, the scope the app saw)."""
    sent: list[dict] = []

    async def send(message):
        sent.append(message)

    asyncio.run(middleware({"type": "http", "method": "GET", "query_string": b"", "headers": [], **scope},
                           None, send))
    start = next(m for m in sent if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return start, body, middleware.app.seen


class _Streamlit:
    """A stand-in for Streamlit's app (tests only): answers every request with ``body`` in two parts."""

    def __init__(self, body: bytes = PAGE, headers: list | None = None, status: int = 200) -> None:
        self.body, self.status, self.seen = body, status, {}
        self.headers = headers if headers is not None else [
            (b"content-type", b"text/html; charset=utf-8"), (b"content-length", str(len(body)).encode()),
            (b"etag", b'"abc"'), (b"last-modified", b"Fri, 04 Dec 2026 18:32:26 GMT"), (b"cache-control", b"no-cache")]

    async def __call__(self, scope, receive, send):
        self.seen = scope
        await send({"type": "http.response.start", "status": self.status, "headers": self.headers})
        await send({"type": "http.response.body", "body": self.body[:10], "more_body": True})
        await send({"type": "http.response.body", "body": self.body[10:]})


def test_a_map_page_is_sent_with_its_links_its_length_and_no_etag():
    asked: list = []
    middleware = PageLinks(_Streamlit(), links=lambda page, query: asked.append((page, query)) or "<link x>")
    start, body, seen = _serve(middleware, {"path": "/", "query_string": b"geo=uk2023", "headers": [
        (b"accept-encoding", b"gzip"), (b"if-none-match", b'"abc"'), (b"cookie", b"c=1")]})
    assert body == PAGE.replace(b"</head>", b"<link x></head>")
    headers = dict(start["headers"])
    assert headers[b"content-length"] == str(len(body)).encode() and b"etag" not in headers
    assert b"last-modified" not in headers and headers[b"cache-control"] == b"no-cache"
    assert seen["headers"] == [(b"cookie", b"c=1")]  # asked for uncompressed and unconditionally
    assert asked == [("", b"geo=uk2023")]


@pytest.mark.parametrize("scope", [{"path": "/tables"}, {"path": "/static/js/index.js"}, {"path": "/", "method": "HEAD"},
                                   {"path": "/_stcore/health"}, {"type": "websocket", "path": "/_stcore/stream"}])
def test_other_requests_pass_untouched(scope):
    app = _Streamlit()
    middleware = PageLinks(app, links=lambda page, query: "<link x>")
    start, body, seen = _serve(middleware, {"headers": [(b"accept-encoding", b"gzip")], **scope})
    assert body == PAGE and start["headers"] == app.headers and seen["headers"] == [(b"accept-encoding", b"gzip")]


@pytest.mark.parametrize("app", [
    _Streamlit(headers=[(b"content-type", b"text/html"), (b"content-encoding", b"gzip")]),
    _Streamlit(headers=[(b"content-type", b"application/json")]), _Streamlit(status=404),
    _Streamlit(body=b"<html><body>no head</body></html>")])
def test_a_page_that_cannot_take_the_links_is_sent_as_it_came(app):
    start, body, _ = _serve(PageLinks(app, links=lambda page, query: "<link x>"), {"path": "/map"})
    assert body == app.body and start["headers"] == app.headers and start["status"] == app.status


def test_links_that_cannot_be_made_are_logged_and_the_page_sent_as_it_came(caplog):
    def broken(page, query):
        raise OSError("shapes folder unreadable")

    with caplog.at_level(logging.ERROR, logger="pimap.page_links"):
        start, body, _ = _serve(PageLinks(_Streamlit(), links=broken), {"path": "/"})
    assert body == PAGE and "shapes folder unreadable" in caplog.text


def test_the_map_pages_are_the_pages_that_draw_a_map():
    """Each page whose module draws a map (webapp.mapview.show_map) is at one of MAP_PAGES' paths (the national
    map at the root, and its alias /map: webapp.state.navigate), and no other page is."""
    pages = Path(page_links.__file__).parent / "pages"
    drawing = sorted(p.stem for p in pages.glob("*.py") if "show_map(" in p.read_text(encoding="utf-8"))
    assert drawing == ["map", "profile"]
    assert set(page_links.MAP_PAGES) == {"", "map", "profile"}
