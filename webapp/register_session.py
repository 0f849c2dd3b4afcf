"""A register of teams uploaded in this session: read from bytes with the FOI uploads' bounded reader, checked
as the built-in register is, compared with it, and used only when the visitor asks. It lives in this visitor's
session state only (never written to disk); the shared caches see it only as part of a Selection, keyed by
the sha256 of its bytes, so no other session can be served it without holding the same bytes."""

from __future__ import annotations

import hashlib
import logging

import pandas as pd
import streamlit as st

from mapping.analysis.selection import Register
from mapping.errors import PimapError, TeamsFileError
from mapping.inputs.teams import TEAM_COLUMNS
from webapp.foi_session import UPLOAD_LIMITS, visitor_message

TEAMS_MAX_MB = 5
BUILTIN_SOURCE = "data/teams.csv"
# Session keys this module owns: the register in use, the checked upload waiting to be used, its problems.
IN_USE, CANDIDATE, PROBLEMS, ERROR = "register", "register_candidate", "register_problems", "register_error"
# Other session keys computed with the register in use, dropped when it changes.
_DERIVED = ("foi_classes", "foi_ladder", "report_pack")
_log = logging.getLogger(__name__)


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
    for key in (CANDIDATE, PROBLEMS, ERROR):
        st.session_state.pop(key, None)
    upload = st.session_state.get("teams_upload")
    if upload is None:
        return
    data = upload.getvalue()
    if len(data) > TEAMS_MAX_MB * 1024 * 1024:
        st.session_state[ERROR] = (f"{upload.name} is {len(data) / 1024 / 1024:.1f} MB; the limit is {TEAMS_MAX_MB} MB.")
        return
    load_candidate(upload.name, data)


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
    try:
        st.session_state[CANDIDATE] = read_register(name, data)
    except TeamsFileError as exc:
        st.session_state[PROBLEMS] = list(exc.problems) or [visitor_message(name, str(exc))]
    except PimapError as exc:
        st.session_state[ERROR] = visitor_message(name, str(exc))
    except Exception:  # never a traceback for a visitor: the details go to the server's log only
        _log.exception("teams upload %r could not be read", name)
        st.session_state[ERROR] = (f"{name}: could not be read because of a fault in the app, not necessarily in "
                                   "your file; try again, or save it again as 'CSV UTF-8' and upload that")


def use_candidate() -> None:
    """Use the checked upload on every page of this session."""
    _switch(st.session_state.get(CANDIDATE))


def use_builtin() -> None:
    """Go back to the built-in register."""
    _switch(None)


def _switch(register: Register | None) -> None:
    for key in _DERIVED:
        st.session_state.pop(key, None)
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
