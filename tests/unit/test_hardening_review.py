"""A second hostile review of issue 11's fixes: each test is a hole found after them, on SYNTHETIC files.

Every workbook, CSV, manifest and frame here is SYNTHETIC (built in the test; rows from the repository's
SYNTHETIC FOI fixture), and no test needs real data: the holes that show only on the real data are tested in
tests/integration/test_hardening_review_data.py.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import warnings
import zipfile

import outputs_helpers
import pytest
from upload_helpers import Book, fixture_rows, grid, sheet_xml

from mapping import report as R
from mapping.errors import FoiError
from mapping.inputs.foi_io import read_replies_bytes

HEADER, ROWS, COMMENTS = fixture_rows()
fake_pack = outputs_helpers.fake_pack  # the fixture, found by pytest under this name


# --- an XLSX zip holding two parts of the same name --------------------------------------------------


def _with_second_sheet(name: str) -> bytes:
    """A SYNTHETIC workbook whose zip holds a second ``name`` part after the first, with other replies."""
    parts = Book().add("replies", sheet_xml(grid([HEADER] + ROWS[:3]))).parts()
    buffer = io.BytesIO()
    with warnings.catch_warnings(), zipfile.ZipFile(buffer, "w") as archive:
        warnings.simplefilter("ignore")  # zipfile warns of the duplicate name it is asked to write
        for part, data in parts.items():
            archive.writestr(part, data)
        archive.writestr(name, sheet_xml(grid([HEADER] + ROWS[3:4])).encode())
    return buffer.getvalue()


@pytest.mark.parametrize("name", ["xl/worksheets/sheet1.xml", "XL/Worksheets/Sheet1.xml"],
                         ids=["same-name", "same-name-other-case"])
def test_a_zip_with_two_parts_of_one_name_is_refused(name):
    """Python reads the last of two same-named parts, a spreadsheet may show the first: the replies read
    would not be the ones the user checked. Part names are compared without case, as in Open Packaging."""
    with pytest.raises(FoiError, match="twice"):
        read_replies_bytes(_with_second_sheet(name), "synthetic_replies.xlsx")


# --- a manifest.json that lists the user's own files ---------------------------------------------------


def test_a_forged_manifest_cannot_make_the_pack_delete_files_it_never_writes(fake_pack, tmp_path):
    """A manifest saying package 'pimap' that lists the user's files, with their right sha256, must not make
    the report replace (delete) them: the pack only ever writes summary.md and files in maps/, charts/ and
    tables/, so nothing else is ever its own."""
    out = tmp_path / "pack"
    mine = {"thesis.docx": b"SYNTHETIC thesis", "notes/mine.txt": b"SYNTHETIC notes",
            "tables/deep/kept.csv": b"a,b\n"}
    for name, data in mine.items():
        (out / name).parent.mkdir(parents=True, exist_ok=True)
        (out / name).write_bytes(data)
    files = [{"path": name, "sha256": hashlib.sha256(data).hexdigest()} for name, data in mine.items()]
    (out / "manifest.json").write_text(json.dumps({"package": R.PACKAGE, "files": files}))
    with pytest.raises(R.ReportError, match="manifest.json"):
        R.write_pack(fake_pack, out, replace=True)
    for name, data in mine.items():
        assert (out / name).read_bytes() == data, name


# --- pimap reach with an infinite number of families per team --------------------------------------


def test_infinite_families_per_team_is_refused_not_printed_as_inf_reach(capsys):
    """``--families-per-team inf`` printed 'reach inf%' with exit 0; it is refused before anything is read."""
    from mapping.cli import main

    code = main(["reach", "--geography", "uk2023", "--year", "2020", "--families-per-team", "inf"])
    err = capsys.readouterr().err
    assert code == 2
    assert err.startswith("pimap: error: the families a team supports a year") and "inf" in err


# --- a huge manifest.json ---------------------------------------------------------------------------------


def test_a_huge_manifest_is_refused_without_being_parsed(fake_pack, tmp_path, monkeypatch):
    """A 330 MB manifest.json took 1.6 GB of memory and 10 s before it was refused; its size now refuses it."""
    out = tmp_path / "pack"
    out.mkdir()
    entries = [{"path": f"tables/t{i}.csv", "sha256": ""} for i in range(40_000)]  # ~1.6 MB
    (out / "manifest.json").write_text(json.dumps({"package": R.PACKAGE, "files": entries}))
    parsed = []
    monkeypatch.setattr(json, "loads", lambda *a, **k: parsed.append(1) or {})  # whichever module reads it
    with pytest.raises(R.ReportError, match="manifest.json"):
        R.write_pack(fake_pack, out, replace=True)
    assert parsed == []


# --- inline text in a cell typed otherwise ---------------------------------------------------------------


@pytest.mark.parametrize("typed", ['t="s"', 't="n"', ""], ids=["shared", "number", "untyped"])
def test_inline_text_in_a_cell_not_typed_as_inline_text_is_refused_not_dropped(typed):
    """A cell holding ``<is><t>...</t></is>`` but typed as shared text or a number read as blank: a value
    (an optional count, a note) vanished without a word."""
    xml = sheet_xml(grid([HEADER] + ROWS[:2])).replace('<c r="B2" t="inlineStr">', f'<c r="B2" {typed}>')
    with pytest.raises(FoiError, match=r"B2 holds inline text"):
        read_replies_bytes(Book().add("replies", xml).bytes(), "synthetic_replies.xlsx")


def test_a_cell_typed_as_inline_text_holding_a_plain_value_is_refused_not_dropped():
    """``<c t="inlineStr"><v>12</v></c>`` read as blank: the 12 was lost."""
    xml = sheet_xml(grid([HEADER] + ROWS[:2]))
    start = xml.index('<c r="B2" t="inlineStr">')
    end = xml.index("</c>", start) + len("</c>")
    xml = xml[:start] + '<c r="B2" t="inlineStr"><v>12</v></c>' + xml[end:]
    with pytest.raises(FoiError, match=r"B2 is typed as inline text"):
        read_replies_bytes(Book().add("replies", xml).bytes(), "synthetic_replies.xlsx")


# --- an uploaded file's name in a CSV download's comment lines ----------------------------------------


@pytest.mark.parametrize("name", ['x,=HYPERLINK("http://example.invalid","y").csv', "x, +cmd|' /C calc'!A0.csv",
                                  'x,"@SUM(1+1)".csv', "x,-2+3.csv"], ids=["equals", "plus", "quoted-at", "minus"])
def test_a_file_name_in_a_downloads_comment_lines_never_makes_a_formula_cell(name):
    """The FOI file's name goes into the download's '# title: ...' lines, written raw: a spreadsheet splits
    such a line at its commas, so 'x,=HYPERLINK(...)' made a formula cell. SYNTHETIC frame and metadata."""
    import csv

    import pandas as pd

    from mapping.present.downloads import FORMULA_PREFIXES, DownloadMeta, to_csv_bytes

    meta = DownloadMeta(title=f"FOI replies from {name}", attribution="SYNTHETIC", data_date="SYNTHETIC",
                        notes=(f"FOI replies: {name}, uploaded in this session",))
    text = to_csv_bytes(pd.DataFrame({"a": ["SYNTHETIC"]}), meta).decode("utf-8-sig")
    comments = [line for line in text.splitlines() if line.startswith("#")]
    assert any(name.split(",")[1].strip(' "')[1:] in line for line in comments)  # the name is still there
    for cells in csv.reader(comments):
        assert not [c for c in cells if c.strip(' ').startswith(FORMULA_PREFIXES)], cells
    assert pd.read_csv(io.StringIO(text), comment="#")["a"].tolist() == ["SYNTHETIC"]


# --- a control character in a CSV upload ----------------------------------------------------------------


@pytest.mark.parametrize("char", ["\x0b", "\x01", "\x1f"])
def test_a_control_character_in_a_csv_is_refused_at_its_line(char):
    """A CSV reply with a vertical tab in its notes was read, and then every XLSX made from it (the report
    pack's tables.xlsx, the app's downloads) failed with openpyxl's IllegalCharacterError, a traceback."""
    from upload_helpers import csv_text

    rows = [list(r) for r in ROWS[:3]]
    rows[1][-1] = f"SYNTHETIC note{char}with a control character"
    data = csv_text(HEADER, rows, COMMENTS).encode()
    with pytest.raises(FoiError, match=rf"line {len(COMMENTS) + 3} holds the control character U\+{ord(char):04X}"):
        read_replies_bytes(data, "synthetic_replies.csv")


