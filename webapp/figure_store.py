"""The first map's figures for the built-in register, kept on disk, so a restarted server does not compute them again.

Streamlit's cache (:mod:`webapp.data`) keeps a figure in memory for the life of one process, so every new
process computed the default view again before its first map: about 1.3 s of a new server's first run
(issue 16). :func:`on_disk` keeps those figures on disk too, in the project's cache folder, as
``figures/<data version>/<function>-<key>.figure``, one file per call:

- **Only the register the server itself serves** (the built-in one, or a hosted instance's ``PIMAP_TEAMS_FILE``,
  whose bytes are part of the key). A call whose arguments are not all plain values (text, numbers, dates,
  None, tuples of them), such as one with a visitor's uploaded register, is computed as before and never
  written: a visitor's data stays in memory, in the session.
- **Never stale:** the key hashes the function's name and arguments (the first is the data version,
  :func:`webapp.data.data_version`, which covers the data files and the library's code), the source of this
  package, the hosted register's bytes, and the versions of Python and of the libraries whose objects are kept.
- **Checked on every read** by the project's one rule for a checked cache file
  (:func:`boundaries.fetch.read_checked`): a damaged or truncated file, or one that no longer reads back as a
  figure, is computed again and replaced. Files are written whole or not at all; a cache that cannot be written
  only costs the computation.
- **Bounded:** when a process first writes a figure, the files of other data versions are removed (only the
  names this module writes), and a version keeps at most :data:`MAX_FILES` figures, the oldest removed first.

The figures are pickled, and read back by an unpickler that builds only what a figure is made of (frames,
arrays, dates, the legend's classes: :data:`FIGURE_PARTS`): a file that names anything else, such as a function
to call, is refused and computed again like a damaged one, so a figure file is never a way to run code.
Nothing a visitor sends is ever read as one. The checksum finds damage, not intent: like the processed
layers, the cache folder is for the app's own user to write, since a file written there on purpose, with its
checksum, would be shown as a figure.
"""

from __future__ import annotations

import functools
import hashlib
import inspect
import io
import os
import pickle
import re
import sys
import threading
from collections.abc import Callable
from datetime import date
from importlib import metadata
from pathlib import Path
from typing import Any, TypeVar

from boundaries import config
from boundaries.fetch import read_checked, remove_stale_temps, write_checked

__all__ = ["FIGURE_PARTS", "KIND", "MAX_FILES", "figures_dir", "on_disk", "read_figure"]

T = TypeVar("T")
KIND = b"pimap figure 1\n"  # the first line of every file; a file of another kind or version is computed again
MAX_FILES = 2000  # per data version: a few days of every view visitors open (a figure is 1-200 kB)
LIBRARIES = ("pandas", "numpy", "pyarrow", "geopandas", "shapely", "pyproj")  # whose objects the figures hold
_PLAIN = (str, int, float, date, type(None))
# Everything a kept figure is built from (module: names), and nothing that does anything: no reader, writer or
# callable beyond the constructors pickle uses to rebuild frames, arrays and dates.
FIGURE_PARTS: dict[str, frozenset[str]] = {module: frozenset(names) for module, names in {
    "builtins": ("slice", "set", "frozenset", "complex", "range"),
    "datetime": ("date", "datetime", "timedelta", "timezone"),
    "numpy": ("dtype", "ndarray"),
    "numpy._core.multiarray": ("_reconstruct", "scalar"),
    "numpy._core.numeric": ("_frombuffer",),
    "pandas": ("DataFrame", "Series", "Index", "RangeIndex", "MultiIndex", "NA", "NaT", "Timestamp", "StringDtype",
               "CategoricalDtype", "Categorical"),
    "pandas.arrays": ("ArrowStringArray", "StringArray", "BooleanArray", "IntegerArray", "FloatingArray"),
    "pandas._libs.internals": ("_unpickle_block",),
    "pandas.core.indexes.base": ("_new_Index",),
    "pandas.core.internals.managers": ("BlockManager", "SingleBlockManager"),
    "pyarrow.lib": ("_restore_array", "py_buffer", "type_for_alias"),
    "mapping.present.webmap": ("ColourClass",),
}.items()}
_FILE = re.compile(r"^[a-z0-9_]+-[0-9a-f]{32}\.figure$")
_VERSION = re.compile(r"^[0-9a-f]{16}$")
_tidied: set[str] = set()
_tidy_lock = threading.Lock()


