"""A new visitor's national map first, the rest of the page once the map says it is drawn (webapp.first_view), as a
server that enables it serves the app (server.py); AppTest, which no browser is behind, sees the whole page at
once unless a test enables it.

The map's own signal (webapp/map.js) is tested in tests/unit/test_mapview.py; here a stand-in for the map's
component says "drawn", as the page's script would.
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from app_helpers import APP, assert_no_failure

from webapp import first_view, mapview

pytestmark = pytest.mark.slow

HEADER = "Babies aged 0-2 and parent-infant teams: UK"


@pytest.fixture()
def enabled(monkeypatch):
    monkeypatch.setitem(first_view._SERVER, "enabled", True)


def _app(**params):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(APP, default_timeout=300)
    for key, value in params.items():
        at.query_params[key] = value
    return at


def _whole_page(at) -> bool:
    return bool(at.sidebar.selectbox) and len(at.metric) == 4 and bool(at.radio)


def test_without_a_server_that_enables_it_the_whole_page_comes_at_once():
    at = _app()
    at.run()
    assert_no_failure(at)
    assert _whole_page(at) and not at.session_state[first_view.MAP_FIRST]


def test_a_new_visitors_first_run_draws_the_headings_and_the_map_and_keeps_the_rest(enabled):
    at = _app()
    at.run()
    assert_no_failure(at)
    assert at.session_state[first_view.MAP_FIRST]
    assert HEADER in [h.value for h in at.header]
    assert not at.sidebar.selectbox and not at.sidebar.radio and not at.metric and not at.radio and not at.toggle
    assert "Includes estimates." in " ".join(c.value for c in at.caption)  # text: shown at once, in its place
    at.run()  # a run before the map says it is drawn (none here): still the first view
    assert at.session_state[first_view.MAP_FIRST] and not at.metric


def test_once_the_map_says_it_is_drawn_the_whole_page_comes_with_the_view_kept(enabled, monkeypatch):
    at = _app(geo="uk2023", measure="uncovered_age0_2", nation="Wales")
    at.run()
    assert at.session_state[first_view.MAP_FIRST] and not at.metric
    monkeypatch.setattr(mapview, "_MAP", lambda **kwargs: SimpleNamespace(area=None, missing=None, drawn=True))
    at.run()
    assert_no_failure(at)
    assert not at.session_state[first_view.MAP_FIRST] and _whole_page(at)
    assert at.sidebar.selectbox(key="geo").value == "uk2023" and at.sidebar.selectbox(key="nation").value == "Wales"
    assert at.radio(key="measure").value == "uncovered_age0_2"
    assert at.query_params["geo"] == "uk2023" and at.query_params["measure"] == "uncovered_age0_2"


@pytest.mark.parametrize("drawn", [None, False, "drawn", 1, [True], {"drawn": True}])
def test_anything_but_true_from_the_page_leaves_the_first_view(enabled, monkeypatch, drawn):
    at = _app()
    at.run()
    monkeypatch.setattr(mapview, "_MAP", lambda **kwargs: SimpleNamespace(area=None, missing=None, drawn=drawn))
    at.run()
    assert_no_failure(at)
    assert at.session_state[first_view.MAP_FIRST] and not at.metric


def test_another_page_is_drawn_whole_even_on_a_sessions_first_run(enabled):
    at = _app(page="tables")
    at.run()
    assert_no_failure(at)
    assert not at.session_state[first_view.MAP_FIRST] and at.sidebar.selectbox


def test_a_link_that_asks_for_what_the_view_cannot_take_is_said_on_the_whole_page(enabled, monkeypatch):
    """The note is kept for the whole page: a first view says nothing of it (on such a link, the note then moves
    the map down when it comes: a link the app could not take as asked is worth the jump)."""
    at = _app(geo="uk2023", nation="Atlantis")
    at.run()
    assert not at.warning
    monkeypatch.setattr(mapview, "_MAP", lambda **kwargs: SimpleNamespace(area=None, missing=None, drawn=True))
    at.run()
    assert_no_failure(at)
    assert "Part of this view could not be shown as asked:" in [w.value for w in at.warning]
    assert "Atlantis" in " ".join(t.value for t in at.text)
