"""The static site (mapping.present.site) on a SYNTHETIC layer: the same inputs give the same bytes, every area
has its figures for every measure, data reach the page as text, and the folder rules hold."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import box

from mapping.errors import OutputError, PimapError
from mapping.present import site, webmap

CODES = ["A1", "A2", "S1"]


def _layer() -> gpd.GeoDataFrame:
    """Three SYNTHETIC squares with corners off the 3-place grid, so rounding shows."""
    return gpd.GeoDataFrame(
        {"code": ["S1", "A1", "A2"], "name": ["Area three", "Area <b>one</b>", "Area two"],
         "nation": ["Scotland", "England", "Wales"]},
        geometry=[box(-4.00012, 56.00049, -3.00031, 57.12345), box(-1.23456, 51.98765, -0.12345, 52.55555),
                  box(-3.55555, 51.44444, -3.01234, 52.0)], crs="EPSG:4326")


def _gaps() -> pd.DataFrame:
    return pd.DataFrame({
        "code": ["A1", "A2", "S1"], "name": ["Area <b>one</b>", "Area two", "Area three"],
        "nation": ["England", "Wales", "Scotland"],
        "age0_2": [1000.0, 300.0, 20.0], "uncovered_age0_2": [250.0, 300.0, 0.0], "share_covered": [0.75, 0.0, 1.0],
        "coverage": ["partial", "no team", "covered"], "team_names": ["Team & <i>co</i>", "", "Team three"],
        "estimated": [False, True, False], "nearest_team_name": [None, "Team & <i>co</i>", None],
        "nearest_team_km": [float("nan"), 12.4, float("nan")],
    })


def _ladder() -> pd.DataFrame:
    rows = []
    for code, name, nation, babies, level in (("A1", "Area <b>one</b>", "England", 1000.0, "3"),
                                              ("A2", "Area two", "Wales", 300.0, "unknown"),
                                              ("S1", "Area three", "Scotland", 20.0, "3")):
        label = "3: specialised parent-infant team" if level == "3" else "unknown"
        row = {"code": code, "name": name, "nation": nation, "age0_2": babies, "level": level, "level_share": 1.0,
               "level_label": label,
               "split": False, "estimated": False, "teams": "team-one" if level == "3" else "",
               "specialist_areas": "", "foi_reply_ids": ""}
        for slug in ("level_3", "level_2", "level_1", "level_0", "unknown"):
            hit = slug == ("level_3" if level == "3" else "unknown")
            row[f"age0_2_{slug}"] = babies if hit else 0.0
            row[f"share_{slug}"] = 1.0 if hit else 0.0
        rows.append(row)
    return pd.DataFrame(rows)


def _births() -> pd.DataFrame:
    return pd.DataFrame({"code": ["A1", "A2", "S1"], "births": [340.0, 101.0, 7.0],
                         "period": ["mid-2023 to mid-2024", "mid-2023 to mid-2024", "2023"]})


def _teams() -> dict:
    frame = pd.DataFrame({"team_id": ["t1"], "name": ["Team & <i>co</i>"], "status": ["operating"],
                          "evidence_grade": ["foundation"], "base_lon": [-1.0], "base_lat": [52.1],
                          "location_precision": ["town"]})
    return webmap.team_features(frame)


TEXT = site.SiteText(title="Synthetic site", geography_label="Synthetic areas", data_date="teams as of 2026-01-01",
                     attribution="Synthetic attribution <b>bold</b>", sources=("source one", "source <two>"),
                     notes=("note one",), generated="2026-01-01")
LEAFLET = {name: f"synthetic {name}".encode() for name in site.LEAFLET_FILES}


def _files() -> dict[str, bytes]:
    figures = site.site_figures(_gaps(), ladder=_ladder(), births=_births())
    layer = _layer()
    return site.site_files(shapes=site.shapes_geojson(layer), views=site.nation_views(layer), figures=figures,
                           teams=_teams(), text=TEXT, download=("pimap-gaps-synthetic.csv", b"code\r\nA1\r\n"),
                           leaflet=LEAFLET)


def _data(files: dict[str, bytes], name: str) -> dict:
    text = files[name].decode("utf-8")
    found = re.fullmatch(r"window\.\w+ = JSON\.parse\((.*)\);\n", text, re.S)
    assert found, text[:80]
    return json.loads(json.loads(found.group(1)))


def test_same_inputs_give_the_same_bytes() -> None:
    first, second = _files(), _files()
    assert first == second
    assert sorted(first) == sorted(["index.html", "site.css", "map.js", "data/shapes.js", "data/figures.js",
                                    "downloads/pimap-gaps-synthetic.csv", "site.json",
                                    *[f"vendor/leaflet/{n}" for n in site.LEAFLET_FILES]])
    manifest = json.loads(first["site.json"])
    assert manifest["files"] == {n: hashlib.sha256(b).hexdigest() for n, b in first.items() if n != "site.json"}


def test_every_area_has_every_measures_figures() -> None:
    data = _data(_files(), "data/figures.js")
    ids = [m["id"] for m in data["measures"]]
    assert ids == [m.id for m in site.SITE_MEASURES]
    assert "foi_class" not in ids and "coverage_change" not in ids  # they need a visitor's file or a second date
    for measure in data["measures"]:
        assert sorted(measure["areas"]) == CODES
        assert len(measure["labels"]) == len(measure["areas"]["A1"]) - 1  # a fill, then one value per label
        assert all(re.fullmatch(r"#[0-9a-fA-F]{6}", v[0]) for v in measure["areas"].values())
        assert "mapping." not in measure["source"]
    by_id = {m["id"]: m for m in data["measures"]}
    assert by_id["share_covered"]["areas"]["A1"][4] == "75.0%"
    assert by_id["uncovered_age0_2"]["areas"]["A2"][4] == "300 (estimate)"
    assert by_id["births"]["areas"]["A1"][4] == "340 (mid-2023 to mid-2024)"
    assert [label for label, _ in by_id["share_covered"]["legend"]][0] == "none (0%)"
    assert sorted(data["views"]) == ["", "England", "Scotland", "Wales"]
    assert data["views"]["Wales"] == [[51.4444, -3.5556], [52.0, -3.0123]]
    assert data["teams"]["features"][0]["properties"]["name"] == "Team & <i>co</i>"  # text, shown as text


def test_shapes_are_rounded_and_carry_only_the_code() -> None:
    shapes = _data(_files(), "data/shapes.js")
    assert [f["properties"] for f in shapes["features"]] == [{"code": c} for c in CODES]
    assert all("coordinates" not in f["geometry"] for f in shapes["features"])  # sent as steps, as the app's
    coords = [c for f in shapes["features"] for ring in webmap.unstepped(f["geometry"])["coordinates"] for c in ring]
    assert all(round(v, 3) == v for point in coords for v in point)
    assert [-1.235, 51.988] in [[round(x, 3), round(y, 3)] for x, y in coords]


def test_page_is_text_only_self_contained_and_lists_sources() -> None:
    files = _files()
    page = files["index.html"].decode("utf-8")
    assert "<b>one</b>" not in page and "Area &lt;b&gt;one&lt;/b&gt;" in page
    assert "Team &amp; &lt;i&gt;co&lt;/i&gt;" in page
    assert "Synthetic attribution &lt;b&gt;bold&lt;/b&gt;" in page and "source &lt;two&gt;" in page
    assert "Content-Security-Policy" in page and "default-src 'self'" in page
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", page)  # nothing loaded from elsewhere
    assert "<style" not in page and " style=" not in page and "<script>" not in page  # the policy allows neither
    assert page.count('<tr data-nation=') == 3
    assert "innerHTML" not in files["map.js"].decode() and "insertAdjacentHTML" not in files["map.js"].decode()
    for name in ("data/shapes.js", "data/figures.js"):
        assert b"<" not in files[name] and b"&" not in files[name]  # escaped, so never markup


def test_leaflet_is_copied_only_when_its_hashes_match(tmp_path: Path) -> None:
    folder = tmp_path / "leaflet"
    (folder / "images").mkdir(parents=True)
    for name, body in LEAFLET.items():
        (folder / name).write_bytes(body)
    with pytest.raises(PimapError, match="not installed"):
        site.leaflet_files(folder)
    listed = {name: hashlib.sha256(body).hexdigest() for name, body in LEAFLET.items()}
    (folder / ".vendor.json").write_text(json.dumps({"files": listed}))
    assert site.leaflet_files(folder) == LEAFLET
    (folder / "leaflet.js").write_bytes(b"changed")
    with pytest.raises(PimapError, match="leaflet.js .* changed"):
        site.leaflet_files(folder)


def test_folder_rules(tmp_path: Path) -> None:
    files = _files()
    out = tmp_path / "site"
    site.write_site(files, out)
    written = {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert written == files
    assert (out / "index.html").stat().st_mode & 0o777 == 0o644
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]  # no staging folder left
    with pytest.raises(OutputError, match="earlier site"):
        site.write_site(files, out)  # not replaced unless asked
    site.write_site(files, out, overwrite=True)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]
    (out / "mine.txt").write_text("keep")
    with pytest.raises(OutputError, match="did not write.*mine.txt"):
        site.write_site(files, out, overwrite=True)
    assert (out / "mine.txt").read_text() == "keep"
    (out / "mine.txt").unlink()
    (out / "site.css").write_text("changed by hand")
    with pytest.raises(OutputError, match="site.css"):
        site.write_site(files, out, overwrite=True)
    assert (out / "site.css").read_text() == "changed by hand"

    other = tmp_path / "other"
    other.mkdir()
    (other / "notes.txt").write_text("not a site")
    with pytest.raises(OutputError, match="not empty and holds no earlier site"):
        site.write_site(files, other, overwrite=True)
    assert [p.name for p in other.iterdir()] == ["notes.txt"]
    empty = tmp_path / "empty"
    empty.mkdir()
    site.write_site(files, empty)
    assert (empty / "index.html").read_bytes() == files["index.html"]
    with pytest.raises(OutputError, match="does not exist"):
        site.write_site(files, tmp_path / "missing" / "site")
    (tmp_path / "afile").write_text("x")
    with pytest.raises(OutputError, match="not a folder"):
        site.write_site(files, tmp_path / "afile")


def test_a_views_link_is_written_as_the_sites_script_writes_it() -> None:
    assert site.view_fragment(measure="births", nation="Northern Ireland", area="N09000003") == \
        "measure=births&nation=Northern%20Ireland&area=N09000003"
    assert site.view_fragment() == ""
    # The FOI and change measures are the app's only: the link opens on the site's first measure instead.
    for measure in ("foi_class", "coverage_change", "not_a_measure"):
        assert site.view_fragment(measure=measure, nation="Wales") == "nation=Wales"
    assert {m.id for m in site.SITE_MEASURES} == {"share_covered", "uncovered_age0_2", "age0_2", "ladder_level", "births"}


def test_the_embed_snippet_is_the_one_the_docs_give_and_escapes_its_address() -> None:
    snippet = site.embed_snippet("https://example.org/pimap-site/index.html", "measure=share_covered")
    root = Path(__file__).resolve().parents[2]
    for doc in ("README.md", "docs/embedding.md"):
        assert snippet in (root / doc).read_text(encoding="utf-8"), doc
    odd = site.embed_snippet('https://example.org/"><script>x</script>/index.html', "measure=a&nation=b")
    assert "<script>" not in odd and "&quot;&gt;&lt;script&gt;" in odd
    assert 'index.html#measure=a&amp;nation=b"' in odd
