"""The pack's PNG canvas (mapping.report.hatched_png) gives plain Agg's bytes, drawing each hatch far fewer times.

The first tests draw SYNTHETIC shapes chosen to catch a wrong join: areas sharing edges, overlapping areas of
different classes, islands a pixel apart, a hole, a rectangle Agg snaps to the pixel grid, a curve, per-area
colours; the last draws the real uk2023 maps with the most hatched parts both ways.
"""

from __future__ import annotations

import hashlib
import io
from datetime import date
from pathlib import Path

import geopandas as gpd
import matplotlib as mpl
import numpy as np
import pytest
import shapely
from matplotlib.collections import PathCollection
from matplotlib.figure import Figure
from matplotlib.path import Path as MplPath
from matplotlib.transforms import Affine2D

from mapping.present.figures import RC
from mapping.report import hatched_png as H
from mapping.report import writer as W

REPO = Path(__file__).resolve().parents[2]
FOI_FIXTURE = REPO / "tests" / "fixtures" / "synthetic_foi_rare_jewels.csv"


def _png(fig: Figure, backend: str | None) -> bytes:
    buffer = io.BytesIO()
    with mpl.rc_context(RC):
        fig.savefig(buffer, format="png", dpi=300, metadata={"Title": "SYNTHETIC"}, backend=backend)
    return buffer.getvalue()


def _synthetic_areas() -> gpd.GeoDataFrame:
    """SYNTHETIC: a grid of touching squares cut by a wavy line, a ring with a hole, a cloud of tiny islands
    (some a fraction of a pixel wide, some a pixel apart), an axis-aligned rectangle and overlapping discs."""
    rng = np.random.default_rng(7)
    shapes, classes = [], []
    wave = shapely.LineString([(x, 5 + np.sin(x)) for x in np.linspace(0, 10, 200)]).buffer(0.3)
    for i in range(10):
        for j in range(10):
            cell = shapely.box(i, j, i + 1, j + 1)
            shapes.append(cell.difference(wave) if (i + j) % 3 else cell)
            classes.append("abc"[(i * 7 + j) % 3])
    shapes.append(shapely.Point(14, 5).buffer(3).difference(shapely.Point(14, 5).buffer(1.5)))
    classes.append("a")
    for _ in range(400):
        x, y = rng.uniform(11, 20), rng.uniform(0, 3)
        shapes.append(shapely.Point(x, y).buffer(rng.uniform(0.002, 0.12), quad_segs=3))
        classes.append("abc"[int(rng.integers(3))])
    shapes.append(shapely.box(11.2, 8.1, 13.7, 9.6))  # every edge straight across or down: Agg snaps it
    classes.append("b")
    for k in range(6):
        shapes.append(shapely.Point(16 + k * 0.7, 9).buffer(0.9))  # each overlapping the next
        classes.append("abc"[k % 3])
    return gpd.GeoDataFrame({"cls": classes}, geometry=shapes)


HATCHES = {"a": ("...", "#fdd49e", "#3a3a3a"), "b": ("///", "#9ecae1", "#08519c"), "c": ("xxx", "#c7e9c0", "#777777")}


def _map(size: tuple[float, float]) -> Figure:
    fig = Figure(figsize=size, facecolor="white")
    ax = fig.add_axes((0.02, 0.02, 0.96, 0.96))
    areas = _synthetic_areas()
    for cls, (hatch, face, edge) in HATCHES.items():
        areas[areas["cls"] == cls].plot(ax=ax, facecolor=face, edgecolor=edge, linewidth=0.0, hatch=hatch)
    areas.boundary.plot(ax=ax, color="white", linewidth=0.25)
    ax.set_xlim(-0.5, 20.5)
    ax.set_ylim(-0.5, 10.5)
    ax.set_axis_off()
    return fig


@pytest.mark.parametrize("size", [(3.0, 1.6), (8.27, 4.2)])
def test_hatched_areas_give_plain_aggs_bytes(size, monkeypatch):
    joined: list[tuple[int, int]] = []
    layers = H.layers

    def counted(paths, transform):
        groups = layers(paths, transform)
        joined.append((len(paths), len(groups)))
        return groups

    monkeypatch.setattr(H, "layers", counted)
    fig = _map(size)
    assert _png(fig, H.BACKEND) == _png(fig, None)
    assert len(joined) == 3 and all(groups < paths / 3 for paths, groups in joined)  # each hatch far fewer times


