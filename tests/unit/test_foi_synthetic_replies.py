"""FOI validation, combining, classes, funnel and carrying, on SYNTHETIC replies and areas.

Everything in this file is made up for the tests: the area tables ("Synthetic Area A" ...), the
replies, the small areas and their populations. Answers are worked out by hand in the comments.
"""

from __future__ import annotations

import csv
import math
from pathlib import Path

import pandas as pd
import pytest

from mapping.inputs.foi import (
    FOI_CLASSES,
    OUTSIDE_FOI,
    FoiError,
    area_population,
    carry_classes,
    classify_areas,
    combine_replies,
    funnel,
    validate_replies,
)
from mapping.inputs.foi_io import read_replies, resolve_foi_file
from mapping.inputs.foi_schema import COLUMNS

# Synthetic area tables: 2018 has A, B, C, D; in 2019 A and B merged into AB (a new code).
AREAS_2018 = pd.DataFrame(
    {
        "code": ["E38000901", "E38000902", "E38000903", "E38000904"],
        "name": ["NHS Synthetic Area A CCG", "NHS Synthetic Area B CCG", "NHS Synthetic Area C CCG",
                 "NHS Synthetic Area D CCG"],
        "nation": ["England"] * 4,
    }
)
AREAS_2019 = pd.DataFrame(
    {
        "code": ["E38000999", "E38000903", "E38000904"],
        "name": ["NHS Synthetic Area AB CCG", "NHS Synthetic Area C CCG", "NHS Synthetic Area D CCG"],
        "nation": ["England"] * 3,
    }
)
TABLES = {"ccg2018": AREAS_2018, "ccg2019": AREAS_2019}
NAMES = dict(zip(AREAS_2018["code"], AREAS_2018["name"]))


def reply(code: str = "E38000901", **fields: str) -> dict[str, str]:
    """One synthetic CCG reply: accepts every band, 2 + 3 + 4 referred, 1 + 1 + 2 seen, unless overridden."""
    row = {
        "responder_type": "CCG", "responder_code": code, "responder_name": NAMES.get(code, "Synthetic"),
        "area_geography": "ccg2018", "area_codes": code, "request_reference": "SYN-REF-1",
        "request_date": "2018-06-01", "reply_date": "2018-07-01", "period": "2017-18",
        "accepts_0_12": "yes", "referrals_0_12": "2", "seen_0_12": "1",
        "accepts_12_24": "yes", "referrals_12_24": "3", "seen_12_24": "1",
        "accepts_24_36": "yes", "referrals_24_36": "4", "seen_24_36": "2",
        "referrals_0_18": "1000", "seen_0_18": "800",
    }
    row.update(fields)
    return row


def trust(codes: str, **fields: str) -> dict[str, str]:
    return reply(codes.split(";")[0], responder_type="mental health trust", responder_code="SYNT01",
                 responder_name="Synthetic Mental Health Trust", area_codes=codes, **fields)


