"""The report pack: complete, every quoted number the library's, byte-identical on a rebuild.

The first part draws figures from tiny synthetic areas (boxes near Birmingham, invented teams) to
test the drawing rules; the rest builds real packs from the data mirror (the FOI file used is the
repository's synthetic fixture, and the pack says so).
"""

from __future__ import annotations

import hashlib
import io
import json
import math
import re
from datetime import date
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
import shapely
from openpyxl import load_workbook
from pack_helpers import legend_texts, png_size_and_dpi

from boundaries.crs import PRINT_MAP
from mapping import report as R
from mapping.cli import main
from mapping.errors import FoiError
from mapping.present import figures as F

REPO = Path(__file__).resolve().parents[2]
FOI_FIXTURE = REPO / "tests" / "fixtures" / "synthetic_foi_rare_jewels.csv"
AS_OF = date(2023, 9, 1)
INCH = 300  # pixels per inch in the PNGs


# --- drawing rules on synthetic areas --------------------------------------------------------------


def _boxes(values: list[str]) -> gpd.GeoDataFrame:
    """Synthetic: side-by-side 0.2-degree boxes near Birmingham, one per value."""
    shapes = [shapely.box(-2.0 + 0.2 * i, 52.4, -1.8 + 0.2 * i, 52.6) for i in range(len(values))]
    return gpd.GeoDataFrame({"code": [f"A{i}" for i in range(len(values))], "nation": "England", "cls": values},
                            geometry=shapes, crs="EPSG:4326")


STYLES = {"x": F.ClassStyle("Class X", "#111111"), "y": F.ClassStyle("Class Y", "#eeeeee", "///")}


def test_class_map_counts_each_class_in_the_legend_and_says_its_flag():
    fig = F.class_map(_boxes(["x", "y", "y"]), "cls", STYLES, size="a4",
                      text=F.FigureText("Title", "Sub", "Note", "Attribution", flag="SYNTHETIC"))
    assert legend_texts(fig)[:2] == ["Class X (1 area)", "Class Y (2 areas)"]
    assert {"Title", "Sub", "SYNTHETIC"} <= {t.get_text() for t in fig.texts}


def test_class_map_refuses_a_value_without_a_style():
    with pytest.raises(ValueError, match="no style for cls value.*z"):
        F.class_map(_boxes(["x", "z"]), "cls", STYLES, text=F.FigureText("t"))
    missing = _boxes(["x", "y"])
    missing.loc[0, "cls"] = None
    with pytest.raises(ValueError, match=r"\(missing\)"):
        F.class_map(missing, "cls", STYLES, text=F.FigureText("t"))


def test_class_map_refuses_an_unknown_size():
    with pytest.raises(ValueError, match="size must be one of"):
        F.class_map(_boxes(["x"]), "cls", STYLES, text=F.FigureText("t"), size="a3")


def test_coverage_map_marks_teams_sharing_a_base_with_their_number():
    teams = pd.DataFrame({"team_id": ["t1", "t2", "t3"], "name": ["T1", "T2", "T3"],
                          "status": ["operating", "operating", "in development"],
                          "base_lon": [-1.9, -1.9, -1.7], "base_lat": [52.5, 52.5, 52.5]})
    gaps = _boxes(["full", "none"]).rename(columns={"cls": "coverage"})
    fig = F.coverage_map(gaps, text=F.FigureText("t"), teams=F.team_points(teams))
    labels = legend_texts(fig)
    assert "Team operating (2)" in labels and "Team in development (1)" in labels
    assert "Teams sharing a base (their number)" in labels
    numbers = [t.get_text() for ax in fig.axes for t in ax.texts if t.get_text().isdigit()]
    assert numbers == []  # on the UK map a numbered marker would hide its neighbours; only insets number
    inner = dict(F.INSETS[0].__dict__, bounds=(400_000.0, 270_000.0, 430_000.0, 300_000.0))  # around the boxes
    fig = F.coverage_map(gaps, text=F.FigureText("t"), teams=F.team_points(teams), insets=[F.Inset(**inner)])
    numbers = [t.get_text() for ax in fig.axes for t in ax.texts if t.get_text().isdigit()]
    assert numbers == ["2"]


def test_team_points_refuses_a_team_without_a_base():
    teams = pd.DataFrame({"team_id": ["t1"], "name": ["T1"], "status": ["operating"],
                          "base_lon": [float("nan")], "base_lat": [52.5]})
    with pytest.raises(ValueError, match="without a base.*t1"):
        F.team_points(teams)


