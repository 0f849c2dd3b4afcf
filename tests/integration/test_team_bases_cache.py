"""The catchment centroids of teams with no published base are computed once and then read from the checksummed
layer cache (mapping.inputs.teams.cached_centroids): the same numbers as computing them, and never another
set of catchments' numbers."""

from __future__ import annotations

import pytest

import boundaries
from mapping.inputs import teams as T

pytestmark = pytest.mark.data


def _no_base(frame):
    return frame[frame["base_lon"].isna() & frame["base_lat"].isna()]


def test_cached_centroids_are_the_computed_ones_and_are_read_back_without_computing(mirror, monkeypatch):
    frame = T.load_teams(fill_bases=False)
    texts = sorted(set(_no_base(frame)["catchment"]))
    assert len(texts) >= 2  # teams in data/teams.csv publish no base: the test has something to check
    computed = {t: T.catchment_centroid(T.parse_catchment(t), boundaries.load_geography) for t in texts}
    assert T.cached_centroids(frame) == computed  # built now, or read from an earlier build

    def not_again(*args, **kwargs):
        raise RuntimeError("computed again")

    monkeypatch.setattr(T, "catchment_centroid", not_again)
    assert T.cached_centroids(frame) == computed  # read back, nothing computed
    # One team fewer is another set of catchments: computed for itself, never served the other set's file.
    fewer = frame[frame["catchment"] != texts[0]]
    with pytest.raises(RuntimeError, match="computed again"):
        T.cached_centroids(fewer)


def test_load_teams_fills_the_same_bases_with_the_cache_as_without(mirror):
    frame = T.load_teams(fill_bases=False)
    plain = T.fill_catchment_bases(frame, boundaries.load_geography)
    cached = T.fill_catchment_bases(frame, boundaries.load_geography, centroids=T.cached_centroids(frame))
    assert plain[["team_id", "base_lon", "base_lat"]].equals(cached[["team_id", "base_lon", "base_lat"]])
    assert not plain[["base_lon", "base_lat"]].isna().any().any()
