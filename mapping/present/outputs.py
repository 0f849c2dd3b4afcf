"""Writing an output file: checked before any work, written whole or not at all, never over a file unasked.

Every command that writes a file goes through :func:`write_output` (or :func:`write_output_with` for
writers that need a path, such as GeoPackage), so the rules are the same everywhere:

- the file's folder must exist and the name must not be a folder (:func:`check_output_file`, cheap
  enough to call before a long computation);
- an existing regular file is replaced only when ``overwrite`` is true;
- the bytes go to a temporary file in the same folder, flushed to disk, then ``os.replace`` puts it in
  place, so a full disk or a killed process leaves the earlier file (or none), never half a file;
- a device or pipe (``/dev/stdout``, ``/dev/null``, a FIFO) is written in place, never replaced;
- every ``OSError`` becomes an :class:`OutputError` naming the file and what to do.

Messages name the file but no command-line flag: the CLI adds those (see ``mapping.cli.options``).
Tables go through :func:`csv_text`, which applies the one neutralising rule of
:mod:`mapping.present.downloads` so no cell runs as a spreadsheet formula.
"""

from __future__ import annotations

import errno
import io
import os
import shutil
import stat
import tempfile
import zipfile
from collections.abc import Callable, Mapping
from pathlib import Path

import pandas as pd

from mapping.errors import OutputError, OutputExistsError

__all__ = ["OutputError", "OutputExistsError", "check_output_file", "write_output", "write_output_with",
           "csv_text", "csv_line_end", "describe_os_error", "zip_bytes", "zip_entry", "ZIP_EPOCH"]

# The time every entry of a ZIP this project writes carries (the earliest a ZIP can hold), so none holds a clock time.
ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)
# Mode of a new output file: what ``open()`` would give under the usual umask (mkstemp gives 0600).
NEW_FILE_MODE = 0o644


def describe_os_error(exc: OSError) -> str:
    """What went wrong and what to do, for an OSError raised while writing (no path: the caller names it)."""
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return "no space left on the disk; free some space or write to another disk"
    if exc.errno in (errno.EACCES, errno.EPERM):
        return "no permission to write there; choose a folder you can write to"
    if exc.errno == errno.EROFS:
        return "the disk is read-only; write to another disk"
    if exc.errno == errno.ENAMETOOLONG:
        return "the name is too long; choose a shorter one"
    return f"{exc.strerror or exc}; check the path and try again"


def _special(path: Path) -> bool:
    """A device, pipe or socket: written in place (``/dev/stdout`` is a fine output), never replaced."""
    try:
        mode = path.stat().st_mode
    except OSError:
        return False
    return not stat.S_ISREG(mode) and not stat.S_ISDIR(mode)


def check_output_file(path: str | os.PathLike, *, overwrite: bool = False) -> Path:
    """Refuse an output name that cannot work, before anything is computed; returns it as a Path.

    Raises :class:`OutputExistsError` for an existing file when ``overwrite`` is false, and
    :class:`OutputError` for a name that is a folder or whose folder is missing.
    """
    path = Path(path)
    name = str(path)
    if name.endswith(("/", os.sep)) or path.is_dir():
        raise OutputError(f"output file {name!r} is a folder; give a file name, e.g. {str(path / 'out.csv')!r}")
    if _special(path):
        return path
    parent = path.parent
    if not parent.exists():
        raise OutputError(f"the folder of output file {name!r} does not exist; create {str(parent)!r} first "
                          "or choose another folder")
    if not parent.is_dir():
        raise OutputError(f"output file {name!r} is under {str(parent)!r}, which is a file, not a folder; "
                          "choose another folder")
    if path.exists() or path.is_symlink():
        if not path.is_file() or path.is_symlink():
            raise OutputError(f"output file {name!r} exists and is not a regular file; choose another name")
        if not overwrite:
            raise OutputExistsError(path)
    return path


def _mode_for(path: Path) -> int:
    try:
        return stat.S_IMODE(path.stat().st_mode)
    except OSError:
        return NEW_FILE_MODE


def write_output(path: str | os.PathLike, data: str | bytes, *, overwrite: bool = False) -> Path:
    """Write ``data`` (text is UTF-8) to ``path`` atomically; see the module docstring for the rules."""
    payload = data.encode("utf-8") if isinstance(data, str) else bytes(data)
    target = check_output_file(path, overwrite=overwrite)
    if _special(target):
        try:
            with open(target, "wb") as fh:
                fh.write(payload)
                fh.flush()
        except OSError as exc:
            raise OutputError(f"output file {str(target)!r} could not be written: {describe_os_error(exc)}") from None
        return target
    mode = _mode_for(target)
    tmp: str | None = None
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
        with os.fdopen(fd, "wb") as fh:
            fh.write(payload)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, target)
        tmp = None
    except OSError as exc:
        raise OutputError(f"output file {str(target)!r} could not be written: {describe_os_error(exc)}") from None
    finally:
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)
    return target


