"""The pack's PNG text (mapping.report.agg_text) gives plain Agg's bytes, rendering each glyph once per position
within a pixel; versions of it that keep too little of what a bitmap depends on are caught.

The first tests draw SYNTHETIC text chosen to catch a wrong bitmap: many sizes, fonts and weights, rotated and
slanted lines, positions at every fraction of a pixel, text without antialiasing, a glyph from a fallback font,
mathtext with its rules; the last draws real uk2023 figures with the most text both ways.
"""

from __future__ import annotations

import hashlib
import io
from datetime import date
from pathlib import Path

import matplotlib as mpl
import numpy as np
import pytest
from matplotlib.figure import Figure

from mapping.present.figures import RC
from mapping.report import agg_text
from mapping.report import hatched_png as H

REPO = Path(__file__).resolve().parents[2]
FOI_FIXTURE = REPO / "tests" / "fixtures" / "synthetic_foi_rare_jewels.csv"
WORDS = ["Babies without a team", "Northern Ireland 12,345", "ÅÇÉ ß œ ñ –—“”", "Wales (estimated) 0-2",
         "iiiiil|||||", "WAVE AVATAR Tyro"]


def _png(fig: Figure, backend: str | None, rc: dict | None = None) -> bytes:
    buffer = io.BytesIO()
    with mpl.rc_context({**RC, **(rc or {})}):
        fig.savefig(buffer, format="png", dpi=300, metadata={"Title": "SYNTHETIC"}, backend=backend)
    return buffer.getvalue()


