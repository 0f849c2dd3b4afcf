"""One bounded reader for tabular uploads (CSV, XLSX): every cell as text, with its position.

FOI replies and team lists arrive as files a visitor chose, so they are read as hostile input
under one set of rules, written once here and used by :mod:`mapping.inputs.foi_io` and
:mod:`mapping.inputs.teams`:

- every cell actually present is read, wherever it is (an XLSX ``<dimension>`` is ignored),
  and every row is either read or reported; nothing is dropped without a word;
- what cannot be read faithfully is refused with :class:`UploadError`, one line naming the file,
  the cell (``replies!F7`` or ``row 7, column F``) and the fix: formulas, merged cells in the
  data, blank or repeated header cells, unbalanced quotes, other delimiters than commas,
  undecodable text, damaged or hostile workbooks (DTDs, XML entities, non-deflate compression);
- what is read but may surprise is a :class:`Notice` (a warning): hidden sheets, rows and
  columns, another sheet read than the one asked for, a guessed encoding;
- :class:`Limits` bound the file size, the bytes inflated from the zip (declared sizes are
  checked before reading, inflated bytes while reading), rows, columns, cells, the length of
  one value and the reading time, so no upload can hang a server thread or hold its memory.

The XLSX reader streams the sheet XML from :mod:`zipfile` through defusedxml's expat parser
rather than using openpyxl's, because openpyxl trusts the declared dimension (losing cells
outside it, or padding up to a far cell for hours) and cannot bound bytes inflated or time
while it reads; openpyxl's number-format rules still decide which cells are dates.
"""

from __future__ import annotations

import csv
import io
import os
import posixpath
import re
import stat
import time
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from datetime import time as clock
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Literal
from xml.sax import SAXParseException
from xml.sax.handler import ContentHandler

from mapping.errors import UploadError

__all__ = [
    "DEFAULT_LIMITS",
    "Limits",
    "Notice",
    "Row",
    "Table",
    "UploadError",
    "column_letter",
    "describe_size",
    "read_file",
    "read_table",
]

MB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """Bounds on one upload; each refusal states the limit it hit.

    Notes
    -----
    A legitimate 5 MB FOI workbook (about 45,000 replies) inflates to about 60 MB of XML and
    about a million cells, well inside every bound; a CSV value's limit is the csv module's own.
    """

    max_file_bytes: int = 50 * MB
    max_uncompressed_bytes: int = 128 * MB
    max_zip_members: int = 2_000
    max_rows: int = 100_000
    max_columns: int = 256
    max_cells: int = 3_000_000
    max_cell_chars: int = 131_072
    max_seconds: float = 60.0


DEFAULT_LIMITS = Limits()


@dataclass(frozen=True)
class Notice:
    """Something read that the user should know about: a warning at ``row`` (1 for the whole file)."""

    row: int
    column: str
    message: str


@dataclass(frozen=True, slots=True)
class Row:
    """One row after the header: its number as a spreadsheet shows it and its cells' text from column A.

    A CSV row has exactly the fields of its record; an XLSX row runs to its last cell with a value.
    """

    number: int
    cells: tuple[str, ...]

    @property
    def blank(self) -> bool:
        return not any(c.strip() for c in self.cells)


@dataclass(frozen=True)
class Table:
    """A file as read: leading comment rows, the header (names normalised) and every row after it."""

    source: str
    kind: Literal["csv", "xlsx"]
    sheet: str | None
    header_row: int
    header: tuple[str, ...]
    comments: tuple[str, ...]
    rows: tuple[Row, ...]
    notices: tuple[Notice, ...] = ()

    def position(self, row: int, index: int) -> str:
        """Where a cell is, as the user's spreadsheet names it: ``replies!C5`` or ``row 5, column C``."""
        return _position(self.kind, self.sheet, row, index)


def describe_size(size: int) -> str:
    """A byte count as a person reads it: '4.2 MB', '48 KB', '900 bytes'."""
    if size >= MB:
        return f"{size / MB:,.1f}".rstrip("0").rstrip(".") + " MB"
    return f"{size / 1024:.0f} KB" if size >= 1024 else f"{size} bytes"