def test_collections_it_does_not_join_are_drawn_as_agg_draws_them():
    """SYNTHETIC: per-path colours, lines on the hatched paths, a curve and a single path: each left to Agg."""
    fig = Figure(figsize=(3.0, 2.0), facecolor="white")
    ax = fig.add_axes((0, 0, 1, 1))
    circles = [MplPath.circle((x, 0.5), 0.3) for x in np.linspace(0.5, 5.5, 9)]
    ax.add_collection(PathCollection(circles, facecolors=["#ff0000", "#00ff00", "#0000ff"], hatch="//",
                                     edgecolor="black", linewidth=0.0, transform=ax.transData))
    ax.add_collection(PathCollection(circles, facecolor="#eeeeee", hatch="xx", edgecolor="black", linewidth=0.5,
                                     transform=Affine2D().translate(0, 1) + ax.transData))
    ax.add_collection(PathCollection(circles, facecolor="#dddddd", hatch="..", edgecolor="black", linewidth=0.0,
                                     transform=Affine2D().translate(0, 2) + ax.transData))
    ax.set_xlim(0, 6)
    ax.set_ylim(0, 3)
    assert _png(fig, H.BACKEND) == _png(fig, None)


def _square(x: float, y: float, side: float = 1.0, slant: float = 0.25) -> MplPath:
    return MplPath([(x, y), (x + side, y + slant), (x + side, y + side), (x, y + side), (x, y)], closed=True)


def test_layers_keep_every_touching_pair_in_order_and_no_two_in_a_group_touch():
    # SYNTHETIC: a row of touching slanted squares, then one far away, then a snapped rectangle, then more.
    paths = [_square(i, 0) for i in range(5)] + [_square(100, 100)]
    paths.append(MplPath([(50, 50), (60, 50), (60, 60), (50, 60), (50, 50)], closed=True))  # snapped by Agg
    paths += [_square(i, 0.5) for i in range(3)]
    scale = Affine2D().scale(20)  # 20 pixels a unit: squares one unit apart are 20 pixels apart
    groups = H.layers(paths, scale)
    assert sorted(i for g in groups for i in g) == list(range(len(paths)))
    where = {i: k for k, g in enumerate(groups) for i in g}
    assert groups[where[6]] == [6]  # the rectangle alone, after everything before it, before everything after
    assert all(where[i] < where[6] < where[j] for i in range(6) for j in range(7, len(paths)))
    boxes = [scale.transform(p.vertices) for p in paths]

    def touch(i: int, j: int) -> bool:
        a, b = boxes[i], boxes[j]
        return bool((a.min(0) - 2 <= b.max(0) + 2).all() and (b.min(0) - 2 <= a.max(0) + 2).all())

    for i in range(len(paths)):
        for j in range(i + 1, len(paths)):
            if touch(i, j):
                assert where[i] < where[j], (i, j)
    assert len(groups) < len(paths)  # something was joined: the far square joins the first group
    assert 5 in groups[0]


@pytest.mark.slow
def test_the_uk2023_maps_with_the_most_hatched_parts_give_plain_aggs_bytes(mirror):
    from mapping import report as R

    data = R.load_inputs("uk2023", 2020, as_of=date(2023, 9, 1), foi=FOI_FIXTURE)
    specs = {spec.name: spec for spec in R.pack_figures(data)}
    for name, size in (("ladder_uk", "a4"), ("foi_classes", "slide"), ("ladder_scotland", "a4")):
        fig = specs[name].draw(size)
        assert isinstance(fig, Figure)
        fast, plain = _png(fig, H.BACKEND), _png(fig, None)
        assert hashlib.sha256(fast).hexdigest() == hashlib.sha256(plain).hexdigest(), name
    fig = specs["ladder_uk"].draw("a4")
    assert isinstance(fig, Figure)
    assert W.figure_bytes(fig, "m")["m.png"] == plain_png(fig)  # the pack's own save


def plain_png(fig: Figure) -> bytes:
    """The PNG as figure_bytes would save it with plain Agg (the same metadata)."""
    title = next((t.get_text() for t in fig.texts), "")
    buffer = io.BytesIO()
    with mpl.rc_context(RC):
        fig.savefig(buffer, format="png", dpi=W.DPI, metadata={"Title": title})
    return buffer.getvalue()


def test_kept_renderers_draw_pngs_of_one_size_on_one_renderer_with_plain_aggs_bytes(monkeypatch):
    made: list[tuple[int, int]] = []

    class Counted(H._Renderer):
        def __init__(self, width, height, dpi):
            made.append((width, height))
            super().__init__(width, height, dpi)

    monkeypatch.setattr(H, "_Renderer", Counted)
    small, large, other = _map((3.0, 1.6)), _map((8.27, 4.2)), _map((3.0, 1.6))
    other.axes[0].set_xlim(-3, 25)  # SYNTHETIC: the same page size, another drawing on it
    plain = [_png(fig, None) for fig in (small, large, other, small)]
    with H.kept_renderers():
        kept = [_png(fig, H.BACKEND) for fig in (small, large, other, small)]
    assert kept == plain  # each page cleared before it is drawn: nothing of the one before shows
    assert len(made) == 2  # one renderer per page size
    made.clear()
    assert [_png(fig, H.BACKEND) for fig in (small, other)] == [plain[0], plain[2]]
    assert len(made) == 2  # outside: one per PNG, as matplotlib does
