"""Writing a pack: its files as bytes, the manifest, a folder written safely, or one ZIP in memory.

:func:`pack_files` turns the pack's parts (tables, ``summary.md`` text, drawn figures) into
``{path: bytes}`` with the manifest; :func:`write_files` puts them in a folder, and :func:`zip_bytes`
in a ZIP. Every file is deterministic (fixed zip times, no dates or random ids in figures), so the same
inputs give byte-identical files, manifest and ZIP.

A folder is written only if it is new, empty, or (when replacing is allowed) an earlier pack: then
only the files its ``manifest.json`` lists are replaced and every other file is left alone. The pack
is written in a temporary folder beside it and moved into place at the end, so a failure leaves no
half-written pack.
"""

from __future__ import annotations

import contextlib
import contextvars
import gc
import hashlib
import io
import json
import multiprocessing
import os
import platform
import re
import shlex
import shutil
import sys
import tempfile
import threading
import zipfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path
from typing import Any, cast

import pandas as pd

from boundaries.fetch import sha256_of
from mapping.errors import PackFolderError
from mapping.inputs.vocabulary import grade_choice
from mapping.present.downloads import neutralise
from mapping.present.outputs import zip_bytes, zip_entry
from mapping.report import font_cache

__all__ = ["PACKAGE", "PACK_FOLDERS", "MAX_WORKERS", "xlsx_bytes", "csv_bytes", "figure_bytes", "figure_jobs",
           "drawn_figures", "DrawnFigures", "figure_workers", "font_subsets", "check_out", "write_files", "zip_bytes", "manifest_for",
           "command"]

PACKAGE = "parent-infant-provision-map"
FIGURE_FORMATS: tuple[str, ...] = ("png", "svg", "pdf")
DPI = 300
# The XLSX's own creation and change times, fixed (its entries' times are outputs.ZIP_EPOCH), so a rebuild is
# byte-identical.
_XLSX_STAMP = "2000-01-01T00:00:00Z"


def _csv_bytes(frame: pd.DataFrame) -> bytes:
    """The table as CSV, text cells neutralised by the project's one rule (:mod:`mapping.present.outputs`)."""
    from mapping.present.outputs import csv_text

    return csv_text(frame).encode("utf-8")


