"""The Streamlit app through Streamlit's AppTest: every page runs, and shows the library's figures.

Each test drives the real app script on the real data (from the mirror). Figures are compared with
direct library calls, formatted the way the page formats them.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest
from app_helpers import (
    APP_YEAR,
    FOI_FIXTURE,
    assert_no_failure,
    frame,
    fresh_figures_on_disk,
    open_page,
    run_app,
    show_map_table,
)

pytestmark = pytest.mark.slow


FOI_LABEL = "CAMHS FOI reply class"


def metrics(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def gaps_of(geography: str, year: int, as_of: date):
    """The library's gaps table for the selection the app builds from the view (the built-in register)."""
    from mapping.analysis.coverage import compute_gaps
    from mapping.analysis.selection import Selection, load_inputs

    return compute_gaps(load_inputs(Selection(geography, year, as_of)))


def summary(geography: str, year: int, as_of: date) -> dict:
    from mapping.analysis.coverage import summarise

    return summarise(gaps_of(geography, year, as_of))


def expected_metrics(scope: dict) -> dict[str, str]:
    return {
        "Teams operating": str(scope["teams_operating"]),
        "Babies aged 0-2 with no team": f"{scope['age0_2_uncovered']:,.0f}",
        "Share of babies aged 0-2 covered": f"{100 * scope['share_covered']:.1f}%",
        "Areas with no team": f"{scope['areas_without_team']} of {scope['areas']}",
    }


# --- national map ----------------------------------------------------------------------------------


def test_map_page_shows_the_uk_summary(mirror):
    from webapp.state import default_geography

    at = run_app()
    # the areas in force today: the 2026 ICBs, with Wales's, Scotland's and Northern Ireland's boards and trusts
    assert default_geography(date(2026, 12, 1)) == "uk2026" and default_geography(date(2025, 7, 1)) == "uk2023"
    assert metrics(at) == expected_metrics(summary(default_geography(), APP_YEAR, date.today()))
    assert at.query_params["geo"] == default_geography() and at.query_params["page"] == "map"


def test_map_page_reopens_a_shared_link(mirror):
    at = run_app(geo="uk2018", year="2019", date="2023", measure="uncovered_age0_2", nation="Wales")
    assert at.selectbox(key="geo").value == "uk2018"
    assert at.selectbox(key="nation").value == "Wales"
    assert at.radio(key="measure").value == "uncovered_age0_2"
    wales = summary("uk2018", 2019, date(2023, 7, 1))["nations"]["Wales"]
    assert metrics(at) == expected_metrics(wales)
    assert any("Wales" in h.value for h in at.header)
    assert len(at.dataframe) == 0  # the map's table is sent only when asked for
    show_map_table(at)
    table = frame(at, "babies aged 0-2 with no team")
    assert set(table["nation"]) == {"Wales"} and len(table) == wales["areas"]
    gaps = gaps_of("uk2018", 2019, date(2023, 7, 1)).set_index("code")
    assert table["babies aged 0-2 with no team"].tolist() == [
        f"{gaps.loc[code, 'uncovered_age0_2']:,.0f}" for code in table["code"]]


def test_bad_url_values_fall_back_to_defaults(mirror):
    from webapp.state import default_geography

    at = run_app(geo="nowhere", measure="bogus", date="1999", nation="Atlantis", page="nope")
    assert (at.selectbox(key="geo").value, at.radio(key="measure").value) == (default_geography(), "share_covered")
    assert (at.select_slider(key="when").value, at.selectbox(key="nation").value) == ("today", "UK")


def test_widget_changes_recompute_only_what_changed(mirror, monkeypatch, tmp_path):
    import streamlit as st

    import mapping.analysis.coverage

    calls = []
    real = mapping.analysis.coverage.compute_gaps

    def counting(*args, **kwargs):
        calls.append(args[0].selection.as_of)  # compute_gaps(inputs)
        return real(*args, **kwargs)

    st.cache_data.clear()
    fresh_figures_on_disk(monkeypatch, tmp_path)
    monkeypatch.setattr(mapping.analysis.coverage, "compute_gaps", counting)
    at = run_app(geo="uk2018", date="2021")
    assert len(calls) == 1
    at.radio(key="measure").set_value("age0_2").run()
    at.selectbox(key="nation").set_value("Scotland").run()
    assert_no_failure(at)
    assert len(calls) == 1  # restyling and zooming reuse the cached table
    at.select_slider(key="when").set_value("2022").run()
    assert_no_failure(at)
    assert len(calls) == 2 and calls[-1] == date(2022, 7, 1)
    assert at.query_params["date"] == "2022" and at.query_params["nation"] == "Scotland"


