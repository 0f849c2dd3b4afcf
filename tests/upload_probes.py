"""Fuzz-style probes of an upload reader, shared by the FOI and teams fuzz modules (SYNTHETIC files only).

Each probe class generates files with hypothesis (encodings, delimiters, quotes, dimensions, formulas,
hidden content, huge values, far cells, compressed bombs, truncation, bit flips) and a plain second
reading of what each file holds (``records_reference``: the csv module, or the cells the generator
wrote). Every outcome must be a clean refusal (a PimapError naming the file) or a read equal to that
reference, every row accounted for; a traceback or a read that differs is a failure. The outcomes
are tallied per class and printed as a table when the module ends (``PIMAP_PROBE_TABLE=path``
appends them as JSON lines).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from dataclasses import dataclass

import hypothesis.strategies as st
from hypothesis import HealthCheck, given, settings
from upload_helpers import (
    Book,
    Formula,
    Tally,
    grid,
    grid_records,
    sheet_xml,
    zip_bomb,
)

from mapping.errors import PimapError
from mapping.inputs.tabular import Limits

SETTINGS = settings(max_examples=30, deadline=None, derandomize=True, database=None,
                    suppress_health_check=list(HealthCheck))

# Text a person can type into a cell. XML cannot hold most control characters and turns '\r' into '\n',
# so XLSX cells leave those out (Excel itself writes them as _x000D_ escapes). A CSV holding one of those
# control characters is refused (no XLSX could be written from it), so CSV cells leave them out too.
CSV_CHARS = st.characters(blacklist_categories=("Cs",),
                          blacklist_characters="\x00" + "".join(map(chr, [*range(1, 9), 11, 12, *range(14, 32)])))
XLSX_CHARS = st.characters(min_codepoint=0x20, max_codepoint=0xFFFD, blacklist_categories=("Cs",)) | \
    st.sampled_from("\t\n")
CP1252_SPECIALS = "é£€ü–’ñ…"
_HIDDEN_ROWS = re.compile(r"rows? (\d+)(?:-(\d+))? (?:is|are) hidden")


@dataclass(frozen=True)
class Spec:
    """What a fuzz module reads and how: the reader, its sheet and header, and its reading rules."""

    title: str
    sheet: str
    header: tuple[str, ...]
    comments: tuple[str, ...]
    read: Callable[[bytes, str, Limits | None], tuple[object, list[str]]]  # (frame, warning texts)
    reference: Callable[[list[list[str]], str], object | None]  # records, kind -> expected, None = refuse
    matches: Callable[[object, object], bool]
    one_line_refusals: bool = True


class Probe:
    """One probe class's outcomes: each read classified, tallied and checked."""

    def __init__(self, spec: Spec, tally: Tally) -> None:
        self.spec, self.tally = spec, tally

    def run(self, probe: str, data: bytes, name: str, *, expected: object | None | type[Ellipsis] = ...,
            refuse: bool | None = None, names: str | None = None, limits: Limits | None = None,
            reference: Callable[[list[str]], object | None] | None = None) -> str:
        """Read ``data`` and classify the outcome against ``expected`` (None: must refuse; ...: either).

        ``reference(warnings)`` gives the expected reading when it depends on what the reader announced
        (the encoding it read); ``names`` must appear in a refusal.
        """
        spec = self.spec
        try:
            frame, warnings = spec.read(data, name, limits)
        except PimapError as exc:
            message = str(exc)
            clean = message.startswith(f"{name}: ") and (names is None or names in message) and \
                (not spec.one_line_refusals or "\n" not in message)
            outcome = "refused cleanly" if clean else "traceback"
            if refuse is False:
                outcome = "traceback"  # a file that must be read was refused: counted as a failure
        except Exception:  # noqa: BLE001 - the outcome under test
            outcome = "traceback"
        else:
            want = reference(warnings) if reference is not None else expected
            if refuse is True or want is None or want is Ellipsis:
                outcome = "silently wrong"
            else:
                outcome = "read correctly" if spec.matches(frame, want) else "silently wrong"
        self.tally.add(probe, outcome)
        assert outcome in ("refused cleanly", "read correctly"), (probe, outcome, name, data[:200])
        return outcome


# --- generated files --------------------------------------------------------------------------------


def rows_strategy(width: int, chars: st.SearchStrategy[str], max_rows: int = 5) -> st.SearchStrategy[list[list[str]]]:
    """Rows of random cells; the first cell usually names the row, as a reply id or team id does."""
    first = st.text("abcxyz-0123", min_size=1, max_size=8) | st.text(chars, max_size=12)
    row = st.tuples(first, st.lists(st.text(chars, max_size=12), min_size=width - 1, max_size=width - 1))
    return st.lists(row.map(lambda pair: [pair[0], *pair[1]]), min_size=1, max_size=max_rows)


