"""The provision ladder and the report-pack download in the app, through Streamlit's AppTest.

Figures shown are compared with direct library calls (mapping.analysis.ladder, mapping.analysis.reach), formatted the
way the page formats them. The FOI replies used are the repository's SYNTHETIC fixture.
"""

from __future__ import annotations

import io
import json
import tempfile
import zipfile
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from app_helpers import (
    APP_YEAR,
    FOI_FIXTURE,
    REPO,
    assert_no_failure,
    capture_downloads,
    frame,
    fresh_figures_on_disk,
    open_page,
    run_app,
    show_map_table,
)

pytestmark = pytest.mark.slow
LADDER_LABEL = "Provision ladder"


def static_table(at, index_name: str) -> pd.DataFrame:
    """The first static table (st.table) whose index is named ``index_name``."""
    for element in at.table:
        if element.value.index.name == index_name:
            return element.value
    raise AssertionError(f"no table indexed by {index_name!r}")


def upload_foi(at) -> None:
    at.file_uploader(key="foi_upload").upload("replies.csv", FOI_FIXTURE.read_bytes(), "text/csv").run()
    assert_no_failure(at)


def ladder(geography: str, year: int, as_of: date, foi: bool = False) -> pd.DataFrame:
    from mapping.analysis.ladder import compute_ladder, foi_areas_from_classes
    from mapping.analysis.selection import Selection, load_inputs

    foi_areas = None
    if foi:
        from mapping.inputs.foi_io import analyse_file

        analysis = analyse_file(FOI_FIXTURE)
        foi_areas = foi_areas_from_classes(analysis.classified, analysis.geography)
    return compute_ladder(load_inputs(Selection(geography, year, as_of)), foi_areas=foi_areas, geometry=False)


def expected_babies_table(summary: pd.DataFrame) -> dict[str, dict[str, str]]:
    """summarise_ladder's babies at each level, as the page prints them: {level label: {scope: text}}."""
    from mapping.analysis.ladder import LEVEL_LABELS, LEVEL_SLUGS, LEVELS

    out = {LEVEL_LABELS[lv]: {r["scope"]: f"{r[f'age0_2_{LEVEL_SLUGS[lv]}']:,.0f} "
                                          f"({100 * r[f'share_{LEVEL_SLUGS[lv]}']:.1f}%)"
                              for r in summary.to_dict("records")} for lv in LEVELS}
    out["all levels"] = {r["scope"]: f"{r['age0_2']:,.0f}" for r in summary.to_dict("records")}
    return out


def expected_areas_table(summary: pd.DataFrame) -> dict[str, dict[str, str]]:
    from mapping.analysis.ladder import LEVEL_LABELS, LEVEL_SLUGS, LEVELS

    out = {LEVEL_LABELS[lv]: {r["scope"]: f"{r[f'areas_{LEVEL_SLUGS[lv]}']} "
                                          f"({100 * r[f'areas_share_{LEVEL_SLUGS[lv]}']:.1f}%)"
                              for r in summary.to_dict("records")} for lv in LEVELS}
    out["all areas"] = {r["scope"]: str(r["areas"]) for r in summary.to_dict("records")}
    out["areas with babies at more than one level"] = {r["scope"]: str(r["areas_split"])
                                                       for r in summary.to_dict("records")}
    return out


def shown(table: pd.DataFrame) -> dict[str, dict[str, str]]:
    return {level: row.to_dict() for level, row in table.iterrows()}


# --- the map measure -------------------------------------------------------------------------------


