"""Page 'Teams register': upload a register of teams for this session, see how it differs from the built-in
one, and choose which one every page uses."""

from __future__ import annotations

import streamlit as st

from boundaries import config
from mapping.present.downloads import download_name, to_csv_bytes
from webapp.data import data_version, download_meta, teams_table
from webapp.formatting import escape_markdown
from webapp.register_session import (
    CANDIDATE,
    ERROR,
    PROBLEMS,
    TEAMS_MAX_MB,
    on_teams_upload,
    problems_frame,
    register_diff,
    register_line,
    use_builtin,
    use_candidate,
)
from webapp.state import View

TEMPLATES = {"xlsx": ("teams_template.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
             "csv": ("teams_template.csv", "text/csv")}


def page_teams(view: View) -> None:
    st.header("Teams register")
    st.markdown(register_line(view.register))
    st.markdown(
        "Bring your own register of teams (the Foundation's, a commissioner's, a research team's): a CSV or XLSX "
        "in the columns of the built-in `data/teams.csv` (the template below has drop-down lists and an "
        "instructions sheet). It is checked with the same rules, then compared with the built-in register; "
        "only when you choose to use it do the map, tables, ladder and profiles compute from it. It is read in "
        "memory for **this session only**: it is not stored on the server and no other visitor can see it. "
        f"Limit: {TEAMS_MAX_MB} MB.")
    template_buttons(view)
    st.file_uploader("Register of teams (CSV or XLSX)", type=["csv", "xlsx"], key="teams_upload",
                     max_upload_size=TEAMS_MAX_MB, on_change=on_teams_upload)
    if st.session_state.get(ERROR):
        st.error(escape_markdown(st.session_state[ERROR]))  # it names the visitor's file: shown as text
    problems = st.session_state.get(PROBLEMS)
    if problems:
        st.error(f"{len(problems)} problem(s): fix them and upload again. Each names the row (as in a spreadsheet) "
                 "and the column.")
        st.text("\n".join(problems))  # as text: a visitor's cells are never run as Markdown or HTML
        st.dataframe(problems_frame(problems), hide_index=True, key="register_problems_table")
    candidate = st.session_state.get(CANDIDATE)
    if candidate is not None:
        diff = register_diff(teams_table(data_version()), candidate.teams)
        counts = diff["change"].value_counts()
        shown = escape_markdown(candidate.source)  # the visitor's file name, as text
        st.subheader(f"How {shown} differs from the built-in register")
        st.text(f"{len(candidate.teams)} rows, {candidate.teams['team_id'].nunique()} team ids: "
                f"{counts.get('added', 0)} added, {counts.get('removed', 0)} removed, "
                f"{counts.get('changed', 0)} changed (sha256 {candidate.sha256[:12]}).")
        if diff.empty:
            st.info("No difference: the upload holds the same teams as the built-in register.")
        else:
            st.markdown(diff_in_words(diff))
            st.dataframe(diff.rename(columns={"team_id": "team id", "name": "team"}), hide_index=True,
                         key="register_diff_table")
        for notice in candidate.teams.attrs.get("notices", []):
            st.text(notice)
        if view.register is not None and view.register.sha256 == candidate.sha256:
            st.success(f"{shown} is in use on every page of this session.")
        else:
            st.button(f"Use {shown} on every page", key="use_register", on_click=use_candidate, type="primary")
    if view.register is not None:
        st.button("Go back to the built-in register", key="use_builtin", on_click=use_builtin)
        rows = view.register.teams
        st.download_button("Download the register in use (CSV)",
                           to_csv_bytes(rows[[c for c in rows.columns if c not in ("row", "from_date", "to_date")]],
                                        download_meta(f"Register of teams in use: {view.register.source}",
                                                      view.geography, view.year, view.as_of,
                                                      register=view.register)),
                           key="dl_register", file_name=download_name("teams-register", view.geography, "csv"),
                           mime="text/csv", on_click="ignore")


def diff_in_words(diff, limit: int = 40) -> str:
    """The diff as a Markdown list (it wraps on a phone, where the table's last column is off screen); every
    value from the file escaped, so it shows as text."""
    lines = []
    for row in diff.head(limit).itertuples():
        fields = f": {escape_markdown(row.fields)}" if row.fields else ""
        lines.append(f"- {row.change} **{escape_markdown(row.team_id)}** ({escape_markdown(row.name)}){fields}")
    if len(diff) > limit:
        lines.append(f"- and {len(diff) - limit} more: see the table")
    return "\n".join(lines)


def template_buttons(view: View) -> None:
    """The empty template (data/teams_template.xlsx and .csv), for download."""
    cols = st.columns(len(TEMPLATES))
    for col, (ext, (name, mime)) in zip(cols, TEMPLATES.items()):
        path = config.data_dir() / name
        if path.is_file():
            col.download_button(f"Download the template ({ext.upper()})", path.read_bytes(), file_name=name,
                                mime=mime, key=f"dl_teams_template_{ext}", on_click="ignore")
