"""The tier folders mean what they say: tests/conftest.py fails a real-data test placed in tests/unit.

Each test runs pytest in a child process on a SYNTHETIC tree (a copy of tests/conftest.py and a few
one-line tests), so the tier rules are checked without running the project's own tests. It needs no real
data; it is here rather than in tests/unit because it starts several pytest processes (a few seconds).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

CONFTEST = Path(__file__).resolve().parents[1] / "conftest.py"
MOVE = "but lies in tests/unit, which holds only tests that need no real data: move it to a file under tests/integration"

UNIT_FILE = '''
import pytest


def test_reads_real_data(mirror):
    pass


@pytest.mark.slow
def test_marked_slow():
    pass


def test_plain():
    pass
'''
DATA_FILE = '''
def test_reads_real_data(mirror):
    pass
'''


@pytest.fixture
def tree(tmp_path) -> Path:
    """tests/conftest.py over a unit file with two misplaced tests, an allow-listed unit file and an
    integration file, each SYNTHETIC."""
    (tmp_path / "tests" / "unit").mkdir(parents=True)
    (tmp_path / "tests" / "integration").mkdir()
    shutil.copy(CONFTEST, tmp_path / "tests" / "conftest.py")
    (tmp_path / "tests" / "unit" / "test_synthetic.py").write_text(UNIT_FILE)
    (tmp_path / "tests" / "unit" / "test_ladder.py").write_text(DATA_FILE)  # on the allow-list
    (tmp_path / "tests" / "integration" / "test_synthetic_data.py").write_text(DATA_FILE)
    (tmp_path / "pytest.ini").write_text("[pytest]\naddopts = -p no:cacheprovider -rA\nmarkers =\n"
                                         "    slow: slow\n    data: data\n    browser: browser\n    network: network\n")
    return tmp_path


def run(tree: Path, *args: str, tier: str | None = None) -> tuple[int, str]:
    """pytest in ``tree`` with these arguments: (exit code, output); PIMAP_TEST_TIER is ``tier`` or unset."""
    env = {k: v for k, v in os.environ.items() if k != "PIMAP_TEST_TIER"}
    if tier is not None:
        env["PIMAP_TEST_TIER"] = tier
    done = subprocess.run([sys.executable, "-m", "pytest", *args], cwd=tree, env=env, capture_output=True,
                          text=True, timeout=120)
    return done.returncode, done.stdout


def outcomes(out: str) -> dict[str, str]:
    """Node id -> PASSED / ERROR / FAILED / SKIPPED, from pytest's -rA summary."""
    found = {}
    for line in out.splitlines():
        word, _, rest = line.partition(" ")
        if word in ("PASSED", "ERROR", "FAILED", "SKIPPED") and "::" in rest:
            found[rest.split(" - ")[0].strip()] = word
    return found


def test_pytest_tests_unit_is_the_fast_tier_and_fails_a_misplaced_test(tree):
    code, out = run(tree, "tests/unit")
    assert code == 1, out
    assert "pimap test tier: fast (no real data)" in out
    assert outcomes(out) == {"tests/unit/test_synthetic.py::test_reads_real_data": "ERROR",
                             "tests/unit/test_synthetic.py::test_marked_slow": "ERROR",
                             "tests/unit/test_synthetic.py::test_plain": "PASSED"}  # the allow-listed one deselected
    assert f"needs real data (asks for the mirror fixture) {MOVE}" in out
    assert f"needs real data (is marked slow) {MOVE}" in out
    assert "1 real-data tests still in tests/unit (allow-listed" in out and "tests/unit/test_ladder.py: 1" in out


def test_every_tier_runs_integration_and_allow_listed_data_tests(tree):
    code, out = run(tree, "tests")
    assert code == 1, out
    assert "pimap test tier: all" in out
    assert outcomes(out) == {"tests/unit/test_synthetic.py::test_reads_real_data": "ERROR",
                             "tests/unit/test_synthetic.py::test_marked_slow": "ERROR",
                             "tests/unit/test_synthetic.py::test_plain": "PASSED",
                             "tests/unit/test_ladder.py::test_reads_real_data": "PASSED",
                             "tests/integration/test_synthetic_data.py::test_reads_real_data": "PASSED"}


def test_the_fast_variable_deselects_real_data_tests_outside_tests_unit(tree):
    code, out = run(tree, "tests/integration", "tests/unit/test_ladder.py")
    assert code == 0 and "2 passed" in out, out  # an allow-listed file named on its own keeps its data tests
    code, out = run(tree, "tests/integration", tier="fast")
    assert code == 5 and "1 deselected" in out, out  # 5: no test left to run


def test_the_allow_list_is_reported_under_xdist_too(tree):
    pytest.importorskip("xdist")
    code, out = run(tree, "-n", "2", "tests")
    assert code == 1, out
    assert "tests/unit/test_ladder.py: 1" in out
    assert MOVE in out
