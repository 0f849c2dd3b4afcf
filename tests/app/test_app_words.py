"""Words for users: the national map's legend in words is written from the style the map is drawn with (no real
data); and no module name, None/NaN or snake_case header reaches a page, a download or a pack (issue 15 item 5),
scanned by tests/words_helpers.py."""

from __future__ import annotations

import dataclasses

import pytest
from words_helpers import internal_words, scan_app, scan_bytes

from mapping.inputs.vocabulary import TeamStatus
from mapping.present import style
from webapp.pages.map import line_in_words, markers_in_words
from webapp.state import PAGES


def test_the_words_name_every_marker_and_outline_as_drawn():
    words = markers_in_words()
    for marker in style.TEAM_MARKERS.values():
        assert f"{marker.symbol} {marker.label} ({marker.shape})" in words
    assert "black dashed outlines: edge of a team's catchment" in words
    assert "vermillion dashed outlines: edge of a catchment of a team in development" in words
    assert "bluish green dotted outlines: CAMHS specialist practitioners, no team" in words
    assert "blue outlines" not in words.replace("bluish", "")  # the old words, from before the one style


def test_a_changed_style_changes_the_words(monkeypatch):
    solid_blue = dataclasses.replace(style.CATCHMENT_LINES[TeamStatus.OPERATING], colour=style.OKABE_ITO["blue"], dash=())
    assert line_in_words(solid_blue) == "blue solid outlines: edge of a team's catchment"
    monkeypatch.setitem(style.CATCHMENT_LINES, TeamStatus.OPERATING, solid_blue)
    assert "blue solid outlines: edge of a team's catchment" in markers_in_words()
    unnamed = dataclasses.replace(style.SPECIALIST_LINE, colour="#123456")
    assert line_in_words(unnamed) == "dotted outlines: CAMHS specialist practitioners, no team"


# --- words for users on every page, download and pack (issue 15 item 5) --------------------------------------


# The pages and who writes them: a page failing the scan is xfailed naming its owner's file (the lead fixes it).
# Every page of the app (webapp.state.PAGES), each written by webapp/pages/<page>.py.
PAGE_OWNERS = {page: f"webapp/pages/{page}.py" for page in PAGES}
# Files in the register's own format (the columns an upload must have), not tables for reading: their
# headers are the register's column names by design.
REGISTER_FORMAT = ("teams_template.", "pimap-teams-register-")
# The views every page is drawn in: the app's default (uk2026, the UK), one nation chosen, a geography of one
# nation (Scotland's health boards, with an area's profile), the map of change since 2019 (its downloads),
# then the same session with SYNTHETIC FOI replies.
VIEWS = {"uk": {}, "scotland": {"nation": "Scotland"}, "hb2019": {"geo": "hb2019", "area": "S08000015"},
         "changes": {"geo": "uk2023", "year": "2020", "date": "2022", "since": "2019"}}


@pytest.fixture(scope="module")
def app_words(mirror):
    """Every page in every view of :data:`VIEWS`, then with the SYNTHETIC FOI fixture loaded: what the scan
    found on each page ({page: [finding]}), the downloads each drew ({file name: bytes}, those drawn while the
    synthetic replies were loaded apart) and the pages that showed a SYNTHETIC warning."""
    from app_helpers import FOI_FIXTURE, assert_no_failure, open_page, run_app
    from streamlit.runtime.media_file_manager import MediaFileManager

    found: dict[str, list[str]] = {page: [] for page in PAGE_OWNERS}
    downloads: dict[str, bytes] = {}
    synthetic_downloads: dict[str, bytes] = {}
    warned: dict[str, bool] = {}
    sink = [downloads]
    real_add = MediaFileManager.add

    def add(self, data, mimetype, coordinates, file_name=None, *args, **kwargs):
        if file_name and isinstance(data, bytes):
            sink[0][file_name] = data
        return real_add(self, data, mimetype, coordinates, file_name, *args, **kwargs)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(MediaFileManager, "add", add)
        for view, params in VIEWS.items():
            at = run_app(page="map", **params)
            for page in PAGE_OWNERS:
                open_page(at, page)
                found[page] += scan_app(at, f"{page} ({view})")
                if page == "map":  # the map's table, sent only when asked for
                    at.toggle(key="map_table_shown").set_value(True).run()
                    assert_no_failure(at)
                    found[page] += scan_app(at, f"map table ({view})")
        at = run_app(page="foi")
        at.file_uploader(key="foi_upload").upload("replies.csv", FOI_FIXTURE.read_bytes(), "text/csv").run()
        assert_no_failure(at)
        sink[0] = synthetic_downloads
        for page in PAGE_OWNERS:
            open_page(at, page)
            found[page] += scan_app(at, f"{page} (synthetic FOI)")
            warned[page] = any("SYNTHETIC" in w.value for w in at.warning)
        open_page(at, "map")
        at.radio(key="measure").set_value("foi_class").run()
        assert_no_failure(at)
        found["map"] += scan_app(at, "map (FOI classes)")
        warned["map (FOI classes)"] = any("SYNTHETIC" in w.value for w in at.warning)
    return {"found": found, "downloads": downloads, "synthetic_downloads": synthetic_downloads, "warned": warned}


# What the scan finds today on pages this session's helper W does not write (the lead fixes them); a page
# here that passes fails strictly, so the mark goes when the fix lands.
OTHERS_FAILING: dict[str, str] = {}


@pytest.mark.slow
@pytest.mark.parametrize("page", [
    pytest.param(p, marks=pytest.mark.xfail(strict=True, reason=OTHERS_FAILING[p])) if p in OTHERS_FAILING else p
    for p in PAGE_OWNERS])
