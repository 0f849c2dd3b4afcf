"""``pip install .`` works outside the checkout: the package data (data/ as mapping/data) is installed, and the
installed ``pimap`` gives the same figures as the checkout.

To stay fast and offline the package is built with the venv's own setuptools (``--no-build-isolation``) and
installed with ``--no-deps --target`` into a temporary folder; its dependencies come from this venv's
site-packages. The copy is built from a temporary copy of the sources, so no build files land in the checkout,
and every command runs from a temporary working directory, with the installed folder first on ``sys.path``.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from boundaries import config

REPO = Path(__file__).resolve().parents[2]
SOURCES = ("pyproject.toml", "README.md", "mapping", "boundaries", "webapp", "data")
SUMMARY = ("summary", "--geography", "uk2018", "--year", "2019", "--as-of", "2019-09-01", "--json")


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """The package installed by pip from a copy of the checkout; returns the install folder."""
    root = tmp_path_factory.mktemp("packaging")
    src = root / "pimap-src"
    src.mkdir()
    for name in SOURCES:
        if (REPO / name).is_dir():
            shutil.copytree(REPO / name, src / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            shutil.copy2(REPO / name, src / name)
    target = root / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation",
                    "--no-cache-dir", "--target", str(target), str(src)], check=True, capture_output=True, cwd=root)
    return target


def _run(args: list[str], *, cwd: Path, pythonpath: Path | None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", config.DATA_DIR.name)}
    if pythonpath is not None:
        env["PYTHONPATH"] = str(pythonpath)
    return subprocess.run([sys.executable, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=600)


@pytest.mark.slow
def test_the_installed_package_carries_its_data_and_version(installed, tmp_path):
    data = installed / "mapping" / "data"
    installed_files = sorted(p.relative_to(data).as_posix() for p in data.rglob("*") if p.is_file())
    checkout_files = sorted(p.relative_to(config.data_dir()).as_posix() for p in config.data_files())
    assert installed_files == checkout_files
    for name in checkout_files:
        assert (data / name).read_bytes() == (REPO / "data" / name).read_bytes(), name
    assert (installed / "boundaries" / "registry.csv").read_bytes() == config.registry_path().read_bytes()
    probe = _run(["-c", "import json, mapping, boundaries.config as c; print(json.dumps([mapping.__file__, "
                  "str(c.data_dir()), str(c.teams_path()), c.package_version()]))"], cwd=tmp_path, pythonpath=installed)
    assert probe.returncode == 0, probe.stderr
    module, data_dir, teams, version = json.loads(probe.stdout)
    assert Path(module).is_relative_to(installed)  # the installed copy, not the checkout
    assert Path(data_dir) == data and Path(teams) == data / "teams.csv"
    with open(REPO / "pyproject.toml", "rb") as fh:
        assert version == tomllib.load(fh)["project"]["version"]


@pytest.mark.slow
def test_pimap_summary_from_the_installed_package_equals_the_checkouts(installed, mirror, tmp_path):
    script = installed / "bin" / "pimap"  # the console script pip wrote for the entry point
    assert script.is_file()
    outside = _run([str(script), *SUMMARY], cwd=tmp_path, pythonpath=installed)
    assert outside.returncode == 0, outside.stderr
    inside = _run(["-m", "mapping.cli", *SUMMARY], cwd=REPO, pythonpath=None)
    assert inside.returncode == 0, inside.stderr
    assert json.loads(outside.stdout) == json.loads(inside.stdout)
    assert json.loads(outside.stdout)["areas"] == 221


def test_the_modules_compiled_before_the_app_starts_are_every_package_of_the_project():
    """scripts/compile_modules.py (``make run``, the app benchmark) compiles the server, app.py and every
    top-level package pyproject.toml installs from the checkout, so a package added there is compiled too."""
    sys.path.insert(0, str(REPO / "scripts"))
    try:
        import compile_modules
    finally:
        sys.path.remove(str(REPO / "scripts"))
    packages = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]["packages"]
    assert set(compile_modules.MODULES) == {"server.py", "app.py", *(p.split(".")[0] for p in packages)}
