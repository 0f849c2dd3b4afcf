"""Area search over a SYNTHETIC names table (no mirror): any name people use, forgiving of NHS/CCG/ICB, case,
punctuation and small typos; a code typed exactly first; nothing for nonsense. The real names of both UK
geographies are searched in tests/integration/test_area_names.py."""

from __future__ import annotations

import pandas as pd
import pytest

from boundaries.names import nhs_code, place_name
from mapping.analysis.search import EXACT_CODE, MIN_SCORE, SEARCH_COLUMNS, clear_best, match_names

# SYNTHETIC: real-looking names on invented codes (X...), built as boundaries.names.names_table builds them.
_AREAS = {
    "X0000001": ("NHS West Yorkshire ICB - 15F", "Leeds (NHS West Yorkshire ICB, 15F)", "England"),
    "X0000002": ("NHS Cornwall and the Isles of Scilly ICB - 11N",
                 "Kernow (NHS Cornwall and the Isles of Scilly ICB, 11N)", "England"),
    "X0000003": ("NHS Sussex ICB - 09D", "Brighton and Hove (NHS Sussex ICB, 09D)", "England"),
    "X0000004": ("Greater Glasgow and Clyde", "Greater Glasgow and Clyde", "Scotland"),
    "X0000005": ("NHS Humber and North Yorkshire ICB - 03F", "Hull (NHS Humber and North Yorkshire ICB, 03F)",
                 "England"),
    "X0000006": ("NHS Birmingham and Solihull ICB - 15E",
                 "Birmingham and Solihull (NHS Birmingham and Solihull ICB, 15E)", "England"),
    "X0000007": ("NHS North East London ICB - A3A8R", "North East London (NHS North East London ICB, A3A8R)",
                 "England"),
    "X0000008": ("NHS South East London ICB - 72Q", "South East London (NHS South East London ICB, 72Q)",
                 "England"),
    "X0000009": ("Lanarkshire", "Lanarkshire", "Scotland"),
    "X0000010": ("NHS North East London ICB - 07L", "Barking and Dagenham (NHS North East London ICB, 07L)",
                 "England"),
    "X0000011": ("Cardiff and Vale University Health Board", "Cardiff and Vale University Health Board", "Wales"),
}
_OTHER_NAMES = [  # (area, alias, kind, share of the alias's babies in the area)
    ("X0000001", "NHS Leeds CCG", "former CCG", 1.0), ("X0000001", "XC000001", "former CCG code", 1.0),
    ("X0000001", "Leeds", "local authority", 1.0),
    ("X0000002", "NHS Kernow CCG", "former CCG", 1.0), ("X0000002", "Cornwall", "local authority", 1.0),
    ("X0000003", "NHS Brighton and Hove CCG", "former CCG", 1.0), ("X0000003", "Brighton and Hove", "local authority", 1.0),
    ("X0000004", "Glasgow City", "council area", 1.0),
    ("X0000004", "South Lanarkshire", "council area", 0.2), ("X0000009", "South Lanarkshire", "council area", 0.8),
    ("X0000005", "NHS Hull CCG", "former CCG", 1.0),
    ("X0000006", "NHS Solihull CCG", "former CCG", 1.0),
    ("X0000010", "NHS Barking and Dagenham CCG", "former CCG", 1.0),
]


def synthetic_names() -> pd.DataFrame:
    rows = []
    for code, (name, display, nation) in _AREAS.items():
        own = [(name, "name"), (code, "code")] + ([(nhs_code(name), "NHS code")] if nhs_code(name) else [])
        rows += [(code, name, display, nation, alias, kind, 1.0, 1000.0) for alias, kind in own]
    for code, alias, kind, share in _OTHER_NAMES:
        name, display, nation = _AREAS[code]
        rows.append((code, name, display, nation, alias, kind, share, 1000.0 * share))
    return pd.DataFrame(rows, columns=["code", "name", "display_name", "nation", "alias", "kind", "share", "babies"])


NAMES = synthetic_names()


@pytest.mark.parametrize("query, code, matched_on", [
    ("Leeds", "X0000001", "local authority: Leeds"), ("NHS Leeds CCG", "X0000001", "former CCG: NHS Leeds CCG"),
    ("LEEDS ccg", "X0000001", None), ("nhs kernow ccg", "X0000002", "former CCG: NHS Kernow CCG"),
    ("Kernow", "X0000002", "former CCG: NHS Kernow CCG"), ("kernwo", "X0000002", None),
    ("Cornwall", "X0000002", "local authority: Cornwall"), ("Brighton", "X0000003", None),
    ("brighton-and-hove", "X0000003", None), ("Brigton", "X0000003", None), ("Brighton & Hove", "X0000003", None),
    ("Glasgow", "X0000004", None), ("glasgwo", "X0000004", None),
    ("NHS Greater Glasgow and Clyde Health Board", "X0000004", "name: Greater Glasgow and Clyde"),
    ("15F", "X0000001", "NHS code: 15F"), ("15f", "X0000001", "NHS code: 15F"), ("x0000005", "X0000005", "code: X0000005"),
    ("XC000001", "X0000001", "former CCG code: XC000001"), ("A3A8R", "X0000007", "NHS code: A3A8R"),
    ("hull", "X0000005", "former CCG: NHS Hull CCG"), ("Sussex ICB", "X0000003", None),
    # the cases of the search this one replaces (mapping.analysis.profile.search_areas)
    ("barking dag", "X0000010", None), ("NHS  Barking and Dagenham Clinical Commissioning Group", "X0000010", None),
    ("cardiff", "X0000011", None), ("Lanarkshire", "X0000009", "name: Lanarkshire"),
])
def test_search_finds_the_area_by_any_name(query, code, matched_on):
    found = match_names(query, NAMES)
    assert list(found.columns) == SEARCH_COLUMNS
    assert found["code"].iloc[0] == code
    assert found["display_name"].iloc[0] == _AREAS[code][1]
    if matched_on is not None:
        assert found["matched_on"].iloc[0] == matched_on


