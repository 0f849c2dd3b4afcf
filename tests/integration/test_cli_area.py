"""`pimap area QUERY [--geography ID] [--json]` on the real mirror: names, codes and postcodes, as the library's search."""

from __future__ import annotations

import json
from datetime import date

import pytest

from mapping.cli import main


def _json(capsys, *argv: str) -> list[dict]:
    assert main(["area", *argv, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


@pytest.mark.parametrize("query, geography, code", [
    ("Leeds", "uk2023", "E38000225"), ("NHS Leeds CCG", "uk2026", "E54000054"), ("nhs kernow ccg", "uk2023", "E38000089"),
    ("Kernow", "uk2026", "E54000036"), ("Brighton", "uk2023", "E38000021"), ("Glasgow", "uk2026", "S08000031"),
    ("15F", "uk2023", "E38000225"), ("15F", "uk2026", "E54000054"),
])
def test_json_lists_the_library_matches(mirror, capsys, query, geography, code):
    from mapping.analysis.search import search_areas

    shown = _json(capsys, query, "--geography", geography)
    assert shown[0]["code"] == code
    assert list(shown[0]) == ["code", "name", "display_name", "nation", "matched_on", "score"]
    assert shown == search_areas(query, geography).to_dict("records")


@pytest.mark.parametrize("postcode, geography, code, display", [
    ("TR21 0HU", "uk2023", "E38000089", "Kernow (NHS Cornwall and the Isles of Scilly ICB, 11N)"),  # St Mary's, Scilly
    ("tr210hu", "uk2026", "E54000036", "NHS Cornwall and the Isles of Scilly Integrated Care Board"),
    ("LS1 4AP", "uk2023", "E38000225", "Leeds (NHS West Yorkshire ICB, 15F)"),  # Leeds city centre
    ("LS1 4AP", "uk2026", "E54000054", "NHS West Yorkshire Integrated Care Board"),
])
def test_a_postcode_gives_its_area(mirror, capsys, postcode, geography, code, display):
    shown = _json(capsys, postcode, "--geography", geography)
    assert len(shown) == 1
    assert shown[0]["code"] == code and shown[0]["display_name"] == display
    assert shown[0]["matched_on"] == "postcode" and shown[0]["score"] == 100.0


def test_default_geography_is_the_one_in_force_today(mirror, capsys):
    from boundaries.catalogue import in_force

    shown = _json(capsys, "Leeds")
    expected = {"uk2023": "E38000225", "uk2026": "E54000054"}.get(in_force(date.today()))
    assert shown[0]["code"] == expected


def test_text_output_is_a_small_table(mirror, capsys):
    assert main(["area", "London", "--geography", "uk2023"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("uk2023: 5 matches, best first")
    assert len(lines) == 6 and all(line.startswith("E38") for line in lines[1:])
    assert "North East London (NHS North East London ICB, A3A8R)" in "\n".join(lines)
    assert main(["area", "Leeds", "--geography", "uk2023", "--limit", "1"]) == 0
    out = capsys.readouterr().out
    assert "Leeds (NHS West Yorkshire ICB, 15F)" in out and "local authority: Leeds" in out


@pytest.mark.parametrize("argv, message", [
    (["zzzz", "--geography", "uk2026"], "no area of uk2026 matches 'zzzz'"),
    (["Leeds", "--geography", "nowhere"], "unknown geography 'nowhere'"),
    (["ZZ99 9ZZ", "--geography", "uk2023"], "does not exist"),
    (["GY1 1AA"], "Channel Islands"),
])
def test_errors_are_one_line_and_exit_2(mirror, capsys, argv, message):
    assert main(["area", *argv]) == 2
    err = capsys.readouterr().err
    assert err.startswith("pimap: error: ") and message in err and err.count("\n") == 1
