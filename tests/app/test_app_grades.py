"""Which evidence grades count as a team (the sidebar's 'Count as a team', AppTest), and the headline every
page states: our list beside the published UK count."""

from __future__ import annotations

from datetime import date

import pytest
from app_helpers import APP_YEAR, assert_no_failure, capture_downloads, open_page, run_app

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


def test_every_download_of_the_view_says_when_only_foundation_teams_count(mirror, monkeypatch):
    """The file names of the tables page's, the map of change's and the compare page's downloads say
    'foundation-named' under that choice (as the pack's and the site's ZIPs do), and only under it."""
    def names(grades: str) -> list[str]:
        with monkeypatch.context() as patch:  # downloads caught for this choice's runs only
            downloads = capture_downloads(patch)
            view = {"geo": "uk2026", "date": "2022", "grades": grades}
            run_app(page="tables", **view)
            run_app(page="compare", compare="E54000036,W11000029", **view)
            run_app(page="map", since="2019", **view)
        return sorted(downloads)

    every, foundation = names("all"), names("foundation")
    kinds = ("gaps", "teams", "compare", "compare-over-time", "team-changes", "coverage-changes")
    for found in (every, foundation):  # each kind was offered, so the names below are not vacuous
        assert all(any(name.startswith(f"pimap-{kind}-uk2026-") for name in found) for kind in kinds), found
    assert not [name for name in every if "foundation-named" in name]
    assert len(foundation) == len(every) and all("-foundation-named" in name for name in foundation), foundation
    assert f"pimap-gaps-uk2026-pop{APP_YEAR}-teams2022-07-01-foundation-named.csv" in foundation
