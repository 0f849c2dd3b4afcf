"""The bounded upload reader (mapping.inputs.tabular) through the FOI and teams readers, on SYNTHETIC files.

Each test reproduces one way an upload used to be read wrong, hang or end in a traceback (issue 11,
findings 3-6), and checks that it is now read whole or refused with one message naming the file,
the cell and the fix. Workbooks are written by hand (tests/upload_helpers.py) so each carries
exactly the dimension, formula, merge, hidden row or damage it probes.
"""

from __future__ import annotations

import csv
import re
import time
from pathlib import Path

import pandas as pd
import pytest
from upload_helpers import (
    DATE_STYLES,
    REPO,
    Book,
    Formula,
    csv_text,
    fixture_rows,
    grid,
    sheet_xml,
    xlsx,
    zip_bomb,
)

import mapping.inputs.teams as teams_module
from mapping.errors import FoiError, TeamsFileError, UploadError
from mapping.inputs.foi import Issue
from mapping.inputs.foi_io import read_replies, read_replies_bytes
from mapping.inputs.teams import TEAM_COLUMNS, read_teams_csv


def read_teams_bytes(data: bytes, name: str):
    """The teams reader for bytes (looked up when called, so each test fails alone on a reader without it)."""
    return teams_module.read_teams_bytes(data, name)

HEADER, ROWS, COMMENTS = fixture_rows()  # 2 comment rows, header on row 3, 200 replies on rows 4-203
NAME = "synthetic_replies.xlsx"


def fixture_cells(rows: list[list[str]] | None = None, header: list[str] | None = None) -> dict[str, object]:
    return grid([[c] for c in COMMENTS] + [header or HEADER] + (ROWS if rows is None else rows))


def expected_frame() -> pd.DataFrame:
    return read_replies(REPO / "tests" / "fixtures" / "synthetic_foi_rare_jewels.csv").frame


def warnings_of(raw) -> list[tuple[int, str, str]]:
    return [(i.row, i.column, i.message) for i in raw.issues if i.severity == "warning"]


# --- XLSX: every cell present is read, or the file is refused naming the cell ---------------------


def test_xlsx_reads_every_cell_not_the_declared_dimension():
    # The header claims A1:C3; the data runs to W204. openpyxl's read-only mode trusted the claim.
    raw = read_replies_bytes(xlsx(fixture_cells(), dimension="A1:C3"), NAME)
    pd.testing.assert_frame_equal(raw.frame, expected_frame())
    assert raw.header_row == 3 and raw.synthetic and not raw.issues


