"""Figures are measured with one small renderer per dpi (mapping.present.figures.measuring_renderer): the boxes a
page-sized renderer gives, and the same renderer for every figure of that dpi."""

from __future__ import annotations

from matplotlib.backends.backend_agg import RendererAgg
from matplotlib.patches import Patch

from mapping.present import figures as F


def test_the_shared_measuring_renderer_gives_a_page_sized_renderers_boxes():
    # SYNTHETIC words: a wrapped title block with a flag, a footer and a two-column key.
    text = F.FigureText("A long synthetic title " * 6, "A subtitle that runs on " * 8, "A note " * 50,
                        "Attribution " * 12, flag="SYNTHETIC")
    for size in ("a4", "slide"):
        fig = F.new_figure(size)
        top = F.title_block(fig, text, font=8.5)
        bottom = F.footer(fig, text, font=8.5)
        key = F.key_legend(fig, [Patch(facecolor="#ccc", hatch="///", label=f"Class {i}") for i in range(5)],
                           font=8.5, columns=2, title="Key", x=F.MARGIN, y=top)
        assert 0 < bottom < top < 1
        page = RendererAgg(int(fig.get_figwidth() * fig.dpi), int(fig.get_figheight() * fig.dpi), fig.dpi)
        for artist in [*fig.texts, key]:
            shared = artist.get_window_extent(F.measuring_renderer(fig)).bounds
            assert shared == artist.get_window_extent(page).bounds
        assert F.measuring_renderer(fig) is F.measuring_renderer(F.new_figure("a4-half"))  # one per dpi
