"""Page 'Area profile': find an area by name or postcode and show its figures beside its nation's."""

from __future__ import annotations

import streamlit as st

import boundaries
from mapping.errors import PimapError
from mapping.present import style
from webapp.data import births_table, capacity_table, data_version, full_layer, gaps_table, teams_table
from webapp.foi_session import foi_classes
from webapp.formatting import escape_markdown, fmt_int, fmt_share, ordinal
from webapp.register_session import register_line
from webapp.state import View, as_of_date


def page_profile(view: View) -> None:
    from mapping.analysis.profile import area_profile

    version = data_version()
    gaps = gaps_table(version, view.geography, view.year, view.as_of, register=view.register, grades=view.grades)
    st.header("Area profile")
    st.caption(register_line(view.register))
    st.text_input("Area name or UK postcode (press Enter)", key="search", on_change=on_search,
                  placeholder="e.g. Brighton, NHS Leeds CCG, Lothian, SW1A 1AA")
    kind, message = st.session_state.get("search_result") or (None, None)
    if kind:
        getattr(st, kind)(message)  # Markdown, with the query and any name in it escaped (on_search)
    matches = st.session_state.get("search_matches")
    if matches is not None and len(matches) > 1:
        # radio labels are Markdown: each area's name is shown as text
        labels = dict(zip(matches["code"], (matches["name"] + " (" + matches["code"] + ")").map(escape_markdown)))
        st.radio("Matching areas", list(labels), key="search_pick", format_func=labels.get, index=None,
                 on_change=lambda: _set_area(st.session_state["search_pick"]))
    names = dict(zip(gaps["code"], gaps["name"]))
    codes = sorted(names, key=lambda c: names[c])
    current = st.session_state.get("area")
    if current not in names:
        current = None
    st.session_state["area_pick"] = current
    st.selectbox("Or choose an area", codes, key="area_pick", format_func=lambda c: f"{names[c]} ({c})",
                 placeholder="Choose an area", on_change=lambda: _set_area(st.session_state["area_pick"]))
    if not current:
        st.info("Search for an area by name or postcode, or choose one from the list.")
        return
    profile = area_profile(gaps, current, capacity=capacity_table(version, view.geography, view.year, view.as_of,
                                                                         register=view.register, grades=view.grades),
                           foi=foi_classes(view))
    show_profile(profile, view)


def on_search() -> None:
    """Resolve the search box: a postcode to its area, a name to the best match (or a list to choose from)."""
    from boundaries.postcodes import lookup_postcode, normalise_postcode
    from mapping.analysis.profile import search_areas
    from mapping.errors import PostcodeError

    query = st.session_state.get("search", "").strip()
    geography = st.session_state["geo"]
    st.session_state["search_result"] = None
    st.session_state["search_matches"] = None
    if not query:
        return
    try:
        normalise_postcode(query)
        is_postcode = True
    except PostcodeError:
        is_postcode = False
    if is_postcode:
        try:
            found = lookup_postcode(query, geography, areas=full_layer(geography),
                                    geography_nations=boundaries.get_geography(geography).nations)
        except PimapError as exc:
            st.session_state["search_result"] = ("error", escape_markdown(exc))
            return
        how = ("lies in" if found.method == "inside" else
               f"lies {found.distance_km:.2f} km outside every boundary polygon (a generalised coastline); "
               "the nearest area of its nation is")
        st.session_state["search_result"] = ("success", f"{escape_markdown(found.postcode)} {how} "
                                                        f"**{escape_markdown(found.name)}** ({found.code}).")
        _set_area(found.code)
        return
    version = data_version()
    year, as_of = int(st.session_state["year"]), as_of_date(st.session_state["when"])
    gaps = gaps_table(version, geography, year, as_of, register=st.session_state.get("register"))
    matches = search_areas(query, gaps[["code", "name", "nation"]])
    if matches.empty:
        st.session_state["search_result"] = (
            "warning", f"No area of {geography} matches {escape_markdown(repr(query))}. Try part of the name, a code, "
                       "or a postcode.")
        return
    best_is_clear = len(matches) == 1 or (matches["rank"].iloc[0] <= 1 and matches["rank"].iloc[1] > 1)
    if best_is_clear:
        _set_area(matches["code"].iloc[0])
    else:
        st.session_state["search_matches"] = matches
        st.session_state["search_result"] = ("info", f"{len(matches)} areas match {escape_markdown(repr(query))}: "
                                                     "choose one.")