def _normalise_zip(data: bytes) -> bytes:
    """The same zip with fixed entry times and creation dates, so identical content gives identical bytes."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                content = re.sub(rb"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:)",
                                 rb"\g<1>" + _XLSX_STAMP.encode() + rb"\g<3>", content)
            target.writestr(zip_entry(info.filename), content)
    return out.getvalue()


def xlsx_bytes(sheets: dict[str, pd.DataFrame]) -> bytes:
    """A workbook with one sheet per table (numbers as numbers), byte-identical for identical tables."""
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter

    book = Workbook()
    book.remove(book.active)
    for name, frame in sheets.items():
        sheet = book.create_sheet(name[:31])
        sheet.append([_cell(str(c)) for c in frame.columns])
        for row in frame.itertuples(index=False):
            sheet.append([_cell(v) for v in row])
        sheet.freeze_panes = "A2"
        for i, column in enumerate(frame.columns, start=1):
            width = max([len(str(column))] + [len(str(v)) for v in frame[column].head(200)])
            sheet.column_dimensions[get_column_letter(i)].width = min(60, max(8, width + 2))
    buffer = io.BytesIO()
    book.save(buffer)
    return _normalise_zip(buffer.getvalue())


def _cell(value: object) -> object:
    if value is None or (isinstance(value, float) and value != value):
        return None
    if value is pd.NA or value is pd.NaT:
        return None
    if hasattr(value, "item"):
        value = value.item()
    return neutralise(value)  # text is never a formula; numbers stay numbers


def _package_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(PACKAGE)
    except PackageNotFoundError:  # pragma: no cover - running from a source tree without installing
        return "unknown"


def _software() -> dict[str, str]:
    from importlib.metadata import version

    names = ("matplotlib", "geopandas", "pandas", "numpy", "shapely", "pyproj", "openpyxl")
    return {"python": platform.python_version(), **{n: version(n) for n in names}}


def _folder_error(out: Path, exc: OSError) -> PackFolderError:
    from mapping.present.outputs import describe_os_error

    return PackFolderError(out, f"could not be written: {describe_os_error(exc)}")


# Where a pack writes: summary.md and manifest.json at the top, every other file directly in one of these.
PACK_FOLDERS = ("maps", "charts", "tables")
# A pack's manifest.json lists some 60 files in about 15 KB; one much larger is not a pack's.
MAX_MANIFEST_BYTES = 1024 * 1024


def _pack_layout(name: str) -> bool:
    """Whether a pack could have written ``name`` (a path relative to its folder)."""
    parts = name.split("/")
    return name in ("summary.md", "manifest.json") or (len(parts) == 2 and parts[0] in PACK_FOLDERS)


def _owned_files(out: Path) -> dict[str, str]:
    """The files an earlier pack in ``out`` wrote, as {path: sha256}, from its ``manifest.json``.

    Only these (and the manifest itself) may ever be replaced. A manifest that is unreadable, not this
    package's, lists a path outside ``out`` (absolute, ``..``, through a link) or one a pack never writes
    (outside its layout, :data:`PACK_FOLDERS`) is refused, so it can never make the writer touch anything else.
    """
    def refuse(why: str) -> PackFolderError:
        return PackFolderError(out, f"holds a manifest.json that is not a report pack's ({why}); nothing was "
                                    "changed: give a new or empty folder")

    try:
        size = (out / "manifest.json").stat().st_size
        if size > MAX_MANIFEST_BYTES:  # read no further: parsing it could take gigabytes of memory
            raise refuse(f"{size:,} bytes, far more than a pack's manifest.json")
        manifest = json.loads((out / "manifest.json").read_bytes())
    except (OSError, ValueError) as exc:
        raise refuse(f"unreadable: {type(exc).__name__}") from None
    if not isinstance(manifest, dict) or manifest.get("package") != PACKAGE:
        raise refuse(f"it does not say package {PACKAGE!r}")
    entries = manifest.get("files")
    if not isinstance(entries, list) or not all(isinstance(e, dict) and isinstance(e.get("path"), str)
                                                for e in entries):
        raise refuse("its 'files' is not a list of paths")
    root = out.resolve()
    owned: dict[str, str] = {}
    for entry in entries:
        name = entry["path"]
        parts = name.split("/")
        if (not name or name.startswith("/") or "\\" in name or ":" in name or Path(name).is_absolute()
                or any(part in ("", ".", "..") for part in parts)
                or not (out / name).resolve().is_relative_to(root)):
            raise PackFolderError(out, f"holds a manifest.json listing {name!r}, outside the folder; nothing "
                                       "was changed: give a new or empty folder")
        if not _pack_layout(name):
            raise refuse(f"it lists {name!r}, which no pack writes")
        owned[name] = str(entry.get("sha256", ""))
    return owned


def _check_out(out: Path, *, replace: bool) -> dict[str, str] | None:
    """Refuse an output folder the pack cannot own; returns the earlier pack's files (None if there is none)."""
    if out.exists() and not out.is_dir():
        raise PackFolderError(out, "is a file; give a folder")
    if not out.exists() or not any(out.iterdir()):
        return None
    if not (out / "manifest.json").is_file():
        raise PackFolderError(out, "is not empty and holds no earlier pack (no manifest.json); "
                                   "give a new or empty folder")
    owned = _owned_files(out)
    if not replace:
        raise PackFolderError(out, "holds an earlier pack; allow replacing it (only the files its manifest.json "
                                   "lists are replaced) or give a new or empty folder", earlier_pack=True)
    changed = []
    for name, digest in owned.items():
        path = out / name
        if path.is_symlink() or (path.exists() and not path.is_file()):
            changed.append(name)
        elif path.is_file() and sha256_of(path) != digest:
            changed.append(name)
    if changed:
        raise PackFolderError(out, f"holds pack files changed since the pack was written ({', '.join(changed)}); "
                                   "nothing was changed: move them away or give a new or empty folder")
    return owned


