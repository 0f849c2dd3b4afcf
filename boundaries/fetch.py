"""The open-data registry and a hash-checked, atomic file cache.

Every source file the project reads is pinned in ``registry.csv`` (URL, size, sha256,
licence). A file is fetched once into the cache, from its URL or, with no network,
from a mirror directory holding the same bytes; either way its sha256 must match
the registry before it is moved into place. A cached file is re-hashed before it is
parsed (once per process while it is unchanged on disk), and a damaged one is moved
to ``quarantine/`` and fetched again: a file on disk is untrusted until its hash matches.

The cache helpers here (temporary files, quarantine, stale-file clean-up, the
"not writable" message) are shared with the processed-layer cache in ``catalogue``.
"""

from __future__ import annotations

import csv
import hashlib
import os
import re
import shutil
import tempfile
import threading
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from boundaries import config
from mapping.errors import CacheError, CacheRepairWarning, DataFileError

if TYPE_CHECKING:
    import requests

# The names below are aliases of boundaries.config, where every path and environment variable is declared.
REGISTRY_PATH = config.registry_path()
CACHE_ENV = config.CACHE_DIR.name
MIRROR_ENV = config.DATA_MIRROR.name
ATTRIBUTION = (
    "Contains National Statistics data © Crown copyright and database right; Contains OS data © Crown "
    "copyright and database right; NRS, NISRA and Scottish Government data. Open Government Licence v3.0."
)

# A temporary file older than this is left over from a killed process (a live download writes
# continuously and times out after ``timeout`` seconds without data; a layer is written in one go).
STALE_TEMP_SECONDS = 15 * 60
# A file modified this recently may change again within the file system's timestamp resolution,
# so its verification is not remembered (the "racily clean" rule git uses for its index).
RACY_SECONDS = 2.0
# tempfile.mkstemp names: prefix, 8 characters from [a-z0-9_], suffix.
TEMP_NAME = re.compile(r"^\.(?P<target>.+)\.[a-z0-9_]{8}\.part$")

__all__ = [
    "ATTRIBUTION",
    "RegisteredFile",
    "registry",
    "cache_dir",
    "fetch",
    "fetch_all",
    "check_mirror",
    "file_status",
    "sha256_of",
    "forget_verified",
]


@dataclass(frozen=True)
class RegisteredFile:
    """One pinned source file."""

    id: str
    filename: str
    bytes: int
    sha256: str
    format: str
    url: str
    license: str
    description: str


