"""The 2026 ICBs in the app (AppTest): the default view, name and postcode search on uk2026."""

from __future__ import annotations

from datetime import date

import pytest
from app_helpers import APP_YEAR, assert_no_failure, run_app

pytestmark = pytest.mark.slow


def test_name_and_postcode_search_find_2026_icbs(mirror):
    from boundaries.catalogue import area_table

    names = area_table("uk2026").set_index("code")["name"]
    at = run_app(page="profile")  # the default: the areas in force today
    assert at.session_state["geo"] == "uk2026"
    at.text_input(key="search").input("cornwall").run()
    assert_no_failure(at)
    assert at.subheader[0].value.startswith(f"{names['E54000036']} (E54000036)")
    at.text_input(key="search").input("TR21 0HU").run()  # St Mary's, Isles of Scilly
    assert_no_failure(at)
    assert "E54000036" in at.success[0].value


def test_the_sidebar_says_which_areas_were_in_force(mirror):
    at = run_app(geo="uk2026", date="2019", year=str(APP_YEAR))
    assert_no_failure(at)
    assert any(c.value == "UK commissioning areas in force on 1 July 2019: uk2018 (not the geography shown)."
               for c in at.sidebar.caption)
    today = run_app()
    shown = date.today()
    assert any(c.value == f"UK commissioning areas in force on {shown.day} {shown:%B %Y}: uk2026."
               for c in today.sidebar.caption)
