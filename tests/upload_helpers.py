"""Synthetic upload files for the reader tests, built in memory: hand-written XLSX parts over zipfile,
so a test can give a workbook exactly the dimension, formula, merge, hidden row or damage it probes.

Everything here is SYNTHETIC test data.
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

REPO = Path(__file__).resolve().parents[1]
FOI_FIXTURE = REPO / "tests" / "fixtures" / "synthetic_foi_rare_jewels.csv"

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
DOC_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


@dataclass(frozen=True)
class Formula:
    """A formula cell: ``text`` without '=', with a cached value or none."""

    text: str
    cached: str | None = None


def column_index(letters: str) -> int:
    col = 0
    for ch in letters:
        col = col * 26 + ord(ch) - 64
    return col


def letters_of(index: int) -> str:
    """1-based column index to letters."""
    out = ""
    while index:
        index, rest = divmod(index - 1, 26)
        out = chr(65 + rest) + out
    return out


def grid(rows: list[list[object]], first_row: int = 1) -> dict[str, object]:
    """Cells from a list of rows (row ``first_row`` first), skipping None and ''."""
    cells: dict[str, object] = {}
    for r, values in enumerate(rows, start=first_row):
        for c, value in enumerate(values, start=1):
            if value is not None and value != "":
                cells[f"{letters_of(c)}{r}"] = value
    return cells


def _cell_xml(ref: str, value: object, style: int | None = None) -> str:
    s = f' s="{style}"' if style is not None else ""
    if isinstance(value, Formula):
        cached = "" if value.cached is None else f"<v>{escape(value.cached)}</v>"
        return f'<c r="{ref}"{s}><f>{escape(value.text)}</f>{cached}</c>'
    if isinstance(value, bool):
        return f'<c r="{ref}" t="b"{s}><v>{int(value)}</v></c>'
    if isinstance(value, int | float):
        return f'<c r="{ref}"{s}><v>{value}</v></c>'
    return f'<c r="{ref}" t="inlineStr"{s}><is><t xml:space="preserve">{escape(str(value))}</t></is></c>'


def _split(ref: str) -> tuple[int, int]:
    letters = "".join(ch for ch in ref if ch.isalpha())
    return int(ref[len(letters):]), column_index(letters)


def sheet_xml(cells: dict[str, object], *, dimension: str | None = None, hidden_rows: tuple[int, ...] = (),
              merges: tuple[str, ...] = (), hidden_columns: tuple[int, ...] = (), styles: dict[str, int] | None = None,
              before_data: str = "", prolog: str = "") -> str:
    """A worksheet's XML with the given cells (in row order), a declared dimension and extras."""
    by_row: dict[int, list[tuple[int, str, object]]] = {}
    for ref, value in cells.items():
        row, col = _split(ref)
        by_row.setdefault(row, []).append((col, ref, value))
    for row in hidden_rows:
        by_row.setdefault(row, [])
    rows = []
    for row in sorted(by_row):
        hidden = ' hidden="1"' if row in hidden_rows else ""
        inner = "".join(_cell_xml(ref, value, (styles or {}).get(ref)) for _, ref, value in sorted(by_row[row]))
        rows.append(f'<row r="{row}"{hidden}>{inner}</row>')
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    cols = ("<cols>" + "".join(f'<col min="{c}" max="{c}" hidden="1"/>' for c in hidden_columns) + "</cols>"
            if hidden_columns else "")
    merge = (f'<mergeCells count="{len(merges)}">' + "".join(f'<mergeCell ref="{m}"/>' for m in merges)
             + "</mergeCells>" if merges else "")
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>{prolog}'
            f'<worksheet xmlns="{MAIN_NS}" xmlns:r="{REL_NS}">{dim}{before_data}{cols}'
            f'<sheetData>{"".join(rows)}</sheetData>{merge}</worksheet>')


