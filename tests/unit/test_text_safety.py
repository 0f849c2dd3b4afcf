"""Text a user or a data file supplies is shown as text: in the map's data and in the map as chromium draws it
(webapp/map.js on a test page, tests/map_page_helpers.py), in figures, in Markdown and in the pack's summary and
rebuild command.

Every hostile name here is SYNTHETIC, made up for these tests. The same names on the app's pages (which read
the real data) are in tests/integration/test_text_safety_data.py.
"""

from __future__ import annotations

import html
import json
import re
from datetime import date

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from text_safety_helpers import HOSTILE, PROBES, app_map, synthetic_map_inputs, unescape, unescaped

from mapping.present import webmap

# --- the map's data: plain JSON strings, never markup ------------------------------------------------


def _strings(value) -> list[str]:
    """Every string in a JSON value, keys and values."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in [*_strings(k), *_strings(v)]]
    if isinstance(value, list | tuple):
        return [s for v in value for s in _strings(v)]
    return []


def _tooltips(layer: dict) -> list[list[str]]:
    """A layer's tooltip values, per area or feature."""
    if layer["kind"] == "areas":
        return [values[1:] for values in layer["areas"].values()]
    return [f["properties"]["tooltip"] for f in layer["data"]["features"]]


def test_every_map_layer_carries_names_verbatim_as_json_strings():
    areas, measure, _, teams, catchments, specialists = synthetic_map_inputs()
    data = app_map(areas, measure, teams, catchments, specialists)
    overlays = json.loads(data["overlays"]["json"])
    assert json.loads(json.dumps(data)) == data and json.loads(json.dumps(overlays)) == overlays
    layers = [*data["layers"], *overlays]
    assert [layer["kind"] for layer in layers] == ["areas", "shapes", "shapes", "shapes", "teams"]
    # In every layer the name is a value of its own, exactly as given: the browser sets it as text.
    for layer in layers:
        assert any(HOSTILE in values for values in _tooltips(layer)), layer["name"]
    area = dict(zip(webmap.tooltip_fields(measure)[0], data["layers"][0]["areas"]["A1"][1:]))
    assert area["name"] == area["teams"] == HOSTILE
    assert data["layers"][0]["areas"]["A2"][1:][webmap.tooltip_fields(measure)[0].index("nearest")] == (
        f"{HOSTILE} (12 km from the area's centre)")
    team = overlays[-1]["data"]["features"]
    assert team[0]["properties"]["tooltip"][3] == HOSTILE  # its location
    assert team[1]["properties"]["tooltip"][1].endswith(f"(since {HOSTILE})")
    # Nothing is escaped or made into HTML on the way: markup is only ever the data's own (the hostile name).
    strings = _strings(data) + _strings(overlays)
    assert not [s for s in strings if "&lt;" in s or "&amp;" in s or "\\u003c" in s]
    assert [s for s in strings if "<" in s and HOSTILE not in s] == []
    assert data["overlays"]["json"].count(HOSTILE) == 7  # the overlays' JSON text too: 2 catchments, 1 specialist
    # area, and 2 teams (name and location; the second's "since")


def test_layer_names_and_labels_travel_verbatim_for_the_script_to_escape():
    """Leaflet's layer control sets a name as HTML: the script escapes it (checked in chromium below), so the data
    holds it exactly as given, never escaped twice."""
    import dataclasses

    odd = dataclasses.replace(webmap.MEASURES["share_covered"], label="<b>bold</b> & more")  # SYNTHETIC label
    layer = webmap.areas_layer("/x.json", pd.DataFrame(columns=["code", "fill"]), odd)
    assert layer["name"] == "Areas: <b>bold</b> & more" and "<b>bold</b> & more" in layer["labels"]
    catchments = synthetic_map_inputs()[4]
    assert webmap.catchment_layer(catchments, name=HOSTILE, style={})["name"] == HOSTILE
    shapes = webmap.text_layer([({"type": "Point", "coordinates": [0, 51]}, {}, [HOSTILE])], [HOSTILE], name=HOSTILE)
    assert shapes["name"] == HOSTILE and shapes["labels"] == [HOSTILE]
    assert shapes["data"]["features"][0]["properties"]["tooltip"] == [HOSTILE]


def test_the_legend_escapes_a_class_label_from_the_data():
    areas, measure, legend, *_ = synthetic_map_inputs()
    text = webmap.legend_html(HOSTILE, [*legend, webmap.ColourClass(HOSTILE, "#cccccc")])
    assert text.count(html.escape(HOSTILE)) == 2  # the title and the class
    assert HOSTILE not in text and "<img" not in text and "<script>alert" not in text


