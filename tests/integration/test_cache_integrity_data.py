"""A read-only or damaged cache met by a real child process on the real registry files (issue 11, finding 2).

Moved from tests/unit/test_cache_integrity.py: each test here starts ``python -m mapping.cli`` (or a script)
that fetches real files from the data mirror (``mirror`` fixture), in a temporary cache.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import cache_helpers
import pytest
from cache_helpers import KEY, synthetic_frame

from boundaries import catalogue
from boundaries import fetch as fetch_mod

REPO = Path(__file__).resolve().parents[2]
cache = cache_helpers.cache  # the fixtures, found by pytest under these names
raw_entry = cache_helpers.raw_entry


def _can_unshare() -> bool:
    if sys.platform != "linux" or shutil.which("unshare") is None or shutil.which("mount") is None:
        return False
    probe = subprocess.run(["unshare", "-m", "true"], capture_output=True)
    return probe.returncode == 0


@pytest.mark.skipif(not _can_unshare(), reason="needs unshare -m and mount (a private mount namespace)")
def test_read_only_mounted_cache(raw_entry, cache, mirror):
    """A real read-only bind mount, made in a private mount namespace so no other process sees it: a warm layer
    still reads, a cold one gives the one-line message and exit 2."""
    if mirror is None:
        pytest.skip("needs the data mirror (the child fetches real registry files)")
    catalogue.cached_frame("synthetic", KEY, synthetic_frame, geo=False)
    script = textwrap.dedent(
        """
        import sys
        import pandas as pd
        from boundaries import catalogue
        from mapping.errors import CacheError
        warm = catalogue.cached_frame("synthetic", "0123456789abcdef", lambda: 1 / 0, geo=False)
        print("warm rows", len(warm))
        try:
            catalogue.cached_frame("synthetic-cold", "0123456789abcdef", lambda: pd.DataFrame({"x": [1]}), geo=False)
        except CacheError as exc:
            print("refused:", exc)
        from mapping.cli import main
        sys.exit(main(["data", "fetch", "--no-build"]))
        """
    )
    command = f'mount --bind -o ro "{cache}" "{cache}" && exec "{sys.executable}" -c "$0"'
    env = {**os.environ, "PIMAP_CACHE_DIR": str(cache), "PYTHONPATH": str(REPO),
           "PIMAP_DATA_MIRROR": str(mirror)}
    # the fake registry entry does not reach the child: it fetches from the real registry into a read-only raw/
    proc = subprocess.run(["unshare", "-m", "sh", "-c", command, script], env=env, cwd=REPO, capture_output=True,
                          text=True, timeout=120)
    assert "warm rows 300" in proc.stdout
    assert "refused: cache directory" in proc.stdout and "is not writable" in proc.stdout
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr
    assert "is not writable; set PIMAP_CACHE_DIR to a writable folder" in proc.stderr


def test_cli_reports_a_repaired_raw_file_in_one_line(tmp_path, mirror):
    """A real run of `pimap data fetch`: a cached source file damaged by one bit is named on stderr in one line,
    moved aside and fetched again; exit 0."""
    if mirror is None:
        pytest.skip("needs the data mirror")
    entry = fetch_mod.registry()["dz11_hb19_lookup"]
    raw = tmp_path / "cache" / "raw"
    raw.mkdir(parents=True)
    damaged = bytearray((mirror / entry.filename).read_bytes())
    damaged[len(damaged) // 3] ^= 0x04
    (raw / entry.filename).write_bytes(bytes(damaged))
    env = {**os.environ, "PIMAP_CACHE_DIR": str(tmp_path / "cache"), "PIMAP_DATA_MIRROR": str(mirror),
           "PYTHONPATH": str(REPO)}
    proc = subprocess.run([sys.executable, "-m", "mapping.cli", "data", "fetch", "--no-build"], env=env, cwd=REPO,
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("pimap: warning: ") and entry.filename in lines[0]
    assert "fetching it again" in lines[0]
    assert (raw / entry.filename).read_bytes() == (mirror / entry.filename).read_bytes()
    assert len(list((tmp_path / "cache" / "quarantine" / "raw").iterdir())) == 1
