"""Fuzz-style probes of the teams file reader (mapping.inputs.teams.read_teams_bytes) on SYNTHETIC files.

The same probe classes as the FOI reader's (tests/upload_probes.py), since both read through
mapping.inputs.tabular: each generated file must be refused with a TeamsFileError naming it, or read with
every row and cell equal to a plain second reading under the teams file's own reading rules (header
on the first non-blank row, every column of TEAM_COLUMNS exactly once, no blank rows, a CSV record
as wide as the header, cells stripped). Examples are derandomised, so CI runs the same cases.
"""

from __future__ import annotations

import pandas as pd
import pytest
from upload_helpers import Tally
from upload_probes import ProbeSuite, Spec

from mapping.inputs.tabular import Limits
from mapping.inputs.teams import TEAM_COLUMNS, read_teams_bytes

TALLY = Tally("teams reader")


def read(data: bytes, name: str, limits: Limits | None) -> tuple[object, list[str]]:
    frame = read_teams_bytes(data, name, **({"limits": limits} if limits else {}))
    return frame, list(frame.attrs.get("notices", []))


def reference(records: list[list[str]], kind: str) -> object | None:
    """The rows the teams reader must return, or None where its reading rules refuse the file."""
    start = next((i for i, cells in enumerate(records) if any(c.strip() for c in cells)), None)
    if start is None:
        return None
    header = [c.strip() for c in records[start]]
    last = max(i for i, n in enumerate(header) if n)
    named = header[: last + 1]
    if "" in named or len(set(named)) != len(named) or sorted(header) != sorted(TEAM_COLUMNS):
        return None  # blank, repeated, missing or unknown columns
    rows = []
    for number, cells in enumerate(records[start + 1:], start=start + 2):
        if not any(c.strip() for c in cells):
            return None  # a blank row is a problem
        if kind == "csv" and len(cells) != len(header):
            return None
        if kind == "xlsx":
            if any(c.strip() for c in cells[len(header):]):
                return None
            cells = [*cells[: len(header)], *[""] * (len(header) - len(cells))]
        rows.append({"row": number, **{h: c.strip() for h, c in zip(header, cells)}})
    if not rows:
        return None
    return pd.DataFrame(rows, columns=["row", *header], dtype=object)


def matches(frame: object, expected: object) -> bool:
    assert isinstance(frame, pd.DataFrame) and isinstance(expected, pd.DataFrame)
    return list(frame.columns) == list(expected.columns) and frame.values.tolist() == expected.values.tolist()


SPEC = Spec(title="teams reader", sheet="teams", header=TEAM_COLUMNS, comments=(), read=read, reference=reference,
            matches=matches, one_line_refusals=False)


@pytest.fixture(scope="module", autouse=True)
def _probe_table():
    yield
    TALLY.write()


class TestTeamsReaderProbes(ProbeSuite):
    spec = SPEC
    tally = TALLY
