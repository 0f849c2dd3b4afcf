"""Agg text for the pack's PNGs with each glyph rasterised once per position within a pixel, not every time.

matplotlib's Agg draws text glyph by glyph (``RendererAgg._draw_text_glyphs_and_boxes``): for each glyph it
sets the font's size and a transform (rotation, and the glyph's position in 64ths of a pixel), has FreeType
render it, and paints the bitmap at the pixel FreeType gives. A pack draws the same letters at the same sizes
thousands of times (keys, notes, table rows: some 28,000 glyphs, under half of them different).

:func:`draw_glyphs` does what that loop does, keeping each bitmap by (font, size, dpi, glyph, rotation, slant,
extend, the position's fraction of a pixel in 64ths, hinting, antialiasing): a glyph moved by whole pixels is
the same outline moved by whole pixels, which FreeType rasterises to the same bitmap at a pixel as many pixels
away (every coordinate it works in moves by a whole number of its units). The bitmap is painted where Agg
would paint it, and the font is left in the state matplotlib's loop leaves it (the last glyph's size and
transform), so the PNGs are byte-identical (``tests/pack/test_pack_agg_text.py``, on awkward text and the
pack's own figures). Used only by the pack's PNG renderer (:mod:`mapping.report.hatched_png`), and only with a
matplotlib whose loop this was checked against (:data:`CHECKED`); anything else is drawn by matplotlib.
"""

from __future__ import annotations

import math
import threading
from typing import Any

import matplotlib as mpl
import numpy as np
from matplotlib.backends.backend_agg import get_hinting_flag
from matplotlib.ft2font import RenderMode

__all__ = ["CHECKED", "MOST_GLYPHS", "draw_glyphs", "usable"]

# matplotlib releases whose Agg glyph loop draw_glyphs repeats (the test compares it with each).
CHECKED = ("3.11.",)
# The cache is emptied when it holds this many bitmaps (a pack's figures need about 12,000; a bitmap is
# typically a few hundred bytes).
MOST_GLYPHS = 100_000
_GLYPHS: dict[tuple, tuple[np.ndarray, int, int]] = {}
_LOCK = threading.Lock()


def usable() -> bool:
    """Whether this matplotlib's Agg glyph loop is the one :func:`draw_glyphs` repeats."""
    return mpl.__version__.startswith(CHECKED)


def _key(font: Any, size: float, dpi: float, glyph_index: int, angle: float, slant: float, extend: float,
         offset: list[int], load_flags: Any, antialiased: bool) -> tuple:
    """What a glyph's bitmap depends on: all but the whole pixels of its position (in 64ths of a pixel)."""
    return (font, size, dpi, glyph_index, angle, slant, extend, offset[0] & 63, offset[1] & 63, load_flags,
            antialiased)


def draw_glyphs(renderer: Any, gc: Any, x: float, y: float, angle: float, glyphs: Any) -> None:
    """Paint ``glyphs`` (matplotlib's ``(font, size, glyph_index, slant, extend, dx, dy)``) as
    ``RendererAgg._draw_text_glyphs_and_boxes`` does, each bitmap rendered once (see the module's docstring)."""
    cos = math.cos(math.radians(angle))
    sin = math.sin(math.radians(angle))
    load_flags = get_hinting_flag()
    antialiased = gc.get_antialiased()
    mode = RenderMode.NORMAL if antialiased else RenderMode.MONO
    height = renderer.height
    dpi = renderer.dpi
    rotation = np.array([[cos, -sin], [sin, cos]])
    matrices: dict[tuple[float, float], Any] = {}
    last: dict[Any, tuple[float, Any, list[int]] | None] = {}  # font -> its last glyph's state, if not set
    draw = renderer._renderer.draw_text_image
    for font, size, glyph_index, slant, extend, dx, dy in glyphs:  # dy is upwards.
        matrix = matrices.get((slant, extend))
        if matrix is None:
            matrix = matrices[slant, extend] = (0x10000 * rotation @ [[extend, extend * slant], [0, 1]]).round().astype(int)
        # FreeType's y is upwards.
        offset = [round(0x40 * (x + dx * cos - dy * sin)), round(0x40 * (height - y + dx * sin + dy * cos))]
        key = _key(font, size, dpi, glyph_index, angle, slant, extend, offset, load_flags, antialiased)
        with _LOCK:
            known = _GLYPHS.get(key)
        if known is None:
            font.set_size(size, dpi)
            font._set_transform(matrix, offset)
            bitmap = font._render_glyph(glyph_index, load_flags, mode)
            buffer = bitmap.buffer
            if not antialiased:
                buffer *= 0xff
            known = (buffer, bitmap.left - (offset[0] >> 6), bitmap.top - (offset[1] >> 6))
            with _LOCK:
                if len(_GLYPHS) >= MOST_GLYPHS:
                    _GLYPHS.clear()
                _GLYPHS[key] = known
            last[font] = None
        else:
            last[font] = (size, matrix, offset)
        buffer, left, top = known
        # draw_text_image's y is downwards & the bitmap bottom side.
        draw(buffer, left + (offset[0] >> 6), int(height) - (top + (offset[1] >> 6)) + buffer.shape[0], 0, gc)
    for font, state in last.items():  # leave each font as matplotlib's loop leaves it: its last glyph's state
        if state is not None:
            size, matrix, offset = state
            font.set_size(size, dpi)
            font._set_transform(matrix, offset)