def column_letter(index: int) -> str:
    """The spreadsheet letters of a 0-based column index: 0 -> A, 25 -> Z, 26 -> AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _position(kind: str, sheet: str | None, row: int, index: int) -> str:
    return f"{_quote_sheet(sheet)}!{column_letter(index)}{row}" if kind == "xlsx" else \
        f"row {row}, column {column_letter(index)}"


def _quote_sheet(sheet: str | None) -> str:
    name = sheet or "sheet"
    return name if re.fullmatch(r"\w+", name) else "'" + name.replace("'", "''") + "'"


def _clip(text: str, width: int = 40) -> str:
    text = text.replace("\n", " ").replace("\r", " ")
    return text if len(text) <= width else text[: width - 3] + "..."


class _Clock:
    """The reading-time bound, checked before and while reading."""

    def __init__(self, source: str, limits: Limits) -> None:
        self.source, self.limits = source, limits
        self.deadline = time.monotonic() + limits.max_seconds

    def check(self, where: str) -> None:
        if time.monotonic() > self.deadline:
            raise UploadError(f"{self.source}: reading took longer than the limit of {self.limits.max_seconds:g} s "
                              f"(stopped at {where}); split the file or remove unused rows and columns")


def read_file(path: str | os.PathLike, *, limits: Limits = DEFAULT_LIMITS) -> bytes:
    """The bytes of a file named on the command line or in the environment, refused with one line if it is
    missing, not a regular file (a folder, ``/dev/null``, a pipe) or over ``limits.max_file_bytes``.

    The size is checked before a byte is read, so a huge file or an endless device never fills memory;
    a folder is said to be a folder rather than "not found", so the fix is obvious.
    """
    path = Path(path)
    try:
        info = path.stat()
    except FileNotFoundError:
        raise UploadError(f"{path}: no such file") from None
    except OSError as exc:
        raise UploadError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    if stat.S_ISDIR(info.st_mode):
        raise UploadError(f"{path}: is a folder, not a file; name the .csv or .xlsx file in it")
    if not stat.S_ISREG(info.st_mode):
        raise UploadError(f"{path}: is not a regular file (a device, pipe or socket); name a .csv or .xlsx file")
    if info.st_size > limits.max_file_bytes:
        raise UploadError(f"{path}: the file is {describe_size(info.st_size)}; the limit is "
                          f"{describe_size(limits.max_file_bytes)}. Split the file or remove unused columns")
    try:
        return path.read_bytes()
    except OSError as exc:
        raise UploadError(f"{path}: cannot be read ({exc.strerror or exc})") from None


def read_table(
    data: bytes,
    name: str,
    *,
    sheet: str,
    comment_prefix: str | None = "#",
    normalise: Callable[[str], str] = str.strip,
    limits: Limits = DEFAULT_LIMITS,
) -> Table:
    """Read a CSV or XLSX file (by the suffix of ``name``) as text cells, bounded by ``limits``.

    ``sheet`` is the XLSX sheet to read (else the first, with a notice); leading rows whose
    column A starts with ``comment_prefix`` are comments; the first other non-blank row is the
    header, its names passed through ``normalise`` before blank and repeated names are refused.
    Raises :class:`UploadError` for anything that cannot be read faithfully.
    """
    suffix = posixpath.splitext(name.replace("\\", "/"))[1].lower()
    if len(data) > limits.max_file_bytes:
        raise UploadError(f"{name}: the file is {describe_size(len(data))}; the limit is "
                          f"{describe_size(limits.max_file_bytes)}. Split the file or remove unused columns")
    clock_ = _Clock(name, limits)
    if suffix == ".csv":
        rows, notices = _csv_rows(data, name, limits, clock_)
        return _build_table(rows, name, "csv", None, notices, [], comment_prefix, normalise, limits)
    if suffix in (".xlsx", ".xlsm"):
        return _read_xlsx(data, name, sheet, comment_prefix, normalise, limits, clock_)
    raise UploadError(f"{name}: unsupported file type {suffix!r}; use .csv or .xlsx")


# --- the table, whatever the format ---------------------------------------------------------------


def _build_table(
    rows: Iterable[tuple[int, tuple[str, ...]]],
    source: str,
    kind: Literal["csv", "xlsx"],
    sheet: str | None,
    notices: list[Notice],
    merged: list[tuple[int, int, int, int]],
    comment_prefix: str | None,
    normalise: Callable[[str], str],
    limits: Limits,
) -> Table:
    """Comments, header and data rows from rows in order (an XLSX's gaps are given as blank rows)."""
    comments: list[str] = []
    header: tuple[str, ...] | None = None
    header_row = 0
    data: list[Row] = []
    cells_seen = 0
    for number, cells in rows:
        if header is None:
            first = cells[0].strip() if cells else ""
            if comment_prefix and first.startswith(comment_prefix):
                comments.append(",".join(c for c in cells if c).lstrip(comment_prefix + " ").strip())
                continue
            if not any(c.strip() for c in cells):
                continue
            header = _check_header(cells, number, source, kind, sheet, normalise)
            header_row = number
            continue
        cells_seen += len(cells)
        if cells_seen > limits.max_cells:
            raise UploadError(f"{source}: more than {limits.max_cells:,} cells (stopped at row {number}); "
                              "split the file or delete unused rows and columns")
        data.append(Row(number, cells))
    if header is not None:
        for top, left, bottom, right in merged:
            if bottom >= header_row:
                span = f"{_position(kind, sheet, top, left)}:{column_letter(right)}{bottom}"
                raise UploadError(f"{source}: {span} is a merged range in the data; unmerge it and type the value "
                                  "into every cell it covered (merged cells read as blank after the first)")
    return Table(source=source, kind=kind, sheet=sheet, header_row=header_row, header=header or (),
                 comments=tuple(comments), rows=tuple(data), notices=tuple(notices))


def _check_header(cells: tuple[str, ...], number: int, source: str, kind: Literal["csv", "xlsx"],
                  sheet: str | None, normalise: Callable[[str], str]) -> tuple[str, ...]:
    """Normalised header names; a blank name before the last named column, or a repeated name, is refused."""
    names = [normalise(c) for c in cells]
    last = max((i for i, n in enumerate(names) if n), default=-1)
    seen: dict[str, int] = {}
    for i, name in enumerate(names[: last + 1]):
        where = _position(kind, sheet, number, i)
        if not name:
            before = next((names[j] for j in range(i - 1, -1, -1) if names[j]), None)
            after = next(n for n in names[i + 1:] if n)
            between = f"between {before!r} and {after!r}" if before else f"before {after!r}"
            raise UploadError(f"{source}: {where} is a blank header cell {between}; name the column or delete it "
                              "(its values would otherwise be lost)")
        if name in seen:
            first = _position(kind, sheet, number, seen[name])
            raise UploadError(f"{source}: {where} repeats the column name {name!r} of {first}; "
                              "rename or delete one of the two columns")
        seen[name] = i
    return tuple(names)


# --- CSV ------------------------------------------------------------------------------------------

_BOMS: tuple[tuple[bytes, str, str], ...] = (
    (b"\xff\xfe\x00\x00", "utf-32-le", "UTF-32"),
    (b"\x00\x00\xfe\xff", "utf-32-be", "UTF-32"),
    (b"\xef\xbb\xbf", "utf-8", ""),
    (b"\xff\xfe", "utf-16-le", "UTF-16"),
    (b"\xfe\xff", "utf-16-be", "UTF-16"),
)
_DELIMITERS = {";": "';'", "\t": "tabs", "|": "'|'"}
_CP1252_NOTE = "not UTF-8: read as Windows-1252 (Excel's 'CSV'); check accents"


def _decode(data: bytes, source: str) -> tuple[str, list[Notice]]:
    """The file's text and a notice naming any encoding other than UTF-8."""
    if data.startswith(b"PK\x03\x04"):
        raise UploadError(f"{source}: this is an Excel workbook (.xlsx), not a CSV file; name it .xlsx or save it "
                          "as 'CSV UTF-8 (Comma delimited)'")
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise UploadError(f"{source}: this is an old Excel workbook (.xls), not a CSV file; save it as "
                          "'CSV UTF-8 (Comma delimited)' or as .xlsx")
    encoding, label = "utf-8", ""
    for bom, enc, name in _BOMS:
        if data.startswith(bom):
            data, encoding, label = data[len(bom):], enc, name
            break
    else:
        sample = data[:4096]
        if sample.count(0) * 4 >= len(sample) > 0:  # UTF-16 without a byte-order mark: every other byte NUL
            even_nuls = sample[0::2].count(0)
            encoding = "utf-16-be" if even_nuls > sample[1::2].count(0) else "utf-16-le"
            label = "UTF-16 (no byte-order mark)"
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        if encoding != "utf-8":
            raise UploadError(f"{source}: the file starts as {label} text but byte {exc.start} does not decode; "
                              "it may be cut short: save it again as 'CSV UTF-8 (Comma delimited)'") from None
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            raise UploadError(f"{source}: not a UTF-8 or Windows-1252 text file; save it as 'CSV UTF-8'") from None
        return _no_nul(text, source), [Notice(1, "file", _CP1252_NOTE)]
    notices = [Notice(1, "file", f"the file is {label} text, read as such (Excel's 'Unicode Text'); "
                                 "'CSV UTF-8' is the expected format")] if label else []
    return _no_nul(text, source), notices


# Control characters no spreadsheet cell may hold (XML 1.0 forbids them, so no XLSX can carry them and
# openpyxl refuses to write them): a CSV holding one could be read, then fail every XLSX written from it.
_CONTROL = re.compile(r"[\x01-\x08\x0b\x0c\x0e-\x1f]")


def _no_nul(text: str, source: str) -> str:
    at = text.find("\x00")
    if at >= 0:
        line = text.count("\n", 0, at) + 1
        raise UploadError(f"{source}: line {line} holds a NUL character: this is binary data, not a CSV file; "
                          "save the replies as 'CSV UTF-8 (Comma delimited)'")
    if (found := _CONTROL.search(text)) is not None:
        line = text.count("\n", 0, found.start()) + 1
        raise UploadError(f"{source}: line {line} holds the control character U+{ord(found.group()):04X}, which "
                          "no spreadsheet cell can hold; delete it and save the file again")
    return text


def _header_line(text: str, comment_prefix: str | None = "#") -> str:
    for line in io.StringIO(text):
        stripped = line.strip()
        if stripped and not (comment_prefix and stripped.startswith(comment_prefix)):
            return line
    return ""


def _check_delimiter(text: str, source: str) -> None:
    """Refuse a file separated by ';', tabs or '|' before it turns into one 'missing column' error a column."""
    line = _header_line(text)
    if not line or "," in line:
        return
    for delimiter, label in _DELIMITERS.items():
        if delimiter in line:
            raise UploadError(f"{source}: this file uses {label} between values; save it as CSV with commas "
                              "(in Excel: Save As 'CSV UTF-8 (Comma delimited)')")


def _scan_fields(line: str) -> tuple[list[int], int | None, int | None]:
    """Lengths of the comma-separated fields of one line; the field where a quote opens and stays open;
    the first field where text follows a closing quote."""
    lengths: list[int] = []
    stray: int | None = None
    i, n = 0, len(line.rstrip("\r\n"))
    while i <= n:
        start = i
        if i < n and line[i] == '"':
            i += 1
            while i < n:
                if line[i] == '"':
                    if i + 1 < n and line[i + 1] == '"':
                        i += 2
                        continue
                    break
                i += 1
            else:
                lengths.append(n - start)
                return lengths, len(lengths) - 1, stray
            i += 1
            if i < n and line[i] != "," and stray is None:
                stray = len(lengths)
        while i < n and line[i] != ",":
            i += 1
        lengths.append(i - start)
        i += 1
    return lengths, None, stray


def _csv_rows(data: bytes, source: str, limits: Limits, clock_: _Clock) -> tuple[list[tuple[int, tuple[str, ...]]],
                                                                                 list[Notice]]:
    """Every record of a comma-separated file as (record number, fields); strict about quotes."""
    clock_.check("the start")
    text, notices = _decode(data, source)
    _check_delimiter(text, source)
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    rows: list[tuple[int, tuple[str, ...]]] = []
    number = 0
    while True:
        start = reader.line_num + 1
        try:
            record = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            raise UploadError(_csv_error(text, source, number + 1, start, str(exc), limits)) from None
        number += 1
        if number > limits.max_rows:
            raise UploadError(f"{source}: more than {limits.max_rows:,} rows; split the file")
        if number % 1024 == 0:
            clock_.check(f"row {number}")
        if len(record) > limits.max_columns:
            raise UploadError(f"{source}: row {number} has {len(record):,} values, beyond the limit of "
                              f"{limits.max_columns} columns ({column_letter(limits.max_columns - 1)}); delete the "
                              "columns after the last one you use")
        for i, cell in enumerate(record):
            if len(cell) > limits.max_cell_chars:
                raise UploadError(f"{source}: row {number}, column {column_letter(i)} holds {len(cell):,} characters; "
                                  f"the limit for one value is {limits.max_cell_chars:,}")
        if reader.line_num > start:
            column = next((column_letter(i) for i, c in enumerate(record) if "\n" in c or "\r" in c), "file")
            notices.append(Notice(number, column, f"a quoted value runs over lines {start}-{reader.line_num} of the "
                                                  "file; if it should not, a quote (\") in this row is unbalanced"))
        rows.append((number, tuple(record)))
    clock_.check(f"row {number}")
    return rows, notices


def _csv_error(text: str, source: str, number: int, start: int, error: str, limits: Limits) -> str:
    """The csv module's error as a message naming the row, the column and the fix."""
    lines = io.StringIO(text, newline="").readlines()  # split as the csv module counts lines
    line = lines[start - 1] if 0 < start <= len(lines) else ""
    lengths, column, stray = _scan_fields(line)
    long_value = "field larger than field limit" in error
    quoted = column is not None
    if long_value and column is None:
        column = next((i for i, length in enumerate(lengths) if length > csv.field_size_limit()), None)
    elif column is None and "expected after" in error:
        column = stray
    where = f"row {number}" + (f", column {column_letter(column)}" if column is not None else "") + f" (line {start})"
    if long_value:
        cause, fix = ((" because the quote (\") opened there is never closed, so the rest of the file reads as one "
                       "value", "close the quote") if quoted else ("", "shorten the value"))
        return (f"{source}: {where}: a value longer than {csv.field_size_limit():,} characters, the limit for one "
                f"value{cause}; {fix}")
    if quoted or "unexpected end of data" in error:
        return (f"{source}: {where}: a quote (\") opened here is never closed, so the rows after it would run "
                "together; close the quote (a quote inside a value is written twice: \"\")")
    return (f"{source}: {where}: a quoted value is followed by other text ({error}); put the whole value in quotes "
            "and write a quote inside it twice (\"\")")


# --- XLSX -----------------------------------------------------------------------------------------

_CELL_REF = re.compile(r"^\$?([A-Z]{1,3})\$?([0-9]{1,7})$")
_REL_OFFICE = "officeDocument"


class _Budget:
    """Bytes inflated from the zip so far, against the limit, and the reading clock."""

    def __init__(self, source: str, limits: Limits, clock_: _Clock) -> None:
        self.source, self.limits, self.clock = source, limits, clock_
        self.left = limits.max_uncompressed_bytes

    def spend(self, n: int, part: str) -> None:
        self.left -= n
        if self.left < 0:
            raise UploadError(f"{self.source}: {part} inflates past the limit of "
                              f"{describe_size(self.limits.max_uncompressed_bytes)} uncompressed; refused (a "
                              "legitimate workbook of that size would be far larger than the upload limit)")
        self.clock.check(part)


# A part of a spreadsheet uses a few dozen element names; expat keeps every distinct name it meets, so a
# sheet of millions of distinct empty elements (<x1/><x2/>...) cost hundreds of MB. Refused past this.
MAX_ELEMENT_NAMES = 1_000


def _check_names(count: int, source: str, part: str) -> None:
    if count >= MAX_ELEMENT_NAMES:
        raise UploadError(f"{source}: {part} uses more than {MAX_ELEMENT_NAMES:,} different XML element names, "
                          "where a spreadsheet uses a few dozen; refused: save the workbook again from Excel")


class _NameBound(ContentHandler):
    """Passes every event to ``inner``, refusing a part with too many distinct element names
    (:data:`MAX_ELEMENT_NAMES`); the sheet handler counts its own, without this extra call."""

    def __init__(self, inner: ContentHandler, source: str, part: str) -> None:
        super().__init__()
        self.inner, self.source, self.part = inner, source, part
        self.seen: set[str] = set()

    def startElement(self, name: str, attrs) -> None:  # noqa: N802 - SAX API
        if name not in self.seen:
            _check_names(len(self.seen), self.source, self.part)
            self.seen.add(name)
        self.inner.startElement(name, attrs)

    def endElement(self, name: str) -> None:  # noqa: N802 - SAX API
        self.inner.endElement(name)

    def characters(self, content: str) -> None:
        self.inner.characters(content)


def _parse_part(archive: zipfile.ZipFile, part: str, handler: ContentHandler, budget: _Budget) -> None:
    """Stream one zip member through defusedxml's expat parser (no DTD, no entities), bounded by ``budget``."""
    from defusedxml import DefusedXmlException
    from defusedxml.expatreader import create_parser

    source = budget.source
    parser = create_parser(forbid_dtd=True, forbid_entities=True, forbid_external=True)
    parser.setContentHandler(handler if isinstance(handler, _Sheet) else _NameBound(handler, source, part))
    try:
        with archive.open(part) as fh:
            while chunk := fh.read(1 << 16):
                budget.spend(len(chunk), part)
                parser.feed(chunk)
        parser.close()
    except SAXParseException as exc:
        raise UploadError(f"{source}: {part} is not well-formed XML (line {exc.getLineNumber()}, column "
                          f"{exc.getColumnNumber()}: {exc.getMessage()}); the workbook is damaged: open it in Excel "
                          "and save it again") from None
    except DefusedXmlException as exc:
        raise UploadError(f"{source}: {part} declares a DTD or XML entities ({type(exc).__name__}), which no "
                          "spreadsheet needs; refused: save the workbook again from Excel") from None
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as exc:
        raise UploadError(f"{source}: {part} is damaged in the zip ({exc}); save the workbook again") from None


def _local(name: str) -> str:
    return name[name.find(":") + 1:]


class _Collect(ContentHandler):
    """Attributes of every element with a given local name (for the small parts: workbook, rels, styles)."""

    def __init__(self, *names: str) -> None:
        super().__init__()
        self.names = names
        self.found: list[tuple[str, dict[str, str]]] = []
        self.path: list[str] = []

    def startElement(self, name: str, attrs) -> None:  # noqa: N802 - SAX API
        local = _local(name)
        self.path.append(local)
        if local in self.names:
            self.found.append(("/".join(self.path), {_local(k): v for k, v in attrs.items()}))

    def endElement(self, name: str) -> None:  # noqa: N802 - SAX API
        self.path.pop()


class _SharedStrings(ContentHandler):
    """The shared-string table: plain and rich-text items, without phonetic runs."""

    def __init__(self, source: str, limits: Limits) -> None:
        super().__init__()
        self.source, self.limits = source, limits
        self.strings: list[str] = []
        self.parts: list[str] = []
        self.size = 0
        self.in_t = False
        self.phonetic = 0

    def startElement(self, name: str, attrs) -> None:  # noqa: N802 - SAX API
        local = _local(name)
        if local == "t" and not self.phonetic:
            self.in_t = True
        elif local == "si":
            self.parts, self.size = [], 0
        elif local == "rPh":
            self.phonetic += 1

    def endElement(self, name: str) -> None:  # noqa: N802 - SAX API
        local = _local(name)
        if local == "t":
            self.in_t = False
        elif local == "rPh":
            self.phonetic -= 1
        elif local == "si":
            self.strings.append("".join(self.parts))
            if len(self.strings) > self.limits.max_cells:
                raise UploadError(f"{self.source}: more than {self.limits.max_cells:,} shared strings; "
                                  "split the file")

    def characters(self, content: str) -> None:
        if self.in_t:
            self.size += len(content)
            if self.size > self.limits.max_cell_chars:
                raise UploadError(f"{self.source}: shared string {len(self.strings)} is longer than "
                                  f"{self.limits.max_cell_chars:,} characters, the limit for one value "
                                  "(Excel's own is 32,767)")
            self.parts.append(content)


class _Sheet(ContentHandler):
    """Every present cell of one worksheet as text, positions from each cell's reference (never the dimension)."""

    def __init__(self, source: str, sheet: str, strings: list[str], dates: dict[int, str], epoch: datetime,
                 limits: Limits) -> None:
        super().__init__()
        self.source, self.sheet, self.strings, self.dates, self.epoch = source, sheet, strings, dates, epoch
        self.limits = limits
        self.cells: dict[int, dict[int, str]] = {}
        self.hidden_rows: list[int] = []
        self.hidden_cells: list[tuple[int, int]] = []  # values a number format such as ';;;' shows as blank
        self.hidden_columns: list[tuple[int, int]] = []
        self.merged: list[tuple[int, int, int, int]] = []
        self.rows_hidden_by_default = False
        self.count = 0
        self.row = 0
        self.row_fixed = False  # the row's number is known (its 'r', or its first cell's reference)
        self.col = -1
        self.ref = ""
        self.type = "n"
        self.style = 0
        self.text: list[str] | None = None
        self.size = 0
        self.value: str | None = None
        self.inline: list[str] | None = None
        self.formula: list[str] | None = None
        self.phonetic = 0
        self.in_data = False
        self.names: dict[str, str] = {}
        self.letters: dict[str, int] = {}

    def where(self, row: int | None = None, col: int | None = None) -> str:
        return _position("xlsx", self.sheet, self.row if row is None else row, self.col if col is None else col)

    def _local(self, name: str) -> str:
        _check_names(len(self.names), self.source, self.sheet)
        local = self.names[name] = _local(name)
        return local

    def startElement(self, name: str, attrs) -> None:  # noqa: N802 - SAX API
        local = self.names.get(name) or self._local(name)
        if local == "c":
            if self.in_data:
                self._start_cell(attrs)
        elif local == "v" or (local == "t" and self.inline is not None and not self.phonetic):
            self.text, self.size = [], 0
        elif local == "row":
            if self.in_data:
                self._start_row(attrs)
        elif local == "f":
            self.formula = []
            self.text, self.size = [], 0
        elif local == "is":
            self.inline = []
        elif local == "rPh":
            self.phonetic += 1
        elif local == "sheetData":
            self.in_data = True
        elif local == "mergeCell":
            self._merge(attrs.get("ref", ""))
        elif local == "col" and (attrs.get("hidden") in ("1", "true") or _zero(attrs.get("width"))):
            try:
                low, high = int(attrs.get("min", "0")), int(attrs.get("max", "0"))
            except ValueError:
                raise UploadError(f"{self.source}: sheet {self.sheet!r} has a damaged column width entry; "
                                  "save the workbook again") from None
            self.hidden_columns.append((low - 1, min(high, self.limits.max_columns) - 1))
        elif local == "sheetFormatPr" and attrs.get("zeroHeight") in ("1", "true"):
            self.rows_hidden_by_default = True

    def _start_row(self, attrs) -> None:
        given = attrs.get("r")
        self.row_fixed = given is not None
        if given is None:
            self.row += 1
        elif given.isdigit() and given.isascii():
            self.row = int(given)
        else:
            raise UploadError(f"{self.source}: sheet {self.sheet!r} has a row numbered {_clip(given)!r}; "
                              "the workbook is damaged: save it again")
        if self.row < 1:
            raise UploadError(f"{self.source}: {_quote_sheet(self.sheet)} has a row numbered {self.row}; the "
                              "workbook is damaged: save it again")
        self.col = -1
        if attrs.get("hidden") in ("1", "true") or _zero(attrs.get("ht")):
            self.hidden_rows.append(self.row)

    def _start_cell(self, attrs) -> None:
        ref = attrs.get("r")
        if ref is None:
            self.col += 1
        else:
            match = _CELL_REF.match(ref)
            if not match:
                raise UploadError(f"{self.source}: sheet {self.sheet!r} has a cell named {_clip(ref)!r}, which is "
                                  "not a cell reference; the workbook is damaged: save it again")
            letters, digits = match.groups()
            col = self.letters.get(letters)
            if col is None:
                col = self.letters[letters] = _letters_index(letters)
            if self.row_fixed and int(digits) != self.row:  # it would be read into another row than its own
                raise UploadError(f"{self.source}: sheet {self.sheet!r} has cell {_clip(ref)!r} inside row "
                                  f"{self.row}; the workbook is damaged: save it again")
            self.col, self.row, self.row_fixed = col, int(digits), True  # a row without 'r' takes its first cell's
        if self.col >= self.limits.max_columns:
            raise UploadError(f"{self.source}: {self.where()} is beyond the limit of {self.limits.max_columns} columns "
                              f"({column_letter(self.limits.max_columns - 1)}); delete the columns after the last one "
                              "you use and save again")
        if self.row > self.limits.max_rows or self.row < 1:
            raise UploadError(f"{self.source}: {self.where()} is beyond the limit of {self.limits.max_rows:,} rows; "
                              "delete the rows after the last one you use (select them, Delete Sheet Rows) and save "
                              "again")
        self.count += 1
        if self.count > self.limits.max_cells:
            raise UploadError(f"{self.source}: more than {self.limits.max_cells:,} cells (stopped at {self.where()}); "
                              "split the file or delete unused rows and columns")
        self.type = attrs.get("t", "n")
        style = attrs.get("s", "0")
        self.style = int(style) if style.isdigit() and style.isascii() else 0
        self.value = None
        self.inline = None
        self.formula = None

    def characters(self, content: str) -> None:
        if self.text is not None:
            self.size += len(content)
            if self.size > self.limits.max_cell_chars:
                raise UploadError(f"{self.source}: {self.where()} holds more than {self.limits.max_cell_chars:,} "
                                  "characters, the limit for one value")
            self.text.append(content)

    def endElement(self, name: str) -> None:  # noqa: N802 - SAX API
        local = self.names.get(name) or self._local(name)
        if local == "c":
            if self.in_data:
                self._end_cell()
        elif local == "v":
            self.value = "".join(self.text or ())
            self.text = None
        elif local == "t" and self.text is not None and self.inline is not None:
            self.inline.append("".join(self.text))
            self.text = None
        elif local == "f":
            self.formula = ["".join(self.text or ())]
            self.text = None
        elif local == "rPh":
            self.phonetic -= 1
        elif local == "sheetData":
            self.in_data = False

    def _end_cell(self) -> None:
        if self.formula is not None:
            shown = f" (={_clip(self.formula[0])})" if self.formula[0] else " (a shared formula)"
            cached = "" if self.value is None else f", last calculated as {_clip(self.value)!r}"
            raise UploadError(f"{self.source}: {self.where()} holds a formula{shown}{cached}; only typed values "
                              "are read: copy the sheet and paste it back with Paste Special > Values, then "
                              "upload again")
        text = self._text()
        if text and self.dates.get(self.style) == "hidden":
            self.hidden_cells.append((self.row, self.col))
        if text:
            row = self.cells.setdefault(self.row, {})
            if self.col in row:
                raise UploadError(f"{self.source}: {self.where()} appears twice in the sheet; the workbook is "
                                  "damaged: save it again")
            row[self.col] = text

    def _text(self) -> str:
        kind, value = self.type, self.value
        if kind == "inlineStr":
            if self.inline is None and value is not None:
                raise UploadError(f"{self.source}: {self.where()} is typed as inline text but holds a value "
                                  f"({_clip(value)!r}) instead; the workbook is damaged: save it again")
            return "".join(self.inline or ())
        if self.inline is not None:  # text no reader would show for this cell type: never dropped unsaid
            raise UploadError(f"{self.source}: {self.where()} holds inline text but is typed {kind!r}, not as text; "
                              "the workbook is damaged: save it again")
        if value is None:
            return ""
        if kind == "s":
            if not (value.isdigit() and value.isascii() and int(value) < len(self.strings)):
                raise UploadError(f"{self.source}: {self.where()} points to shared text {_clip(value)!r}, which the "
                                  "workbook does not have; it is damaged: save it again")
            return self.strings[int(value)]
        if kind == "b":
            return {"1": "yes", "0": "no", "true": "yes", "false": "no"}.get(value.strip(), value)
        if kind in ("str", "e"):
            return value
        if kind == "d":
            return _iso_text(value)
        kind_shown = self.dates.get(self.style)
        return _number_text(value, None if kind_shown == "hidden" else kind_shown, self.epoch)

    def _merge(self, ref: str) -> None:
        first, _, last = ref.partition(":")
        a, b = _CELL_REF.match(first), _CELL_REF.match(last or first)
        if not a or not b:
            raise UploadError(f"{self.source}: sheet {self.sheet!r} has a merged range {_clip(ref)!r} that is not a "
                              "range; the workbook is damaged: save it again")
        (c1, r1), (c2, r2) = (_ref_index(a), _ref_index(b))
        if (r1, c1) != (r2, c2):
            self.merged.append((min(r1, r2), min(c1, c2), max(r1, r2), max(c1, c2)))


def _zero(size: str | None) -> bool:
    """Whether a row height or column width attribute is 0: such a row or column is hidden as surely as one
    marked ``hidden``."""
    try:
        return size is not None and float(size) == 0
    except ValueError:
        return False


def _letters_index(letters: str) -> int:
    """The 0-based column index of spreadsheet letters: A -> 0, AA -> 26."""
    col = 0
    for ch in letters:
        col = col * 26 + ord(ch) - 64
    return col - 1


def _ref_index(match: re.Match[str]) -> tuple[int, int]:
    letters, digits = match.groups()
    return _letters_index(letters), int(digits)


def _plain(value: object) -> str:
    """A typed value as the text a person typed: dates as ISO, whole numbers without '.0'."""
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == clock(0) else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _iso_text(value: str) -> str:
    from openpyxl.utils.datetime import from_ISO8601

    try:
        return _plain(from_ISO8601(value))
    except (ValueError, OverflowError, TypeError):
        return value


def _number_text(value: str, date_kind: str | None, epoch: datetime) -> str:
    """A number cell as text; with a date (or duration) format, the date it shows. Unusual text is kept as stored."""
    try:
        number = Decimal(value)
    except InvalidOperation:
        return value
    if not number.is_finite() or abs(number.adjusted()) > 40:
        return value
    if date_kind is not None:
        from openpyxl.utils.datetime import from_excel

        try:
            shown = from_excel(float(number), epoch, timedelta=date_kind == "timedelta")
        except (ValueError, OverflowError, TypeError):
            return value
        return str(shown) if isinstance(shown, timedelta) else _plain(shown)
    if number == number.to_integral_value():
        return str(int(number))
    return str(float(number))


@dataclass
class _Book:
    sheets: list[tuple[str, str, str]] = field(default_factory=list)  # (name, state, part)
    epoch: datetime | None = None
    strings_part: str | None = None
    styles_part: str | None = None


def _declared_entries(data: bytes) -> int | None:
    """The number of files the zip's end record declares, read before :mod:`zipfile` builds one object per file."""
    at = data.rfind(b"PK\x05\x06", max(0, len(data) - 65_536 - 22))
    if at < 0 or at + 22 > len(data):
        return None
    return int.from_bytes(data[at + 10: at + 12], "little")


def _zip(data: bytes, source: str, limits: Limits) -> zipfile.ZipFile:
    """The workbook's zip, its declared sizes and compression checked before anything is inflated."""
    not_xlsx = f"{source}: not a readable .xlsx workbook"
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise UploadError(f"{not_xlsx} (an old .xls workbook, or one protected by a password); save it as .xlsx "
                          "without a password")
    entries = _declared_entries(data)
    if entries is not None and entries > limits.max_zip_members:
        raise UploadError(f"{not_xlsx}: it declares {entries:,} files, more than the limit of "
                          f"{limits.max_zip_members:,}")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError, NotImplementedError) as exc:
        raise UploadError(f"{not_xlsx} ({exc}); save it again as .xlsx") from None
    if len(infos) > limits.max_zip_members:
        raise UploadError(f"{not_xlsx}: it holds {len(infos):,} files, more than the limit of "
                          f"{limits.max_zip_members:,}")
    seen: set[str] = set()
    for info in infos:  # zipfile reads the last of two same-named parts, a spreadsheet may show the first
        key = info.filename.casefold()  # Open Packaging part names ignore case
        if key in seen:
            raise UploadError(f"{not_xlsx}: it holds {info.filename} twice, so it could read otherwise than it "
                              "shows in a spreadsheet; the workbook is damaged: save it again")
        seen.add(key)
    declared = sum(i.file_size for i in infos)
    if declared > limits.max_uncompressed_bytes:
        raise UploadError(f"{source}: the workbook would inflate to {describe_size(declared)}, more than the limit "
                          f"of {describe_size(limits.max_uncompressed_bytes)} uncompressed; refused")
    for info in infos:
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise UploadError(f"{not_xlsx}: {info.filename} uses a compression Excel never writes; save it again")
        if info.flag_bits & 0x1:
            raise UploadError(f"{not_xlsx}: {info.filename} is encrypted; save it without a password")
    return archive


