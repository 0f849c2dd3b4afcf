"""Helpers shared by the report-pack test modules: read a PNG's size and dpi, a figure's legend texts."""

from __future__ import annotations

import struct
from pathlib import Path


def png_size_and_dpi(path: Path) -> tuple[int, int, float]:
    """Width and height in pixels and the dpi stored in the pHYs chunk (read by hand, no PIL needed)."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    at = data.index(b"pHYs")
    ppx, ppy, unit = struct.unpack(">IIB", data[at + 4: at + 13])
    assert unit == 1 and ppx == ppy  # pixels per metre
    return width, height, ppx * 0.0254


def legend_texts(fig) -> list[str]:
    """Every label in the figure's legends, in order."""
    return [t.get_text() for legend in fig.legends for t in legend.get_texts()]
