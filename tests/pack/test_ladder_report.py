"""The provision ladder in the report pack (mapping.report.ladder): maps, nation pages with every
area's level, the published-record chart and their tables.

The first part draws from tiny synthetic areas (invented boxes, names and levels) to test the page
rules; the rest builds one real pack from the data mirror (with the repository's synthetic FOI
fixture, which the pack flags) and checks its ladder files and figures against the library.
"""

from __future__ import annotations

import math
import re
from datetime import date
from itertools import combinations
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from pack_helpers import legend_texts, png_size_and_dpi

from mapping import report as R
from mapping.analysis.ladder import LEVEL_LABELS, LEVEL_SLUGS, LEVELS
from mapping.present import figures as F
from mapping.report import ladder as LR

REPO = Path(__file__).resolve().parents[2]
FOI_FIXTURE = REPO / "tests" / "fixtures" / "synthetic_foi_rare_jewels.csv"
AS_OF = date(2023, 9, 1)
NATIONS = ("England", "Wales", "Scotland", "Northern Ireland")
PAGE_INCHES = {"a4": (8.27, 11.69), "a4half": (8.27, 5.83), "slide": (13.333, 7.5)}


# --- helpers ---------------------------------------------------------------------------------------


def _text_boxes(fig) -> list[tuple[str, tuple[float, float, float, float]]]:
    """Every visible piece of text and every legend and axes on the page, as pixel boxes."""
    renderer = F.measuring_renderer(fig)
    boxes = []
    for t in fig.texts:
        if t.get_text().strip():
            b = t.get_window_extent(renderer)
            boxes.append((t.get_text()[:40], (b.x0, b.y0, b.x1, b.y1)))
    for legend in fig.legends:
        b = legend.get_window_extent(renderer)
        boxes.append(("legend", (b.x0, b.y0, b.x1, b.y1)))
    return boxes


def _overlapping(fig, *, with_axes: bool = True) -> list[tuple[str, str]]:
    """Pairs of texts, legends (and axes, if asked) that overlap by more than half a pixel."""
    boxes = _text_boxes(fig)
    if with_axes:
        for i, ax in enumerate(fig.axes):
            b = ax.get_window_extent(F.measuring_renderer(fig))
            boxes.append((f"axes {i}", (b.x0, b.y0, b.x1, b.y1)))
    out = []
    for (a, p), (b, q) in combinations(boxes, 2):
        if a.startswith("axes") and b.startswith("axes"):
            continue  # insets sit on the main map's sea on purpose
        if min(p[2], q[2]) - max(p[0], q[0]) > 0.5 and min(p[3], q[3]) - max(p[1], q[1]) > 0.5:
            out.append((a, b))
    return out


def _inside_page(fig) -> list[str]:
    width, height = fig.get_figwidth() * fig.dpi, fig.get_figheight() * fig.dpi
    return [name for name, (x0, y0, x1, y1) in _text_boxes(fig)
            if x0 < -0.5 or y0 < -0.5 or x1 > width + 0.5 or y1 > height + 0.5]


def _texts(fig) -> list[str]:
    return [t.get_text() for t in fig.texts]


# --- synthetic areas ---------------------------------------------------------------------------------
# SYNTHETIC: invented boxes near Birmingham (England) and Cardiff (Wales), one per level.


def _synthetic_ladder() -> gpd.GeoDataFrame:
    levels = ["3", "2", "1", "0", "unknown", None]
    shares = [1.0, 0.996, 0.705, 0.5, 1.0, np.nan]
    shapes = [shapely.box(-2.0 + 0.2 * i, 52.4, -1.8 + 0.2 * i, 52.6) for i in range(4)]
    shapes += [shapely.box(-3.4 + 0.2 * i, 51.5, -3.2 + 0.2 * i, 51.7) for i in range(2)]
    return gpd.GeoDataFrame({
        "code": [f"A{i}" for i in range(6)],
        "name": ["Zeta", "Alpha", "Gamma", "Beta", "Wye", "Usk"],
        "nation": ["England"] * 4 + ["Wales"] * 2,
        "level": pd.array(levels, dtype="string"),
        "level_share": shares,
        "foi_reply_ids": ["", "", "R1", "R2", "", ""],
    }, geometry=shapes, crs="EPSG:4326")


