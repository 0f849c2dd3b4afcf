"""Text from data files, uploads and visitors, written so that it shows as exactly that text."""

from __future__ import annotations

import re

__all__ = ["escape_markdown"]

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
