"""Hostile text on the app's pages: every app page shows a user's or a data file's text literally; a page that
fails shows a short message, never a traceback or a path.

Moved from tests/unit/test_text_safety.py, which keeps the map's layers, figures and Markdown checks and the
map script's browser test: the app tests here read the real data (the ``mirror`` fixture), which the fast tier
(all of tests/unit) deselects. Every hostile name is SYNTHETIC (data/teams.csv is never
changed: the profile test reads a copy of it with one team renamed).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from app_helpers import open_page
from text_safety_helpers import HOSTILE, PROBES, unescape, unescaped

REPO = Path(__file__).resolve().parents[2]


def _all_text(at) -> str:
    """Every element the app sent, main area and sidebar, as its protobuf text."""
    out = []

    def walk(node) -> None:
        proto = getattr(node, "proto", None)
        if proto is not None:
            out.append(str(proto))
        for child in getattr(node, "children", {}).values():
            walk(child)

    walk(at._tree)
    return "\n".join(out)


def _run(page: str, **params):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=300)
    at.query_params["page"] = page
    for key, value in params.items():
        at.query_params[key] = value
    return at.run()


@pytest.mark.slow
def test_a_failing_page_shows_a_short_message_and_no_traceback_or_path(mirror, monkeypatch, caplog):
    import webapp.pages.about

    def broken(view) -> None:
        raise RuntimeError(f"boom in {REPO}/secret.py and /usr/lib/python3/site-packages/x.py")

    monkeypatch.setattr(webapp.pages.about, "page_about", broken)
    with caplog.at_level("ERROR"):
        at = _run("about")
    assert not at.exception
    assert len(at.error) == 1 and "went wrong" in at.error[0].value
    sent = _all_text(at)
    assert "Traceback" not in sent and "/work/" not in sent and "site-packages" not in sent
    assert str(REPO) not in sent and "boom" not in sent and "RuntimeError" not in sent
    assert "boom in" in caplog.text  # the details are in the server's log


@pytest.mark.slow
def test_a_library_error_shows_its_message_as_text(mirror, monkeypatch):
    import webapp.pages.about
    from mapping.errors import PimapError

    def refusing(view) -> None:
        raise PimapError(f"file {HOSTILE}.csv: not readable")

    monkeypatch.setattr(webapp.pages.about, "page_about", refusing)
    at = _run("about")
    assert not at.exception and len(at.error) == 1
    assert unescape(at.error[0].value) == f"file {HOSTILE}.csv: not readable"
    assert unescaped(at.error[0].value) == []


@pytest.fixture()
def hostile_teams(mirror, tmp_path, monkeypatch):
    """A copy of data/teams.csv in which Aneurin Bevan's team (the whole health board) carries a SYNTHETIC
    hostile name; the app reads the copy (and keys its caches by it), never the real file. The register refuses
    ``<`` and ``>`` in names (tests/unit/test_register_checks.py), so the name carries the Markdown and LaTeX
    probes, which a register accepts."""
    import shutil

    import webapp.data
    from boundaries import config

    shutil.copytree(config.data_dir(), tmp_path / "data")
    teams = pd.read_csv(REPO / "data" / "teams.csv", dtype=str, keep_default_na=False)
    name = "Team " + " ".join(p for p in PROBES if "<" not in p)
    teams.loc[teams["team_id"] == "aneurin-bevan", "name"] = name
    teams.to_csv(tmp_path / "data" / "teams.csv", index=False)
    monkeypatch.setenv(config.DATA_DIR.name, str(tmp_path / "data"))
    webapp.data.data_version.clear()
    yield name
    webapp.data.data_version.clear()


@pytest.mark.slow
def test_a_hostile_team_name_shows_literally_on_the_profile(hostile_teams):
    at = _run("profile", geo="uk2023", date="2023", area="W11000028")  # Aneurin Bevan University Health Board
    assert not at.exception, [e.value for e in at.exception]
    serving = [m.value for m in at.markdown if "Serving teams" in m.value]
    assert serving and hostile_teams in unescape(serving[0]) and unescaped(serving[0].split(":**", 1)[1]) == []
    # Nowhere on the page is a probe sent as live Markdown or HTML.
    for element in [*at.markdown, *at.caption, *at.subheader, *at.info, *at.success, *at.warning, *at.error]:
        for probe in PROBES:
            assert probe not in element.value


@pytest.mark.slow
def test_a_hostile_upload_name_shows_literally(mirror):
    """The visitor's own file name, in the upload's error and in the report pack's description."""
    at = _run("foi", geo="uk2018")
    at.file_uploader(key="foi_upload").upload(f"{HOSTILE}.xlsx", b"not a workbook", "application/zip").run()
    assert not at.exception, [e.value for e in at.exception]
    assert any(HOSTILE in unescape(e.value) for e in at.error)
    at.file_uploader(key="foi_upload").upload(f"{HOSTILE}.csv", (REPO / "tests" / "fixtures" /
                                              "synthetic_foi_rare_jewels.csv").read_bytes(), "text/csv").run()
    assert not at.exception, [e.value for e in at.exception]
    open_page(at, "tables")
    shown = [e.value for e in [*at.error, *at.markdown, *at.caption, *at.info, *at.warning, *at.success]]
    assert any(HOSTILE in unescape(v) and "FOI replies" in v for v in shown)
    for value in shown:
        for probe in PROBES:
            assert probe not in value
    # The ladder page's note names the file too (Markdown in st.warning for the SYNTHETIC fixture).
    open_page(at, "ladder")
    notes = [e.value for e in [*at.warning, *at.info] if "Levels 1 and 0 come from" in e.value]
    assert notes and all(HOSTILE in unescape(v) for v in notes)
    for value in notes:
        for probe in PROBES:
            assert probe not in value