def test_ladder_measure_renders_with_the_library_levels(mirror):
    from mapping.present import webmap

    at = run_app(measure="ladder_level", geo="uk2023", date="2024", nation="Wales")
    assert at.radio(key="measure").value == "ladder_level"
    assert at.query_params["measure"] == "ladder_level"
    expected = ladder("uk2023", APP_YEAR, date(2024, 7, 1))
    expected = expected[expected["nation"] == "Wales"].set_index("code")
    show_map_table(at)
    table = frame(at, LADDER_LABEL).set_index("code")
    assert sorted(table.index) == sorted(expected.index)
    for code, row in table.iterrows():
        lad = expected.loc[code]
        assert row[LADDER_LABEL].startswith(lad["level_label"])
        if lad["split"]:
            assert f"({100 * lad['level_share']:.1f}% of babies aged 0-2)" in row[LADDER_LABEL]
        assert row["babies aged 0-2 at each level"] == webmap.ladder_levels_text(lad, estimated=bool(lad["estimated"]))
        assert row["evidence (team ids; specialist areas; FOI reply ids)"] == webmap.ladder_evidence_text(lad)
    # Without FOI replies nothing can be at level 1 or 0, and the page says so under the map.
    assert not table[LADDER_LABEL].str.match(r"^[01]:").any()
    assert any("no area is at level 1 or 0" in i.value for i in at.info)
    legend = " ".join(m.value for m in at.markdown)
    assert "Legend in words (Provision ladder)" in legend and "unknown: nothing known either way" in legend


def test_ladder_is_computed_once_per_data_choice(mirror, monkeypatch, tmp_path):
    import streamlit as st

    import mapping.analysis.ladder

    calls = []
    real = mapping.analysis.ladder.compute_ladder

    def counting(*args, **kwargs):
        calls.append(args[0].selection.as_of)  # compute_ladder(inputs, ...)
        return real(*args, **kwargs)

    st.cache_data.clear()
    fresh_figures_on_disk(monkeypatch, tmp_path)
    monkeypatch.setattr(mapping.analysis.ladder, "compute_ladder", counting)
    at = run_app(measure="ladder_level", geo="uk2018", date="2021")
    assert len(calls) == 1
    at.selectbox(key="nation").set_value("Scotland").run()
    at.radio(key="measure").set_value("share_covered").run()
    at.radio(key="measure").set_value("ladder_level").run()
    open_page(at, "ladder")
    assert_no_failure(at)
    assert len(calls) == 1  # zooming, restyling and the ladder page reuse the cached ladder
    at.select_slider(key="when").set_value("2022").run()
    assert_no_failure(at)
    assert len(calls) == 2 and calls[-1] == date(2022, 7, 1)
    assert at.query_params["page"] == "ladder" and at.query_params["measure"] == "ladder_level"


# --- the ladder page ----------------------------------------------------------------------------------


def test_ladder_page_figures_equal_summarise_ladder(mirror):
    from mapping.analysis.ladder import ladder_display_table, summarise_ladder
    from mapping.analysis.reach import compute_reach, national_reach_of
    from mapping.analysis.selection import Selection, load_inputs

    as_of = date(2023, 7, 1)
    at = run_app(page="ladder", geo="uk2018", date="2023", nation="Wales")
    assert at.query_params["page"] == "ladder" and at.session_state["page"] == "ladder"
    lad = ladder("uk2018", APP_YEAR, as_of)
    summary = summarise_ladder(lad)
    summary = summary[summary["scope"] == "Wales"]  # the nation chosen heads the page
    assert shown(static_table(at, "babies aged 0-2 at")) == expected_babies_table(summary)
    assert shown(static_table(at, "areas at")) == expected_areas_table(summary)
    pd.testing.assert_frame_equal(frame(at, "Evidence").reset_index(drop=True), ladder_display_table(lad, "Wales"))

    record = static_table(at, "published")
    from mapping.analysis.growth import load_published_counts
    from mapping.analysis.reach import published_record
    from mapping.inputs.dates import parse_date
    from mapping.inputs.teams import load_teams

    published = load_published_counts()
    known = published[[parse_date(str(a), end=True).date() <= as_of for a in published["as_of"]]]
    expected_record = published_record(load_teams(), known)
    assert record.index.tolist() == expected_record["as_of"].tolist()
    assert record["published UK count"].tolist() == expected_record["teams"].tolist()
    assert record["operating in this list"].tolist() == expected_record["listed_operating"].tolist()
    assert record["why they differ"].tolist() == expected_record["explanation"].tolist()
    assert "2025-06" not in record.index  # published after the date chosen
    chart = [m.value for m in at.markdown if m.value.startswith('<img src="data:image/png;base64,')]
    assert len(chart) == 1 and 'alt="Teams by year: ' in chart[0]  # the teams-by-year chart, with its text alternative

    from mapping.analysis.reach import national_reach, summarise_reach

    by_nation = summarise_reach(compute_reach(load_inputs(Selection("uk2018", APP_YEAR, as_of)))).set_index("scope")
    wales = by_nation.loc["Wales"]  # the nation chosen: its own teams and exact babies, the pack's arithmetic
    reach = national_reach(int(wales["teams"]), float(wales["babies"]))
    assert national_reach_of(compute_reach(load_inputs(Selection("uk2018", APP_YEAR, as_of))))["scope"] == \
        "United Kingdom"
    metric = next(m for m in at.metric if m.label.startswith("Reach of the"))
    assert metric.value == f"{100 * reach['reach']:.1f}%" and f"{reach['teams']} teams" in metric.label
    assert any(reach["arithmetic"] in m.value for m in at.markdown)