def team_grades(view: View) -> dict[str, str]:
    """Each team's evidence grade on the view's date, by team id (the profile says it beside the team's name)."""
    from mapping.inputs.teams import teams_as_of

    current = teams_as_of(teams_table(data_version(), register=view.register, grades=view.grades), view.as_of)
    return dict(zip(current["team_id"], current["evidence_grade"]))


def _set_area(code: str | None) -> None:
    st.session_state["area"] = code


def show_profile(p: dict, view: View) -> None:
    st.subheader(escape_markdown(f"{p['name']} ({p['code']}), {p['nation']}"))
    cols = st.columns(4)
    cols[0].metric("Babies aged 0 (mid-year)", fmt_int(p["age0"]))
    cols[1].metric("Babies aged 0-2", fmt_int(p["age0_2"]))
    cols[2].metric("Share of babies aged 0-2 covered", fmt_share(p["share_covered"]))
    cols[3].metric("Babies aged 0-2 with no team", fmt_int(p["uncovered_age0_2"]))
    if p["estimated"]:
        st.caption(f"These population figures are estimates. {boundaries.population.ESTIMATES_NOTE} "
                   "(see 'Methodology and sources').")
    born = births_table(data_version(), view.geography, view.year).set_index("code")
    if p["code"] in born.index:
        row = born.loc[p["code"]]
        st.markdown(f"**Live births:** {fmt_int(row['births'])} a year ({escape_markdown(row['period'])}"
                    + ("; shared from its local authorities by their children aged 0" if row["estimated"] else "")
                    + ").")
    st.markdown(f"**Coverage:** {p['coverage']} "
                f"({fmt_int(p['covered_age0_2'])} of {fmt_int(p['age0_2'])} babies aged 0-2 live in a team's "
                "catchment).")
    if p["teams"]:
        grades = team_grades(view)
        st.markdown("**Serving teams:** " + "; ".join(
            escape_markdown(name) + (f" ({style.grade_shape(grades[tid]).label})" if tid in grades else "")
            for name, tid in zip(p["teams"], p["team_ids"])))
    elif p["nearest_team"]:
        st.markdown(f"**No team serves this area.** Nearest team base: {escape_markdown(p['nearest_team'])}, "
                    f"{p['nearest_team_km']:,.1f} km from the area's centre (straight line).")
    else:
        st.markdown("**No team serves this area**, and no team base is known.")
    if p["foi_class"] is not None:
        share = p["foi_class_share"]
        extra = "" if share is None or share >= 0.999 else f" ({100 * share:.0f}% of its babies aged 0-2)"
        st.markdown(f"**CAMHS FOI reply class:** {escape_markdown(p['foi_class'])}{extra}.")
    else:
        st.markdown("**CAMHS FOI reply:** no replies loaded (page 'FOI replies').")
    if p["capacity"]:
        c = p["capacity"]
        st.markdown(
            f"**Capacity estimate:** {c['teams_needed']:.2f} reference-size teams ({c['wte_needed']:.1f} WTE staff) "
            f"for the area's {fmt_int(c.get('need', p['age0']))} "
            f"{escape_markdown(c.get('need_basis', 'babies aged 0'))}; {c['wte_needed_uncovered']:.1f} WTE "
            "for the babies with no team. Reference: Greater Manchester specification, 7.33 WTE per about 3,300 "
            "births (Rare Jewels, 2019).")
    n = p["nation_figures"]
    st.markdown(
        f"**Compared with {p['nation']}:** {fmt_share(p['share_covered'])} of babies aged 0-2 covered here, "
        f"{fmt_share(n['share_covered'])} across {p['nation']}; this area has the "
        f"{ordinal(p['rank_uncovered'])} most babies with no team of {p['nation_areas']} areas; "
        f"{n['areas_without_team']} of {n['areas']} areas in {p['nation']} have no team.")
    register = escape_markdown(view.register.source) if view.register else "data/teams.csv"
    st.caption(f"Sources: population mid-{view.year} (ONS, NRS, NISRA{'; estimated' if p['estimated'] else ''}); "
               f"teams as of {view.as_of.isoformat()} ({register}); boundaries "
               f"{boundaries.get_geography(view.geography).label}.")
