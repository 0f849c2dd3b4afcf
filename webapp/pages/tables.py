"""Page 'Tables and downloads': the gaps and teams tables with their downloads, the report pack, and the map as a
static site for a campaign's own website."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import streamlit as st

import boundaries
from mapping.analysis.selection import Register
from mapping.errors import PimapError
from mapping.present.downloads import (
    BABIES_NOTE,
    counted_part,
    download_name,
    reader_table,
    to_csv_bytes,
    to_xlsx_bytes,
)
from webapp.data import (
    data_version,
    download_meta,
    gaps_downloads,
    gaps_table,
    nation_rows,
    session_synthetic,
    teams_table,
)
from webapp.foi_session import foi_meta, issues_frame
from webapp.formatting import escape_markdown
from webapp.register_session import register_line
from webapp.state import View


def page_tables(view: View) -> None:
    version = data_version()
    gaps = nation_rows(gaps_table(version, view.geography, view.year, view.as_of, register=view.register, grades=view.grades),
                       view.nation)
    st.header("Tables and downloads")
    st.caption(f"{boundaries.get_geography(view.geography).label}; population mid-{view.year}; teams as of "
               f"{view.as_of.isoformat()}{'; ' + view.nation if view.nation else ''}. Click a column title to sort.")
    st.caption(register_line(view.register))
    st.subheader(f"Gaps by area ({len(gaps)} areas)")
    shown = ["display_name", "code", "nation", "age0", "age0_2", "covered_age0_2", "uncovered_age0_2", "share_covered",
             "coverage", "team_names", "nearest_team_name", "nearest_team_km", "estimated"]
    table = reader_table(gaps[shown], {"display_name": "area"})
    st.dataframe(table, hide_index=True, key="gaps_table", column_config={
        "babies aged 0": st.column_config.NumberColumn("babies aged 0", format="localized"),
        "babies aged 0-2": st.column_config.NumberColumn("babies aged 0-2", format="localized"),
        "babies aged 0-2 covered": st.column_config.NumberColumn("babies aged 0-2 covered", format="localized"),
        "babies aged 0-2 with no team": st.column_config.NumberColumn("babies aged 0-2 with no team",
                                                                      format="localized"),
        "share of babies covered": st.column_config.NumberColumn("share of babies covered", format="percent"),
        "nearest team (km, straight line)": st.column_config.NumberColumn("nearest team (km, straight line)",
                                                                          format="%.1f"),
    })
    st.caption(BABIES_NOTE)
    files = gaps_downloads(version, view.geography, view.year, view.as_of, view.nation, session_synthetic(),
                           register=view.register, grades=view.grades)
    parts = [f"pop{view.year}", f"teams{view.as_of.isoformat()}", *counted_part(view.grades),
             *([view.nation] if view.nation else [])]
    cols = st.columns(3)
    for col, (ext, mime) in zip(cols, (("csv", "text/csv"), ("xlsx", "application/vnd.openxmlformats-officedocument"
                                                                        ".spreadsheetml.sheet"),
                                       ("geojson", "application/geo+json"))):
        col.download_button(f"Download gaps ({ext.upper()})", files[ext], key=f"dl_gaps_{ext}", mime=mime,
                            file_name=download_name("gaps", view.geography, ext, parts=parts), on_click="ignore")

    from mapping.inputs.teams import teams_as_of

    teams = teams_as_of(teams_table(version, register=view.register, grades=view.grades), view.as_of)
    if view.nation:
        teams = teams[teams["nation"] == view.nation]
    st.subheader(f"Teams and specialist areas as of {view.as_of.isoformat()} ({len(teams)} rows)")
    team_cols = ["name", "status", "evidence_grade", "nation", "host_organisation", "from", "from_basis", "to", "catchment",
                 "location_precision", "source"]
    teams_shown = reader_table(teams[team_cols], {"name": "team"})
    st.dataframe(teams_shown, hide_index=True, key="teams_table")
    meta = download_meta(f"Parent-infant teams as of {view.as_of.isoformat()}", view.geography, view.year,
                         view.as_of, register=view.register, grades=view.grades)
    team_buttons = st.columns(2)
    team_buttons[0].download_button("Download teams (CSV)", to_csv_bytes(teams_shown, meta), key="dl_teams_csv",
                            file_name=download_name("teams", view.geography, "csv", parts=parts[1:]),
                            mime="text/csv", on_click="ignore")
    team_buttons[1].download_button("Download teams (XLSX)", to_xlsx_bytes({"teams": teams_shown}, meta),
                            key="dl_teams_xlsx", file_name=download_name("teams", view.geography, "xlsx", parts=parts[1:]),
                            on_click="ignore")

    pack_section(view)
    site_section(view)

    st.subheader("FOI validation report")
    report = st.session_state.get("foi_report")
    if report is None:
        st.info("No FOI replies loaded in this session (page 'FOI replies').")
    else:
        issues = issues_frame(report)
        st.dataframe(issues, hide_index=True, key="foi_issues_table")
        st.download_button("Download FOI validation report (CSV)", to_csv_bytes(issues, foi_meta(view)),
                           key="dl_foi_report", file_name=download_name("foi-report", view.geography, "csv"),
                           mime="text/csv", on_click="ignore")


def built_on_request(state: str, wanted: tuple, *, button: str, button_key: str, doing: str, failed: str,
                     build: Callable[[], dict]) -> dict | None:
    """What ``build`` made for the view ``wanted``, kept in this session under ``state``; until the visitor asks
    (``button``), None. A build for another view is let go, freeing its memory; a refusal (PimapError) is shown as
    text after ``failed``. Both downloads made on request (the report pack, the site) go through here."""
    kept = st.session_state.get(state)
    if kept is not None and kept["key"] != wanted:  # built for another view: free the memory
        st.session_state.pop(state)
        kept = None
    if kept is not None:
        return kept
    if st.button(button, key=button_key):
        with st.spinner(doing):
            try:
                built = build()
            except PimapError as exc:
                st.error(f"{failed}: {escape_markdown(exc)}")
                return None
        st.session_state[state] = {"key": wanted, **built}
        st.rerun()
    return None


def pack_section(view: View) -> None:
    """Build the report pack for the view on request and offer it as one ZIP (kept in this session only)."""
    from mapping.report import PACK_GEOGRAPHIES

    st.subheader("Report pack (ZIP)")
    if view.geography not in PACK_GEOGRAPHIES:
        st.info(f"The report pack is built for the UK-wide geographies only ({', '.join(PACK_GEOGRAPHIES)}); "
                f"{view.geography} is not one. Choose one of them under 'Geography' to build it.")
        return
    foi_name = st.session_state.get("foi_name") if st.session_state.get("foi") is not None else None
    wanted = (view.geography, view.year, view.as_of.isoformat(), foi_name, view.register, view.grades)
    st.markdown(
        f"Maps, charts (PNG, SVG, PDF), tables (CSV and one XLSX), `summary.md` and `manifest.json` for "
        f"{view.geography}, population mid-{view.year}, teams as of {view.as_of.isoformat()}"
        + (f", with this session's FOI replies ({escape_markdown(foi_name)})" if foi_name else ", without FOI replies")
        + ". Always the whole UK (the nation filter does not apply). Building takes about a minute. The pack is "
          "built in a temporary directory that is deleted as soon as the ZIP is made; the ZIP stays only in "
          "this session.")

    def build() -> dict:
        foi = (foi_name, st.session_state["foi_bytes"]) if foi_name else None
        name, data, manifest = pack_zip(view.geography, view.year, view.as_of, foi, view.register, view.grades)
        return {"name": name, "data": data, "files": len(manifest["files"]) + 1}  # + 1: manifest.json itself

    pack = built_on_request("report_pack", wanted, button="Build the report pack", button_key="build_pack",
                            doing="Building the report pack (about a minute)...", failed="The pack could not be built",
                            build=build)
    if pack is None:
        return
    st.download_button(f"Download the report pack ({pack['files']} files, {len(pack['data']) / 1e6:.1f} MB ZIP)",
                       pack["data"], file_name=pack["name"], mime="application/zip", key="dl_pack",
                       on_click="ignore", type="primary")
    st.caption(f"{pack['name']}: built for this view. Change the geography, year, date or FOI file to build another.")


def site_section(view: View) -> None:
    """Build the map of the view as a static site (``pimap site``) on request and offer it as one ZIP, with the
    snippet that puts it on another website: what a campaign asks for when it wants the map on its own pages."""
    from mapping.present.site import SITE_MEASURES, embed_snippet, view_fragment

    st.subheader("The map for your own website (ZIP)")
    shown = ", ".join(m.label.lower() for m in SITE_MEASURES)
    st.markdown(
        f"The national map of {view.geography}, population mid-{view.year}, teams as of {view.as_of.isoformat()}, as "
        f"a folder of plain files: the map with its key ({shown}), a table of every area's figures, the gaps "
        "download, the attribution and the sources. It needs no server and nothing from another site: unzip it "
        "and open `index.html`, or upload the folder to any web host and put it on a page with the snippet below. "
        "The FOI replies are never part of it.")
    wanted = (view.geography, view.year, view.as_of.isoformat(), view.register, view.grades)

    def build() -> dict:
        name, data, files = site_zip(view.geography, view.year, view.as_of, view.register, view.grades)
        return {"name": name, "data": data, "files": files}

    site = built_on_request("site_zip", wanted, button="Build the map for your website", button_key="build_site",
                            doing="Building the map for your website...", failed="The site could not be built",
                            build=build)
    if site is None:
        return
    st.download_button(f"Download the map for your website ({site['files']} files, {len(site['data']) / 1e3:,.0f} kB "
                       "ZIP)", site["data"], file_name=site["name"], mime="application/zip", key="dl_site",
                       on_click="ignore", type="primary")
    folder = site["name"].removesuffix(".zip")
    st.caption(f"Put it on a page with this, once the folder {folder}/ is on your web host (with your host's "
               "address for example.org). The part after # opens the view shown here: measure=, nation= and area= "
               "(an area's code) open another, and the map writes its view there as a visitor uses it.")
    st.code(embed_snippet(f"https://example.org/{folder}/index.html",
                          view_fragment(measure=view.measure, nation=view.nation)), language="html")


def zip_name(kind: str, geography: str, year: int, as_of: date, grades: tuple[str, ...] | None, *more: str) -> str:
    """A ZIP built on request for a view (the pack, the site): named after its kind, geography, population year,
    date, whether only the Foundation's teams count, then ``more``."""
    return download_name(kind, geography, "zip", parts=[f"pop{year}", f"teams{as_of.isoformat()}",
                                                          *counted_part(grades), *more])


