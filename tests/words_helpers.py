"""Words for users (issue 15 item 5): one scan for the internal names that must never reach a reader.

:func:`internal_words` finds, in text a person reads, a module name ("mapping.analysis.changes"), a missing value
written as ``None``, ``NaN``, ``nan``, ``<NA>`` or ``NaT``, and a snake_case name (``listed_in_development``);
:func:`internal_headers` finds snake_case column headers. :func:`scan_csv`, :func:`scan_xlsx`, :func:`scan_geojson`
and :func:`scan_bytes` scan a download's bytes (its notes, headers and cells); :func:`scan_app` scans every
element of a page run by Streamlit's AppTest (Markdown, captions, alerts, metrics, tables, dataframe headers).
Each returns the offending strings with where they were found, so a failure names them.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable

import pandas as pd

# A dotted module path of this project's packages ("mapping.ladder", "boundaries.catalogue", "webapp.data").
MODULE = re.compile(r"\b(?:mapping|boundaries|webapp|app)\.[a-z_]+\b")
# A missing value written out: "None" (not "None of"), NaN/nan, pandas' <NA> and NaT.
MISSING = re.compile(r"(?<![A-Za-z0-9_])(?:None(?! of)(?! \w+ (?:of|is|are|was)\b)|NaN|nan|NaT)(?![A-Za-z0-9_])|<NA>")
# A snake_case name: lower-case words joined by underscores ("our_reach", "age0_2").
SNAKE = re.compile(r"(?<![A-Za-z0-9_./\\-])[a-z][a-z0-9]*(?:_[a-z0-9]+)+(?![A-Za-z0-9_])")
# What a snake_case token may legitimately be part of: a file name, a path, a URL, a query string or code.
_NOT_WORDS = re.compile(r"`[^`]*`|https?://[^\s`]+|[^\s`]+\.(?:csv|xlsx|json|geojson|md|png|svg|pdf|zip|txt|py|toml)\b|"
                        r"[^\s`]*/[^\s`]*|\?[^\s`]+|[A-Z_]{3,}\b|\b[a-z0-9]+=[^\s`]+")


def internal_words(text: str) -> list[str]:
    """The module names, missing values and snake_case names in ``text`` (file names, paths, URLs and
    ``code`` spans may hold underscores: those are left out)."""
    text = str(text)
    found = MODULE.findall(text) + MISSING.findall(text)
    found += SNAKE.findall(_NOT_WORDS.sub(" ", text))
    return found


def internal_headers(headers: Iterable[object]) -> list[str]:
    """The column headers that are snake_case names, module names or missing values."""
    out = []
    for header in headers:
        text = str(header)
        if re.fullmatch(r"[a-z][a-z0-9]*(?:_[a-z0-9]+)+", text) or MODULE.search(text) or MISSING.search(text):
            out.append(text)
    return out


def _cells(frame: pd.DataFrame) -> list[str]:
    """Cells a person reads as text: those written as None, NaN or <NA> (an empty cell is fine)."""
    out = []
    for value in frame.astype(object).to_numpy().ravel():
        if isinstance(value, str):
            out += MODULE.findall(value) + MISSING.findall(value)
    return out


def scan_frame(frame: pd.DataFrame, where: str, *, headers: Iterable[object] | None = None) -> list[str]:
    """A table's headers (``headers`` when the page shows other labels than the columns) and its text cells."""
    shown = list(frame.columns) if headers is None else list(headers)
    names = [n for n in (frame.index.name, *getattr(frame.columns, "names", [])) if n is not None]
    found = internal_headers([*shown, *names]) + _cells(frame)
    if frame.index.dtype == object:
        found += [w for v in frame.index for w in MISSING.findall(str(v)) + MODULE.findall(str(v))]
    return [f"{where}: {w}" for w in found]


def scan_csv(data: bytes, where: str) -> list[str]:
    """A download CSV: its ``# `` comment lines, its header row and its cells."""
    text = data.decode("utf-8-sig")
    comments = []
    while text.startswith("# "):
        line, _, text = text.partition("\r\n")
        comments.append(line[2:].split(": ", 1)[-1])
    rows = list(csv.reader(io.StringIO(text, newline="")))
    found = [w for c in comments for w in internal_words(c)]
    if rows:
        found += internal_headers(rows[0])
        found += [w for row in rows[1:] for cell in row for w in MODULE.findall(cell) + MISSING.findall(cell)]
    return [f"{where}: {w}" for w in found]


