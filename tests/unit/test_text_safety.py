"""Text a user or a data file supplies is shown as text: in the map's HTML and script, in a browser, in
figures and on every app page; and a page that fails shows a short message, never a traceback or a path.

Every hostile name here is SYNTHETIC, made up for these tests (data/teams.csv is never changed: the app
tests read a copy of it with one team renamed).
"""

from __future__ import annotations

import html
import json
import re
from datetime import date
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from mapping.present import webmap

REPO = Path(__file__).resolve().parents[2]

# SYNTHETIC probes: markup, a script, Markdown bold and a javascript: link, and LaTeX/mathtext.
PROBES = ("<img src=x onerror=alert(1)>", "<script>alert(2)</script>", "**bold**", "[x](javascript:alert(3))",
          "$x^2$")
HOSTILE = "Team " + " ".join(PROBES)
# What must never be left outside a string in a script (or anywhere in the page around the scripts).
ACTIVE = ("onerror", "<img", "<script>alert", "javascript:", "**bold**", "x^2")


# --- the map's HTML and script -----------------------------------------------------------------------


def _synthetic_map_inputs(name: str = HOSTILE):
    """SYNTHETIC: two square areas, one team base, one catchment and one specialist area, all named ``name``."""
    gaps = pd.DataFrame({
        "code": ["A1", "A2"], "name": [name, "Area two"], "nation": ["England", "Wales"],
        "age0_2": [1000.0, 300.0], "uncovered_age0_2": [0.0, 300.0], "share_covered": [1.0, 0.0],
        "coverage": ["covered", "no team"], "team_names": [name, ""], "estimated": [False, False],
        "nearest_team_name": [None, name], "nearest_team_km": [float("nan"), 12.4],
    })
    boxes = [shapely.box(-2.0, 52.0, -1.0, 53.0), shapely.box(-4.0, 51.5, -3.0, 52.5)]
    measure = webmap.MEASURES["share_covered"]
    props = webmap.area_properties(gaps, measure)
    shapes = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": shapely.geometry.mapping(b), "properties": {"code": code}}
        for b, code in zip(boxes, ["A1", "A2"])]}  # the shapes file the browser fetches (webapp.shapes)
    _, legend = webmap.classify(webmap.measure_values(gaps, measure), measure)
    teams = pd.DataFrame({"team_id": ["t1", "t2"], "name": [name, name], "status": ["operating", "in development"],
                          "base_lon": [-1.5, -3.5], "base_lat": [52.5, 52.0], "location_precision": [name, "town"],
                          "from": ["2019", name]})
    catchments = gpd.GeoDataFrame({"team_id": ["t1", "t2"], "name": [name, name],
                                   "status": ["operating", "in development"]}, geometry=boxes, crs="EPSG:4326")
    specialists = gpd.GeoDataFrame({"team_id": ["s1"], "name": [name], "status": ["specialist practitioners only"]},
                                   geometry=[boxes[1]], crs="EPSG:4326")
    return (props, shapes), measure, legend, teams, catchments, specialists


def _app_map(areas, measure, legend, teams=None, catchments=None, specialists=None, *,
             shapes_url: str = "/app/static/shapes/x.json"):
    """The map as the app's map page builds it (webapp/pages/map.py): the base map, the view's layer
    groups (areas fetched from ``shapes_url``), the legend control and the layer control."""
    import folium

    props, _ = areas
    fmap = webmap.base_map(tiles=None)
    layer = webmap.AreasLayer(shapes_url, props, measure)
    for group in webmap.layer_groups(layer, measure, teams=teams, catchments=catchments, specialists=specialists):
        group.add_to(fmap)
    webmap.Legend(webmap.legend_html(measure.label, legend)).add_to(fmap)
    folium.LayerControl(collapsed=True).add_to(fmap)
    return fmap


