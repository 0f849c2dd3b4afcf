"""The profile page's search box (AppTest, real data): every name people use finds its area on uk2023 and uk2026,
a postcode too; several equally good matches are offered as a choice; nonsense is refused with the query as text."""

from __future__ import annotations

import pytest
from app_helpers import assert_no_failure, run_app

pytestmark = pytest.mark.slow

# The area each query must open (codes stated, as in tests/integration/test_area_names.py).
EXPECTED = {
    "uk2023": [("Leeds", "E38000225"), ("Brighton", "E38000021"), ("NHS Leeds CCG", "E38000225"),
               ("nhs kernow ccg", "E38000089"), ("Kernow", "E38000089"), ("Glasgow", "S08000031"),
               ("15F", "E38000225"), ("TR21 0HU", "E38000089"), ("LS1 4AP", "E38000225")],
    "uk2026": [("Leeds", "E54000054"), ("Brighton", "E54000069"), ("NHS Leeds CCG", "E54000054"),
               ("nhs kernow ccg", "E54000036"), ("Kernow", "E54000036"), ("Glasgow", "S08000031"),
               ("15F", "E54000054"), ("TR21 0HU", "E54000036"), ("LS1 4AP", "E54000054")],
}


@pytest.mark.parametrize("geography", sorted(EXPECTED))
def test_every_name_people_use_opens_its_area(mirror, geography):
    at = run_app(page="profile", geo=geography)
    for query, code in EXPECTED[geography]:
        at.text_input(key="search").input(query).run()
        assert_no_failure(at)
        assert at.session_state["area"] == code, (query, [m.value for m in at.info + at.warning])
        assert code in at.success[0].value  # what was found, said
        assert at.subheader[0].value.startswith(tuple(_names(geography, code))), query
        assert at.query_params["area"] == code


def _names(geography: str, code: str) -> set[str]:
    """The ways the profile may head the area: its display name or its name."""
    from boundaries.catalogue import area_table
    from boundaries.names import display_names

    return {display_names(geography)[code], area_table(geography).set_index("code").loc[code, "name"]}


def test_sub_icb_matches_show_their_display_names(mirror):
    at = run_app(page="profile", geo="uk2023")
    at.text_input(key="search").input("Leeds").run()
    assert "Leeds (NHS West Yorkshire ICB, 15F) (E38000225), found by local authority: Leeds" in at.success[0].value


def test_several_matches_are_a_choice_of_display_names(mirror):
    at = run_app(page="profile", geo="uk2023")
    at.text_input(key="search").input("London").run()
    assert_no_failure(at)
    assert "5 areas match “London”: choose one." in [m.value for m in at.info]
    choice = at.radio(key="search_pick")
    assert set(choice.options) >= {"North East London (NHS North East London ICB, A3A8R) (E38000255)",
                                   "South West London (NHS South West London ICB, 36L) (E38000245)"}
    choice.set_value("E38000245").run()
    assert_no_failure(at)
    assert at.session_state["area"] == "E38000245"


def test_nonsense_is_refused_with_the_query_as_text(mirror):
    from webapp.formatting import escape_markdown

    query = "zzzz *bold* [link](x)"
    at = run_app(page="profile", geo="uk2026")
    at.text_input(key="search").input(query).run()
    assert_no_failure(at)
    warning = at.warning[0].value
    assert warning.startswith(f"No area matches “{escape_markdown(query)}”")  # escaped: shown as typed
    assert "\\*bold\\*" in warning
    assert at.session_state["area"] is None if "area" in at.session_state else True
    assert "search_pick" not in [r.key for r in at.radio]
