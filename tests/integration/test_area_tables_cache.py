"""A geography's area table (codes, names, nations) is its own small cached layer: the same rows as its web
layer without geometry, read without reading any shapes."""

from __future__ import annotations

import pytest

import boundaries
from boundaries import catalogue

pytestmark = pytest.mark.data


@pytest.mark.parametrize("geography", ["uk2023", "uk2026", "ccg2018", "lad2018"])
def test_the_area_table_is_the_web_layer_without_geometry_from_its_own_file(mirror, geography, monkeypatch):
    expected = boundaries.load_geography(geography, simplified=True).drop(columns="geometry").reset_index(drop=True)
    catalogue._area_table.cache_clear()
    table = boundaries.area_table(geography)
    assert table.reset_index(drop=True).equals(expected) and "geometry" not in table.columns
    files = list(catalogue.layers_dir().glob(f"{geography}-areas-{catalogue.layer_key(geography)}.*.parquet"))
    assert len(files) == 1
    # Read back in a fresh memory cache with the shapes out of reach: nothing but the small file is read.
    catalogue._area_table.cache_clear()

    def no_shapes(*args, **kwargs):
        raise AssertionError("the area table read the shapes")

    monkeypatch.setattr(catalogue, "load_geography", no_shapes)
    assert boundaries.area_table(geography).reset_index(drop=True).equals(expected)
    catalogue._area_table.cache_clear()
