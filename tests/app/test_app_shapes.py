"""The static shapes file the app's map fetches: written once per data version, atomically, at the right URL.

Shapes here are SYNTHETIC (two squares).
"""

from __future__ import annotations

import json
import os

import geopandas as gpd
import pytest
import shapely.geometry

from mapping.errors import OutputError
from mapping.present.webmap import unstepped
from webapp.shapes import shapes_intact, shapes_path, url_for, write_shapes

SQUARES = [{"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]]]},
           {"type": "Polygon", "coordinates": [[[1, 0], [2, 0], [2, 1], [1, 1], [1, 0]]]}]


def _layer(codes: list[str], squares: list[dict]) -> gpd.GeoDataFrame:
    """Areas as the web layer holds them, with a column the file must leave out."""
    return gpd.GeoDataFrame({"code": codes, "name": [f"Area {c}" for c in codes]},
                            geometry=[shapely.geometry.shape(s) for s in squares], crs="EPSG:4326")


def test_shapes_file_holds_each_code_with_its_shape(tmp_path):
    path = shapes_path("uk2023", "v1", directory=tmp_path)
    assert path == tmp_path / "uk2023-v1.json"
    write_shapes(path, _layer(["A1", "A2"], SQUARES))
    data = json.loads(path.read_text())
    assert [f["properties"] for f in data["features"]] == [{"code": "A1"}, {"code": "A2"}]
    assert [f["geometry"]["steps"] for f in data["features"]] == [  # each position from the one before
        [[0, 0, 10000, 0, 0, 10000, -10000, 0, 0, -10000]], [[10000, 0, 10000, 0, 0, 10000, -10000, 0, 0, -10000]]]
    assert [unstepped(f["geometry"]) for f in data["features"]] == SQUARES
    assert path.stat().st_mode & 0o777 == 0o644  # served to anyone, like any static file


def test_a_new_data_version_replaces_the_old_file_and_leaves_other_geographies(tmp_path):
    write_shapes(shapes_path("uk2023", "v1", tmp_path), _layer(["A1"], SQUARES[:1]))
    write_shapes(shapes_path("uk2018", "v1", tmp_path), _layer(["A1"], SQUARES[:1]))
    write_shapes(shapes_path("uk2023", "v2", tmp_path), _layer(["A2"], SQUARES[1:]))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["uk2018-v1.json", "uk2018-v1.json.sha256",
                                                          "uk2023-v2.json", "uk2023-v2.json.sha256"]


def test_a_failed_write_leaves_no_file(tmp_path, monkeypatch):
    def fail(*_args):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", fail)  # the written temporary file cannot be put in place
    with pytest.raises(OutputError, match="disk full"):
        write_shapes(shapes_path("uk2023", "v1", tmp_path), _layer(["A1"], SQUARES[:1]))
    assert [p for p in tmp_path.iterdir() if p.suffix == ".json"] == []
    assert not shapes_intact(shapes_path("uk2023", "v1", tmp_path))


def test_a_damaged_shapes_file_is_detected_so_the_app_writes_it_again(tmp_path):
    """A flipped bit (an area code or a coordinate), a truncated file or a lost checksum: never served."""
    path = shapes_path("uk2023", "v1", tmp_path)
    write_shapes(path, _layer(["A1", "A2"], SQUARES))
    assert shapes_intact(path)
    good = path.read_bytes()
    flipped = bytearray(good)
    flipped[good.index(b"A2") + 1] ^= 0x01  # "A2" becomes "A3"
    for damaged in (bytes(flipped), good[: len(good) // 2]):
        path.write_bytes(damaged)
        assert not shapes_intact(path)
    path.write_bytes(good)
    assert shapes_intact(path)
    path.with_name(path.name + ".sha256").unlink()
    assert not shapes_intact(path)


def test_no_app_cache_is_kept_on_disk_unchecked():
    """Streamlit's disk-persisted caches are pickles with no checksum: a flipped bit is a wrong figure."""
    import webapp.data as data

    cached = [f for f in vars(data).values() if hasattr(f, "_info")]
    assert cached and all(getattr(f._info, "persist", None) is None for f in cached), [f._info.func.__name__ for f in cached]


@pytest.mark.parametrize(("base", "url"), [("", "/app/static/shapes/uk2023-v1.json"),
                                           ("/pimap/", "/pimap/app/static/shapes/uk2023-v1.json")])
def test_shapes_url_is_under_the_server_base_path(tmp_path, base, url):
    assert url_for(tmp_path / "uk2023-v1.json", base) == url