def test_a_restarted_server_draws_the_first_map_from_the_figures_on_disk(mirror, monkeypatch, tmp_path):
    """The first map's figures of the built-in register are kept on disk (webapp.figure_store): a new process
    (Streamlit's memory caches cleared) draws the same map and figures without computing any of them again (each
    file read back through the store's unpickler, which builds only what a figure is made of)."""
    import streamlit as st

    import mapping.analysis.coverage

    expected = expected_metrics(summary("uk2018", 2019, date(2021, 7, 1))["nations"]["Wales"])
    st.cache_data.clear()
    folder = fresh_figures_on_disk(monkeypatch, tmp_path)
    first = run_app(geo="uk2018", year="2019", date="2021", nation="Wales")
    assert {p.name.split("-")[0] for p in folder.rglob("*.figure")} >= {
        "summary_of", "styled_areas", "team_overlays", "list_sentence", "nation_view"}

    import mapping.analysis.list_count
    from mapping.present import webmap

    def never(*args, **kwargs):
        raise AssertionError("a figure kept on disk was computed again")

    st.cache_data.clear()  # as a new server process
    for module, name in ((mapping.analysis.coverage, "compute_gaps"), (mapping.analysis.coverage, "summarise"),
                         (webmap, "area_properties"), (webmap, "team_overlays"), (webmap, "nation_bounds"),
                         (mapping.analysis.list_count, "list_count_of")):
        monkeypatch.setattr(module, name, never)
    again = run_app(geo="uk2018", year="2019", date="2021", nation="Wales")
    assert metrics(again) == metrics(first) == expected
    assert [c.value for c in again.caption] == [c.value for c in first.caption]
    assert [m.value for m in again.markdown] == [m.value for m in first.markdown]


# --- area profile ----------------------------------------------------------------------------------


def _profile(geography: str, code: str, as_of: date | None = None) -> dict:
    from mapping.analysis.capacity import capacity_births, capacity_by_area
    from mapping.analysis.profile import area_profile

    gaps = pd.DataFrame(gaps_of(geography, APP_YEAR, as_of or date.today()).drop(columns="geometry"))
    births = capacity_births(geography, APP_YEAR)
    return area_profile(gaps, code, capacity=capacity_by_area(gaps, births=births, year=APP_YEAR))


def test_profile_by_postcode_shows_the_library_figures(mirror):
    at = run_app(page="profile", geo="uk2023")
    at.text_input(key="search").input("tr21 0hu").run()
    assert_no_failure(at)
    assert "E38000089" in at.success[0].value and "outside every boundary polygon" in at.success[0].value
    p = _profile("uk2023", "E38000089")
    shown = metrics(at)
    assert shown["Babies aged 0 (mid-year)"] == f"{p['age0']:,.0f}"
    assert shown["Babies aged 0-2"] == f"{p['age0_2']:,.0f}"
    assert shown["Babies aged 0-2 with no team"] == f"{p['uncovered_age0_2']:,.0f}"
    text = " ".join(m.value for m in at.markdown)
    assert f"{p['capacity']['teams_needed']:.2f} reference-size teams" in text
    assert f"{p['nearest_team_km']:,.1f} km" in text if p["nearest_team"] else "Serving teams" in text
    assert at.query_params["area"] == "E38000089"


@pytest.mark.parametrize("postcode, message", [
    ("GY1 1AA", "Channel Islands, outside the UK"),
    ("ZZ99 9ZZ", "does not exist"),
    ("B13 3AH", "no grid reference"),
])
def test_profile_refuses_bad_postcodes_clearly(mirror, postcode, message):
    at = run_app(page="profile")
    at.text_input(key="search").input(postcode).run()
    assert_no_failure(at)
    assert message in at.error[0].value


def test_profile_by_forgiving_name_and_from_url(mirror):
    at = run_app(page="profile", geo="uk2018", date="2023")
    at.text_input(key="search").input("nhs BRIGHTON & hove").run()
    assert_no_failure(at)
    assert at.subheader[0].value.startswith("NHS Brighton and Hove CCG (E38000021)")
    p = _profile("uk2018", "E38000021", date(2023, 7, 1))
    assert metrics(at)["Share of babies aged 0-2 covered"] == f"{100 * p['share_covered']:.1f}%"
    again = run_app(page="profile", geo="uk2018", date="2023", area="E38000021")
    assert again.subheader[0].value.startswith("NHS Brighton and Hove CCG (E38000021)")


# --- tables and downloads --------------------------------------------------------------------------


