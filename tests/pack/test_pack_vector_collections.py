"""SVG and PDF collections of one style (mapping.report.vector_collections) give matplotlib's own bytes, with the
style set once per collection rather than once per path."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import geopandas as gpd
import matplotlib as mpl
import numpy as np
import pytest
import shapely
from matplotlib.backend_bases import RendererBase
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure

from mapping.present.figures import RC
from mapping.report.vector_collections import uniform_collections

REPO = Path(__file__).resolve().parents[2]
FOI_FIXTURE = REPO / "tests" / "fixtures" / "synthetic_foi_rare_jewels.csv"
METADATA = {"svg": {"Title": "SYNTHETIC", "Date": None}, "pdf": {"Title": "SYNTHETIC", "CreationDate": None,
                                                               "ModDate": None}}


def _save(fig: Figure, ext: str) -> bytes:
    buffer = io.BytesIO()
    with mpl.rc_context(RC):
        fig.savefig(buffer, format=ext, metadata=METADATA[ext])
    return buffer.getvalue()


def _figure() -> Figure:
    """SYNTHETIC: hatched and plain areas of one style each, areas of many colours, outlines with a link, dashed
    and plain lines of one style, lines of several widths, short lines of one style and a scatter (one path at
    many offsets)."""
    fig = Figure(figsize=(4.0, 3.0), facecolor="white")
    ax = fig.add_axes((0.05, 0.05, 0.9, 0.9))
    cells = gpd.GeoSeries([shapely.box(i, j, i + 0.9, j + 0.9) for i in range(6) for j in range(4)])
    cells[:8].plot(ax=ax, facecolor="#9ecae1", edgecolor="#08519c", linewidth=0.0, hatch="///")
    cells[8:16].plot(ax=ax, facecolor="#fdd49e", edgecolor="none", linewidth=0.0)
    cells[16:].plot(ax=ax, color=["#ff0000", "#00ff00", "#0000ff", "#777777"] * 2)
    cells[:4].plot(ax=ax, facecolor="none", edgecolor="#444444", linewidth=0.3)
    ax.collections[-1].set_urls(["https://example.invalid/synthetic"])  # one link for every path
    cells.boundary.plot(ax=ax, color="white", linewidth=0.25)
    cells[:6].boundary.plot(ax=ax, color="#333333", linewidth=0.7, linestyle=(0, (3, 2)))
    ax.add_collection(LineCollection([[(0, 0), (6, 4)], [(0, 4), (6, 0)]], linewidths=[0.5, 2.0], colors="black"))
    # Short lines of one style: a PDF path under a line's length is written without the newline a long one has.
    ax.add_collection(LineCollection([[(i, 0.1), (i + 0.2, 0.3)] for i in range(6)], linewidths=0.4, colors="#555555"))
    ax.scatter(np.arange(6) + 0.45, np.full(6, 2.0), s=30, marker="s", facecolor="white", edgecolor="black")
    ax.set_xlim(-0.5, 6.5)
    ax.set_ylim(-0.5, 4.5)
    return fig


def _paths_set(monkeypatch) -> list[int]:
    """Counts the graphics contexts matplotlib's path-by-path helper sets, one per path it hands out."""
    counted: list[int] = []
    helper = RendererBase._iter_collection  # type: ignore[attr-defined]  # matplotlib private, not in its stubs

    def counting(self, *args, **kwargs):
        for item in helper(self, *args, **kwargs):
            counted.append(1)
            yield item

    monkeypatch.setattr(RendererBase, "_iter_collection", counting)
    return counted


@pytest.mark.parametrize("ext", ["svg", "pdf"])
def test_collections_of_one_style_give_matplotlibs_bytes_with_the_style_set_once(ext, monkeypatch):
    fig = _figure()
    counted = _paths_set(monkeypatch)
    plain = _save(fig, ext)
    per_path = len(counted)
    counted.clear()
    with uniform_collections():
        fast = _save(fig, ext)
    assert fast == plain
    assert per_path > 40 and len(counted) < per_path / 2  # the areas' and lines' styles were set once each
    assert _save(fig, ext) == plain  # outside the context: matplotlib's own loop


@pytest.mark.slow
def test_the_uk2023_ladder_map_gives_matplotlibs_bytes(mirror):
    from mapping import report as R

    data = R.load_inputs("uk2023", 2020, as_of=date(2023, 9, 1), foi=FOI_FIXTURE)
    spec = next(s for s in R.pack_figures(data) if s.name == "ladder_uk")
    fig = spec.draw("a4")
    assert isinstance(fig, Figure)
    for ext in ("svg", "pdf"):
        plain = _save(fig, ext)
        with uniform_collections():
            assert _save(fig, ext) == plain, ext
