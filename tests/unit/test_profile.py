"""Area search (forgiving of NHS, CCG, case and punctuation); the area profile's figures on the real data are in
tests/integration/test_profile_data.py."""

from __future__ import annotations

import pandas as pd
import pytest

from mapping.analysis.profile import search_areas

AREAS = pd.DataFrame({  # real names and codes of April 2018 CCGs and health boards
    "code": ["E38000004", "E38000021", "E38000225", "E38000164", "S08000024", "W11000029"],
    "name": ["NHS Barking and Dagenham CCG", "NHS Brighton and Hove CCG", "NHS Leeds CCG",
             "NHS Solihull CCG", "Lothian", "Cardiff and Vale University Health Board"],
    "nation": ["England", "England", "England", "England", "Scotland", "Wales"],
})


@pytest.mark.parametrize("query, code", [
    ("NHS Leeds CCG", "E38000225"), ("leeds", "E38000225"), ("LEEDS ccg", "E38000225"),
    ("Brighton & Hove", "E38000021"), ("brighton-and-hove", "E38000021"), ("barking dag", "E38000004"),
    ("e38000164", "E38000164"), ("Lothian", "S08000024"), ("cardiff", "W11000029"),
    ("NHS  Barking and Dagenham Clinical Commissioning Group", "E38000004"),
])
def test_search_finds_the_area(query, code):
    assert search_areas(query, AREAS)["code"].iloc[0] == code


def test_search_ranks_whole_name_before_partial():
    areas = pd.DataFrame({"code": ["A", "B"], "name": ["NHS Hull CCG", "NHS East Riding of Yorkshire and Hull CCG"],
                          "nation": ["England", "England"]})  # SYNTHETIC codes
    found = search_areas("hull", areas)
    assert found["code"].tolist() == ["A", "B"] and found["rank"].tolist() == [1, 3]


@pytest.mark.parametrize("query", ["", "   ", "zzz nowhere"])
def test_search_with_no_match_is_empty(query):
    assert search_areas(query, AREAS).empty
