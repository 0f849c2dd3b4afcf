"""The map for a campaign's own website (page 'Tables and downloads', AppTest): the static site of the view,
built on request and offered as one ZIP that holds exactly what ``pimap site`` writes, with the snippet that
embeds it. The second test's register is a SYNTHETIC edit of the built-in one (a team renamed)."""

from __future__ import annotations

import csv
import html
import io
import zipfile
from datetime import date

import pytest
from app_helpers import APP_YEAR, assert_no_failure, capture_downloads, open_page, run_app

from mapping.analysis.selection import Selection
from mapping.present.site import SITE_TITLE, build_site

pytestmark = pytest.mark.slow

GEO = "uk2026"


def site_entries(data: bytes, folder: str) -> dict[str, bytes]:
    """The ZIP's files by their path inside ``folder`` (every entry must be inside it)."""
    archive = zipfile.ZipFile(io.BytesIO(data))
    names = archive.namelist()
    assert all(n.startswith(folder + "/") for n in names), names
    return {n.removeprefix(folder + "/"): archive.read(n) for n in names}


def build(at) -> None:
    at.button(key="build_site").click().run(timeout=120)
    assert_no_failure(at)


def test_the_site_zip_is_the_views_static_site_with_its_embed_snippet(mirror, monkeypatch):
    downloads = capture_downloads(monkeypatch)
    at = run_app(page="tables", geo=GEO, year=str(APP_YEAR), date="2022", measure="uncovered_age0_2",
                 nation="Northern Ireland")
    assert_no_failure(at)
    assert not [b for b in at.get("download_button") if b.proto.label.startswith("Download the map for your website")]
    build(at)
    name = f"pimap-site-{GEO}-pop{APP_YEAR}-teams2022-07-01.zip"
    folder = name.removesuffix(".zip")
    files = site_entries(downloads[name], folder)
    expected = build_site(Selection(geography=GEO, year=APP_YEAR, as_of=date(2022, 7, 1)))
    assert files == expected  # byte for byte what `pimap site` writes for the same view
    button = next(b for b in at.get("download_button") if b.proto.label.startswith("Download the map for your website"))
    assert f"({len(expected)} files, " in button.proto.label
    assert not [b for b in at.button if b.key == "build_site"]  # built: only the download is offered
    snippet = next(c.value for c in at.code if "<iframe" in c.value)
    assert (f'src="https://example.org/{folder}/index.html#measure=uncovered_age0_2&amp;nation=Northern%20Ireland"'
            in snippet)
    assert f'title="{SITE_TITLE}"' in snippet


    # Another date is another site: offered again, and the first one's bytes let go.
    at.select_slider(key="when").set_value("2019").run()
    assert_no_failure(at)
    assert [b for b in at.button if b.key == "build_site"]
    assert "site_zip" not in at.session_state


def test_a_visitors_register_goes_into_the_site_as_text(mirror, monkeypatch):
    """A visitor's register (uploaded on page 'Teams register', used for the session): the site's teams are its
    teams, a name with an ampersand and quotes is escaped in the page (names with markup are refused on upload), and
    the attribution says whose register it is, its file name (markup allowed there) as text."""
    from boundaries import config

    downloads = capture_downloads(monkeypatch)
    rows = list(csv.reader(io.StringIO(config.teams_path().read_text(encoding="utf-8"))))
    col = {c: i for i, c in enumerate(rows[0])}
    hostile = 'Tom & Jerry\'s "first" team'
    renamed = next(r for r in rows[1:] if r[col["status"]] == "operating" and not r[col["to"]])
    team_id = renamed[col["team_id"]]
    for r in rows[1:]:
        if r[col["team_id"]] == team_id:
            r[col["name"]] = hostile
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    at = run_app(page="teams", geo=GEO, year=str(APP_YEAR))
    at.file_uploader(key="teams_upload").upload("our <b>register</b>.csv", out.getvalue().encode("utf-8"),
                                                "text/csv").run()
    at.button(key="use_register").click().run()
    assert_no_failure(at)
    open_page(at, "tables")
    build(at)
    name = next(n for n in downloads if n.startswith(f"pimap-site-{GEO}-"))
    files = site_entries(downloads[name], name.removesuffix(".zip"))
    page = files["index.html"].decode("utf-8")
    assert html.escape(hostile) in page and hostile not in page  # in the table of areas, escaped
    figures = files["data/figures.js"].decode("utf-8")
    assert "Tom \\\\u0026 Jerry" in figures  # the team's name is in the map's data, its ampersand escaped
    assert "the register our &lt;b&gt;register&lt;/b&gt;.csv, brought by the user" in page  # whose teams, as text
    assert "<b>" not in page