def test_ladder_page_with_this_sessions_foi_replies(mirror):
    from mapping.analysis.ladder import summarise_ladder

    at = run_app(page="foi", geo="uk2018", date="2019")
    upload_foi(at)
    open_page(at, "ladder")
    assert_no_failure(at)
    summary = summarise_ladder(ladder("uk2018", APP_YEAR, date(2019, 7, 1), foi=True))
    assert summary["share_level_1"].iloc[0] > 0  # the synthetic replies put some babies at level 1
    assert shown(static_table(at, "babies aged 0-2 at")) == expected_babies_table(summary)
    assert any("SYNTHETIC" in w.value and "replies.csv" in w.value for w in at.warning)
    # Another visitor's session does not see this session's replies.
    other = run_app(page="ladder", geo="uk2018", date="2019")
    assert shown(static_table(other, "babies aged 0-2 at")) == expected_babies_table(
        summarise_ladder(ladder("uk2018", APP_YEAR, date(2019, 7, 1))))


# --- methodology ---------------------------------------------------------------------------------


def test_methodology_includes_the_ladder_rules(mirror):
    at = run_app(page="about")
    text = "\n".join(m.value for m in at.markdown)
    doc = (REPO / "docs" / "methodology_ladder.md").read_text(encoding="utf-8")
    for line in doc.splitlines():
        if line.strip():
            assert line.lstrip("#").strip() in text, line
    for phrase in ("| **3** |", "So with **no FOI data**, no area can be at level 1 or 0", "no_evidence_level"):
        assert phrase in text


# --- report pack -----------------------------------------------------------------------------------


def test_pack_is_explained_for_other_geographies(mirror):
    at = run_app(page="tables", geo="ccg2018")
    from mapping.report import PACK_GEOGRAPHIES

    assert any(f"UK-wide geographies only ({', '.join(PACK_GEOGRAPHIES)})" in i.value for i in at.info)
    assert not [b for b in at.button if b.key == "build_pack"]


