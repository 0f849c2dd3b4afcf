"""A pack built from a register the user brings names that register, as text, wherever the pack names its teams."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from mapping.cli import main

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_a_brought_register_is_named_in_the_summary_and_manifest(mirror, tmp_path):
    register = tmp_path / "our *teams* [2026].csv"  # markdown in the name: must come out as text
    shutil.copyfile(REPO / "data" / "teams.csv", register)
    out = tmp_path / "pack"
    code = main(["report", "--geography", "uk2018", "--year", "2019", "--as-of", "2019-09-01",
                 "--teams", str(register), "--out", str(out)])
    assert code == 0
    summary = (out / "summary.md").read_text(encoding="utf-8")
    assert "data/teams.csv" not in summary.split("## Definitions")[1]
    assert r"our \*teams\* \[2026\].csv" in summary  # escaped, so no emphasis or link is made of it
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert any(key.startswith("register:our *teams* [2026].csv") for key in manifest["inputs"])
