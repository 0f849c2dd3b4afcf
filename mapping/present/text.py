"""Text from data files, uploads and visitors, written so that it shows as exactly that text."""

from __future__ import annotations

import re

__all__ = ["HEADER_WORDS", "escape_markdown", "header_words", "plain_headers"]

# Characters that start Markdown, HTML, LaTeX ($) or a Streamlit directive (":red[...]", "{...}") wherever
# they stand; CommonMark lets any ASCII punctuation be escaped with a backslash.
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>#|!$~])")
_MD_ENTITY = re.compile(r"&(?=#?\w+;)")  # "&lt;" would show as "<"
_MD_LINE_START = re.compile(r"^(\s*)([-+=]|\d+[.)])", flags=re.MULTILINE)  # list and heading markers


def escape_markdown(text: object) -> str:
    """``text`` as Markdown that shows exactly that text: for names, places, file names and messages from
    data or a visitor inside ``st.markdown``, ``st.caption``, ``st.error``, ``st.table`` cells and radio labels.

    Every character that could begin Markdown, HTML, LaTeX or a Streamlit colour directive gets a backslash
    (so ``<img ...>``, ``**x**``, ``[x](javascript:...)`` and ``$x^2$`` show literally); ordinary names,
    with their brackets, commas and hyphens, come back unchanged.

    Notes
    -----
    Streamlit also rewrites some text after it is parsed, where no escape reaches: emoji and Material icon
    shortcodes (``:smile:``), arrows (``->``) and web or e-mail addresses (shown as links; never a
    ``javascript:`` one). Where even that matters, show the text with ``st.text`` or in a data frame.
    """
    out = _MD_SPECIAL.sub(r"\\\1", str(text))
    out = _MD_ENTITY.sub(r"\\&", out)
    return _MD_LINE_START.sub(lambda m: f"{m.group(1)}{m.group(2)[:-1]}\\{m.group(2)[-1]}", out)


# Column names of the library's tables in words, for every table a person reads (pages, downloads, the pack's
# summary). A column not listed is written by :func:`header_words`' rule (underscores to spaces, bands in words).
HEADER_WORDS: dict[str, str] = {
    "code": "area code", "name": "area", "nation": "nation",
    "age0": "babies aged 0", "age0_2": "babies aged 0-2",
    "covered_age0": "babies aged 0 covered", "covered_age0_2": "babies aged 0-2 covered",
    "uncovered_age0": "babies aged 0 with no team", "uncovered_age0_2": "babies aged 0-2 with no team",
    "units": "small areas", "units_covered": "small areas covered",
    "estimated": "estimated (small-area babies shared out from district figures)",
    "share_covered": "share of babies covered", "coverage": "coverage", "teams": "teams",
    "team_names": "teams serving the area", "age_band": "age band", "nearest_team": "nearest team id",
    "nearest_team_name": "nearest team", "nearest_team_km": "nearest team (km, straight line)",
    "geography": "geography", "population_year": "population year", "as_of": "teams as of",
    "team_id": "team id", "status": "status", "evidence_grade": "evidence grade",
    "host_organisation": "host organisation", "from": "from", "from_basis": "from (basis)", "to": "to",
    "catchment": "catchment", "location_precision": "location precision", "source": "source",
    "foi_class": "FOI reply class", "class_share": "share of babies in the class",
    "babies": "babies aged 0", "need": "babies in need", "families": "families teams can support a year",
    "reach": "reach", "scope": "scope", "areas": "areas",
}


def header_words(column: object) -> str:
    """A column name as words: :data:`HEADER_WORDS`, else underscores to spaces with the age bands in words
    ("share_accepts_none_seen" -> "share accepts none seen", "covered_age0_2" -> "covered aged 0-2")."""
    name = str(column)
    if name in HEADER_WORDS:
        return HEADER_WORDS[name]
    words = re.sub(r"\bage0_2\b", "aged 0-2", name)
    words = re.sub(r"\bage0\b", "aged 0", words)
    words = re.sub(r"(?<=\d)_(?=\d)", "-", words)  # "1_to_5" stays "1 to 5"; "0_2" bands become "0-2"
    return words.replace("_", " ")


def plain_headers(frame, mapping: dict[str, str] | None = None):
    """``frame`` with every column named in words (:func:`header_words`; ``mapping`` first)."""
    mapping = mapping or {}
    return frame.rename(columns={c: mapping.get(str(c), header_words(c)) for c in frame.columns})