def test_catchment_outlines_dissolve_areas_of_different_layers_per_team():
    a = gpd.GeoDataFrame({"code": ["A"]}, geometry=[shapely.box(400_000, 300_000, 410_000, 310_000)], crs=PRINT_MAP)
    b = gpd.GeoDataFrame({"code": ["B"]}, geometry=[shapely.box(410_000, 300_000, 420_000, 310_000)], crs=PRINT_MAP)
    catchments = pd.DataFrame({"team_id": ["t1", "t1", "t2"], "geography": ["ga", "gb", "gb"],
                               "code": ["A", "B", "B"]})
    out = F.catchment_outlines(catchments, {"ga": a, "gb": b}).set_index("team_id")
    assert out.loc["t1", "geometry"].geom_type == "Polygon"  # one shape, not two
    assert out.loc["t1", "geometry"].area == pytest.approx(200e6, rel=1e-3)
    assert out.loc["t2", "geometry"].area == pytest.approx(100e6, rel=1e-3)
    with pytest.raises(ValueError, match="gb: no boundary for C"):
        F.catchment_outlines(pd.DataFrame({"team_id": ["t"], "geography": ["gb"], "code": ["C"]}), {"gb": b})
    with pytest.raises(ValueError, match="no boundary layer given for catchment geography 'gc'"):
        F.catchment_outlines(pd.DataFrame({"team_id": ["t"], "geography": ["gc"], "code": ["C"]}), {"gb": b})


def test_nation_chart_labels_are_the_table_numbers():
    nations = pd.DataFrame({"nation": ["Wales", "England"], "age0_2_total": [100.0, 1000.4],
                            "age0_2_uncovered": [25.0, 999.6]})
    fig = F.nation_gap_chart(nations, text=F.FigureText("t"))
    labels = [t.get_text() for t in fig.axes[0].texts]
    assert labels == ["1,000 of 1,000 outside (99.9%)", "25 of 100 outside (25.0%)"]  # England first


def test_foi_chart_draws_only_areas_with_every_count():
    areas = pd.DataFrame({
        "name": ["NHS Full CCG", "NHS Partial CCG"], "full_data": [True, False],
        "referrals_u3_share_low": [0.02, 0.0], "referrals_u3_share_high": [0.03, 1.0],
        "seen_u3_share_low": [0.01, 0.0], "seen_u3_share_high": [0.01, 1.0], "population_share_0_2": [0.16, 0.15],
    })
    for size in ("a4", "slide"):
        fig = F.foi_share_chart(areas, text=F.FigureText("t"), size=size)
        ax = fig.axes[0]
        names = [t.get_text() for t in (ax.get_xticklabels() if size == "slide" else ax.get_yticklabels())]
        assert names == ["Full"]
    with pytest.raises(ValueError, match="no area has"):
        F.foi_share_chart(areas.assign(full_data=False), text=F.FigureText("t"))


def test_long_titles_are_wrapped_inside_the_page():
    text = F.FigureText("A title " * 12, "A subtitle that goes on " * 10, "A note " * 40, "Attribution " * 20)
    fig = F.nation_gap_chart(pd.DataFrame({"nation": ["England"], "age0_2_total": [10.0], "age0_2_uncovered": [5.0]}),
                             text=text)
    renderer = F.measuring_renderer(fig)
    for t in fig.texts:
        box = t.get_window_extent(renderer).transformed(fig.transFigure.inverted())
        assert 0 <= box.x0 and box.x1 <= 1, t.get_text()[:30]


def test_insets_frame_london_and_greater_manchester(mirror):
    import boundaries

    lad = boundaries.load_geography("lad2018").to_crs(PRINT_MAP)
    wanted = {"London": lad[lad["code"].str.startswith("E09")],
              "Greater Manchester": lad[lad["code"].isin([f"E080000{i:02d}" for i in range(1, 11)])]}
    for inset in F.INSETS:
        xmin, ymin, xmax, ymax = wanted[inset.name].total_bounds
        bx0, by0, bx1, by1 = inset.bounds
        assert bx0 < xmin and by0 < ymin and xmax < bx1 and ymax < by1, inset.name
        assert max(xmin - bx0, ymin - by0, bx1 - xmax, by1 - ymax) < 5_000, inset.name


# --- tables and workbook --------------------------------------------------------------------------


def test_xlsx_is_byte_identical_for_identical_tables_and_neutralises_formulas():
    sheets = {"one": pd.DataFrame({"a": [1, 2], "b": ["=SUM(A1)", "x"], "c": [0.5, None]})}
    first, second = R.xlsx_bytes(sheets), R.xlsx_bytes(sheets)
    assert first == second
    sheet = load_workbook(io.BytesIO(first))["one"]
    assert [c.value for c in sheet[2]] == [1, "'=SUM(A1)", 0.5]
    assert sheet["C3"].value is None