def _swap_in(tmp: Path, out: Path, owned: dict[str, str]) -> None:
    """Replace the earlier pack's files in ``out`` with the new pack's in ``tmp``, touching nothing else.

    A new file where the user has a file of their own is refused before anything moves. The earlier
    files are moved aside first and put back if any move fails, so ``out`` holds one whole pack or the
    other; ``manifest.json`` goes in last.
    """
    new = sorted(p.relative_to(tmp).as_posix() for p in tmp.rglob("*") if p.is_file())
    ours = set(owned) | {"manifest.json"}
    clashes = [n for n in new if n not in ours and ((out / n).exists() or (out / n).is_symlink())]
    if clashes:
        raise PackFolderError(out, f"holds files of its own where the pack writes ({', '.join(clashes)}); "
                                   "nothing was changed: move them away or give a new or empty folder")
    aside = Path(tempfile.mkdtemp(prefix=f".{out.name}.old.", dir=out.parent))
    moved: list[tuple[Path, Path]] = []  # (where it was, where it is now)
    placed: list[Path] = []
    try:
        for i, name in enumerate(sorted(ours)):
            if (out / name).is_file():
                os.replace(out / name, aside / str(i))
                moved.append((out / name, aside / str(i)))
        for name in [n for n in new if n != "manifest.json"] + ["manifest.json"]:
            (out / name).parent.mkdir(parents=True, exist_ok=True)
            os.replace(tmp / name, out / name)
            placed.append(out / name)
    except BaseException:
        for path in placed:
            path.unlink(missing_ok=True)
        for original, now in moved:
            os.replace(now, original)
        raise
    finally:
        shutil.rmtree(aside, ignore_errors=True)
    for folder in sorted({(out / n).parent for n in ours}, key=lambda p: len(p.parts), reverse=True):
        if folder != out and folder.is_dir() and not any(folder.iterdir()):
            folder.rmdir()  # a folder the earlier pack had and the new one does not




def figure_bytes(fig, name: str) -> dict[str, bytes]:
    """``{"<name>.png": ..., "<name>.svg": ..., "<name>.pdf": ...}``: PNG at 300 dpi, SVG and PDF, drawn in
    memory with no dates or random ids inside."""
    import matplotlib as mpl

    from mapping.present.figures import RC
    from mapping.report.hatched_png import BACKEND
    from mapping.report.svg_writer import fast_elements
    from mapping.report.vector_collections import uniform_collections

    title = next((t.get_text() for t in fig.texts), "")
    out = {}
    # RC holds valid rcParams keys (mapping.present.figures). The SVG's and PDF's collections of one style have
    # it set once, not for every path, and the SVG's elements are written as one string each: the same bytes
    # (mapping.report.vector_collections, mapping.report.svg_writer).
    with mpl.rc_context(cast("dict[Any, Any]", RC)), uniform_collections(), fast_elements():
        for ext in FIGURE_FORMATS:
            metadata = {"png": {"Title": title},
                        "svg": {"Title": title, "Date": None},
                        "pdf": {"Title": title, "CreationDate": None, "ModDate": None}}[ext]
            buffer = io.BytesIO()
            # The PNG's Agg draws each hatch once per layer of areas, not once per area: the same pixels
            # (mapping.report.hatched_png).
            fig.savefig(buffer, format=ext, dpi=DPI, metadata=metadata, backend=BACKEND if ext == "png" else None)
            out[f"{name}.{ext}"] = buffer.getvalue()
    return out


