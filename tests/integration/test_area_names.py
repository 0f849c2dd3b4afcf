"""Every name people use for an area, on the real mirror: the names table, the display names and the search
of both UK geographies (uk2023: Sub-ICB locations; uk2026: the ICBs of April 2026)."""

from __future__ import annotations

import time

import pytest

# The search box's own examples and a few more, with the area each must find (a code stated, not computed):
# E38000225 = NHS West Yorkshire ICB - 15F (Leeds), E38000021 = NHS Sussex ICB - 09D (Brighton and Hove),
# E38000089 = NHS Cornwall and the Isles of Scilly ICB - 11N, S08000031 = Greater Glasgow and Clyde;
# E54000054 = NHS West Yorkshire ICB, E54000069 = NHS Surrey and Sussex ICB, E54000036 = Cornwall's ICB.
EXPECTED = {
    "uk2023": {"Leeds": "E38000225", "Brighton": "E38000021", "NHS Leeds CCG": "E38000225",
               "nhs kernow ccg": "E38000089", "Kernow": "E38000089", "Glasgow": "S08000031", "15F": "E38000225",
               "Cornwall": "E38000089", "brighton & hove": "E38000021", "Brigton": "E38000021",
               "Harrogate": "E38000241", "E38000225": "E38000225", "Lothian": "S08000024", "Belfast": "BHSCT",
               "cardiff": "W11000029"},
    "uk2026": {"Leeds": "E54000054", "Brighton": "E54000069", "NHS Leeds CCG": "E54000054",
               "nhs kernow ccg": "E54000036", "Kernow": "E54000036", "Glasgow": "S08000031", "15F": "E54000054",
               "Cornwall": "E54000036", "NHS Kernow": "E54000036", "E38000225": "E54000054",
               "NHS West Yorkshire ICB": "E54000054", "Harrogate": "E54000051", "Belfast": "BHSCT",
               "7A4": "W11000029"},  # Cardiff and Vale's NHS code
    "uk2018": {"nhs BRIGHTON & hove": "E38000021", "15F": "E38000225", "Leeds": "E38000225"},  # the 2018 CCGs
}
CASES = [(g, q, c) for g, queries in EXPECTED.items() for q, c in queries.items()]


@pytest.mark.parametrize("geography, query, code", CASES)
def test_search_finds_the_right_area(mirror, geography, query, code):
    from mapping.analysis.search import clear_best, search_areas

    found = search_areas(query, geography)
    assert found["code"].iloc[0] == code, found.head(3).to_dict("records")
    assert clear_best(found) == code  # one clear best: the app opens it without asking


@pytest.mark.parametrize("geography", ["uk2023", "uk2026"])
@pytest.mark.parametrize("query", ["zzzz", "qwerty", "xyzzy plugh", "NHS CCG", "a", "the"])
def test_nonsense_finds_nothing(mirror, geography, query):
    from mapping.analysis.search import search_areas

    assert search_areas(query, geography).empty


def test_matched_on_says_which_name_matched(mirror):
    from mapping.analysis.search import search_areas

    assert search_areas("nhs kernow ccg", "uk2023")["matched_on"].iloc[0] == "former CCG: NHS Kernow CCG"
    assert search_areas("Cornwall", "uk2026")["matched_on"].iloc[0] == "local authority: Cornwall"
    assert search_areas("Glasgow City", "uk2026")["matched_on"].iloc[0] == "council area: Glasgow City"
    assert search_areas("15F", "uk2023")["matched_on"].iloc[0] == "NHS code: 15F"
    assert search_areas("15F", "uk2026")["matched_on"].iloc[0] == "Sub-ICB location code: 15F"
    frimley = search_areas("NHS Frimley Integrated Care Board", "uk2026")  # the 2023 ICB split three ways in 2026
    assert set(frimley["code"].head(3)) == {"E54000067", "E54000069", "E54000070"}
    assert frimley["matched_on"].str.startswith("2023 ICB: ").head(3).all()


def test_display_names_of_sub_icb_locations(mirror):
    from boundaries.catalogue import area_table
    from boundaries.names import display_names, nhs_code

    areas = area_table("uk2023").set_index("code")["name"]
    shown = display_names("uk2023")
    assert set(shown) == set(areas.index) and len(shown) == 132
    assert shown["E38000225"] == "Leeds (NHS West Yorkshire ICB, 15F)"
    assert shown["E38000021"] == "Brighton and Hove (NHS Sussex ICB, 09D)"
    assert shown["E38000089"] == "Kernow (NHS Cornwall and the Isles of Scilly ICB, 11N)"
    assert shown["E38000254"] == "Kirklees (NHS West Yorkshire ICB, X2C4Y)"  # a new code: its local authority
    for code, name in areas.items():
        if code.startswith("E38"):
            assert shown[code].endswith(f", {nhs_code(name)})") and "CCG" not in shown[code]
            assert shown[code].split(" (", 1)[0].strip(), code
        else:
            assert shown[code] == name
    assert len(set(shown.values())) == len(shown)  # every area told apart
    assert display_names("uk2026") == area_table("uk2026").set_index("code")["name"].to_dict()


def test_every_local_authority_and_former_area_is_a_name_of_some_area(mirror):
    from boundaries.catalogue import area_table
    from boundaries.names import names_table

    authorities = set(area_table("lad2023")["name"])
    for geography in ("uk2023", "uk2026"):
        aliases = set(names_table(geography)["alias"])
        assert authorities <= aliases, sorted(authorities - aliases)[:5]
    uk2023 = set(names_table("uk2023")["alias"])
    for gid in ("ccg2018", "ccg2021"):
        table = area_table(gid)
        assert set(table["name"]) <= uk2023 and set(table["code"]) <= uk2023
    uk2026 = set(names_table("uk2026")["alias"])
    for gid in ("icb2023", "sicbl2023", "ccg2021"):
        table = area_table(gid)
        assert set(table["code"]) <= uk2026 and set(table["name"]) <= uk2026 | set(area_table("icb2026")["name"])


def test_shares_of_a_local_authority_sum_to_at_most_one(mirror):
    from boundaries.names import MIN_SHARE, names_table

    names = names_table("uk2026")
    authorities = names[names["kind"].isin(["local authority", "council area", "district"])]
    totals = authorities.groupby("alias")["share"].sum()
    assert totals.le(1.0 + 1e-9).all()
    assert totals.ge(0.9).all(), totals[totals < 0.9].head()  # only slivers under MIN_SHARE are left out
    assert authorities["share"].ge(MIN_SHARE).all()
    leeds = authorities[authorities["alias"] == "Leeds"]
    assert leeds["code"].tolist() == ["E54000054"] and leeds["share"].iloc[0] == pytest.approx(1.0)


def test_warm_names_are_fast(mirror):
    from boundaries import names
    from mapping.analysis.search import search_areas

    names.display_names("uk2023")  # built or read once
    names._names_table.cache_clear()
    names._display_names.cache_clear()
    started = time.perf_counter()
    names.display_names("uk2023")  # read from the processed-layer cache
    search_areas("Leeds", "uk2026")
    assert time.perf_counter() - started < 3.0
