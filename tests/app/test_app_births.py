"""Births in the app (AppTest): a map measure, and the births the profile's capacity estimate scales."""

from __future__ import annotations

import pytest
from app_helpers import assert_no_failure, frame, run_app, show_map_table

pytestmark = pytest.mark.slow


def test_births_measure_shows_each_areas_births_and_their_period(mirror):
    from boundaries.births import area_births
    from mapping.present.webmap import MEASURES

    at = run_app(geo="hb2019", year="2020", measure="births")
    assert_no_failure(at)
    assert at.radio(key="measure").value == "births"
    show_map_table(at)
    shown = frame(at, MEASURES["births"].label).set_index("code")[MEASURES["births"].label]
    births = area_births("hb2019", 2020).set_index("code")
    assert len(shown) == 14
    for code, row in births.iterrows():
        assert shown[code].startswith(f"{row['births']:,}")
        assert row["period"] in shown[code]  # the nearest period, said (Scotland has none to June 2020)
    assert "nearest published to mid-2020" in births["period"].iloc[0]


def test_profile_capacity_scales_live_births(mirror):
    from boundaries.births import area_births

    at = run_app(page="profile", geo="hb2019", year="2020", area="S08000024")
    assert_no_failure(at)
    lothian = area_births("hb2019", 2020).set_index("code").loc["S08000024"]
    text = " ".join(m.value for m in at.markdown)
    assert f"{lothian['births']:,} live births" in text
    assert f"**Live births:** {lothian['births']:,} a year ({lothian['period']})" in text.replace("\\", "")
