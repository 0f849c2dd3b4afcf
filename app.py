"""Parent-Infant Provision Map: the Streamlit app, a thin layer of widgets over `mapping` and `boundaries`.

This script only sets the page up, reads the view from the sidebar (kept in the URL), draws the chosen
page and writes the view back to the URL; the cached data, the view, this session's FOI replies and
the pages live in the package `webapp` (see its docstring).
"""

from __future__ import annotations

import logging

import streamlit as st

from mapping.errors import PimapError
from webapp.foi_session import load_foi_file_from_env
from webapp.formatting import escape_markdown
from webapp.pages import PAGE_FAILED, about, foi, ladder, profile, tables
from webapp.pages import map as national_map
from webapp.state import View, init_state, sidebar, sync_url

PAGE_FUNCTIONS = {"map": national_map.page_map, "ladder": ladder.page_ladder, "profile": profile.page_profile,
                  "tables": tables.page_tables, "foi": foi.page_foi, "about": about.page_about}
_LOG = logging.getLogger("pimap.app")


def show_page(view: View) -> None:
    """Draw the chosen page: a library refusal (PimapError) shows its message, as text; anything else a
    short generic message, with the details logged server-side."""
    try:
        PAGE_FUNCTIONS[view.page](view)
    except PimapError as exc:
        st.error(escape_markdown(exc))
    except Exception:
        _LOG.exception("page %r failed (view %s)", view.page, view)
        st.error(PAGE_FAILED)


def main() -> None:
    st.set_page_config(page_title="Parent-Infant Provision Map", layout="wide")
    init_state()
    load_foi_file_from_env()  # before the sidebar, so it offers the FOI measure when the file loaded
    view = sidebar()
    st.title("Parent-Infant Provision Map")
    show_page(view)
    sync_url(View(view.page, view.geography, view.year, view.when, view.measure, view.nation,
                  st.session_state.get("area")))


main()