# --- drawing the figures, on both cores ----------------------------------------------------------------------
#
# Drawing and saving the figures is most of a pack's time (three formats at 300 dpi, every map's thousands of
# polygons), and each figure is independent of the others, so they are drawn in up to MAX_WORKERS processes
# forked from this one: a fork inherits the pack's inputs and the figures' drawing functions (closures, which
# could not be pickled), so nothing is sent to a worker but a job's number, and only the finished files' bytes
# come back. Every job draws with the same code, rc settings (mapping.present.figures.RC) and fixed metadata as
# a serial pack, so the files are byte-identical whichever process drew them, and they are put in the pack's
# own order. A job that fails in a worker is drawn again here, so its error (a PimapError's message, or any
# other exception) is raised exactly as a serial pack raises it; if no pool can start, every job is drawn here.

# At most this many processes draw figures (the machine the pack is built on has two cores; more would
# only hold more figures in memory at once).
MAX_WORKERS = 2
# The figure jobs of the pool being run, set before the workers are forked (they read it, never write it).
_JOBS: Sequence[Callable[[], dict[str, bytes]]] = ()


def figure_jobs(specs: Sequence[Any]) -> list[tuple[str, Callable[[], dict[str, bytes]]]]:
    """One job per figure, in the pack's order: ``(label, job)``, where ``job()`` draws the figure at each of its
    sizes (``spec.draw(size)``; a :class:`mapping.report.figures.PackPages` lays out its pages first and draws
    each) and returns its files as ``{"<folder>/<name>_<size>.<ext>": bytes}``. A figure's sizes are drawn by
    one job because they share their words, so the fonts embedded in their PDFs are cut to the same letters
    once (:func:`font_subsets`)."""
    from mapping.report.figures import size_suffix

    def job(spec: Any) -> Callable[[], dict[str, bytes]]:
        def draw() -> dict[str, bytes]:
            files: dict[str, bytes] = {}
            with font_subsets():
                for figure in _figures_of(spec):
                    for size in figure.sizes:
                        drawn = figure_bytes(figure.draw(size), f"{figure.name}_{size_suffix(size)}")
                        files.update({f"{figure.folder}/{name}": content for name, content in drawn.items()})
            return files
        return draw

    return [(f"{spec.folder}/{spec.name}", job(spec)) for spec in specs]


def _figures_of(spec: Any) -> list[Any]:
    """The figures a spec stands for: itself, or the pages of a :class:`mapping.report.figures.PackPages`."""
    return spec.pages() if hasattr(spec, "pages") else [spec]


def _job_weight(spec: Any) -> float:
    """A job's rough cost, to start the costliest first: the spec's ``weight`` where it gives one, else a map
    costs about twice a chart, per size."""
    weight = getattr(spec, "weight", None)
    return float(weight) if weight is not None else len(spec.sizes) * (2.0 if spec.folder == "maps" else 1.0)


# --- PDF fonts, each subset once per set of letters ------------------------------------------------------------
#
# matplotlib embeds in every PDF the fonts' glyphs that it uses (pdf.fonttype 42), cutting each font down with
# fontTools; that takes about 0.2 s a font whatever the glyphs, some 10% of a pack's time. A figure's A4 and
# slide PDFs use the same glyphs, so within font_subsets() the cut font's bytes are kept by (font file, face,
# glyphs) and the second PDF is given the same bytes. The bytes are those one cut gives (fontTools is
# deterministic and saves no time stamp), so the PDFs are byte-identical to uncached ones. Each cut is also kept
# on disk, checksummed, for later packs (mapping.report.font_cache): a pack built again cuts no font at all.
# Outside font_subsets() (and with a matplotlib whose private helper differs) nothing changes.
_SUBSETS: contextvars.ContextVar[dict | None] = contextvars.ContextVar("pimap_font_subsets", default=None)
_SUBSET_LOCK = threading.Lock()
_subset_installed = False
# Whether cuts are also kept on disk for later packs (mapping.report.font_cache); the tests turn it off to compare.
_DISK_SUBSETS = True


def _stored_subset(fontfile: str, face_index: int, glyphs: frozenset[int]) -> tuple[bytes, dict[int, int]] | None:
    """A cut kept on disk by an earlier pack (mapping.report.font_cache), or None (then it is cut here)."""
    try:
        return font_cache.load(font_cache.subset_key(fontfile, face_index, glyphs))
    except OSError:  # the font file itself unreadable: matplotlib's own cut says why
        return None