_STRING = re.compile(r'"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'')


def _scripts(page: str) -> list[str]:
    return re.findall(r"<script>(.*?)</script>", page, flags=re.DOTALL)


def _strings_and_code(script: str) -> tuple[list[str], str]:
    """A script's string literals (decoded) and the script with every string literal taken out."""
    strings = [json.loads(s) if s.startswith('"') else s[1:-1] for s in _STRING.findall(script)]
    return strings, _STRING.sub('""', script)


_INNER_HTML = re.compile(r'innerHTML\s*=\s*("(?:[^"\\\n]|\\.)*")')


def _assert_only_in_strings(page: str, name: str) -> list[str]:
    """``name`` reaches the page only inside script strings; returns every string set as ``innerHTML``."""
    outside = re.sub(r"<script>.*?</script>", "", page, flags=re.DOTALL)
    assert not [a for a in ACTIVE if a in outside]
    found = False
    as_html = []
    for script in _scripts(page):
        strings, code = _strings_and_code(script)
        assert not [a for a in ACTIVE if a in code], "a probe is part of the script itself"
        found |= any(name in s for s in strings)
        # innerHTML is only ever set to a fixed string (the legend), in which the name is escaped.
        assigned = [json.loads(s) for s in _INNER_HTML.findall(script)]
        assert script.count("innerHTML") == len(assigned)
        assert not [s for s in assigned if any(p in s for p in PROBES[:2])]
        as_html += assigned
    assert found, "the name is not in the map's data"
    return as_html


def test_every_map_layer_carries_names_only_as_json_strings_with_text_tooltips():
    areas, measure, legend, teams, catchments, specialists = _synthetic_map_inputs()
    hostile_class = webmap.ColourClass(HOSTILE, "#cccccc")  # a class label from data reaches the legend escaped
    fmap = _app_map(areas, measure, [*legend, hostile_class], teams, catchments, specialists)
    page = fmap.get_root().render()
    as_html = _assert_only_in_strings(page, HOSTILE)
    # No folium GeoJsonTooltip (it builds an HTML string and sets innerHTML): every tooltip is text nodes.
    assert "div.innerHTML=table" not in page and "handleObject" not in page
    assert page.count("bindTooltip") >= 4 and "textContent" in page
    assert len(as_html) == 1 and html.escape(HOSTILE) in as_html[0]  # the legend


def test_app_layers_carry_names_only_as_json_strings_with_text_tooltips():
    (props, _), measure, _, teams, catchments, specialists = _synthetic_map_inputs()
    props = webmap.area_properties(props.assign(
        age0_2=[1000.0, 300.0], uncovered_age0_2=[0.0, 300.0], share_covered=[1.0, 0.0],
        coverage=["covered", "no team"], team_names=[HOSTILE, ""], estimated=False,
        nearest_team_name=[None, HOSTILE], nearest_team_km=[np.nan, 12.4]), measure)
    areas = webmap.AreasLayer("/app/static/shapes/x.json", props, measure)
    fmap = webmap.base_map(tiles=None)
    for group in webmap.layer_groups(areas, measure, teams=teams, catchments=catchments, specialists=specialists):
        group.add_to(fmap)
    import folium

    folium.LayerControl().add_to(fmap)
    page = fmap.get_root().render()
    assert _assert_only_in_strings(page, HOSTILE) == []
    assert "handleObject" not in page and "innerHTML" not in page


def test_layer_names_reach_the_layer_control_escaped():
    """Leaflet puts a layer's name into the layer control as HTML, so every name goes in escaped."""
    import dataclasses

    import folium

    odd = dataclasses.replace(webmap.MEASURES["share_covered"], label="<b>bold</b> & more")  # SYNTHETIC label
    groups = webmap.layer_groups(webmap.AreasLayer("/x.json", pd.DataFrame(columns=["code", "fill"]), odd), odd)
    base = webmap.base_map(tiles=None)
    for group in groups:
        group.add_to(base)
    folium.LayerControl().add_to(base)
    control = next(s for s in _scripts(base.get_root().render()) if "overlays" in s)
    assert html.escape("Areas: <b>bold</b> & more") in _strings_and_code(control)[0]


def _bench():
    import importlib.util

    spec = importlib.util.spec_from_file_location("bench_app", REPO / "benchmarks" / "bench_app.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    return bench


@pytest.mark.browser
def test_a_hostile_name_in_the_map_runs_nothing_in_chromium(tmp_path):
    """The app's map in headless chromium (its shapes served as the app serves them): every tooltip opened,
    no element made, nothing run."""
    bench = _bench()
    missing = bench.missing_requirements()
    if missing:
        pytest.skip(f"browser test skipped: {missing}")
    name = HOSTILE + ' <img src=y onerror="window.pimapRan=1"><b>bold</b>'
    areas, measure, legend, teams, catchments, specialists = _synthetic_map_inputs(name)
    url = "https://pimap.invalid/shapes/x.json"
    fmap = _app_map(areas, measure, legend, teams, catchments, specialists, shapes_url=url)
    dialogs: list[str] = []
    with bench.browser_page() as page:
        page.route(url, lambda route: route.fulfill(status=200, content_type="application/json",
                                                    headers={"Access-Control-Allow-Origin": "*"},
                                                    body=json.dumps(areas[1])))
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        page.set_content(fmap.get_root().render(), wait_until="load")
        page.wait_for_function("() => window.L !== undefined")
        page.wait_for_function("() => document.body.dataset.areasDrawn !== undefined")
        assert page.evaluate("() => document.body.dataset.areasDrawn") == f"Areas: {measure.label}"
        # Hover every feature (a mouseover that bubbles to its layer, as the pointer's would) and read the tooltip.
        tips = page.evaluate("""(name) => {
            const texts = new Set();
            window[name].eachLayer(function (layer) {
                if (!layer.feature) { return; }
                const at = layer.getLatLng ? layer.getLatLng() : layer.getBounds().getCenter();
                layer.fire("mouseover", {latlng: at, layer: layer}, true);
                document.querySelectorAll(".leaflet-tooltip").forEach(function (t) { texts.add(t.textContent); });
                layer.fire("mouseout", {latlng: at, layer: layer}, true);
            });
            return Array.from(texts);
        }""", fmap.get_name())
        made = page.evaluate("""() => ({
            img: document.querySelectorAll("img").length,
            b: document.querySelectorAll(".leaflet-tooltip b, .leaflet-tooltip img").length,
            ran: window.pimapRan === 1})""")
    assert made == {"img": 0, "b": 0, "ran": False} and dialogs == []
    # 2 areas, 2 team bases, 2 catchments and 1 specialist area, each tooltip with the name as text
    assert len(tips) == 7 and sum(name in t for t in tips) == 7


# --- figures -------------------------------------------------------------------------------------------


def _assert_plain(fig, name: str) -> None:
    """The figure draws (no mathtext ParseError), every text is set as plain text, and ``name`` is in one."""
    import io

    from matplotlib.text import Text

    fig.savefig(io.BytesIO(), format="png", dpi=40)
    texts = [t for t in fig.findobj(Text) if t.get_text()]
    assert [t.get_text() for t in texts if t._preprocess_math(t.get_text())[1]] == []
    flat = [" ".join(t.get_text().split()) for t in texts]
    assert any(name in t for t in flat), f"{name!r} not drawn"


# A name matplotlib cannot parse as mathtext (a ParseError traceback, before the fix) as well as the probes.
FIGURE_NAME = "Area $x^2$ and $\\notacommand$ <b>"


def test_chart_text_is_never_mathtext():
    from mapping.present import figures as F

    text = F.FigureText(FIGURE_NAME, f"sub {FIGURE_NAME}", f"note {FIGURE_NAME}", f"by {FIGURE_NAME}",
                        flag=FIGURE_NAME)
    areas = pd.DataFrame({  # SYNTHETIC FOI areas
        "name": [FIGURE_NAME, "Other $5 and $6"], "referrals_u3_share_low": [0.05, 0.02],
        "referrals_u3_share_high": [0.06, 0.03], "seen_u3_share_low": [0.04, 0.01],
        "seen_u3_share_high": [0.05, 0.02], "population_share_0_2": [0.15, 0.16]})
    for size in ("a4", "slide"):
        _assert_plain(F.foi_share_chart(areas, text=text, size=size), FIGURE_NAME)
    growth = pd.DataFrame({"year": [2019, 2020], "listed_operating": [27, 30], "published_teams": [29, np.nan],
                           "target": [27, 40]})  # SYNTHETIC
    _assert_plain(F.teams_by_year_chart(growth, text=text, target_label=FIGURE_NAME), FIGURE_NAME)
    nations = pd.DataFrame({"nation": ["England", "Wales"], "age0_2_total": [1000, 200],
                            "age0_2_uncovered": [400, 50]})  # SYNTHETIC
    _assert_plain(F.nation_gap_chart(nations, text=text), FIGURE_NAME)


def test_ladder_page_text_is_never_mathtext():
    from mapping.present import figures as F
    from mapping.report import ladder as LR

    ladder = gpd.GeoDataFrame({  # SYNTHETIC: two invented boxes near Cardiff
        "code": ["A0", "A1"], "name": [FIGURE_NAME, "Usk"], "nation": ["Wales", "Wales"],
        "level": pd.array(["3", "unknown"], dtype="string"), "level_share": [1.0, 1.0], "foi_reply_ids": ["", ""],
    }, geometry=[shapely.box(-3.4, 51.5, -3.2, 51.7), shapely.box(-3.2, 51.5, -3.0, 51.7)], crs="EPSG:4326")
    text = F.FigureText(FIGURE_NAME, "Subtitle", "Note", "Attribution")
    fig = LR.ladder_nation_page(ladder, "Wales", text=text, table=LR.area_rows(ladder, "Wales"))
    _assert_plain(fig, FIGURE_NAME)


# --- Markdown on the app's pages ----------------------------------------------------------------------


def _unescape(markdown: str) -> str:
    """What a Markdown renderer shows for text with backslash escapes (CommonMark: any ASCII punctuation)."""
    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", markdown)


def _unescaped(markdown: str) -> list[str]:
    """Characters that could start Markdown, HTML, LaTeX or a Streamlit directive and are not escaped."""
    bare = re.sub(r"\\[!-/:-@\[-`{-~]", "", markdown)
    return [c for c in "*_`[]<>$~|\\#!{}" if c in bare]


@pytest.mark.parametrize("text", [*PROBES, HOSTILE, "a\\*b", ":red[x]", "- item", "1. item", "x\n+ y", "# heading",
                                  "&lt;b&gt;", "a | b", "~~gone~~", "{foreground=red}", "_it_", "`code`", "![i](x)"])
def test_escaped_markdown_shows_the_text_literally(text):
    """SYNTHETIC strings: each comes back as the same text, with nothing left that could start Markdown."""
    from webapp.formatting import escape_markdown

    shown = escape_markdown(text)
    assert _unescape(shown) == text
    assert _unescaped(shown) == []
    bare = re.sub(r"\\[!-/:-@\[-`{-~]", "\x00", shown)
    assert not re.search(r"^\s*([-+=]|\d+[.)])", bare, flags=re.MULTILINE)  # no list or heading marker
    assert not re.search(r"&#?\w+;", bare)  # no entity


def test_the_pack_summary_and_command_show_an_foi_file_name_as_text():
    """SYNTHETIC file name: in summary.md it is escaped text (no code span to break out of), and the
    manifest's rebuild command quotes it as a shell needs."""
    import shlex
    from types import SimpleNamespace

    from mapping import report

    name = "replies` **x** <img src=x onerror=alert(1)> $(rm -rf ~).csv"
    line = report.foi_source_line(name)
    assert _unescaped(line.split(" (sha256")[0].removeprefix("- FOI replies: ")) == []
    assert _unescape(line).startswith(f"- FOI replies: {name} (sha256")
    data = SimpleNamespace(geography="uk2023", year=2020, as_of=date(2023, 9, 1), foi=SimpleNamespace(file_name=name))
    command = report._command(data)  # type: ignore[arg-type]
    assert shlex.split(command)[shlex.split(command).index("--foi") + 1] == name


def test_ordinary_names_are_unchanged():
    from webapp.formatting import escape_markdown

    for name in ("NHS Brighton and Hove CCG (E38000021)", "Barnardo's NI; South Eastern HSC Trust", "PIT-01, x.y"):
        assert escape_markdown(name) == name


# --- the app ------------------------------------------------------------------------------------------


def _all_text(at) -> str:
    """Every element the app sent, main area and sidebar, as its protobuf text."""
    out = []

    def walk(node) -> None:
        proto = getattr(node, "proto", None)
        if proto is not None:
            out.append(str(proto))
        for child in getattr(node, "children", {}).values():
            walk(child)

    walk(at._tree)
    return "\n".join(out)


def _run(page: str, **params):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=300)
    at.query_params["page"] = page
    for key, value in params.items():
        at.query_params[key] = value
    return at.run()


@pytest.mark.slow
def test_a_failing_page_shows_a_short_message_and_no_traceback_or_path(mirror, monkeypatch, caplog):
    import webapp.pages.about

    def broken(view) -> None:
        raise RuntimeError(f"boom in {REPO}/secret.py and /usr/lib/python3/site-packages/x.py")

    monkeypatch.setattr(webapp.pages.about, "page_about", broken)
    with caplog.at_level("ERROR"):
        at = _run("about")
    assert not at.exception
    assert len(at.error) == 1 and "went wrong" in at.error[0].value
    sent = _all_text(at)
    assert "Traceback" not in sent and "/work/" not in sent and "site-packages" not in sent
    assert str(REPO) not in sent and "boom" not in sent and "RuntimeError" not in sent
    assert "boom in" in caplog.text  # the details are in the server's log


@pytest.mark.slow
def test_a_library_error_shows_its_message_as_text(mirror, monkeypatch):
    import webapp.pages.about
    from mapping.errors import PimapError

    def refusing(view) -> None:
        raise PimapError(f"file {HOSTILE}.csv: not readable")

    monkeypatch.setattr(webapp.pages.about, "page_about", refusing)
    at = _run("about")
    assert not at.exception and len(at.error) == 1
    assert _unescape(at.error[0].value) == f"file {HOSTILE}.csv: not readable"
    assert _unescaped(at.error[0].value) == []


@pytest.fixture()
def hostile_teams(mirror, tmp_path, monkeypatch):
    """A copy of data/teams.csv in which Aneurin Bevan's team (the whole health board) carries the SYNTHETIC
    hostile name; the app reads the copy (and keys its caches by it), never the real file."""
    import shutil

    import webapp.data
    from boundaries import config

    shutil.copytree(config.data_dir(), tmp_path / "data")
    teams = pd.read_csv(REPO / "data" / "teams.csv", dtype=str, keep_default_na=False)
    teams.loc[teams["team_id"] == "aneurin-bevan", "name"] = HOSTILE
    teams.to_csv(tmp_path / "data" / "teams.csv", index=False)
    monkeypatch.setenv(config.DATA_DIR.name, str(tmp_path / "data"))
    webapp.data.data_version.clear()
    yield HOSTILE
    webapp.data.data_version.clear()


@pytest.mark.slow
def test_a_hostile_team_name_shows_literally_on_the_profile(hostile_teams):
    at = _run("profile", geo="uk2023", date="2023", area="W11000028")  # Aneurin Bevan University Health Board
    assert not at.exception, [e.value for e in at.exception]
    serving = [m.value for m in at.markdown if "Serving teams" in m.value]
    assert serving and HOSTILE in _unescape(serving[0]) and _unescaped(serving[0].split(":**", 1)[1]) == []
    # Nowhere on the page is a probe sent as live Markdown or HTML.
    for element in [*at.markdown, *at.caption, *at.subheader, *at.info, *at.success, *at.warning, *at.error]:
        for probe in PROBES:
            assert probe not in element.value


@pytest.mark.slow
def test_a_hostile_upload_name_shows_literally(mirror):
    """The visitor's own file name, in the upload's error and in the report pack's description."""
    at = _run("foi", geo="uk2018")
    at.file_uploader(key="foi_upload").upload(f"{HOSTILE}.xlsx", b"not a workbook", "application/zip").run()
    assert not at.exception, [e.value for e in at.exception]
    assert any(HOSTILE in _unescape(e.value) for e in at.error)
    at.file_uploader(key="foi_upload").upload(f"{HOSTILE}.csv", (REPO / "tests" / "fixtures" /
                                              "synthetic_foi_rare_jewels.csv").read_bytes(), "text/csv").run()
    assert not at.exception, [e.value for e in at.exception]
    at.radio(key="page").set_value("tables").run()
    assert not at.exception, [e.value for e in at.exception]
    shown = [e.value for e in [*at.error, *at.markdown, *at.caption, *at.info, *at.warning, *at.success]]
    assert any(HOSTILE in _unescape(v) and "FOI replies" in v for v in shown)
    for value in shown:
        for probe in PROBES:
            assert probe not in value
    # The ladder page's note names the file too (Markdown in st.warning for the SYNTHETIC fixture).
    at.radio(key="page").set_value("ladder").run()
    assert not at.exception, [e.value for e in at.exception]
    notes = [e.value for e in [*at.warning, *at.info] if "Levels 1 and 0 come from" in e.value]
    assert notes and all(HOSTILE in _unescape(v) for v in notes)
    for value in notes:
        for probe in PROBES:
            assert probe not in value
