"""A new visitor's national map drawn first, and the rest of the page once the map says it is drawn (issue 16:
a new visitor's page open to map drawn under a second).

Why: Streamlit's page loads the script of each kind of element (a select box, a slider, a metric, a radio, HTML)
only when the page first shows one, and React (18, in Streamlit 1.67) holds back the elements whose scripts have
come while others still wait, for up to half a second after the last placeholder it showed, so they appear
together. The map (itself such an element) waited with them: measured
on this project's 2-core machine, 1.2 s from page open to map drawn with the whole page, 0.77 s for the same
page with the map and its headings only.

So a session's first run of the national map (:func:`start`) draws its headings and the map, each other element
of the page keeping its place (:func:`keep_place`, so the map stays where it is drawn, and is not drawn again).
When the map is drawn, its script says so (webapp/map.js), and the next run (:func:`after_map`) draws the whole
page. Only a server that says it can (``server.py``, :func:`enable`) serves the first view: a page with no
browser behind it (Streamlit's AppTest) could never say its map is drawn.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import streamlit as st

MAP_FIRST = "_map_first"  # session state: this run draws the map first and leaves the rest for the next run
_SERVER = {"enabled": False}  # set by enable()


def enable() -> None:
    """Serve a new visitor's national map first (``server.py``, as it starts)."""
    _SERVER["enabled"] = True


def start(first_run: bool, page: str) -> None:
    """At the start of each run: whether this run draws the map first. On a session's first run of the national
    map; until the map says it is drawn; never on another page (a visitor who moves on gets the whole page)."""
    st.session_state[MAP_FIRST] = _SERVER["enabled"] and page == "map" and (first_run or map_first())


def map_first() -> bool:
    """Whether this run draws the national map first, the rest of the page left for the next run."""
    return bool(st.session_state.get(MAP_FIRST))


def keep_place(draw: Callable[[], Any]) -> None:
    """``draw()``, or on a map-first run an empty element in its place. Each caller draws in a container of its
    own (a column, a keyed container), which both runs draw, and the empty element has Streamlit draw it at the
    height webapp.layout keeps for it: so every element after it, the map among them, keeps its place in the page,
    and Streamlit keeps the map drawn when the next run fills the rest."""
    if map_first():
        st.empty()
    else:
        draw()


def after_map(drawn: object) -> None:
    """The map's result says it is drawn (``True`` from webapp/map.js; anything else is not): on a map-first run,
    the whole page now."""
    if drawn is True and map_first():
        st.session_state[MAP_FIRST] = False
        st.rerun(scope="app")