def cp1252_rows(width: int) -> st.SearchStrategy[list[list[str]]]:
    """Cells of ASCII and Windows-1252 letters, each special followed by an ASCII one (never valid UTF-8)."""
    word = st.lists(st.tuples(st.sampled_from(CP1252_SPECIALS), st.sampled_from("abc xyz")), max_size=3).map(
        lambda pairs: "".join(a + b for a, b in pairs))
    return st.lists(st.lists(word, min_size=width, max_size=width), min_size=1, max_size=5)


def csv_bytes(spec: Spec, rows: list[list[str]], *, delimiter: str = ",", quoting: int = csv.QUOTE_MINIMAL) -> str:
    buffer = io.StringIO()
    for line in spec.comments:
        buffer.write(line + "\n")
    writer = csv.writer(buffer, delimiter=delimiter, quoting=quoting, lineterminator="\n")
    writer.writerow(spec.header)
    writer.writerows(rows)
    return buffer.getvalue()


def sheet_cells(spec: Spec, rows: list[list[str]]) -> dict[str, object]:
    return grid([[c] for c in spec.comments] + [list(spec.header)] + rows)


def xlsx_bytes(spec: Spec, cells: dict[str, object], *, state: str = "visible", before: tuple[str, ...] = (),
               **options: object) -> bytes:
    book = Book()
    for name in before:
        book.add(name, sheet_xml({"A1": "SYNTHETIC other sheet"}))
    return book.add(spec.sheet, sheet_xml(cells, **options), state=state).bytes()  # type: ignore[arg-type]


def csv_records(text: str) -> list[list[str]] | None:
    """The csv module's strict reading of a text, or None where it refuses."""
    try:
        return list(csv.reader(io.StringIO(text, newline=""), strict=True))
    except csv.Error:
        return None


def decoded_as_announced(data: bytes, warnings: list[str]) -> list[str]:
    """The texts the bytes decode to under the encoding the reader said it used (UTF-8 when it said nothing)."""
    said = " ".join(warnings)
    if "Windows-1252" in said:
        codecs = ["cp1252"]
    elif "UTF-32" in said:
        codecs = ["utf-32"]
    elif "no byte-order mark" in said:
        codecs = ["utf-16-le", "utf-16-be"]
    elif "UTF-16" in said:
        codecs = ["utf-16"]
    else:
        codecs = ["utf-8-sig"]
    texts = []
    for codec in codecs:
        try:
            texts.append(data.decode(codec))
        except UnicodeDecodeError:
            pass
    return texts