def _store_subset(fontfile: str, face_index: int, glyphs: frozenset[int], data: bytes,
                  index_map: dict[int, int]) -> None:
    try:
        font_cache.store(font_cache.subset_key(fontfile, face_index, glyphs), data, index_map)
    except OSError:
        pass


class _SubsetFont:
    """A cut font as saved bytes, standing in for the fontTools font matplotlib would save (and close)."""

    def __init__(self, data: bytes) -> None:
        self.data = data

    def save(self, file: Any, reorderTables: bool = True) -> None:  # noqa: N803 - fontTools' name
        file.write(self.data)

    def close(self) -> None:
        pass

    def __enter__(self) -> _SubsetFont:
        return self

    def __exit__(self, *exc: object) -> None:
        pass


def _install_subset_cache() -> bool:
    """Wrap matplotlib's font cutter once (so it is never unwrapped under another thread); False if this
    matplotlib has no such helper (then fonts are cut as matplotlib does)."""
    global _subset_installed
    from matplotlib.backends import _backend_pdf_ps as pdf_ps

    with _SUBSET_LOCK:
        if _subset_installed:
            return True
        original = getattr(pdf_ps, "get_glyphs_subset", None)
        results = getattr(pdf_ps, "SubsetResults", None)
        if original is None or results is None or not hasattr(results, "_as_cm") \
                or not hasattr(pdf_ps, "font_as_file"):
            return False

        def get_glyphs_subset(fontfile: Any, glyphs: Any) -> Any:
            cache = _SUBSETS.get()
            if cache is None:
                return original(fontfile, glyphs)
            key = (str(fontfile), getattr(fontfile, "face_index", 0), frozenset(glyphs))
            if key not in cache:
                cache[key] = _stored_subset(*key) if _DISK_SUBSETS else None
                if cache[key] is None:
                    with original(fontfile, glyphs) as cut:
                        cache[key] = (pdf_ps.font_as_file(cut.font).getvalue(), dict(cut.glyph_index_map))
                    if _DISK_SUBSETS:
                        _store_subset(*key, *cache[key])
            data, index_map = cache[key]
            return results(_SubsetFont(data), dict(index_map))._as_cm()

        pdf_ps.get_glyphs_subset = get_glyphs_subset
        _subset_installed = True
        return True


@contextlib.contextmanager
def font_subsets() -> Iterator[None]:
    """Within this, each font embedded in a PDF is cut once per set of glyphs (see above)."""
    if not _install_subset_cache():
        yield
        return
    token = _SUBSETS.set({})
    try:
        yield
    finally:
        _SUBSETS.reset(token)


def figure_workers(jobs: int, workers: int | None = None) -> int:
    """How many processes draw ``jobs`` figures: ``workers`` if given (1: all in this process), else up to
    :data:`MAX_WORKERS`, no more than the cores this process may use, and 1 where forking is not safe: a
    platform without ``fork`` or where it is not the norm (macOS, Windows), or a process running other
    threads (a web server's; a fork copies only the calling thread, so a lock another holds would never be
    released in the worker)."""
    if workers is not None:
        return max(1, min(int(workers), jobs))
    if jobs < 2 or sys.platform != "linux" or "fork" not in multiprocessing.get_all_start_methods():
        return 1
    if threading.active_count() > 1 or multiprocessing.current_process().daemon:
        return 1  # another thread could hold a lock at the fork; a daemon process may not have children
    try:
        cores = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # pragma: no cover - Linux has sched_getaffinity
        cores = os.cpu_count() or 1
    return max(1, min(MAX_WORKERS, cores, jobs))