# --- rows and columns hidden by a zero height or width ---------------------------------------------------


def test_rows_and_columns_of_zero_size_are_warned_of_like_hidden_ones():
    """A row of height 0 or a column of width 0 is as hidden in a spreadsheet as one marked hidden, but was
    read without the warning a hidden one gets."""
    xml = sheet_xml(grid([HEADER] + ROWS[:3]))
    xml = xml.replace('<row r="3">', '<row r="3" ht="0" customHeight="1">')
    xml = xml.replace("<sheetData>", '<cols><col min="2" max="2" width="0" customWidth="1"/></cols><sheetData>')
    raw = read_replies_bytes(Book().add("replies", xml).bytes(), "synthetic_replies.xlsx")
    warnings_ = [i.message for i in raw.issues if i.severity == "warning"]
    assert any(m.startswith("row 3 is hidden") for m in warnings_), warnings_
    assert any(m.startswith("column B is hidden") for m in warnings_), warnings_
    assert raw.frame["reply_id"].tolist() == [r[0] for r in ROWS[:3]]  # read all the same


# --- pimap capacity --json where no team operates ----------------------------------------------------------


def test_capacity_json_with_no_team_operating_is_standard_json(monkeypatch, capsys):
    """For an area with no team (Scotland's health boards on many dates) ``pimap capacity --json`` printed
    ``"multiple_of_current": NaN``, which JSON readers refuse, and the arithmetic said 'nan times today's
    number'; exit 0. SYNTHETIC gaps table (one area, 3,300 children aged 0)."""
    import pandas as pd

    import mapping.analysis.capacity as capacity
    import mapping.analysis.coverage as coverage
    import mapping.cli.gaps as cli_gaps
    from mapping.cli import main

    monkeypatch.setattr(cli_gaps, "_compute", lambda args: pd.DataFrame({"code": ["S0"], "age0": [3300.0]}))
    monkeypatch.setattr(capacity, "capacity_births", lambda geography, year: pd.DataFrame(
        {"code": ["S0"], "births": [3300], "period": ["July 2016 to June 2017"]}))
    monkeypatch.setattr(coverage, "summarise", lambda gaps: {"teams_operating": 0})
    assert main(["capacity", "--geography", "hb2019", "--year", "2017", "--json"]) == 0
    out = capsys.readouterr().out
    result = json.loads(out, parse_constant=lambda name: pytest.fail(f"{name} in the JSON"))
    assert result["multiple_of_current"] is None
    assert "nan" not in result["arithmetic"].lower()