def scan_xlsx(data: bytes, where: str) -> list[str]:
    """A download workbook: every sheet's title line, header row and cells, and the about sheet."""
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(data), read_only=True)
    found = []
    for sheet in book.worksheets:
        rows = list(sheet.iter_rows(values_only=True))
        if sheet.title == "about":
            found += [w for row in rows for cell in row[1:] if cell is not None for w in internal_words(str(cell))]
            continue
        if rows:
            found += [w for cell in rows[0] if cell is not None for w in internal_words(str(cell))]
        if len(rows) > 1:
            found += internal_headers(c for c in rows[1] if c is not None)
        for row in rows[2:]:
            found += [w for cell in row if isinstance(cell, str) for w in MODULE.findall(cell) + MISSING.findall(cell)]
    return [f"{where}: {w}" for w in found]


def scan_geojson(data: bytes, where: str) -> list[str]:
    """A download GeoJSON: its metadata's text and its property names (values are machine-read: null is fine)."""
    collection = json.loads(data)
    meta = collection.get("metadata", {})
    texts = [v for v in meta.values() if isinstance(v, str)]
    texts += [t for v in meta.values() if isinstance(v, list) for t in v if isinstance(t, str)]
    found = [w for t in texts for w in internal_words(t)]
    keys = dict.fromkeys(k for f in collection.get("features", []) for k in f.get("properties", {}))
    found += internal_headers(keys)
    for feature in collection.get("features", []):
        found += [w for v in feature.get("properties", {}).values() if isinstance(v, str)
                  for w in MODULE.findall(v) + MISSING.findall(v)]
    return [f"{where}: {w}" for w in found]


def scan_markdown(text: str, where: str) -> list[str]:
    """A Markdown file (the pack's summary.md): its prose, tables included (``code`` spans and file names aside)."""
    return [f"{where}: {w}" for w in internal_words(text)]


def scan_bytes(name: str, data: bytes) -> list[str]:
    """A download by its file name's extension (CSV, XLSX, GeoJSON, JSON, Markdown); anything else is not read."""
    lower = name.lower()
    if lower.endswith(".csv"):
        return scan_csv(data, name)
    if lower.endswith(".xlsx"):
        return scan_xlsx(data, name)
    if lower.endswith(".geojson"):
        return scan_geojson(data, name)
    if lower.endswith(".md"):
        return scan_markdown(data.decode("utf-8"), name)
    return []


def _dataframe_headers(element) -> list[str]:
    """The headers a st.dataframe shows: each column's column_config label where one is set, else its name."""
    value = element.value
    try:
        config = json.loads(element.proto.columns or "{}")
    except (AttributeError, ValueError):
        config = {}
    shown = []
    for column in value.columns:
        label = None
        for key in (f"col:{column}", str(column)):
            if isinstance(config.get(key), dict) and config[key].get("label"):
                label = config[key]["label"]
        if isinstance(config.get(f"col:{column}"), dict) and config[f"col:{column}"].get("hidden"):
            continue
        shown.append(label or column)
    return shown


def scan_app(at, where: str) -> list[str]:
    """Every element a person reads on a page run by AppTest: titles, Markdown, captions, alerts, text,
    metrics, tab labels, expanders, static tables and dataframes (their shown headers and text cells)."""
    found: list[str] = []

    def add(texts: Iterable[object], kind: str) -> None:
        for text in texts:
            found.extend(f"{where} {kind}: {w}" for w in internal_words(str(text)))

    add((e.value for e in at.title), "title")
    add((e.value for e in at.header), "header")
    add((e.value for e in at.subheader), "subheader")
    add((e.value for e in at.markdown), "markdown")
    add((e.value for e in at.caption), "caption")
    add((e.value for kind in (at.info, at.warning, at.error, at.success) for e in kind), "alert")
    add((e.value for e in at.text), "text")
    add((m.label for m in at.metric), "metric")
    add((m.value for m in at.metric), "metric")
    add((t.label for t in at.tabs), "tab")
    add((e.label for e in at.expander), "expander")
    add((b.proto.label for b in at.get("download_button")), "download button")
    for element in at.table:
        found += scan_frame(element.value, f"{where} table")
    for element in at.dataframe:
        found += scan_frame(element.value, f"{where} dataframe {element.key or ''}".rstrip(),
                            headers=_dataframe_headers(element))
    return found
