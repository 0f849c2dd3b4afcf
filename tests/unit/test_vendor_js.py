"""scripts/vendor_js.py on a synthetic tarball: the hash is checked before anything is written, only the
listed files are taken, the folder is swapped in whole, and a file the script did not write is never touched."""

from __future__ import annotations

import hashlib
import importlib.util
import io
import json
import os
import sys
import tarfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location("vendor_js", ROOT / "scripts" / "vendor_js.py")
assert _spec is not None and _spec.loader is not None
vendor_js = importlib.util.module_from_spec(_spec)
sys.modules.setdefault("vendor_js", vendor_js)
_spec.loader.exec_module(vendor_js)


def _tarball(members: dict[str, bytes], *, link: str | None = None) -> bytes:
    """A synthetic npm-style tarball (package/...) holding ``members`` (and a symlink named ``link``)."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            info.mtime = 0
            archive.addfile(info, io.BytesIO(data))
        if link:
            info = tarfile.TarInfo(link)
            info.type = tarfile.SYMTYPE
            info.linkname = "/etc/passwd"
            archive.addfile(info)
    return buffer.getvalue()


FILES = {"package/dist/synthetic.js": b"/* Leaflet 0.0.1 synthetic */ var L = {};\n",
         "package/dist/synthetic.css": b".leaflet-container{}\n",
         "package/dist/images/a.png": b"\x89PNG synthetic"}


def _package(data: bytes, **changes):  # a vendor_js.Package
    return vendor_js.Package(
        name="synthetic", version="0.0.1", sha256=hashlib.sha256(data).hexdigest(),
        files={"package/dist/synthetic.js": "synthetic.js", "package/dist/synthetic.css": "synthetic.css",
               "package/dist/images/a.png": "images/a.png"}, **changes)


def _fail_fetch(url: str) -> bytes:
    raise OSError("network is off in this test")


def test_installs_only_listed_files_and_a_manifest(tmp_path: Path) -> None:
    data = _tarball({**FILES, "package/dist/other.js": b"not wanted", "package/../evil.js": b"x"},
                    link="package/dist/images/b.png")
    package = _package(data)
    folder = vendor_js.ensure(package, vendor_dir=tmp_path, fetch=lambda url: data, say=lambda s: None)
    written = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())
    assert written == [".vendor.json", "images/a.png", "synthetic.css", "synthetic.js"]
    assert (folder / "synthetic.js").read_bytes() == FILES["package/dist/synthetic.js"]
    manifest = json.loads((folder / ".vendor.json").read_text())
    assert manifest["version"] == "0.0.1"
    assert manifest["files"]["images/a.png"] == hashlib.sha256(FILES["package/dist/images/a.png"]).hexdigest()
    assert vendor_js.intact(package, folder)
    # Intact: a second run never asks the network.
    vendor_js.ensure(package, vendor_dir=tmp_path, fetch=_fail_fetch, say=lambda s: None)


def test_wrong_hash_writes_nothing(tmp_path: Path) -> None:
    data = _tarball(FILES)
    package = _package(data)
    tampered = _tarball({**FILES, "package/dist/synthetic.js": b"alert(1)"})
    with pytest.raises(vendor_js.VendorError, match="not the pinned"):
        vendor_js.ensure(package, vendor_dir=tmp_path, fetch=lambda url: tampered, say=lambda s: None)
    assert list(tmp_path.iterdir()) == []


def test_missing_member_writes_nothing(tmp_path: Path) -> None:
    data = _tarball({k: v for k, v in FILES.items() if not k.endswith(".css")})
    with pytest.raises(vendor_js.VendorError, match="lacks synthetic.css"):
        vendor_js.ensure(_package(data), vendor_dir=tmp_path, fetch=lambda url: data, say=lambda s: None)
    assert list(tmp_path.iterdir()) == []


def test_damaged_copy_is_replaced_whole(tmp_path: Path) -> None:
    data = _tarball(FILES)
    package = _package(data)
    folder = vendor_js.ensure(package, vendor_dir=tmp_path, fetch=lambda url: data, say=lambda s: None)
    (folder / "synthetic.js").write_bytes(b"damaged")
    assert not vendor_js.intact(package, folder)
    vendor_js.ensure(package, vendor_dir=tmp_path, fetch=lambda url: data, say=lambda s: None)
    assert (folder / "synthetic.js").read_bytes() == FILES["package/dist/synthetic.js"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["synthetic"]  # no staging or aside folder left


def test_failed_swap_keeps_the_earlier_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = _tarball(FILES)
    package = _package(data)
    folder = vendor_js.ensure(package, vendor_dir=tmp_path, fetch=lambda url: data, say=lambda s: None)
    (folder / "synthetic.js").write_bytes(b"earlier")
    real_replace = os.replace

    def failing_replace(src, dst):
        if Path(src).name.endswith(".part"):
            raise OSError(28, "No space left on device")
        return real_replace(src, dst)

    monkeypatch.setattr(os, "replace", failing_replace)  # the swap in mapping.present.outputs.replace_folder
    with pytest.raises(vendor_js.VendorError, match="earlier copy"):
        vendor_js.ensure(package, vendor_dir=tmp_path, fetch=lambda url: data, say=lambda s: None)
    assert (folder / "synthetic.js").read_bytes() == b"earlier"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["synthetic"]


def test_a_file_it_did_not_write_is_never_touched(tmp_path: Path) -> None:
    data = _tarball(FILES)
    package = _package(data)
    folder = tmp_path / "synthetic"
    folder.mkdir()
    (folder / "mine.txt").write_text("keep me")
    with pytest.raises(vendor_js.VendorError, match="did not write.*mine.txt"):
        vendor_js.ensure(package, vendor_dir=tmp_path, fetch=lambda url: data, say=lambda s: None)
    assert (folder / "mine.txt").read_text() == "keep me"
    assert sorted(p.name for p in folder.iterdir()) == ["mine.txt"]


def test_offline_says_where_to_place_the_tarball(tmp_path: Path) -> None:
    data = _tarball(FILES)
    package = _package(data, debian_dir=tmp_path / "no-such-system-copy")
    with pytest.raises(vendor_js.VendorError) as caught:
        vendor_js.ensure(package, vendor_dir=tmp_path, fetch=_fail_fetch, say=lambda s: None)
    message = str(caught.value)
    assert "could not be downloaded" in message and str(tmp_path / "synthetic-0.0.1.tgz") in message
    assert package.sha256 in message
    # Placed by hand, it is used with no network.
    (tmp_path / "synthetic-0.0.1.tgz").write_bytes(data)
    folder = vendor_js.ensure(package, vendor_dir=tmp_path, fetch=_fail_fetch, say=lambda s: None)
    assert vendor_js.intact(package, folder)


def test_system_copy_only_when_the_version_matches(tmp_path: Path) -> None:
    data = _tarball(FILES)
    system = tmp_path / "system"
    (system / "images").mkdir(parents=True)
    (system / "leaflet.js").write_bytes(b"/* @preserve\n * Leaflet 0.0.0, a JS library */")
    (system / "leaflet.css").write_bytes(b"css")
    (system / "images" / "a.png").write_bytes(b"png")
    debian = {"leaflet.js": "synthetic.js", "leaflet.css": "synthetic.css", "images/a.png": "images/a.png"}
    package = _package(data, debian_dir=system, debian_files=debian)
    vendor = tmp_path / "vendor"
    with pytest.raises(vendor_js.VendorError, match="version 0.0.0, not 0.0.1"):
        vendor_js.ensure(package, vendor_dir=vendor, offline=True, say=lambda s: None)
    (system / "leaflet.js").write_bytes(b"/* @preserve\n * Leaflet 0.0.1, a JS library */")
    folder = vendor_js.ensure(package, vendor_dir=vendor, offline=True, say=lambda s: None)
    assert (folder / "synthetic.js").read_bytes().startswith(b"/* @preserve")
    assert json.loads((folder / ".vendor.json").read_text())["source"] == str(system)


def test_pinned_leaflet_is_the_npm_tarball() -> None:
    assert vendor_js.LEAFLET.url == "https://registry.npmjs.org/leaflet/-/leaflet-1.9.4.tgz"
    assert len(vendor_js.LEAFLET.sha256) == 64
    assert set(vendor_js.LEAFLET.files.values()) == set(vendor_js.LEAFLET.debian_files.values())
