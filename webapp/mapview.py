"""The app's maps: a Streamlit component of our own (``st.components.v2``, drawn in the page itself, no iframe)
whose small script (``webapp/map.js``) draws :func:`mapping.present.webmap.map_spec` with Leaflet served by the
app from ``static/vendor/leaflet`` (``scripts/vendor_js.py``), so a map needs nothing from another site.

Why not folium and streamlit-folium: they cost a second page in an iframe, its scripts, and Leaflet again for
every view, which was most of a new visitor's wait for the first map. Here a view sends only its layers'
data; the script keeps the map, its Leaflet and the area shapes for as long as the page is open.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

import streamlit as st

from mapping.present import webmap
from webapp import first_view
from webapp.layout import APP_CSS, MAP_PAGE_CSS
from webapp.shapes import static_url

HERE = Path(__file__).resolve().parent
# Tooltips wrap rather than run off the map's edge (the ladder's evidence and FOI classes are long); the map
# says when it cannot be drawn, over the map, in words. With every page's style and the national map page's
# (webapp.layout says why).
MAP_CSS = APP_CSS + MAP_PAGE_CSS + """
.pimap-map { width: 100%; background: #dde6ec; }
.leaflet-tooltip.pimap-tooltip { white-space: normal; width: max-content; max-width: 340px; font-size: 12px; }
.pimap-tooltip th { text-align: left; vertical-align: top; padding-right: 6px; }
.pimap-map-problem { position: absolute; top: 10px; left: 60px; right: 60px; z-index: 1000; background: #fff;
  padding: 6px 8px; border: 2px solid #D55E00; font: 14px sans-serif; }
"""


def _script() -> str:
    """The map's script, with the tooltip and marker code every web map shares (mapping.present.webmap)."""
    text = (HERE / "map.js").read_text(encoding="utf-8")
    return (text.replace("/*TOOLTIP_JS*/", webmap.TEXT_TOOLTIP_JS).replace("/*MARKER_JS*/", webmap.MARKER_JS)
            .replace("/*STEPS_JS*/", webmap.STEPS_JS))


# Registered once, when the module is first imported (Streamlit keeps one definition per name).
_MAP = st.components.v2.component("pimap_map", js=_script(), css=MAP_CSS, isolate_styles=False)


def leaflet_urls(base_url_path: str = "") -> dict[str, str]:
    """Where the browser loads Leaflet from: the app's own static folder, under ``server.baseUrlPath`` if set."""
    return {kind: static_url(f"vendor/leaflet/leaflet.{kind}", base_url_path) for kind in ("js", "css")}


def _no_op() -> None:
    """A click is read from the component's result; the callback only registers the event with Streamlit."""


SENT_KEY = "_map_overlays_sent"  # the overlays (by hash) this session's page already holds


def show_map(spec: dict[str, Any], *, key: str, height: int, overlays: tuple[str, str] | None = None) -> object:
    """Draw the map of ``spec`` (:func:`mapping.present.webmap.map_spec`); return what the page sent back for a
    click on an area (None without one, or when ``spec`` is not clickable). It comes from the browser, so it is
    anything until checked: :func:`clicked_area` is the check.

    ``overlays`` (JSON text of layers drawn above the others, and its hash) go to the page only the first time:
    the script keeps them by hash for as long as the page is open (a new measure sends only the areas' colours
    and figures). A page that says it lacks them (a page opened again in the same session) is sent them again.
    """
    sent: set[str] = st.session_state.setdefault(SENT_KEY, set())
    data = {**spec, "height": int(height), "leaflet": leaflet_urls(st.get_option("server.baseUrlPath") or "")}
    if overlays is not None:
        text, ref = overlays
        data["overlays"] = {"ref": ref, "json": "" if ref in sent else text}
        sent.add(ref)
    data["tell_drawn"] = first_view.map_first()  # the page's script says when the map is drawn (webapp/map.js)
    result = _MAP(key=key, data=data, height="content", on_area_change=_no_op, on_missing_change=_no_op,
                  on_drawn_change=_no_op)
    if overlays is not None and getattr(result, "missing", None) == overlays[1]:
        sent.discard(overlays[1])
        st.rerun()
    first_view.after_map(getattr(result, "drawn", None))
    return getattr(result, "area", None)


def clicked_area(clicked: object, codes: Iterable[str]) -> str | None:
    """The area code a click sent back, if it is exactly one of ``codes`` (the map's own areas); None for no
    click, or anything else a page could send (another type, another or a made-up code)."""
    return clicked if isinstance(clicked, str) and clicked in set(codes) else None
