"""The SYNTHETIC FOI fixture reproduces Rare Jewels' published funnel; the CLI and templates.

``tests/fixtures/synthetic_foi_rare_jewels.csv`` holds invented replies for the real April 2018
CCGs (see its header). Figures expected here are the report's (section 8 and footnote 14).
These tests read the real ccg2018 area table and population from the data mirror.
"""

from __future__ import annotations

import csv
import importlib.util
import json
import re
from collections import defaultdict
from pathlib import Path

import pytest

from mapping.cli import main
from mapping.inputs.foi_schema import COLUMNS

REPO = Path(__file__).resolve().parents[2]
FIXTURE = REPO / "tests" / "fixtures" / "synthetic_foi_rare_jewels.csv"

# Rare Jewels (2019), section 8: the funnel of CCG areas.
PUBLISHED = {
    "areas_usable": 129,
    "accept": 75,
    "do_not_accept": 54,
    "with_age_data": 39,
    "with_referrals": 33,
    "referrals_1_to_5": 8,
    "no_referrals": 6,
    "with_seen": 25,
    "seen_1_to_5": 10,
    "none_seen": 14,
}


def _script(name: str):
    spec = importlib.util.spec_from_file_location(name, REPO / "scripts" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def summary(mirror) -> dict:
    import io
    from contextlib import redirect_stdout

    out = io.StringIO()
    with redirect_stdout(out):
        assert main(["foi", "summary", str(FIXTURE), "--json"]) == 0
    return json.loads(out.getvalue())


def test_fixture_says_it_is_synthetic():
    assert FIXTURE.name.startswith("synthetic_")
    assert FIXTURE.read_text(encoding="utf-8").startswith("# SYNTHETIC TEST DATA")


@pytest.mark.parametrize("key", list(PUBLISHED))
def test_summary_reproduces_each_published_figure(summary, key):
    assert summary[key] == PUBLISHED[key]


def test_summary_shares_and_footnotes(summary):
    assert round(summary["accept_share"] * 100) == 58 and round(summary["do_not_accept_share"] * 100) == 42
    assert summary["accept_share"] == pytest.approx(75 / 129)
    # Footnote 14: age data from the CCG in 20 cases and from the trust in 19; the chart has 32 areas.
    assert summary["with_age_data_from_commissioner"] == 20 and summary["with_age_data_from_provider"] == 19
    assert summary["with_full_data"] == 32
    assert summary["areas_total"] == 195 and summary["synthetic"] is True
    # "children aged 2 and under make up around 16% of the population of under 18s"
    assert summary["population_year"] == 2017 and round(summary["population_share_0_2"], 2) == 0.16


def _plain_funnel(path: Path) -> dict[str, int]:
    """A second, plain reading of the fixture: the report's definitions in a few lines of Python."""
    with open(path, encoding="utf-8") as fh:
        rows = list(csv.DictReader(line for line in fh if not line.startswith("#")))

    def answer(v: str) -> str | None:
        v = v.strip().lower()
        if v in ("n/a", ""):
            return None
        m = re.match(r"(yes|y|no|n)\b", v)
        return None if m is None else m.group(1)[0]

    def count(v: str) -> tuple[int, float] | None:
        v = v.strip().lower()
        if v.isdigit():
            return int(v), int(v)
        return {"none": (0, 0), "nil": (0, 0), "<5": (1, 4), "*": (1, 4), "1-5": (1, 5)}.get(v)

    candidates = defaultdict(list)
    for r in rows:
        for code in r["area_codes"].split(";"):
            candidates[code].append(r)
    f = dict.fromkeys(PUBLISHED, 0)
    for replies in candidates.values():
        def key(r):
            answers = [answer(r[f"accepts_{b}"]) for b in ("0_12", "12_24", "24_36")]
            usable = "y" in answers or answers == ["n"] * 3
            return (usable, r["responder_type"] == "mental health trust", r["reply_date"])
        best = max(replies, key=key)
        answers = [answer(best[f"accepts_{b}"]) for b in ("0_12", "12_24", "24_36")]
        if "y" not in answers and answers != ["n"] * 3:
            continue
        f["areas_usable"] += 1
        if "y" not in answers:
            f["do_not_accept"] += 1
            continue
        f["accept"] += 1
        ref = [count(best[f"referrals_{b}"]) for b in ("0_12", "12_24", "24_36")]
        seen = [count(best[f"seen_{b}"]) for b in ("0_12", "12_24", "24_36")]
        if all(c is None for c in ref + seen):
            continue
        f["with_age_data"] += 1
        for name, cs in (("referrals", ref), ("seen", seen)):
            low = sum(c[0] for c in cs if c)
            high = sum(c[1] for c in cs) if all(cs) else float("inf")
            if low >= 1:
                f["with_referrals" if name == "referrals" else "with_seen"] += 1
                if high <= 5:
                    f["referrals_1_to_5" if name == "referrals" else "seen_1_to_5"] += 1
            if high == 0:
                f["no_referrals" if name == "referrals" else "none_seen"] += 1
    return f


def test_plain_reading_agrees():
    assert _plain_funnel(FIXTURE) == PUBLISHED


def test_fixture_is_regenerated_byte_for_byte(mirror, tmp_path):
    import boundaries

    make = _script("make_synthetic_foi")
    out = tmp_path / "synthetic_again.csv"
    make.write(make.build(boundaries.area_table("ccg2018")), out)
    assert out.read_bytes() == FIXTURE.read_bytes()


def test_check_passes_with_warnings_only(mirror, capsys):
    assert main(["foi", "check", str(FIXTURE)]) == 0
    captured = capsys.readouterr()
    lines = captured.out.splitlines()
    assert lines and all(re.fullmatch(r"row \d+, column [a-z0-9_]+: warning: .+", line) for line in lines)
    assert "SYNTHETIC" in captured.err


def test_check_fails_on_errors_one_per_line(mirror, tmp_path, capsys):
    # SYNTHETIC rows: the fixture's first CCG reply with a bad count and a wrong-vintage code.
    with open(FIXTURE, encoding="utf-8") as fh:
        rows = list(csv.DictReader(line for line in fh if not line.startswith("#")))
    good = rows[1]
    bad = {**good, "reply_id": "bad", "seen_0_12": "-1", "area_codes": "E38000229",
           "area_names": "NHS Erewash CCG"}
    path = tmp_path / "synthetic_bad.csv"
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(COLUMNS), lineterminator="\n")
        writer.writeheader()
        writer.writerows([good, bad])
    assert main(["foi", "check", str(path)]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("row 3, column area_codes: E38000229 is not a ccg2018 code: it is ")
    assert "(wrong vintage); did you mean E38000058 (NHS Erewash CCG, ccg2018)?" in lines[0]
    assert lines[1] == "row 3, column seen_0_12: negative count '-1': counts of children cannot be below 0"
    assert main(["foi", "summary", str(path), "--json"]) == 2  # refuses, pointing to check


def test_classify_in_the_foi_geography_and_carried(mirror, tmp_path):
    out = tmp_path / "classes.csv"
    assert main(["foi", "classify", str(FIXTURE), "--geography", "ccg2018", "--output", str(out)]) == 0
    with open(out, encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 195 and {r["synthetic"] for r in rows} == {"True"}
    counts = defaultdict(int)
    for r in rows:
        counts[r["foi_class"]] += 1
    assert counts["does not accept under-3s"] == 54 and counts["no usable reply"] == 66
    assert counts["accepts, none referred"] == 6 and counts["accepts, 1-5 seen"] == 10

    out = tmp_path / "carried.json"
    assert main(["foi", "classify", str(FIXTURE), "--geography", "uk2023", "--format", "json",
                 "--output", str(out)]) == 0
    carried = json.loads(out.read_text())
    assert len(carried) == 132
    for area in carried:
        total = sum(v for k, v in area.items() if k.startswith("share_"))
        assert total == pytest.approx(1.0)
    wales = [a for a in carried if a["code"].startswith("W11")]
    assert wales and all(a["share_outside_foi"] == 1.0 for a in wales)


def test_templates(tmp_path):
    from openpyxl import load_workbook

    from mapping.inputs.foi import validate_replies
    from mapping.inputs.foi_io import read_replies

    make = _script("make_foi_template")
    make.write_csv(tmp_path / "t.csv")
    assert (tmp_path / "t.csv").read_bytes() == (REPO / "data" / "foi" / "foi_template.csv").read_bytes()
    for name in ("foi_template.csv", "foi_template.xlsx"):
        raw = read_replies(REPO / "data" / "foi" / name)
        assert list(raw.frame.columns) == ["source_row", *COLUMNS] and raw.frame.empty
        report = validate_replies(raw, {})
        assert report.issues == [] and report.replies.empty

    wb = load_workbook(REPO / "data" / "foi" / "foi_template.xlsx")
    assert wb.sheetnames == ["replies", "lists", "README"]
    header = [c.value for c in wb["replies"][1]]
    assert header == list(COLUMNS)
    lists = {str(dv.sqref).split(":")[0]: dv for dv in wb["replies"].data_validations.dataValidation
             if dv.type == "list"}
    letter = {c: wb["replies"].cell(row=1, column=i + 1).column_letter for i, c in enumerate(COLUMNS)}
    for column in ("responder_type", "area_geography", "accepts_0_12", "accepts_12_24", "accepts_24_36"):
        assert f"{letter[column]}2" in lists, column
        assert lists[f"{letter[column]}2"].formula1.startswith("lists!")
    responder_types = [c.value for c in wb["lists"]["A"] if c.value][1:]
    assert responder_types == ["CCG", "ICB", "Sub-ICB location", "mental health trust", "other"]