def test_growth_as_of_drops_later_counts_and_counts_not_yet_published():
    """Synthetic growth and published tables: only what was known on the date is kept."""
    growth = pd.DataFrame({"year": [2019, 2020, 2021], "listed_operating": [28, 28, 30],
                           "listed_in_development": [5, 5, 1], "published_teams": [29.0, None, 40.0],
                           "published_source": ["b", None, "c"], "target": [27.0, 29.8, 32.6]})
    published = pd.DataFrame({"as_of": ["2019", "2019-12", "2021-03"], "teams": [27, 29, 40],
                              "source": ["a", "b", "c"], "year": [2019, 2019, 2021]})
    out = R.growth_as_of(growth, published, date(2020, 6, 30)).set_index("year")
    assert out.loc[2019, "published_teams"] == 29 and out.loc[2019, "published_source"] == "b"
    assert pd.isna(out.loc[2021, "published_teams"]) and pd.isna(out.loc[2021, "listed_operating"])
    assert out.loc[2020, "listed_operating"] == 28 and out.loc[2021, "target"] == 32.6
    early = R.growth_as_of(growth, published, date(2019, 12, 30)).set_index("year")
    assert pd.isna(early.loc[2019, "published_teams"])  # "2019" and "2019-12" are known only by their ends


# --- real packs -------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def foi_pack(uk2023_foi_pack) -> Path:
    """The shared uk2023 pack with the synthetic FOI file (tests/conftest.py; AS_OF is its date)."""
    return uk2023_foi_pack


