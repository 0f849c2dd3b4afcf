"""Parent-Infant Provision Map: the Streamlit app, a thin layer of widgets over `mapping` and `boundaries`.

This script only sets the page up, reads the view from the sidebar (kept in the URL), draws the chosen
page and writes the view back to the URL; the cached data, the view, this session's FOI replies and
the pages live in the package `webapp` (see its docstring).
"""

from __future__ import annotations

import streamlit as st

from boundaries.errors import PimapError
from webapp.pages import about, foi, ladder, profile, tables
from webapp.pages import map as national_map
from webapp.state import View, init_state, sidebar, sync_url

PAGE_FUNCTIONS = {"map": national_map.page_map, "ladder": ladder.page_ladder, "profile": profile.page_profile,
                  "tables": tables.page_tables, "foi": foi.page_foi, "about": about.page_about}


def main() -> None:
    st.set_page_config(page_title="Parent-Infant Provision Map", layout="wide")
    init_state()
    view = sidebar()
    st.title("Parent-Infant Provision Map")
    try:
        PAGE_FUNCTIONS[view.page](view)
    except PimapError as exc:
        st.error(str(exc))
    sync_url(View(view.page, view.geography, view.year, view.when, view.measure, view.nation,
                  st.session_state.get("area")))


main()
