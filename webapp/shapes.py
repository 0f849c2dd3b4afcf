"""The area shapes the map's browser code fetches (:class:`mapping.present.webmap.AreasLayer`), as static files.

Streamlit serves the folder ``static/`` beside ``app.py`` at ``/app/static/`` (``server.enableStaticServing``
in ``.streamlit/config.toml``), compressed for browsers that accept gzip. A geography's shapes are written
there once per data version (``static/shapes/<geography>-<version>.json``), so a file is never served
stale, and the browser fetches them once per page instead of receiving them again with every view.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import TYPE_CHECKING

from boundaries import config
from mapping.present.outputs import write_output
from mapping.present.webmap import stepped

if TYPE_CHECKING:
    import geopandas as gpd

SHAPES_DIR = config.shapes_dir()
STATIC_URL_PATH = "app/static"  # where Streamlit serves the folder static/ (server.enableStaticServing)


def shapes_path(geography: str, version: str, directory: Path = SHAPES_DIR) -> Path:
    """Where a geography's shapes for a data version are kept."""
    return directory / f"{geography}-{version}.json"


def _checksum_path(path: Path) -> Path:
    return path.with_name(f"{path.name}.sha256")


def shapes_intact(path: Path) -> bool:
    """Whether the shapes file exists and matches the sha256 written beside it when it was made (a damaged
    file would colour one area with another's figures, or break the map, for as long as it stayed)."""
    try:
        expected = _checksum_path(path).read_text(encoding="ascii").strip()
        return hashlib.sha256(path.read_bytes()).hexdigest() == expected
    except (OSError, UnicodeDecodeError):
        return False


def write_shapes(path: Path, layer: gpd.GeoDataFrame) -> None:
    """Write the layer's shapes, each with its ``code`` and nothing else, to ``path`` as GeoJSON with its lines as
    steps (:func:`mapping.present.webmap.stepped`, 41% of the bytes; the map's script undoes it): atomically
    (a temporary file in the same folder, then renamed, so a visitor never fetches half a file), then remove
    the geography's files of other data versions."""
    collection = json.loads(layer[["code", "geometry"]].to_json(drop_id=True))
    for feature in collection["features"]:
        feature["geometry"] = stepped(feature["geometry"])
    data = json.dumps(collection, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    path.parent.mkdir(parents=True, exist_ok=True)
    # The checksum first, then the file: a reader that sees the new file also sees its checksum. Each is
    # written atomically (a temporary file in the same folder, then renamed), readable by all like any
    # static file.
    write_output(_checksum_path(path), hashlib.sha256(data).hexdigest().encode("ascii") + b"\n", overwrite=True)
    write_output(path, data, overwrite=True)
    geography = path.stem.rsplit("-", 1)[0]
    for old in [*path.parent.glob(f"{geography}-*.json"), *path.parent.glob(f"{geography}-*.json.sha256")]:
        if old not in (path, _checksum_path(path)):
            old.unlink(missing_ok=True)


def static_url(relative: str, base_url_path: str = "") -> str:
    """The URL the browser fetches ``static/<relative>`` from, under Streamlit's ``server.baseUrlPath`` if one is
    set: the one rule for every file the app serves from static/ (the shapes here, Leaflet in webapp.mapview)."""
    base = base_url_path.strip("/")
    return f"/{base + '/' if base else ''}{STATIC_URL_PATH}/{relative}"


def url_for(path: Path, base_url_path: str = "") -> str:
    """The URL the browser fetches the shapes file ``path`` from."""
    return static_url(f"shapes/{path.name}", base_url_path)
