"""Page 'Compare areas' (AppTest): the areas in the URL, at most five, similar areas, the downloads, and
figures equal to the library's for the same selection."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest
from app_helpers import APP_YEAR, assert_no_failure, capture_downloads, run_app

from mapping.analysis import history
from webapp.state import MAX_COMPARE

pytestmark = pytest.mark.slow

GEO = "uk2026"
CORNWALL, DEVON, CARDIFF = "E54000036", "E54000037", "W11000029"


def _table(at, key: str) -> pd.DataFrame:
    """The side-by-side table ("compare_table", the page's static table) or a measure's table over
    time ("compare_over_time_<measure>": the tables with an 'Area' column, in OVER_TIME's order, one per tab);
    a table a visitor cannot select from has no key AppTest can read."""
    if key == "compare_table":  # a static table, its figures the row headers
        return at.table[0].value.reset_index()
    over = [t.value for t in at.table[1:]]  # one per tab, a row per date: turned back to a row per area
    assert len(over) == len(history.OVER_TIME)
    shown = over[[f"compare_over_time_{m}" for m, _, _ in history.OVER_TIME].index(key)]
    return shown.T.rename_axis(index="Area", columns=None).reset_index()


def _gaps(when: date | None = None, year: int = APP_YEAR) -> pd.DataFrame:
    from mapping.analysis.coverage import compute_gaps
    from mapping.analysis.selection import Selection, load_inputs

    gaps = compute_gaps(load_inputs(Selection(GEO, year, when or date.today())))
    return pd.DataFrame(gaps.drop(columns="geometry"))


@pytest.fixture(scope="module")
def downloads():
    """Every file a download button offers in this module, by file name."""
    with pytest.MonkeyPatch.context() as patch:
        yield capture_downloads(patch)


@pytest.fixture(scope="module")
def opened(mirror, downloads):
    """The page opened by a shared link naming two areas."""
    return run_app(page="compare", geo=GEO, compare=f"{CORNWALL},{DEVON}")


def test_a_link_opens_its_areas_and_is_written_back(opened):
    at = opened
    assert at.header[0].value == "Compare areas"
    assert at.multiselect(key="compare_pick").value == [CORNWALL, DEVON]
    assert at.query_params["compare"] == f"{CORNWALL},{DEVON}"
    assert at.query_params["page"] == "compare"
    assert not at.warning


def test_side_by_side_figures_equal_compute_gaps_of_the_view(opened):
    table = _table(opened, "compare_table").set_index("Figure")
    gaps = _gaps().set_index("code")
    labels = history.area_labels(gaps.reset_index())
    for code in (CORNWALL, DEVON):
        column, row = table[labels[code]], gaps.loc[code]
        assert column["Babies aged 0-2"].split(" ")[0] == f"{row['age0_2']:,.0f}"
        assert column["Babies aged 0-2 with no team"] == f"{row['uncovered_age0_2']:,.0f}"
        assert column["Share of babies aged 0-2 covered"] == f"{100 * row['share_covered']:.1f}%"
        assert column["Teams serving the area"] == str(len([t for t in row["teams"].split("; ") if t]))
    assert table[labels[CORNWALL]]["Provision level (without FOI replies)"].startswith("2: CAMHS parent-infant")
    assert table[labels[CORNWALL]]["Coverage"] == "no team"
    # both English: the same births period, said once under the table instead of in every column
    assert "Births period" not in table.index
    assert any(c.value.startswith("Births period, every area: ") for c in opened.caption)


def test_tables_over_time_equal_area_history(opened):
    rows = history.area_history(GEO, [CORNWALL, DEVON])
    labels = history.area_labels(_gaps())
    for measure, _, _ in history.OVER_TIME:
        shown = _table(opened, f"compare_over_time_{measure}")
        assert shown.equals(history.over_time(rows, measure, labels)), measure
    babies = _table(opened, "compare_over_time_age0_2")
    assert list(babies.columns[1:3]) == ["1 July 2019", "1 July 2020"]
    assert babies.columns[-1].startswith("today (")
    first = rows[(rows["code"] == CORNWALL) & (rows["as_of"] == date(2019, 7, 1))].iloc[0]
    assert babies.iloc[0, 1] == f"{first['age0_2']:,.0f}"  # whole babies, mid-2019 for 1 July 2019
    assert first["population_year"] == 2019


def test_both_downloads_carry_the_views_meta_and_plain_headers(opened, downloads):
    from downloads_helpers import csv_rows
    from words_helpers import scan_csv

    labels = [b.proto.label for b in opened.get("download_button")]
    assert labels == ["Download the side-by-side table (CSV)", "Download the figures over time (CSV)"]
    names = [n for n in downloads if n.startswith(("pimap-compare-", "pimap-compare-over-time-"))]
    assert any(n.startswith(f"pimap-compare-{GEO}-{CORNWALL}-{DEVON}") for n in names)
    over_time = next(downloads[n] for n in names if n.startswith("pimap-compare-over-time-"))
    comments, table = csv_rows(over_time)
    assert any(c.startswith("# title: Areas compared over time") for c in comments)
    assert any(c.startswith("# attribution: ") for c in comments)
    assert any("mid-2019" in c or "2019" in c for c in comments if c.startswith("# source: "))
    header = table[0]
    assert "babies aged 0-2" in header and "teams as of" in header and "team ids" not in header
    assert len(table) - 1 == 2 * len(history.history_dates())
    babies = header.index("babies aged 0-2")
    assert all(row[babies].isdigit() for row in table[1:])
    assert scan_csv(over_time, "compare over time") == []


def test_the_page_reads_in_words(opened):
    from words_helpers import scan_app

    assert scan_app(opened, "compare") == []


def test_a_code_not_found_is_named_and_the_rest_kept(mirror):
    at = run_app(page="compare", geo=GEO, compare=f"{CORNWALL},E99999999,{DEVON}")
    assert any("E99999999" in w.value and "not found" in w.value for w in at.warning)
    assert at.multiselect(key="compare_pick").value == [CORNWALL, DEVON]
    assert at.query_params["compare"] == f"{CORNWALL},{DEVON}"


def test_at_most_five_areas(mirror):
    codes = ["E54000036", "E54000037", "E54000038", "E54000041", "E54000043", "E54000011"]
    at = run_app(page="compare", geo=GEO, compare=",".join(codes))
    assert at.multiselect(key="compare_pick").value == codes[:MAX_COMPARE]
    assert at.multiselect(key="compare_pick").proto.max_selections == MAX_COMPARE
    assert any("Up to 5 areas" in w.value and "E54000011" in w.value for w in at.warning)
    assert at.query_params["compare"] == ",".join(codes[:MAX_COMPARE])
    assert len(_table(at, "compare_table").columns) == 1 + MAX_COMPARE


def test_choosing_areas_updates_the_url(mirror):
    at = run_app(page="compare", geo=GEO)
    assert any("Choose up to 5 areas" in i.value for i in at.info)
    at.multiselect(key="compare_pick").set_value([CARDIFF, CORNWALL]).run()
    assert_no_failure(at)
    assert at.query_params["compare"] == f"{CARDIFF},{CORNWALL}"
    assert list(_table(at, "compare_table").columns[1:]) == [history.area_labels(_gaps())[c] for c in (CARDIFF, CORNWALL)]


def test_similar_areas_of_the_area_in_the_view(mirror):
    at = run_app(page="compare", geo=GEO, area=CORNWALL)
    assert at.selectbox(key="compare_like").value == CORNWALL  # the area in the view, offered first
    at.button(key="compare_similar").click().run()
    assert_no_failure(at)
    expected = history.similar_areas(_gaps(), CORNWALL, n=MAX_COMPARE - 1)["code"].tolist()
    assert at.multiselect(key="compare_pick").value == [CORNWALL, *expected]
    assert at.query_params["compare"] == ",".join([CORNWALL, *expected])


def test_another_geography_says_which_areas_are_left_out(mirror):
    at = run_app(page="compare", geo=GEO, compare=f"{CORNWALL},{CARDIFF}")
    at.selectbox(key="geo").set_value("uk2023").run()
    assert_no_failure(at)
    assert any(CORNWALL in w.value and "left out" in w.value for w in at.warning)
    assert at.multiselect(key="compare_pick").value == [CARDIFF]  # Cardiff and Vale is in both
    assert at.query_params["compare"] == CARDIFF