def test_share_text_never_says_all_or_none_unless_it_is():
    assert LR.share_text(1.0) == "100%"
    assert LR.share_text(0.996) == ">99%"
    assert LR.share_text(0.995) == ">99%"
    assert LR.share_text(0.99499) == "99%"
    assert LR.share_text(0.705) == "71%"  # halves up, not to even
    assert LR.share_text(0.125) == "13%"
    assert LR.share_text(0.004) == "<1%"
    assert LR.share_text(0.0) == "0%"
    assert LR.share_text(float("nan")) == "-"


def test_area_rows_give_each_area_once_sorted_with_its_label_and_share():
    rows = LR.area_rows(_synthetic_ladder(), "England")
    assert list(rows["area"]) == ["Alpha", "Beta", "Gamma", "Zeta"]
    assert list(rows["label"]) == [LEVEL_LABELS["2"], LEVEL_LABELS["0"], LEVEL_LABELS["1"], LEVEL_LABELS["3"]]
    assert list(rows["share_text"]) == [">99%", "50%", "71%", "100%"]
    wales = LR.area_rows(_synthetic_ladder(), "Wales").set_index("area")
    assert wales.loc["Usk", "level"] == LR.NO_AREAS and wales.loc["Usk", "label"] == "no small areas"
    assert wales.loc["Usk", "share_text"] == "-"


def test_common_affixes_only_when_every_name_has_them():
    assert LR.common_affixes(["NHS Barnet CCG", "NHS Bury CCG"]) == ("NHS ", " CCG")
    assert LR.common_affixes(["NHS Kent ICB - 91Q", "NHS Sussex ICB - 09D"]) == ("NHS ", "")
    assert LR.common_affixes(["NHS Barnet CCG", "Powys Teaching Health Board"]) == ("", "")


def test_table_columns_hold_every_row_once_in_order():
    lines = [1, 2, 1, 1, 2, 1, 1, 1, 2]
    for columns in (1, 2, 3):
        split = LR._split_columns(lines, columns)
        assert [i for column in split for i in column] == list(range(len(lines)))
        assert all(split)


def test_nation_page_prints_every_area_with_its_level_and_share_and_nothing_overlaps():
    ladder = _synthetic_ladder()
    rows = LR.area_rows(ladder, "England")
    text = F.FigureText("Title", "Subtitle", "Note " * 30, "Attribution", flag="SYNTHETIC")
    fig = LR.ladder_nation_page(ladder, "England", text=text, table=rows)
    texts = _texts(fig)
    for row in rows.itertuples():
        assert row.area in texts and row.label in texts and row.share_text in texts
    assert "SYNTHETIC" in texts
    keys = legend_texts(fig)
    for level in ("3", "2", "1", "0"):
        assert f"{LR.KEY_STYLES[level].label} (1 area)" in keys
    assert _overlapping(fig) == []
    assert _inside_page(fig) == []
    # Wales here has an area without small areas: drawn and listed, never dropped.
    fig = LR.ladder_nation_page(ladder, "Wales", text=text, table=LR.area_rows(ladder, "Wales"))
    assert {"Usk", "Wye", "no small areas"} <= set(_texts(fig))
    assert f"{LR.KEY_STYLES[LR.NO_AREAS].label} (1 area)" in legend_texts(fig)