def _targets(archive: zipfile.ZipFile, part: str, budget: _Budget) -> dict[str, tuple[str, str]]:
    """Relationship id -> (type's last word, resolved part name) from the rels of ``part``."""
    folder, base = posixpath.split(part)
    rels = posixpath.join(folder, "_rels", base + ".rels")
    if rels not in archive.NameToInfo:
        return {}
    handler = _Collect("Relationship")
    _parse_part(archive, rels, handler, budget)
    out: dict[str, tuple[str, str]] = {}
    for _, attrs in handler.found:
        target = attrs.get("Target", "")
        if attrs.get("TargetMode") == "External":
            continue
        resolved = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(folder, target))
        out[attrs.get("Id", "")] = (attrs.get("Type", "").rsplit("/", 1)[-1], resolved)
    return out


def _book(archive: zipfile.ZipFile, source: str, budget: _Budget) -> _Book:
    from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900

    office = [t for kind, t in _targets(archive, "", budget).values() if kind == _REL_OFFICE]
    workbook = office[0] if office else "xl/workbook.xml"
    if workbook not in archive.NameToInfo:
        raise UploadError(f"{source}: not a readable .xlsx workbook (no {workbook}); save it again as .xlsx")
    handler = _Collect("sheet", "workbookPr")
    _parse_part(archive, workbook, handler, budget)
    rels = _targets(archive, workbook, budget)
    book = _Book(epoch=CALENDAR_WINDOWS_1900)
    for path, attrs in handler.found:
        if path.endswith("workbookPr"):
            if attrs.get("date1904") in ("1", "true"):
                book.epoch = CALENDAR_MAC_1904
            continue
        rid = next((v for k, v in attrs.items() if k == "id"), "")
        kind, part = rels.get(rid, ("", ""))
        book.sheets.append((attrs.get("name", ""), attrs.get("state", "visible"), part if kind == "worksheet" else ""))
    for kind, part in rels.values():
        if kind == "sharedStrings":
            book.strings_part = part
        elif kind == "styles":
            book.styles_part = part
    return book


