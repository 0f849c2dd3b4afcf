"""Shared test set-up: real layers come from the data mirror into a per-run cache.

Tests read the pinned open data through ``PIMAP_DATA_MIRROR`` (``.ci/run`` sets it to
``../shared/data/raw``; ``../shared/data/raw`` beside the clone is used when present);
with no mirror the files are downloaded from their pinned URLs, hash-checked.
The processed-layer cache is shared across runs (``PIMAP_CACHE_DIR`` or the user cache),
because its entries are keyed by the source hashes and so can never be stale.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def _mirror() -> Path | None:
    env = os.environ.get("PIMAP_DATA_MIRROR")
    if env:
        return Path(env)
    default = REPO.parent / "shared" / "data" / "raw"
    return default if default.is_dir() else None


# The fast tier (`make check`, PIMAP_TEST_TIER=fast) runs only the tests that need no real data: those
# asking for a real-data fixture are deselected, and the cache and mirror point at empty folders, so a test
# that reads real data without saying so fails there instead of passing on a warm cache.
FAST_TIER = os.environ.get("PIMAP_TEST_TIER") == "fast"

# A developer's own replies file or data folder must not change what the tests see (boundaries.config); the
# tests that need them set them themselves.
for _name in ("PIMAP_FOI_FILE", "PIMAP_DATA_DIR"):
    os.environ.pop(_name, None)
REAL_DATA_FIXTURES = frozenset({"mirror", "uk2023_foi_pack"})

if FAST_TIER:
    _empty = Path(tempfile.mkdtemp(prefix="pimap-fast-tier-"))
    (_empty / "mirror").mkdir()
    os.environ["PIMAP_CACHE_DIR"] = str(_empty / "cache")
    os.environ["PIMAP_DATA_MIRROR"] = str(_empty / "mirror")
    MIRROR: Path | None = None
else:
    MIRROR = _mirror()
    if MIRROR is not None:
        os.environ["PIMAP_DATA_MIRROR"] = str(MIRROR)


@pytest.fixture(scope="session")
def mirror() -> Path | None:
    """Marks a test that reads real open data (from the mirror, or downloaded when there is none)."""
    return MIRROR


def pytest_collection_modifyitems(config, items):
    for item in items:
        if REAL_DATA_FIXTURES.intersection(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.data)
    if FAST_TIER:
        kept = [i for i in items if not any(m in i.keywords for m in ("data", "slow", "browser", "network"))]
        config.hook.pytest_deselected(items=[i for i in items if i not in kept])
        items[:] = kept
    if os.environ.get("PIMAP_NETWORK_TESTS") == "1":
        return
    skip = pytest.mark.skip(reason="needs the internet; set PIMAP_NETWORK_TESTS=1")
    for item in items:
        if "network" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def uk2023_foi_pack(mirror, tmp_path_factory) -> Path:
    """One report pack (uk2023, mid-2020, teams on 2023-09-01, the SYNTHETIC FOI fixture), built once per
    run and shared by the report tests, which only read it: building it takes most of a minute."""
    from datetime import date

    from mapping.report import build_pack

    out = tmp_path_factory.mktemp("packs") / "uk2023"
    build_pack("uk2023", 2020, as_of=date(2023, 9, 1), out=out,
               foi=REPO / "tests" / "fixtures" / "synthetic_foi_rare_jewels.csv")
    return out
