"""Install the browser libraries the project serves itself (today only Leaflet) into ``static/vendor/``.

The map's script must load even where a CDN is blocked (a council network, a file share, a phone on a
conference wifi), so Leaflet is served by the app and copied into every static site (``pimap site``) from
one pinned copy: the npm registry's tarball of one version, checked against the sha256 pinned here.

Rules, so running it is always safe (the Makefile's install step runs it on every fresh clone):

- nothing is written unless the tarball's sha256 is the pinned one;
- only ``dist/leaflet.js``, ``dist/leaflet.css`` and ``dist/images/*`` are taken from it (no other path,
  no link, no device in the archive is ever written);
- the folder is built beside its place and moved in whole (a killed run leaves the earlier copy or
  none, never half of one); ``.vendor.json`` in it lists every file it wrote with its sha256;
- a file this script did not write (one not listed in that ``.vendor.json``) is never deleted or
  replaced: the run stops and names it;
- a copy that is already in place and intact is left as it is, with no network at all.

Offline, the tarball can be placed by hand (:data:`HAND_PLACED`, or ``--tarball FILE``); the Debian package
``libjs-leaflet`` (``/usr/share/javascript/leaflet/``) is used instead only when it holds the same version.

Usage: ``python scripts/vendor_js.py [--tarball FILE] [--offline]`` (exit 0: in place; 1: it says what failed).
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import re
import sys
import tarfile
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VENDOR_DIR = ROOT / "static" / "vendor"
MANIFEST = ".vendor.json"
TIMEOUT_S = 60


class VendorError(Exception):
    """A step failed; the message says what, and what to do by hand."""


@dataclass(frozen=True)
class Package:
    """One pinned npm tarball and the files taken from it (archive path -> path in the vendor folder)."""

    name: str
    version: str
    sha256: str
    files: Mapping[str, str]  # exact archive member -> relative path written
    debian_dir: Path | None = None  # a system copy with the same layout (leaflet.js, leaflet.css, images/)
    debian_files: Mapping[str, str] = field(default_factory=dict)

    @property
    def url(self) -> str:
        return f"https://registry.npmjs.org/{self.name}/-/{self.name}-{self.version}.tgz"

    @property
    def tarball_name(self) -> str:
        return f"{self.name}-{self.version}.tgz"


_IMAGES = ("layers-2x.png", "layers.png", "marker-icon-2x.png", "marker-icon.png", "marker-shadow.png")
LEAFLET = Package(
    name="leaflet",
    version="1.9.4",
    sha256="84c65a256e50657896f54c33bd857b6849ebe94c817803be818bf32a3dde0b77",
    files={"package/dist/leaflet.js": "leaflet.js", "package/dist/leaflet.css": "leaflet.css",
           **{f"package/dist/images/{name}": f"images/{name}" for name in _IMAGES}},
    debian_dir=Path("/usr/share/javascript/leaflet"),
    debian_files={"leaflet.js": "leaflet.js", "leaflet.css": "leaflet.css",
                  **{f"images/{name}": f"images/{name}" for name in _IMAGES}},
)
PACKAGES = (LEAFLET,)
HAND_PLACED = VENDOR_DIR / LEAFLET.tarball_name  # where an offline install looks for the tarball


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def target_dir(package: Package, vendor_dir: Path = VENDOR_DIR) -> Path:
    return vendor_dir / package.name


def read_manifest(folder: Path) -> dict | None:
    """The folder's ``.vendor.json`` (None when there is none or it is not one of ours)."""
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(manifest, dict) or not isinstance(manifest.get("files"), dict):
        return None
    return manifest


def intact(package: Package, folder: Path) -> bool:
    """Whether ``folder`` holds this version, every file listed in its manifest with the sha256 listed."""
    manifest = read_manifest(folder)
    if manifest is None or manifest.get("version") != package.version or manifest.get("package") != package.name:
        return False
    if set(manifest["files"]) != set(package.files.values()):
        return False
    for name, digest in manifest["files"].items():
        try:
            if sha256_hex((folder / name).read_bytes()) != digest:
                return False
        except OSError:
            return False
    return True


def files_from_tarball(package: Package, data: bytes, *, origin: str) -> dict[str, bytes]:
    """The wanted files of the tarball, after its sha256 is checked (nothing else is read from it)."""
    digest = sha256_hex(data)
    if digest != package.sha256:
        raise VendorError(f"{origin} has sha256 {digest}, not the pinned {package.sha256} of "
                          f"{package.tarball_name}; nothing was written")
    out: dict[str, bytes] = {}
    try:
        with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as archive:
            for member in archive.getmembers():
                if member.name in package.files and member.isreg():
                    handle = archive.extractfile(member)
                    if handle is not None:
                        out[package.files[member.name]] = handle.read()
    except (tarfile.TarError, OSError, EOFError) as exc:
        raise VendorError(f"{origin} could not be read as a tarball ({exc}); nothing was written") from None
    missing = sorted(set(package.files.values()) - set(out))
    if missing:
        raise VendorError(f"{origin} lacks {', '.join(missing)}; nothing was written")
    return out