def figures_dir() -> Path:
    """Where the figures are kept: ``figures`` in the project's one cache folder (beside the processed layers)."""
    from boundaries.fetch import cache_dir

    return cache_dir() / "figures"


def _plain(value: object) -> bool:
    if isinstance(value, tuple):
        return all(_plain(v) for v in value)
    return isinstance(value, _PLAIN)


@functools.cache
def _installed() -> str:
    """The source of this package and the versions of Python and the libraries, once per process."""
    here = Path(__file__).parent
    source = config.tree_digest(sorted(here.rglob("*.py")), root=here)
    return "|".join([sys.version, source, *(f"{name} {_version(name)}" for name in LIBRARIES)])


def _version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:  # not installed (an optional one): part of the key all the same
        return "absent"


def _hosted_register() -> str:
    """The sha256 of the hosted register's bytes (``PIMAP_TEAMS_FILE``); "" for the built-in one, whose bytes are
    in the data version, and "unreadable" when the file cannot be read (the register's reader then says why)."""
    path = config.teams_file()
    if path is None:
        return ""
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return "unreadable"


def _key(name: str, arguments: tuple[tuple[str, Any], ...]) -> str:
    text = repr((KIND, name, arguments, _installed(), _hosted_register()))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


class _FigureUnpickler(pickle.Unpickler):
    """Builds only :data:`FIGURE_PARTS`; anything else a file names is refused (pickle.UnpicklingError)."""

    def find_class(self, module: str, name: str) -> Any:
        if name not in FIGURE_PARTS.get(module, ()):
            raise pickle.UnpicklingError(f"{module}.{name} is not part of a figure")
        return super().find_class(module, name)


def read_figure(body: bytes) -> Any:
    """The figure a file's body holds, built from :data:`FIGURE_PARTS` only."""
    return _FigureUnpickler(io.BytesIO(body)).load()


def _tidy(folder: Path) -> None:
    """Once per process and data version: remove the figures of other versions and this version's temporary files
    a killed process left (only names this module writes; any other file is left where it is)."""
    with _tidy_lock:
        if str(folder) in _tidied:
            return
        _tidied.add(str(folder))
    remove_stale_temps(folder, lambda target: bool(_FILE.match(target)))
    try:
        others = [d for d in os.scandir(folder.parent) if _VERSION.match(d.name) and d.name != folder.name and d.is_dir()]
    except OSError:
        return
    for other in others:
        try:
            for item in os.scandir(other.path):
                if _FILE.match(item.name):
                    os.unlink(item.path)
            os.rmdir(other.path)
        except OSError:  # not empty (a file not ours, or a writer of that version still running) or not ours to remove
            continue


def _bound(folder: Path) -> None:
    """Keep at most :data:`MAX_FILES` figures in the version's folder, removing the oldest written first."""
    try:
        files = [item for item in os.scandir(folder) if _FILE.match(item.name)]
        if len(files) <= MAX_FILES:
            return
        files.sort(key=lambda item: item.stat().st_mtime_ns)
        for item in files[:len(files) - MAX_FILES]:
            os.unlink(item.path)
    except OSError:
        return


def on_disk(func: Callable[..., T]) -> Callable[..., T]:
    """Keep ``func``'s results on disk (see the module's docstring); its first argument is the data version.

    Put under the memory cache (``@_cached`` or ``st.cache_data`` above it), so the disk is read only when the
    process has not computed the figure yet."""
    name = func.__name__.strip("_").lower()
    signature = inspect.signature(func)

    @functools.wraps(func)
    def call(version: str, *args: Any, **kwargs: Any) -> T:
        given = signature.bind(version, *args, **kwargs)
        given.apply_defaults()  # f(a) and f(a, grades=None) are one figure, one file
        arguments = tuple(given.arguments.items())
        if not (isinstance(version, str) and _VERSION.match(version) and _plain(tuple(v for _, v in arguments))):
            return func(version, *args, **kwargs)
        folder = figures_dir() / version
        path = folder / f"{name}-{_key(name, arguments)}.figure"
        body = read_checked(path, KIND)
        if body is not None:
            try:
                return read_figure(body)
            except Exception:  # noqa: BLE001 - a file that does not read back as a figure: computed again
                pass
        value = func(version, *args, **kwargs)
        _tidy(folder)
        if write_checked(path, KIND, pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)):
            _bound(folder)
        return value

    return call
