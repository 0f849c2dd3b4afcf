"""The web map's change measure (synthetic areas): each area's class from its babies gained and lost."""

from __future__ import annotations

import pandas as pd
import pytest

from mapping.errors import ChangesError
from mapping.present import style, webmap

# Synthetic: four areas, one of each class, and one area the change table does not hold.
GAPS = pd.DataFrame({"code": ["A", "B", "C", "D", "E"]})
CHANGE = pd.DataFrame({"code": ["A", "B", "C", "D"], "gained": [120.0, 0.0, 40.0, 0.0],
                       "lost": [0.0, 75.0, 10.0, 1e-9], "net": [120.0, -75.0, 30.0, -1e-9]})


def test_classes_follow_gained_and_lost():
    classes = webmap.change_classes(GAPS, CHANGE).tolist()
    labels = {k: s.label for k, s in style.CHANGE_STYLES.items()}
    assert classes == [labels["gained"], labels["lost"], labels["both"], labels["none"], labels["none"]]


def test_values_in_words_and_legend_keeps_every_class():
    measure = webmap.MEASURES["coverage_change"]
    assert webmap.change_text(GAPS, CHANGE)[:3] == ["gained 120, lost 0 (net +120)", "gained 0, lost 75 (net -75)",
                                                    "gained 40, lost 10 (net +30)"]
    one_class = webmap.measure_values(GAPS.iloc[:1], measure, change=CHANGE)
    _, legend = webmap.classify(one_class, measure)
    assert [c.label for c in legend] == [s.label for s in style.CHANGE_STYLES.values()]
    assert len({c.colour for c in legend}) == 4


def test_the_measure_needs_the_change_table():
    with pytest.raises(ChangesError, match="earlier date"):
        webmap.measure_values(GAPS, webmap.MEASURES["coverage_change"])