def write_csv(path: Path, rows: list[dict[str, str]], comments: tuple[str, ...] = ()) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as fh:
        for line in comments:
            fh.write(f"# {line}\n")
        writer = csv.DictWriter(fh, fieldnames=list(COLUMNS), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return path


def write_xlsx(path: Path, rows: list[dict[str, str]]) -> Path:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "replies"
    ws.append(list(COLUMNS))
    for row in rows:
        ws.append([row.get(c, "") or None for c in COLUMNS])
    wb.save(path)
    return path


def check(tmp_path: Path, rows: list[dict[str, str]], suffix: str = "csv"):
    path = tmp_path / f"synthetic_replies.{suffix}"
    (write_csv if suffix == "csv" else write_xlsx)(path, rows)
    report = validate_replies(read_replies(path), TABLES)
    # No row is ever dropped: one output row per input row, in order, with the file's row numbers.
    assert report.replies["source_row"].tolist() == list(range(2, len(rows) + 2))
    return report


def only(issues, severity="error"):
    return [(i.row, i.column) for i in issues if i.severity == severity]


# --- bad input: each reported with its exact row and column ---------------------------------------


@pytest.mark.parametrize("suffix", ["csv", "xlsx"])
def test_unknown_area_code(tmp_path, suffix):
    report = check(tmp_path, [reply(), reply("E38000902"), reply("E38000777", area_names="Nowhere")], suffix)
    assert only(report.issues) == [(4, "area_codes")]
    assert "unknown area code 'E38000777'" in report.errors[0].message
    assert report.replies["has_error"].tolist() == [False, False, True]


def test_wrong_vintage_code_suggests_the_right_one_by_name(tmp_path):
    # E38000999 is the 2019 merged area; the name given is area B of 2018.
    b_name = "NHS Synthetic Area B CCG"
    rows = [reply(), reply("E38000999", area_names=b_name, responder_name=b_name)]
    report = check(tmp_path, rows)
    assert only(report.issues) == [(3, "area_codes")]
    message = report.errors[0].message
    assert "not a ccg2018 code" in message and "in ccg2019 (wrong vintage)" in message
    assert "did you mean E38000902 (NHS Synthetic Area B CCG, ccg2018)?" in message


def test_wrong_vintage_suggestion_from_the_ccgs_own_name(tmp_path):
    # No area_names: a CCG's own name stands for its single area; "&" and "NHS" are ignored.
    rows = [reply("E38000999", responder_name="Synthetic Area C")]
    report = check(tmp_path, rows)
    assert "did you mean E38000903" in report.errors[0].message


def test_duplicate_reply_and_clashing_reply(tmp_path):
    rows = [reply(), reply("E38000902"), reply(), reply(seen_0_12="3")]
    report = check(tmp_path, rows)
    assert only(report.issues) == [(4, "responder_code"), (5, "responder_code")]
    assert "duplicate reply" in report.errors[0].message and "row 2" in report.errors[0].message
    assert "different answers" in report.errors[1].message


def test_a_later_reply_to_the_same_request_is_not_a_duplicate(tmp_path):
    report = check(tmp_path, [reply(), reply(reply_date="2018-08-01", seen_0_12="3")])
    assert report.ok


@pytest.mark.parametrize("suffix", ["csv", "xlsx"])
def test_negative_and_non_numeric_counts(tmp_path, suffix):
    rows = [reply(), reply("E38000902", seen_12_24="-2", referrals_0_12="lots")]
    report = check(tmp_path, rows, suffix)
    assert only(report.issues) == [(3, "referrals_0_12"), (3, "seen_12_24")]
    assert "negative count" in report.errors[1].message
    assert "cannot read 'lots' as a count" in report.errors[0].message


def test_band_counts_larger_than_the_totals(tmp_path):
    # Referrals 2 + 3 + 4 = 9 > total 8. Seen <5 + 1 + 2 is at least 4 > total 3.
    rows = [reply(referrals_0_18="8"), reply("E38000902", seen_0_12="<5", seen_0_18="3"),
            reply("E38000903", referrals_0_18="9")]
    report = check(tmp_path, rows)
    assert only(report.issues) == [(2, "referrals_0_18"), (3, "seen_0_18")]
    assert "add up to at least 9, more than the 0-18 total 8" in report.errors[0].message


def test_no_with_children_seen_is_flagged_not_fixed(tmp_path):
    report = check(tmp_path, [reply(accepts_0_12="No", seen_0_12="2")])
    assert report.ok and only(report.issues, "warning") == [(2, "seen_0_12")]
    row = report.replies.iloc[0]
    assert (row["accepts_0_12"], row["seen_0_12_low"], row["seen_0_12_text"]) == ("no", 2, "2")


def test_real_spellings_are_normalised_and_suppressed_values_censored(tmp_path):
    rows = [
        reply(accepts_0_12="Yes", accepts_12_24="Y", accepts_24_36="yes - consultation only",
              referrals_0_12="<5", referrals_12_24="*", referrals_24_36="1-5",
              seen_0_12="not recorded", seen_12_24="N/A", seen_24_36="0"),
    ]
    report = check(tmp_path, rows)
    assert report.ok
    r = report.replies.iloc[0]
    assert [r["accepts_0_12"], r["accepts_12_24"], r["accepts_24_36"]] == ["yes", "yes", "yes"]
    assert r["accepts_24_36_qualifier"] == "consultation only"
    assert [(r[f"referrals_{b}_low"], r[f"referrals_{b}_high"]) for b in ("0_12", "12_24", "24_36")] == [
        (1, 4), (1, 4), (1, 5)]
    # Under-3 referrals: 1+1+1 to 4+4+5; seen: two bands unknown, one 0, so 0 to unbounded, not 0.
    assert (r["referrals_u3_low"], r["referrals_u3_high"]) == (3, 13)
    assert r["seen_u3_low"] == 0 and math.isinf(r["seen_u3_high"])


def test_unreadable_accepts_blank_required_cells_and_bad_dates(tmp_path):
    rows = [reply(accepts_12_24="maybe"), reply("E38000902", reply_date="", period="2017"),
            reply("E38000903", responder_type="council", request_date="31/02/2018")]
    report = check(tmp_path, rows)
    assert only(report.issues) == [
        (2, "accepts_12_24"),
        (3, "reply_date"),
        (3, "period"),
        (4, "responder_type"),
        (4, "request_date"),
    ]


def test_missing_column_is_reported_on_the_header_row(tmp_path):
    path = tmp_path / "synthetic_missing.csv"
    with open(path, "w", newline="", encoding="utf-8") as fh:
        fh.write("# synthetic\n# second comment\n")
        columns = [c for c in COLUMNS if c != "seen_0_18"]
        writer = csv.DictWriter(fh, fieldnames=columns, extrasaction="ignore", lineterminator="\n")
        writer.writeheader()
        writer.writerow(reply())
    raw = read_replies(path)
    assert raw.header_row == 3 and raw.synthetic
    report = validate_replies(raw, TABLES)
    assert only(report.issues) == [(3, "seen_0_18")]
    assert report.replies["source_row"].tolist() == [4]


def test_mixed_geographies_in_one_file(tmp_path):
    report = check(tmp_path, [reply(), reply("E38000902"), reply("E38000903", area_geography="ccg2019")])
    assert report.geography == "ccg2018"
    assert only(report.issues) == [(4, "area_geography")]


def test_partial_no_answer_is_a_warning_and_not_usable(tmp_path):
    report = check(tmp_path, [reply(accepts_0_12="no", accepts_12_24="no", accepts_24_36="not recorded",
                                    seen_0_12="0", seen_12_24="0")])
    assert report.ok and only(report.issues, "warning") == [(2, "accepts_24_36")]
    assert report.replies["accepts_status"].tolist() == ["unknown"]


def test_area_names_that_do_not_match_their_codes(tmp_path):
    report = check(tmp_path, [reply(area_names="NHS Synthetic Area C CCG")])
    assert only(report.issues, "warning") == [(2, "area_names")]
    assert "did you mean E38000903" in report.warnings[0].message


def test_xlsx_date_in_a_count_cell(tmp_path):
    from datetime import datetime

    from openpyxl import Workbook

    path = tmp_path / "synthetic_dates.xlsx"
    wb = Workbook()
    ws = wb.active
    ws.append(list(COLUMNS))
    row = reply()
    ws.append([datetime(2018, 5, 1) if c == "seen_0_12" else (row.get(c) or None) for c in COLUMNS])
    wb.save(path)
    report = validate_replies(read_replies(path), TABLES)
    assert only(report.issues) == [(2, "seen_0_12")]
    assert "spreadsheet may have turned a range" in report.errors[0].message


# --- combining ------------------------------------------------------------------------------------


def combined(tmp_path, rows):
    report = check(tmp_path, rows)
    assert report.ok, [str(i) for i in report.issues]
    return combine_replies(report)


def test_provider_clarification_wins_even_when_earlier(tmp_path):
    rows = [reply(reply_date="2018-09-01"),
            trust("E38000901;E38000902", reply_date="2018-08-01", accepts_0_12="no", accepts_12_24="no",
                  accepts_24_36="no", seen_0_12="0", seen_12_24="0", seen_24_36="0")]
    per_area, conflicts = combined(tmp_path, rows)
    a = per_area.set_index("code").loc["E38000901"]
    assert a["responder_role"] == "provider" and a["source_row"] == 3 and a["n_replies"] == 2
    assert a["choice_reason"] == "provider's reply over commissioner's"
    assert per_area.set_index("code").loc["E38000902", "n_replies"] == 1
    differs = conflicts[conflicts["kind"] == "different answer"]
    assert differs["field"].tolist() == ["accepts_0_12", "accepts_12_24", "accepts_24_36",
                                         "seen_0_12", "seen_12_24", "seen_24_36"]
    assert set(differs["other_row"]) == {2} and set(differs["chosen_row"]) == {3}


def test_later_reply_wins_between_equals(tmp_path):
    rows = [reply(reply_date="2018-07-01"), reply(reply_date="2018-07-20", request_reference="SYN-REF-2",
                                                  accepts_0_12="no")]
    per_area, conflicts = combined(tmp_path, rows)
    assert per_area.loc[0, "source_row"] == 3 and per_area.loc[0, "choice_reason"] == "later reply over earlier"
    assert conflicts[["field", "chosen_value", "other_value"]].values.tolist() == [["accepts_0_12", "no", "yes"]]


def test_usable_reply_wins_over_an_unusable_providers(tmp_path):
    unusable = {f"accepts_{b}": "not recorded" for b in ("0_12", "12_24", "24_36")}
    rows = [reply(), trust("E38000901", **unusable), reply("E38000902", **unusable), trust("E38000902")]
    per_area, _ = combined(tmp_path, rows)
    chosen = per_area.set_index("code")["source_row"].to_dict()
    assert chosen == {"E38000901": 2, "E38000902": 5}


def test_combine_refuses_a_file_with_errors(tmp_path):
    report = check(tmp_path, [reply(seen_0_12="-1")])
    with pytest.raises(FoiError, match="1 error"):
        combine_replies(report)


# --- classes and funnel ---------------------------------------------------------------------------


def test_every_class_rule(tmp_path):
    no_counts = {f"{k}_{b}": "not recorded" for k in ("referrals", "seen") for b in ("0_12", "12_24", "24_36")}
    zero_seen = {f"seen_{b}": "0" for b in ("0_12", "12_24", "24_36")}
    zero_ref = {f"referrals_{b}": "0" for b in ("0_12", "12_24", "24_36")}
    all_no = {f"accepts_{b}": "no" for b in ("0_12", "12_24", "24_36")}
    cases = {
        # area: (reply fields, expected class)
        "A": ({**all_no, **zero_seen}, "does not accept under-3s"),
        "B": (no_counts, "accepts, no age breakdown"),
        "C": ({**zero_ref, **zero_seen}, "accepts, none referred"),
        "D": (zero_seen, "accepts, none seen"),
        "E": ({"seen_0_12": "<5", "seen_12_24": "0", "seen_24_36": "0"}, "accepts, 1-5 seen"),
        "F": ({}, "accepts, 1-5 seen"),  # 1 + 1 + 2 = 4
        "G": ({"seen_0_12": "3", "seen_12_24": "3"}, "accepts, more than 5 seen"),  # 3 + 3 + 2
        "H": ({"seen_0_12": "<5", "seen_12_24": "<5"}, "accepts, number seen unclear"),  # 3 to 10
        "I": ({"seen_0_12": "", "seen_12_24": "", "seen_24_36": ""}, "accepts, number seen unclear"),
        "J": ({f"accepts_{b}": "N/A" for b in ("0_12", "12_24", "24_36")}, "no usable reply"),
    }
    codes = {k: f"E38000{900 + i:03d}" for i, k in enumerate(cases, start=1)}
    areas = pd.DataFrame({"code": [*codes.values(), "E38000950"],
                          "name": [f"Synthetic {k}" for k in cases] + ["Synthetic K (no reply)"]})
    rows = [reply(codes[k], responder_name=f"Synthetic {k}", **fields) for k, (fields, _) in cases.items()]
    path = write_csv(tmp_path / "synthetic_classes.csv", rows)
    report = validate_replies(read_replies(path), {"ccg2018": areas})
    assert report.ok, [str(i) for i in report.issues]
    per_area, _ = combine_replies(report)
    classified = classify_areas(per_area, areas).set_index("code")
    for key, (_, expected) in cases.items():
        assert classified.loc[codes[key], "foi_class"] == expected, key
    assert classified.loc["E38000950", "foi_class"] == "no usable reply"
    assert list(classified["foi_class"].cat.categories) == list(FOI_CLASSES)

    f = funnel(classified.reset_index())
    # Usable: A-I (9); accept: B-I (8); with age data: C-I (7). Referrals 2+3+4=9 except C (0) and
    # H/I (unchanged 9): with_referrals 6, none 1, 1-5: 0. Seen >= 1: E, F, G, H (4); 1-5: E, F; none: C, D.
    assert f["areas_usable"] == 9 and f["accept"] == 8 and f["do_not_accept"] == 1
    assert f["accept_share"] == pytest.approx(8 / 9)
    assert (f["with_age_data"], f["with_referrals"], f["referrals_1_to_5"], f["no_referrals"]) == (7, 6, 0, 1)
    assert (f["with_seen"], f["seen_1_to_5"], f["none_seen"]) == (4, 2, 2)
    assert f["areas_total"] == 11 and f["areas_with_reply"] == 10


def test_shares_of_referrals_and_seen_against_population(tmp_path):
    path = write_csv(tmp_path / "synthetic_shares.csv", [reply(seen_0_12="<5")])
    report = validate_replies(read_replies(path), TABLES)
    per_area, _ = combine_replies(report)
    population = pd.DataFrame({"code": ["E38000901"], "age0_2": [160.0], "age0_18": [1000.0]})
    row = classify_areas(per_area, AREAS_2018, population=population).set_index("code").loc["E38000901"]
    # Referrals 9 of 1000; seen 4 to 7 of 800.
    assert row["referrals_u3_share_low"] == pytest.approx(0.009) == row["referrals_u3_share_high"]
    assert (row["seen_u3_share_low"], row["seen_u3_share_high"]) == (pytest.approx(4 / 800), pytest.approx(7 / 800))
    assert row["population_share_0_2"] == pytest.approx(0.16)
    assert row["seen_u3"] == "4-7"


# --- population and carrying ---------------------------------------------------------------------

# Synthetic small areas: u1, u2 in A; u3 in B; u4 in no FOI area (another nation).
LOOKUP = pd.DataFrame(
    {
        "unit_code": ["u1", "u2", "u3", "u4"],
        "nation": ["England", "England", "England", "Wales"],
        "ccg2018": ["E38000901", "E38000901", "E38000902", None],
        "lad2018": ["L1", "L2", "L2", "L2"],
    }
)
POPULATION = pd.DataFrame(
    {"unit_code": ["u1", "u2", "u3", "u4"], "age0_2": [10.0, 30.0, 60.0, 100.0],
     "age0_18": [100.0, 200.0, 300.0, 400.0]}
)


def test_area_population():
    pop = area_population(LOOKUP, POPULATION, "ccg2018").set_index("code")
    assert pop.loc["E38000901", "age0_2"] == 40 and pop.loc["E38000901", "age0_18"] == 300
    assert pop.loc["E38000902", "share_0_2"] == pytest.approx(0.2)
    assert len(pop) == 2


def test_carry_classes_shares_and_conservation():
    classified = pd.DataFrame({"code": ["E38000901", "E38000902"],
                               "foi_class": ["accepts, 1-5 seen", "does not accept under-3s"]})
    out = carry_classes(classified, LOOKUP, POPULATION, "ccg2018", "lad2018").set_index("code")
    # L1 = u1 only: all 1-5 seen. L2 = u2 (30, 1-5) + u3 (60, not accept) + u4 (100, outside): 190.
    assert out.loc["L1", "foi_class"] == "accepts, 1-5 seen" and out.loc["L1", "class_share"] == 1.0
    assert out.loc["L2", "age0_2"] == 190
    assert out.loc["L2", "share_accepts_1_to_5_seen"] == pytest.approx(30 / 190)
    assert out.loc["L2", "share_does_not_accept"] == pytest.approx(60 / 190)
    assert out.loc["L2", "share_outside_foi"] == pytest.approx(100 / 190)
    assert out.loc["L2", "foi_class"] == OUTSIDE_FOI
    shares = out.filter(like="share_")
    assert shares.sum(axis=1).tolist() == pytest.approx([1.0, 1.0])
    assert out["age0_2"].sum() == POPULATION["age0_2"].sum()  # every child counted once


def test_carry_refuses_missing_population():
    classified = pd.DataFrame({"code": ["E38000901", "E38000902"], "foi_class": ["no usable reply"] * 2})
    with pytest.raises(FoiError, match="1 small areas have no population"):
        carry_classes(classified, LOOKUP, POPULATION.iloc[:3], "ccg2018", "lad2018")


# --- which file to show ---------------------------------------------------------------------------


def test_no_foi_layer_unless_a_file_is_given(tmp_path):
    assert resolve_foi_file(None, environ={}) is None
    path = write_csv(tmp_path / "synthetic_env.csv", [reply()])
    assert resolve_foi_file(None, environ={"PIMAP_FOI_FILE": str(path)}) == path
    assert resolve_foi_file(str(path), environ={"PIMAP_FOI_FILE": "/nonexistent.csv"}) == path
    with pytest.raises(FoiError, match="PIMAP_FOI_FILE"):
        resolve_foi_file(None, environ={"PIMAP_FOI_FILE": str(tmp_path / "missing.csv")})


@pytest.mark.parametrize(("given", "problem"), [("missing.csv", "does not exist"), ("", "is a folder, not a file")])
def test_a_bad_foi_file_is_named_with_what_is_wrong_and_no_command_line_flag(tmp_path, given, problem):
    path = tmp_path / given if given else tmp_path
    with pytest.raises(FoiError) as info:
        resolve_foi_file(path, environ={})
    assert str(info.value) == f"FOI replies file {str(path)!r} {problem}"
    with pytest.raises(FoiError) as info:
        resolve_foi_file(None, environ={"PIMAP_FOI_FILE": str(path)})
    assert str(info.value) == f"FOI replies file {str(path)!r} (named by PIMAP_FOI_FILE) {problem}"
    assert "--" not in str(info.value)


# --- reading files --------------------------------------------------------------------------------


def test_blank_rows_extra_cells_and_windows_encoding(tmp_path):
    path = write_csv(tmp_path / "synthetic_layout.csv", [reply(), reply("E38000902")])
    lines = path.read_text(encoding="utf-8").splitlines()
    # Row 3 blank between replies, row 4 has a stray cell, two blank rows at the end (not reported).
    text = "\n".join([lines[0], lines[1], "", lines[2] + ",stray", "", ""]) + "\n"
    path.write_text(text, encoding="utf-8")
    report = validate_replies(read_replies(path), TABLES)
    assert report.replies["source_row"].tolist() == [2, 4]
    assert [(i.row, i.column, i.severity) for i in report.issues] == [(3, "reply_id", "warning"),
                                                                      (4, "file", "error")]

    cp = tmp_path / "synthetic_cp1252.csv"
    write_csv(cp, [reply(notes="cost \u00a3100")])
    cp.write_bytes(cp.read_text(encoding="utf-8").encode("cp1252"))
    report = validate_replies(read_replies(cp), TABLES)
    assert [(i.row, i.column, i.severity) for i in report.issues] == [(1, "file", "warning")]
    assert report.replies.loc[0, "notes"] == "cost \u00a3100"


def test_upload_bytes_and_unsupported_files(tmp_path):
    from mapping.inputs.foi_io import analyse_replies, read_replies_bytes

    path = write_xlsx(tmp_path / "synthetic_upload.xlsx", [reply(), reply("E38000902")])
    analysis = analyse_replies(read_replies_bytes(path.read_bytes(), "synthetic_upload.xlsx"), TABLES)
    assert analysis.funnel["accept"] == 2 and analysis.synthetic
    with pytest.raises(FoiError, match="unsupported file type '.txt'"):
        read_replies_bytes(b"x", "replies.txt")
    with pytest.raises(FoiError, match="not a readable .xlsx"):
        read_replies_bytes(b"not a zip", "replies.xlsx")