@dataclass
class Book:
    """A workbook to write: sheets as (name, worksheet XML, state), optional styles and shared strings."""

    sheets: list[tuple[str, str, str]] = field(default_factory=list)
    styles: str | None = None
    shared_strings: str | None = None
    date1904: bool = False
    extra_parts: dict[str, bytes] = field(default_factory=dict)

    def add(self, name: str, xml: str, state: str = "visible") -> Book:
        self.sheets.append((name, xml, state))
        return self

    def parts(self) -> dict[str, bytes]:
        sheets = "".join(
            f'<sheet name={quoteattr(n)} sheetId="{i}" r:id="rId{i}"' + (f' state="{s}"' if s != "visible" else "")
            + "/>" for i, (n, _, s) in enumerate(self.sheets, start=1))
        pr = '<workbookPr date1904="1"/>' if self.date1904 else ""
        workbook = (f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{MAIN_NS}" xmlns:r="{REL_NS}">{pr}'
                    f"<sheets>{sheets}</sheets></workbook>")
        rels = [f'<Relationship Id="rId{i}" Type="{DOC_REL}/worksheet" Target="worksheets/sheet{i}.xml"/>'
                for i in range(1, len(self.sheets) + 1)]
        n = len(self.sheets)
        if self.styles is not None:
            rels.append(f'<Relationship Id="rId{n + 1}" Type="{DOC_REL}/styles" Target="styles.xml"/>')
        if self.shared_strings is not None:
            rels.append(f'<Relationship Id="rId{n + 2}" Type="{DOC_REL}/sharedStrings" Target="sharedStrings.xml"/>')
        ml = "application/vnd.openxmlformats-officedocument.spreadsheetml"
        overrides = [("/xl/workbook.xml", f"{ml}.sheet.main+xml")]
        overrides += [(f"/xl/worksheets/sheet{i}.xml", f"{ml}.worksheet+xml") for i in range(1, n + 1)]
        if self.styles is not None:
            overrides.append(("/xl/styles.xml", f"{ml}.styles+xml"))
        if self.shared_strings is not None:
            overrides.append(("/xl/sharedStrings.xml", f"{ml}.sharedStrings+xml"))
        types = ('<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                 '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                 '<Default Extension="xml" ContentType="application/xml"/>'
                 + "".join(f'<Override PartName="{p}" ContentType="{t}"/>' for p, t in overrides) + "</Types>")
        out = {
            "[Content_Types].xml": types.encode(),
            "_rels/.rels": (f'<?xml version="1.0"?><Relationships xmlns="{PKG_REL_NS}"><Relationship Id="rId1" '
                            f'Type="{DOC_REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>').encode(),
            "xl/workbook.xml": workbook.encode(),
            "xl/_rels/workbook.xml.rels": (f'<?xml version="1.0"?><Relationships xmlns="{PKG_REL_NS}">'
                                           f'{"".join(rels)}</Relationships>').encode(),
        }
        for i, (_, xml, _) in enumerate(self.sheets, start=1):
            out[f"xl/worksheets/sheet{i}.xml"] = xml.encode()
        if self.styles is not None:
            out["xl/styles.xml"] = self.styles.encode()
        if self.shared_strings is not None:
            out["xl/sharedStrings.xml"] = self.shared_strings.encode()
        out.update(self.extra_parts)
        return out

    def bytes(self, compression: int = zipfile.ZIP_DEFLATED) -> bytes:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", compression) as archive:
            for name, data in self.parts().items():
                archive.writestr(name, data)
        return buffer.getvalue()


def xlsx(cells: dict[str, object], sheet: str = "replies", **options: object) -> bytes:
    """A one-sheet workbook."""
    return Book().add(sheet, sheet_xml(cells, **options)).bytes()  # type: ignore[arg-type]


DATE_STYLES = (f'<?xml version="1.0"?><styleSheet xmlns="{MAIN_NS}"><numFmts count="1">'
               '<numFmt numFmtId="164" formatCode="yyyy-mm-dd"/></numFmts>'
               '<cellXfs count="3"><xf numFmtId="0"/><xf numFmtId="164"/><xf numFmtId="14"/></cellXfs></styleSheet>')


def fixture_rows() -> tuple[list[str], list[list[str]], list[str]]:
    """(header, data rows, comment lines) of the synthetic FOI fixture."""
    lines = FOI_FIXTURE.read_text(encoding="utf-8").splitlines(keepends=True)
    comments = [line.rstrip("\n") for line in lines if line.startswith("#")]
    records = list(csv.reader(line for line in lines if not line.startswith("#")))
    return records[0], records[1:], comments


def csv_text(header: list[str], rows: list[list[str]], comments: tuple[str, ...] | list[str] = (),
             delimiter: str = ",") -> str:
    buffer = io.StringIO()
    for line in comments:
        buffer.write(line + "\n")
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