@pytest.fixture(scope="module")
def plain_pack(mirror, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("packs") / "uk2018"
    assert main(["report", "--geography", "uk2018", "--year", "2017", "--as-of", "2019-07-01", "--out", str(out)]) == 0
    return out


MAPS = ["coverage"]
CHARTS = {"babies_without_team_by_nation": ("a4half", "slide"), "teams_by_year": ("a4half", "slide")}
TABLES = ["areas", "figures", "nations", "published_team_counts", "team_counts", "teams", "capacity"]
FOI_TABLES = ["foi_areas", "foi_classes", "foi_funnel"]
PAGE_INCHES = {"a4": (8.27, 11.69), "a4half": (8.27, 5.83), "slide": (13.333, 7.5)}


def _expected_files(foi: bool) -> set[str]:
    maps = MAPS + (["foi_classes"] if foi else [])
    charts = dict(CHARTS, **({"foi_shares": ("a4", "slide")} if foi else {}))
    files = {"summary.md", "manifest.json", "tables/tables.xlsx"}
    files |= {f"tables/{t}.csv" for t in TABLES + (FOI_TABLES if foi else [])}
    for ext in ("png", "svg", "pdf"):
        files |= {f"maps/{m}_{size}.{ext}" for m in maps for size in ("a4", "slide")}
        files |= {f"charts/{c}_{size}.{ext}" for c, sizes in charts.items() for size in sizes}
    return files


@pytest.mark.slow
@pytest.mark.parametrize("which", ["foi", "plain"])
def test_pack_is_complete(which, request):
    pack: Path = request.getfixturevalue(f"{which}_pack")
    files = {p.relative_to(pack).as_posix() for p in pack.rglob("*") if p.is_file()}
    expected = _expected_files(which == "foi")
    assert expected <= files
    # Anything more comes from another module's report_figures/report_tables, in every format.
    for extra in sorted(files - expected):
        stem, _, ext = extra.rpartition(".")
        assert extra.startswith(("maps/", "charts/", "tables/")), extra
        if ext in ("png", "svg", "pdf"):
            assert {f"{stem}.{e}" for e in ("png", "svg", "pdf")} <= files, extra
    for name in files:
        assert (pack / name).stat().st_size > 0, name
    manifest = json.loads((pack / "manifest.json").read_text())
    listed = {f["path"]: f for f in manifest["files"]}
    assert set(listed) == files - {"manifest.json"}
    for name, entry in listed.items():
        data = (pack / name).read_bytes()
        assert entry["bytes"] == len(data)
        assert entry["sha256"] == hashlib.sha256(data).hexdigest()
    assert manifest["version"] == R._package_version()
    assert manifest["inputs"]["data/teams.csv"] and any(k.startswith("registry:") for k in manifest["inputs"])
    assert ("foi:synthetic_foi_rare_jewels.csv" in manifest["inputs"]) == (which == "foi")


@pytest.mark.slow
def test_manifest_and_summary_name_exactly_the_files_behind_the_figures(plain_pack):
    """uk2018, mid-2017: the manifest's inputs are sources_for of the pack's selection (with the catchments'
    own boundaries, which the map draws), so the Scottish file that stands in for 2017 and NISRA's districts
    are named and the other years' English files are not; summary.md names the same population files."""
    from mapping.analysis.selection import Selection
    from mapping.inputs.provenance import sources_for

    manifest = json.loads((plain_pack / "manifest.json").read_text())
    inputs = manifest["inputs"]
    population = {k for k in inputs if k.startswith("registry:pop")}
    assert population == {"registry:pop2017_lsoa11", "registry:pop2019_dz11", "registry:pop_ni_lgd_2001_2022"}
    assert "registry:pop2019_lsoa11" not in inputs and "registry:pop2018_all_ages_health_areas" not in inputs
    selection = Selection("uk2018", 2017, date(2019, 7, 1))
    named = {s.id: s.sha256 for s in sources_for(selection, births=True)}  # births: the capacity estimate's
    assert set(named) <= set(inputs) and all(inputs[k] == v for k, v in named.items())
    extra = set(inputs) - set(named)
    assert all(k.startswith("registry:") and k.endswith("_boundaries") for k in extra), extra  # catchments' layers
    assert {s["id"]: s["sha256"] for s in manifest["sources"]} == inputs
    roles = {s["id"]: s["role"] for s in manifest["sources"]}
    assert {roles[k] for k in population} == {"population"}
    assert {k for k, r in roles.items() if r == "births"} == {"registry:births_ew_lad_mid1993_2021",
                                                              "registry:births_ni_lgd_mid2002_2023",
                                                              "registry:births_uk_lad_mid2002_2019"}
    summary = (plain_pack / "summary.md").read_text()
    line = next(x for x in summary.splitlines() if x.startswith("  - Population, mid-2017:"))
    assert sorted(re.findall(r"`(pop[^`]+)`", line)) == sorted(k.removeprefix("registry:") for k in population)


@pytest.mark.slow
@pytest.mark.parametrize("which", ["foi", "plain"])
def test_every_pdf_is_one_page_and_every_png_is_300_dpi_at_its_page_size(which, request):
    pack: Path = request.getfixturevalue(f"{which}_pack")
    for pdf in pack.rglob("*.pdf"):
        raw = pdf.read_bytes()
        pages = len(re.findall(rb"/Type\s*/Page(?![s\w])", raw))
        assert pages == 1, pdf.name
        assert b"CreationDate" not in raw, pdf.name
    for png in pack.rglob("*.png"):
        size = png.stem.rsplit("_", 1)[1]
        width_in, height_in = PAGE_INCHES[size]
        width, height, dpi = png_size_and_dpi(png)
        assert dpi == pytest.approx(INCH, abs=0.1), png.name
        assert abs(width - width_in * INCH) <= 1 and abs(height - height_in * INCH) <= 1, png.name
    for svg in pack.rglob("*.svg"):
        head = svg.read_text()[:2000]
        assert "<dc:date>" not in head, svg.name


@pytest.mark.slow
def test_a_second_run_gives_identical_tables_figures_and_manifest(foi_pack, tmp_path):
    again = tmp_path / "again"
    R.build_pack("uk2023", 2020, as_of=AS_OF, out=again, foi=FOI_FIXTURE)
    for path in sorted(foi_pack.rglob("*")):
        if path.is_file():
            name = path.relative_to(foi_pack)
            assert (again / name).read_bytes() == path.read_bytes(), name


# --- every number in summary.md is the library's ---------------------------------------------------

# Words around numbers that are not figures: ages, bands and section numbers written into the prose.
NOT_FIGURES = [
    "aged 0-2", "aged 0-18", "0-18 population", "a 0-15 figure", "aged 2 and under",
    "babies under 1", "under-3", "ages 0, 1 and 2", "between 1 and 5", "Rare Jewels (2019), section 8",
    "aged 0-2", "age 0", "0-2",
    # the provision ladder's level names (mapping.report.ladder.SUMMARY_LEVELS)
    "Levels 1 and 0", "level 3", "level 2", "level 1", "level 0",
]
NUMBER = re.compile(
    r"(?<![\w.\-/])(\d{4}-\d{2}(?:-\d{2})?|\d{1,3}(?:,\d{3})+(?:\.\d+)?%?|\d+(?:\.\d+)?%?)(?![\w\-])"
)


def _renderings(value: object) -> set[str]:
    """Every way summary.md may write a library figure: whole numbers, one decimal, percentages."""
    if isinstance(value, str):
        from mapping.analysis.list_count import published_month

        return {value, published_month(value)}  # a published count's date also as "March 2022"
    if value is None or isinstance(value, bool):
        return set()
    v = float(value)
    out = {f"{math.floor(v + 0.5):,}", f"{v:,.1f}", f"{v:g}"}  # whole numbers: halves up
    if 0 <= v <= 1:
        out.add(f"{100 * v:.1f}%")
    return out


def _library_figures(geography: str, year: int, as_of: date, foi: Path | None) -> dict[str, object]:
    """The figures computed straight from the library, without mapping.report."""
    from mapping.analysis.capacity import GREATER_MANCHESTER, capacity_births, national_capacity
    from mapping.analysis.coverage import compute_gaps, summarise
    from mapping.analysis.growth import VISION_2019, load_published_counts
    from mapping.analysis.selection import Selection
    from mapping.analysis.selection import load_inputs as selection_inputs
    from mapping.inputs.dates import parse_date
    from mapping.inputs.teams import load_teams, teams_as_of

    teams = load_teams()
    inputs = selection_inputs(Selection(geography, year, as_of))
    gaps = compute_gaps(inputs)
    summary = summarise(gaps)
    figures: dict[str, object] = {"as_of": as_of.isoformat(), "year": year}
    for scope, values in [("UK", summary), *summary["nations"].items()]:
        for key, value in values.items():
            if key != "nations":
                figures[f"{scope}.{key}"] = value
        figures[f"{scope}.age0_2_covered"] = values["age0_2_total"] - values["age0_2_uncovered"]
        figures[f"{scope}.share_uncovered"] = values["age0_2_uncovered"] / values["age0_2_total"]
        figures[f"{scope}.share_uncovered_age0"] = values["age0_uncovered"] / values["age0_total"]
    current = teams_as_of(teams, as_of)
    figures["teams_in_development"] = current.loc[current["status"] == "in development", "team_id"].nunique()
    published = load_published_counts()
    known = published[[parse_date(s, end=True).date() <= as_of for s in published["as_of"]]]
    if len(known):
        figures["published.teams"] = int(known["teams"].iloc[-1])
        figures["published.as_of"] = str(known["as_of"].iloc[-1])
    # our list on the date (distinct teams operating or in development), beside the Foundation's own latest count
    named = current[current["status"].isin(["operating", "in development"])].drop_duplicates("team_id")
    figures["list.named"] = figures["list.counted"] = len(named)
    figures["list.teams_operating"] = int((named["status"] == "operating").sum())
    figures["list.teams_in_development"] = int((named["status"] == "in development").sum())
    figures["list.foundation"] = int((named["evidence_grade"] == "foundation").sum())
    by_foundation = known[known["counted_by"].str.contains("Parent-Infant Foundation", na=False)]
    if len(by_foundation):
        figures["list.published_teams"] = int(by_foundation["teams"].iloc[-1])
        figures["list.published_as_of"] = str(by_foundation["as_of"].iloc[-1])
    for key in ("baseline_teams", "baseline_year", "target_teams", "by_year", "every_area_year"):
        figures[f"target.{key}"] = getattr(VISION_2019, key)
    capacity = national_capacity(gaps, summary["teams_operating"], births=capacity_births(geography, year), year=year)
    for key in ("teams_needed", "shortfall_teams", "multiple_of_current", "births", "births_basis"):
        figures[f"capacity.{key}"] = capacity[key]
    figures["capacity.reference_wte"] = GREATER_MANCHESTER.wte
    figures["capacity.reference_births"] = GREATER_MANCHESTER.births
    if foi is not None:
        from mapping.analysis.selection import Selection, load_inputs
        from mapping.inputs.foi_io import analyse_file, classes_in

        analysis = analyse_file(foi)
        for key, value in analysis.funnel.items():
            figures[f"foi.{key}"] = value
        own = classes_in(analysis, load_inputs(Selection(analysis.geography, year, as_of)))
        figures["foi.population_share_0_2"] = own["population_0_2"].sum() / own["population_0_18"].sum()
    # The provision ladder (mapping.report.ladder's section) and the national reach.
    from mapping.analysis.ladder import compute_ladder, foi_areas_from_file, summarise_ladder
    from mapping.analysis.reach import compute_reach, national_reach, summarise_reach

    foi_areas = foi_areas_from_file(str(foi))[0] if foi is not None else None
    ladder = summarise_ladder(compute_ladder(inputs, foi_areas=foi_areas, geometry=False))
    for row in ladder.to_dict("records"):
        for key, value in row.items():
            if key.startswith("share_"):
                figures[f"ladder.{row['scope']}.{key}"] = value
    uk = summarise_reach(compute_reach(inputs)).iloc[0]
    reach = national_reach(int(uk["teams"]), float(uk["babies"]))
    for key in ("teams", "families", "babies", "need", "reach", "teams_for_all", "multiple"):
        figures[f"reach.{key}"] = reach[key]
    for key in ("families_per_team", "need_share"):
        figures[f"reach.{key}"] = reach["parameters"][key]
    return figures


def _check_summary(pack: Path, geography: str, year: int, as_of: date, foi: Path | None) -> None:
    import boundaries
    from mapping.analysis.capacity import GREATER_MANCHESTER
    from mapping.analysis.growth import VISION_2019

    library = _library_figures(geography, year, as_of, foi)
    # Each row of figures.csv is the library's figure for its id...
    table = pd.read_csv(pack / "tables" / "figures.csv", dtype={"value": str, "text": str})
    assert len(table) >= 30
    for row in table.itertuples():
        expected = library[row.id]
        if isinstance(expected, str):
            assert row.value == expected, row.id
        else:
            assert float(row.value) == pytest.approx(float(expected), rel=1e-9, abs=1e-9), row.id
        assert row.text in _renderings(expected), row.id
    # ...and every number in summary.md is one of the library's figures.
    text = (pack / "summary.md").read_text()
    label = boundaries.get_geography(geography).label  # names the areas' vintage, e.g. "2023"
    # The sources' descriptions are the registry's text (boundaries/registry.csv), quoted, not figures.
    from mapping.present.text import escape_markdown

    described = [escape_markdown(s["description"]) for s in json.loads((pack / "manifest.json").read_text())["sources"]]
    # The births' basis is a figure in words (its periods' years are not numbers of their own).
    # The headline writes the pack's date and the published count's month in words (figures as_of and
    # list.published_as_of).
    from mapping.analysis.list_count import published_month

    in_words = [f"{as_of.day} {as_of:%B %Y}",
                *([published_month(library["list.published_as_of"])] if "list.published_as_of" in library else [])]
    for fixed in [library["capacity.births_basis"], VISION_2019.source, GREATER_MANCHESTER.source,
                  boundaries.ATTRIBUTION, label, *described, *in_words, *NOT_FIGURES]:
        text = text.replace(fixed, " ")
    allowed = set().union(*(_renderings(v) for v in library.values()))
    tokens = NUMBER.findall(text)
    assert len(tokens) > 60
    strays = sorted({t for t in tokens if t not in allowed})
    assert not strays, f"numbers in summary.md that are not library figures: {strays}"


@pytest.mark.slow
def test_every_number_in_the_summary_is_the_librarys_with_foi(foi_pack):
    _check_summary(foi_pack, "uk2023", 2020, AS_OF, FOI_FIXTURE)
    text = (foi_pack / "summary.md").read_text()
    assert "SYNTHETIC test data" in text and "## CAMHS and children aged 2 and under" in text


@pytest.mark.slow
def test_every_number_in_the_summary_is_the_librarys_without_foi(plain_pack):
    _check_summary(plain_pack, "uk2018", 2017, date(2019, 7, 1), None)
    text = (plain_pack / "summary.md").read_text()
    assert "## CAMHS" not in text and "FOI replies" not in text and "Scotland's mid-2019 figures stand in" in text


@pytest.mark.slow
def test_summary_figures_trace_to_their_table_rows(foi_pack):
    """Each figure's (table, row, column) holds its value, so a reader can find it in the CSVs."""
    figures = pd.read_csv(foi_pack / "tables" / "figures.csv", dtype=str)
    for row in figures.itertuples():
        if row.table == "-":
            continue
        table = pd.read_csv(foi_pack / "tables" / f"{row.table}.csv", dtype=str)
        key, _, wanted = row.row.partition(" = ")
        if row.column.endswith("(rows)"):
            assert (table[key] == wanted).sum() == int(row.value), row.id
            continue
        cell = table.loc[table[key] == wanted, row.column]
        assert len(cell) == 1, row.id
        if row.id == "capacity.births_basis":  # words naming the births' periods, not a number
            assert cell.iloc[0] == row.value
            continue
        if row.id.endswith("as_of"):  # a date as published ("2023-09"), not a number
            assert cell.iloc[0] == row.value
        else:
            assert float(cell.iloc[0]) == pytest.approx(float(row.value)), row.id


@pytest.mark.slow
def test_pack_tables_agree_with_the_map_data(foi_pack):
    areas = pd.read_csv(foi_pack / "tables" / "areas.csv")
    nations = pd.read_csv(foi_pack / "tables" / "nations.csv").set_index("scope")
    assert len(areas) == nations.loc["UK", "areas"] == 132
    for scope, group in [("UK", areas), *areas.groupby("nation")]:
        assert group["uncovered_age0_2"].sum() == pytest.approx(nations.loc[scope, "age0_2_uncovered"], abs=0.1)
        assert (group["coverage"] == "none").sum() == nations.loc[scope, "areas_without_team"]
    workbook = load_workbook(foi_pack / "tables" / "tables.xlsx")
    assert set(workbook.sheetnames) == {p.stem for p in (foi_pack / "tables").glob("*.csv")}


# --- bad input --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--geography", "ccg2018", "--year", "2020"], "invalid choice: 'ccg2018'"),
        (["--geography", "uk2023", "--year", "2018"], "year 2018 has no population estimates"),
        (["--geography", "uk2023", "--year", "2020", "--as-of", "2023-13"], "month 13 is not 01-12"),
        (["--geography", "uk2023", "--year", "2020", "--foi", "no/such/file.csv"], "no such file"),
    ],
)
def test_bad_options_get_a_clear_error(args, message, tmp_path, capsys, mirror):
    try:
        code = main(["report", *args, "--out", str(tmp_path / "out")])
    except SystemExit as exc:  # argparse's own errors
        code = exc.code
    assert code == 2
    assert message in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_library_refuses_a_geography_that_is_not_uk_wide():
    # The library's messages name no command-line flags: app users see them too.
    with pytest.raises(R.ReportError, match="geography must be one of uk2018, uk2023") as refused:
        R.load_inputs("ccg2018", 2020, as_of=AS_OF)
    assert "--" not in str(refused.value)