def test_pack_download_is_a_zip_listed_by_its_manifest(mirror, monkeypatch):
    """Builds a real pack (about a minute) with this session's FOI upload."""
    downloads = capture_downloads(monkeypatch)
    import mapping.report

    foi_given = []
    real_load_inputs = mapping.report.load_inputs

    def load_inputs(selection, *args, **kwargs):  # the app passes the pack's selection, the replies in it
        foi_given.append(None if selection.foi is None else (selection.foi.file_name, selection.foi.data))
        return real_load_inputs(selection, *args, **kwargs)

    monkeypatch.setattr(mapping.report, "load_inputs", load_inputs)
    temp = Path(tempfile.gettempdir())
    before = set(temp.glob("pimap-pack-*"))
    at = run_app(page="foi", geo="uk2018", year="2019", date="2019")
    upload_foi(at)
    open_page(at, "tables")
    assert_no_failure(at)
    at.button(key="build_pack").click().run(timeout=600)
    assert_no_failure(at)
    name = "pimap-report-pack-uk2018-pop2019-teams2019-07-01-foi.zip"
    button = next(b for b in at.get("download_button") if b.proto.label.startswith("Download the report pack"))
    archive = zipfile.ZipFile(io.BytesIO(downloads[name]))
    entries = archive.namelist()
    folder = name.removesuffix(".zip")
    assert all(e.startswith(folder + "/") for e in entries)
    manifest = json.loads(archive.read(f"{folder}/manifest.json"))
    listed = {f["path"] for f in manifest["files"]}
    assert listed == {e.removeprefix(folder + "/") for e in entries} - {"manifest.json"}
    assert f"({len(entries)} files" in button.proto.label
    assert manifest["parameters"] == {"geography": "uk2018", "population_year": 2019, "as_of": "2019-07-01",
                                      "age": "0-2", "foi": "replies.csv", "grades": "all"}
    assert {"tables/foi_funnel.csv", "tables/foi_classes.csv", "summary.md"} <= listed
    assert set(temp.glob("pimap-pack-*")) == before  # nothing left on the server
    assert foi_given == [("replies.csv", FOI_FIXTURE.read_bytes())]  # the upload from memory, never a file
    assert not [b for b in at.button if b.key == "build_pack"]  # built: only the download is offered


# --- reach by nation: the pack's figures -----------------------------------------------------------------


def pack_reach_by_nation(geography: str, year: int, as_of: date) -> pd.DataFrame:
    """The pack's reach_by_nation table (mapping.report.ladder.report_tables) for the selection."""
    from mapping.report import load_inputs
    from mapping.report.inputs import pack_selection
    from mapping.report.ladder import report_tables

    return report_tables(load_inputs(pack_selection(geography, year, as_of=as_of)))["reach_by_nation"]


def reach_rows_as_shown(reach: pd.DataFrame) -> dict[str, dict[str, str]]:
    """A reach-by-nation table as the ladder page prints it: whole numbers, reach to one decimal per cent."""
    return {r["scope"]: {"teams": str(int(r["teams"])), "babies aged 0": f"{r['babies']:,.0f}",
                         "babies in need (15%)": f"{r['need']:,.0f}",
                         "families teams can support a year": f"{r['families']:,.0f}",
                         "reach": f"{100 * r['reach']:.1f}%"} for r in reach.to_dict("records")}


@pytest.mark.parametrize("nation", [None, "Wales"])
def test_reach_by_nation_is_filled_and_equals_the_packs(mirror, nation):
    """Issue 15: the table was empty on every view (its rows did not match its index)."""
    as_of = date(2023, 7, 1)
    at = run_app(page="ladder", geo="uk2023", date="2023", **({"nation": nation} if nation else {}))
    table = static_table(at, "scope")
    pack = pack_reach_by_nation("uk2023", APP_YEAR, as_of)
    expected = reach_rows_as_shown(pack if nation is None else pack[pack["scope"] == nation])
    assert shown(table) == expected
    assert not table.isna().any().any() and "nan" not in table.to_string()
    if nation is None:
        assert list(table.index) == ["United Kingdom", "England", "Wales", "Scotland", "Northern Ireland"]
    metric = next(m for m in at.metric if m.label.startswith("Reach of the"))
    first = pack.iloc[0] if nation is None else pack[pack["scope"] == nation].iloc[0]
    assert metric.value == f"{100 * first['reach']:.1f}%" and f"{int(first['teams'])} teams" in metric.label


def test_one_nation_geography_is_headed_by_its_nation(mirror):
    """hb2019 (Scotland's health boards): headed and summed as Scotland, with no UK count stated as its own."""
    at = run_app(page="ladder", geo="hb2019", date="2023")
    assert "(Scotland)" in at.header[0].value
    assert list(static_table(at, "scope").index) == ["Scotland"]
    assert list(static_table(at, "babies aged 0-2 at").columns) == ["Scotland"]
    assert any(s.value.startswith("Reach: families supported a year against babies in need (Scotland)")
               for s in at.subheader)
    assert any("no published count for Scotland" in c.value for c in at.caption)
    assert not any("published UK count:" in c.value for c in at.caption)
    assert any("No published count for Scotland" in i.value for i in at.info)
