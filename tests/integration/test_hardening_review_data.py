"""Holes found by the second hostile review of issue 11 that only show on the real data.

Moved from tests/unit/test_hardening_review.py (whose files are all synthetic): the summary built from the
real inputs with the SYNTHETIC FOI fixture under a hostile name, and `pimap teams` checked against the real
code lists writing onto a full disk.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from upload_helpers import FOI_FIXTURE

from mapping import report as R


def test_an_foi_file_name_is_text_in_every_summary_sentence(mirror):
    """The ladder section wrote the FOI file's name raw inside backticks, and its '{...}' were taken as figure
    ids: a legal file name stopped the pack ('names figures it does not give') or, naming a real id, had a
    figure written into it; a backtick let markup out of the code span. Real data, SYNTHETIC FOI fixture."""
    from datetime import date

    from mapping.present.text import escape_markdown

    name = "synthetic `x` <img src=x onerror=alert(1)> {nope} {UK.teams_operating}.csv"
    data = R.load_inputs("uk2023", 2020, as_of=date(2023, 9, 1),
                         foi=(name, FOI_FIXTURE.read_bytes()))
    tables = R.pack_tables(data)
    sections = R.summary_sections(data, tables)
    markdown = R.summary_markdown(data, R.headline_figures(data, tables, sections), [], sections)
    ladder = [line for line in markdown.splitlines() if "Levels 1 and 0 come from the FOI file" in line]
    assert len(ladder) == 1
    assert escape_markdown(name) in ladder[0]
    assert not re.search(r"(?<!\\)[<`{]", ladder[0].split("FOI file", 1)[1])  # every one escaped


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full (Linux)")
@pytest.mark.parametrize("argv", [["teams"], ["teams", "--format", "json"]], ids=["csv", "json"])
def test_standard_output_on_a_full_disk_is_one_line_and_exit_2(argv, mirror):
    """``pimap teams > /dev/full`` ended in an OSError traceback with exit 1 (issue 11, finding 5: a full disk
    gets one line and exit 2). Reads data/teams.csv and checks its catchments against the real code lists."""
    import subprocess
    import sys

    with open("/dev/full", "w") as full:
        done = subprocess.run([sys.executable, "-m", "mapping.cli", *argv], stdout=full, stderr=subprocess.PIPE,
                              text=True, timeout=120, cwd=Path(__file__).resolve().parents[2])
    assert done.returncode == 2, done.stderr
    assert done.stderr.strip().splitlines() == [done.stderr.strip()], done.stderr
    assert done.stderr.startswith("pimap: error: standard output could not be written: no space left")
