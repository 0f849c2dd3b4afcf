"""Helpers shared by the text-safety test modules: the SYNTHETIC hostile names, a small map's data built the way
the app's map page builds it, and what a Markdown renderer shows for escaped text.

tests/unit/test_text_safety.py checks the map's data, the map in chromium (tests/map_page_helpers.py) and the
Markdown escaping on these; the app tests in tests/integration/test_text_safety_data.py use the same names, so
both halves probe alike.
"""

from __future__ import annotations

import re

import geopandas as gpd
import pandas as pd
import shapely

from mapping.present import webmap

# SYNTHETIC probes: markup, a script, Markdown bold and a javascript: link, and LaTeX/mathtext.
PROBES = ("<img src=x onerror=alert(1)>", "<script>alert(2)</script>", "**bold**", "[x](javascript:alert(3))",
          "$x^2$")
HOSTILE = "Team " + " ".join(PROBES)


def synthetic_map_inputs(name: str = HOSTILE):
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


def app_map(areas, measure, teams=None, catchments=None, specialists=None, *,
            shapes_url: str = "/shapes/x.json") -> dict:
    """The map's data as the app's map page sends it (webapp/pages/map.py, webapp.mapview.show_map, without the
    height and Leaflet's address): the areas layer (its shapes fetched from ``shapes_url``) in a clickable
    map_spec, and the overlays (catchments, specialist areas, team bases) as JSON text with their hash."""
    import hashlib
    import json

    props, _ = areas
    spec = webmap.map_spec([webmap.areas_layer(shapes_url, props, measure)], [[51.4, -4.2], [53.2, -0.8]],
                           label="SYNTHETIC map", clickable=True)
    text = json.dumps(webmap.team_overlays(teams, catchments=catchments, specialists=specialists),
                      separators=(",", ":"), ensure_ascii=False)
    return {**spec, "overlays": {"ref": hashlib.sha256(text.encode("utf-8")).hexdigest()[:16], "json": text}}


def unescape(markdown: str) -> str:
    """What a Markdown renderer shows for text with backslash escapes (CommonMark: any ASCII punctuation)."""
    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", markdown)


def unescaped(markdown: str) -> list[str]:
    """Characters that could start Markdown, HTML, LaTeX or a Streamlit directive and are not escaped."""
    bare = re.sub(r"\\[!-/:-@\[-`{-~]", "", markdown)
    return [c for c in "*_`[]<>$~|\\#!{}" if c in bare]
