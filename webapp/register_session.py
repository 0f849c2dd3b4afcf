"""A register of teams uploaded in this session: taken from the uploader as every upload is (webapp.uploads:
the size limit, the bounded reader, the session keys' life cycle, refusals as text), checked
as the built-in register is, compared with it, and used only when the visitor asks. It lives in this visitor's
session state only (never written to disk); the shared caches see it only as part of a Selection, keyed by
the sha256 of its bytes, so no other session can be served it without holding the same bytes."""

from __future__ import annotations

import hashlib

import pandas as pd
import streamlit as st

from mapping.analysis.selection import Register
from mapping.errors import TeamsFileError
from mapping.inputs.teams import TEAM_COLUMNS
from webapp import uploads
from webapp.uploads import UPLOAD_LIMITS, visitor_message

TEAMS_MAX_MB = uploads.MAX_MB
BUILTIN_SOURCE = "data/teams.csv"
# Session keys this module owns: the register in use, the checked upload waiting to be used, its problems.
IN_USE, CANDIDATE, PROBLEMS, ERROR = "register", "register_candidate", "register_problems", "register_error"
# The upload: a new file (or none) clears the candidate, its problems and its refusal; the register in use stays.
TEAMS_UPLOAD = uploads.UploadKind(label="teams", widget="teams_upload", error=ERROR, owned=(CANDIDATE, PROBLEMS, ERROR))


def session_register() -> Register | None:
    """The register this session uses: None for the built-in one."""
    return st.session_state.get(IN_USE)


def register_line(register: Register | None) -> str:
    """Which register a page's figures come from, in words (Markdown, the file's name shown as text)."""
    from webapp.formatting import escape_markdown

    if register is None:
        return f"Teams register: the built-in one ({BUILTIN_SOURCE})."
    return (f"Teams register: **{escape_markdown(register.source)}**, uploaded in this session (sha256 "
            f"{register.sha256[:12]}), not the built-in {BUILTIN_SOURCE}. Page 'Teams register' goes back.")


def on_teams_upload() -> None:
    """Read a new upload into a candidate (not yet used): its problems, or the checked register."""
    uploads.on_upload(TEAMS_UPLOAD, load_candidate)


def read_register(name: str, data: bytes) -> Register:
    """The register in an upload's bytes, checked with the built-in register's rules (every problem raised
    together as :class:`TeamsFileError`, each ``row N, column C: message``), bases filled as the loader fills them."""
    import boundaries
    from mapping.inputs.teams import fill_catchment_bases, read_teams_bytes, validate_teams

    raw = read_teams_bytes(data, name, limits=UPLOAD_LIMITS)
    geography_ids = [g for g in boundaries.GEOGRAPHY_IDS if not boundaries.get_geography(g).is_composite]
    teams = validate_teams(raw, area_table=boundaries.area_table, geography_ids=geography_ids, path=name)
    teams = fill_catchment_bases(teams, boundaries.load_geography)
    teams.attrs["notices"] = list(raw.attrs.get("notices", []))
    return Register(source=name, sha256=hashlib.sha256(data).hexdigest(), teams=teams)


def load_candidate(name: str, data: bytes) -> None:
    """Check an upload into this session's state only; nothing is written to disk, nothing is used yet."""

    def read() -> None:
        try:
            st.session_state[CANDIDATE] = read_register(name, data)
        except TeamsFileError as exc:  # the rows' problems, as a list; any other refusal as one message
            st.session_state[PROBLEMS] = list(exc.problems) or [visitor_message(name, str(exc))]

    uploads.read_guarded(TEAMS_UPLOAD, name, read)


def use_candidate() -> None:
    """Use the checked upload on every page of this session."""
    _switch(st.session_state.get(CANDIDATE))


def use_builtin() -> None:
    """Go back to the built-in register."""
    _switch(None)


def _switch(register: Register | None) -> None:
    uploads.drop(uploads.DERIVED)
    if register is None:
        st.session_state.pop(IN_USE, None)
    else:
        st.session_state[IN_USE] = register


def problems_frame(problems: list[str]) -> pd.DataFrame:
    """``row N, column C: message`` lines as a table of row, column, message (a line of another form whole)."""
    import re

    pattern = re.compile(r"^row (\d+), column (.*?): (.*)$", re.S)
    rows = []
    for line in problems:
        match = pattern.match(line)
        rows.append({"row": int(match[1]), "column": match[2], "message": match[3]} if match
                    else {"row": None, "column": "", "message": line})
    return pd.DataFrame(rows, columns=["row", "column", "message"])


def _cell(value: object) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    return str(value)


def register_diff(builtin: pd.DataFrame, other: pd.DataFrame) -> pd.DataFrame:
    """What ``other`` changes in ``builtin``, one row per team id: ``change`` (added, removed or changed), the
    team's ``team_id`` and ``name``, and ``fields``: the columns that differ in any of its status periods
    (periods paired in order of their start; a different number of periods is said as such)."""
    columns = [c for c in TEAM_COLUMNS if c in builtin.columns or c in other.columns]

    def periods(frame: pd.DataFrame) -> dict[str, list[dict[str, str]]]:
        out: dict[str, list[dict[str, str]]] = {}
        for _, row in frame.sort_values(["team_id", "from_date"], kind="stable").iterrows():
            out.setdefault(row["team_id"], []).append({c: _cell(row.get(c)) for c in columns})
        return out

    old, new = periods(builtin), periods(other)
    rows = []
    for team_id in sorted(set(old) | set(new)):
        if team_id not in old:
            rows.append({"change": "added", "team_id": team_id, "name": new[team_id][-1]["name"], "fields": ""})
        elif team_id not in new:
            rows.append({"change": "removed", "team_id": team_id, "name": old[team_id][-1]["name"], "fields": ""})
        else:
            changed = [c for c in columns if any(a[c] != b[c] for a, b in zip(old[team_id], new[team_id]))]
            if len(old[team_id]) != len(new[team_id]):
                changed.insert(0, f"status periods ({len(old[team_id])} -> {len(new[team_id])})")
            if changed:
                rows.append({"change": "changed", "team_id": team_id, "name": new[team_id][-1]["name"],
                             "fields": ", ".join(changed)})
    order = {"added": 0, "removed": 1, "changed": 2}
    frame = pd.DataFrame(rows, columns=["change", "team_id", "name", "fields"])
    return frame.sort_values(["change", "team_id"], key=lambda s: s.map(order) if s.name == "change" else s,
                             kind="stable").reset_index(drop=True)
