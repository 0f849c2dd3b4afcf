"""`pimap site` on real data (hb2019, Scotland's 14 health boards): every file is there, every area has its
figures for every measure (the app's, from the same library calls), and two runs give identical bytes."""

from __future__ import annotations

import io
import json
import re
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from mapping.cli import main

GEOGRAPHY, YEAR, AS_OF = "hb2019", 2022, "2025-07-01"


def _run(out: Path, *extra: str) -> int:
    return main(["site", "--geography", GEOGRAPHY, "--year", str(YEAR), "--as-of", AS_OF, "--out", str(out), *extra])


def _data(path: Path) -> dict:
    found = re.fullmatch(r"window\.\w+ = JSON\.parse\((.*)\);\n", path.read_text(encoding="utf-8"), re.S)
    assert found
    return json.loads(json.loads(found.group(1)))


@pytest.fixture(scope="module")
def two_sites(mirror, tmp_path_factory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("sites")
    assert _run(root / "one") == 0
    assert _run(root / "two") == 0
    return root / "one", root / "two"


def _files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def test_two_runs_give_identical_bytes(two_sites) -> None:
    one, two = two_sites
    assert _files(one) == _files(two)


def test_files_present_and_listed(two_sites) -> None:
    one, _ = two_sites
    files = _files(one)
    for name in ("index.html", "map.js", "site.css", "data/shapes.js", "data/figures.js", "vendor/leaflet/leaflet.js",
                 "vendor/leaflet/leaflet.css", "vendor/leaflet/images/layers.png", "site.json",
                 f"downloads/pimap-gaps-{GEOGRAPHY}-{AS_OF}.csv"):
        assert name in files, name
    manifest = json.loads(files["site.json"])
    assert sorted(manifest["files"]) == sorted(n for n in files if n != "site.json")
    assert b"Leaflet 1.9.4" in files["vendor/leaflet/leaflet.js"][:200]


def test_every_area_has_the_apps_figures(two_sites) -> None:
    from mapping.analysis.coverage import compute_gaps
    from mapping.analysis.selection import Selection, load_inputs
    from mapping.present import webmap

    one, _ = two_sites
    data = _data(one / "data" / "figures.js")
    shapes = _data(one / "data" / "shapes.js")
    codes = sorted(f["properties"]["code"] for f in shapes["features"])
    assert len(codes) == 14
    inputs = load_inputs(Selection(GEOGRAPHY, YEAR, date.fromisoformat(AS_OF)))
    gaps = pd.DataFrame(compute_gaps(inputs).drop(columns="geometry"))
    assert codes == sorted(gaps["code"])
    ids = [m["id"] for m in data["measures"]]
    assert ids == ["share_covered", "uncovered_age0_2", "age0_2", "ladder_level", "births"]
    for measure in data["measures"]:
        assert sorted(measure["areas"]) == codes, measure["id"]
        assert all(len(v) == len(measure["labels"]) + 1 for v in measure["areas"].values())
    # The same figures as the app's map: webmap.area_properties of the same gaps.
    share = next(m for m in data["measures"] if m["id"] == "share_covered")
    expected = webmap.area_styles(webmap.area_properties(gaps, webmap.MEASURES["share_covered"]),
                                  webmap.MEASURES["share_covered"])
    assert share["areas"] == expected
    babies = next(m for m in data["measures"] if m["id"] == "age0_2")
    for row in gaps.itertuples():
        assert babies["areas"][row.code][4].split(" ")[0] == f"{row.age0_2:,.0f}"
    # Every area is a row of the page's table, and of the download.
    page = (one / "index.html").read_text(encoding="utf-8")
    assert sorted(re.findall(r'data-code="([^"]+)"', page)) == codes
    csv = (one / "downloads" / f"pimap-gaps-{GEOGRAPHY}-{AS_OF}.csv").read_bytes().decode("utf-8-sig")
    assert f"# data date: teams as of {AS_OF}; population mid-{YEAR}" in csv
    assert f"# generated: {AS_OF}" in csv
    table = pd.read_csv(io.StringIO(csv), comment="#")
    assert sorted(table["code"]) == codes
    assert table["age0_2"].sum() == pytest.approx(gaps["age0_2"].sum())
    assert "mapping." not in page and "None" not in re.sub(r"<[^>]+>", " ", page).split() and "NaN" not in page


def test_a_folder_it_did_not_make_is_refused(two_sites, tmp_path: Path, capsys) -> None:
    one, _ = two_sites
    theirs = tmp_path / "theirs"
    theirs.mkdir()
    (theirs / "notes.txt").write_text("keep")
    assert _run(theirs) == 2
    assert "is not empty and holds no earlier site" in capsys.readouterr().err
    assert [p.name for p in theirs.iterdir()] == ["notes.txt"]
    assert _run(one) == 2
    assert "pass --force to replace it" in capsys.readouterr().err