def test_other_modules_add_figures_and_tables_through_sections(monkeypatch):
    """Synthetic section: its figure and table join the pack; a clash of names is refused."""
    from mapping.report import sections as S

    monkeypatch.setattr(S, "SECTIONS", [])
    section = R.register_section(R.Section(
        "extra", tables=lambda data: {"extra": pd.DataFrame({"a": [1]})},
        figures=lambda data: [R.PackFigure("maps", "extra", ("a4",), lambda size: None)]))
    assert R.registered_sections() == (section,)
    assert [(f.folder, f.name) for f in R.pack_figures(_fake_inputs())][-1] == ("maps", "extra")
    monkeypatch.setattr(S, "SECTIONS", [])
    R.register_section(R.Section("twice", figures=lambda data: [R.PackFigure("maps", "x", ("a4",), print)] * 2))
    with pytest.raises(R.ReportError, match="two pack figures share a name"):
        R.pack_figures(_fake_inputs())


def test_summary_sections_join_the_figures_and_fill_their_sentences(monkeypatch):
    """Synthetic section: its section's numbers are figures with table rows; a sentence naming a
    figure the section does not give is refused."""
    from mapping.report import sections as S

    figure = R.SummaryFigure("extra.n", 7, "7", "extra", "a = 1", "n")
    monkeypatch.setattr(S, "SECTIONS", [])
    R.register_section(R.Section("extra", summary=lambda data, tables: [("Extra", ["Seven: {extra.n}."], [figure])]))
    sections = R.summary_sections(None, {})
    assert [(s.title, s.sentences) for s in sections] == [("Extra", ("Seven: {extra.n}.",))]
    assert R._PLACEHOLDER.sub(lambda m: {"extra.n": "7"}[m.group(1)], sections[0].sentences[0]) == "Seven: 7."
    monkeypatch.setattr(S, "SECTIONS", [])
    R.register_section(R.Section("extra", summary=lambda data, tables: [("Extra", ["{extra.m}"], [figure])]))
    with pytest.raises(R.ReportError, match="names figures it does not give: \\['extra.m'\\]"):
        R.summary_sections(None, {})


