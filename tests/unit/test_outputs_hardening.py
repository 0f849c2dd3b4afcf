"""Issue 11, findings 1, 5 (``--out``), 8 and 9: outputs never lose a user's file, never leave half a
file, never carry a runnable formula, and questionable arguments are refused with the allowed range.

Every frame here is SYNTHETIC (hand-made rows standing in for the library's results, so the tests need no
real data); the real tables built from the data mirror with the repository's SYNTHETIC FOI fixture made
hostile are tested in tests/integration/test_outputs_hardening_data.py.
"""

from __future__ import annotations

import csv
import errno
import io
import json
import os
from datetime import date
from pathlib import Path
from types import SimpleNamespace

import geopandas as gpd
import outputs_helpers
import pandas as pd
import pytest
from openpyxl import load_workbook
from outputs_helpers import FORMULA_STARTS, HOSTILE, SYNTHETIC_TABLE, csv_rows, formula_cells
from shapely.geometry import box

from mapping import report as R
from mapping.cli import main

REPO = Path(__file__).resolve().parents[2]
fake_pack = outputs_helpers.fake_pack  # the fixture, found by pytest under this name
FOI_FIXTURE = REPO / "tests" / "fixtures" / "synthetic_foi_rare_jewels.csv"


def _run(argv: list[str], capsys) -> tuple[int, str, str]:
    """``pimap`` with these arguments: (exit code, stdout, stderr); argparse's own exits included."""
    try:
        code = main(argv)
    except SystemExit as exc:
        code = int(exc.code or 0)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _one_line_error(err: str) -> str:
    lines = [line for line in err.splitlines() if line.strip() and not line.startswith("note:")]
    assert len(lines) == 1, err
    assert lines[0].startswith("pimap: error:"), err
    assert "Traceback" not in err
    return lines[0]


# --- a fast SYNTHETIC pack (outputs_helpers.fake_pack): the real writer, tables and figures stubbed --------


def _pack_files(folder: Path) -> set[str]:
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}


def _user_files(folder: Path) -> dict[str, str]:
    """SYNTHETIC files of the user's own, beside and inside an earlier pack's folders."""
    files = {"notes.txt": "my notes", "drafts/letter.md": "dear MP", "tables/my_edits.csv": "a,b\n1,2\n"}
    for name, text in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text)
    return files


# --- finding 1: the report replaces only its own files ------------------------------------------------


