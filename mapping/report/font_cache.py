"""The PDF fonts' cut-down copies kept on disk, so a pack cuts each font to a set of letters once, not every time.

matplotlib embeds in a PDF each font it uses cut down to the glyphs used (fontTools' subsetter, about 0.1 s a
cut, some 30 cuts a pack). :func:`mapping.report.writer.font_subsets` keeps each cut in memory for one figure;
this keeps it on disk for every later pack: the cut font's bytes and its glyph map, in the project's cache
folder (:func:`boundaries.fetch.cache_dir`, as the processed layers), under ``font-subsets/<key>.subset``.

The key is a hash of everything a cut depends on: the font file's bytes, the face, the glyphs, and the
versions of fontTools and matplotlib (matplotlib chooses the subsetter's options). fontTools is deterministic
and saves no time stamp, so a stored cut is the bytes a new cut gives, and the PDFs are byte-identical
(``tests/pack/test_pack_font_cache.py``). Each file is written and read by the project's one rule for a
checked cache file (:func:`boundaries.fetch.write_checked`, :func:`boundaries.fetch.read_checked`): it holds the
sha256 of its contents, checked on every read, so a damaged, truncated or unreadable file is cut again and
replaced, and it is moved into place whole, so a reader (another process drawing figures) sees a whole file or
none. A cache that cannot be written only costs the cut: the pack is never refused for it.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
from pathlib import Path

__all__ = ["FORMAT", "subset_key", "load", "store", "subsets_dir"]

# The first line of every file; a file of another format is never read (it is cut again and replaced).
FORMAT = b"pimap font subset 1\n"
_SUFFIX = ".subset"
_FILE_DIGESTS: dict[tuple[str, int, int], str] = {}
_LOCK = threading.Lock()


def subsets_dir() -> Path:
    """Where the cut fonts are kept: ``font-subsets`` in the project's one cache folder."""
    from boundaries.fetch import cache_dir

    return cache_dir() / "font-subsets"


def _file_digest(path: str) -> str:
    """The sha256 of a font file's bytes (kept per path, size and modification time: a changed file is hashed
    again)."""
    stat = os.stat(path)
    memo = (path, stat.st_size, stat.st_mtime_ns)
    with _LOCK:
        known = _FILE_DIGESTS.get(memo)
    if known is None:
        with open(path, "rb") as fh:
            known = hashlib.sha256(fh.read()).hexdigest()
        with _LOCK:
            _FILE_DIGESTS[memo] = known
    return known


def subset_key(fontfile: str, face_index: int, glyphs: frozenset[int]) -> str:
    """A hash of everything the cut of ``glyphs`` of ``fontfile`` depends on (see the module's docstring)."""
    import fontTools
    import matplotlib

    parts = [FORMAT.decode().strip(), _file_digest(str(fontfile)), str(int(face_index)),
             ",".join(str(int(g)) for g in sorted(glyphs)), f"fontTools {fontTools.version}",
             f"matplotlib {matplotlib.__version__}"]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def _encode(data: bytes, index_map: dict[int, int]) -> bytes:
    return json.dumps(sorted((int(k), int(v)) for k, v in index_map.items())).encode() + b"\n" + data


def _decode(body: bytes) -> tuple[bytes, dict[int, int]] | None:
    """The cut font's bytes and glyph map from an intact file's body, or None when it holds no glyph map."""
    pairs, _, data = body.partition(b"\n")
    try:
        index_map = {int(k): int(v) for k, v in json.loads(pairs)}
    except (ValueError, TypeError):
        return None
    return data, index_map


def load(key: str) -> tuple[bytes, dict[int, int]] | None:
    """The stored cut under ``key``, or None when there is none or it is damaged (then it is cut again)."""
    from boundaries.fetch import read_checked

    body = read_checked(subsets_dir() / f"{key}{_SUFFIX}", FORMAT)
    return None if body is None else _decode(body)


def store(key: str, data: bytes, index_map: dict[int, int]) -> bool:
    """Keep a cut under ``key`` (replacing a damaged file); False when the cache cannot be written."""
    from boundaries.fetch import write_checked

    return write_checked(subsets_dir() / f"{key}{_SUFFIX}", FORMAT, _encode(data, index_map))
