"""The XLSX templates' one writer (scripts/template_workbook.py): what a workbook holds, and that both template
scripts write the same bytes on every run, the bytes committed in data/."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from scripts.template_workbook import FIXED_TIME, ZIP_TIME, Rule, Template, xlsx_bytes  # noqa: E402

SCRIPTS = {  # script -> the files it writes, relative to the data folder
    "make_foi_template": ("foi/foi_template.csv", "foi/foi_template.xlsx"),
    "make_teams_template": ("teams_template.csv", "teams_template.xlsx"),
}


def _tiny() -> Template:
    return Template(
        sheet="rows",
        columns=("kind", "when", "count", "note"),
        rules={"kind": Rule(prompt="p" * 300, choices="kinds", error="Not a kind."),
               "when": Rule(prompt="A date.", after="36526", error="Too early."),
               "count": Rule(prompt="How many.", error="Keep it if the reply says so.")},
        lists={"other": ["x"], "kinds": ["a", "b", "c"]},
        guide="guide",
        guide_header=("column", "required", "content"),
        guide_rows=[("kind", "yes", "The kind."), ("note", "optional", "Anything.")],
        guide_note="Check the file before sending it.",
        guide_widths=(22, 10, 110),
        text_columns=("count",),
        rows=10,
    )


def test_the_workbook_has_the_data_sheet_lists_and_guide():
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(xlsx_bytes(_tiny())))
    assert wb.sheetnames == ["rows", "lists", "guide"]
    rows = wb["rows"]
    assert [c.value for c in rows[1]] == ["kind", "when", "count", "note"] and rows.max_row == 1
    assert all(c.font.bold for c in rows[1]) and rows.freeze_panes == "A2"
    assert [rows.column_dimensions[c].width for c in "ABCD"] == [14, 14, 14, 14]
    assert [rows.column_dimensions[c].number_format for c in "ABCD"] == ["General", "General", "@", "General"]

    checks = {str(dv.sqref): dv for dv in rows.data_validations.dataValidation}
    assert sorted(checks) == ["A2:A11", "B2:B11", "C2:C11", "D2:D11"]
    kind, when, count, note = (checks[f"{c}2:{c}11"] for c in "ABCD")
    assert (kind.type, kind.formula1, kind.errorStyle) == ("list", "lists!$B$2:$B$4", "warning")
    assert (when.type, when.operator, when.formula1, when.errorStyle) == ("date", "greaterThan", "36526", "warning")
    assert count.type is None and note.type is None
    assert len(kind.prompt) == 255 and kind.promptTitle == "kind" and kind.showInputMessage
    assert (count.error, count.errorTitle, count.showErrorMessage) == ("Keep it if the reply says so.", "count", True)
    assert (note.prompt, note.error, note.showErrorMessage) == ("", None, False)  # no rule: an empty prompt, no error

    assert [[c.value for c in col] for col in wb["lists"].iter_cols()] == [["other", "x", None, None],
                                                                          ["kinds", "a", "b", "c"]]
    guide = list(wb["guide"].iter_rows(values_only=True))
    assert guide == [("column", "required", "content"), ("kind", "yes", "The kind."), ("note", "optional", "Anything."),
                     (None, None, None), ("Check the file before sending it.", None, None)]
    assert wb["guide"]["C2"].alignment.wrap_text and wb["guide"].column_dimensions["A"].width == 22
    assert wb.properties.created == FIXED_TIME and wb.properties.modified == FIXED_TIME


def test_the_bytes_do_not_depend_on_the_clock(monkeypatch):
    first = xlsx_bytes(_tiny())
    with zipfile.ZipFile(io.BytesIO(first)) as book:
        assert {info.date_time for info in book.infolist()} == {ZIP_TIME}
        assert b"<dcterms:modified" in book.read("docProps/core.xml")
        assert b"2024-01-01T00:00:00Z</dcterms:modified>" in book.read("docProps/core.xml")
    time.sleep(2.1)  # past the ZIP format's two-second resolution and the document's one second
    assert xlsx_bytes(_tiny()) == first


def _run(script: str, data_dir: Path) -> None:
    env = {**os.environ, "PIMAP_DATA_DIR": str(data_dir)}
    subprocess.run([sys.executable, str(REPO / "scripts" / f"{script}.py")], check=True, env=env, cwd=REPO,
                   capture_output=True)


@pytest.mark.parametrize("script", sorted(SCRIPTS))
def test_each_script_writes_the_same_bytes_twice_and_the_committed_files(script, tmp_path):
    started = time.monotonic()
    _run(script, tmp_path / "first")
    time.sleep(max(0.0, 2.1 - (time.monotonic() - started)))  # a different clock second and ZIP time
    _run(script, tmp_path / "second")
    for name in SCRIPTS[script]:
        first, second = ((tmp_path / run / name).read_bytes() for run in ("first", "second"))
        assert first == second, f"{name} differs between two runs"
        assert first == (REPO / "data" / name).read_bytes(), (
            f"data/{name} is not what scripts/{script}.py writes now: run it and commit the result")
