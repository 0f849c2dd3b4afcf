"""One selection loads the teams, the population and the small-area lookup once, whatever is computed from it."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import date

import pytest

import boundaries
import mapping.inputs.teams as teams_module
from mapping.analysis import selection as selection_module
from mapping.analysis.coverage import compute_gaps
from mapping.analysis.ladder import compute_ladder
from mapping.analysis.reach import compute_reach, national_reach_of
from mapping.analysis.selection import Selection, load_inputs


@pytest.fixture
def loads(mirror, monkeypatch) -> Iterator[Counter]:
    """Counting wrappers round the three loaders, with every cached selection forgotten first."""
    counts: Counter = Counter()

    def counting(owner, name):
        real = getattr(owner, name)

        def wrapper(*args, **kwargs):
            counts[name] += 1
            return real(*args, **kwargs)

        monkeypatch.setattr(owner, name, wrapper)

    counting(boundaries, "load_unit_lookup")
    counting(boundaries, "load_population")
    counting(teams_module, "load_teams")
    selection_module.clear_caches()
    yield counts
    selection_module.clear_caches()


def test_gaps_ladder_and_reach_of_one_selection_load_each_input_once(loads):
    selection = Selection("uk2018", 2019, date(2019, 9, 1))
    gaps = compute_gaps(load_inputs(selection))
    ladder = compute_ladder(load_inputs(selection), geometry=False)
    reach = compute_reach(load_inputs(Selection("uk2018", 2019, date(2019, 9, 1))))  # an equal selection
    assert loads == Counter({"load_unit_lookup": 1, "load_population": 1, "load_teams": 1})
    # The three views agree because they share the inputs: children, teams and covered children.
    assert gaps["age0_2"].sum() == pytest.approx(ladder["age0_2"].sum())
    assert gaps["age0"].sum() == pytest.approx(reach["babies"].sum())
    assert gaps.set_index("code")["covered_age0_2"].to_dict() == pytest.approx(
        ladder.set_index("code")["age0_2_level_3"].to_dict())
    teams = {t for ids in gaps["teams"] for t in ids.split("; ") if t}
    assert national_reach_of(reach)["teams"] == len(teams) == 29


def test_another_year_loads_the_population_again_but_not_the_register(loads):
    compute_gaps(load_inputs(Selection("uk2018", 2019, date(2019, 9, 1))))
    compute_gaps(load_inputs(Selection("uk2018", 2020, date(2019, 9, 1))))
    assert loads["load_population"] == 2
    assert loads["load_teams"] == 1  # the built-in register is read once per file version
