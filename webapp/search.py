"""The area search box: find an area by any name people use for it, its code, or a UK postcode.

:func:`search_box` draws the box and, under it, what the last search found; a postcode goes to the area
it lies in (:func:`boundaries.postcodes.lookup_postcode`), a name to
:func:`mapping.analysis.search.search_areas`. One clear best match opens that area
(``st.session_state["area"]``); several are offered as a choice; nothing found is said, with the query
shown as text.
"""

from __future__ import annotations

import streamlit as st

import boundaries
from mapping.analysis.search import MAX_QUERY
from mapping.errors import PimapError
from webapp.data import full_layer
from webapp.formatting import escape_markdown
from webapp.state import View

__all__ = ["search_box", "SEARCH_LABEL"]

SEARCH_LABEL = "Area name, code or UK postcode (press Enter)"
SEARCH_EXAMPLES = "e.g. Leeds, NHS Kernow CCG, 15F, Glasgow, LS1 4AP"


def search_box(view: View, *, key: str = "search") -> None:
    """The search box and its result: a message, and a choice of areas when several match equally well."""
    st.text_input(SEARCH_LABEL, key=key, on_change=_on_search, args=(view.geography, key),
                  placeholder=SEARCH_EXAMPLES, max_chars=MAX_QUERY)
    kind, message = st.session_state.get(f"{key}_result") or (None, None)
    if kind:
        getattr(st, kind)(message)  # Markdown, with the query and every name in it escaped (_on_search)
    found = st.session_state.get(f"{key}_matches")
    if found is None:
        return
    geography, matches = found
    if geography != view.geography or len(matches) < 2:
        return
    # radio labels are Markdown: each area's name and the name it matched on are shown as text
    labels = {code: escape_markdown(_label(display, code, matched))
              for code, display, matched in zip(matches["code"], matches["display_name"], matches["matched_on"])}
    st.radio("Matching areas", list(labels), key=f"{key}_pick", format_func=labels.get, index=None,
             on_change=lambda: _set_area(st.session_state[f"{key}_pick"]))


def _label(display_name: str, code: str, matched_on: str) -> str:
    """"Leeds (NHS West Yorkshire ICB, 15F) (E38000225), found by former CCG: NHS Leeds CCG" (plain text);
    the name it matched on is left out when it is the area's own name."""
    own = matched_on.startswith(("name: ", "code: "))
    return f"{display_name} ({code})" + ("" if own else f", found by {matched_on}")


def _set_area(code: str | None) -> None:
    st.session_state["area"] = code


def _is_postcode(query: str) -> bool:
    from boundaries.postcodes import normalise_postcode
    from mapping.errors import PostcodeError

    try:
        normalise_postcode(query)
    except PostcodeError:
        return False
    return True


def _on_search(geography: str, key: str) -> None:
    """Resolve the box: a postcode to its area, a name to the one clear best match or a list to choose from."""
    query = str(st.session_state.get(key, "")).strip()
    st.session_state[f"{key}_result"] = None
    st.session_state[f"{key}_matches"] = None
    st.session_state[f"{key}_pick"] = None
    if not query:
        return
    if _is_postcode(query):
        _postcode(query, geography, key)
        return
    from mapping.analysis.search import clear_best, search_areas

    try:
        matches = search_areas(query, geography)
    except PimapError as exc:  # a query the search refuses (too long): its message, as text
        st.session_state[f"{key}_result"] = ("error", escape_markdown(exc))
        return
    if matches.empty:
        st.session_state[f"{key}_result"] = (
            "warning", f"No area matches “{escape_markdown(query)}”. Try part of a name, a former CCG, a local "
                       "authority, a code or a postcode.")
        return
    best = clear_best(matches)
    if best is not None:
        row = matches.iloc[0]
        st.session_state[f"{key}_result"] = (
            "success", f"Found: {escape_markdown(_label(row['display_name'], row['code'], row['matched_on']))}.")
        _set_area(best)
        return
    st.session_state[f"{key}_matches"] = (geography, matches)
    st.session_state[f"{key}_result"] = ("info", f"{len(matches)} areas match “{escape_markdown(query)}”: "
                                                 "choose one.")


def _postcode(query: str, geography: str, key: str) -> None:
    from boundaries.names import display_names
    from boundaries.postcodes import lookup_postcode

    try:
        found = lookup_postcode(query, geography, areas=full_layer(geography),
                                geography_nations=boundaries.get_geography(geography).nations)
    except PimapError as exc:
        st.session_state[f"{key}_result"] = ("error", escape_markdown(exc))
        return
    how = ("lies in" if found.method == "inside" else
           f"lies {found.distance_km:.2f} km outside every boundary polygon (a generalised coastline); "
           "the nearest area of its nation is")
    name = display_names(geography).get(found.code, found.name)
    st.session_state[f"{key}_result"] = ("success", f"{escape_markdown(found.postcode)} {how} "
                                                    f"**{escape_markdown(name)}** ({found.code}).")
    _set_area(found.code)
