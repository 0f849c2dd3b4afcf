"""Agg for the pack's PNGs, with each hatch drawn once per layer of areas rather than once per area.

Agg fills a hatched path by first drawing the hatch into a tile a page inch square (300 x 300 pixels at
300 dpi; "..." is 324 small circles) and then painting the path with that tile, aligned to the page. It
draws the tile again for every path of a collection, though a collection's paths share one hatch and one
colour: on the UK ladder map's thousand-odd "unknown" island parts that is most of the PNG's time.

:class:`FigureCanvas` (``savefig(..., backend="module://mapping.report.hatched_png")``) hands Agg the same
paths joined into a few compound paths, each made of paths whose pixels cannot touch (their pixel boxes,
widened by :data:`MARGIN`, are apart), with every pair that can touch drawn in its original order. Agg
computes each pixel's coverage from the edges crossing it, so pixels of one path come out as when drawn
alone, the tile is the same wherever it is painted, and the PNG is byte-identical to plain Agg's
(``tests/pack/test_hatched_png.py`` checks this on awkward shapes and on the pack's own maps).

Only what is provably the same is joined: a collection with a hatch, one face colour, one edge colour,
one hatch colour, no lines (line width 0), no per-path transforms or offsets, finite vertices; a path that
Agg would snap to whole pixels (every segment horizontal or vertical, at most 1,024 vertices) is drawn on
its own. Anything else goes to Agg unchanged. SVG and PDF are not touched.

Its text is Agg's, each glyph rendered once per position within a pixel (:mod:`mapping.report.agg_text`).
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg, RendererAgg
from matplotlib.path import Path

from mapping.report import agg_text

__all__ = ["BACKEND", "FigureCanvas", "layers"]

BACKEND = "module://mapping.report.hatched_png"
# Pixels added around each path's box before testing whether two paths can touch (Agg's coverage cells
# lie within a path's box; the rest is room for rounding).
MARGIN = 2.0
# Agg snaps a path to whole pixels when it has at most this many vertices, all segments straight across or
# down (src/path_converters.h, PathSnapper::should_snap); such a path is never joined.
_SNAP_MOST = 1024
# A compound path's length in pixels is kept under this, far below Agg's limit on the cells of one path.
_MOST_PIXELS = 1_000_000.0


def _boxes_and_joinable(paths: Sequence[Path], transform: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each path's pixel box (x0, y0, x1, y1, widened by MARGIN), whether it may be joined, and its length in
    pixels."""
    vertices = [np.asarray(p.vertices, dtype=float) for p in paths]
    sizes = np.array([len(v) for v in vertices])
    points = transform.transform(np.concatenate(vertices))
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    boxes = np.column_stack([np.minimum.reduceat(points, starts), np.maximum.reduceat(points, starts)])
    boxes[:, :2] = np.floor(boxes[:, :2]) - MARGIN
    boxes[:, 2:] = np.ceil(boxes[:, 2:]) + MARGIN
    codes = np.concatenate([p.codes if p.codes is not None else np.r_[Path.MOVETO, np.full(n - 1, Path.LINETO)]
                            for p, n in zip(paths, sizes)])
    step = np.abs(np.diff(points, axis=0))
    # A segment Agg checks for snapping: a LINETO after a MOVETO or LINETO of the same path.
    segment = (codes[1:] == Path.LINETO) & np.isin(codes[:-1], (Path.MOVETO, Path.LINETO))
    segment[starts[1:] - 1] = False
    slanted = segment & (step[:, 0] > 1e-3) & (step[:, 1] > 1e-3)
    curved = np.isin(codes, (Path.CURVE3, Path.CURVE4))
    owner = np.repeat(np.arange(len(paths)), sizes)
    never_snapped = (sizes > _SNAP_MOST) | np.bincount(owner[1:][slanted], minlength=len(paths)).astype(bool) \
        | np.bincount(owner[curved], minlength=len(paths)).astype(bool)
    finite = np.bincount(owner[~np.isfinite(points).all(axis=1)], minlength=len(paths)) == 0
    length = np.bincount(owner[1:][segment], weights=step[segment].sum(axis=1), minlength=len(paths))
    return boxes, never_snapped & finite, length + (boxes[:, 2] - boxes[:, 0]) + (boxes[:, 3] - boxes[:, 1])


