"""Parent-Infant Provision Map: the Streamlit app, a thin layer of widgets over `mapping` and `boundaries`.

This script only sets the page up, routes the run through st.navigation (one page per path, the view in
the query string), reads the view from the sidebar, draws the chosen page and writes the view back to the
URL; the cached data, the view, this session's FOI replies and the pages live in the package `webapp`
(see its docstring).
"""

from __future__ import annotations

import logging

import streamlit as st

from mapping.errors import PimapError
from webapp import first_view
from webapp.data import list_sentence
from webapp.foi_session import load_foi_file_from_env, show_synthetic_warning
from webapp.formatting import escape_markdown
from webapp.layout import APP_CSS
from webapp.pages import PAGE_FAILED, about, compare, foi, ladder, profile, tables, teams
from webapp.pages import map as national_map
from webapp.state import PAGES, View, check_view, current_view, init_state, navigate, sidebar, sync_url, take_notes

TITLE = "Parent-Infant Provision Map"
PAGE_FUNCTIONS = {"map": national_map.page_map, "ladder": ladder.page_ladder, "profile": profile.page_profile,
                  "compare": compare.page_compare, "tables": tables.page_tables, "teams": teams.page_teams,
                  "foi": foi.page_foi, "about": about.page_about}
_LOG = logging.getLogger("pimap.app")
APP_STYLE = f"<style>{APP_CSS}</style>"  # every page's (the map's own style has it too: webapp.mapview)


def show_page(view: View) -> None:
    """Draw the chosen page under the line saying what our list of teams holds beside the published UK count
    (every page states it): a library refusal (PimapError) shows its message, as text; anything else a
    short generic message, with the details logged server-side."""
    try:
        st.caption(escape_markdown(list_sentence(view.geography, view.year, view.as_of, view.nation,
                                                 register=view.register, grades=view.grades)))
        show_synthetic_warning()  # on every page while the session's FOI replies are synthetic
        PAGE_FUNCTIONS[view.page](view)
    except PimapError as exc:
        st.error(escape_markdown(exc))
    except Exception:
        _LOG.exception("page %r failed (view %s)", view.page, view)
        st.error(PAGE_FAILED)


def show_notes() -> None:
    """Say what the link (or the last change of view) asked for that the view could not take, once; the values
    came from a link, so they are shown as text."""
    notes = take_notes()
    if notes:
        st.warning("Part of this view could not be shown as asked:")
        st.text("\n".join(notes))


def draw_page() -> None:
    """What every st.Page runs: the page the navigation chose, for the view the sidebar holds."""
    show_page(current_view())


def main() -> None:
    st.set_page_config(page_title=TITLE, layout="wide")
    first_run = not st.session_state.get("_initialised")
    init_state()
    load_foi_file_from_env()  # before the sidebar, so it offers the FOI measure when the file loaded
    page = navigate(draw_page)
    first_view.start(first_run, st.session_state["page"])
    whole_page = not first_view.map_first()  # else the headings and the map, the rest a run later
    if whole_page:
        st.html(APP_STYLE)  # a style only: Streamlit keeps it out of the page's elements
    st.set_page_config(page_title=f"{PAGES[st.session_state['page']]} · {TITLE}")
    check_view()  # the sidebar's rules for the view, before the page (its widgets may come a run later)
    if whole_page:
        sidebar()
    st.title(TITLE)
    with st.container():  # one place, with notes or without, so what follows keeps its place
        if whole_page:
            show_notes()
    page.run()
    sync_url(current_view())


main()