@cache
def registry() -> dict[str, RegisteredFile]:
    """The pinned files, by id."""
    with open(config.registry_path(), newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    return {
        r["id"]: RegisteredFile(
            id=r["id"], filename=r["filename"], bytes=int(r["bytes"]), sha256=r["sha256"], format=r["format"],
            url=r["url"], license=r["license"], description=r["description"],
        )
        for r in rows
    }


def _entry(file_id: str) -> RegisteredFile:
    try:
        return registry()[file_id]
    except KeyError:
        raise DataFileError(f"unknown data file id {file_id!r}; known ids: {', '.join(sorted(registry()))}") from None


def cache_dir() -> Path:
    """Where verified source files and processed layers live (``PIMAP_CACHE_DIR`` overrides)."""
    override = config.cache_dir_override()
    if override is not None:
        return override
    import platformdirs

    return Path(platformdirs.user_cache_dir("pimap"))


def raw_dir() -> Path:
    return cache_dir() / "raw"


def quarantine_dir() -> Path:
    """Where damaged cached files are moved (kept for inspection; safe to delete)."""
    return cache_dir() / "quarantine"


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


# --- cache helpers shared with the processed-layer cache ------------------------------------------------


def not_writable(exc: OSError) -> CacheError:
    """The one message for a cache that cannot be written, whatever the reason (read-only, a file, full)."""
    reason = exc.strerror or str(exc)
    return CacheError(
        f"cache directory {cache_dir()} is not writable; set {CACHE_ENV} to a writable folder ({reason})"
    )


def ensure_dir(path: Path) -> Path:
    """Create a cache folder, or say clearly that the cache cannot be written."""
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise not_writable(exc) from exc
    return path


def temp_beside(target: Path) -> tuple[int, Path]:
    """An open, uniquely named temporary file in ``target``'s folder (same file system, so os.replace is atomic).

    Its name follows ``TEMP_NAME``, so a copy left by a killed process can be recognised and removed.
    """
    ensure_dir(target.parent)
    try:
        fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    except OSError as exc:
        raise not_writable(exc) from exc
    return fd, Path(name)


def install(tmp: Path, target: Path) -> None:
    """Atomically put ``tmp`` in place of ``target`` (a reader sees the old file or the new one, never half)."""
    try:
        os.replace(tmp, target)
    except OSError as exc:
        raise not_writable(exc) from exc


def quarantine(path: Path, problem: str, action: str) -> Path | None:
    """Move a damaged cached file aside (never delete it) and warn, naming the file; None if it has gone.

    The file is renamed into ``quarantine/<folder>/<name>.<UTC time>.<pid>``; ``action`` says what
    happens next ("rebuilding the layer", "fetching it again").
    """
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    folder = ensure_dir(quarantine_dir() / path.parent.name)
    dest = folder / f"{path.name}.{stamp}.{os.getpid()}"
    try:
        os.replace(path, dest)
    except FileNotFoundError:  # another process moved or replaced it first
        return None
    except OSError as exc:
        raise not_writable(exc) from exc
    warnings.warn(f"{path}: {problem}; moved to {dest}; {action}", CacheRepairWarning, stacklevel=3)
    return dest


_cleaned: set[Path] = set()
_cleaned_lock = threading.Lock()


def remove_stale_temps(directory: Path, is_ours: Callable[[str], bool]) -> list[Path]:
    """Once per process and folder, delete temporary files a killed process left behind.

    Only names matching the project's own temporary-name pattern whose target ``is_ours`` are
    touched, and only when untouched for ``STALE_TEMP_SECONDS`` (a concurrent writer's live file is
    newer). Errors are ignored: a read-only cache still reads.
    """
    with _cleaned_lock:
        if directory in _cleaned:
            return []
        _cleaned.add(directory)
    removed: list[Path] = []
    try:
        entries = list(os.scandir(directory))
    except OSError:
        return removed
    now = time.time()
    for item in entries:
        match = TEMP_NAME.match(item.name)
        if not match or not is_ours(match["target"]):
            continue
        try:
            if not item.is_file(follow_symlinks=False) or now - item.stat().st_mtime < STALE_TEMP_SECONDS:
                continue
            os.unlink(item.path)
            removed.append(Path(item.path))
        except OSError:
            continue
    return removed


def read_checked(path: Path, kind: bytes) -> bytes | None:
    """The body of a file :func:`write_checked` wrote with the first line ``kind``, or None when it is missing,
    unreadable, of another kind or version, or its body does not match the sha256 on its second line (damaged
    or truncated): the caller computes it again and writes it anew."""
    try:
        content = path.read_bytes()
    except (OSError, ValueError):
        return None
    if not content.startswith(kind):
        return None
    digest, _, body = content[len(kind):].partition(b"\n")
    return body if hashlib.sha256(body).hexdigest().encode() == digest else None


def write_checked(path: Path, kind: bytes, body: bytes) -> bool:
    """Keep ``body`` at ``path`` under the line ``kind`` (``b"<format> <version>\\n"``) and its sha256, written to
    a temporary file beside it and moved into place, so a reader sees a whole file or none; False (nothing
    written) when the cache cannot be written, which only costs the work of computing it again."""
    try:
        fd, tmp = temp_beside(path)
    except (OSError, CacheError):
        return False
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(kind + hashlib.sha256(body).hexdigest().encode() + b"\n" + body)
        os.chmod(tmp, 0o644)  # a cache file like any other, not owner-only as mkstemp leaves it
        install(tmp, path)
    except (OSError, CacheError):
        return False
    finally:
        tmp.unlink(missing_ok=True)
    return True


# --- raw files ------------------------------------------------------------------------------------------

# path -> (size, mtime_ns, inode) of a copy whose hash matched, so repeated reads in one process don't rehash.
_verified: dict[Path, tuple[int, int, int]] = {}
_fetch_lock = threading.RLock()


def forget_verified() -> None:
    """Forget which cached files this process has verified (as a new process would)."""
    with _fetch_lock:
        _verified.clear()


def _problem_with(target: Path, entry: RegisteredFile) -> str | None:
    """Why the cached copy cannot be trusted, or None when it matches the registry (re-hashed unless known)."""
    try:
        stat = target.stat()
        state = (stat.st_size, stat.st_mtime_ns, stat.st_ino)
        if _verified.get(target) == state:
            return None
        if stat.st_size != entry.bytes:
            return f"size {stat.st_size} bytes does not match the registry's {entry.bytes}"
        digest = sha256_of(target)
    except OSError as exc:
        return f"cannot be read ({exc.strerror or exc})"
    if digest != entry.sha256:
        return f"sha256 {digest} does not match the registry's {entry.sha256}"
    if time.time() - stat.st_mtime > RACY_SECONDS:
        _verified[target] = state
    return None


def _mirror_from_env(mirror: Path | str | None) -> Path | None:
    if mirror is not None:
        return Path(mirror)
    return config.data_mirror()


def _verify_and_install(tmp: Path, entry: RegisteredFile, target: Path, origin: str) -> None:
    """Move ``tmp`` to ``target`` only if its size and hash match the registry; else delete it."""
    try:
        size = tmp.stat().st_size
        if size != entry.bytes:
            raise DataFileError(
                f"{entry.filename}: size {size} bytes from {origin} does not match the registry's {entry.bytes}; "
                "the file was not cached"
            )
        digest = sha256_of(tmp)
        if digest != entry.sha256:
            raise DataFileError(
                f"{entry.filename}: sha256 {digest} from {origin} does not match the registry's {entry.sha256}; "
                "the file was not cached"
            )
        install(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)


def _temp_beside(target: Path) -> Path:
    fd, tmp = temp_beside(target)
    os.close(fd)
    return tmp


def check_mirror(mirror: Path) -> None:
    """Refuse a mirror that is not a folder, once, naming it (rather than once per file it lacks)."""
    if not mirror.is_dir():
        problem = "is not a folder" if mirror.exists() else "does not exist"
        raise DataFileError(f"mirror directory {mirror} {problem}; name the folder holding the pinned files")


def _copy_from_mirror(entry: RegisteredFile, mirror: Path, target: Path) -> None:
    check_mirror(mirror)
    source = mirror / entry.filename
    if not source.is_file():
        raise DataFileError(f"{entry.filename}: not found in mirror directory {mirror}")
    tmp = _temp_beside(target)
    try:
        shutil.copyfile(source, tmp)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        if exc.filename == str(source):
            raise DataFileError(f"{entry.filename}: cannot read {source} in the mirror ({exc.strerror})") from exc
        raise not_writable(exc) from exc
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    _verify_and_install(tmp, entry, target, f"mirror {source}")


def _session(retries: int) -> requests.Session:
    import requests
    from requests.adapters import HTTPAdapter
    from urllib3.util.retry import Retry

    session = requests.Session()
    retry = Retry(total=retries, backoff_factor=0.5, status_forcelist=(429, 500, 502, 503, 504))
    session.mount("https://", HTTPAdapter(max_retries=retry))
    session.mount("http://", HTTPAdapter(max_retries=retry))
    return session


def _download(entry: RegisteredFile, target: Path, *, timeout: float, retries: int, progress: bool) -> None:
    import requests
    from tqdm import tqdm

    tmp = _temp_beside(target)
    try:
        with _session(retries).get(entry.url, stream=True, timeout=timeout) as response:
            response.raise_for_status()
            with open(tmp, "wb") as fh, tqdm(
                total=entry.bytes, unit="B", unit_scale=True, desc=entry.filename, disable=not progress, leave=False
            ) as bar:
                for block in response.iter_content(chunk_size=1 << 16):
                    fh.write(block)
                    bar.update(len(block))
    except requests.RequestException as exc:
        tmp.unlink(missing_ok=True)
        raise DataFileError(f"{entry.filename}: download from {entry.url} failed: {exc}") from exc
    except OSError as exc:  # writing the temporary file: a full or read-only disk
        tmp.unlink(missing_ok=True)
        raise not_writable(exc) from exc
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    _verify_and_install(tmp, entry, target, entry.url)


def fetch(
    file_id: str,
    *,
    mirror: Path | str | None = None,
    timeout: float = 60.0,
    retries: int = 3,
    progress: bool = False,
) -> Path:
    """Path to a verified copy of a registered file, fetching it first if the cache lacks it.

    With ``mirror`` (or ``PIMAP_DATA_MIRROR``) the bytes are copied from that directory
    instead of downloaded. A file already in the cache is re-hashed before it is used (once per
    process while its size and modification time are unchanged); a damaged copy is quarantined
    with a ``CacheRepairWarning`` and fetched again.
    """
    entry = _entry(file_id)
    target = raw_dir() / entry.filename
    remove_stale_temps(raw_dir(), _is_registered_name)
    with _fetch_lock:
        if target.is_file():
            problem = _problem_with(target, entry)
            if problem is None:
                return target
            quarantine(target, f"cached copy is damaged: {problem}", "fetching it again")
        source = _mirror_from_env(mirror)
        if source is not None:
            _copy_from_mirror(entry, source, target)
        else:
            _download(entry, target, timeout=timeout, retries=retries, progress=progress)
        return target


def _is_registered_name(name: str) -> bool:
    return any(entry.filename == name for entry in registry().values())


def fetch_all(*, mirror: Path | str | None = None, progress: bool = True) -> dict[str, Path | DataFileError]:
    """Fetch every registered file; one failure does not stop the others.

    A mirror (given, or ``PIMAP_DATA_MIRROR``) that is not a folder is one :class:`DataFileError` for the
    whole call, raised before any file is looked at, so it is said once and not once per missing file.
    """
    source = _mirror_from_env(mirror)
    if source is not None:
        check_mirror(source)
    results: dict[str, Path | DataFileError] = {}
    for file_id in registry():
        try:
            results[file_id] = fetch(file_id, mirror=mirror, progress=progress)
        except DataFileError as exc:
            results[file_id] = exc
    return results


FileState = Literal["present", "missing", "corrupt"]


def file_status(file_id: str) -> FileState:
    """Whether the cached copy of a file is present and matches its hash (re-hashes it)."""
    entry = _entry(file_id)
    target = raw_dir() / entry.filename
    if not target.is_file():
        return "missing"
    try:
        return "present" if sha256_of(target) == entry.sha256 else "corrupt"
    except OSError:
        return "corrupt"