def test_long_tables_are_split_over_pages_at_readable_type():
    """SYNTHETIC: 160 invented areas with long names, each on exactly one page, in order."""
    n = 160
    names = [f"Invented Area {i:03d} With A Long Compound Name" for i in range(n)]
    ladder = gpd.GeoDataFrame({"code": [f"X{i:03d}" for i in range(n)], "name": names, "nation": "England",
                               "level": pd.array(["3", "unknown"] * (n // 2), dtype="string"),
                               "level_share": 1.0, "foi_reply_ids": ""},
                              geometry=[shapely.box(0, 52, 0.1, 52.1)] * n, crs="EPSG:4326")
    rows = LR.area_rows(ladder, "England")
    pages = LR.table_pages(ladder, "England", rows,
                           lambda page, n, part: F.FigureText(f"Every area, page {page} of {n}", "Sub", "Note"))
    assert len(pages) > 1
    assert list(pd.concat([part for part, _ in pages])["area"]) == list(rows["area"])
    fig = LR.ladder_table_page(ladder, "England", text=pages[0][1], table=pages[0][0])
    sizes = {t.get_fontsize() for t in fig.texts if t.get_text().replace("\n", " ") in set(pages[0][0]["area"])}
    assert sizes and min(sizes) >= LR.TABLE_MIN_FONT
    assert _overlapping(fig) == [] and _inside_page(fig) == []


def test_published_record_chart_labels_are_the_record_numbers_once_each():
    """SYNTHETIC record and growth: two counts dated the same day share our count, labelled once."""
    record = pd.DataFrame({"as_of": ["2019", "2019-12", "2022-03"], "teams": [27, 29, 39],
                           "listed_operating": [28, 28, 28]})
    growth = pd.DataFrame({"year": [2019, 2020, 2021, 2022, 2023, 2024],
                           "listed_operating": [28, 28, 28, 28, 29, np.nan],
                           "target": [27.0, 29.8, 32.6, 35.4, 38.2, 41.0]})
    fig = LR.published_record_chart(record, growth, as_of=AS_OF, text=F.FigureText("t", "s", "n"),
                                    target_label="target path")
    labels = [t.get_text() for t in fig.axes[0].texts]
    assert sorted(labels) == sorted(["27", "29", "39", "28", "28", "29", "target 41"])
    assert _inside_page(fig) == []


# --- the real pack ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def pack(uk2023_foi_pack) -> Path:
    """The shared uk2023 pack with the synthetic FOI file (tests/conftest.py; AS_OF is its date)."""
    return uk2023_foi_pack


@pytest.fixture(scope="module")
def data(mirror) -> R.PackInputs:
    """The same inputs loaded afresh (for drawing single figures and the rebuild check)."""
    return R.load_inputs("uk2023", 2020, as_of=AS_OF, foi=FOI_FIXTURE)


def _selection_inputs():
    """The inputs of the pack's selection (uk2023, mid-2020, AS_OF), straight from the library."""
    from mapping.analysis.selection import Selection, load_inputs

    return load_inputs(Selection("uk2023", 2020, AS_OF))


@pytest.fixture(scope="module")
def library_ladder(mirror):
    """The ladder straight from the library, FOI answers read from the file (not through the pack)."""
    from mapping.analysis.ladder import compute_ladder, foi_areas_from_file

    foi_areas, synthetic = foi_areas_from_file(str(FOI_FIXTURE))
    assert synthetic
    return compute_ladder(_selection_inputs(), foi_areas=foi_areas, geometry=False)


def _ladder_files(pack: Path) -> set[str]:
    return {p.relative_to(pack).as_posix() for p in pack.rglob("*")
            if p.is_file() and ("ladder" in p.name or "published_record" in p.name or p.name == "reach.csv")}


@pytest.mark.slow
def test_pack_holds_the_ladder_files_non_empty_one_page_300_dpi(pack):
    files = _ladder_files(pack)
    stems = {"maps/ladder_uk_a4", "maps/ladder_uk_slide", "charts/teams_published_record_a4half",
             "charts/teams_published_record_slide", "maps/ladder_england_table_a4"}
    stems |= {f"maps/ladder_{LR.nation_slug(n)}_a4" for n in NATIONS}
    expected = {f"{s}.{ext}" for s in stems for ext in ("png", "svg", "pdf")}
    expected |= {f"tables/{t}.csv" for t in ("ladder_areas", "ladder_summary", "published_record", "reach")}
    assert expected <= files
    extra = files - expected
    assert all(re.fullmatch(r"maps/ladder_england_table_\d_a4\.(png|svg|pdf)", f) for f in extra), extra
    for name in files:
        path = pack / name
        assert path.stat().st_size > 0, name
        if name.endswith(".pdf"):
            raw = path.read_bytes()
            assert len(re.findall(rb"/Type\s*/Page(?![s\w])", raw)) == 1, name
        if name.endswith(".png"):
            width, height, dpi = png_size_and_dpi(path)
            inches = PAGE_INCHES[path.stem.rsplit("_", 1)[1]]
            assert dpi == pytest.approx(300, abs=0.1), name
            assert abs(width - inches[0] * 300) <= 1 and abs(height - inches[1] * 300) <= 1, name
    from openpyxl import load_workbook

    sheets = set(load_workbook(pack / "tables" / "tables.xlsx", read_only=True).sheetnames)
    assert {"ladder_areas", "ladder_summary", "published_record", "reach"} <= sheets


@pytest.mark.slow
def test_ladder_tables_are_the_librarys(pack, library_ladder):
    from mapping.analysis.ladder import summarise_ladder

    expected = summarise_ladder(library_ladder)
    summary = pd.read_csv(pack / "tables" / "ladder_summary.csv")
    assert list(summary["scope"]) == ["United Kingdom", *NATIONS]
    for column in expected.columns:
        if column == "scope":
            continue
        got, want = summary[column].to_numpy(), expected[column].to_numpy()
        if column.startswith("areas") or column == "estimated":
            assert list(got) == list(want), column
        else:
            assert got == pytest.approx(want.astype(float), rel=1e-12, abs=1e-9), column
    assert (summary["foi_synthetic"]).all() and (summary["foi_file"] == FOI_FIXTURE.name).all()

    areas = pd.read_csv(pack / "tables" / "ladder_areas.csv", dtype={"level": str}).set_index("code")
    lib = library_ladder.set_index("code")
    assert sorted(areas.index) == sorted(lib.index) and len(areas) == 132
    assert (areas["level"].fillna("") == lib.loc[areas.index, "level"].fillna("").astype(str)).all()
    for lv in LEVELS:
        column = f"share_{LEVEL_SLUGS[lv]}"
        assert areas[column].to_numpy() == pytest.approx(lib.loc[areas.index, column].to_numpy(dtype=float))
    # The FOI reaches levels 1 and 0 in England only (the fixture is English CCGs).
    assert set(areas.loc[areas["nation"] != "England", "level"]) <= {"3", "2", "unknown"}
    assert {"1", "0"} <= set(areas.loc[areas["nation"] == "England", "level"])


@pytest.mark.slow
def test_published_record_and_reach_tables_are_the_librarys(pack, mirror):
    from mapping.analysis.growth import load_published_counts
    from mapping.analysis.reach import (
        compute_reach,
        national_reach,
        published_record,
        summarise_reach,
    )
    from mapping.inputs.teams import load_teams

    record = pd.read_csv(pack / "tables" / "published_record.csv", dtype={"as_of": str})
    published = load_published_counts()
    known = published[published["as_of"].isin(["2019", "2019-12", "2022-03"])]  # dated by 2023-09-01
    expected = published_record(load_teams(), known)
    assert list(record["as_of"]) == ["2019", "2019-12", "2022-03"]  # 2023-09 is known only at its month's end
    for column in ("teams", "listed_operating", "listed_in_development", "difference"):
        assert list(record[column]) == list(expected[column]), column
    assert list(record["explanation"]) == list(expected["explanation"])

    reach = pd.read_csv(pack / "tables" / "reach.csv").iloc[0]
    uk = summarise_reach(compute_reach(_selection_inputs())).set_index("scope").loc["United Kingdom"]
    want = national_reach(int(uk["teams"]), float(uk["babies"]))
    assert reach["teams"] == want["teams"] == 33  # operating on 2023-09-01 in the public record (data/README.md)
    for key in ("babies", "families", "need", "reach", "teams_for_all", "multiple"):
        assert reach[key] == pytest.approx(want[key], rel=1e-12), key
    assert reach["arithmetic"] == want["arithmetic"]
    assert reach["arithmetic"].startswith("33 teams x 130 families a year = 4,290 families")


@pytest.mark.slow
def test_summary_ladder_section_is_the_librarys(pack, library_ladder, mirror):
    """Every number of the "Provision ladder" section of summary.md is summarise_ladder's share or
    national_reach's figure, written as the figures table says and traced to its table row."""
    from mapping.analysis.ladder import summarise_ladder
    from mapping.analysis.reach import compute_reach, national_reach, summarise_reach

    text = (pack / "summary.md").read_text()
    start = text.index("## Provision ladder - SYNTHETIC TEST DATA")  # the FOI fixture is synthetic
    section = text[start:text.index("\n## ", start + 1)]
    assert "SYNTHETIC: not real replies" in section
    figures = pd.read_csv(pack / "tables" / "figures.csv", dtype={"value": str, "text": str})
    mine = figures[figures["id"].str.startswith(("ladder.", "reach."))].set_index("id")

    expected = summarise_ladder(library_ladder)
    want: dict[str, float] = {}
    for row in expected.to_dict("records"):
        for lv in LEVELS:
            want[f"ladder.{row['scope']}.share_{LEVEL_SLUGS[lv]}"] = row[f"share_{LEVEL_SLUGS[lv]}"]
    uk = summarise_reach(compute_reach(_selection_inputs())).iloc[0]
    reach = national_reach(int(uk["teams"]), float(uk["babies"]))
    for key in ("teams", "families", "babies", "need", "reach", "teams_for_all", "multiple"):
        want[f"reach.{key}"] = reach[key]
    want["reach.families_per_team"] = reach["parameters"]["families_per_team"]
    want["reach.need_share"] = reach["parameters"]["need_share"]
    assert set(mine.index) == set(want)
    assert len(want) == 5 * 5 + 9

    def written(key: str) -> str:
        value = float(want[key])
        if key.startswith("ladder.") or key in ("reach.reach", "reach.need_share"):
            return f"{100 * value:.1f}%"
        if key == "reach.multiple":
            return f"{value:,.1f}"
        return f"{math.floor(value + 0.5):,}"

    for key, value in want.items():
        assert float(mine.loc[key, "value"]) == pytest.approx(float(value), rel=1e-12, abs=1e-12), key
        assert mine.loc[key, "text"] == written(key), key
        table, row, column = mine.loc[key, ["table", "row", "column"]]
        assert (table, row) == (("ladder_summary", f"scope = {key.split('.')[1]}") if key.startswith("ladder.")
                                else ("reach", "scope = United Kingdom")), key
        assert column == key.rsplit(".", 1)[1], key
        assert f"| `{key}` | {written(key)} | `tables/{table}.csv` | `{row}` | `{column}` |" in text, key

    # Each scope's sentence gives its five shares in the ladder's order...
    for scope in expected["scope"]:
        line = next(ln for ln in section.splitlines() if ln.startswith(f"- {scope}: "))
        shares = [written(f"ladder.{scope}.share_{LEVEL_SLUGS[lv]}") for lv in LEVELS]
        labels = [LR.SUMMARY_LEVELS[lv] for lv in LEVELS]
        assert line == (f"- {scope}: " + ", ".join(f"{s} at {lab}" for s, lab in zip(shares[:-1], labels[:-1]))
                        + f"; {shares[-1]} unknown.")
    # ...and the reach sentence is the library's arithmetic, number for number.
    r = {k.split(".", 1)[1]: written(k) for k in want if k.startswith("reach.")}
    assert (f"{r['teams']} teams operating on {AS_OF.isoformat()} supported {r['families_per_team']} families a year"
            in section)
    assert (f"{r['need_share']} x {r['babies']} babies under 1 = {r['need']} babies a year needing help: "
            f"reach = {r['families']} / {r['need']} = {r['reach']}; {r['need']} / {r['families_per_team']} = "
            f"{r['teams_for_all']} teams would reach all, {r['multiple']} times as many") in section
    assert reach["arithmetic"].startswith(f"{r['teams']} teams x {r['families_per_team']} families a year = "
                                          f"{r['families']} families")
    # No other number in the section (level names and the date aside).
    rest = section
    for fixed in [*LR.SUMMARY_LEVELS.values(), "aged 0-2", "Levels 1 and 0", "babies under 1", AS_OF.isoformat(),
                  *sorted((written(k) for k in want), key=len, reverse=True)]:
        rest = rest.replace(fixed, " ")
    assert not re.findall(r"\d", rest.replace("under-3s", " ")), rest


def _figures(specs) -> list:
    """The figures of the ladder's specs, each page of a PackPages laid out (as the writer's job does)."""
    return [page for spec in specs for page in (spec.pages() if isinstance(spec, R.PackPages) else [spec])]


@pytest.fixture(scope="module")
def drawn(data) -> dict:
    """The ladder figures of the real inputs, drawn once (A4 only), by name."""
    return {spec.name: spec.draw(spec.sizes[0]) for spec in _figures(LR.report_figures(data))}


@pytest.mark.slow
def test_nation_pages_list_every_area_with_the_tables_level_and_share(drawn, pack):
    areas = pd.read_csv(pack / "tables" / "ladder_areas.csv", dtype={"level": str})
    summary = pd.read_csv(pack / "tables" / "ladder_summary.csv").set_index("scope")
    for nation in NATIONS:
        mine = areas[areas["nation"] == nation]
        if nation == "England":
            pages = [f for name, f in drawn.items() if name.startswith("ladder_england_table")]
            texts = [t.replace("\u00a0", " ").replace("\n", " ") for fig in pages for t in _texts(fig)]
            for row in mine.itertuples():
                name = row.name.removeprefix("NHS ")  # the pages say the names are printed without it
                assert texts.count(name) == 1, name
                at = texts.index(name)
                assert texts[at + 1] == row.level and texts[at + 2] == LR.share_text(row.level_share), name
        else:
            fig = drawn[f"ladder_{LR.nation_slug(nation)}"]
            texts = _texts(fig)
            for row in mine.itertuples():
                assert texts.count(row.name) == 1, row.name
                at = texts.index(row.name)
                # Each row prints its name, its level's label and its share, in that order.
                assert texts[at + 1] == LEVEL_LABELS[row.level]
                assert texts[at + 2] == LR.share_text(row.level_share)
        # The key's counts are the summary's areas per level.
        pages = [drawn[f"ladder_{LR.nation_slug(nation)}"]]
        keys = legend_texts(pages[0])
        for lv in LEVELS:
            n = int(summary.loc[nation, f"areas_{LEVEL_SLUGS[lv]}"])
            label = f"{LR.KEY_STYLES[lv].label} ({n} area{'s' if n != 1 else ''})"
            assert (label in keys) == (n > 0), (nation, lv)


@pytest.mark.slow
def test_ladder_pages_have_no_overlaps_and_flag_synthetic_foi_only_where_it_reaches(drawn):
    for name, fig in drawn.items():
        assert _inside_page(fig) == [], name
        assert _overlapping(fig) == [], name
    flagged = {name for name, fig in drawn.items() if LR.SYNTHETIC_FLAG in _texts(fig)}
    assert flagged == {"ladder_uk", "ladder_england", *[n for n in drawn if n.startswith("ladder_england_table")]}


@pytest.mark.slow
def test_chart_numbers_are_the_published_record(drawn, pack):
    record = pd.read_csv(pack / "tables" / "published_record.csv", dtype={"as_of": str})
    labels = [t.get_text() for t in drawn["teams_published_record"].axes[0].texts]
    for value in [*record["teams"], *record["listed_operating"]]:
        assert str(int(value)) in labels
    assert "target 41" in labels


@pytest.mark.slow
def test_a_rebuild_of_the_ladder_files_is_byte_identical(pack, data, drawn, tmp_path):
    """Tables and every ladder figure (at its first size) from freshly loaded inputs give the pack's
    bytes; tests/pack/test_report.py rebuilds the whole pack, slides included."""
    for name, frame in LR.report_tables(data).items():
        assert R._csv_bytes(frame) == (pack / "tables" / f"{name}.csv").read_bytes(), name
    for spec in _figures(LR.report_figures(data)):
        stem = f"{spec.name}_{R._size_suffix(spec.sizes[0])}"
        for path in R._save_figure(drawn[spec.name], tmp_path / stem):
            assert path.read_bytes() == (pack / spec.folder / path.name).read_bytes(), path.name


@pytest.mark.slow
def test_without_foi_no_area_is_at_level_1_or_0_and_no_page_is_flagged(mirror):
    plain = R.load_inputs("uk2018", 2017, as_of=date(2019, 7, 1))
    tables = LR.report_tables(plain)
    assert not set(tables["ladder_areas"]["level"].dropna()) & {"1", "0"}
    assert (tables["ladder_summary"]["areas_level_1"] == 0).all()
    assert tables["published_record"].empty  # "2019" is known only at the end of 2019
    specs = LR.report_figures(plain)
    table = next(f for f in specs if f.name == "ladder_england_table")
    assert isinstance(table, R.PackPages)  # England's table: laid out when drawn, over as many pages as needed
    figures = _figures(specs)
    names = [f.name for f in figures]
    assert names[:2] == ["ladder_uk", "ladder_england"]
    pages = [n for n in names if n.startswith("ladder_england_table")]
    assert pages == ["ladder_england_table"] + [f"ladder_england_table_{k}" for k in range(2, len(pages) + 1)]
    assert len(pages) >= 2 and "charts" in {f.folder for f in figures}  # 221 areas: more than one page
    assert len(tables["ladder_areas"]) == 221
    ((title, sentences, _),) = LR.report_summary(plain, tables)
    assert title == "Provision ladder" and not any("SYNTHETIC" in s or "FOI file `" in s for s in sentences)
    chart = next(f for f in figures if f.name == "teams_published_record").draw("a4-half")
    assert any("No published count is dated by 2019-07-01." in t for t in _texts(chart))
    assert not any(LR.SYNTHETIC_FLAG in t for t in _texts(chart))
    assert not any(t.startswith("Published UK count") for t in legend_texts(chart))  # none is drawn