def _date_styles(archive: zipfile.ZipFile, part: str | None, budget: _Budget) -> dict[int, str]:
    """Cell style index -> 'date' or 'timedelta' for the styles whose number format shows a date or duration,
    'hidden' for those whose format shows nothing (every section empty, as ``;;;``)."""
    if part is None or part not in archive.NameToInfo:
        return {}
    from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format, is_timedelta_format

    handler = _Collect("numFmt", "xf")
    _parse_part(archive, part, handler, budget)
    codes: dict[int, str] = dict(BUILTIN_FORMATS)
    xfs: list[str] = []
    for path, attrs in handler.found:
        number = attrs.get("numFmtId", "0")
        number_id = int(number) if number.isdigit() and number.isascii() else 0
        if path.endswith("numFmts/numFmt"):
            codes[number_id] = attrs.get("formatCode", "")
        elif path.endswith("cellXfs/xf"):
            xfs.append(str(number_id))
    out: dict[int, str] = {}
    for index, number in enumerate(xfs):
        code = codes.get(int(number), "")
        if code and not code.strip(";"):
            out[index] = "hidden"
        elif code and is_timedelta_format(code):
            out[index] = "timedelta"
        elif code and is_date_format(code):
            out[index] = "date"
    return out


def _choose_sheet(book: _Book, wanted: str, source: str) -> tuple[str, str, list[Notice]]:
    """The sheet to read: the one named ``wanted`` (any case), else the first; notices say which and if hidden."""
    if not book.sheets:
        raise UploadError(f"{source}: the workbook has no sheets; save it again as .xlsx")
    exact = [s for s in book.sheets if s[0] == wanted] or \
        [s for s in book.sheets if s[0].casefold() == wanted.casefold()]
    name, state, part = exact[0] if exact else book.sheets[0]
    notices: list[Notice] = []
    if not exact:
        others = ", ".join(repr(s[0]) for s in book.sheets)
        notices.append(Notice(1, "file", f"no sheet is named {wanted!r}: read the first sheet, {name!r} "
                                         f"(the workbook's sheets: {others})"))
    if state != "visible":
        notices.append(Notice(1, "file", f"sheet {name!r} is hidden in the workbook ({state}); it is read: unhide it "
                                         "to check what it holds"))
    if not part:
        raise UploadError(f"{source}: sheet {name!r} is a chart or a damaged sheet, not a table of cells; "
                          f"put the data on a sheet named {wanted!r}")
    return name, part, notices