def _fake_inputs() -> R.PackInputs:
    """Synthetic inputs: enough for pack_figures to build its (undrawn) list."""
    from mapping.analysis.coverage import summarise
    from mapping.analysis.growth import VISION_2019

    gaps = _boxes(["none"]).rename(columns={"cls": "coverage"}).assign(
        age0_2=10.0, uncovered_age0_2=10.0, age0=3.0, uncovered_age0=3.0, teams="", estimated=False)
    return R.PackInputs(geography="uk2023", geography_label="UK", year=2020, as_of=AS_OF, gaps=gaps,
                        summary=summarise(gaps), current_teams=pd.DataFrame(),
                        growth=pd.DataFrame(), published=pd.DataFrame(), targets=VISION_2019, capacity=None,
                        capacity_reference=None, team_points=None, catchments=None, attribution="", inputs={})


def test_out_must_be_new_empty_or_an_earlier_pack(tmp_path):
    busy = tmp_path / "busy"
    busy.mkdir()
    (busy / "notes.txt").write_text("mine")
    with pytest.raises(R.ReportError, match="not empty and holds no earlier pack"):
        R.write_pack(None, busy)  # refused before anything is read
    (tmp_path / "file").write_text("x")
    with pytest.raises(R.ReportError, match="is a file"):
        R.write_pack(None, tmp_path / "file")
    assert (busy / "notes.txt").read_text() == "mine"


