"""Issue 11, finding 2: a damaged, shared or read-only cache never gives wrong figures or a traceback.

Every layer and raw file here is SYNTHETIC (made-up codes and counts), built in a temporary
``PIMAP_CACHE_DIR`` with a fake registry entry (tests/cache_helpers.py), so the tests are fast and never touch
the user cache. The two that run a child process on the real registry files are in
tests/integration/test_cache_integrity_data.py.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import cache_helpers
import pandas as pd
import pytest
from cache_helpers import KEY, SYNTHETIC_CSV, synthetic_frame

from boundaries import catalogue
from boundaries import fetch as fetch_mod
from mapping.errors import CacheError, CacheRepairWarning

REPO = Path(__file__).resolve().parents[2]
cache = cache_helpers.cache  # the fixtures, found by pytest under these names
raw_entry = cache_helpers.raw_entry


def layer_files(name: str = "synthetic", key: str = KEY) -> list[Path]:
    """The cached file(s) of a layer, whatever the naming scheme."""
    return sorted(p for p in catalogue.layers_dir().glob(f"{name}-{key}*.parquet") if not p.name.startswith("."))


class Counter:
    """A build function that counts its calls."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self) -> pd.DataFrame:
        self.calls += 1
        return synthetic_frame()


def _silent_flip(data: bytes) -> tuple[int, int]:
    """An (offset, bit) whose flip still parses as Parquet but changes a value: the damage plain Parquet
    cannot see (found by trying, with pyarrow alone, not through the cache)."""
    good = pd.read_parquet(io.BytesIO(data))
    for offset in range(len(data)):
        for bit in (0, 3):
            damaged = bytearray(data)
            damaged[offset] ^= 1 << bit
            try:
                frame = pd.read_parquet(io.BytesIO(bytes(damaged)))
            except Exception:  # noqa: BLE001 - looking for a flip that does *not* fail
                continue
            if frame.shape == good.shape and not frame.equals(good):
                return offset, bit
    raise AssertionError("no silent bit flip found in the synthetic layer")


# --- processed layers ---------------------------------------------------------------------------------------


def test_bit_flip_that_still_parses_is_detected_and_rebuilt(cache):
    build = Counter()
    catalogue.cached_frame("synthetic", KEY, build, geo=False)
    (path,) = layer_files()
    offset, bit = _silent_flip(path.read_bytes())
    damaged = bytearray(path.read_bytes())
    damaged[offset] ^= 1 << bit
    path.write_bytes(bytes(damaged))
    with pytest.warns(CacheRepairWarning, match=r"synthetic-0123456789abcdef.*rebuil") as record:
        frame = catalogue.cached_frame("synthetic", KEY, build, geo=False)
    assert len(record) == 1 and "\n" not in str(record[0].message)
    pd.testing.assert_frame_equal(frame, synthetic_frame())
    assert build.calls == 2
    quarantined = list((cache / "quarantine").rglob("*"))
    assert any(q.is_file() and q.read_bytes() == bytes(damaged) for q in quarantined)


@pytest.mark.parametrize("keep", [0, 4, 200, -8])
def test_truncated_layer_is_rebuilt_not_a_traceback(cache, keep):
    build = Counter()
    catalogue.cached_frame("synthetic", KEY, build, geo=False)
    (path,) = layer_files()
    data = path.read_bytes()
    path.write_bytes(data[: keep % len(data)])
    with pytest.warns(CacheRepairWarning, match="synthetic-0123456789abcdef"):
        frame = catalogue.cached_frame("synthetic", KEY, build, geo=False)
    pd.testing.assert_frame_equal(frame, synthetic_frame())
    assert build.calls == 2
    (rebuilt,) = layer_files()
    assert rebuilt.read_bytes() == data


def test_geo_layer_round_trips_and_is_verified(cache):
    import geopandas as gpd
    import shapely
    from geopandas.testing import assert_geodataframe_equal

    def build() -> gpd.GeoDataFrame:
        # two synthetic unit squares
        return gpd.GeoDataFrame({"code": ["SYN1", "SYN2"]}, geometry=[shapely.box(0, 0, 1, 1), shapely.box(1, 0, 2, 1)],
                                crs="EPSG:4326")

    cold = catalogue.cached_frame("synthetic-geo", KEY, build, geo=True)
    warm = catalogue.cached_frame("synthetic-geo", KEY, build, geo=True)
    assert cold.crs.to_epsg() == 4326 and warm.crs == cold.crs
    assert_geodataframe_equal(cold, warm)
    assert catalogue.layer_status("synthetic-geo", KEY) == "present"
    assert catalogue.layer_status("synthetic", KEY) == "missing"


