"""SVG and PDF collections of one style drawn without setting that style again for every path.

matplotlib's SVG and PDF renderers draw a collection path by path (``RendererBase.draw_path_collection``):
for each path the graphics context is set again from the collection's colours, widths, dashes and links,
converting each colour anew, then the path is written. A map's collection of a thousand areas has one face
colour, one edge colour, one width: every path gets the same settings. Within :func:`uniform_collections`,
such a collection has its settings applied once and each path written with them, which writes what
matplotlib writes (its SVG and PDF ``draw_path`` with the same context, path, transform and face, with what is
the same for every path worked out once: :func:`_draw_paths`), so the files are byte-identical
(``tests/pack/test_pack_vector_collections.py``). A collection whose paths
differ in any setting, transform or offset is drawn as matplotlib draws it, and so is everything outside the
context.
"""

from __future__ import annotations

import contextlib
import contextvars
import threading
from collections.abc import Iterator
from typing import Any

from matplotlib.backend_bases import RendererBase
from matplotlib.transforms import IdentityTransform

__all__ = ["uniform_collections"]

_ON: contextvars.ContextVar[bool] = contextvars.ContextVar("pimap_uniform_collections", default=False)
_LOCK = threading.Lock()
_installed = False


def _one_style(paths: Any, all_transforms: Any, offsets: Any, *settings: Any) -> bool:
    """Whether every path of the collection is drawn with the same settings, transform and offset."""
    return len(paths) > 1 and len(all_transforms) == 0 and len(offsets) <= 1 and all(len(s) <= 1 for s in settings)


def _install() -> None:
    """Wrap ``RendererBase.draw_path_collection`` once (never unwrapped, so no thread can see it half-done)."""
    global _installed
    with _LOCK:
        if _installed:
            return
        original = RendererBase.draw_path_collection

        def draw_path_collection(self: Any, gc: Any, master_transform: Any, paths: Any, all_transforms: Any,
                                 offsets: Any, offset_trans: Any, facecolors: Any, edgecolors: Any, linewidths: Any,
                                 linestyles: Any, antialiaseds: Any, urls: Any, offset_position: Any, *,
                                 hatchcolors: Any = None) -> Any:
            hatchcolors = [] if hatchcolors is None else hatchcolors
            if not (_ON.get() and _one_style(paths, all_transforms, offsets, facecolors, edgecolors, hatchcolors,
                                             linewidths, linestyles, antialiaseds, urls)):
                return original(self, gc, master_transform, paths, all_transforms, offsets, offset_trans,
                                facecolors, edgecolors, linewidths, linestyles, antialiaseds, urls,
                                offset_position, hatchcolors=hatchcolors)
            # matplotlib's own helper sets the context for one path (and restores it afterwards); every path
            # is drawn with it, as the path-by-path loop would after setting the same values again.
            settings = self._iter_collection(gc, [None], offsets, offset_trans, facecolors, edgecolors, linewidths,
                                             linestyles, antialiaseds, urls, offset_position, hatchcolors=hatchcolors)
            for xo, yo, _, gc0, face in settings:
                transform = IdentityTransform() + master_transform  # as _iter_collection_raw_paths gives it
                if xo != 0 or yo != 0:
                    transform = transform.frozen()
                    transform.translate(xo, yo)
                _draw_paths(self, gc0, paths, transform, face)
            return None

        RendererBase.draw_path_collection = draw_path_collection  # type: ignore[method-assign]
        _installed = True


def _draw_paths(renderer: Any, gc: Any, paths: Any, transform: Any, face: Any) -> None:
    """``renderer.draw_path(gc, path, transform, face)`` for each path, as matplotlib's SVG and PDF renderers
    write it, with what is the same for every path worked out once: for SVG the flipped transform, the clip and
    the style (the renderer keeps the clip's and hatch's ids after their first use, so later uses give the same
    words); for PDF the graphics state, which the first path sets and which then needs no change."""
    from matplotlib.backends.backend_pdf import RendererPdf
    from matplotlib.backends.backend_svg import RendererSVG

    if not paths:
        return
    kind = type(renderer)
    if kind.draw_path is RendererSVG.draw_path:
        flipped = renderer._make_flip_transform(transform)
        clip = face is None and gc.get_hatch_path() is None
        sketch = gc.get_sketch_params()
        url = gc.get_url()
        attributes = renderer._get_clip_attrs(gc)
        style = renderer._get_style(gc, face)
        writer = renderer.writer
        for path in paths:
            data = renderer._convert_path(path, flipped, clip=clip, simplify=path.should_simplify and clip,
                                          sketch=sketch)
            if url is not None:
                writer.start("a", {"xlink:href": url, "target": "_blank"})
            writer.element("path", d=data, **attributes, style=style)
            if url is not None:
                writer.end("a")
    elif kind.draw_path is RendererPdf.draw_path:
        renderer.draw_path(gc, paths[0], transform, face)  # sets the graphics state for the rest
        clip = face is None and gc.get_hatch_path() is None
        sketch = gc.get_sketch_params()
        _write_pdf_paths(renderer.file, paths[1:], transform, clip, sketch, renderer.gc.paint())
    else:
        for path in paths:
            renderer.draw_path(gc, path, transform, face)


# The PDF paths of a collection are handed to the stream's compressor this many bytes at a time (at most).
_PDF_CHUNK = 1 << 20


def _write_pdf_paths(file: Any, paths: Any, transform: Any, clip: bool, sketch: Any, paint: Any) -> None:
    """``file.writePath(path, transform, clip, sketch)`` then ``file.output(paint)`` for each path, their bytes
    handed to the file a megabyte at a time rather than in four writes per path. Each path is
    ``writePath``'s one operand (``pathOperations``: its ``Verbatim`` bytes, laid out by ``_fill``) and a
    newline, then the paint operator and a newline, as ``output`` writes them; zlib compresses a stream to the same bytes however it is
    handed over, so the PDF is byte-identical (tests/pack/test_pack_vector_collections.py)."""
    from matplotlib.backends.backend_pdf import _fill, pdfRepr

    box = (0.0, 0.0, file.width * 72, file.height * 72) if clip else None
    tail = b"\n" + _fill([pdfRepr(paint)]) + b"\n"
    chunk: list[bytes] = []
    size = 0
    for path in paths:
        (operand,) = file.pathOperations(path, transform, box, simplify=path.should_simplify if clip else False,
                                         sketch=sketch)
        data = _fill([pdfRepr(operand)])  # as output() lays out its one operand (a long one after a newline)
        chunk += (data, tail)
        size += len(data)
        if size >= _PDF_CHUNK:
            file.write(b"".join(chunk))
            chunk, size = [], 0
    if chunk:
        file.write(b"".join(chunk))


@contextlib.contextmanager
def uniform_collections() -> Iterator[None]:
    """Within this, SVG and PDF collections of one style are drawn with their style set once (see above)."""
    _install()
    token = _ON.set(True)
    try:
        yield
    finally:
        _ON.reset(token)