def test_no_internal_name_reaches_a_page(app_words, page):
    """No module name, None/NaN/<NA> or snake_case name on the page, in any view (owner: PAGE_OWNERS[page])."""
    assert app_words["found"][page] == [], f"{PAGE_OWNERS[page]}: {sorted(set(app_words['found'][page]))}"


# Downloads checked by their own test below, by the start of their file name: the map of change's tables.
CHANGE_DOWNLOADS = ("pimap-team-changes-", "pimap-coverage-changes-")


def _download_findings(app_words, prefix: str | None) -> list[str]:
    drawn = {**app_words["downloads"], **app_words["synthetic_downloads"]}
    if prefix is None:
        chosen = {n: d for n, d in drawn.items() if not n.startswith((*REGISTER_FORMAT, *CHANGE_DOWNLOADS))}
    else:
        chosen = {n: d for n, d in drawn.items() if n.startswith(prefix)}
        assert chosen, f"no download named {prefix}... was drawn"
    return [f for name, data in chosen.items() for f in scan_bytes(name, data)]


@pytest.mark.slow
def test_no_internal_name_reaches_a_download(app_words):
    drawn = {**app_words["downloads"], **app_words["synthetic_downloads"]}
    assert {n.rsplit(".", 1)[-1] for n in drawn} >= {"csv", "xlsx", "geojson"}
    assert _download_findings(app_words, None) == []


@pytest.mark.slow
@pytest.mark.parametrize("prefix", CHANGE_DOWNLOADS)
def test_no_internal_name_reaches_a_change_download(app_words, prefix):
    assert _download_findings(app_words, prefix) == []


@pytest.mark.slow
def test_downloads_have_whole_babies_and_say_so(app_words):
    """The gaps download: babies whole numbers, the estimated flag kept, the notes saying both."""
    from downloads_helpers import csv_rows

    name = next(n for n in app_words["downloads"] if n.startswith("pimap-gaps-uk2026") and n.endswith(".csv"))
    comments, rows = csv_rows(app_words["downloads"][name])
    header, body = rows[0], rows[1:]
    for column in ("babies aged 0", "babies aged 0-2", "babies aged 0-2 with no team"):
        assert all(r[header.index(column)].isdigit() for r in body), column
    estimated = next(i for i, h in enumerate(header) if h.startswith("estimated"))
    assert {r[estimated] for r in body} <= {"True", "False"} and "True" in {r[estimated] for r in body}
    text = " ".join(comments)
    assert "Babies are whole numbers" in text and "sums of the exact, unrounded figures" in text
    assert "SYNTHETIC" not in text  # no synthetic replies were loaded


@pytest.mark.slow
def test_downloads_made_with_synthetic_replies_carry_the_warning(app_words):
    drawn = {n: d for n, d in app_words["synthetic_downloads"].items() if n.endswith(".csv")
             and not n.startswith(REGISTER_FORMAT)}
    assert any(n.startswith("pimap-gaps-") for n in drawn) and any(n.startswith("pimap-foi-classes") for n in drawn)
    for name, data in drawn.items():
        comments = data.decode("utf-8-sig").split("\r\n")[:3]
        assert any("SYNTHETIC" in c for c in comments), name


@pytest.mark.slow
@pytest.mark.parametrize("page", [*PAGE_OWNERS, "map (FOI classes)"])
def test_every_page_warns_of_synthetic_replies(app_words, page):
    assert app_words["warned"][page]


def test_show_synthetic_warning_draws_only_for_synthetic_replies():
    from streamlit.testing.v1 import AppTest

    def script(synthetic: bool) -> None:
        import types

        import streamlit as st

        from webapp.foi_session import show_synthetic_warning

        if synthetic is not None:
            st.session_state["foi"] = types.SimpleNamespace(synthetic=synthetic)
        st.text(f"drawn: {show_synthetic_warning()}")

    for synthetic, drawn in ((True, True), (False, False), (None, False)):
        at = AppTest.from_function(script, args=(synthetic,)).run()
        assert not at.exception
        assert at.text[0].value == f"drawn: {drawn}"
        assert [("SYNTHETIC" in w.value) for w in at.warning] == ([True] if drawn else [])


# --- the report pack ---------------------------------------------------------------------------------


@pytest.mark.slow
def test_pack_summary_and_tables_read_in_plain_words(uk2023_foi_pack):
    """summary.md: no internal name, whole babies, the SYNTHETIC warning (the fixture's replies are synthetic)."""
    import re

    text = (uk2023_foi_pack / "summary.md").read_text(encoding="utf-8")
    assert internal_words(text) == []
    assert "SYNTHETIC" in text
    babies = re.findall(r"([\d,]+\.\d+) (?:babies|children)", text)
    assert babies == [], babies


@pytest.mark.slow
def test_pack_tables_name_no_module_and_say_they_are_exact(uk2023_foi_pack):
    """The pack's tables are its machine-readable part: their columns are the library's names and their babies
    exact (summary.md says so); but no cell names a module or writes a missing value as None/NaN."""
    import csv

    from words_helpers import MISSING, MODULE

    for path in sorted((uk2023_foi_pack / "tables").glob("*.csv")):
        text = path.read_text(encoding="utf-8-sig")
        cells = [c for row in csv.reader(line for line in text.splitlines() if not line.startswith("#")) for c in row]
        assert [c for c in cells if MODULE.search(c) or MISSING.search(c)] == [], path.name
    summary = (uk2023_foi_pack / "summary.md").read_text(encoding="utf-8")
    assert "keep the exact, unrounded figures for checking" in summary
