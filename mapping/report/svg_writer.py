"""The pack's SVGs written with each empty element as one string, not five writes and their bookkeeping.

matplotlib's SVG backend writes through a small XML writer (``backend_svg._XMLWriter``): an element without
text (every path, and every glyph of a text drawn as paths: a ``<use>`` per letter, some 60,000 elements a
pack) is a ``start`` (closing the open tag, escaping the tag and each attribute, pushing the tag) and an ``end``
(popping it, writing ``/>``), five to eight writes to the file's text encoder. Within :func:`fast_elements`,
the writer of each new SVG renderer writes such an element as the one string those calls write: the open tag's
``>`` if one is open, the indent, ``<tag``, each attribute that has a value, escaped by matplotlib's own
functions, and ``/>``. Everything else (start, end, text, comments) is the writer's own, so the SVGs are
byte-identical (``tests/pack/test_pack_svg_writer.py``). Outside the context, or with a matplotlib whose writer
keeps its state under other names, nothing changes.
"""

from __future__ import annotations

import contextlib
import contextvars
import threading
from collections.abc import Iterator
from typing import Any

from matplotlib.backends import backend_svg

__all__ = ["fast_elements"]

_ON: contextvars.ContextVar[bool] = contextvars.ContextVar("pimap_fast_svg_elements", default=False)
_LOCK = threading.Lock()
_installed = False
_escape_cdata = backend_svg._escape_cdata
_quote_escape_attrib = backend_svg._quote_escape_attrib
# The writer's state, as its name-mangled attributes (checked on each writer before it is switched).
_STATE = ("_XMLWriter__write", "_XMLWriter__open", "_XMLWriter__tags", "_XMLWriter__data", "_XMLWriter__indentation")


class _FastWriter(backend_svg._XMLWriter):
    """matplotlib's XML writer, with an element without text written as one string."""

    def element(self, tag: str, text: str | None = None, attrib: dict | None = None, **extra: Any) -> None:
        state = self.__dict__  # the base class's private attributes, by their mangled names
        if text or state["_XMLWriter__data"]:
            super().element(tag, text, attrib, **extra)
            return
        # As start() then end(indent=False) write it (start's flush closes an open tag with ">\n").
        parts = [">\n" if state["_XMLWriter__open"] else "",
                 state["_XMLWriter__indentation"][:len(state["_XMLWriter__tags"])], f"<{_escape_cdata(tag)}"]
        for k, v in {**(attrib or {}), **extra}.items():
            if v:
                parts.append(f" {_escape_cdata(k)}={_quote_escape_attrib(v)}")
        parts.append("/>\n")
        state["_XMLWriter__open"] = 0
        state["_XMLWriter__write"]("".join(parts))


def _install() -> None:
    """Wrap ``RendererSVG.__init__`` once (never unwrapped, so no thread can see it half-done)."""
    global _installed
    with _LOCK:
        if _installed:
            return
        original = backend_svg.RendererSVG.__init__

        def __init__(self: Any, *args: Any, **kwargs: Any) -> None:  # noqa: N807 - the method it wraps
            original(self, *args, **kwargs)
            writer = getattr(self, "writer", None)
            if _ON.get() and type(writer) is backend_svg._XMLWriter and all(a in vars(writer) for a in _STATE):
                writer.__class__ = _FastWriter

        backend_svg.RendererSVG.__init__ = __init__  # type: ignore[method-assign]
        _installed = True


@contextlib.contextmanager
def fast_elements() -> Iterator[None]:
    """Within this, SVGs are written with each element without text as one string (see above)."""
    _install()
    token = _ON.set(True)
    try:
        yield
    finally:
        _ON.reset(token)