def debian_version(path: Path) -> str | None:
    """The version in a leaflet.js header (``Leaflet 1.9.4, a JS library ...``), or None."""
    try:
        head = path.read_bytes()[:400].decode("utf-8", "replace")
    except OSError:
        return None
    found = re.search(r"Leaflet (\d+\.\d+\.\d+)", head)
    return found.group(1) if found else None


def files_from_debian(package: Package) -> tuple[dict[str, bytes] | None, str]:
    """The system copy's files when it is the same version (else None), and a sentence saying which."""
    if package.debian_dir is None:
        return None, ""
    script = package.debian_dir / "leaflet.js"
    if not script.is_file():
        return None, f"no system copy at {package.debian_dir} (the Debian package libjs-leaflet)"
    version = debian_version(script)
    if version != package.version:
        return None, (f"the system copy at {package.debian_dir} (Debian libjs-leaflet) is version {version or 'unknown'}, "
                      f"not {package.version}, so it was not used")
    out: dict[str, bytes] = {}
    for source, name in package.debian_files.items():
        try:
            out[name] = (package.debian_dir / source).read_bytes()
        except OSError:
            return None, f"the system copy at {package.debian_dir} lacks {source}, so it was not used"
    return out, f"the system copy at {package.debian_dir} (Debian libjs-leaflet {version})"


def download(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=TIMEOUT_S) as response:  # noqa: S310 (a fixed https URL)
        return response.read()


def install_files(package: Package, folder: Path, files: Mapping[str, bytes], *, source: str) -> None:
    """Put ``files`` in ``folder`` whole: built in a new folder beside it, then swapped in by renaming.

    An existing folder is replaced only when every file in it is one the manifest says this script wrote;
    otherwise nothing is changed and the files are named."""
    folder.parent.mkdir(parents=True, exist_ok=True)
    if folder.exists() or folder.is_symlink():
        if folder.is_symlink() or not folder.is_dir():
            raise VendorError(f"{folder} exists and is not a folder; move it away and run this again")
        manifest = read_manifest(folder)
        ours = set(manifest["files"]) | {MANIFEST} if manifest else set()
        theirs = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*")
                        if (p.is_file() or p.is_symlink()) and p.relative_to(folder).as_posix() not in ours)
        if theirs:
            raise VendorError(f"{folder} holds files this script did not write ({', '.join(theirs[:5])}"
                              f"{', ...' if len(theirs) > 5 else ''}); nothing was changed: move them away "
                              "and run this again")
    from mapping.present.outputs import replace_folder

    manifest_data = {"package": package.name, "version": package.version, "source": source,
                     "tarball_sha256": package.sha256,
                     "files": {name: sha256_hex(data) for name, data in sorted(files.items())}}
    manifest_bytes = (json.dumps(manifest_data, indent=1, sort_keys=True) + "\n").encode("utf-8")
    try:
        replace_folder(folder, {**files, MANIFEST: manifest_bytes})
    except OSError as exc:
        raise VendorError(f"{folder} could not be written ({exc}); the earlier copy, if any, is unchanged") from None


def ensure(package: Package = LEAFLET, *, vendor_dir: Path = VENDOR_DIR, tarball: Path | None = None,
           offline: bool = False, fetch: Callable[[str], bytes] = download,
           say: Callable[[str], None] = print) -> Path:
    """Make sure ``vendor_dir/<name>`` holds the pinned version; returns the folder. Raises VendorError."""
    folder = target_dir(package, vendor_dir)
    if tarball is None and intact(package, folder):
        say(f"{package.name} {package.version}: already in {folder}")
        return folder
    hand_placed = vendor_dir / package.tarball_name
    if tarball is not None or hand_placed.is_file():
        path = tarball if tarball is not None else hand_placed
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise VendorError(f"{path} could not be read ({exc.strerror or exc})") from None
        install_files(package, folder, files_from_tarball(package, data, origin=str(path)), source=str(path.name))
        say(f"{package.name} {package.version}: installed in {folder} from {path}")
        return folder
    why = "no network was asked for (offline)"
    if not offline:
        try:
            data = fetch(package.url)
        except (urllib.error.URLError, OSError, TimeoutError) as exc:
            why = f"{package.url} could not be downloaded ({getattr(exc, 'reason', None) or exc})"
        else:
            install_files(package, folder, files_from_tarball(package, data, origin=package.url), source=package.url)
            say(f"{package.name} {package.version}: installed in {folder} from {package.url}")
            return folder
    files, system = files_from_debian(package)
    if files is not None:
        install_files(package, folder, files, source=str(package.debian_dir))
        say(f"{package.name} {package.version}: installed in {folder} from {system} ({why})")
        return folder
    raise VendorError(
        f"{package.name} {package.version} is not installed: {why}, and {system}. On a machine with network, "
        f"download {package.url} (sha256 {package.sha256}) and place it at {hand_placed}, then run "
        f"`python scripts/vendor_js.py` (or `make`) again")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Install the pinned Leaflet into static/vendor/leaflet.")
    parser.add_argument("--tarball", type=Path, default=None, help=f"a downloaded {LEAFLET.tarball_name} to use")
    parser.add_argument("--offline", action="store_true", help="never use the network")
    args = parser.parse_args(argv)
    try:
        ensure(LEAFLET, tarball=args.tarball, offline=args.offline)
    except VendorError as exc:
        print(f"vendor_js: error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
