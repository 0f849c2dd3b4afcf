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
    """tests/conftest.py over a unit file with two misplaced tests and an integration file, each SYNTHETIC."""
    (tmp_path / "tests" / "unit").mkdir(parents=True)
    (tmp_path / "tests" / "integration").mkdir()
    shutil.copy(CONFTEST, tmp_path / "tests" / "conftest.py")
    (tmp_path / "tests" / "unit" / "test_synthetic.py").write_text(UNIT_FILE)
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
                             "tests/unit/test_synthetic.py::test_plain": "PASSED"}
    assert f"needs real data (asks for the mirror fixture) {MOVE}" in out
    assert f"needs real data (is marked slow) {MOVE}" in out


def test_a_unit_file_named_on_its_own_is_the_fast_tier_and_still_fails_a_misplaced_test(tree):
    code, out = run(tree, "tests/unit/test_synthetic.py::test_reads_real_data",
                    "tests/unit/test_synthetic.py::test_plain")
    assert code == 1, out
    assert "pimap test tier: fast (no real data)" in out
    assert outcomes(out) == {"tests/unit/test_synthetic.py::test_reads_real_data": "ERROR",
                             "tests/unit/test_synthetic.py::test_plain": "PASSED"}


def test_every_tier_runs_integration_data_tests_and_fails_misplaced_ones(tree):
    code, out = run(tree, "tests")
    assert code == 1, out
    assert "pimap test tier: all" in out
    assert outcomes(out) == {"tests/unit/test_synthetic.py::test_reads_real_data": "ERROR",
                             "tests/unit/test_synthetic.py::test_marked_slow": "ERROR",
                             "tests/unit/test_synthetic.py::test_plain": "PASSED",
                             "tests/integration/test_synthetic_data.py::test_reads_real_data": "PASSED"}


def test_the_fast_variable_deselects_real_data_tests_outside_tests_unit(tree):
    code, out = run(tree, "tests/integration")
    assert code == 0 and "1 passed" in out and "pimap test tier: all" in out, out
    code, out = run(tree, "tests/integration", tier="fast")
    assert code == 5 and "1 deselected" in out, out  # 5: no test left to run


def test_a_misplaced_test_fails_under_xdist_too(tree):
    pytest.importorskip("xdist")
    code, out = run(tree, "-n", "2", "tests")
    assert code == 1, out
    assert outcomes(out)["tests/unit/test_synthetic.py::test_reads_real_data"] == "ERROR"
    assert outcomes(out)["tests/integration/test_synthetic_data.py::test_reads_real_data"] == "PASSED"
    assert MOVE in out
