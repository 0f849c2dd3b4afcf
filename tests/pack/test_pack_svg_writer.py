"""The pack's SVG writer (mapping.report.svg_writer) gives matplotlib's bytes, writing each element without text as
one string; versions that write one character differently are caught.

The figures are SYNTHETIC: text drawn as paths (a <use> per letter, rotated, coloured, translucent, linked), areas,
lines, markers, a clipped image and a legend, so elements follow open tags, closed tags and text.
"""

from __future__ import annotations

import io

import matplotlib as mpl
import numpy as np
import pytest
from matplotlib.figure import Figure

from mapping.present.figures import RC
from mapping.report import svg_writer
from mapping.report import writer as W
from mapping.report.vector_collections import uniform_collections

METADATA = {"Title": "SYNTHETIC & <quoted> \"title\"", "Date": None}


def _svg(fig: Figure) -> bytes:
    buffer = io.BytesIO()
    with mpl.rc_context(RC):
        fig.savefig(buffer, format="svg", metadata=METADATA)
    return buffer.getvalue()


def _figure() -> Figure:
    fig = Figure(figsize=(4.0, 3.0), facecolor="white")
    fig.text(0.05, 0.92, "SYNTHETIC: Babies & <teams> \"quoted\" 'too'", size=9, weight="bold")
    fig.text(0.9, 0.1, "Rotated — ÅÇ", size=7, rotation=90, color="#c00000", alpha=0.6)
    fig.text(0.5, 0.02, "A link", size=6, url="https://example.invalid/synthetic?a=1&b=2")
    ax = fig.add_axes((0.1, 0.15, 0.7, 0.65))
    x = np.linspace(0, 10, 40)
    ax.plot(x, np.sin(x), label="sine & co", linestyle=(0, (3, 2)))
    ax.scatter(x[::4], np.cos(x[::4]), s=12, marker="s", label="<markers>")
    ax.fill_between(x, -0.2, 0.2, hatch="//", facecolor="#9ecae1", alpha=0.5)
    ax.imshow(np.arange(16).reshape(4, 4), extent=(6, 9, -1, 0), clip_on=True)
    ax.set_title("Title with \"quotes\"")
    ax.legend(title="Key & more")
    return fig


def test_svgs_give_matplotlibs_bytes_with_elements_written_as_one_string():
    fig = _figure()
    plain = _svg(fig)
    with svg_writer.fast_elements():
        fast = _svg(fig)
    assert fast == plain
    assert _svg(fig) == plain  # outside the context: matplotlib's writer


def test_the_packs_own_save_gives_matplotlibs_svg(monkeypatch):
    fig = _figure()
    switched: list[int] = []
    element = svg_writer._FastWriter.element

    def counted(self, *args, **kwargs):
        switched.append(1)
        return element(self, *args, **kwargs)

    monkeypatch.setattr(svg_writer._FastWriter, "element", counted)
    with mpl.rc_context(RC), uniform_collections():
        buffer = io.BytesIO()
        fig.savefig(buffer, format="svg", dpi=W.DPI, metadata={"Title": fig.texts[0].get_text(), "Date": None})
    assert W.figure_bytes(fig, "f")["f.svg"] == buffer.getvalue()
    assert len(switched) > 100  # the pack's writer wrote them


BROKEN = {
    "no indent": lambda parts: [parts[0], "", *parts[2:]],
    "open tag left open": lambda parts: ["", *parts[1:]],
    "attributes reversed": lambda parts: [*parts[:3], *reversed(parts[3:-1]), parts[-1]],
    "as written": lambda parts: parts,  # the unbroken copy: must give matplotlib's bytes (checked below)
    "self-closed with a space": lambda parts: [*parts[:-1], " />\n"],
}


@pytest.mark.parametrize("broken", sorted(BROKEN))
def test_a_writer_writing_an_element_differently_is_caught(broken, monkeypatch):
    fig = _figure()
    plain = _svg(fig)

    def element(self, tag, text=None, attrib=None, **extra):
        state = self.__dict__
        if text or state["_XMLWriter__data"]:
            return svg_writer.backend_svg._XMLWriter.element(self, tag, text, attrib, **extra)
        parts = [">\n" if state["_XMLWriter__open"] else "",
                 state["_XMLWriter__indentation"][:len(state["_XMLWriter__tags"])], f"<{tag}"]
        parts += [f" {svg_writer._escape_cdata(k)}={svg_writer._quote_escape_attrib(v)}"
                  for k, v in {**(attrib or {}), **extra}.items() if v]
        parts.append("/>\n")
        state["_XMLWriter__open"] = 0
        state["_XMLWriter__write"]("".join(BROKEN[broken](parts)))

    monkeypatch.setattr(svg_writer._FastWriter, "element", element)
    with svg_writer.fast_elements():
        if broken == "as written":
            assert _svg(fig) == plain  # so each broken version differs by its one change
        else:
            assert _svg(fig) != plain
