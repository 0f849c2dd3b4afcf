"""The report pack: maps, charts, tables, ``summary.md`` and ``manifest.json`` in one folder or one ZIP.

A pack is what goes into a briefing or a parliamentary answer, so every number in it comes from one
place. The subpackage is split by job:

- :mod:`mapping.report.inputs`: :func:`load_inputs`, the only step that reads data (a
  :class:`mapping.analysis.selection.Selection` in, :class:`PackInputs` out);
- :mod:`mapping.report.tables`: :func:`pack_tables`, every table;
- :mod:`mapping.report.summary`: :func:`headline_figures` (each naming its table, row and column) and
  ``summary.md`` written from those same rows;
- :mod:`mapping.report.figures`: :func:`pack_figures`, the maps and charts as drawing specs;
- :mod:`mapping.report.writer`: the files as bytes (the figures drawn in up to two forked processes while
  the tables are made, the same bytes as one process draws), the manifest, a folder written safely, a ZIP;
  :mod:`mapping.report.font_cache` keeps the PDFs' cut-down fonts on disk for later packs;
- :mod:`mapping.report.sections`: how other modules add tables, summary sections and figures
  (:func:`register_section`); :mod:`mapping.report.ladder` registers the provision ladder's, and is
  imported below by name.

This module puts the parts together (:func:`pack_files`) and writes them (:func:`write_pack`,
:func:`pack_zip_bytes`, :func:`build_pack`). The pack is deterministic: the same inputs give
byte-identical tables, figures and manifest (no dates or random ids in any file), so a pack can be
rebuilt and checked against its manifest. Provenance (the manifest's ``inputs`` and ``sources``, the
summary's sources) is :func:`mapping.inputs.provenance.sources_for` of the pack's selection.
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

from mapping.errors import PackFolderError, ReportError
from mapping.report.figures import PackFigure, PackPages, _data_note, _size_suffix, pack_figures
from mapping.report.inputs import (
    PACK_GEOGRAPHIES,
    FoiInputs,
    FoiSource,
    PackInputs,
    growth_as_of,
    load_inputs,
    pack_selection,
)
from mapping.report.sections import Section, register_section, registered_sections
from mapping.report.summary import (
    _PLACEHOLDER,
    SummaryFigure,
    SummarySection,
    foi_source_line,
    headline_figures,
    summary_markdown,
    summary_sections,
)
from mapping.report.tables import NATION_ORDER, pack_tables
from mapping.report.writer import (
    PACK_FOLDERS,
    PACKAGE,
    _check_out,
    _csv_bytes,
    _package_version,
    _save_figure,
    check_out,
    drawn_figures,
    figure_bytes,
    manifest_bytes,
    manifest_for,
    write_files,
    xlsx_bytes,
    zip_bytes,
)
from mapping.report.writer import command as _command

__all__ = [
    "PACK_GEOGRAPHIES",
    "PACK_FOLDERS",
    "PACKAGE",
    "NATION_ORDER",
    "ReportError",
    "PackFolderError",
    "FoiInputs",
    "FoiSource",
    "PackInputs",
    "PackFigure",
    "PackPages",
    "Section",
    "register_section",
    "registered_sections",
    "pack_selection",
    "load_inputs",
    "growth_as_of",
    "pack_tables",
    "SummaryFigure",
    "SummarySection",
    "summary_sections",
    "headline_figures",
    "summary_markdown",
    "foi_source_line",
    "pack_figures",
    "xlsx_bytes",
    "pack_files",
    "write_pack",
    "pack_zip_bytes",
    "build_pack",
]

# Names kept for callers of the single-module report (tests, benchmarks).
_PRIVATE_COMPAT = (_PLACEHOLDER, _check_out, _csv_bytes, _package_version, _save_figure, _command, _data_note,
                   _size_suffix, figure_bytes)


def pack_files(data: PackInputs, *, workers: int | None = None) -> tuple[dict[str, bytes], dict]:
    """Every file of the pack as ``{path: bytes}`` (``manifest.json`` included), and the manifest.

    The tables (CSV and one workbook), the figures at each of their sizes, ``summary.md`` (which lists
    every file) and the manifest (every other file's size and sha256). Nothing is written anywhere.
    The figures are drawn in up to two processes while the tables are made (``workers``: how many; 1
    draws them here; by default as many as the cores allow, see :func:`mapping.report.writer.figure_workers`);
    the files are the same bytes however many draw them.
    """
    with drawn_figures(pack_figures(data), workers=workers) as drawing:
        tables = pack_tables(data)
        sections = summary_sections(data, tables)
        figures = headline_figures(data, tables, sections)
        tables["figures"] = figures
        files: dict[str, bytes] = {}
        for name, frame in tables.items():
            files[f"tables/{name}.csv"] = _csv_bytes(frame)
        files["tables/tables.xlsx"] = xlsx_bytes(tables)
        files.update(drawing.result())
    listed = sorted([*files, "summary.md", "manifest.json"])
    files["summary.md"] = summary_markdown(data, figures, listed, sections).encode("utf-8")
    manifest = manifest_for(data, files)
    files["manifest.json"] = manifest_bytes(manifest)
    return files, manifest


def write_pack(data: PackInputs, out: str | os.PathLike, *, replace: bool = False,
               workers: int | None = None) -> dict:
    """Write the pack into ``out`` and return the manifest (also written as ``manifest.json``).

    ``out`` must be new, empty, or (with ``replace=True``) an earlier pack: then only the files its
    ``manifest.json`` lists are replaced, and every other file in the folder is left alone. The folder
    is checked before anything is built, and the files are moved into place only once all are written,
    so a failure leaves no half-written pack. Raises :class:`PackFolderError` for a folder it may not
    write or a failed write. ``workers``: see :func:`pack_files`.
    """
    owned = check_out(Path(out), replace=replace)
    files, manifest = pack_files(data, workers=workers)
    write_files(files, out, owned=owned)
    return manifest


def pack_zip_bytes(data: PackInputs, folder: str, *, workers: int | None = None) -> tuple[bytes, dict]:
    """The pack as one ZIP built in memory (every file under ``folder/``), and its manifest: no folder
    is written, and the same inputs give the same bytes. ``workers``: see :func:`pack_files`."""
    files, manifest = pack_files(data, workers=workers)
    return zip_bytes(files, folder), manifest


def build_pack(geography: str, year: int, *, as_of: date, out: str | os.PathLike,
               foi: FoiSource | None = None, replace: bool = False, workers: int | None = None) -> dict:
    """Load the inputs and write the whole pack into ``out`` (see :func:`write_pack`); returns the manifest.

    The output folder is checked first, so a folder the pack may not write is refused before the data
    is read."""
    check_out(Path(out), replace=replace)
    return write_pack(load_inputs(geography, year, as_of=as_of, foi=foi), out, replace=replace, workers=workers)


# The sections of the pack beyond its core, registered when imported (mapping.report.sections).
from mapping.report import ladder as ladder  # noqa: E402  (imported last: it builds on the modules above)