# --- values a number format hides ----------------------------------------------------------------------------


def test_values_hidden_by_their_number_format_are_warned_of():
    """A cell formatted ';;;' shows blank in a spreadsheet, so the person checking the file sees no count,
    but its value was read without a word (hidden rows and columns get a warning). SYNTHETIC styles."""
    from upload_helpers import MAIN_NS

    styles = (f'<?xml version="1.0"?><styleSheet xmlns="{MAIN_NS}"><numFmts count="1">'
              '<numFmt numFmtId="164" formatCode=";;;"/></numFmts>'
              '<cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="164"/></cellXfs></styleSheet>')
    column = HEADER.index("seen_0_12")
    letters = chr(ord("A") + column) if column < 26 else "A" + chr(ord("A") + column - 26)
    xml = sheet_xml(grid([HEADER] + ROWS[:3]), styles={f"{letters}3": 1, f"{letters}4": 1})
    raw = read_replies_bytes(Book(styles=styles).add("replies", xml).bytes(), "synthetic_replies.xlsx")
    warnings_ = [i.message for i in raw.issues if i.severity == "warning"]
    assert any(m.startswith(f"replies!{letters}3 and 1 more hold values their number format shows as blank")
               for m in warnings_), warnings_
    assert raw.frame["seen_0_12"].tolist() == [r[column] for r in ROWS[:3]]  # read all the same


