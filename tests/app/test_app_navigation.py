"""The app's pages through st.navigation, with the view kept in the URL (AppTest).

A run opened with ``?page=<id>`` is the link a visitor follows (the root with a page id: every link made
before the pages had paths, and every link the app writes). The tests that draw a real page read the real
data (marked slow); those whose page fails on purpose need none.
"""

from __future__ import annotations

import logging

import pytest
from app_helpers import APP, assert_no_failure, open_page, run_app

from mapping.errors import PimapError
from mapping.present.text import escape_markdown
from webapp.pages import PAGE_FAILED
from webapp.state import PAGES

# What each page shows first: its header.
HEADERS = {
    "map": "Babies aged 0-2 and parent-infant teams: UK",
    "ladder": "Provision ladder: the level of parent-infant provision by area (UK)",
    "profile": "Area profile",
    "compare": "Compare areas",
    "tables": "Tables and downloads",
    "teams": "Teams register",
    "foi": "FOI replies on CAMHS and under-3s",
    "about": "Methodology and sources",
}
SIDEBAR_KEYS = {"geo": "selectbox", "year": "selectbox", "when": "select_slider", "nation": "selectbox"}
# app.py's PAGE_FUNCTIONS: the module and function of each page, for making one fail.
PAGE_MODULES = {"map": ("webapp.pages.map", "page_map"), "ladder": ("webapp.pages.ladder", "page_ladder"),
                "profile": ("webapp.pages.profile", "page_profile"),
                "compare": ("webapp.pages.compare", "page_compare"), "tables": ("webapp.pages.tables", "page_tables"),
                "teams": ("webapp.pages.teams", "page_teams"), "foi": ("webapp.pages.foi", "page_foi"),
                "about": ("webapp.pages.about", "page_about")}


def sidebar_values(at) -> dict:
    """The view the sidebar's widgets hold, and the map's measure (drawn on the map's page only, kept on every page)."""
    values = {key: getattr(at, kind)(key=key).value for key, kind in SIDEBAR_KEYS.items()}
    if at.session_state["page"] == "map":
        assert at.radio(key="measure").value == at.session_state["measure"]
    return {**values, "measure": at.session_state["measure"]}


def headers(at) -> list[str]:
    return [h.value for h in at.header]


def test_every_page_has_its_path_and_title():
    assert list(PAGES) == list(HEADERS) == list(PAGE_MODULES)
    assert len(set(PAGES.values())) == len(PAGES)


@pytest.mark.slow
@pytest.mark.parametrize("page", list(PAGES))
def test_each_page_opens_by_its_link(mirror, page):
    at = run_app(page=page)
    assert at.session_state["page"] == page
    assert headers(at)[0] == HEADERS[page]
    assert at.query_params["page"] == page  # written back, with the rest of the view
    from webapp.state import default_geography

    assert {k: at.query_params[k] for k in ("geo", "nation", "measure")} == {
        "geo": default_geography(), "nation": "UK", "measure": "share_covered"}


@pytest.mark.slow
def test_an_old_link_opens_its_page_and_view(mirror):
    """A link from before the pages had paths: the root, with the page and the view in the query string."""
    at = run_app(page="tables", geo="uk2018", year="2019", date="2023", measure="age0_2", nation="Scotland")
    assert headers(at)[0] == HEADERS["tables"]
    assert sidebar_values(at) == {"geo": "uk2018", "year": 2019, "when": "2023", "measure": "age0_2",
                                  "nation": "Scotland"}
    assert at.query_params == {"page": "tables", "geo": "uk2018", "year": "2019", "date": "2023",
                               "measure": "age0_2", "nation": "Scotland"}


@pytest.mark.slow
def test_an_unknown_page_opens_the_map(mirror):
    at = run_app(page="nope", geo="uk2018")
    assert at.session_state["page"] == "map" and headers(at)[0] == HEADERS["map"]
    assert at.query_params["page"] == "map" and at.query_params["geo"] == "uk2018"


@pytest.mark.slow
def test_the_view_survives_page_switches(mirror):
    at = run_app(geo="uk2018", date="2023", nation="Wales")
    at.selectbox(key="year").set_value(2019).run()
    at.radio(key="measure").set_value("uncovered_age0_2").run()
    assert_no_failure(at)
    view = sidebar_values(at)
    assert view == {"geo": "uk2018", "year": 2019, "when": "2023", "measure": "uncovered_age0_2", "nation": "Wales"}
    url = dict(at.query_params)
    for page in ("ladder", "profile", "tables", "foi", "about", "map"):
        open_page(at, page)
        assert headers(at)[0] == HEADERS[page].replace(": UK", ": Wales").replace("(UK)", "(Wales)")
        assert sidebar_values(at) == view, page
        assert dict(at.query_params) == {**url, "page": page}


@pytest.mark.slow
def test_the_chosen_area_survives_a_page_switch(mirror):
    at = run_app(page="profile", geo="uk2018", date="2023", area="E38000021")
    assert at.subheader[0].value.startswith("NHS Brighton and Hove CCG (E38000021)")
    open_page(at, "map")
    assert at.query_params["area"] == "E38000021"
    open_page(at, "profile")
    assert at.subheader[0].value.startswith("NHS Brighton and Hove CCG (E38000021)")


# --- a page that fails: real data for the line above every page (our list's count), then the page raises --


def _run_failing(monkeypatch, page: str, error: Exception):
    from streamlit.testing.v1 import AppTest

    module, name = PAGE_MODULES[page]

    def fail(view) -> None:
        raise error

    monkeypatch.setattr(f"{module}.{name}", fail)
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params.update({"page": page, "geo": "uk2018", "nation": "Wales"})
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


@pytest.mark.parametrize("page", list(PAGES))
def test_a_failing_page_shows_the_generic_message_and_logs_the_details(mirror, monkeypatch, caplog, page):
    caplog.set_level(logging.ERROR, logger="pimap.app")
    at = _run_failing(monkeypatch, page, RuntimeError("boom in /srv/secret/path.py"))
    assert [e.value for e in at.error] == [PAGE_FAILED]
    shown = " ".join(str(e.value) for e in [*at.error, *at.markdown, *at.header])
    assert "boom" not in shown and "/srv/secret" not in shown
    assert f"page {page!r} failed" in caplog.text and "boom in /srv/secret/path.py" in caplog.text
    # the rest of the app still works: the sidebar is there and the view is still written to the URL
    assert at.selectbox(key="geo").value == "uk2018"
    assert at.query_params["page"] == page and at.query_params["nation"] == "Wales"


@pytest.mark.parametrize("page", list(PAGES))
def test_a_refusal_shows_its_message_as_text(mirror, monkeypatch, page):
    message = "no data for *this* area [x](javascript:y)"
    at = _run_failing(monkeypatch, page, PimapError(message))
    assert [e.value for e in at.error] == [escape_markdown(message)]  # as text: never bold, never a link
    assert escape_markdown(message) != message
    assert at.query_params["page"] == page
