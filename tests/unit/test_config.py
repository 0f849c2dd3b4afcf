"""boundaries.config: every environment variable and path in one place, read at call time; the app's cache key;
PIMAP_FOI_FILE loaded by the app at session start.

The first tests need no real data. The AppTests (marked slow) run the real app on the real data, with the
SYNTHETIC FOI fixture of tests/fixtures as the file the variable names.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from app_helpers import FOI_FIXTURE, assert_no_failure, run_app

from boundaries import config

REPO = Path(__file__).resolve().parents[2]
FOI_LABEL = "CAMHS FOI reply class"


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
    sources += [REPO / "app.py", REPO / "Makefile"]
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


# --- PIMAP_FOI_FILE in the app -------------------------------------------------------------------------


@pytest.mark.slow
def test_the_app_loads_the_file_pimap_foi_file_names(mirror, monkeypatch):
    monkeypatch.setenv("PIMAP_FOI_FILE", str(FOI_FIXTURE))
    at = run_app(page="foi", geo="uk2018")
    notes = [i.value for i in at.sidebar.info]
    assert any(f"PIMAP_FOI_FILE: {FOI_FIXTURE.name}" in n.replace("\\", "") for n in notes), notes
    assert FOI_LABEL in at.radio(key="measure").options  # as if uploaded: the FOI measure is offered
    assert any("SYNTHETIC" in w.value for w in at.warning)
    at.radio(key="page").set_value("map").run()
    assert_no_failure(at)
    assert any(FOI_FIXTURE.name in i.value.replace("\\", "") for i in at.sidebar.info)  # still said on every page


@pytest.mark.slow
def test_a_missing_pimap_foi_file_is_refused_as_text(mirror, monkeypatch, tmp_path):
    monkeypatch.setenv("PIMAP_FOI_FILE", str(tmp_path / "no-such-replies.csv"))
    at = run_app(page="map", geo="uk2018")
    errors = [e.value for e in at.sidebar.error]
    assert len(errors) == 1 and "no-such-replies.csv: no such file" in errors[0], errors
    assert str(tmp_path) not in errors[0]  # no server path
    assert FOI_LABEL not in at.radio(key="measure").options


@pytest.mark.slow
def test_a_bad_pimap_foi_file_is_refused_as_text(mirror, monkeypatch, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_bytes(b"\x00\xff not a replies file\n")
    monkeypatch.setenv("PIMAP_FOI_FILE", str(bad))
    at = run_app(page="map", geo="uk2018")
    errors = [e.value for e in at.sidebar.error]
    assert len(errors) == 1 and "bad.csv" in errors[0], errors
    assert "Traceback" not in errors[0] and str(tmp_path) not in errors[0]
    assert FOI_LABEL not in at.radio(key="measure").options