def test_xlsx_with_shared_strings_and_dates_reads_like_the_csv(tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "replies"
    for line in COMMENTS:
        sheet.append([line])
    sheet.append(HEADER)
    from datetime import date

    for row in ROWS:  # typed dates, as Excel stores a date someone typed
        sheet.append([date.fromisoformat(v) if HEADER[i].endswith("_date") and v else (v or None)
                      for i, v in enumerate(row)])
    path = tmp_path / "synthetic_openpyxl.xlsx"
    book.save(path)
    pd.testing.assert_frame_equal(read_replies(path).frame, expected_frame())


@pytest.mark.parametrize("cached", ["7", None])
def test_xlsx_formula_is_refused_naming_the_cell(cached):
    cells = fixture_cells()
    cells["F7"] = Formula("SUM(A1:A3)", cached)
    with pytest.raises(FoiError) as info:
        read_replies_bytes(xlsx(cells), NAME)
    message = str(info.value)
    assert message.startswith(f"{NAME}: replies!F7 holds a formula (=SUM(A1:A3))") and "Paste Special" in message
    assert "\n" not in message


def test_xlsx_merged_range_in_the_data_is_refused():
    with pytest.raises(FoiError, match=r"replies!D6:D7 is a merged range in the data; unmerge it"):
        read_replies_bytes(xlsx(fixture_cells(), merges=("D6:D7",)), NAME)
    # A merged title over the comment rows above the header is harmless.
    raw = read_replies_bytes(xlsx(fixture_cells(), merges=("A1:F1",)), NAME)
    assert len(raw.frame) == len(ROWS)


@pytest.mark.parametrize("suffix", ["xlsx", "csv"])
def test_blank_header_cell_is_refused_naming_it(suffix):
    header = [*HEADER]
    header[2] = ""
    data = (xlsx(fixture_cells(header=header)) if suffix == "xlsx"
            else csv_text(header, ROWS, COMMENTS).encode())
    where = "replies!C3" if suffix == "xlsx" else "row 3, column C"
    with pytest.raises(FoiError, match=rf"{where} is a blank header cell between 'responder_type' and "
                                       "'responder_name'; name the column or delete it"):
        read_replies_bytes(data, f"synthetic.{suffix}")


@pytest.mark.parametrize("suffix", ["xlsx", "csv"])
def test_duplicate_header_cell_is_refused_naming_both(suffix):
    header = [*HEADER]
    header[5] = "Responder Name"  # normalises to responder_name, column D's name
    data = (xlsx(fixture_cells(header=header)) if suffix == "xlsx"
            else csv_text(header, ROWS, COMMENTS).encode())
    where, first = ("replies!F3", "replies!D3") if suffix == "xlsx" else ("row 3, column F", "row 3, column D")
    with pytest.raises(FoiError, match=rf"{where} repeats the column name 'responder_name' of {first}"):
        read_replies_bytes(data, f"synthetic.{suffix}")


def test_hidden_replies_sheet_and_hidden_rows_are_warnings():
    book = Book().add("notes", sheet_xml({"A1": "synthetic notes"}))
    book.add("replies", sheet_xml(fixture_cells(), hidden_rows=(10, 11, 30)), state="hidden")
    raw = read_replies_bytes(book.bytes(), NAME)
    pd.testing.assert_frame_equal(raw.frame, expected_frame())  # hidden rows are read, not dropped
    messages = warnings_of(raw)
    assert (1, "file", "sheet 'replies' is hidden in the workbook (hidden); it is read: unhide it to check what it "
                       "holds") in messages
    assert (10, "file", "rows 10-11 are hidden in replies; read all the same: unhide to check") in messages
    assert (30, "file", "row 30 is hidden in replies; read all the same: unhide to check") in messages


def test_hidden_column_is_a_warning():
    raw = read_replies_bytes(xlsx(fixture_cells(), hidden_columns=(5,)), NAME)
    assert (1, "E", "column E is hidden in replies; read all the same: unhide to check") in warnings_of(raw)


def test_no_replies_sheet_says_which_sheet_was_read():
    book = Book().add("Sheet1", sheet_xml(fixture_cells())).add("Sheet2", sheet_xml({"A1": "x"}))
    raw = read_replies_bytes(book.bytes(), NAME)
    pd.testing.assert_frame_equal(raw.frame, expected_frame())
    assert warnings_of(raw) == [(1, "file", "no sheet is named 'replies': read the first sheet, 'Sheet1' (the "
                                            "workbook's sheets: 'Sheet1', 'Sheet2')")]


def test_a_date_formatted_number_reads_as_the_date():
    cells = fixture_cells()
    cells["I4"] = 43255  # 2018-06-04 as an Excel serial, formatted yyyy-mm-dd (style 1) and m/d/yy (style 2)
    cells["J4"] = 43298
    book = Book(styles=DATE_STYLES).add("replies", sheet_xml(cells, styles={"I4": 1, "J4": 2}))
    raw = read_replies_bytes(book.bytes(), NAME)
    assert raw.frame.loc[0, ["request_date", "reply_date"]].tolist() == ["2018-06-04", "2018-07-17"]


def test_xlsx_numbers_and_booleans_read_as_typed():
    cells = fixture_cells(rows=[[*ROWS[0]]])
    cells["L4"], cells["M4"], cells["N4"], cells["O4"] = True, 5.0, 1e30, 2.5
    raw = read_replies_bytes(xlsx(cells), NAME)
    assert raw.frame.loc[0, ["accepts_0_12", "referrals_0_12", "seen_0_12", "accepts_12_24"]].tolist() == [
        "yes", "5", "1" + "0" * 30, "2.5"]


# --- XLSX: damaged and hostile XML, one line each --------------------------------------------------


def test_malformed_sheet_xml_is_one_line():
    xml = sheet_xml(fixture_cells())
    with pytest.raises(FoiError) as info:
        read_replies_bytes(Book().add("replies", xml[: len(xml) // 2]).bytes(), NAME)
    assert "xl/worksheets/sheet1.xml is not well-formed XML (line 1" in str(info.value)
    assert "\n" not in str(info.value)


BILLION_LAUGHS = ('<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
                  '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>')
EXTERNAL = '<!DOCTYPE r [<!ENTITY secret SYSTEM "file:///etc/passwd">]>'


@pytest.mark.parametrize("prolog", [BILLION_LAUGHS, EXTERNAL], ids=["billion-laughs", "external-entity"])
def test_xml_entities_are_refused(prolog):
    cells = fixture_cells()
    xml = sheet_xml(cells, prolog=prolog).replace("SYN-CCG-001", "&lol3;" if "lol" in prolog else "&secret;", 1)
    with pytest.raises(FoiError, match=r"sheet1.xml declares a DTD or XML entities \(DTDForbidden\)"):
        read_replies_bytes(Book().add("replies", xml).bytes(), NAME)


@pytest.mark.parametrize("part", ["xl/workbook.xml", "xl/sharedStrings.xml"])
def test_entities_in_other_parts_are_refused(part):
    book = Book(shared_strings=f'<?xml version="1.0"?>{EXTERNAL}<sst xmlns="x"><si><t>&secret;</t></si></sst>')
    book.add("replies", sheet_xml(fixture_cells()))
    if part == "xl/workbook.xml":
        book.shared_strings = None
        parts = book.parts()
        book.extra_parts[part] = parts[part].replace(b"<workbook", EXTERNAL.encode() + b"<workbook", 1)
    with pytest.raises(FoiError, match=rf"{part} declares a DTD"):
        read_replies_bytes(book.bytes(), NAME)


def test_not_a_workbook_and_old_formats_are_refused_with_the_fix():
    with pytest.raises(FoiError, match="not a readable .xlsx workbook"):
        read_replies_bytes(b"not a zip", NAME)
    with pytest.raises(FoiError, match=r"an old .xls workbook, or one protected by a password"):
        read_replies_bytes(b"\xd0\xcf\x11\xe0" + b"\0" * 600, NAME)
    with pytest.raises(FoiError, match=r"this is an Excel workbook \(.xlsx\), not a CSV file"):
        read_replies_bytes(xlsx(fixture_cells()), "synthetic.csv")


# --- denial of service: bounded before and while reading --------------------------------------------


@pytest.mark.parametrize("ref", ["XFD1048576", "XFD5", "A1048576"])
def test_far_cell_is_refused_at_once(ref):
    cells = fixture_cells()
    cells[ref] = "x"
    data = xlsx(cells)
    start = time.perf_counter()
    with pytest.raises(FoiError) as info:
        read_replies_bytes(data, NAME)
    assert time.perf_counter() - start < 5
    message = str(info.value)
    if ref.startswith("XFD"):
        assert f"replies!{ref} is beyond the limit of 256 columns (IV)" in message
    else:
        assert f"replies!{ref} is beyond the limit of 100,000 rows; delete the rows after the last one" in message


def test_far_cell_in_a_tiny_workbook_is_refused():
    data = Book().add("replies", sheet_xml({"A1": "reply_id", "XFD1048576": "x"}, dimension="A1:XFD1048576")).bytes()
    assert len(data) < 6_000
    with pytest.raises(FoiError, match="replies!XFD1048576 is beyond the limit of 256 columns"):
        read_replies_bytes(data, NAME)


def test_zip_bomb_is_refused_from_its_declared_size():
    data = zip_bomb(200 * 1024 * 1024)
    assert len(data) < 400_000
    start = time.perf_counter()
    with pytest.raises(FoiError, match=r"would inflate to 200 MB, more than the limit of 128 MB uncompressed"):
        read_replies_bytes(data, NAME)
    assert time.perf_counter() - start < 2


def test_zip_bomb_that_lies_about_its_size_is_refused():
    with pytest.raises(FoiError, match=r"sheet1.xml is damaged in the zip \(Bad CRC-32"):
        read_replies_bytes(zip_bomb(50 * 1024 * 1024, declared=10_000), NAME)


def test_bytes_inflated_are_capped_while_reading():
    from mapping.inputs import tabular

    limits = tabular.Limits(max_uncompressed_bytes=100_000)
    archive = tabular._zip(zip_bomb(90_000), NAME, tabular.DEFAULT_LIMITS)
    budget = tabular._Budget(NAME, limits, tabular._Clock(NAME, limits))
    budget.left = 50_000  # as if other parts had used the rest
    with pytest.raises(tabular.UploadError, match=r"sheet1.xml inflates past the limit of 98 KB uncompressed"):
        tabular._parse_part(archive, "xl/worksheets/sheet1.xml", tabular._Collect("c"), budget)


@pytest.mark.parametrize("suffix", ["csv", "xlsx"])
@pytest.mark.parametrize("limit, message", [
    ({"max_rows": 100}, r"(more than 100 rows|replies!A101 is beyond the limit of 100 rows)"),
    ({"max_columns": 10}, r"(replies!K3 is|row 3 has 23 values,) beyond the limit of 10 columns \(J\)"),
    ({"max_cells": 1000}, r"more than 1,000 cells"),
    ({"max_seconds": 0.0}, r"reading took longer than the limit of 0 s"),
    ({"max_file_bytes": 1000}, r"the limit is 1000 bytes"),
])
def test_every_limit_refuses_with_its_figure(suffix, limit, message):
    from mapping.inputs.tabular import Limits

    data = xlsx(fixture_cells()) if suffix == "xlsx" else csv_text(HEADER, ROWS, COMMENTS).encode()
    with pytest.raises(FoiError, match=message):
        read_replies_bytes(data, f"synthetic.{suffix}", limits=Limits(**limit))


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(tmp_path):
    from mapping.inputs.tabular import Limits

    path = tmp_path / "synthetic.csv"
    path.write_text(csv_text(HEADER, ROWS, COMMENTS), encoding="utf-8")
    with pytest.raises(FoiError, match=r"synthetic.csv: the file is 43 KB; the limit is 10 KB\. Split"):
        read_replies(path, limits=Limits(max_file_bytes=10_240))


@pytest.mark.parametrize("kind", ["missing", "folder", "device"])
def test_a_path_that_is_not_a_file_is_refused_for_what_it_is(tmp_path, kind):
    """A folder or /dev/null given as the replies file is said to be one, not "no such file" (and a device is
    refused before it is read, so an endless one cannot fill memory)."""
    from mapping.inputs.tabular import read_file

    path = {"missing": tmp_path / "missing.csv", "folder": tmp_path, "device": Path("/dev/null")}[kind]
    if kind == "device" and not path.exists():
        pytest.skip("no /dev/null")
    message = {"missing": "no such file", "folder": "is a folder, not a file",
               "device": "is not a regular file"}[kind]
    with pytest.raises(FoiError, match=rf"^{re.escape(str(path))}: {message}"):
        read_replies(path)
    with pytest.raises(UploadError, match=rf"^{re.escape(str(path))}: {message}"):
        read_file(path)


# --- CSV: encodings, delimiters, quotes and long values ----------------------------------------------


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be", "utf-32"])
def test_utf16_and_utf32_are_read_and_said(encoding):
    text = csv_text(HEADER, ROWS, COMMENTS)
    raw = read_replies_bytes(text.encode(encoding), "synthetic.csv")
    pd.testing.assert_frame_equal(raw.frame, expected_frame())
    (warning,) = warnings_of(raw)
    assert warning[:2] == (1, "file") and ("UTF-16" in warning[2] or "UTF-32" in warning[2])


def test_utf16_with_tabs_says_so():
    text = csv_text(HEADER, ROWS, COMMENTS, delimiter="\t")
    with pytest.raises(FoiError, match=r"this file uses tabs between values; save it as CSV with commas"):
        read_replies_bytes(text.encode("utf-16"), "synthetic.csv")


@pytest.mark.parametrize("delimiter, said", [(";", "';'"), ("\t", "tabs"), ("|", "'|'")])
def test_other_delimiters_are_named_instead_of_missing_columns(delimiter, said):
    text = csv_text(HEADER, ROWS, COMMENTS, delimiter=delimiter)
    with pytest.raises(FoiError) as info:
        read_replies_bytes(text.encode(), "synthetic.csv")
    assert str(info.value) == (f"synthetic.csv: this file uses {said} between values; save it as CSV with commas "
                               "(in Excel: Save As 'CSV UTF-8 (Comma delimited)')")


def test_unbalanced_quote_names_the_row_where_it_starts():
    lines = csv_text(HEADER, ROWS, COMMENTS).splitlines(keepends=True)
    lines[9] = lines[9].replace(",CCG,", ',"CCG,', 1)  # row 10 (a reply): a quote that never closes
    with pytest.raises(FoiError) as info:
        read_replies_bytes("".join(lines).encode(), "synthetic.csv")
    assert str(info.value).startswith('synthetic.csv: row 10, column B (line 10): a quote (") opened here is never '
                                      "closed")


def test_quote_followed_by_text_is_refused_not_changed():
    lines = csv_text(HEADER, ROWS, COMMENTS).splitlines(keepends=True)
    lines[6] = lines[6].replace(",CCG,", ',"CC"G,', 1)
    with pytest.raises(FoiError, match=r"row 7, column B \(line 7\): a quoted value is followed by other text"):
        read_replies_bytes("".join(lines).encode(), "synthetic.csv")


def test_quoted_value_over_several_lines_is_read_and_said():
    rows = [[*r] for r in ROWS]
    rows[1][-1] = "first line\nsecond line"
    raw = read_replies_bytes(csv_text(HEADER, rows, COMMENTS).encode(), "synthetic.csv")
    assert raw.frame.loc[1, "notes"] == "first line\nsecond line"
    assert raw.frame["source_row"].tolist() == list(range(4, 204))
    assert (5, "W", "a quoted value runs over lines 5-6 of the file; if it should not, a quote (\") in this row "
                    "is unbalanced") in warnings_of(raw)


@pytest.mark.parametrize("quoted", [False, True])
def test_value_over_the_csv_limit_is_refused_with_row_and_limit(quoted):
    rows = [[*r] for r in ROWS]
    rows[1][-1] = "x" * 200_000
    text = csv_text(HEADER, rows, COMMENTS)
    if quoted:
        text = text.replace("x" * 200_000, '"' + "x" * 200_000)
    with pytest.raises(FoiError) as info:
        read_replies_bytes(text.encode(), "synthetic.csv")
    message = str(info.value)
    assert message.startswith("synthetic.csv: row 5, column W (line 5): a value longer than 131,072 characters")
    assert ("never closed" in message) == quoted


def test_undecodable_and_binary_text_are_refused():
    with pytest.raises(FoiError, match="not a UTF-8 or Windows-1252 text file"):
        read_replies_bytes(b"reply_id\n\x81\x8d\x90\n", "synthetic.csv")
    with pytest.raises(FoiError, match="line 2 holds a NUL character"):
        read_replies_bytes(b"reply_id,notes\nx,\x00\x01\x02\n", "synthetic.csv")


def test_blank_rows_inside_are_reported_as_one_run():
    lines = csv_text(HEADER, ROWS[:3], COMMENTS).splitlines(keepends=True)
    text = "".join(lines[:5] + ["\n", "\n", "\n"] + lines[5:])
    raw = read_replies_bytes(text.encode(), "synthetic.csv")
    assert raw.frame["source_row"].tolist() == [4, 5, 9]
    assert warnings_of(raw) == [(6, "reply_id", "blank rows 6-8: no reply read here")]


def test_xlsx_gap_rows_are_reported_and_rows_after_them_read():
    cells = fixture_cells(rows=ROWS[:2])
    cells.update(grid([ROWS[2]], first_row=60_000))
    raw = read_replies_bytes(xlsx(cells), NAME)
    assert raw.frame["source_row"].tolist() == [4, 5, 60_000]
    assert warnings_of(raw) == [(6, "reply_id", "blank rows 6-59999: no reply read here")]


# --- teams: the same reader ---------------------------------------------------------------------------


def teams_rows() -> tuple[list[str], list[list[str]]]:
    with open(REPO / "data" / "teams.csv", encoding="utf-8", newline="") as fh:
        records = list(csv.reader(fh))
    return records[0], records[1:]


def teams_xlsx(header: list[str], rows: list[list[str]], **options: object) -> bytes:
    return xlsx(grid([header, *rows]), sheet="teams", **options)


def test_teams_xlsx_reads_like_the_csv():
    header, rows = teams_rows()
    from_csv = read_teams_csv(REPO / "data" / "teams.csv")
    from_xlsx = read_teams_bytes(teams_xlsx(header, rows, dimension="A1:B2"), "synthetic_teams.xlsx")
    pd.testing.assert_frame_equal(from_xlsx, from_csv)
    assert list(from_csv.columns) == ["row", *TEAM_COLUMNS] and from_csv.attrs["notices"] == []


def test_teams_reader_refuses_what_the_foi_reader_refuses(tmp_path):
    header, rows = teams_rows()
    cells = grid([header, *rows])
    cells["B3"] = Formula("A2")
    with pytest.raises(TeamsFileError, match=r"teams!B3 holds a formula \(=A2\)"):
        read_teams_bytes(xlsx(cells, sheet="teams"), "synthetic_teams.xlsx")
    path = tmp_path / "synthetic_teams.csv"
    path.write_text(csv_text(header, rows, delimiter=";"), encoding="utf-8")
    with pytest.raises(TeamsFileError, match=r"this file uses ';' between values; save it as CSV with commas"):
        read_teams_csv(path)
    long_rows = [[*r] for r in rows]
    long_rows[1][-1] = "y" * 140_000
    path.write_text(csv_text(header, long_rows), encoding="utf-8")
    with pytest.raises(TeamsFileError, match=r"row 3, column P \(line 3\): a value longer than 131,072 characters"):
        read_teams_csv(path)


def test_teams_xlsx_value_beyond_the_header_is_a_problem_not_dropped():
    header, rows = teams_rows()
    cells = grid([header, *rows])
    cells["Q3"] = "stray"
    with pytest.raises(TeamsFileError) as info:
        read_teams_bytes(xlsx(cells, sheet="teams"), "synthetic_teams.xlsx")
    assert info.value.problems == ["row 3, column (all): a value at teams!Q3, beyond the header's 16 columns"]


def test_teams_warnings_are_kept_with_the_frame():
    header, rows = teams_rows()
    frame = read_teams_bytes(xlsx(grid([header, *rows]), sheet="Sheet1", hidden_rows=(4,)), "synthetic_teams.xlsx")
    assert frame.attrs["notices"] == [
        "row 1, column file: warning: no sheet is named 'teams': read the first sheet, 'Sheet1' (the workbook's "
        "sheets: 'Sheet1')",
        "row 4, column file: warning: row 4 is hidden in Sheet1; read all the same: unhide to check",
    ]


# --- the app: a refusal is a message, never a traceback or a server path --------------------------------


@pytest.fixture
def session(monkeypatch):
    import webapp.foi_session as foi_session

    state: dict[str, object] = {}
    monkeypatch.setattr(foi_session.st, "session_state", state)
    return foi_session, state


@pytest.mark.parametrize("case", ["far cell", "zip bomb", "formula", "semicolons", "huge field"])
def test_app_upload_refusal_is_a_message(session, case):
    foi_session, state = session
    cells = fixture_cells()
    name = "synthetic.csv" if case in ("semicolons", "huge field") else NAME
    if case == "far cell":
        cells["XFD1048576"] = "x"
        data = xlsx(cells)
    elif case == "zip bomb":
        data = zip_bomb(200 * 1024 * 1024)
    elif case == "formula":
        cells["F7"] = Formula("1+1", "2")
        data = xlsx(cells)
    elif case == "semicolons":
        data = csv_text(HEADER, ROWS, COMMENTS, delimiter=";").encode()
    else:
        data = csv_text(HEADER, ROWS, COMMENTS).replace("SYN-CCG-002", "z" * 140_000).encode()
    foi_session.load_foi(name, data)
    message = state["foi_error"]
    assert isinstance(message, str) and message.startswith(f"{name}: ") and message.count(f"{name}:") == 1
    assert "Traceback" not in message and "/tmp" not in message and str(REPO) not in message
    assert "foi" not in state


def test_app_upload_fault_shows_no_traceback_or_path(session, monkeypatch, caplog):
    foi_session, state = session
    import mapping.inputs.foi_io

    def broken(data: bytes, name: str, **kwargs: object):
        raise RuntimeError(f"{REPO}/mapping/secret.py exploded")

    monkeypatch.setattr(mapping.inputs.foi_io, "read_replies_bytes", broken)
    foi_session.load_foi(NAME, b"")
    message = state["foi_error"]
    assert isinstance(message, str) and message.startswith(f"{NAME}: could not be read")
    assert str(REPO) not in message and "exploded" not in message
    assert "exploded" in caplog.text  # the details are in the server's log


def test_app_refusal_message_hides_server_paths():
    from webapp.foi_session import visitor_message

    assert visitor_message("a.csv", f"{REPO}/data/cache/x.parquet: corrupt") == "a.csv: (a server file): corrupt"
    assert visitor_message("a.csv", "a.csv: row 3, column C: 1/2 is not a count") == \
        "a.csv: row 3, column C: 1/2 is not a count"


def test_issue_rows_keep_the_file_numbers():
    # A sanity check of the conversion: tabular notices become FOI warnings at the same row and column.
    raw = read_replies_bytes(xlsx(fixture_cells(), hidden_rows=(8,)), NAME)
    assert Issue(8, "file", "warning", "row 8 is hidden in replies; read all the same: unhide to check") in raw.issues


# --- the command line: one line, exit 2 ------------------------------------------------------------------


@pytest.mark.parametrize("case", ["far cell", "zip bomb", "malformed xml", "huge field", "utf-16 tabs"])
def test_cli_refuses_a_hostile_file_in_one_line(tmp_path, capsys, case):
    from mapping.cli import main

    if case == "far cell":
        path, data = tmp_path / "synthetic.xlsx", xlsx({"A1": "reply_id", "XFD1048576": "x"})
    elif case == "zip bomb":
        path, data = tmp_path / "synthetic.xlsx", zip_bomb(200 * 1024 * 1024)
    elif case == "malformed xml":
        path, data = tmp_path / "synthetic.xlsx", Book().add("replies", sheet_xml(fixture_cells())[:900]).bytes()
    elif case == "huge field":
        path = tmp_path / "synthetic.csv"
        data = csv_text(HEADER, ROWS, COMMENTS).replace("SYN-CCG-003", "q" * 140_000).encode()
    else:
        path, data = tmp_path / "synthetic.csv", csv_text(HEADER, ROWS, COMMENTS, delimiter="\t").encode("utf-16")
    path.write_bytes(data)
    for command in (["foi", "check", str(path)], ["foi", "summary", str(path), "--json"]):
        assert main(command) == 2
        err = capsys.readouterr().err
        assert err.startswith(f"pimap: error: {path}: ") and err.count("\n") == 1 and "Traceback" not in err
