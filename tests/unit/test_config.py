"""boundaries.config: every environment variable and path in one place, read at call time; the app's cache key.

None needs real data; PIMAP_FOI_FILE loaded by the real app at session start is tested in
tests/integration/test_config_app.py.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from boundaries import config

REPO = Path(__file__).resolve().parents[2]


def test_variables_are_read_when_asked_not_at_import(monkeypatch, tmp_path):
    from boundaries import fetch

    monkeypatch.setenv("PIMAP_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("PIMAP_DATA_MIRROR", str(tmp_path / "mirror"))
    monkeypatch.setenv("PIMAP_FOI_FILE", str(tmp_path / "replies.csv"))
    assert fetch.cache_dir() == tmp_path / "cache"
    assert config.data_mirror() == tmp_path / "mirror"
    assert config.foi_file() == tmp_path / "replies.csv"
    for name in ("PIMAP_DATA_MIRROR", "PIMAP_FOI_FILE"):
        monkeypatch.setenv(name, "")  # empty means unset
    assert config.data_mirror() is None and config.foi_file() is None


def test_the_data_folder_is_the_checkouts_unless_overridden(monkeypatch, tmp_path):
    from mapping.analysis import growth
    from mapping.inputs import teams

    monkeypatch.delenv("PIMAP_DATA_DIR", raising=False)
    assert config.data_dir() == REPO / "data"
    assert teams.DEFAULT_TEAMS_PATH == config.teams_path() == REPO / "data" / "teams.csv"
    assert growth.PUBLISHED_COUNTS_PATH == config.published_counts_path()
    assert all(p.is_file() for p in (config.teams_path(), config.published_counts_path(), *config.foi_templates()))
    assert config.registry_path() == REPO / "boundaries" / "registry.csv"

    copy = tmp_path / "data"
    shutil.copytree(REPO / "data", copy)
    counts = copy / "published_team_counts.csv"
    lines = counts.read_text(encoding="utf-8").splitlines(keepends=True)
    counts.write_text("".join(lines[:2]), encoding="utf-8")  # the header and the first count only
    monkeypatch.setenv("PIMAP_DATA_DIR", str(copy))
    assert config.teams_path() == copy / "teams.csv"
    assert len(growth.load_published_counts()) == 1  # the loader reads the override at call time


def _names_in(paths) -> set[str]:
    found: set[str] = set()
    for path in paths:
        found |= set(re.findall(r"\bPIMAP_[A-Z_]+[A-Z]\b", path.read_text(encoding="utf-8")))
    return found


def test_every_variable_is_declared_once_and_documented_in_the_readme():
    declared = [v.name for v in (*config.VARIABLES, *config.DEVELOPMENT_VARIABLES)]
    assert len(declared) == len(set(declared))
    sources = [p for folder in ("boundaries", "mapping", "webapp", "tests", "benchmarks", "scripts")
               for p in (REPO / folder).rglob("*.py")]
    sources += [REPO / "app.py", REPO / "server.py", REPO / "Makefile"]
    assert _names_in(sources) <= set(declared)
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    rows = set(re.findall(r"^\| `(PIMAP_[A-Z_]+)` \|", readme, flags=re.MULTILINE))
    assert rows == set(declared)
    for variable in (*config.VARIABLES, *config.DEVELOPMENT_VARIABLES):
        assert variable.doc and variable.default


def test_the_package_reads_no_environment_outside_config():
    """Only boundaries.config touches os.environ in the package (tests and benchmarks aside)."""
    readers = [p.relative_to(REPO).as_posix() for folder in ("boundaries", "mapping", "webapp")
               for p in (REPO / folder).rglob("*.py")
               if re.search(r"os\.environ\b|os\.getenv\(", p.read_text(encoding="utf-8"))]
    # resolve_foi_file takes an environ mapping (os.environ by default) so tests can pass their own.
    assert sorted(readers) == ["boundaries/config.py", "mapping/inputs/foi_io.py"]


# --- the app's cache key -------------------------------------------------------------------------------


def test_the_cache_key_changes_with_a_data_files_bytes(monkeypatch, tmp_path):
    from webapp.data import cache_key

    copy = tmp_path / "data"
    shutil.copytree(config.data_dir(), copy)
    monkeypatch.setenv("PIMAP_DATA_DIR", str(copy))
    before = cache_key()
    assert cache_key() == before  # the same bytes give the same key
    for name in ("teams.csv", "published_team_counts.csv"):
        path = copy / name
        original = path.read_bytes()
        path.write_bytes(original + b"\n")
        assert cache_key() != before, name
        path.write_bytes(original)
        assert cache_key() == before
    (copy / "foi" / "notes.txt").write_text("a new file", encoding="utf-8")
    assert cache_key() != before


def test_the_cache_key_changes_with_the_version_and_the_code(monkeypatch, tmp_path):
    from webapp.data import cache_key

    before = cache_key()
    monkeypatch.setattr(config, "package_version", lambda: "9.9.9")
    after_upgrade = cache_key()
    assert after_upgrade != before

    module = tmp_path / "mapping" / "coverage.py"
    module.parent.mkdir()
    module.write_text("RULE = 1\n", encoding="utf-8")
    monkeypatch.setattr(config, "ROOT", tmp_path)
    monkeypatch.setattr(config, "source_files", lambda: [module])
    first = cache_key()
    module.write_text("RULE = 2\n", encoding="utf-8")
    assert cache_key() != first


def test_the_sources_hashed_are_the_modules_that_compute_the_figures():
    names = {p.relative_to(REPO).as_posix() for p in config.source_files()}
    assert {"mapping/analysis/coverage.py", "mapping/analysis/ladder.py",
            "boundaries/population.py", "boundaries/catalogue.py"} <= names
    assert not any(n.startswith(("webapp/", "tests/")) for n in names)
