"""Fuzz the cache: random bit flips, truncations and appended bytes in a cached layer and a cached raw file.

Every case must end one of two ways: the damage is detected (a one-line ``CacheRepairWarning`` naming the
file, then the layer rebuilt or the file fetched again, giving the original frame) or refused with a
``PimapError`` message, or the frame is read identical to the original. Never a traceback, never a
silently different frame. Layers and raw files are SYNTHETIC and live in temporary cache folders; the
registry is a fake entry. ``PIMAP_FUZZ_EXAMPLES`` sets the examples per probe class (default 40).

The module prints a table (probe class, cases tried, refused or rebuilt cleanly, read correctly,
traceback, silently wrong) at the end; run with ``-s`` or read it in the terminal summary.
"""

from __future__ import annotations

import collections
import hashlib
import io
import os
import tempfile
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
import shapely
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from boundaries import catalogue, readers
from boundaries import fetch as fetch_mod
from mapping.errors import CacheRepairWarning, PimapError

EXAMPLES = int(os.environ.get("PIMAP_FUZZ_EXAMPLES", "40"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
KEY = "fedcba9876543210"  # a synthetic layer key

OUTCOMES = ("refused or rebuilt cleanly", "read correctly", "traceback", "silently wrong")
TABLE: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)


def synthetic_table() -> pd.DataFrame:
    """Made-up small areas and counts (not real data)."""
    return pd.DataFrame({
        "unit_code": [f"SYN{i:04d}" for i in range(200)],
        "nation": pd.array(["Scotland" if i % 3 else "Wales" for i in range(200)], dtype="string"),
        "age0": [float((i * 53) % 997) for i in range(200)],
        "estimated": [i % 5 == 0 for i in range(200)],
    })


def synthetic_geo() -> gpd.GeoDataFrame:
    """Twelve made-up unit squares in a row (not real areas)."""
    return gpd.GeoDataFrame({"code": [f"SYN{i:02d}" for i in range(12)], "name": [f"Synthetic {i}" for i in range(12)]},
                            geometry=[shapely.box(i, 0, i + 1, 1) for i in range(12)], crs="EPSG:4326")


SYNTHETIC_CSV = ("code,name,count\n" + "".join(f"SYN{i:04d},Synthetic area {i},{i * 7 % 113}\n"
                                               for i in range(300))).encode()
RAW_ENTRY = fetch_mod.RegisteredFile(
    id="synthetic", filename="synthetic_fuzz.csv", bytes=len(SYNTHETIC_CSV),
    sha256=hashlib.sha256(SYNTHETIC_CSV).hexdigest(), format="csv", url="http://127.0.0.1:9/synthetic_fuzz.csv",
    license="test", description="synthetic fuzz file (not real data)",
)


@pytest.fixture(scope="module", autouse=True)
def report_table(request) -> Iterator[None]:
    yield
    width = max([len(k) for k in TABLE] + [12])
    lines = ["", f"{'probe class':<{width}}  {'tried':>5}  " + "  ".join(f"{o:>{len(o)}}" for o in OUTCOMES)]
    for probe, counts in TABLE.items():
        cells = "  ".join(f"{counts[o]:>{len(o)}}" for o in OUTCOMES)
        lines.append(f"{probe:<{width}}  {sum(counts.values()):>5}  {cells}")
    reporter = request.config.pluginmanager.get_plugin("terminalreporter")
    for line in lines:
        reporter.write_line(line) if reporter is not None else print(line)


def _same(got: pd.DataFrame, expected: pd.DataFrame) -> bool:
    try:
        if isinstance(expected, gpd.GeoDataFrame):
            if not isinstance(got, gpd.GeoDataFrame) or got.crs != expected.crs:
                return False
            got = pd.DataFrame(got).assign(geometry=got.geometry.to_wkb())
            expected = pd.DataFrame(expected).assign(geometry=expected.geometry.to_wkb())
        pd.testing.assert_frame_equal(pd.DataFrame(got), pd.DataFrame(expected))
    except AssertionError:
        return False
    return True


def _outcome(run: Callable[[], pd.DataFrame], expected: pd.DataFrame, filename: str) -> str:
    """Run one case and classify what happened."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            frame = run()
        except PimapError as exc:
            return "refused or rebuilt cleanly" if filename in str(exc) and "\n" not in str(exc) else "traceback"
        except Exception:  # noqa: BLE001 - this is what the fuzz counts
            return "traceback"
    repairs = [str(w.message) for w in caught if issubclass(w.category, CacheRepairWarning)]
    others = [w for w in caught if not issubclass(w.category, CacheRepairWarning)]
    if others or not _same(frame, expected):
        return "silently wrong"
    if repairs:
        clear = len(repairs) == 1 and filename in repairs[0] and "\n" not in repairs[0]
        return "refused or rebuilt cleanly" if clear else "silently wrong"
    return "read correctly"


def _record(probe: str, outcome: str, allowed: tuple[str, ...]) -> None:
    TABLE[probe][outcome] += 1
    assert outcome in allowed, f"{probe}: {outcome}"


# --- processed layers -------------------------------------------------------------------------------------


class LayerCase:
    """A good cached copy of a synthetic layer, and a way to damage it in a fresh temporary cache."""

    def __init__(self, build: Callable[[], pd.DataFrame], *, geo: bool, name: str) -> None:
        self.build, self.geo, self.name = build, geo, name
        with tempfile.TemporaryDirectory() as tmp, pytest.MonkeyPatch.context() as mp:
            mp.setenv("PIMAP_CACHE_DIR", tmp)
            self.expected = catalogue.cached_frame(name, KEY, build, geo=geo)
            (path,) = catalogue._layer_files(name, KEY)
            self.filename, self.good = path.name, path.read_bytes()

    def run(self, damaged: bytes) -> str:
        with tempfile.TemporaryDirectory() as tmp, pytest.MonkeyPatch.context() as mp:
            mp.setenv("PIMAP_CACHE_DIR", tmp)
            layers = Path(tmp) / "layers"
            layers.mkdir()
            (layers / self.filename).write_bytes(damaged)
            calls: list[int] = []

            def build() -> pd.DataFrame:
                calls.append(1)
                return self.build()

            outcome = _outcome(lambda: catalogue.cached_frame(self.name, KEY, build, geo=self.geo), self.expected,
                               self.filename)
            if outcome == "refused or rebuilt cleanly":
                rebuilt = catalogue._layer_files(self.name, KEY)
                if calls != [1] or [p.read_bytes() for p in rebuilt] != [self.good]:
                    outcome = "silently wrong"
                if len(list((Path(tmp) / "quarantine" / "layers").iterdir())) != 1:
                    outcome = "silently wrong"  # the damaged file must be kept aside, not deleted
            return outcome


TABLE_LAYER = LayerCase(synthetic_table, geo=False, name="synthetic")
GEO_LAYER = LayerCase(synthetic_geo, geo=True, name="synthetic-geo")
CLEAN = ("refused or rebuilt cleanly", "read correctly")


@pytest.mark.parametrize("case", [TABLE_LAYER, GEO_LAYER], ids=["table", "geo"])
def test_layer_bit_flips(case: LayerCase) -> None:
    @FUZZ
    @given(st.data())
    def probe(data: st.DataObject) -> None:
        damaged = bytearray(case.good)
        offset = data.draw(st.integers(0, len(damaged) - 1), label="offset")
        damaged[offset] ^= 1 << data.draw(st.integers(0, 7), label="bit")
        _record(f"layer ({case.name}): bit flip", case.run(bytes(damaged)), CLEAN)

    probe()


@pytest.mark.parametrize("case", [TABLE_LAYER, GEO_LAYER], ids=["table", "geo"])
def test_layer_truncations(case: LayerCase) -> None:
    @FUZZ
    @given(st.integers(0, len(case.good) - 1))
    def probe(keep: int) -> None:
        _record(f"layer ({case.name}): truncated", case.run(case.good[:keep]), CLEAN)

    probe()


def test_layer_appended_bytes() -> None:
    @FUZZ
    @given(st.binary(min_size=1, max_size=256))
    def probe(extra: bytes) -> None:
        _record("layer (synthetic): bytes appended", TABLE_LAYER.run(TABLE_LAYER.good + extra), CLEAN)

    probe()


def test_layer_undamaged_control() -> None:
    for case in (TABLE_LAYER, GEO_LAYER):
        _record(f"layer ({case.name}): undamaged (control)", case.run(case.good), ("read correctly",))


# --- raw files ----------------------------------------------------------------------------------------------


def _run_raw(damaged: bytes, *, mirror_has_good_copy: bool = True) -> str:
    with tempfile.TemporaryDirectory() as tmp, pytest.MonkeyPatch.context() as mp:
        root = Path(tmp)
        mirror = root / "mirror"
        mirror.mkdir()
        if mirror_has_good_copy:
            (mirror / RAW_ENTRY.filename).write_bytes(SYNTHETIC_CSV)
        (root / "cache" / "raw").mkdir(parents=True)
        (root / "cache" / "raw" / RAW_ENTRY.filename).write_bytes(damaged)
        mp.setenv("PIMAP_CACHE_DIR", str(root / "cache"))
        mp.setenv("PIMAP_DATA_MIRROR", str(mirror))
        mp.setattr(fetch_mod, "registry", lambda: {"synthetic": RAW_ENTRY})
        fetch_mod.forget_verified()  # each case is a new run
        return _outcome(lambda: readers.read_csv("synthetic"), EXPECTED_CSV, RAW_ENTRY.filename)


EXPECTED_CSV = pd.read_csv(io.BytesIO(SYNTHETIC_CSV), dtype=str, keep_default_na=False)


def test_raw_bit_flips() -> None:
    @FUZZ
    @given(st.integers(0, len(SYNTHETIC_CSV) - 1), st.integers(0, 7))
    def probe(offset: int, bit: int) -> None:
        damaged = bytearray(SYNTHETIC_CSV)
        damaged[offset] ^= 1 << bit
        _record("raw file: bit flip", _run_raw(bytes(damaged)), CLEAN)

    probe()


def test_raw_truncations() -> None:
    @FUZZ
    @given(st.integers(0, len(SYNTHETIC_CSV) - 1))
    def probe(keep: int) -> None:
        _record("raw file: truncated", _run_raw(SYNTHETIC_CSV[:keep]), CLEAN)

    probe()


def test_raw_damaged_with_no_good_copy_reachable() -> None:
    """Damaged in the cache and absent from the mirror: refused with a message naming the file."""

    @FUZZ
    @given(st.integers(0, len(SYNTHETIC_CSV) - 1))
    def probe(keep: int) -> None:
        outcome = _run_raw(SYNTHETIC_CSV[:keep], mirror_has_good_copy=False)
        _record("raw file: truncated, mirror lacks it", outcome, ("refused or rebuilt cleanly",))

    probe()


def test_raw_undamaged_control() -> None:
    _record("raw file: undamaged (control)", _run_raw(SYNTHETIC_CSV), ("read correctly",))