def test_tables_page_shows_the_gaps_and_teams(mirror):
    from mapping.inputs.teams import load_teams, teams_as_of

    at = run_app(page="tables", geo="uk2023", date="2024", nation="Scotland")
    gaps = gaps_of("uk2023", APP_YEAR, date(2024, 7, 1))
    gaps = gaps[gaps["nation"] == "Scotland"]
    shown = frame(at, "babies aged 0-2 with no team")  # the gaps table, its headers in words
    assert shown["area code"].tolist() == gaps["code"].tolist()
    # babies in whole numbers, the estimated flag kept
    assert shown["babies aged 0-2 with no team"].tolist() == gaps["uncovered_age0_2"].round().astype(int).tolist()
    assert shown.filter(like="estimated").iloc[:, 0].tolist() == gaps["estimated"].tolist()
    teams = teams_as_of(load_teams(), date(2024, 7, 1))
    assert frame(at, "host organisation")["team"].tolist() == \
        teams.loc[teams["nation"] == "Scotland", "name"].tolist()
    labels = [b.label for b in at.get("download_button")]
    assert {"Download gaps (CSV)", "Download gaps (XLSX)", "Download gaps (GEOJSON)",
            "Download teams (CSV)", "Download teams (XLSX)"} <= set(labels)


# --- FOI upload ------------------------------------------------------------------------------------


def test_foi_upload_shows_funnel_and_enables_the_measure(mirror):
    from mapping.inputs.foi_io import analyse_file

    at = run_app(page="foi", geo="uk2018")
    at.file_uploader(key="foi_upload").upload("replies.csv", FOI_FIXTURE.read_bytes(), "text/csv").run()
    assert_no_failure(at)
    funnel = analyse_file(FOI_FIXTURE).funnel
    message = at.success[0].value
    assert f"{funnel['areas_with_reply']} of {funnel['areas_total']} areas replied" in message
    assert f"{funnel['accept']} accept them" in message
    assert any("SYNTHETIC" in w.value for w in at.warning)
    open_page(at, "map")
    assert FOI_LABEL in at.radio(key="measure").options
    at.radio(key="measure").set_value("foi_class").run()
    assert_no_failure(at)
    show_map_table(at)
    assert set(frame(at, "babies aged 0-2 with no team")["class"]) <= {
        "does not accept under-3s", "accepts, no age breakdown", "accepts, none referred", "accepts, none seen",
        "accepts, 1-5 seen", "accepts, more than 5 seen", "accepts, number seen unclear", "no usable reply",
        "outside the FOI's geography", "no data"}


def test_foi_errors_name_row_and_column(mirror):
    lines = FOI_FIXTURE.read_text(encoding="utf-8").splitlines()
    header_at = next(i for i, line in enumerate(lines) if line.startswith("reply_id,"))
    header = lines[header_at].split(",")
    cells = lines[header_at + 2].split(",")  # a simple row: no quoted commas
    cells[header.index("referrals_0_12")] = "-4"
    lines[header_at + 2] = ",".join(cells)
    at = run_app(page="foi")
    at.file_uploader(key="foi_upload").upload("bad.csv", "\n".join(lines).encode(), "text/csv").run()
    assert_no_failure(at)
    issues = frame(at, "severity")
    bad = issues[issues["severity"] == "error"]
    assert len(bad) >= 1
    assert (bad["row"] == header_at + 3).any() and (bad["column"] == "referrals_0_12").any()
    assert "error" in at.error[0].value
    open_page(at, "map")
    assert FOI_LABEL not in at.radio(key="measure").options


def test_foi_size_limit(mirror):
    at = run_app(page="foi")
    at.file_uploader(key="foi_upload").upload("huge.csv", b"x" * (5 * 1024 * 1024 + 1), "text/csv").run()
    assert_no_failure(at)
    assert "the limit is 5 MB" in at.error[0].value


def test_foi_upload_is_not_seen_by_another_session(mirror):
    first = run_app(page="foi")
    first.file_uploader(key="foi_upload").upload("replies.csv", FOI_FIXTURE.read_bytes(), "text/csv").run()
    open_page(first, "map")
    assert FOI_LABEL in first.radio(key="measure").options
    second = run_app(page="tables")
    assert any("No FOI replies loaded in this session" in i.value for i in second.info)
    open_page(second, "map")
    assert FOI_LABEL not in second.radio(key="measure").options


# --- methodology ---------------------------------------------------------------------------------


def test_methodology_lists_every_source_and_the_limitations(mirror):
    import boundaries

    at = run_app(page="about")
    sources = frame(at, "licence")
    assert set(boundaries.fetch.registry()) <= set(sources["id"])
    assert {"teams", "postcodes"} <= set(sources["id"])
    assert sources["licence"].str.len().gt(0).all()
    text = " ".join(m.value for m in at.markdown)
    for phrase in ("Children by small area are estimated where only district", "the nearest published one is used and named",
                   "FOI replies are not published", "What counts as a team", "Capacity arithmetic"):
        assert phrase in text