def write_output_with(path: str | os.PathLike, writer: Callable[[Path], None], *,
                      overwrite: bool = False) -> Path:
    """Let ``writer`` write a file at a temporary path of the same name in the same folder, then move it
    into place: for writers that need a path (GeoPackage, which is an SQLite database)."""
    target = check_output_file(path, overwrite=overwrite)
    if _special(target):
        raise OutputError(f"output file {str(target)!r} is a device or pipe; this format needs a regular file")
    mode = _mode_for(target)
    folder: str | None = None
    try:
        folder = tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
        staged = Path(folder) / target.name
        try:
            writer(staged)
        except RuntimeError as exc:  # GDAL's errors through pyogrio (DataSourceError, DataLayerError)
            raise OutputError(f"output file {str(target)!r} could not be written: {exc}") from None
        with open(staged, "rb+") as fh:
            os.fsync(fh.fileno())
        os.chmod(staged, mode)
        os.replace(staged, target)
    except OSError as exc:
        raise OutputError(f"output file {str(target)!r} could not be written: {describe_os_error(exc)}") from None
    finally:
        if folder is not None:
            shutil.rmtree(folder, ignore_errors=True)
    return target


def csv_line_end(frame: pd.DataFrame) -> str:
    """``"\n"``, or ``"\r\n"`` when a text cell holds a carriage return.

    Python's csv writer quotes a field only for the characters of its line terminator, so with ``"\n"``
    a cell holding a bare ``"\r"`` is written unquoted, and spreadsheets split the row there: the text
    after it becomes a cell of its own, where ``"x\r=HYPERLINK(...)"`` would run. With ``"\r\n"`` (RFC
    4180, as the app's downloads use) such a cell is quoted and stays whole; files without one keep
    ``"\n"``, byte for byte as before.
    """
    for column in frame.columns:
        if isinstance(column, str) and "\r" in column:
            return "\r\n"
        series = frame[column]
        if series.dtype == object or pd.api.types.is_string_dtype(series) or isinstance(series.dtype,
                                                                                        pd.CategoricalDtype):
            if series.map(lambda v: isinstance(v, str) and "\r" in v).any():
                return "\r\n"
    return "\n"


def csv_text(frame: pd.DataFrame) -> str:
    """The frame as CSV text, every text cell neutralised (:func:`mapping.present.downloads.neutralise_frame`) and
    every cell kept whole (:func:`csv_line_end`)."""
    from mapping.present.downloads import neutralise_frame

    safe = neutralise_frame(frame)
    return safe.to_csv(index=False, lineterminator=csv_line_end(safe))


def replace_folder(folder: Path, files: Mapping[str, bytes]) -> None:
    """Put ``files`` (relative path -> bytes) in ``folder`` whole: written in a new folder beside it (each file
    synced, readable by all), then swapped in by renaming; an earlier ``folder`` is moved aside first and put
    back if the swap fails, then removed. The caller decides beforehand that the earlier folder may be
    replaced (only files the project wrote). Raises OSError; a reader never sees half a folder."""
    staging: Path | None = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", suffix=".part", dir=folder.parent))
    aside: Path | None = None
    assert staging is not None
    try:
        for name, body in sorted(files.items()):
            path = staging / name
            path.parent.mkdir(parents=True, exist_ok=True)
            with open(path, "wb") as fh:
                fh.write(body)
                fh.flush()
                os.fsync(fh.fileno())
            os.chmod(path, 0o644)
        for sub in [staging, *(p for p in staging.rglob("*") if p.is_dir())]:
            os.chmod(sub, 0o755)
        emptied = False
        if folder.exists():
            if any(folder.iterdir()):
                aside = Path(tempfile.mkdtemp(prefix=f".{folder.name}.old.", dir=folder.parent))
                os.replace(folder, aside / folder.name)
            else:
                folder.rmdir()
                emptied = True
        try:
            os.replace(staging, folder)
        except OSError:
            if aside is not None:
                os.replace(aside / folder.name, folder)  # the earlier folder back
            elif emptied:
                folder.mkdir()
            raise
        staging = None
    finally:
        if staging is not None:
            shutil.rmtree(staging, ignore_errors=True)
        if aside is not None:
            shutil.rmtree(aside, ignore_errors=True)  # the earlier folder: only files the caller checked are its own


def zip_entry(name: str) -> zipfile.ZipInfo:
    """A ZIP entry as this project writes every one: deflated, read-write for its owner and readable by all, with
    :data:`ZIP_EPOCH` as its time, so the same content gives the same bytes."""
    entry = zipfile.ZipInfo(name, date_time=ZIP_EPOCH)
    entry.compress_type = zipfile.ZIP_DEFLATED
    entry.external_attr = 0o644 << 16
    return entry


def zip_bytes(files: Mapping[str, bytes], folder: str) -> bytes:
    """Files (``{relative path: bytes}``) as one ZIP, every file under ``folder/``, entries (:func:`zip_entry`) in
    path order: the same files always give the same bytes (the report pack, the static site)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in sorted(files, key=lambda n: n.split("/")):
            archive.writestr(zip_entry(f"{folder}/{name}"), files[name])
    return buffer.getvalue()
