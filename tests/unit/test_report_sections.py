"""The report as explicit sections (mapping.report.sections) and the writer's ZIP, without real data.

SYNTHETIC packs: every step between the inputs and the files is stubbed (as tests/outputs_helpers.py
does), so the files a folder and a ZIP receive can be compared in milliseconds.
"""

from __future__ import annotations

import ast
import io
import zipfile
from datetime import date
from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pytest

from mapping import report as R
from mapping.report import ladder as LR
from mapping.report import sections as S

REPORT = Path(R.__file__).parent


@pytest.fixture
def stub_pack(monkeypatch) -> SimpleNamespace:
    """A SYNTHETIC pack: one table, one figure id, no figures."""
    monkeypatch.setattr(R, "pack_tables", lambda data: {"synthetic": pd.DataFrame({"n": [1, -2], "t": ["a", "=b"]})})
    monkeypatch.setattr(R, "summary_sections", lambda data, tables: [])
    monkeypatch.setattr(R, "headline_figures", lambda data, tables, sections: pd.DataFrame(
        {"id": ["synthetic.n"], "value": [1], "text": ["1"], "table": ["synthetic"], "row": ["-"], "column": ["n"]}))
    monkeypatch.setattr(R, "pack_figures", lambda data: [])
    monkeypatch.setattr(R, "summary_markdown", lambda data, figures, files, sections: "SYNTHETIC\n" + "\n".join(files))
    return SimpleNamespace(geography="uk2023", year=2020, as_of=date(2023, 9, 1), foi=None,
                           inputs={"data/teams.csv": "0" * 64})


def test_the_ladder_registers_its_section_when_the_report_is_imported():
    names = [s.name for s in R.registered_sections()]
    assert names.count("ladder") == 1
    assert LR.SECTION in R.registered_sections()
    assert (LR.SECTION.tables, LR.SECTION.summary, LR.SECTION.figures) == (
        LR.report_tables, LR.report_summary, LR.report_figures)


def test_a_second_section_under_a_taken_name_is_refused_and_the_same_one_is_kept_once(monkeypatch):
    monkeypatch.setattr(S, "SECTIONS", [])
    first = R.register_section(R.Section("extra", tables=lambda data: {}))
    assert R.register_section(first) is first
    assert R.registered_sections() == (first,)
    with pytest.raises(R.ReportError, match="two report sections are named 'extra'"):
        R.register_section(R.Section("extra", figures=lambda data: []))


def _tiny_inputs() -> SimpleNamespace:
    """SYNTHETIC inputs with one area and one team: enough for pack_tables' core tables."""
    from mapping.report.tables import _AREA_COLUMNS, _SUMMARY_KEYS, _TEAM_COLUMNS

    summary = {**{k: 1.0 for k in _SUMMARY_KEYS}, "nations": {}}
    gaps = pd.DataFrame({c: ["x"] for c in _AREA_COLUMNS}).assign(nearest_team_km=1.25, teams="T1", geometry=None)
    return SimpleNamespace(summary=summary, gaps=gaps, current_teams=pd.DataFrame({c: ["T1"] for c in _TEAM_COLUMNS}),
                           growth=pd.DataFrame({"year": [2020], "target": [1.26]}),
                           published=pd.DataFrame({"as_of": ["2020-01"], "teams": [1]}), capacity=None, foi=None)


def test_sections_add_their_tables_and_a_name_the_pack_has_is_refused(monkeypatch):
    monkeypatch.setattr(S, "SECTIONS", [])
    R.register_section(R.Section("extra", tables=lambda data: {"extra": pd.DataFrame({"a": [1]})}))
    tables = R.pack_tables(_tiny_inputs())
    assert list(tables) == ["nations", "areas", "teams", "team_counts", "published_team_counts", "extra"]
    assert tables["teams"]["areas_served"].tolist() == ["x"]  # the team serves the one area
    assert tables["team_counts"]["target"].tolist() == [1.3]
    R.register_section(R.Section("clash", tables=lambda data: {"areas": pd.DataFrame()}))
    with pytest.raises(R.ReportError, match="'clash' gives a table named 'areas'"):
        R.pack_tables(_tiny_inputs())


