"""A register of teams a visitor brings (page 'Teams register', AppTest): checked, compared with the built-in
register before it is used, used by every page only when chosen, and never seen by another session."""

from __future__ import annotations

import csv
import io

import pytest
from app_helpers import assert_no_failure, frame, open_page, run_app

pytestmark = pytest.mark.slow

BUILTIN_LINE = "Teams register: the built-in one (data/teams.csv)."


def builtin_rows() -> tuple[list[str], list[list[str]]]:
    """The header and rows of the built-in register, as a visitor's spreadsheet would hold them."""
    from boundaries import config

    rows = list(csv.reader(io.StringIO(config.teams_path().read_text(encoding="utf-8"))))
    return rows[0], rows[1:]


def as_csv(header: list[str], rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows([header, *rows])
    return out.getvalue().encode("utf-8")


def one_team_removed() -> tuple[str, bytes]:
    """A register with one team removed: a team with a single status period, operating today."""
    header, rows = builtin_rows()
    col = {c: i for i, c in enumerate(header)}
    ids = [r[col["team_id"]] for r in rows]
    team = next(r[col["team_id"]] for r in rows if ids.count(r[col["team_id"]]) == 1
                and r[col["status"]] == "operating" and not r[col["to"]])
    return team, as_csv(header, [r for r in rows if r[col["team_id"]] != team])


def captions(at) -> list[str]:
    return [c.value for c in at.caption]


def teams_operating(at) -> int:
    return int(next(m.value for m in at.metric if m.label == "Teams operating"))


def upload(at, name: str, data: bytes) -> None:
    at.file_uploader(key="teams_upload").upload(name, data, "text/csv").run()
    assert_no_failure(at)


def test_diff_is_shown_before_use_then_every_page_uses_the_register(mirror):
    team, data = one_team_removed()
    at = run_app()
    before = teams_operating(at)
    assert BUILTIN_LINE in captions(at)
    open_page(at, "teams")
    upload(at, "our-register.csv", data)
    diff = frame(at, "fields")
    assert diff[["change", "team id"]].values.tolist() == [["removed", team]]
    assert any(f"- removed **{team}**" in m.value for m in at.markdown)  # in words too (a phone's narrow table)
    assert at.button(key="use_register").value is False  # offered, not yet used
    assert "register" not in at.session_state
    open_page(at, "map")
    assert teams_operating(at) == before  # not used until chosen
    open_page(at, "teams")
    at.button(key="use_register").click().run()
    assert_no_failure(at)
    assert [s.value for s in at.success] == ["our-register.csv is in use on every page of this session."]
    open_page(at, "map")
    assert teams_operating(at) == before - 1
    line = next(c for c in captions(at) if c.startswith("Teams register:"))
    assert "our-register.csv" in line and "uploaded in this session" in line
    for page in ("tables", "ladder", "profile"):
        open_page(at, page)
        assert any(c.startswith("Teams register: **our-register.csv**") for c in captions(at)), page
    open_page(at, "teams")
    at.button(key="use_builtin").click().run()
    open_page(at, "map")
    assert teams_operating(at) == before and BUILTIN_LINE in captions(at)


def test_download_meta_names_the_register(mirror):
    from datetime import date

    from mapping.analysis.selection import Register, builtin_register
    from webapp.data import download_meta

    # the built-in rows under another name: the download names the register, and its headline counts its rows
    register = Register(source="our-register.csv", sha256="ab" * 32, teams=builtin_register().teams)
    meta = download_meta("t", "uk2023", 2020, date(2024, 7, 1), register=register)
    assert meta.sources[0].startswith(f"Teams: our-register.csv (sha256 {'ab' * 32})")
    assert "our-register.csv" in meta.attribution
    assert "data/teams.csv" in download_meta("t", "uk2023", 2020, date(2024, 7, 1)).sources[0]
    assert meta.notes[0].startswith("Our list on 1 July 2024: ")


def test_an_uploaded_register_is_never_seen_by_another_session(mirror):
    _, data = one_team_removed()
    first = run_app(page="teams")
    upload(first, "private.csv", data)
    first.button(key="use_register").click().run()
    open_page(first, "map")
    second = run_app()
    assert BUILTIN_LINE in captions(second)
    assert "register" not in second.session_state and "register_candidate" not in second.session_state
    assert teams_operating(second) == teams_operating(first) + 1
    assert not any("private.csv" in c for c in captions(second))


def test_a_bad_upload_lists_problems_by_row_and_column(mirror):
    header, rows = builtin_rows()
    col = {c: i for i, c in enumerate(header)}
    rows[2][col["nation"]] = "Atlantis"
    rows[4][col["from"]] = "1985"
    at = run_app(page="teams")
    upload(at, "bad.csv", as_csv(header, rows))
    text = "\n".join(t.value for t in at.text)
    assert "row 4, column nation:" in text  # header is row 1: rows[2] is spreadsheet row 4
    assert "row 6, column from:" in text
    problems = frame(at, "message")
    assert {(4, "nation"), (6, "from")} <= set(zip(problems["row"], problems["column"]))
    assert "register_candidate" not in at.session_state


def test_markup_in_a_file_name_is_shown_as_text(mirror):
    from webapp.formatting import escape_markdown

    _, data = one_team_removed()
    name = "<b>x</b>*y*.csv"
    at = run_app(page="teams")
    upload(at, name, data)
    assert [s.value for s in at.subheader] == [f"How {escape_markdown(name)} differs from the built-in register"]
    assert at.button(key="use_register").label == f"Use {escape_markdown(name)} on every page"


# --- the template --------------------------------------------------------------------------------


def _template_script():
    import importlib.util

    from app_helpers import REPO

    spec = importlib.util.spec_from_file_location("make_teams_template", REPO / "scripts" / "make_teams_template.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_template_has_the_register_header_drop_downs_and_instructions(tmp_path):
    from app_helpers import REPO
    from openpyxl import load_workbook

    from mapping.inputs.teams import TEAM_COLUMNS

    make = _template_script()
    make.write_csv(tmp_path / "t.csv")
    assert (tmp_path / "t.csv").read_bytes() == (REPO / "data" / "teams_template.csv").read_bytes()
    assert make.xlsx_bytes() == make.xlsx_bytes() == (REPO / "data" / "teams_template.xlsx").read_bytes()
    wb = load_workbook(REPO / "data" / "teams_template.xlsx")
    assert wb.sheetnames == ["teams", "lists", "instructions"]
    assert tuple(c.value for c in wb["teams"][1]) == TEAM_COLUMNS
    letter = {c: wb["teams"].cell(row=1, column=i + 1).column_letter for i, c in enumerate(TEAM_COLUMNS)}
    lists = {str(dv.sqref).split(":")[0]: dv.formula1 for dv in wb["teams"].data_validations.dataValidation
             if dv.type == "list"}
    listed = ["nation", "status", "location_precision", "from_basis",
              *(["evidence_grade"] if "evidence_grade" in TEAM_COLUMNS else [])]
    assert sorted(lists) == sorted(f"{letter[c]}2" for c in listed)
    status_col = wb["lists"].cell(row=1, column=list(make.LISTS).index("status") + 1).column_letter
    assert [c.value for c in wb["lists"][status_col]][1:5] == ["operating", "in development", "closed",
                                                              "specialist practitioners only"]
    described = [r[0] for r in wb["instructions"].iter_rows(min_row=2, values_only=True) if r[0]]
    assert {n.strip() for d in described for n in d.split(",")} >= set(TEAM_COLUMNS) - {"evidence_grade"}


def test_template_filled_with_the_builtin_rows_reads_back_as_the_builtin_register(mirror):
    from app_helpers import REPO
    from openpyxl import load_workbook

    from mapping.analysis.selection import builtin_register
    from webapp.register_session import read_register, register_diff

    header, rows = builtin_rows()
    wb = load_workbook(REPO / "data" / "teams_template.xlsx")
    assert [c.value for c in wb["teams"][1]] == header
    for row in rows:
        wb["teams"].append([cell or None for cell in row])
    buffer = io.BytesIO()
    wb.save(buffer)
    register = read_register("filled.xlsx", buffer.getvalue())
    assert len(register.teams) == len(rows)
    assert register_diff(builtin_register().teams, register.teams).empty


def test_diff_names_added_removed_and_changed_teams_with_their_fields():
    import pandas as pd

    from webapp.register_session import register_diff

    def team(team_id, frm, status="operating", host="Trust A", to=""):
        return {"team_id": team_id, "name": team_id.upper(), "host_organisation": host, "status": status,
                "from": frm, "to": to, "from_date": pd.Timestamp(frm)}

    builtin = pd.DataFrame([team("a", "2019"), team("b", "2019"), team("c", "2018")])
    other = pd.DataFrame([team("a", "2019", host="Trust B"), team("c", "2018", to="2021-06"),
                          team("c", "2021-07", status="closed"), team("d", "2024")])
    diff = register_diff(builtin, other)
    assert diff.values.tolist() == [
        ["added", "d", "D", ""],
        ["removed", "b", "B", ""],
        ["changed", "a", "A", "host_organisation"],
        ["changed", "c", "C", "status periods (1 -> 2), to"],
    ]
