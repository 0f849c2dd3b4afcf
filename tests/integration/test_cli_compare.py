"""`pimap compare` on the real data: the figures are the library's for the same selection, in every format."""

from __future__ import annotations

import contextlib
import io
import json
import re
from datetime import date

import pandas as pd
import pytest

from mapping.cli import main

pytestmark = pytest.mark.slow

GEO = "uk2026"
CORNWALL, DEVON = "E54000036", "E54000037"
AS_OF = date(2025, 7, 1)
ARGS = [CORNWALL, DEVON, "--geography", GEO, "--as-of", AS_OF.isoformat(), "--year", "2022"]


def _run(argv: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["compare", *argv])
    return code, out.getvalue(), err.getvalue()


@pytest.fixture(scope="module")
def as_json(mirror) -> dict:
    code, out, _ = _run([*ARGS, "--format", "json"])
    assert code == 0
    return json.loads(out)


def test_json_areas_are_compute_gaps_of_the_selection(as_json):
    from mapping.analysis.capacity import capacity_births, capacity_by_area
    from mapping.analysis.coverage import compute_gaps
    from mapping.analysis.selection import Selection, load_inputs

    assert (as_json["geography"], as_json["as_of"], as_json["year"]) == (GEO, AS_OF.isoformat(), 2022)
    gaps = pd.DataFrame(compute_gaps(load_inputs(Selection(GEO, 2022, AS_OF))).drop(columns="geometry"))
    capacity = capacity_by_area(gaps, births=capacity_births(GEO, 2022), year=2022).set_index("code")
    gaps = gaps.set_index("code")
    assert [a["code"] for a in as_json["areas"]] == [CORNWALL, DEVON]
    for area in as_json["areas"]:
        row = gaps.loc[area["code"]]
        assert area["age0_2"] == row["age0_2"] and area["uncovered_age0_2"] == row["uncovered_age0_2"]
        assert area["share_covered"] == row["share_covered"] and area["coverage"] == row["coverage"]
        assert area["team_ids"] == [t for t in row["teams"].split("; ") if t]
        assert area["teams_needed"] == capacity.loc[area["code"], "teams_needed"]
        assert area["population_year"] == 2022


def test_json_history_is_area_history_up_to_the_date(as_json):
    from mapping.analysis.history import area_history, history_dates

    dates = history_dates(AS_OF)
    assert dates[-1] == AS_OF and len(dates) == 7  # 1 July 2019 ... 1 July 2025, the date itself once
    expected = area_history(GEO, [CORNWALL, DEVON], dates)
    got = pd.DataFrame(as_json["history"])
    assert list(got["code"]) == list(expected["code"])
    assert list(got["as_of"]) == [d.isoformat() for d in expected["as_of"]]
    for column in ("age0_2", "uncovered_age0_2", "teams", "population_year", "teams_needed"):
        assert list(got[column]) == list(expected[column]), column
    assert {s["id"] for s in as_json["sources"]} >= {"data/teams.csv"}


def test_csv_has_plain_headers_whole_babies_and_its_sources(mirror, tmp_path):
    path = tmp_path / "compare.csv"
    code, out, _ = _run([*ARGS, "--format", "csv", "--out", str(path)])
    assert code == 0 and out == ""
    text = path.read_text(encoding="utf-8-sig")
    comments = [line for line in text.splitlines() if line.startswith("#")]
    assert any(line.startswith("# source: ") for line in comments)
    assert any(line.startswith("# title: Areas compared over time") for line in comments)
    table = pd.read_csv(io.StringIO(text), comment="#")
    assert len(table) == 2 * 7
    assert not [c for c in table.columns if "_" in c]  # every header in words
    assert "babies aged 0-2" in table.columns and "teams as of" in table.columns
    assert table["babies aged 0-2"].dtype.kind == "i"
    assert "team ids" not in table.columns


def test_text_reads_in_words(mirror):
    code, out, _ = _run(ARGS)
    assert code == 0
    assert f"{CORNWALL}  NHS Cornwall and the Isles of Scilly" in out
    assert "Babies aged 0-2" in out and "Reference-size teams needed" in out
    assert not re.search(r"\b(nan|NaN|None|<NA>)\b", out)
    assert "2: CAMHS parent-infant specialists, no team" in out
    assert "today (" not in out and "1 July 2025: mid-2024" in out  # a past date is not called today


def test_similar_adds_the_four_areas_most_like_the_first(mirror):
    code, out, _ = _run([CORNWALL, "--geography", GEO, "--as-of", AS_OF.isoformat(), "--similar", "--format",
                         "json"])
    assert code == 0
    areas = json.loads(out)["areas"]
    assert len(areas) == 5 and areas[0]["code"] == CORNWALL
    assert {a["nation"] for a in areas} == {"England"}
    assert json.loads(out)["year"] == 2024  # the latest estimate not after the date's year


@pytest.mark.parametrize(("argv", "message"), [
    ([CORNWALL, "E99999999", "--geography", GEO], "no area E99999999 in uk2026"),
    (["A", "B", "C", "D", "E", "F", "--geography", GEO], "compare at most 5 areas at once (6 given)"),
])
def test_refusals_name_what_is_wrong(mirror, argv, message):
    code, out, err = _run(argv)
    assert code == 2 and out == "" and message in err


def test_a_code_given_twice_is_compared_once_and_said(mirror, capsys):
    from mapping.cli import main

    assert main(["compare", "E54000036", "E54000036", "--geography", "uk2026", "--format", "json"]) == 0
    out = capsys.readouterr()
    assert "E54000036 given more than once: compared once" in out.err
    assert out.out.count('"code": "E54000036"') >= 1