def flip_bits(data: bytes, positions: list[int]) -> bytes:
    out = bytearray(data)
    for position in positions:
        bit = position % (len(out) * 8)
        out[bit // 8] ^= 1 << (bit % 8)
    return bytes(out)


def bomb_strategy() -> st.SearchStrategy[tuple[int, int, bool]]:
    """(inflated bytes, the limit, whether the zip lies about its size), small enough to build quickly."""
    return st.tuples(st.integers(64 * 1024, 3 * 1024 * 1024), st.integers(32 * 1024, 3 * 1024 * 1024), st.booleans())


def bomb_bytes(spec: Spec, inflated: int, lying: bool) -> bytes:
    return zip_bomb(inflated, declared=10_000 if lying else None, sheet_name=spec.sheet)


def far_ref(col: int, row: int) -> str:
    from upload_helpers import letters_of

    return f"{letters_of(col)}{row}"



# --- the probe classes, one hypothesis test each; a fuzz module subclasses with its Spec -----------------


class ProbeSuite:
    """Every probe class against ``spec``; the subclass gives ``spec`` and ``tally``."""

    spec: Spec
    tally: Tally

    @property
    def probe(self) -> Probe:
        return Probe(self.spec, self.tally)

    def expect(self, records: list[list[str]] | None, kind: str) -> object | None:
        return None if records is None else self.spec.reference(records, kind)

    @SETTINGS
    @given(data=st.data())
    def test_encodings(self, data: st.DataObject) -> None:
        codec = data.draw(st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "utf-32",
                                           "cp1252"]))
        width = len(self.spec.header)
        rows = data.draw(cp1252_rows(width) if codec == "cp1252" else rows_strategy(width, CSV_CHARS))
        text = csv_bytes(self.spec, rows)
        raw = text.encode(codec)  # utf-16-le/-be carry no byte-order mark: the reader tells them by their NULs
        expected = self.expect(csv_records(text), "csv")
        self.probe.run("encodings (CSV)", raw, "synthetic.csv", refuse=expected is None, expected=expected)

    @SETTINGS
    @given(data=st.data())
    def test_delimiters(self, data: st.DataObject) -> None:
        delimiter = data.draw(st.sampled_from([",", ";", "\t", "|"]))
        quoting = data.draw(st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL]))
        rows = data.draw(rows_strategy(len(self.spec.header), CSV_CHARS))
        text = csv_bytes(self.spec, rows, delimiter=delimiter, quoting=quoting)
        if delimiter == ",":
            expected = self.expect(csv_records(text), "csv")
            self.probe.run("delimiters (CSV)", text.encode(), "synthetic.csv", refuse=expected is None,
                           expected=expected)
        else:
            self.probe.run("delimiters (CSV)", text.encode(), "synthetic.csv", refuse=True,
                           names="between values; save it as CSV with commas")

    @SETTINGS
    @given(data=st.data())
    def test_quotes(self, data: st.DataObject) -> None:
        rows = data.draw(rows_strategy(len(self.spec.header), CSV_CHARS))
        lines = csv_bytes(self.spec, rows).splitlines(keepends=True)
        at = data.draw(st.integers(len(self.spec.comments) + 1, len(lines) - 1))
        line = lines[at]
        cut = data.draw(st.integers(0, len(line.rstrip("\n"))))
        insert = data.draw(st.sampled_from(['"', '"x', 'x"', '""', '"x"y', ',"']))
        lines[at] = line[:cut] + insert + line[cut:]
        text = "".join(lines)
        records = csv_records(text)
        self.probe.run("quotes (CSV)", text.encode(), "synthetic.csv", expected=self.expect(records, "csv"),
                       refuse=True if records is None else None)

    @SETTINGS
    @given(data=st.data())
    def test_dimensions(self, data: st.DataObject) -> None:
        rows = data.draw(rows_strategy(len(self.spec.header), XLSX_CHARS))
        dimension = data.draw(st.sampled_from(["A1", "A1:B2", "A1:C3", "B2:C3", "A1:XFD1048576", "ZZ9:A1", "junk",
                                               None]))
        cells = sheet_cells(self.spec, rows)
        expected = self.expect(grid_records(cells), "xlsx")
        self.probe.run("dimensions (XLSX)", xlsx_bytes(self.spec, cells, dimension=dimension), "synthetic.xlsx",
                       refuse=expected is None, expected=expected)

    @SETTINGS
    @given(data=st.data())
    def test_formulas(self, data: st.DataObject) -> None:
        rows = data.draw(rows_strategy(len(self.spec.header), XLSX_CHARS))
        cells = sheet_cells(self.spec, rows)
        last_row = len(self.spec.comments) + 1 + len(rows)
        ref = far_ref(data.draw(st.integers(1, len(self.spec.header) + 2)), data.draw(st.integers(1, last_row + 2)))
        cells[ref] = Formula(data.draw(st.sampled_from(["SUM(A1:A3)", "1+1", "A2", "", "HYPERLINK(\"x\")"])),
                             data.draw(st.sampled_from([None, "6", "text"])))
        self.probe.run("formulas (XLSX)", xlsx_bytes(self.spec, cells), "synthetic.xlsx", refuse=True,
                       names=f"{self.spec.sheet}!{ref} holds a formula")

    @SETTINGS
    @given(data=st.data())
    def test_hidden_content(self, data: st.DataObject) -> None:
        rows = data.draw(rows_strategy(len(self.spec.header), XLSX_CHARS))
        cells = sheet_cells(self.spec, rows)
        last_row = len(self.spec.comments) + 1 + len(rows)
        hidden = tuple(sorted(data.draw(st.sets(st.integers(1, last_row + 1), max_size=4))))
        columns = tuple(sorted(data.draw(st.sets(st.integers(1, len(self.spec.header)), max_size=2))))
        state = data.draw(st.sampled_from(["visible", "hidden", "veryHidden"]))
        before = data.draw(st.sampled_from([(), ("notes",)]))
        content = xlsx_bytes(self.spec, cells, state=state, before=before, hidden_rows=hidden, hidden_columns=columns)
        expected = self.expect(grid_records(cells), "xlsx")
        outcome = self.probe.run("hidden content (XLSX)", content, "synthetic.xlsx", expected=expected)
        if outcome == "read correctly":  # and each hidden thing holding values is said
            _, said = self.spec.read(content, "synthetic.xlsx", None)
            text = " ".join(said)
            used_rows = {int("".join(ch for ch in ref if ch.isdigit())) for ref in cells}
            spans = [(int(a), int(b or a)) for w in said for a, b in _HIDDEN_ROWS.findall(w)]
            for row in set(hidden) & used_rows:
                assert any(a <= row <= b for a, b in spans), (row, said)
            if state != "visible":
                assert f"sheet '{self.spec.sheet}' is hidden" in text

    @SETTINGS
    @given(data=st.data())
    def test_huge_values(self, data: st.DataObject) -> None:
        length = data.draw(st.sampled_from([131_071, 131_072, 131_073, 300_000]))
        kind = data.draw(st.sampled_from(["csv", "xlsx"]))
        rows = data.draw(rows_strategy(len(self.spec.header), st.sampled_from("abc"), max_rows=3))
        column = data.draw(st.integers(0, len(self.spec.header) - 1))
        rows[0][column] = "v" * length
        if kind == "csv":
            text = csv_bytes(self.spec, rows)
            content, expected = text.encode(), self.expect(csv_records(text), "csv")
        else:
            cells = sheet_cells(self.spec, rows)
            content, expected = xlsx_bytes(self.spec, cells), self.expect(grid_records(cells), "xlsx")
        if length > 131_072:
            self.probe.run("huge values", content, f"synthetic.{kind}", refuse=True, names="131,072")
        else:
            self.probe.run("huge values", content, f"synthetic.{kind}", expected=expected)

    @SETTINGS
    @given(data=st.data())
    def test_far_cells(self, data: st.DataObject) -> None:
        rows = data.draw(rows_strategy(len(self.spec.header), XLSX_CHARS, max_rows=3))
        cells = sheet_cells(self.spec, rows)
        col = data.draw(st.integers(1, 300) | st.integers(1, 16_384))
        row = data.draw(st.integers(1, 40) | st.integers(90_000, 1_048_576))
        ref = far_ref(col, row)
        cells[ref] = "SYNTHETIC far"
        content = xlsx_bytes(self.spec, cells, dimension=f"A1:{ref}")
        if col > 256 or row > 100_000:
            self.probe.run("far cells (XLSX)", content, "synthetic.xlsx", refuse=True,
                           names=f"{self.spec.sheet}!{ref} is beyond the limit")
        else:
            self.probe.run("far cells (XLSX)", content, "synthetic.xlsx", expected=self.expect(grid_records(cells),
                                                                                            "xlsx"))

    @settings(SETTINGS, max_examples=12)
    @given(bomb=bomb_strategy())
    def test_compressed_bombs(self, bomb: tuple[int, int, bool]) -> None:
        inflated, limit, lying = bomb
        content = bomb_bytes(self.spec, inflated, lying)
        limits = Limits(max_uncompressed_bytes=limit)
        if lying or inflated + 2_000 > limit:
            self.probe.run("compressed bombs (XLSX)", content, "synthetic.xlsx", refuse=True, limits=limits)
        else:
            self.probe.run("compressed bombs (XLSX)", content, "synthetic.xlsx", limits=limits,
                           expected=self.expect([["reply_id"]], "xlsx"))  # the bomb's one cell

    @SETTINGS
    @given(data=st.data())
    def test_truncation(self, data: st.DataObject) -> None:
        kind, whole, original = self._whole_file(data)
        cut = data.draw(st.integers(0, len(whole) - 1))
        self._run_damaged("truncation", kind, whole[:cut], original)

    @SETTINGS
    @given(data=st.data())
    def test_bit_flips(self, data: st.DataObject) -> None:
        kind, whole, original = self._whole_file(data)
        flips = data.draw(st.lists(st.integers(0, len(whole) * 8 - 1), min_size=1, max_size=3))
        self._run_damaged("bit flips", kind, flip_bits(whole, flips), original)

    def _whole_file(self, data: st.DataObject) -> tuple[str, bytes, object | None]:
        """A generated CSV or XLSX file to damage, with its expected reading (XLSX; a CSV's is re-derived)."""
        kind = data.draw(st.sampled_from(["csv", "xlsx"]))
        rows = data.draw(rows_strategy(len(self.spec.header), XLSX_CHARS))
        if kind == "csv":
            return kind, csv_bytes(self.spec, rows).encode(), None
        cells = sheet_cells(self.spec, rows)
        return kind, xlsx_bytes(self.spec, cells), self.expect(grid_records(cells), "xlsx")

    def _run_damaged(self, probe_class: str, kind: str, content: bytes, original: object | None) -> None:
        """Damaged bytes: refused, or read as the damaged file's own plain reading (CSV) or the original (XLSX)."""
        if kind == "csv":
            self.probe.run(probe_class, content, "synthetic.csv", reference=self._csv_reference(content))
        else:
            self.probe.run(probe_class, content, "synthetic.xlsx", expected=original)

    def _csv_reference(self, content: bytes) -> Callable[[list[str]], object | None]:
        """The expected reading of damaged CSV bytes under the encoding the reader announced."""

        def reference(warnings: list[str]) -> object | None:
            for text in decoded_as_announced(content, warnings):
                expected = self.expect(csv_records(text), "csv")
                if expected is not None:
                    return expected
            return None

        return reference