def zip_bomb(inflated: int, *, declared: int | None = None, sheet_name: str = "replies") -> bytes:
    """A workbook whose sheet inflates to ``inflated`` bytes (a valid sheet padded with whitespace).

    With ``declared``, the zip's size fields are rewritten to claim that size instead (a lying bomb).
    Built in memory with a streaming compressor, so a 200 MB sheet costs ~200 KB.
    """
    head = (f'<?xml version="1.0"?><worksheet xmlns="{MAIN_NS}"><sheetData><row r="1"><c r="A1" t="inlineStr">'
            '<is><t>reply_id</t></is></c></row>').encode()
    tail = b"</sheetData></worksheet>"
    pad = inflated - len(head) - len(tail)
    book = Book().add(sheet_name, "")
    parts = book.parts()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            if name != "xl/worksheets/sheet1.xml":
                archive.writestr(name, data)
        info = zipfile.ZipInfo("xl/worksheets/sheet1.xml")
        info.compress_type = zipfile.ZIP_DEFLATED
        with archive.open(info, "w", force_zip64=inflated > 2**31) as fh:
            fh.write(head)
            block = b" " * (1 << 20)
            left = pad
            while left > 0:
                fh.write(block[: min(left, len(block))])
                left -= len(block)
            fh.write(tail)
    data = buffer.getvalue()
    if declared is not None:
        data = _rewrite_sizes(data, "xl/worksheets/sheet1.xml", declared)
    return data


def _rewrite_sizes(data: bytes, member: str, declared: int) -> bytes:
    """The zip with ``member``'s uncompressed size (local header and directory) set to ``declared``."""
    out = bytearray(data)
    name = member.encode()
    at = 0
    while (at := out.find(b"PK\x01\x02", at)) >= 0:  # central directory entries
        length = int.from_bytes(out[at + 28: at + 30], "little")
        if bytes(out[at + 46: at + 46 + length]) == name:
            out[at + 24: at + 28] = declared.to_bytes(4, "little")
            local = int.from_bytes(out[at + 42: at + 46], "little")
            out[local + 22: local + 26] = declared.to_bytes(4, "little")
        at += 4
    return bytes(out)


# --- the fuzz modules' oracle and tally -------------------------------------------------------------

OUTCOMES = ("tried", "refused cleanly", "read correctly", "traceback", "silently wrong")


class Tally:
    """Outcomes per probe class, printed as the issue's table when the module ends."""

    def __init__(self, title: str) -> None:
        self.title = title
        self.counts: dict[str, dict[str, int]] = {}

    def add(self, probe: str, outcome: str) -> None:
        row = self.counts.setdefault(probe, dict.fromkeys(OUTCOMES, 0))
        row["tried"] += 1
        row[outcome] += 1

    def table(self) -> str:
        lines = [f"| {self.title} probe class | " + " | ".join(OUTCOMES) + " |",
                 "|---|" + "---|" * len(OUTCOMES)]
        for probe, row in self.counts.items():
            lines.append(f"| {probe} | " + " | ".join(str(row[o]) for o in OUTCOMES) + " |")
        return "\n".join(lines)

    def write(self) -> None:
        import json
        import os

        print("\n" + self.table())
        target = os.environ.get("PIMAP_PROBE_TABLE")
        if target:
            with open(target, "a", encoding="utf-8") as fh:
                fh.write(json.dumps({"title": self.title, "counts": self.counts}) + "\n")


def records_reference(records: list[list[str]], normalise, comment_prefix: str | None = "#"
                      ) -> tuple[int, list[str], list[tuple[int, list[str]]]]:
    """A plain second reading of records: (header row, normalised header, non-blank data rows with numbers)."""
    header: list[str] | None = None
    header_row = 0
    rows: list[tuple[int, list[str]]] = []
    for number, cells in enumerate(records, start=1):
        if header is None:
            if comment_prefix and cells and cells[0].strip().startswith(comment_prefix):
                continue
            if any(c.strip() for c in cells):
                header, header_row = [normalise(c) for c in cells], number
            continue
        if any(c.strip() for c in cells):
            rows.append((number, cells))
    return header_row, header or [], rows


def grid_records(cells: dict[str, object]) -> list[list[str]]:
    """The rows a person sees in a sheet of inline-string cells: row 1 first, gaps as empty rows."""
    by_row: dict[int, dict[int, str]] = {}
    for ref, value in cells.items():
        row, col = _split(ref)
        by_row.setdefault(row, {})[col] = str(value)
    if not by_row:
        return []
    out: list[list[str]] = []
    for row in range(1, max(by_row) + 1):
        values = by_row.get(row, {})
        out.append([values.get(c, "") for c in range(1, max(values, default=0) + 1)])
    return out


def frame_matches(frame, header_row: int, header: list[str], rows: list[tuple[int, list[str]]]) -> bool:
    """True when a read frame holds exactly the reference's rows and cells (every row accounted for)."""
    names = [n for n in header if n]
    if list(frame.columns) != ["source_row", *names] or frame["source_row"].tolist() != [n for n, _ in rows]:
        return False
    index = {n: i for i, n in enumerate(header) if n}
    for (_, cells), got in zip(rows, frame[names].itertuples(index=False, name=None)):
        want = tuple(cells[index[n]] if index[n] < len(cells) else "" for n in names)
        if want != tuple(got):
            return False
    return True