@contextlib.contextmanager
def _frozen_heap() -> Iterator[None]:
    """Within this, the objects that exist now (the pack's inputs and specs, which drawing never frees) are left
    out of garbage collection (:func:`gc.freeze`), and collected as before afterwards. Full collections while
    drawing then walk only the figures, not every object of the inputs: about a second of a pack's CPU. Workers
    forked within it keep them frozen, so they never walk them either (nor copy the pages they share with this
    process by touching them). Where something else has frozen objects already, nothing is changed."""
    if gc.get_freeze_count():
        yield
        return
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def _start_worker() -> None:
    """A worker draws PNGs of a page size on one renderer for its life (it ends with the pack):
    :func:`mapping.report.hatched_png.keep_renderers`."""
    from mapping.report.hatched_png import keep_renderers

    keep_renderers()


def _run_job(index: int) -> dict[str, bytes] | None:
    """A worker's job: the figure's files, or None when it failed (it is drawn again by the pack's own process,
    so the error reaches the user as a serial pack gives it; exceptions are never pickled between processes)."""
    try:
        return _JOBS[index]()
    except BaseException:  # noqa: BLE001 - any failure: redrawn by the parent, which raises it
        return None


class DrawnFigures:
    """Figures being drawn while the caller does other work (:func:`drawn_figures`); :meth:`result` waits for
    them and returns every file, in the jobs' order."""

    def __init__(self, jobs: Sequence[tuple[str, Callable[[], dict[str, bytes]]]], workers: int | None = None,
                 weights: Sequence[float] | None = None):
        global _JOBS
        self.labels = [label for label, _ in jobs]
        self._weights = list(weights) if weights is not None else [1.0] * len(jobs)
        self._jobs = [job for _, job in jobs]
        self.workers = figure_workers(len(jobs), workers)
        self._pool: ProcessPoolExecutor | None = None
        self._futures: list[Future] = []
        if self.workers < 2:
            return
        _JOBS = self._jobs
        try:
            self._pool = ProcessPoolExecutor(self.workers, mp_context=multiprocessing.get_context("fork"),
                                             initializer=_start_worker)
            # The costliest figures (maps, and figures with two sizes) first, so the workers finish together
            # rather than one drawing the last map while the other waits (stable: the pack's order otherwise).
            order = sorted(range(len(self._jobs)), key=lambda i: -self._weights[i])
            with _frozen_heap():  # the workers are forked at the first submit
                futures: dict[int, Future] = {i: self._pool.submit(_run_job, i) for i in order}
            self._futures = [futures[i] for i in range(len(self._jobs))]
        except Exception:  # noqa: BLE001 - no pool (no processes allowed, no memory): draw them all here
            self.close()
            self.workers = 1

    def result(self) -> dict[str, bytes]:
        """Every figure's files in the jobs' order; a job that failed in a worker (or every job, without a
        pool) is drawn here, raising its error as a serial pack does."""
        from mapping.report.hatched_png import kept_renderers

        files: dict[str, bytes] = {}
        try:
            with _frozen_heap(), kept_renderers():
                for i, job in enumerate(self._jobs):
                    drawn = None
                    if self._futures:
                        try:
                            drawn = self._futures[i].result()
                        except Exception:  # noqa: BLE001 - a worker that died (BrokenProcessPool): drawn here
                            drawn = None
                    files.update(drawn if drawn is not None else job())
        finally:
            self.close()
        return files

    def close(self) -> None:
        """Stop the workers (at once: nothing drawn after an error is wanted)."""
        global _JOBS
        pool, self._pool = self._pool, None
        _JOBS = ()
        if pool is None:
            return
        done = all(f.done() for f in self._futures)
        pool.shutdown(wait=done, cancel_futures=True)
        if not done:  # a job still drawing after an error: end its process rather than wait for it
            terminate = getattr(pool, "terminate_workers", None)  # Python 3.14
            if terminate is not None:
                terminate()
            else:
                for process in list((getattr(pool, "_processes", None) or {}).values()):
                    process.terminate()

    def __enter__(self) -> DrawnFigures:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def drawn_figures(specs: Sequence[Any], *, workers: int | None = None) -> DrawnFigures:
    """Start drawing the figures of ``specs`` (each with ``folder``, ``name``, ``sizes`` and ``draw``, or
    :class:`mapping.report.figures.PackPages`) in up to
    :data:`MAX_WORKERS` processes (see :func:`figure_workers`); use as a context manager, so the workers stop
    if the caller fails, and call :meth:`DrawnFigures.result` for the files. The files are the same bytes as
    drawing each figure in turn with :func:`figure_bytes`."""
    return DrawnFigures(figure_jobs(specs), workers, [_job_weight(s) for s in specs])