@pytest.mark.slow
def test_a_failed_build_leaves_nothing_behind(mirror, tmp_path, monkeypatch):
    data = R.load_inputs("uk2023", 2020, as_of=AS_OF)

    def broken(_data):
        raise RuntimeError("drawing failed")

    monkeypatch.setattr(R, "pack_figures", broken)
    with pytest.raises(RuntimeError, match="drawing failed"):
        R.write_pack(data, tmp_path / "out")
    assert list(tmp_path.iterdir()) == []


def test_foi_file_with_errors_is_refused(tmp_path, mirror):
    bad = tmp_path / "bad.csv"
    lines = FOI_FIXTURE.read_text().splitlines()
    header = next(i for i, line in enumerate(lines) if line.startswith("reply_id"))
    row = lines[header + 2]
    assert ",Y," in row
    bad.write_text("\n".join([*lines[: header + 1], row.replace(",Y,", ",perhaps,", 1)]) + "\n")
    with pytest.raises(FoiError, match="error"):
        R.load_inputs("uk2023", 2020, as_of=AS_OF, foi=bad)


@pytest.mark.slow
def test_foi_given_as_name_and_bytes_gives_what_the_file_gives(foi_pack):
    """The app passes an upload as (file name, bytes), never written to disk: the FOI tables (classes, areas,
    funnel) and the manifest's FOI name and sha256 are those of the pack built from the file itself."""
    data = R.load_inputs("uk2023", 2020, as_of=AS_OF, foi=(FOI_FIXTURE.name, FOI_FIXTURE.read_bytes()))
    manifest = json.loads((foi_pack / "manifest.json").read_text())
    key = f"foi:{FOI_FIXTURE.name}"
    assert data.foi.file_name == manifest["parameters"]["foi"] == FOI_FIXTURE.name
    assert data.inputs[key] == manifest["inputs"][key] == hashlib.sha256(FOI_FIXTURE.read_bytes()).hexdigest()
    assert data.inputs == manifest["inputs"]
    tables = R.pack_tables(data)
    for name in FOI_TABLES:
        assert R._csv_bytes(tables[name]) == (foi_pack / "tables" / f"{name}.csv").read_bytes(), name
    assert set(tables["foi_classes"]["foi_class"]) - {""}  # classes were carried, not all blank


