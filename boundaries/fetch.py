"""The open-data registry and a hash-checked, atomic file cache.

Every source file the project reads is pinned in ``registry.csv`` (URL, size, sha256,
licence). A file is fetched once into the cache, from its URL or, with no network,
from a mirror directory holding the same bytes; either way its sha256 must match
the registry before it is moved into place, so the cache only ever holds good files.
"""

from __future__ import annotations

import csv
import hashlib
import os
import shutil
import tempfile
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Literal

from boundaries.errors import DataFileError

REGISTRY_PATH = Path(__file__).with_name("registry.csv")
CACHE_ENV = "PIMAP_CACHE_DIR"
MIRROR_ENV = "PIMAP_DATA_MIRROR"
ATTRIBUTION = (
    "Contains National Statistics data © Crown copyright and database right; Contains OS data © Crown "
    "copyright and database right; NRS, NISRA and Scottish Government data. Open Government Licence v3.0."
)

__all__ = [
    "ATTRIBUTION",
    "RegisteredFile",
    "registry",
    "cache_dir",
    "fetch",
    "fetch_all",
    "file_status",
    "sha256_of",
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
    with open(REGISTRY_PATH, newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    return {r["id"]: RegisteredFile(**{**r, "bytes": int(r["bytes"])}) for r in rows}


def _entry(file_id: str) -> RegisteredFile:
    try:
        return registry()[file_id]
    except KeyError:
        raise DataFileError(f"unknown data file id {file_id!r}; known ids: {', '.join(sorted(registry()))}") from None


def cache_dir() -> Path:
    """Where verified source files and processed layers live (``PIMAP_CACHE_DIR`` overrides)."""
    override = os.environ.get(CACHE_ENV)
    if override:
        return Path(override).expanduser()
    import platformdirs

    return Path(platformdirs.user_cache_dir("pimap"))


def raw_dir() -> Path:
    return cache_dir() / "raw"


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _mirror_from_env(mirror: Path | str | None) -> Path | None:
    if mirror is not None:
        return Path(mirror)
    env = os.environ.get(MIRROR_ENV)
    return Path(env) if env else None


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
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)


def _temp_beside(target: Path) -> Path:
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    os.close(fd)
    return Path(name)


def _copy_from_mirror(entry: RegisteredFile, mirror: Path, target: Path) -> None:
    source = mirror / entry.filename
    if not source.is_file():
        raise DataFileError(f"{entry.filename}: not found in mirror directory {mirror}")
    tmp = _temp_beside(target)
    try:
        shutil.copyfile(source, tmp)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    _verify_and_install(tmp, entry, target, f"mirror {source}")


def _session(retries: int):
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
    instead of downloaded. A file already in the cache was verified when it was put there.
    """
    entry = _entry(file_id)
    target = raw_dir() / entry.filename
    if target.is_file():
        return target
    source = _mirror_from_env(mirror)
    if source is not None:
        _copy_from_mirror(entry, source, target)
    else:
        _download(entry, target, timeout=timeout, retries=retries, progress=progress)
    return target


def fetch_all(*, mirror: Path | str | None = None, progress: bool = True) -> dict[str, Path | DataFileError]:
    """Fetch every registered file; one failure does not stop the others."""
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
    return "present" if sha256_of(target) == entry.sha256 else "corrupt"
