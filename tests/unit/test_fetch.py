"""The registry and the hash-checked, atomic cache (synthetic files and a fake server)."""

from __future__ import annotations

import csv
import hashlib
import http.server
import shutil
import threading
from pathlib import Path

import pytest

from boundaries import fetch as fetch_mod
from mapping.errors import DataFileError

MANIFEST = Path(__file__).resolve().parents[3] / "shared" / "data" / "MANIFEST.csv"


def test_registry_matches_manifest_when_present():
    if not MANIFEST.is_file():
        pytest.skip("no ../shared/data/MANIFEST.csv beside the project")
    with open(MANIFEST, newline="", encoding="utf-8") as fh:
        manifest = {r["id"]: r for r in csv.DictReader(fh)}
    reg = fetch_mod.registry()
    # The mirror may hold files no recipe reads yet (the December 2026 additions); every registered file
    # must be in it, pinned to the same bytes.
    assert set(reg) <= set(manifest), sorted(set(reg) - set(manifest))
    for file_id, entry in reg.items():
        assert entry.sha256 == manifest[file_id]["sha256"]
        assert entry.bytes == int(manifest[file_id]["bytes"])
        assert entry.url == manifest[file_id]["url"]
        assert entry.url.startswith("https://")


@pytest.fixture()
def fake_entry(monkeypatch, tmp_path):
    """A synthetic registered file (not real data) and an empty cache."""
    payload = b"synthetic test payload\n" * 100
    entry = fetch_mod.RegisteredFile(
        id="synthetic", filename="synthetic.txt", bytes=len(payload), sha256=hashlib.sha256(payload).hexdigest(),
        format="txt", url="http://127.0.0.1:9/synthetic.txt", license="test", description="synthetic test file",
    )
    monkeypatch.setattr(fetch_mod, "registry", lambda: {"synthetic": entry})
    monkeypatch.setenv("PIMAP_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("PIMAP_DATA_MIRROR", raising=False)
    return entry, payload


def _cache_files(tmp_path: Path) -> list[Path]:
    root = tmp_path / "cache"
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def test_mirror_copy_verifies_and_caches(fake_entry, tmp_path):
    entry, payload = fake_entry
    mirror = tmp_path / "mirror"
    mirror.mkdir()
    (mirror / entry.filename).write_bytes(payload)
    path = fetch_mod.fetch("synthetic", mirror=mirror)
    assert path.read_bytes() == payload
    assert fetch_mod.file_status("synthetic") == "present"


def test_corrupt_mirror_file_is_refused_and_nothing_cached(fake_entry, tmp_path):
    entry, payload = fake_entry
    mirror = tmp_path / "mirror"
    mirror.mkdir()
    (mirror / entry.filename).write_bytes(payload[:-1] + b"X")  # same size, wrong bytes
    with pytest.raises(DataFileError, match=r"synthetic\.txt: sha256 .* does not match"):
        fetch_mod.fetch("synthetic", mirror=mirror)
    assert _cache_files(tmp_path) == []
    assert fetch_mod.file_status("synthetic") == "missing"


def test_truncated_mirror_file_is_refused(fake_entry, tmp_path):
    entry, payload = fake_entry
    mirror = tmp_path / "mirror"
    mirror.mkdir()
    (mirror / entry.filename).write_bytes(payload[:10])
    with pytest.raises(DataFileError, match="size 10 bytes"):
        fetch_mod.fetch("synthetic", mirror=mirror)
    assert _cache_files(tmp_path) == []


def test_mirror_env_variable_is_used(fake_entry, tmp_path, monkeypatch):
    entry, payload = fake_entry
    mirror = tmp_path / "mirror"
    mirror.mkdir()
    (mirror / entry.filename).write_bytes(payload)
    monkeypatch.setenv("PIMAP_DATA_MIRROR", str(mirror))
    assert fetch_mod.fetch("synthetic").read_bytes() == payload


def test_corrupt_cached_file_is_reported(fake_entry, tmp_path):
    entry, payload = fake_entry
    target = fetch_mod.raw_dir() / entry.filename
    target.parent.mkdir(parents=True)
    target.write_bytes(b"tampered")
    assert fetch_mod.file_status("synthetic") == "corrupt"


class _Handler(http.server.BaseHTTPRequestHandler):
    payload = b""
    cut_after: int | None = None

    def do_GET(self):  # noqa: N802
        self.send_response(200)
        self.send_header("Content-Length", str(len(self.payload)))
        self.end_headers()
        body = self.payload if self.cut_after is None else self.payload[: self.cut_after]
        self.wfile.write(body)
        if self.cut_after is not None:
            self.wfile.flush()
            self.connection.close()

    def log_message(self, *args):
        pass


@pytest.fixture()
def server():
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd
    httpd.shutdown()
    httpd.server_close()


def _point_at(server, entry, monkeypatch):
    url = f"http://127.0.0.1:{server.server_address[1]}/{entry.filename}"
    new = fetch_mod.RegisteredFile(**{**entry.__dict__, "url": url})
    monkeypatch.setattr(fetch_mod, "registry", lambda: {"synthetic": new})


def test_download_from_local_server(fake_entry, server, monkeypatch):
    entry, payload = fake_entry
    _Handler.payload, _Handler.cut_after = payload, None
    _point_at(server, entry, monkeypatch)
    assert fetch_mod.fetch("synthetic", retries=0).read_bytes() == payload


def test_damaged_cached_file_is_downloaded_again(fake_entry, server, monkeypatch, tmp_path):
    from mapping.errors import CacheRepairWarning

    entry, payload = fake_entry
    _Handler.payload, _Handler.cut_after = payload, None
    _point_at(server, entry, monkeypatch)
    target = fetch_mod.fetch("synthetic", retries=0)
    target.write_bytes(payload[:-1] + b"X")  # same size, one byte changed on disk
    with pytest.warns(CacheRepairWarning, match=r"synthetic\.txt: cached copy is damaged: sha256 .*fetching it again"):
        assert fetch_mod.fetch("synthetic", retries=0).read_bytes() == payload
    (kept,) = (tmp_path / "cache" / "quarantine" / "raw").iterdir()
    assert kept.read_bytes() == payload[:-1] + b"X"


def test_interrupted_download_leaves_no_partial_file(fake_entry, server, monkeypatch, tmp_path):
    entry, payload = fake_entry
    _Handler.payload, _Handler.cut_after = payload, 100  # server promises the whole file, sends 100 bytes
    _point_at(server, entry, monkeypatch)
    with pytest.raises(DataFileError, match="synthetic.txt"):
        fetch_mod.fetch("synthetic", retries=0, timeout=5)
    assert _cache_files(tmp_path) == []


def test_unreachable_url_names_the_file(fake_entry, tmp_path):
    with pytest.raises(DataFileError, match=r"synthetic\.txt: download from http://127\.0\.0\.1:9/"):
        fetch_mod.fetch("synthetic", retries=0, timeout=2)
    assert _cache_files(tmp_path) == []


def test_cli_data_check_and_fetch_from_mirror(fake_entry, tmp_path, capsys):
    from mapping.cli import main

    entry, payload = fake_entry
    assert main(["data", "check", "--no-lookups"]) == 1
    assert "synthetic: missing" in capsys.readouterr().out
    mirror = tmp_path / "mirror"
    mirror.mkdir()
    (mirror / entry.filename).write_bytes(payload)
    assert main(["data", "fetch", "--mirror", str(mirror), "--no-build"]) == 0
    assert main(["data", "check", "--no-lookups"]) == 0
    assert "synthetic: present" in capsys.readouterr().out
    shutil.rmtree(tmp_path / "cache")


@pytest.fixture()
def two_entries(monkeypatch, tmp_path):
    """Two synthetic registered files (not real data) and an empty cache."""
    entries = {}
    for name in ("first", "second"):
        payload = f"synthetic {name}\n".encode()
        entries[name] = fetch_mod.RegisteredFile(
            id=name, filename=f"{name}.txt", bytes=len(payload), sha256=hashlib.sha256(payload).hexdigest(),
            format="txt", url=f"http://127.0.0.1:9/{name}.txt", license="test", description="synthetic test file",
        )
    monkeypatch.setattr(fetch_mod, "registry", lambda: entries)
    monkeypatch.setenv("PIMAP_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("PIMAP_DATA_MIRROR", raising=False)
    return entries


@pytest.mark.parametrize("kind", ["missing", "file"])
def test_a_mirror_that_is_not_a_folder_is_one_error_for_the_folder(two_entries, tmp_path, monkeypatch, kind):
    mirror = tmp_path / "no-such-mirror"
    if kind == "file":
        mirror.write_text("not a folder\n")
    problem = "does not exist" if kind == "missing" else "is not a folder"
    with pytest.raises(DataFileError, match=rf"^mirror directory .*no-such-mirror {problem}; name the folder") as info:
        fetch_mod.fetch_all(mirror=mirror, progress=False)
    assert "first.txt" not in str(info.value) and "second.txt" not in str(info.value)
    monkeypatch.setenv("PIMAP_DATA_MIRROR", str(mirror))  # the same from the environment, and for one file
    with pytest.raises(DataFileError, match=rf"^mirror directory .*no-such-mirror {problem}"):
        fetch_mod.fetch_all(progress=False)
    with pytest.raises(DataFileError, match=rf"^mirror directory .*no-such-mirror {problem}"):
        fetch_mod.fetch("first")
    assert _cache_files(tmp_path) == []


def test_cli_data_fetch_from_a_missing_mirror_says_so_in_one_line(two_entries, tmp_path, capsys):
    from mapping.cli import main

    mirror = tmp_path / "no-such-mirror"
    assert main(["data", "fetch", "--mirror", str(mirror), "--no-build"]) == 2
    out, err = capsys.readouterr()
    assert "first" not in out and "second" not in out
    assert err.count("\n") == 1 and f"mirror directory {mirror} does not exist" in err


def test_an_r_data_file_with_two_objects_is_a_data_file_error(monkeypatch, tmp_path):
    import rdata

    from boundaries import readers

    monkeypatch.setattr(readers, "fetch", lambda file_id: tmp_path / "synthetic.rda")
    monkeypatch.setattr(rdata, "read_rda", lambda path: {"a": None, "b": None})
    with pytest.raises(DataFileError, match=r"^synthetic: expected one object in the R data file, found \['a', 'b'\]"):
        readers.read_rda("synthetic")