def _runs(numbers: Iterable[int]) -> Iterator[tuple[int, int]]:
    """Consecutive runs of sorted numbers: 3, 4, 5, 9 -> (3, 5), (9, 9)."""
    start = end = None
    for n in sorted(set(numbers)):
        if end is not None and n == end + 1:
            end = n
            continue
        if start is not None and end is not None:
            yield start, end
        start = end = n
    if start is not None and end is not None:
        yield start, end


def _read_xlsx(data: bytes, source: str, wanted: str, comment_prefix: str | None, normalise: Callable[[str], str],
               limits: Limits, clock_: _Clock) -> Table:
    archive = _zip(data, source, limits)
    with archive:
        clock_.check("the start")
        budget = _Budget(source, limits, clock_)
        book = _book(archive, source, budget)
        name, part, notices = _choose_sheet(book, wanted, source)
        if part not in archive.NameToInfo:
            raise UploadError(f"{source}: sheet {name!r} is missing from the workbook ({part}); save it again")
        strings: list[str] = []
        if book.strings_part and book.strings_part in archive.NameToInfo:
            shared = _SharedStrings(source, limits)
            _parse_part(archive, book.strings_part, shared, budget)
            strings = shared.strings
        dates = _date_styles(archive, book.styles_part, budget)
        sheet = _Sheet(source, name, strings, dates, book.epoch or datetime(1899, 12, 30), limits)
        _parse_part(archive, part, sheet, budget)
    del strings
    cells = sheet.cells
    notices.extend(_hidden_notices(sheet))
    rows = _dense_rows(cells, limits, source)
    return _build_table(rows, source, "xlsx", name, notices, sheet.merged, comment_prefix, normalise, limits)