def layers(paths: Sequence[Path], transform: Any) -> list[list[int]]:
    """The paths' indices as groups to draw one after another, each group one compound path: no two paths
    of a group can touch a pixel in common, and of two paths that can, the earlier is in an earlier group
    (so every overlap is painted in the original order). A path that may not be joined is a group of its
    own, after everything before it and before everything after it."""
    if not paths:
        return []
    boxes, joinable, length = _boxes_and_joinable(paths, transform)
    out: list[list[int]] = []
    start = 0
    for stop in [*np.flatnonzero(~joinable).tolist(), len(paths)]:
        level = np.zeros(len(paths), dtype=int)
        groups: list[list[int]] = []
        used: list[float] = []
        for j in range(start, stop):
            before = boxes[start:j]
            touch = ((before[:, 0] <= boxes[j, 2]) & (before[:, 2] >= boxes[j, 0])
                     & (before[:, 1] <= boxes[j, 3]) & (before[:, 3] >= boxes[j, 1]))
            g = int(level[start:j][touch].max()) + 1 if touch.any() else 0
            while g < len(groups) and used[g] + length[j] > _MOST_PIXELS:
                g += 1  # a full group: a later one keeps the order just as well
            level[j] = g
            if g == len(groups):
                groups.append([])
                used.append(0.0)
            groups[g].append(j)
            used[g] += length[j]
        out.extend(groups)
        if stop < len(paths):
            out.append([stop])
        start = stop + 1
    return out


class _Renderer(RendererAgg):
    """Agg, with hatched collections drawn as :func:`layers` of compound paths (see the module's docstring)."""

    def _update_methods(self) -> None:
        super()._update_methods()
        # The base class puts Agg's own on the instance; keep it, so this class's method is the one called.
        self._agg_collection = vars(self).pop("draw_path_collection")

    def draw_path_collection(self, gc: Any, master_transform: Any, paths: Sequence[Path], all_transforms: Any,
                             offsets: Any, offset_trans: Any, facecolors: Any, edgecolors: Any, linewidths: Any,
                             linestyles: Any, antialiaseds: Any, urls: Any, offset_position: Any, *,
                             hatchcolors: Any = None) -> None:
        rest = (all_transforms, offsets, offset_trans, facecolors, edgecolors, linewidths, linestyles, antialiaseds,
                urls, offset_position)
        extra = {} if hatchcolors is None else {"hatchcolors": hatchcolors}
        # One offset moves every path alike, so which paths can touch is unchanged.
        same = (gc.get_hatch() is not None and len(paths) > 1 and all(np.size(p.vertices) for p in paths)
                and len(all_transforms) == 0 and len(offsets) <= 1
                and len(facecolors) <= 1 and len(edgecolors) <= 1 and len(antialiaseds) <= 1
                and (hatchcolors is None or len(hatchcolors) <= 1) and not np.any(np.asarray(linewidths)))
        if same:
            paths = [paths[g[0]] if len(g) == 1 else Path.make_compound_path(*(paths[i] for i in g))
                     for g in layers(paths, master_transform)]
        self._agg_collection(gc, master_transform, paths, *rest, **extra)

    def _draw_text_glyphs_and_boxes(self, gc: Any, x: float, y: float, angle: float, glyphs: Any,
                                    boxes: Any) -> None:
        """Agg's text loop with each glyph's bitmap rendered once per position within a pixel
        (:mod:`mapping.report.agg_text`), then the boxes (mathtext's rules) as Agg draws them."""
        if not agg_text.usable():
            super()._draw_text_glyphs_and_boxes(gc, x, y, angle, glyphs, boxes)
            return
        agg_text.draw_glyphs(self, gc, x, y, angle, glyphs)
        super()._draw_text_glyphs_and_boxes(gc, x, y, angle, (), boxes)


# Within kept_renderers(), the renderers made, by (width, height, dpi): a page's pixels (35 MB for A4 at 300 dpi)
# are allocated once per page size, not once per PNG, as matplotlib reuses a canvas's renderer when it is drawn
# again (FigureCanvasAgg.draw clears it first). Outside it (the default) every PNG gets a new one.
_KEPT: contextvars.ContextVar[dict[tuple[int, int, float], RendererAgg] | None] = contextvars.ContextVar(
    "pimap_kept_renderers", default=None)


@contextlib.contextmanager
def kept_renderers() -> Iterator[None]:
    """Within this (in this thread), PNGs of one page size and dpi are drawn on one renderer, cleared each time;
    they are let go at the end."""
    token = _KEPT.set({})
    try:
        yield
    finally:
        _KEPT.reset(token)


def keep_renderers() -> None:
    """As :func:`kept_renderers`, for the rest of this thread (a worker process that draws a pack's figures and
    then ends)."""
    _KEPT.set({})


class FigureCanvas(FigureCanvasAgg):
    """The Agg canvas with :class:`_Renderer` (for ``savefig``'s ``backend``: :data:`BACKEND`)."""

    def get_renderer(self) -> RendererAgg:
        width, height = self.get_width_height(physical=True)
        key = width, height, self.figure.dpi
        if self._lastKey != key:
            kept = _KEPT.get()
            renderer = kept.get(key) if kept is not None else None
            if renderer is None:
                renderer = _Renderer(width, height, self.figure.dpi)
                if kept is not None:
                    kept[key] = renderer
            self.renderer = renderer
            self._lastKey = key
        return self.renderer
