"""Helpers shared by the download test modules: the SYNTHETIC metadata written into every file, and a
reader that splits a download CSV into its comment lines and its rows."""

from __future__ import annotations

import csv
import io

from mapping.present.downloads import DownloadMeta

META = DownloadMeta(title="SYNTHETIC test table", attribution="Contains test data © nobody",
                    data_date="teams as of 2025-07-01; population mid-2020", sources=("src one", "src two"),
                    notes=("a note",), generated="2026-01-02")


def csv_rows(data: bytes) -> tuple[list[str], list[list[str]]]:
    """A download CSV split into its leading ``# `` comment lines and its rows (header first)."""
    text = data.decode("utf-8-sig")
    comments = []
    while text.startswith("# "):  # the comment lines lead the file; cells may hold line breaks later
        line, _, text = text.partition("\r\n")
        comments.append(line)
    return comments, list(csv.reader(io.StringIO(text, newline="")))