def _text_figure() -> Figure:
    """SYNTHETIC: lines of text at many sizes, fonts, weights and angles, each at a different fraction of a pixel,
    the same words again further on (whole pixels and fractions apart), and a line without antialiasing."""
    fig = Figure(figsize=(4.0, 3.0), facecolor="white")
    rng = np.random.default_rng(11)
    fonts = [("DejaVu Sans", "normal", "normal"), ("DejaVu Sans", "bold", "normal"),
             ("DejaVu Serif", "normal", "italic"), ("DejaVu Sans Mono", "normal", "normal")]
    for k in range(60):
        family, weight, style = fonts[k % len(fonts)]
        angle = [0, 0, 0, 90, 30, -45, 7.5][k % 7]
        fig.text(rng.uniform(0.0, 0.8), rng.uniform(0.0, 0.95), WORDS[k % len(WORDS)], family=family,
                 weight=weight, style=style, size=[5, 6.5, 8, 9, 11][k % 5], rotation=angle,
                 antialiased=k % 13 != 0, color=["#222222", "#c00000", "#08519c"][k % 3], alpha=[1, 0.6][k % 2])
    for i in range(24):  # one word on a grid stepped by 1/8 pixel: every fraction, and whole pixels apart
        fig.text(0.02 + i * (1 + 1 / 8) / 1200, 0.5 + (i % 3) / 1200 + (i // 3) * 0.01, "Tyro", size=6)
    fig.text(0.5, 0.02, "✓ ✗ ☐ ★", size=8)  # glyphs DejaVu Sans may lack: a fallback font
    for angle in (0, 90, 30):  # one word from one point at three angles: its first glyph at one position
        fig.text(0.3, 0.3, "Tyro", size=8, rotation=angle, rotation_mode="anchor", ha="left", va="baseline")
    for antialiased in (True, False):  # and with and without antialiasing
        fig.text(0.6, 0.6, "Tyro", size=8, antialiased=antialiased, ha="left", va="baseline")
    return fig


@pytest.fixture(autouse=True)
def empty_cache():
    agg_text._GLYPHS.clear()
    yield
    agg_text._GLYPHS.clear()


def test_text_gives_plain_aggs_bytes_each_glyph_rendered_once_per_position():
    assert agg_text.usable()
    fig = _text_figure()
    plain = _png(fig, None)
    assert _png(fig, H.BACKEND) == plain  # cold: every bitmap rendered, most kept
    kept = len(agg_text._GLYPHS)
    assert _png(fig, H.BACKEND) == plain  # warm: every bitmap from the cache
    assert len(agg_text._GLYPHS) == kept
    assert _png(fig, None) == plain  # and plain Agg after it is unchanged (the fonts left as Agg leaves them)


def test_mathtext_rules_and_glyphs_give_plain_aggs_bytes():
    fig = Figure(figsize=(2.0, 1.0), facecolor="white")
    fig.text(0.1, 0.5, r"$\frac{1}{2} + \sqrt{x_2}$ and $\overline{AB}$", size=9)
    fig.text(0.1, 0.1, r"$\frac{3}{4}$", size=7, rotation=20)
    rc = {"text.parse_math": True}
    plain = _png(fig, None, rc)
    assert _png(fig, H.BACKEND, rc) == plain
    assert _png(fig, H.BACKEND, rc) == plain


def test_a_cleared_cache_gives_the_same_bytes(monkeypatch):
    monkeypatch.setattr(agg_text, "MOST_GLYPHS", 5)  # emptied again and again while drawing
    fig = _text_figure()
    assert _png(fig, H.BACKEND) == _png(fig, None)
    assert len(agg_text._GLYPHS) <= 5


BROKEN = {
    "whole pixels only": lambda font, size, dpi, glyph, angle, slant, extend, offset, flags, aa:
        (font, size, dpi, glyph, angle, slant, extend, flags, aa),
    "across only": lambda font, size, dpi, glyph, angle, slant, extend, offset, flags, aa:
        (font, size, dpi, glyph, angle, slant, extend, offset[0] & 63, flags, aa),
    "any angle": lambda font, size, dpi, glyph, angle, slant, extend, offset, flags, aa:
        (font, size, dpi, glyph, slant, extend, offset[0] & 63, offset[1] & 63, flags, aa),
    "any size": lambda font, size, dpi, glyph, angle, slant, extend, offset, flags, aa:
        (font, dpi, glyph, angle, slant, extend, offset[0] & 63, offset[1] & 63, flags, aa),
    "any antialiasing": lambda font, size, dpi, glyph, angle, slant, extend, offset, flags, aa:
        (font, size, dpi, glyph, angle, slant, extend, offset[0] & 63, offset[1] & 63, flags),
}


@pytest.mark.parametrize("broken", sorted(BROKEN))
def test_a_cache_keeping_too_little_of_what_a_bitmap_depends_on_is_caught(broken, monkeypatch):
    fig = _text_figure()
    plain = _png(fig, None)
    monkeypatch.setattr(agg_text, "_key", BROKEN[broken])
    assert _png(fig, H.BACKEND) != plain


def test_another_matplotlib_is_left_to_draw_its_own_text(monkeypatch):
    fig = _text_figure()
    plain = _png(fig, None)
    monkeypatch.setattr(agg_text, "CHECKED", ("0.1.",))  # as if this matplotlib were not one checked
    assert not agg_text.usable()
    assert _png(fig, H.BACKEND) == plain
    assert agg_text._GLYPHS == {}


@pytest.mark.slow
def test_the_uk2023_figures_with_the_most_text_give_plain_aggs_bytes(mirror):
    from mapping import report as R
    from mapping.report.writer import _figures_of

    data = R.load_inputs("uk2023", 2020, as_of=date(2023, 9, 1), foi=FOI_FIXTURE)
    specs = {spec.name: spec for spec in R.pack_figures(data)}
    figures = [("foi_shares", "a4"), ("teams_published_record", "slide"), ("coverage", "slide")]
    pages = _figures_of(specs["ladder_england_table"])
    for name, size in figures + [(pages[0], pages[0].sizes[0])]:
        figure = name if not isinstance(name, str) else specs[name]
        fig = figure.draw(size)
        assert isinstance(fig, Figure)
        fast, plain = _png(fig, H.BACKEND), _png(fig, None)
        assert hashlib.sha256(fast).hexdigest() == hashlib.sha256(plain).hexdigest(), (figure.name, size)
