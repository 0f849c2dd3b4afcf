"""Shared test set-up: the tiers, and real layers from the data mirror into a per-run cache.

``tests/unit`` holds only tests that need no real data (``pytest tests/unit`` runs them as the fast tier);
a unit test asking for a real-data fixture (``mirror``, ``uk2023_foi_pack``) or marked slow fails, telling
its author to move it to ``tests/integration``.

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


# The fast tier (`make check`, PIMAP_TEST_TIER=fast, or `pytest tests/unit` by itself) runs only the tests that
# need no real data: those asking for a real-data fixture are deselected, and the cache and mirror point at
# empty folders, so a test that reads real data without saying so fails there instead of passing on a warm cache.
# The tier is settled in pytest_configure, once the paths asked for are known (see _fast_tier).
FAST_TIER = False
MIRROR: Path | None = None

# A developer's own replies file or data folder must not change what the tests see (boundaries.config); the
# tests that need them set them themselves.
for _name in ("PIMAP_FOI_FILE", "PIMAP_DATA_DIR"):
    os.environ.pop(_name, None)
REAL_DATA_FIXTURES = frozenset({"mirror", "uk2023_foi_pack"})
REAL_DATA_MARKS = ("data", "slow")
UNIT = REPO / "tests" / "unit"

# tests/unit holds only tests that need no real data (seconds); a unit test asking for a real-data fixture
# or marked slow fails, saying to move it to tests/integration.
MOVE_TO_INTEGRATION = ("needs real data ({why}) but lies in tests/unit, which holds only tests that need no real "
                       "data: move it to a file under tests/integration")
_misplaced = pytest.StashKey[dict[str, str]]()


def _in_unit(path: Path) -> bool:
    return path.resolve().is_relative_to(UNIT)


def _fast_tier(config: pytest.Config) -> bool:
    """PIMAP_TEST_TIER=fast, or every path asked for lies in tests/unit (``pytest tests/unit`` is the fast tier
    by itself)."""
    if os.environ.get("PIMAP_TEST_TIER") == "fast":
        return True
    if hasattr(config, "workerinput"):  # an xdist worker: the controller has decided (and set the variable)
        return False
    paths = [config.invocation_params.dir / str(arg).split("::", 1)[0] for arg in config.args]
    return bool(paths) and all(_in_unit(p) for p in paths)


def pytest_configure(config: pytest.Config) -> None:
    global FAST_TIER, MIRROR
    FAST_TIER = _fast_tier(config)
    if FAST_TIER:
        os.environ["PIMAP_TEST_TIER"] = "fast"  # xdist workers, started later, inherit the tier
        empty = Path(tempfile.mkdtemp(prefix="pimap-fast-tier-"))
        (empty / "mirror").mkdir()
        os.environ["PIMAP_CACHE_DIR"] = str(empty / "cache")
        os.environ["PIMAP_DATA_MIRROR"] = str(empty / "mirror")
        MIRROR = None
    else:
        MIRROR = _mirror()
        if MIRROR is not None:
            os.environ["PIMAP_DATA_MIRROR"] = str(MIRROR)


def pytest_report_header(config: pytest.Config) -> str:
    return f"pimap test tier: {'fast (no real data)' if FAST_TIER else 'all'}"


@pytest.fixture(scope="session")
def mirror() -> Path | None:
    """Marks a test that reads real open data (from the mirror, or downloaded when there is none)."""
    return MIRROR


def pytest_collection_modifyitems(config, items):
    for item in items:
        if REAL_DATA_FIXTURES.intersection(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.data)
    misplaced: dict[str, str] = {}
    for item in items:
        if not _in_unit(item.path) or not any(m in item.keywords for m in REAL_DATA_MARKS):
            continue
        fixtures = sorted(REAL_DATA_FIXTURES.intersection(getattr(item, "fixturenames", ())))
        why = [f"asks for the {' and '.join(fixtures)} fixture"] if fixtures else []
        why += ["is marked slow"] if "slow" in item.keywords else []
        misplaced[item.nodeid] = MOVE_TO_INTEGRATION.format(why=", ".join(why) or "is marked data")
    config.stash[_misplaced] = misplaced
    if FAST_TIER:
        # A misplaced unit test is kept, so it fails (in setup, before touching any data) in the fast tier too.
        kept = [i for i in items if i.nodeid in misplaced
                or not any(m in i.keywords for m in ("data", "slow", "browser", "network"))]
        config.hook.pytest_deselected(items=[i for i in items if i not in kept])
        items[:] = kept
    if os.environ.get("PIMAP_NETWORK_TESTS") == "1":
        return
    skip = pytest.mark.skip(reason="needs the internet; set PIMAP_NETWORK_TESTS=1")
    for item in items:
        if "network" in item.keywords:
            item.add_marker(skip)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    """Fail a misplaced unit test before any of its fixtures (the real data among them) is set up."""
    message = item.config.stash.get(_misplaced, {}).get(item.nodeid)
    if message is not None:
        pytest.fail(message, pytrace=False)


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
