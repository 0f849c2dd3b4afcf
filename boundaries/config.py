"""Every environment variable and every file path the project reads, in one place.

Each variable is declared once (name, default, one line of documentation; the README's table says the
same) and read by an accessor at call time, never at import, so a test can set or remove it with
``monkeypatch`` and a long-running server sees the value of the moment.

This module sits at the bottom of the package graph: ``boundaries`` and ``mapping`` (and ``webapp``)
import it; it imports nothing of the project, so it can never be part of a cycle.

The project's own small data (``data/`` at the top of the checkout: teams, published counts, FOI
templates) is installed with the package as ``mapping/data`` (``[tool.setuptools.package-dir]`` in
``pyproject.toml``); :func:`data_dir` finds whichever of the two exists, unless ``PIMAP_DATA_DIR`` says.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "CACHE_DIR",
    "DATA_DIR",
    "DATA_MIRROR",
    "DEVELOPMENT_VARIABLES",
    "FOI_FILE",
    "PACKAGE",
    "TEAMS_FILE",
    "VARIABLES",
    "EnvVar",
    "cache_dir_override",
    "data_dir",
    "data_files",
    "data_mirror",
    "foi_file",
    "foi_templates",
    "package_version",
    "published_counts_path",
    "registry_path",
    "shapes_dir",
    "source_files",
    "teams_file",
    "teams_path",
    "tree_digest",
]

PACKAGE = "parent-infant-provision-map"
# The folder holding boundaries/, mapping/ and webapp/: the checkout, or site-packages once installed.
ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class EnvVar:
    """One environment variable: its name, what applies when it is unset, and what it does."""

    name: str
    default: str
    doc: str

    def get(self) -> str | None:
        """The variable's value now, or None when it is unset or empty (an empty value means "unset")."""
        value = os.environ.get(self.name, "")
        return value or None


CACHE_DIR = EnvVar("PIMAP_CACHE_DIR", "the user cache folder (platformdirs, e.g. ~/.cache/pimap)",
                   "where verified open-data files and processed layers are kept")
DATA_MIRROR = EnvVar("PIMAP_DATA_MIRROR", "none: files are downloaded from their pinned URLs",
                     "a folder holding the pinned open-data files, copied (hash-checked) instead of downloaded")
DATA_DIR = EnvVar("PIMAP_DATA_DIR", "the installed package data, or data/ in the checkout",
                  "a folder to read the project's own data from instead (teams.csv, published_team_counts.csv, foi/)")
FOI_FILE = EnvVar("PIMAP_FOI_FILE", "none: no FOI layer until replies are uploaded",
                  "a replies file (.csv or .xlsx) the app loads at the start of every session, as if uploaded")

TEAMS_FILE = EnvVar("PIMAP_TEAMS_FILE", "none: the built-in register, data/teams.csv",
                    "a hosted instance's own register of teams (.csv or .xlsx in the schema of data/teams.csv), "
                    "used instead of the built-in one")

VARIABLES: tuple[EnvVar, ...] = (CACHE_DIR, DATA_MIRROR, DATA_DIR, FOI_FILE, TEAMS_FILE)

# Read only by the tests and benchmarks (never by the package), listed so that every PIMAP_ name is here.
DEVELOPMENT_VARIABLES: tuple[EnvVar, ...] = (
    EnvVar("PIMAP_TEST_TIER", "all tiers (the fast tier when every path named lies in tests/unit)",
           "`fast`: only the tests that need no real data, browser or network"),
    EnvVar("PIMAP_NETWORK_TESTS", "unset: network tests skipped", "`1`: run the tests that need the internet"),
    EnvVar("PIMAP_FUZZ_EXAMPLES", "40", "examples per probe class in the cache fuzz tests"),
    EnvVar("PIMAP_PROBE_TABLE", "unset", "a file the upload fuzz tests append their outcome counts to (JSON lines)"),
    EnvVar("PIMAP_BENCH_BEFORE", "unset", "another checkout the upload benchmark also runs, for a before/after"),
    EnvVar("PIMAP_BENCH_WITHOUT_DEFUSEDXML", "unset", "set by the upload benchmark in its child process only"),
)


