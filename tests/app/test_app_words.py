"""The national map's legend in words is written from the style the map is drawn with (no real data)."""

from __future__ import annotations

import dataclasses

from mapping.inputs.vocabulary import TeamStatus
from mapping.present import style
from webapp.pages.map import line_in_words, markers_in_words


def test_the_words_name_every_marker_and_outline_as_drawn():
    words = markers_in_words()
    for marker in style.TEAM_MARKERS.values():
        assert f"{marker.symbol} {marker.label} ({marker.shape})" in words
    assert "black dashed outlines: edge of a team's catchment" in words
    assert "vermillion dashed outlines: edge of a catchment of a team in development" in words
    assert "bluish green dotted outlines: CAMHS specialist practitioners, no team" in words
    assert "blue outlines" not in words.replace("bluish", "")  # the old words, from before the one style


def test_a_changed_style_changes_the_words(monkeypatch):
    solid_blue = dataclasses.replace(style.CATCHMENT_LINES[TeamStatus.OPERATING], colour=style.OKABE_ITO["blue"], dash=())
    assert line_in_words(solid_blue) == "blue solid outlines: edge of a team's catchment"
    monkeypatch.setitem(style.CATCHMENT_LINES, TeamStatus.OPERATING, solid_blue)
    assert "blue solid outlines: edge of a team's catchment" in markers_in_words()
    unnamed = dataclasses.replace(style.SPECIALIST_LINE, colour="#123456")
    assert line_in_words(unnamed) == "dotted outlines: CAMHS specialist practitioners, no team"