def pack_zip(geography: str, year: int, as_of: date, foi: tuple[str, bytes] | None,
             register: Register | None = None, grades: tuple[str, ...] | None = None) -> tuple[str, bytes, dict]:
    """Build the pack in memory (mapping.report.pack_zip_bytes): the ZIP's name, its bytes (files under
    one folder of the same name) and the manifest. Nothing is written to disk, the FOI upload included:
    it goes to the pack as its name and bytes, as does the visitor's register; ``grades`` are those that
    count as a team."""
    import dataclasses

    from mapping.report import load_inputs, pack_zip_bytes
    from mapping.report.inputs import pack_selection

    name = zip_name("report-pack", geography, year, as_of, grades, *(["foi"] if foi else []))
    selection = dataclasses.replace(pack_selection(geography, year, as_of=as_of, foi=foi), register=register,
                                    grades=grades)
    inputs = load_inputs(selection)
    data, manifest = pack_zip_bytes(inputs, name.removesuffix(".zip"))
    return name, data, manifest


def site_zip(geography: str, year: int, as_of: date, register: Register | None = None,
             grades: tuple[str, ...] | None = None) -> tuple[str, bytes, int]:
    """The static site of the view (mapping.present.site.build_site, as ``pimap site`` writes it) as one ZIP,
    built in memory: its name, its bytes (every file under one folder of the same name) and its number of files."""
    from mapping.analysis.selection import Selection
    from mapping.present.outputs import zip_bytes
    from mapping.present.site import build_site

    name = zip_name("site", geography, year, as_of, grades)
    files = build_site(Selection(geography=geography, year=year, as_of=as_of, register=register, grades=grades))
    return name, zip_bytes(files, name.removesuffix(".zip")), len(files)