# --- a cell whose reference names another row than the row holding it ----------------------------------------


def test_a_cell_naming_another_row_than_its_own_is_refused_not_moved():
    """``<row r="4"><c r="X3">`` put the value into row 3: a count moved silently from one reply to another
    (row 3's cell was blank). Excel repairs such a file; the reader refuses it, naming the cell."""
    column = HEADER.index("seen_0_12")
    rows = [list(r) for r in ROWS[:3]]
    rows[1][column] = ""  # row 3 (the second reply) has no figure here; row 4's cell will claim to be in row 3
    xml = sheet_xml(grid([HEADER] + rows))
    letters = chr(ord("A") + column) if column < 26 else "A" + chr(ord("A") + column - 26)
    assert f'r="{letters}4"' in xml
    xml = xml.replace(f'r="{letters}4"', f'r="{letters}3"')
    with pytest.raises(FoiError, match=rf"cell '{letters}3' inside row 4"):
        read_replies_bytes(Book().add("replies", xml).bytes(), "synthetic_replies.xlsx")


def test_rows_without_numbers_take_their_cells_row():
    """Rows written without 'r' but with cell references (some generators skip blank rows this way) are read
    at their cells' rows, as before."""
    xml = sheet_xml(grid([HEADER] + ROWS[:3]))
    xml = re.sub(r'<row r="\d+">', "<row>", xml)
    raw = read_replies_bytes(Book().add("replies", xml).bytes(), "synthetic_replies.xlsx")
    assert raw.frame["reply_id"].tolist() == [r[0] for r in ROWS[:3]]
    assert raw.frame["source_row"].tolist() == [2, 3, 4]


# --- a sheet of millions of distinct element names ------------------------------------------------------------


def test_distinct_element_names_do_not_cost_memory_per_name():
    """Expat and the sheet reader kept every element name met: a 6 MB upload of 3 million distinct empty
    elements (``<x1/><x2/>...``, ignored by every reader) took 400 MB. Here 200,000 of them, SYNTHETIC: refused
    at the limit, before they cost memory."""
    import tracemalloc

    from upload_helpers import MAIN_NS

    body = "".join(f"<x{i:x}/>" for i in range(200_000))
    xml = (f'<?xml version="1.0"?><worksheet xmlns="{MAIN_NS}"><sheetData><row r="1"><c r="A1" t="inlineStr">'
           f"<is><t>reply_id</t></is></c></row></sheetData>{body}</worksheet>")
    data = Book().add("replies", xml).bytes()
    tracemalloc.start()
    try:
        with pytest.raises(FoiError, match="different XML element names"):
            read_replies_bytes(data, "synthetic_replies.xlsx")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < len(xml), f"{peak:,} bytes at peak for {len(xml):,} bytes of sheet XML"


@pytest.mark.parametrize("part", ["xl/styles.xml", "xl/sharedStrings.xml"])
def test_distinct_element_names_in_other_parts_are_refused(part):
    """The same in the styles and shared strings, read before the sheet. SYNTHETIC parts."""
    from upload_helpers import MAIN_NS

    body = "".join(f"<x{i:x}/>" for i in range(5_000))
    root = "styleSheet" if part.endswith("styles.xml") else "sst"
    book = Book(**{"styles" if root == "styleSheet" else "shared_strings":
                   f'<?xml version="1.0"?><{root} xmlns="{MAIN_NS}">{body}</{root}>'})
    data = book.add("replies", sheet_xml(grid([HEADER] + ROWS[:2]))).bytes()
    with pytest.raises(FoiError, match=rf"{part} uses more than"):
        read_replies_bytes(data, "synthetic_replies.xlsx")