def test_no_module_of_the_report_is_loaded_by_a_string_or_imports_the_package_inside_a_function():
    for path in sorted(REPORT.glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and node.attr == "import_module":
                pytest.fail(f"{path.name}: importlib.import_module")
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                for inner in ast.walk(node):
                    if isinstance(inner, ast.ImportFrom) and inner.module == "mapping.report":
                        pytest.fail(f"{path.name}:{inner.lineno}: imports mapping.report inside {node.name}")


def test_the_zip_holds_the_files_the_folder_gets_and_is_the_same_bytes_twice(stub_pack, tmp_path):
    manifest = R.write_pack(stub_pack, tmp_path / "pack")
    data, zipped_manifest = R.pack_zip_bytes(stub_pack, "pimap-pack")
    assert zipped_manifest == manifest
    assert R.pack_zip_bytes(stub_pack, "pimap-pack")[0] == data
    archive = zipfile.ZipFile(io.BytesIO(data))
    entries = archive.namelist()
    on_disk = sorted(p.relative_to(tmp_path / "pack").as_posix() for p in (tmp_path / "pack").rglob("*")
                     if p.is_file())
    assert sorted(e.removeprefix("pimap-pack/") for e in entries) == on_disk
    assert all(e.startswith("pimap-pack/") for e in entries)
    for entry in entries:
        assert archive.read(entry) == (tmp_path / "pack" / entry.removeprefix("pimap-pack/")).read_bytes(), entry
        assert archive.getinfo(entry).date_time == (1980, 1, 1, 0, 0, 0)
    assert {f["path"] for f in manifest["files"]} == set(on_disk) - {"manifest.json"}


def test_building_a_zip_writes_nothing_to_disk(stub_pack, tmp_path, monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("the ZIP is built in memory")

    monkeypatch.setattr(Path, "write_bytes", refuse)
    monkeypatch.setattr(Path, "mkdir", refuse)
    data, manifest = R.pack_zip_bytes(stub_pack, "pimap-pack")
    assert zipfile.ZipFile(io.BytesIO(data)).read("pimap-pack/summary.md").startswith(b"SYNTHETIC")
    assert manifest["inputs"] == stub_pack.inputs


def test_the_manifest_lists_the_packs_sources_with_their_roles(stub_pack):
    from mapping.inputs.provenance import Source

    stub_pack.sources = (Source("registry:pop2020_lsoa11", "population", "ONS", "OGL v3", "https://x", "1" * 64),)
    stub_pack.inputs = {"registry:pop2020_lsoa11": "1" * 64}
    _, manifest = R.pack_files(stub_pack)
    assert manifest["sources"] == [{"id": "registry:pop2020_lsoa11", "role": "population", "description": "ONS",
                                    "licence": "OGL v3", "url": "https://x", "sha256": "1" * 64}]


def test_load_inputs_takes_a_selection_and_refuses_one_the_report_cannot_make():
    """Checked before any data is read: a selection of a geography that is not UK-wide, another age band,
    or a selection given with a year as well."""
    from mapping.analysis.selection import Register, Selection

    register = Register(source="SYNTHETIC.csv", sha256="0" * 64, teams=pd.DataFrame())
    with pytest.raises(R.ReportError, match="geography must be one of uk2018, uk2023"):
        R.load_inputs(Selection("ccg2018", 2020, date(2023, 9, 1), register=register))
    with pytest.raises(R.ReportError, match="children aged 0-2, not age band '0'"):
        R.load_inputs(Selection("uk2023", 2020, date(2023, 9, 1), age="0", register=register))
    with pytest.raises(R.ReportError, match="not both"):
        R.load_inputs(Selection("uk2023", 2020, date(2023, 9, 1), register=register), 2020)
    selection = R.pack_selection("uk2023", 2020, as_of=date(2023, 9, 1), foi=("replies.csv", b"SYNTHETIC"))
    assert (selection.geography, selection.year, selection.age, selection.register) == ("uk2023", 2020, "0-2", None)
    assert selection.foi is not None and selection.foi.file_name == "replies.csv"