def _save_figure(fig, stem: Path) -> list[Path]:
    """The figure's files (:func:`figure_bytes`) written beside ``stem``; returns their paths."""
    written = []
    for name, content in figure_bytes(fig, stem.name).items():
        path = stem.with_name(name)
        path.write_bytes(content)
        written.append(path)
    return written


def command(data: Any) -> str:
    """The command that rebuilds the pack; the FOI file name is quoted as a shell would need it."""
    parts = ["pimap report", f"--geography {data.geography}", f"--year {data.year}",
             f"--as-of {data.as_of.isoformat()}"]
    if _grades_parameter(data) != "all":
        parts.append(f"--grades {_grades_parameter(data)}")
    if data.foi is not None:
        parts.append(f"--foi {shlex.quote(data.foi.file_name)}")
    return " ".join(parts) + " --out DIR"


def _grades_parameter(data: Any) -> str:
    """The evidence grades that count as a team in the pack: "all", or a choice of GRADE_CHOICES."""
    grades = getattr(getattr(data, "selection", None), "grades", None)
    return "all" if grades is None else grade_choice(grades) or ",".join(grades)


def manifest_for(data: Any, files: Mapping[str, bytes]) -> dict:
    """The manifest of a pack whose other files are ``files``: what built it (package, version, command,
    parameters, software), the files behind it (``inputs``: id -> sha256, and ``sources`` with each one's
    role, description, licence and address, from :func:`mapping.inputs.provenance.sources_for`) and every
    file it holds with its size and sha256."""
    manifest = {
        "package": PACKAGE,
        "version": _package_version(),
        "command": command(data),
        "parameters": {"geography": data.geography, "population_year": data.year,
                       "as_of": data.as_of.isoformat(), "age": "0-2",
                       "foi": data.foi.file_name if data.foi else None,
                       "grades": _grades_parameter(data)},
        "inputs": data.inputs,
        "software": _software(),
        "files": [{"path": p, "bytes": len(files[p]), "sha256": hashlib.sha256(files[p]).hexdigest()}
                  for p in sorted(files)],
    }
    sources = getattr(data, "sources", ())
    if sources:
        manifest["sources"] = [s.as_dict() for s in sources]
    return manifest


def manifest_bytes(manifest: dict) -> bytes:
    return (json.dumps(manifest, indent=2, sort_keys=True) + "\n").encode("utf-8")


def write_files(files: Mapping[str, bytes], out: str | os.PathLike, *, owned: dict[str, str] | None) -> None:
    """Write ``files`` (``{path: bytes}``, ``manifest.json`` among them) as the pack in ``out``.

    ``owned`` is :func:`check_out`'s answer for ``out`` (the earlier pack's files, or None). The files
    are written in a temporary folder beside ``out`` and moved in at the end (``manifest.json`` last).
    Raises :class:`PackFolderError` for a failed write.
    """
    out = Path(out)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    except OSError as exc:
        raise _folder_error(out, exc) from None
    try:
        for folder in PACK_FOLDERS:
            (tmp / folder).mkdir()
        for name in sorted(files):
            (tmp / name).write_bytes(files[name])
        if owned is not None:
            _swap_in(tmp, out, owned)
        else:
            if out.is_dir():
                out.rmdir()  # empty (checked by check_out): rmdir refuses a folder that is not
            tmp.rename(out)
    except OSError as exc:
        raise _folder_error(out, exc) from None
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


check_out = _check_out
csv_bytes = _csv_bytes