# --- environment ---------------------------------------------------------------------------------------


def cache_dir_override() -> Path | None:
    """``PIMAP_CACHE_DIR`` as a path, or None (``boundaries.fetch.cache_dir`` then uses the user cache)."""
    value = CACHE_DIR.get()
    return Path(value).expanduser() if value else None


def data_mirror() -> Path | None:
    """``PIMAP_DATA_MIRROR`` as a path, or None (files come from their URLs)."""
    value = DATA_MIRROR.get()
    return Path(value).expanduser() if value else None


def foi_file() -> Path | None:
    """``PIMAP_FOI_FILE`` as a path (not checked: the reader says what is wrong with it), or None."""
    value = FOI_FILE.get()
    return Path(value).expanduser() if value else None


def teams_file() -> Path | None:
    """``PIMAP_TEAMS_FILE`` as a path (not checked: the register's reader says what is wrong with it), or None
    (the built-in register, :func:`teams_path`)."""
    value = TEAMS_FILE.get()
    return Path(value).expanduser() if value else None


# --- paths ---------------------------------------------------------------------------------------------


def data_dir() -> Path:
    """The project's own data folder: ``PIMAP_DATA_DIR``, else the installed ``mapping/data``, else the
    checkout's ``data/`` (the installed copy is looked for first, because a checkout has none)."""
    override = DATA_DIR.get()
    if override:
        return Path(override).expanduser()
    installed = ROOT / "mapping" / "data"
    return installed if (installed / "teams.csv").is_file() else ROOT / "data"


def teams_path() -> Path:
    """The teams register, ``teams.csv`` (one row per team per status period)."""
    return data_dir() / "teams.csv"


def published_counts_path() -> Path:
    """The published UK team counts, ``published_team_counts.csv``."""
    return data_dir() / "published_team_counts.csv"


def foi_templates() -> tuple[Path, Path]:
    """The FOI replies templates (CSV, XLSX) written by ``scripts/make_foi_template.py``."""
    folder = data_dir() / "foi"
    return folder / "foi_template.csv", folder / "foi_template.xlsx"


def data_files() -> list[Path]:
    """Every file of the project's own data (sorted), as the app's cache key and the packaging test see it."""
    folder = data_dir()
    return sorted(p for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts)


def registry_path() -> Path:
    """The open-data registry, ``boundaries/registry.csv`` (installed with the package)."""
    return Path(__file__).with_name("registry.csv")


def shapes_dir() -> Path:
    """Where the app writes the areas' shapes: ``static/shapes`` beside ``app.py``, which Streamlit serves
    at ``/app/static/`` (so it cannot be moved elsewhere)."""
    return ROOT / "static" / "shapes"


def source_files() -> list[Path]:
    """The Python source of the packages that compute the figures (``boundaries``, ``mapping``), sorted."""
    return sorted(p for package in ("boundaries", "mapping") for p in (ROOT / package).rglob("*.py")
                  if "__pycache__" not in p.parts)


# --- versions ------------------------------------------------------------------------------------------


def package_version() -> str:
    """The installed package's version, or "unknown" when run from a source tree that was never installed."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(PACKAGE)
    except PackageNotFoundError:
        return "unknown"


def tree_digest(paths: Iterable[Path], *, root: Path | None = None) -> str:
    """sha256 over each file's name (relative to ``root`` when given) and bytes, in the order given: a
    renamed, added, removed or edited file changes it."""
    digest = hashlib.sha256()
    for path in paths:
        name = path.relative_to(root).as_posix() if root is not None else path.name
        digest.update(name.encode() + b"\0" + hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()
