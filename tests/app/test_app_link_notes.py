"""A link's values the view cannot take are said on the page, as text, with what is shown instead (AppTest).

Every parameter of the view is refused the same way (webapp.state.link_note): the page names the parameter, the
value as the link gave it (quoted, cut when long), what the app shows instead and the values that work; the
link is rewritten to the view shown. A change of view that makes a choice impossible (a nation outside the new
geography, a comparison date no longer earlier) is said the same way. The values are hostile text: shown with
``st.text``, never as Markdown.
"""

from __future__ import annotations

import pytest
from app_helpers import assert_no_failure, run_app

from webapp.state import PAGES, default_geography

pytestmark = pytest.mark.slow

HEADING = "Part of this view could not be shown as asked:"


def notes(at) -> str:
    """The notes the page says, as the text element under the heading (empty when there is none)."""
    warnings = [w.value for w in at.warning]
    if HEADING not in warnings:
        return ""
    return "\n".join(t.value for t in at.text)


@pytest.mark.parametrize("param, value, said, shown", [
    ("geo", "uk1999", "the geography “uk1999”", f"shows {default_geography()}"),
    ("year", "2031", "the population year “2031”", "shows mid-2024"),
    ("date", "1066", "the date of the teams “1066”", "shows the teams as of today"),
    ("measure", "SHARE_COVERED", "the map's measure “SHARE_COVERED”", "shows 'Share of babies aged 0-2 covered"),
    ("nation", "Atlantis", "the nation “Atlantis”", "shows the whole UK"),
    ("grades", "mentioned", "the teams counted “mentioned”", "shows every team"),
    ("page", "nowhere", "the page “nowhere”", f"shows the page '{PAGES['map']}'"),
    ("since", "2030", "a comparison with “2030”", "shows no comparison"),
])
def test_a_refused_link_value_is_said_with_what_is_shown_and_the_fix(mirror, param, value, said, shown):
    at = run_app(**{param: value})
    text = notes(at)
    assert f"The link asks for {said}" in text and shown in text and "To fix the link, use one of:" in text
    assert at.query_params.get(param) != value  # the link now names the view shown


def test_the_values_that_work_are_listed():
    from webapp.state import link_note

    note = link_note("the nation", "Atlantis", "which is not one the app knows", "the whole UK",
                     ("UK", "England", "Wales"))
    assert note.endswith("To fix the link, use one of: UK, England, Wales.")


def test_a_long_hostile_value_is_shown_as_text_and_cut(mirror):
    value = "<script>alert(1)</script>**bold**" + "x" * 90_000
    at = run_app(measure=value)
    assert_no_failure(at)
    text = notes(at)
    assert "“<script>alert(1)</script>**bold**" in text  # as typed: st.text, never Markdown or HTML
    assert f"({len(value):,} characters)" in text and len(text) < 2_000
    assert at.session_state["measure"] == "share_covered"


def test_an_empty_value_is_said(mirror):
    at = run_app(geo="")
    assert "The link asks for the geography an empty value" in notes(at)


def test_a_good_link_says_nothing_and_a_note_is_said_once(mirror):
    at = run_app(geo="uk2023", year="2022", date="2023", measure="age0_2", nation="Wales", grades="foundation",
                 since="2020")
    assert notes(at) == ""
    at = run_app(nation="Atlantis")
    assert "Atlantis" in notes(at)
    at.run()
    assert_no_failure(at)
    assert notes(at) == ""  # said once, not on every run


def test_an_area_not_in_the_geography_is_said(mirror):
    at = run_app(page="profile", geo="uk2023", area="E99999999")
    assert "Area code “E99999999” was not found in uk2023" in notes(at)
    assert at.session_state["area"] is None and "area" not in at.query_params


def test_a_measure_the_view_does_not_offer_is_said(mirror):
    at = run_app(measure="foi_class")
    assert "The map's measure 'CAMHS FOI reply class' needs FOI replies loaded" in notes(at)
    at = run_app(measure="coverage_change")
    assert "needs an earlier date to compare with" in notes(at)
    assert at.session_state["measure"] == "share_covered"


@pytest.mark.parametrize("link, widget, key, value, said, state, reset", [
    ({"geo": "uk2023", "nation": "Scotland"}, "selectbox", "geo", "ccg2019", "Scotland is not part of ccg2019",
     "nation", "UK"),
    ({"date": "2023", "since": "2021"}, "select_slider", "when", "2020",
     "A comparison with 1 July 2021 needs the teams shown for a later date", "since", "none"),
])
def test_a_choice_a_change_of_view_makes_impossible_is_said(mirror, link, widget, key, value, said, state, reset):
    at = run_app(**link)
    assert notes(at) == ""
    getattr(at, widget)(key=key).set_value(value).run()
    assert_no_failure(at)
    assert said in notes(at)
    assert at.session_state[state] == reset