def test_two_processes_building_the_same_cold_cache_both_succeed(cache, tmp_path):
    """Two real processes build one synthetic layer at the same moment; writing is slowed so they overlap."""
    ready = tmp_path / "ready"
    ready.mkdir()
    script = textwrap.dedent(
        """
        import sys, time, pathlib
        import pandas as pd
        from boundaries import catalogue

        ready, me = pathlib.Path(sys.argv[1]), sys.argv[2]
        original = pd.DataFrame.to_parquet

        def slow_to_parquet(self, *args, **kwargs):  # widen the window between writing and renaming
            result = original(self, *args, **kwargs)
            time.sleep(0.5)
            return result

        pd.DataFrame.to_parquet = slow_to_parquet

        def build():
            (ready / me).touch()
            deadline = time.time() + 30
            while len(list(ready.iterdir())) < 2 and time.time() < deadline:
                time.sleep(0.01)
            return pd.DataFrame({"unit_code": ["SYN1", "SYN2", "SYN3"], "age0": [1, 2, 3]})  # synthetic

        frame = catalogue.cached_frame("synthetic", "0123456789abcdef", build, geo=False)
        print(frame.to_json(), flush=True)
        # The work is done and reported: leave without interpreter finalisation, where pyarrow's thread pool
        # was once seen to abort ("terminate called without an active exception", apache/arrow#34314).
        import os
        os._exit(0)
        """
    )
    env = {**os.environ, "PIMAP_CACHE_DIR": str(cache), "PYTHONPATH": str(REPO)}
    procs = [
        subprocess.Popen([sys.executable, "-c", script, str(ready), name], env=env, cwd=REPO,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for name in ("a", "b")
    ]
    results = [p.communicate(timeout=120) for p in procs]
    for proc, (_out, err) in zip(procs, results):
        assert proc.returncode == 0, err
        assert "Traceback" not in err
    expected = pd.DataFrame({"unit_code": ["SYN1", "SYN2", "SYN3"], "age0": [1, 2, 3]}).to_json()
    assert [out.strip() for out, _ in results] == [expected, expected]
    assert len(layer_files()) == 1
    assert not [p for p in catalogue.layers_dir().iterdir() if p.name.endswith(".part")]
    assert pd.read_json(io.StringIO(results[0][0])).shape == (3, 2)
    assert catalogue.layer_status("synthetic", KEY) == "present"


# --- raw files --------------------------------------------------------------------------------------------


def test_truncated_raw_file_in_cache_is_quarantined_and_fetched_again(raw_entry, cache):
    from boundaries.readers import read_csv

    good = read_csv("synthetic")
    target = fetch_mod.raw_dir() / raw_entry.filename
    target.write_bytes(SYNTHETIC_CSV[: len(SYNTHETIC_CSV) // 2 + 3])  # a lookup cut off mid-row
    with pytest.warns(CacheRepairWarning, match=r"synthetic_lookup\.csv.*fetch"):
        again = read_csv("synthetic")
    pd.testing.assert_frame_equal(again, good)
    assert target.read_bytes() == SYNTHETIC_CSV
    assert len(list((cache / "quarantine").rglob("synthetic_lookup.csv*"))) == 1


def test_same_size_damage_to_a_raw_file_is_caught(raw_entry, cache):
    path = fetch_mod.fetch("synthetic")
    damaged = bytearray(SYNTHETIC_CSV)
    damaged[100] ^= 0x01
    path.write_bytes(bytes(damaged))
    with pytest.warns(CacheRepairWarning, match="synthetic_lookup.csv"):
        assert fetch_mod.fetch("synthetic").read_bytes() == SYNTHETIC_CSV


def test_raw_verification_is_remembered_per_process(raw_entry, cache, monkeypatch):
    path = fetch_mod.fetch("synthetic")
    old = time.time() - 3600
    os.utime(path, (old, old))  # not written "just now", so its verification may be remembered
    fetch_mod.fetch("synthetic")
    calls = []
    real = fetch_mod.sha256_of
    monkeypatch.setattr(fetch_mod, "sha256_of", lambda p: calls.append(p) or real(p))
    for _ in range(3):
        fetch_mod.fetch("synthetic")
    assert calls == []
    os.utime(path, (old + 1, old + 1))  # changed on disk: verified again
    fetch_mod.fetch("synthetic")
    assert len(calls) == 1


# --- read-only cache --------------------------------------------------------------------------------------


def test_cache_path_that_is_a_file_gives_a_clear_message(raw_entry, tmp_path, monkeypatch, capsys):
    from mapping.cli import main

    blocker = tmp_path / "not-a-directory"
    blocker.write_text("a file where the cache should be\n")
    monkeypatch.setenv("PIMAP_CACHE_DIR", str(blocker))
    with pytest.raises(CacheError, match=r"cache directory .*not-a-directory.* is not writable.*set PIMAP_CACHE_DIR"):
        fetch_mod.fetch("synthetic")
    with pytest.raises(CacheError, match="is not writable"):
        catalogue.cached_frame("synthetic", KEY, synthetic_frame, geo=False)
    assert main(["data", "fetch", "--no-build"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "is not writable; set PIMAP_CACHE_DIR to a writable folder" in err
    assert blocker.read_text() == "a file where the cache should be\n"


def test_permission_denied_gives_a_clear_message(raw_entry, cache, monkeypatch):
    """What a non-root user meets in a read-only folder (simulated: tests run as root, which chmod cannot stop)."""
    import tempfile

    def denied(*args, **kwargs):
        raise PermissionError(13, "Permission denied", str(kwargs.get("dir", "")))

    monkeypatch.setattr(tempfile, "mkstemp", denied)
    with pytest.raises(CacheError, match="is not writable.*set PIMAP_CACHE_DIR"):
        fetch_mod.fetch("synthetic")
    with pytest.raises(CacheError, match="is not writable.*set PIMAP_CACHE_DIR"):
        catalogue.cached_frame("synthetic", KEY, synthetic_frame, geo=False)


# --- stale temporary files ----------------------------------------------------------------------------------


def test_stale_part_files_are_cleaned_and_nothing_else(raw_entry, cache):
    raw = cache / "raw"
    layers = cache / "layers"
    raw.mkdir(parents=True)
    layers.mkdir(parents=True)
    hour_ago = time.time() - 3600
    stale = [
        raw / ".synthetic_lookup.csv.k2j4h_8q.part",  # a killed fetch (tempfile.mkstemp's pattern)
        layers / f".synthetic-{KEY}.parquet.part",  # the old fixed layer temporary name
        layers / f".synthetic-{KEY}.{'ab' * 32}.parquet.x7c9m2pq.part",
    ]
    fresh = raw / ".synthetic_lookup.csv.abcd1234.part"  # a concurrent writer's live file
    not_ours = [
        raw / ".notes.txt.abcd1234.part",  # not a registered file name
        raw / "my-download.part",
        layers / "keep-me.parquet.part",
        raw / ".synthetic_lookup.csv.bak",
    ]
    for path in [*stale, fresh, *not_ours]:
        path.write_bytes(b"x")
    for path in [*stale, *not_ours]:
        os.utime(path, (hour_ago, hour_ago))
    fetch_mod.fetch("synthetic")
    catalogue.cached_frame("synthetic", KEY, synthetic_frame, geo=False)
    assert [p for p in stale if p.exists()] == []
    assert fresh.exists()
    assert all(p.exists() for p in not_ours)


# --- pimap data check ---------------------------------------------------------------------------------------


def test_data_check_reports_layers(raw_entry, cache, capsys):
    from mapping.cli import main

    fetch_mod.fetch("synthetic")
    key = catalogue.layer_key("hb2019")
    catalogue.cached_frame("hb2019", key, synthetic_frame, geo=False)  # a synthetic stand-in under a real name
    assert main(["data", "check", "--no-lookups"]) == 0
    out = capsys.readouterr().out
    assert "layer hb2019: present" in out
    assert "layer uk2023: missing" in out
    (path,) = layer_files("hb2019", key)
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x10
    path.write_bytes(bytes(data))
    assert main(["data", "check", "--no-lookups"]) == 1
    out = capsys.readouterr().out
    assert "layer hb2019: corrupt" in out
    assert path.exists()  # check only reports; the next load quarantines and rebuilds


def test_layer_file_without_a_checksum_is_never_read(cache, capsys):
    """A layer cached by an earlier version (no checksum in its name) may be damaged: it is rebuilt, not read,
    left where it is (no warning: nothing was wrong with the new cache), and data check mentions it."""
    from mapping.cli import main

    old = catalogue.layers_dir() / f"synthetic-{KEY}.parquet"
    old.parent.mkdir(parents=True)
    synthetic_frame().assign(age0=-1).to_parquet(old, index=False)  # what a damaged old file could hold
    build = Counter()
    pd.testing.assert_frame_equal(catalogue.cached_frame("synthetic", KEY, build, geo=False), synthetic_frame())
    assert build.calls == 1 and old.exists()
    main(["data", "check", "--no-lookups"])
    assert "1 layer files in" in capsys.readouterr().out
