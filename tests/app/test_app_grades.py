"""Which evidence grades count as a team (the sidebar's 'Count as a team', AppTest), and the headline every
page states: our list beside the published UK count."""

from __future__ import annotations

from datetime import date

import pytest
from app_helpers import assert_no_failure, open_page, run_app

from mapping.analysis.list_count import list_count_of
from mapping.analysis.selection import Selection, load_inputs
from webapp.state import PAGES

pytestmark = pytest.mark.slow


def headline(at) -> str:
    return next(c.value for c in at.caption if c.value.startswith("Our list on "))


def teams_operating(at) -> int:
    return int(next(m.value for m in at.metric if m.label == "Teams operating"))


def test_every_page_states_the_list_beside_the_published_count(mirror):
    at = run_app(geo="uk2023", year="2020", date="2022")
    expected = list_count_of(load_inputs(Selection("uk2023", 2020, date(2022, 7, 1)))).sentence()
    for page in PAGES:
        open_page(at, page)
        assert headline(at) == expected, page
    assert "published UK count: 39 (Parent-Infant Foundation, March 2022)" in expected


def test_foundation_only_changes_every_count_and_is_kept_in_the_url(mirror):
    at = run_app(geo="uk2023", year="2020", date="2022")
    every = teams_operating(at)
    at.sidebar.radio(key="grades").set_value("foundation").run()
    assert_no_failure(at)
    foundation = load_inputs(Selection("uk2023", 2020, date(2022, 7, 1), grades=("foundation",)))
    service_rows = load_inputs(Selection("uk2023", 2020, date(2022, 7, 1), grades=("service", "mention")))
    assert teams_operating(at) < every
    # the areas' teams count per area; the national figure is the distinct operating teams of the grade
    assert teams_operating(at) == foundation.operating["team_id"].nunique()
    assert not service_rows.operating.empty
    assert headline(at).endswith(f"Counted as teams here: only teams the Parent-Infant Foundation names "
                                 f"({list_count_of(foundation).counted}).")
    assert at.query_params["grades"] in ("foundation", ["foundation"])
    # a link with the choice reopens it; an unknown value falls back to every grade
    again = run_app(geo="uk2023", year="2020", date="2022", grades="foundation")
    assert teams_operating(again) == teams_operating(at)
    odd = run_app(geo="uk2023", year="2020", date="2022", grades="<b>all</b>")
    assert teams_operating(odd) == every and "grades" not in odd.query_params
