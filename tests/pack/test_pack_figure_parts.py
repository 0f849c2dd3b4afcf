"""The same areas' polygons are made once, and their matplotlib patches once, for every map drawn of them
(mapping.present.figures._parts): the same polygons and the same files as making them afresh."""

from __future__ import annotations

import io

import geopandas as gpd
import matplotlib as mpl
import pytest
import shapely

from mapping.present import figures as F

STYLES = {"x": F.ClassStyle("Class X", "#111111"), "y": F.ClassStyle("Class Y", "#eeeeee", "///")}


def _areas(values: list[str]) -> gpd.GeoDataFrame:
    """SYNTHETIC: boxes near Birmingham (one a two-part area) and a box north-east of Shetland's corner."""
    shapes = [shapely.box(-2.0 + 0.2 * i, 52.4, -1.8 + 0.2 * i, 52.6) for i in range(len(values) - 2)]
    shapes.append(shapely.MultiPolygon([shapely.box(-1.0, 52.0, -0.9, 52.1), shapely.box(-0.8, 52.0, -0.7, 52.1)]))
    shapes.append(shapely.box(-1.2, 60.2, -1.0, 60.4))  # Shetland: the isles' inset
    return gpd.GeoDataFrame({"code": [f"A{i}" for i in range(len(values))], "nation": "England", "cls": values},
                            geometry=shapes, crs="EPSG:4326")


def _svg(fig) -> bytes:
    buffer = io.BytesIO()
    with mpl.rc_context(F.RC):
        fig.savefig(buffer, format="svg", metadata={"Date": None})
    return buffer.getvalue()


@pytest.fixture
def empty_caches(monkeypatch):
    monkeypatch.setattr(F, "_PARTS", type(F._PARTS)())
    monkeypatch.setattr(F, "_PATCHES", {})


def test_parts_are_made_once_with_each_maps_own_columns(empty_caches):
    areas = _areas(["x", "y", "x", "y"])
    main, isles = F._parts(areas)
    parts = areas.to_crs("EPSG:27700").explode(index_parts=False).reset_index(drop=True)
    assert len(main) == 4 and len(isles) == 1  # the two-part area is two polygons; Shetland's box on its own
    assert list(main["cls"]) == list(parts["cls"][:4]) and list(main["code"]) == ["A0", "A1", "A2", "A2"]
    assert list(shapely.to_wkb(main.geometry.values)) == list(shapely.to_wkb(parts.geometry.values[:4]))
    other = areas.assign(cls=["y", "y", "x", "x"])  # another map of the same areas
    again, _ = F._parts(other)
    assert list(again["cls"]) == ["y", "y", "x", "x"]
    assert all(a is b for a, b in zip(again.geometry.values, main.geometry.values))  # the same polygons
    moved = areas.assign(geometry=areas.geometry.translate(0.01, 0.0))  # other shapes: other polygons
    assert not any(a is b for a, b in zip(F._parts(moved)[0].geometry.values, main.geometry.values))


def test_maps_drawn_with_the_patches_made_once_are_the_maps_drawn_afresh(empty_caches, monkeypatch):
    areas = _areas(["x", "y", "x", "y", "x"])
    text = F.FigureText("SYNTHETIC map")
    first = _svg(F.class_map(areas, "cls", STYLES, text=text, size="a4"))
    made = sum(patch is not None for patch in F._PATCHES.values())
    second = _svg(F.class_map(areas, "cls", STYLES, text=text, size="a4"))
    assert second == first
    assert made == 6  # every area polygon's patch made once, by the first map (the second made none)
    assert sum(patch is not None for patch in F._PATCHES.values()) == made
    monkeypatch.setattr(F, "_PARTS", type(F._PARTS)())
    monkeypatch.setattr(F, "_PATCHES", {})
    assert _svg(F.class_map(areas, "cls", STYLES, text=text, size="a4")) == first  # afresh
