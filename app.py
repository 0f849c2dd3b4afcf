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
from webapp.data import list_sentence
from webapp.foi_session import load_foi_file_from_env, show_synthetic_warning
from webapp.formatting import escape_markdown
from webapp.pages import PAGE_FAILED, about, compare, foi, ladder, profile, tables, teams
from webapp.pages import map as national_map
from webapp.state import PAGES, View, current_view, init_state, navigate, sidebar, sync_url, take_notes

TITLE = "Parent-Infant Provision Map"
PAGE_FUNCTIONS = {"map": national_map.page_map, "ladder": ladder.page_ladder, "profile": profile.page_profile,
                  "compare": compare.page_compare, "tables": tables.page_tables, "teams": teams.page_teams,
                  "foi": foi.page_foi, "about": about.page_about}
_LOG = logging.getLogger("pimap.app")
# Layout and contrast only: captions at full strength (Streamlit draws them at 60% opacity, 3.9:1 on white,
# where WCAG 2.2 AA asks 4.5:1), and a smaller title on phones so the page's content starts on the first screen.
APP_STYLE = ("<style>[data-testid='stCaptionContainer'] { opacity: 1; color: #5f5e5c; }"
             "@media (max-width: 699.98px) { [data-testid='stMain'] h1 { font-size: 1.6rem; } "
             "[data-testid='stMain'] h2 { font-size: 1.5rem; } }</style>")


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
    st.html(APP_STYLE)
    init_state()
    load_foi_file_from_env()  # before the sidebar, so it offers the FOI measure when the file loaded
    page = navigate(draw_page)
    st.set_page_config(page_title=f"{PAGES[st.session_state['page']]} · {TITLE}")
    sidebar()
    st.title(TITLE)
    show_notes()
    page.run()
    sync_url(current_view())


main()