@pytest.mark.slow
def test_capacity_sentence_counts_births_and_names_their_periods(foi_pack):
    """The need is the births standing for mid-2020 (published, per authority), each nation's 12 months named."""
    from boundaries.births import births_for

    published = sum(int(births_for(n, 2020)[0]["births"].sum())
                    for n in ("England", "Wales", "Scotland", "Northern Ireland"))
    capacity = pd.read_csv(foi_pack / "tables" / "capacity.csv").iloc[0]
    assert capacity["births"] == published and capacity["teams_needed"] == pytest.approx(published / 3300)
    text = (foi_pack / "summary.md").read_text()
    assert (f"the UK's {published:,} births a year (England, Wales and Northern Ireland: live births, July 2019 to "
            "June 2020; Scotland: live births, July 2018 to June 2019 (nearest published to mid-2020)) would need "
            f"{published / 3300:,.1f} teams") in text
    assert "children aged 0 as a year's births" not in text
    assert ("  - Births standing for mid-2020 (the capacity estimate): `births_ew_lad_mid1993_2021`, "
            "`births_ni_lgd_mid2002_2023`, `births_uk_lad_mid2002_2019`.") in text
    roles = {s["id"].split(":", 1)[-1]: s["role"] for s in json.loads((foi_pack / "manifest.json").read_text())["sources"]}
    assert {i for i, r in roles.items() if r == "births"} == {"births_ew_lad_mid1993_2021", "births_ni_lgd_mid2002_2023",
                                                              "births_uk_lad_mid2002_2019"}