def test_a_code_typed_exactly_scores_100_and_comes_first():
    found = match_names("15F", NAMES)
    assert found["score"].iloc[0] == EXACT_CODE
    assert found["score"].iloc[1:].lt(EXACT_CODE).all()  # nothing else is a code match
    assert match_names("Leeds", NAMES)["score"].max() < EXACT_CODE  # a name, however exact, scores less


def test_codes_are_not_fuzzy():
    """A code one character off is not a near match (15G is not 15F)."""
    assert "X0000001" not in match_names("15G", NAMES)["code"].tolist()
    assert "X0000001" not in match_names("X0000011", NAMES)["code"].tolist()


def test_whole_name_ranks_before_part_of_a_name():
    found = match_names("hull", NAMES)  # "NHS Hull CCG" before Solihull
    assert found["code"].tolist()[:2] == ["X0000005", "X0000006"]
    assert found["score"].iloc[0] > found["score"].iloc[1]
    assert clear_best(found) == "X0000005"


def test_a_place_split_between_areas_ranks_by_share_of_its_babies():
    found = match_names("South Lanarkshire", NAMES)
    assert found["code"].tolist()[:2] == ["X0000009", "X0000004"]
    assert found["matched_on"].iloc[0] == "council area: South Lanarkshire"
    assert found["score"].iloc[0] > found["score"].iloc[1]


def test_one_row_per_area_and_limit():
    found = match_names("London", NAMES)
    assert sorted(found["code"]) == ["X0000007", "X0000008", "X0000010"]
    assert clear_best(found) is None  # equally good: the user chooses
    assert len(match_names("London", NAMES, limit=1)) == 1
    assert not match_names("Leeds", NAMES)["code"].duplicated().any()


@pytest.mark.parametrize("query", ["", "   ", "zzzz", "zzz nowhere", "qwerty", "NHS CCG", "ICB", "a", "the", "and",
                                   "!!!", "Lewes"])
def test_nonsense_finds_nothing(query):
    found = match_names(query, NAMES)
    assert found.empty and list(found.columns) == SEARCH_COLUMNS
    assert clear_best(found) is None


def test_scores_are_at_least_the_threshold_and_sorted():
    found = match_names("leed", NAMES)
    assert not found.empty
    assert found["score"].is_monotonic_decreasing
    assert (found["score"] >= MIN_SCORE * 0.98 * 0.9 * 0.99).all()


def test_display_name_falls_back_to_the_name():
    found = match_names("Lanarkshire", NAMES.drop(columns="display_name"))
    assert found["display_name"].iloc[0] == "Lanarkshire"


def test_nhs_code_and_place_name():
    assert nhs_code("NHS West Yorkshire ICB - 15F") == "15F"
    assert nhs_code("NHS West Yorkshire ICB - X2C4Y") == "X2C4Y"
    assert nhs_code("NHS West Yorkshire Integrated Care Board") is None
    assert nhs_code("Greater Glasgow and Clyde") is None
    assert place_name("NHS Leeds CCG") == "Leeds"
    assert place_name("NHS Barking and Dagenham Clinical Commissioning Group") == "Barking and Dagenham"


def test_equal_scores_name_the_name_most_like_the_query():
    """"Leeds" matched the local authority, "NHS Leeds CCG" the former CCG: both score the same in the area."""
    assert match_names("Leeds", NAMES)["matched_on"].iloc[0] == "local authority: Leeds"
    assert match_names("NHS Leeds CCG", NAMES)["matched_on"].iloc[0] == "former CCG: NHS Leeds CCG"


def test_a_query_longer_than_any_name_is_refused_not_echoed():
    """Synthetic names table: a 5,000-character query is refused with its length, never scored or echoed."""
    import pandas as pd
    import pytest

    from mapping.analysis.search import MAX_QUERY, match_names
    from mapping.errors import AreaNotFound

    names = pd.DataFrame({"code": ["E1"], "name": ["Leeds"], "nation": ["England"], "alias": ["Leeds"],
                          "kind": ["name"], "share": [1.0], "babies": [1.0]})
    assert not match_names("a" * MAX_QUERY, names).shape[0] > 1
    with pytest.raises(AreaNotFound) as refused:
        match_names("a" * 5000, names)
    assert "5,000" in str(refused.value) and "a" * 300 not in str(refused.value)
