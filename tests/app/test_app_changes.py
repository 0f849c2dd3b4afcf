"""The map of change on the map page (AppTest): comparing the teams on two dates."""

from __future__ import annotations

from datetime import date

import pytest
from app_helpers import assert_no_failure, frame, run_app

from mapping.analysis.changes import compute_changes, summary_text
from mapping.analysis.selection import Selection, load_inputs

pytestmark = pytest.mark.slow


def test_comparing_2019_with_2022_lists_norpip_closed_and_says_the_change(mirror):
    at = run_app(geo="uk2023", year="2020", date="2022", since="2019")
    assert_no_failure(at)
    changes = compute_changes(load_inputs(Selection("uk2023", 2020, date(2019, 7, 1))),
                              load_inputs(Selection("uk2023", 2020, date(2022, 7, 1))))
    shown = frame(at, "status before")
    norpip = shown[shown["team"].str.startswith("NorPIP")]
    assert norpip["change"].tolist() == ["closed"]
    assert len(shown) == len(changes.teams)
    first = summary_text(changes, ["UK"]).splitlines()[0]
    assert any(first.replace("+", "\\+") in m.value or first in m.value for m in at.markdown)
    assert at.query_params["since"] in ("2019", ["2019"])


def test_the_comparison_date_must_be_earlier_and_is_refused_quietly_otherwise(mirror):
    at = run_app(geo="uk2023", year="2020", date="2019", since="2022")  # later than the date shown
    assert_no_failure(at)
    assert "since" not in at.query_params
    assert not [d for d in at.dataframe if "status before" in d.value.columns]
    odd = run_app(geo="uk2023", year="2020", since="<script>")
    assert_no_failure(odd)
    assert "since" not in odd.query_params


def test_the_change_measure_colours_areas_by_babies_gained_and_lost(mirror):
    from app_helpers import show_map_table

    at = run_app(geo="uk2023", year="2020", date="2022", since="2019", measure="coverage_change")
    assert_no_failure(at)
    assert at.radio(key="measure").value == "coverage_change"
    show_map_table(at)
    table = frame(at, "class").set_index("code")
    changes = compute_changes(load_inputs(Selection("uk2023", 2020, date(2019, 7, 1))),
                              load_inputs(Selection("uk2023", 2020, date(2022, 7, 1)))).areas.set_index("code")
    lost = changes.index[(changes["lost"] > 0.5) & (changes["gained"] <= 0.5)]
    gained = changes.index[(changes["gained"] > 0.5) & (changes["lost"] <= 0.5)]
    assert len(lost) and len(gained)
    assert set(table.loc[lost, "class"]) == {"lost coverage"}
    assert set(table.loc[gained, "class"]) == {"gained coverage"}
    code = lost[0]
    row = changes.loc[code]
    assert table.loc[code, webmap_label()] == f"gained {row['gained']:,.0f}, lost {row['lost']:,.0f} (net {row['net']:+,.0f})"
    # without an earlier date the measure is not offered, and the map falls back to the share covered
    plain = run_app(geo="uk2023", year="2020", date="2022", measure="coverage_change")
    assert plain.radio(key="measure").value == "share_covered"


def webmap_label() -> str:
    from mapping.present.webmap import MEASURES

    return MEASURES["coverage_change"].label