def _hidden_notices(sheet: _Sheet) -> list[Notice]:
    """Hidden rows and columns that hold values, as warnings (they are read)."""
    notices: list[Notice] = []
    quoted = _quote_sheet(sheet.sheet)
    if sheet.rows_hidden_by_default:
        notices.append(Notice(1, "file", f"{quoted} hides rows by default; every row with values is read: unhide "
                                         "them to check"))
    for start, end in _runs(r for r in sheet.hidden_rows if r in sheet.cells):
        span = f"row {start} is" if start == end else f"rows {start}-{end} are"
        notices.append(Notice(start, "file", f"{span} hidden in {quoted}; read all the same: unhide to check"))
    if sheet.hidden_cells:
        row, col = sheet.hidden_cells[0]
        more = f" and {len(sheet.hidden_cells) - 1:,} more" if len(sheet.hidden_cells) > 1 else ""
        notices.append(Notice(row, column_letter(col), f"{_position('xlsx', sheet.sheet, row, col)}{more} hold values "
                                                       "their number format shows as blank (such as ';;;'); read "
                                                       "all the same: give them a visible format to check"))
    used = {c for row in sheet.cells.values() for c in row}
    for low, high in sheet.hidden_columns:
        for start, end in _runs(c for c in used if low <= c <= high):
            span = (f"column {column_letter(start)} is" if start == end
                    else f"columns {column_letter(start)}-{column_letter(end)} are")
            notices.append(Notice(1, column_letter(start), f"{span} hidden in {quoted}; read all the same: unhide "
                                                           "to check"))
    return notices


def _dense_rows(cells: dict[int, dict[int, str]], limits: Limits, source: str) -> Iterator[tuple[int, tuple[str, ...]]]:
    """Rows in order from the first with a value to the last, gaps as blank rows, cells padded from column A."""
    if not cells:
        return
    numbers = sorted(cells)
    padded = 0
    previous = numbers[0] - 1
    for number in numbers:
        for gap in range(previous + 1, number):
            yield gap, ()
        row = cells[number]
        width = max(row) + 1
        padded += width
        if padded > limits.max_cells:
            raise UploadError(f"{source}: the rows span more than {limits.max_cells:,} cells (at row {number}); "
                              "delete unused columns and rows")
        values = [""] * width
        for col, text in row.items():
            values[col] = text
        yield number, tuple(values)
        previous = number