def test_replacing_a_pack_keeps_every_file_the_pack_did_not_write(fake_pack, tmp_path):
    out = tmp_path / "pack"
    first = R.write_pack(fake_pack, out)
    mine = _user_files(out)
    second = R.write_pack(fake_pack, out, replace=True)
    for name, text in mine.items():
        assert (out / name).read_text() == text, name
    assert _pack_files(out) == {f["path"] for f in second["files"]} | {"manifest.json"} | set(mine)
    assert first["files"] == second["files"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pack"]  # no temporary folders left


def test_the_cli_replaces_an_earlier_pack_only_with_force_and_keeps_the_users_files(fake_pack, tmp_path,
                                                                                   monkeypatch, capsys):
    monkeypatch.setattr(R, "load_inputs", lambda geography, year, *, as_of, foi=None: fake_pack)
    out = tmp_path / "pack"
    argv = ["report", "--geography", "uk2023", "--year", "2020", "--as-of", "2023-09-01", "--out", str(out)]
    assert _run(argv, capsys)[0] == 0
    mine = _user_files(out)
    before = (out / "manifest.json").read_bytes()
    code, _, err = _run(argv, capsys)
    assert code == 2
    line = _one_line_error(err)
    assert "--force" in line and str(out) in line
    assert (out / "manifest.json").read_bytes() == before
    assert _run([*argv, "--force"], capsys)[0] == 0
    for name, text in mine.items():
        assert (out / name).read_text() == text, name


@pytest.mark.parametrize("manifest", [
    b"not json at all \xff",
    b'{"package": "someone-elses-tool", "files": [{"path": "notes.txt"}]}',
    b'{"files": "notes.txt"}',
    b'[1, 2, 3]',
], ids=["unreadable", "another-package", "files-not-a-list", "not-an-object"])
def test_a_manifest_that_is_not_ours_deletes_nothing(fake_pack, tmp_path, manifest):
    out = tmp_path / "pack"
    out.mkdir()
    (out / "manifest.json").write_bytes(manifest)
    mine = _user_files(out)
    with pytest.raises(R.ReportError, match="manifest.json"):
        R.write_pack(fake_pack, out, replace=True)
    for name, text in mine.items():
        assert (out / name).read_text() == text, name
    assert (out / "manifest.json").read_bytes() == manifest
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pack"]


@pytest.mark.parametrize("listed", ["../victim.txt", "{victim}", "tables/../../victim.txt"],
                         ids=["parent", "absolute", "dotdot-inside"])
def test_a_manifest_listing_paths_outside_the_folder_deletes_nothing(fake_pack, tmp_path, listed):
    out = tmp_path / "pack"
    R.write_pack(fake_pack, out)
    victim = tmp_path / "victim.txt"
    victim.write_text("not the pack's")
    manifest = json.loads((out / "manifest.json").read_text())
    manifest["files"].append({"path": listed.format(victim=victim), "bytes": 14, "sha256": "0" * 64})
    (out / "manifest.json").write_text(json.dumps(manifest))
    mine = _user_files(out)
    with pytest.raises(R.ReportError, match="outside"):
        R.write_pack(fake_pack, out, replace=True)
    assert victim.read_text() == "not the pack's"
    for name, text in mine.items():
        assert (out / name).read_text() == text, name


def test_a_pack_file_the_user_changed_is_not_replaced(fake_pack, tmp_path):
    out = tmp_path / "pack"
    R.write_pack(fake_pack, out)
    (out / "summary.md").write_text("my own edits")
    with pytest.raises(R.ReportError, match="summary.md"):
        R.write_pack(fake_pack, out, replace=True)
    assert (out / "summary.md").read_text() == "my own edits"


def test_a_user_file_where_the_new_pack_writes_is_not_replaced(fake_pack, tmp_path, monkeypatch):
    out = tmp_path / "pack"
    R.write_pack(fake_pack, out)
    (out / "tables" / "extra.csv").write_text("the user's")
    monkeypatch.setattr(R, "pack_tables", lambda data: {"synthetic": SYNTHETIC_TABLE, "extra": SYNTHETIC_TABLE})
    with pytest.raises(R.ReportError, match="extra.csv"):
        R.write_pack(fake_pack, out, replace=True)
    assert (out / "tables" / "extra.csv").read_text() == "the user's"
    assert (out / "manifest.json").is_file()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pack"]


def test_an_earlier_pack_is_replaced_only_when_asked(fake_pack, tmp_path):
    out = tmp_path / "pack"
    R.write_pack(fake_pack, out)
    with pytest.raises(R.ReportError, match="earlier pack"):
        R.write_pack(fake_pack, out)


def test_a_failed_replacement_puts_the_earlier_pack_back(fake_pack, tmp_path, monkeypatch):
    out = tmp_path / "pack"
    R.write_pack(fake_pack, out)
    before = {name: (out / name).read_bytes() for name in _pack_files(out)}
    real_replace = os.replace
    failed = []

    def flaky(src, dst):  # the disk fills up while the new tables are moved in, once
        if Path(dst).parent == out / "tables" and not str(src).startswith(str(tmp_path / ".pack.old")) \
                and not failed:
            failed.append(dst)
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_replace(src, dst)

    monkeypatch.setattr(os, "replace", flaky)
    with pytest.raises(R.ReportError, match="no space"):
        R.write_pack(fake_pack, out, replace=True)
    assert failed
    monkeypatch.setattr(os, "replace", real_replace)
    assert {name: (out / name).read_bytes() for name in _pack_files(out)} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pack"]


def test_library_messages_about_the_folder_name_no_command_line_flag(tmp_path):
    (tmp_path / "file").write_text("x")
    with pytest.raises(R.ReportError) as caught:
        R.write_pack(None, tmp_path / "file")  # refused before anything is read
    assert "--" not in str(caught.value) and "output folder" in str(caught.value)
    busy = tmp_path / "busy"
    busy.mkdir()
    (busy / "notes.txt").write_text("mine")
    with pytest.raises(R.ReportError) as caught:
        R.write_pack(None, busy)
    assert "--" not in str(caught.value) and "output folder" in str(caught.value)


def test_a_full_disk_while_building_the_pack_is_a_message_and_leaves_nothing(fake_pack, tmp_path, monkeypatch):
    def full(self, data):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(Path, "write_bytes", full)
    with pytest.raises(R.ReportError, match="no space"):
        R.write_pack(fake_pack, tmp_path / "pack")
    assert list(tmp_path.iterdir()) == []


# --- finding 5 (--out) and 9 (--force): one line, exit 2, never half a file ---------------------------


def _synthetic_gaps() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame({
        "code": ["X01", "X02"], "name": ["Synthetic area one", HOSTILE[0]], "nation": ["England", "Wales"],
        "team_names": [HOSTILE[1], "-5"], "share_covered": [-0.0, 0.5], "nearest_team_km": [-1.5, 2.0],
    }, geometry=[box(0, 50, 1, 51), box(1, 51, 2, 52)], crs="EPSG:4326")


@pytest.fixture
def synthetic_commands(monkeypatch):
    """gaps, ladder and foi classify over SYNTHETIC frames, so only their output handling is tested."""
    import mapping.analysis.ladder as ladder
    import mapping.analysis.selection as selection
    import mapping.cli.gaps as cli_gaps
    import mapping.inputs.foi_io as foi_io

    monkeypatch.setattr(cli_gaps, "_compute", lambda args: _synthetic_gaps())
    monkeypatch.setattr(selection, "load_inputs", lambda chosen: SimpleNamespace(selection=chosen))  # no real data
    monkeypatch.setattr(ladder, "compute_ladder", lambda *a, **k: pd.DataFrame(
        {"code": ["X01", "X02"], "name": [HOSTILE[0], "Synthetic"], "level": ["3", "unknown"],
         "share_level_3": [-0.25, 1.0], "teams": [HOSTILE[2], ""]}))
    monkeypatch.setattr(foi_io, "analyse_file", lambda path: SimpleNamespace(synthetic=True, geography="ccg2018", report=None))
    monkeypatch.setattr(foi_io, "default_population_year", lambda report, years: 2020)
    monkeypatch.setattr(foi_io, "classes_in", lambda analysis, inputs: pd.DataFrame(
        {"code": ["X01"], "name": [HOSTILE[0]], "responder_name": [HOSTILE[1]], "referrals_u3": [-3.0]}))


COMMANDS = {
    "gaps": ["gaps", "--geography", "uk2023", "--year", "2020", "--as-of", "2023-09-01"],
    "ladder": ["ladder", "--geography", "uk2023", "--year", "2020", "--as-of", "2023-09-01"],
    "foi classify": ["foi", "classify", str(FOI_FIXTURE), "--geography", "uk2023"],
}


@pytest.mark.parametrize("command", COMMANDS)
def test_out_in_a_missing_folder_is_one_line_naming_the_file(command, synthetic_commands, tmp_path, capsys):
    target = tmp_path / "no_such_folder" / "out.csv"
    code, _, err = _run([*COMMANDS[command], "--out", str(target)], capsys)
    assert code == 2
    line = _one_line_error(err)
    assert str(target) in line and "does not exist" in line
    assert not target.parent.exists()


@pytest.mark.parametrize("command", COMMANDS)
def test_out_naming_a_folder_is_one_line(command, synthetic_commands, tmp_path, capsys):
    code, _, err = _run([*COMMANDS[command], "--out", str(tmp_path)], capsys)
    assert code == 2
    line = _one_line_error(err)
    assert str(tmp_path) in line and "folder" in line
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("command", COMMANDS)
def test_out_onto_a_full_disk_is_one_line(command, synthetic_commands, capsys):
    if not os.path.exists("/dev/full"):
        pytest.skip("no /dev/full on this system")
    code, _, err = _run([*COMMANDS[command], "--out", "/dev/full"], capsys)
    assert code == 2
    line = _one_line_error(err)
    assert "/dev/full" in line and "space" in line


@pytest.mark.parametrize("command", COMMANDS)
def test_a_failed_write_leaves_no_half_file_and_keeps_the_old_one(command, synthetic_commands, tmp_path,
                                                                  monkeypatch, capsys):
    target = tmp_path / "out.csv"
    target.write_text("the earlier file")

    def full(fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    code, _, err = _run([*COMMANDS[command], "--out", str(target), "--force"], capsys)
    assert code == 2
    assert "space" in _one_line_error(err)
    assert target.read_text() == "the earlier file"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.csv"]


@pytest.mark.parametrize("command", COMMANDS)
def test_out_onto_an_existing_file_needs_force(command, synthetic_commands, tmp_path, capsys):
    target = tmp_path / "out.csv"
    target.write_text("the user's own file")
    code, _, err = _run([*COMMANDS[command], "--out", str(target)], capsys)
    assert code == 2
    line = _one_line_error(err)
    assert str(target) in line and "--force" in line
    assert target.read_text() == "the user's own file"
    code, _, _ = _run([*COMMANDS[command], "--out", str(target), "--force"], capsys)
    assert code == 0
    assert target.read_text() != "the user's own file"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.csv"]


def test_foi_classify_still_takes_output(synthetic_commands, tmp_path, capsys):
    target = tmp_path / "classes.csv"
    assert _run([*COMMANDS["foi classify"], "--output", str(target)], capsys)[0] == 0
    assert target.is_file()


def test_a_missing_geopackage_folder_is_one_line(synthetic_commands, tmp_path, capsys):
    target = tmp_path / "no_such_folder" / "gaps.gpkg"
    code, _, err = _run([*COMMANDS["gaps"], "--format", "gpkg", "--out", str(target)], capsys)
    assert code == 2
    assert str(target) in _one_line_error(err)


def test_a_geopackage_is_written_whole_and_replaced_only_with_force(synthetic_commands, tmp_path, capsys):
    target = tmp_path / "gaps.gpkg"
    assert _run([*COMMANDS["gaps"], "--format", "gpkg", "--out", str(target)], capsys)[0] == 0
    assert len(gpd.read_file(target, layer="gaps")) == 2
    code, _, err = _run([*COMMANDS["gaps"], "--format", "gpkg", "--out", str(target)], capsys)
    assert code == 2 and "--force" in _one_line_error(err)
    assert _run([*COMMANDS["gaps"], "--format", "gpkg", "--out", str(target), "--force"], capsys)[0] == 0
    assert len(gpd.read_file(target, layer="gaps")) == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == ["gaps.gpkg"]


def test_a_bad_out_is_refused_before_any_work(monkeypatch, tmp_path, capsys):
    import mapping.cli.gaps as cli_gaps

    def never(args):
        raise AssertionError("computed although --out cannot be written")

    monkeypatch.setattr(cli_gaps, "_compute", never)
    code, _, err = _run([*COMMANDS["gaps"], "--out", str(tmp_path / "missing" / "x.csv")], capsys)
    assert code == 2 and "does not exist" in _one_line_error(err)


def test_report_out_under_a_file_is_one_line(fake_pack, monkeypatch, tmp_path, capsys):
    monkeypatch.setattr(R, "load_inputs", lambda geography, year, *, as_of, foi=None: fake_pack)
    (tmp_path / "afile").write_text("x")
    code, _, err = _run(["report", "--geography", "uk2023", "--year", "2020", "--as-of", "2023-09-01",
                         "--out", str(tmp_path / "afile" / "pack")], capsys)
    assert code == 2
    assert str(tmp_path / "afile") in _one_line_error(err)


# --- finding 8: one neutralising rule for every CSV and XLSX ------------------------------------------


def test_report_pack_csv_and_xlsx_carry_no_formula_and_keep_numbers(fake_pack, tmp_path):
    out = tmp_path / "pack"
    R.write_pack(fake_pack, out)
    rows = csv_rows((out / "tables" / "synthetic.csv").read_text(encoding="utf-8"))
    assert not formula_cells(rows)
    table = pd.read_csv(out / "tables" / "synthetic.csv")
    assert table["count"].tolist() == SYNTHETIC_TABLE["count"].tolist()  # negative numbers stay numbers
    assert table["name"].tolist()[:4] == ["'" + h for h in HOSTILE[:4]]  # "-5" as text is neutralised too
    sheet = load_workbook(out / "tables" / "tables.xlsx")["synthetic"]
    cells = [c.value for row in sheet.iter_rows(min_row=2) for c in row]
    assert not [c for c in cells if isinstance(c, str) and c.startswith(FORMULA_STARTS)]
    assert [c.value for c in sheet["B"][1:]] == SYNTHETIC_TABLE["count"].tolist()
    assert all(c.data_type == "n" for c in sheet["B"][1:])


def test_report_xlsx_neutralises_tab_and_carriage_return():
    book = load_workbook(io.BytesIO(R.xlsx_bytes({"s": pd.DataFrame({"t": ["\t=1+1", "\r=1+1", "-5"]})})))
    # XML reads a stored carriage return back as a line feed; what matters is the leading apostrophe.
    assert [c.value for c in book["s"]["A"][1:]] == ["'\t=1+1", "'\n=1+1", "'-5"]


def test_a_carriage_return_inside_a_csv_cell_cannot_start_a_row():
    """A bare CR is a line break to spreadsheets: a cell holding one must be quoted, or the text after it
    becomes a cell of its own (here a formula)."""
    from mapping.present.outputs import csv_text

    frame = pd.DataFrame({"t": ["synthetic\r=HYPERLINK(\"http://example.invalid\")", "plain"], "n": [-1, 2]})
    text = csv_text(frame)
    for reader in (io.StringIO(text, newline=""), io.StringIO(text.replace("\r\n", "\n"), newline=None)):
        rows = list(csv.reader(reader))
        assert len(rows) == 3 and not formula_cells(rows)
    assert csv_text(frame.iloc[[1]]) == "t,n\nplain,2\n"  # no CR anywhere: plain line feeds, as before


@pytest.mark.parametrize("command", COMMANDS)
def test_cli_csv_carries_no_formula(command, synthetic_commands, tmp_path, capsys):
    code, stdout, _ = _run(COMMANDS[command], capsys)
    assert code == 0
    assert not formula_cells(csv_rows(stdout))
    target = tmp_path / "out.csv"
    assert _run([*COMMANDS[command], "--out", str(target)], capsys)[0] == 0
    rows = csv_rows(target.read_text(encoding="utf-8"))
    assert not formula_cells(rows)
    assert any(cell.startswith("'=HYPERLINK") for row in rows for cell in row)
    assert any(cell.startswith("-") and float(cell) < 0 for row in rows[1:] for cell in row
               if cell[:1] == "-" and cell[1:2].isdigit())  # negative numbers are still numbers


def test_teams_csv_carries_no_formula(tmp_path):
    from mapping.cli.teams import OUTPUT_COLUMNS, write_teams

    frame = pd.DataFrame([{c: "" for c in OUTPUT_COLUMNS}])
    frame["name"] = HOSTILE[0]
    frame["base_lon"] = -1.5
    buffer = io.StringIO()
    write_teams(frame, "csv", buffer)
    rows = csv_rows(buffer.getvalue())
    assert not formula_cells(rows)
    assert rows[1][list(OUTPUT_COLUMNS).index("base_lon")] == "-1.5"


def test_neutralise_frame_covers_categorical_text():
    from mapping.present.downloads import neutralise_frame

    frame = pd.DataFrame({"c": pd.Categorical([HOSTILE[0], "plain"]), "n": [-1, 2]})
    out = neutralise_frame(frame)
    assert out["c"].tolist() == ["'" + HOSTILE[0], "plain"] and out["n"].tolist() == [-1, 2]


# --- finding 9: dates outside the data's range --------------------------------------------------------


AS_OF_COMMANDS = {
    "gaps": ["gaps", "--geography", "uk2023", "--year", "2020"],
    "ladder": ["ladder", "--geography", "uk2023", "--year", "2020"],
    "teams": ["teams"],
    "report": ["report", "--geography", "uk2023", "--year", "2020", "--out", "unused"],
}


@pytest.mark.parametrize("command", AS_OF_COMMANDS)
@pytest.mark.parametrize("when", ["2099-01-01", "1900-01-01"])
def test_as_of_outside_the_data_is_refused_with_the_range(command, when, capsys):
    from mapping.cli.options import as_of_range

    earliest, latest = as_of_range()
    code, _, err = _run([*AS_OF_COMMANDS[command], "--as-of", when], capsys)
    assert code == 2
    assert earliest.isoformat() in err and latest.isoformat() in err and when in err


def test_as_of_range_comes_from_the_data_and_today_is_injectable(monkeypatch, capsys):
    from mapping.cli import options

    with open(REPO / "data" / "teams.csv", newline="", encoding="utf-8-sig") as fh:
        starts = [row["from"].strip() for row in csv.DictReader(fh) if row["from"].strip()]
    first = [int(p) for p in min(starts).split("-")] + [1, 1]  # ISO text sorts as its dates do
    earliest = date(first[0], first[1], first[2])
    assert options.as_of_range(now=date(2024, 1, 31)) == (earliest, date(2024, 1, 31))
    monkeypatch.setattr(options, "today", lambda: date(2024, 1, 31))
    assert options.as_of_date("2024-01") == date(2024, 1, 1)
    with pytest.raises(Exception, match="2024-01-31"):
        options.as_of_date("2024-02")
    code, _, err = _run(["teams", "--as-of", "2024-02-01"], capsys)
    assert code == 2 and "2024-01-31" in err


@pytest.mark.parametrize("command", AS_OF_COMMANDS)
def test_help_states_the_as_of_range(command, capsys):
    from mapping.cli.options import as_of_range

    earliest, _ = as_of_range()
    code, out, _ = _run([*AS_OF_COMMANDS[command][:1], "--help"], capsys)
    assert code == 0
    assert earliest.isoformat() in " ".join(out.split()) and "today" in out


def test_the_app_never_shows_the_servers_build_folder(fake_pack, monkeypatch, tmp_path):
    """The app builds the pack in memory (mapping.report.pack_zip_bytes): no server folder is written, so none
    can be named in a message, and every file of the ZIP lies under the one folder the download is named for."""
    import tempfile
    import zipfile

    from webapp.pages.tables import pack_zip

    def no_folder(*args, **kwargs):
        raise AssertionError("the app wrote the pack to a folder")

    monkeypatch.setattr(R, "load_inputs", lambda selection, *args, **kwargs: fake_pack)
    monkeypatch.setattr(R, "build_pack", no_folder)
    monkeypatch.setattr(R, "write_pack", no_folder)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))  # a temporary folder made anyway would show here
    name, data, manifest = pack_zip("uk2023", 2020, date(2023, 9, 1), None)
    folder = name.removesuffix(".zip")
    names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    assert names and all(n.startswith(f"{folder}/") for n in names)
    assert f"{folder}/tables/synthetic.csv" in names and manifest["files"]
    assert list(tmp_path.iterdir()) == []
