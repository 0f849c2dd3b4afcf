"""Text a user or a data file supplies is shown as text: in the map's HTML and script, in figures, in
Markdown and in the pack's summary and rebuild command.

Every hostile name here is SYNTHETIC, made up for these tests. The same names in headless chromium and on
the app's pages (which read the real data) are in tests/integration/test_text_safety_data.py.
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

# What must never be left outside a string in a script (or anywhere in the page around the scripts).
ACTIVE = ("onerror", "<img", "<script>alert", "javascript:", "**bold**", "x^2")


# --- the map's HTML and script -----------------------------------------------------------------------


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
    areas, measure, legend, teams, catchments, specialists = synthetic_map_inputs()
    hostile_class = webmap.ColourClass(HOSTILE, "#cccccc")  # a class label from data reaches the legend escaped
    fmap = app_map(areas, measure, [*legend, hostile_class], teams, catchments, specialists)
    page = fmap.get_root().render()
    as_html = _assert_only_in_strings(page, HOSTILE)
    # No folium GeoJsonTooltip (it builds an HTML string and sets innerHTML): every tooltip is text nodes.
    assert "div.innerHTML=table" not in page and "handleObject" not in page
    assert page.count("bindTooltip") >= 4 and "textContent" in page
    assert len(as_html) == 1 and html.escape(HOSTILE) in as_html[0]  # the legend


def test_app_layers_carry_names_only_as_json_strings_with_text_tooltips():
    (props, _), measure, _, teams, catchments, specialists = synthetic_map_inputs()
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