# --- the map in chromium: hostile names are shown as text and run nothing ------------------------------------


# SYNTHETIC: the probes, a script's end tag and markup that would set a flag if it ever became an element.
BROWSER_NAME = (HOSTILE + ' </script><script>window.__pwned=1</script> <img src=x onerror="window.__pwned=1">'
                ' <b>bold</b> <svg onload="window.__pwned=1"></svg>')


@pytest.mark.browser
def test_hostile_names_in_the_map_show_literally_in_chromium_and_run_nothing():
    import dataclasses

    from map_page_helpers import map_page, view_data

    areas, measure, _, teams, catchments, specialists = synthetic_map_inputs(BROWSER_NAME)
    measure = dataclasses.replace(measure, label=f"Share {BROWSER_NAME}")  # a layer name and a tooltip label
    data = app_map(areas, measure, teams, catchments, specialists, shapes_url="/shapes/x.json")
    point = {"type": "Point", "coordinates": [-2.5, 52.2]}
    data["layers"].append(webmap.text_layer([(point, {"radius": 6}, [BROWSER_NAME])], [BROWSER_NAME], name=BROWSER_NAME))
    with map_page(view_data(data), files={"/shapes/x.json": areas[1]}, width=1000, height=700) as held:
        drawn = held.wait_drawn()
        dialogs: list[str] = []
        held.page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        tips = held.every_tooltip()
        held.page.mouse.move(*held.point(52.5, -1.5))  # the pointer over area A1 (and its team's base)
        held.page.wait_for_function("() => document.querySelectorAll('.leaflet-tooltip').length > 0")
        hovered = held.open_tooltips()
        names = held.layer_names()
        found = held.page.evaluate("""() => ({
            pwned: window.__pwned !== undefined,
            made: document.querySelectorAll("#root img, #root b, #root script, #root svg[onload], img, b").length,
            scripts: document.scripts.length,
            onerror: document.querySelectorAll("[onerror], [onload]").length,
            tooltipTags: Array.from(new Set(Array.from(document.querySelectorAll(".leaflet-tooltip *"))
                .map(e => e.tagName.toLowerCase()))).sort(),
            labels: Array.from(document.querySelectorAll(".pimap-team-marker")).map(e => e.getAttribute("aria-label"))})""")
        errors = list(held.errors)
    assert drawn == f"Areas: Share {BROWSER_NAME}"
    # 2 areas, 2 catchments, 1 specialist area, 2 team bases and the extra point: each tooltip shows the name as text
    assert len(tips) == 8 and all(t is not None and BROWSER_NAME in t for t in tips)
    assert any(BROWSER_NAME in t for t in hovered)
    assert f"Areas: Share {BROWSER_NAME}" in names and BROWSER_NAME in names
    assert found == {"pwned": False, "made": 0, "scripts": 2, "onerror": 0,
                     "tooltipTags": ["table", "tbody", "td", "th", "tr"],
                     "labels": [f"Team base: {BROWSER_NAME}"] * 2}
    assert dialogs == [] and errors == []


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


@pytest.mark.parametrize("text", [*PROBES, HOSTILE, "a\\*b", ":red[x]", "- item", "1. item", "x\n+ y", "# heading",
                                  "&lt;b&gt;", "a | b", "~~gone~~", "{foreground=red}", "_it_", "`code`", "![i](x)"])
def test_escaped_markdown_shows_the_text_literally(text):
    """SYNTHETIC strings: each comes back as the same text, with nothing left that could start Markdown."""
    from webapp.formatting import escape_markdown

    shown = escape_markdown(text)
    assert unescape(shown) == text
    assert unescaped(shown) == []
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
    assert unescaped(line.split(" (sha256")[0].removeprefix("- FOI replies: ")) == []
    assert unescape(line).startswith(f"- FOI replies: {name} (sha256")
    data = SimpleNamespace(geography="uk2023", year=2020, as_of=date(2023, 9, 1), foi=SimpleNamespace(file_name=name))
    command = report._command(data)  # type: ignore[arg-type]
    assert shlex.split(command)[shlex.split(command).index("--foi") + 1] == name


def test_ordinary_names_are_unchanged():
    from webapp.formatting import escape_markdown

    for name in ("NHS Brighton and Hove CCG (E38000021)", "Barnardo's NI; South Eastern HSC Trust", "PIT-01, x.y"):
        assert escape_markdown(name) == name
