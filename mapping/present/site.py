"""The static site: the national map as a folder of plain files any web host, file share or disk can serve.

A campaign can put the map on its own website (in an iframe) or share it on a USB stick: the folder holds
``index.html``, its own small script (``map.js``, no folium), Leaflet (copied from ``static/vendor/leaflet``,
installed by ``scripts/vendor_js.py``), the areas' shapes and every area's figures for every measure the
site can show, the table view, the gaps download and the attribution and sources. It needs no server and
no network: the data are JavaScript files loaded by ``<script>`` (a page opened from disk may not
``fetch()`` files beside it), and a Content-Security-Policy lets the page load nothing but its own files.

The figures are the app's (:func:`site_figures` mirrors ``webapp.data.styled_areas``: the same
``webmap.measure_values``, ``classify`` and ``area_properties``); tooltips are tables of text nodes
(``webmap.TEXT_TOOLTIP_JS``). The view sits in the URL fragment (``#measure=...&nation=...&area=...``), so a
link or an iframe can open any view. The same inputs give the same bytes: keys sorted, coordinates and
bounds rounded to fixed places, and no date in any file but the data's own (the download's "generated"
line is the date the teams are taken on).

A folder is written only when it is new, empty, or (when replacing is allowed) an earlier site whose
files are all as ``site.json`` lists them; the site is written in a folder beside it and moved in whole.
"""

from __future__ import annotations

import hashlib
import html
import json
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

import pandas as pd

from mapping.errors import OutputError, PimapError
from mapping.present import style, webmap
from mapping.present.downloads import (
    CAPACITY_NOTE,
    DownloadMeta,
    data_date_line,
    download_name,
    source_line,
    teams_credit,
    to_csv_bytes,
)

if TYPE_CHECKING:
    import geopandas as gpd

    from mapping.analysis.selection import Inputs, Selection

__all__ = ["SITE_MEASURES", "SITE_TITLE", "MANIFEST", "SiteFigures", "site_measures", "site_figures", "site_files",
           "build_site", "write_site", "check_site_folder", "leaflet_files", "view_fragment", "embed_snippet"]

PACKAGE = "parent-infant-provision-map"
MANIFEST = "site.json"
ASSETS = Path(__file__).with_name("site_assets")
# The measures a site shows: every measure the app has except those that need a visitor's own file (FOI
# replies) or a second date (the map of change).
SITE_MEASURES = tuple(m for m in webmap.MEASURES.values() if not m.needs_foi and not m.needs_change)
COORD_PLACES = 3  # about 100 m: finer than a pixel at every zoom the site allows (MAX_ZOOM)
SNAP = 10.0 ** -COORD_PLACES
MAX_ZOOM = 10
SITE_TITLE = "Parent-infant teams and babies aged 0-2, by area"
NATION_ORDER = ("England", "Scotland", "Wales", "Northern Ireland")
LEAFLET_FILES = ("leaflet.js", "leaflet.css", "images/layers.png", "images/layers-2x.png", "images/marker-icon.png",
                 "images/marker-icon-2x.png", "images/marker-shadow.png")
# Module names in a measure's source text are for developers; the page says what is counted.
_MODULE = re.compile(r"\bmapping\.[a-z_.]+:\s*")


def site_measures() -> tuple[webmap.Measure, ...]:
    return SITE_MEASURES


@dataclass(frozen=True)
class SiteFigures:
    """Everything a site shows that is computed: per measure the areas' properties and legend."""

    properties: Mapping[str, pd.DataFrame]  # measure id -> webmap.area_properties
    legends: Mapping[str, Sequence[webmap.ColourClass]]
    gaps: pd.DataFrame  # compute_gaps without geometry (the download)


def site_figures(gaps: pd.DataFrame, *, ladder: pd.DataFrame | None, births: pd.DataFrame | None,
                 measures: Sequence[webmap.Measure] = SITE_MEASURES) -> SiteFigures:
    """Each measure's area properties and legend, as the app's map computes them (``styled_areas``); a measure
    whose table is missing (``None``) is left out."""
    properties: dict[str, pd.DataFrame] = {}
    legends: dict[str, Sequence[webmap.ColourClass]] = {}
    for measure in measures:
        if (measure.needs_ladder and ladder is None) or (measure.needs_births and births is None):
            continue
        _, legend = webmap.classify(webmap.measure_values(gaps, measure, ladder=ladder, births=births), measure)
        properties[measure.id] = webmap.area_properties(gaps, measure, ladder=ladder, births=births)
        legends[measure.id] = legend
    return SiteFigures(properties=properties, legends=legends, gaps=gaps)


# --- shapes --------------------------------------------------------------------------------------------


def _rounded(coords: Any) -> Any:
    if coords and isinstance(coords[0], (int, float)):
        return [round(float(c), COORD_PLACES) for c in coords]
    return [_rounded(c) for c in coords]


def shapes_geojson(layer: gpd.GeoDataFrame) -> dict:
    """The layer's shapes, each with its ``code`` only, snapped to :data:`COORD_PLACES` decimal places
    (``shapely.set_precision`` keeps each shape valid and drops the points that fall together), sorted by code,
    their lines as steps as the app sends them (:func:`mapping.present.webmap.stepped`; the site's script undoes it)."""
    import shapely

    frame = layer[["code", "geometry"]].sort_values("code", kind="stable").reset_index(drop=True)
    snapped = shapely.set_precision(frame.geometry.values, SNAP)
    features = []
    for code, geometry, original in zip(frame["code"], snapped, frame.geometry.values):
        shape = original if geometry is None or geometry.is_empty else geometry
        mapping = shapely.geometry.mapping(shape)
        rounded = {"type": mapping["type"], "coordinates": _rounded(_lists(mapping["coordinates"]))}
        features.append({"type": "Feature", "properties": {"code": str(code)}, "geometry": webmap.stepped(rounded)})
    return {"type": "FeatureCollection", "features": features}


def _lists(value: Any) -> Any:
    if isinstance(value, (tuple, list)):
        return [_lists(v) for v in value]
    return value


def nation_views(layer: gpd.GeoDataFrame) -> dict[str, list[list[float]]]:
    """The bounds to zoom to for the whole map (``""``) and each nation, rounded."""
    out: dict[str, list[list[float]]] = {}
    for nation in ["", *[n for n in NATION_ORDER if n in set(layer["nation"])]]:
        bounds = webmap.nation_bounds(layer, nation or None)
        if bounds is not None:
            out[nation] = [[round(v, 4) for v in corner] for corner in bounds]
    return out


# --- the files ---------------------------------------------------------------------------------------


def _js_data(name: str, value: object) -> bytes:
    """``window.<name> = JSON.parse("<JSON>");``: sorted keys, ``<``, ``>`` and ``&`` escaped (as webmap's script
    JSON); a string given to ``JSON.parse`` is read several times faster than the same object as a script literal."""
    text = (json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
            .replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))
    return f"window.{name} = JSON.parse({json.dumps(text, ensure_ascii=False)});\n".encode()


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _plain_source(text: str) -> str:
    return _MODULE.sub("", text)


def leaflet_files(folder: Path) -> dict[str, bytes]:
    """Leaflet's files from the vendor folder, each checked against the sha256 its ``.vendor.json`` lists."""
    try:
        manifest = json.loads((folder / ".vendor.json").read_text(encoding="utf-8"))
        listed = manifest["files"]
    except (OSError, ValueError, KeyError, TypeError):
        raise PimapError(f"Leaflet is not installed in {folder} (no intact .vendor.json); run "
                         "`python scripts/vendor_js.py` (or `make`) to install it") from None
    out = {}
    for name in LEAFLET_FILES:
        try:
            data = (folder / name).read_bytes()
        except OSError:
            data = b""
        if name not in listed or hashlib.sha256(data).hexdigest() != listed[name]:
            raise PimapError(f"Leaflet's {name} in {folder} is missing or changed since it was installed; run "
                             "`python scripts/vendor_js.py` to install it again")
        out[name] = data
    return out


def _legend_marker_rows() -> str:
    """The team markers' key, drawn as the map draws them (webmap.marker_svg, style values only)."""
    foundation = next(iter(style.GRADE_SHAPES))
    operating = next(iter(style.TEAM_MARKERS))

    def svg(key: str) -> str:
        return webmap.marker_svg(key).replace(' style="vertical-align:middle"', "")

    rows = ['<p class="key-caption">Team bases: the fill is the status</p><ul class="key">']
    rows += [f"<li>{svg(webmap.marker_key(status, foundation))} {_e(m.label)} ({_e(m.shape)})</li>"
             for status, m in style.TEAM_MARKERS.items()]
    rows += ['</ul><p class="key-caption">the shape is who says it is a team</p><ul class="key">']
    rows += [f"<li>{svg(webmap.marker_key(operating, grade))} {_e(g.label)}</li>"
             for grade, g in style.GRADE_SHAPES.items()]
    return "".join(rows) + "</ul>"


def _table_html(figures: SiteFigures, measures: Sequence[webmap.Measure]) -> str:
    """Every area's figures as one HTML table (the map as text): name, code, nation, each measure's value."""
    first = figures.properties[measures[0].id]
    order = {n: i for i, n in enumerate(NATION_ORDER)}
    rows = sorted(first.to_dict("records"), key=lambda r: (order.get(r["nation"], 9), r["name"], r["code"]))
    values = {m.id: dict(zip(figures.properties[m.id]["code"], figures.properties[m.id]["value"])) for m in measures}
    head = "".join(f'<th scope="col">{_e(m.label)}</th>' for m in measures)
    body = []
    for r in rows:
        cells = "".join(f"<td>{_e(values[m.id].get(r['code'], webmap.NO_DATA[0]))}</td>" for m in measures)
        body.append(f'<tr data-nation="{_e(r["nation"])}" data-code="{_e(r["code"])}"><th scope="row">{_e(r["name"])}'
                    f"</th><td>{_e(r['code'])}</td><td>{_e(r['nation'])}</td>{cells}<td>{_e(r['teams'])}</td></tr>")
    return (f'<table id="area-table"><caption id="table-caption">Every area ({len(rows)}): the figures of each '
            'measure</caption><thead><tr><th scope="col">Area</th><th scope="col">Code</th><th scope="col">Nation</th>'
            f'{head}<th scope="col">Serving teams</th></tr></thead><tbody>{"".join(body)}</tbody></table>')


@dataclass(frozen=True)
class SiteText:
    """The words around the figures: title, data date, attribution, sources and notes."""

    title: str
    geography_label: str
    data_date: str
    attribution: str
    sources: tuple[str, ...]
    notes: tuple[str, ...]
    generated: str  # the date the teams are taken on (no clock time goes into a site)


def site_files(*, shapes: dict, views: Mapping[str, list[list[float]]], figures: SiteFigures,
               teams: dict, text: SiteText, download: tuple[str, bytes], leaflet: Mapping[str, bytes]) -> dict[str, bytes]:
    """Every file of the site, as ``{relative path: bytes}`` with the manifest ``site.json`` last."""
    measures = [m for m in SITE_MEASURES if m.id in figures.properties]
    if not measures:
        raise PimapError("no measure could be computed for the site")
    data = {
        "measures": [{"id": m.id, "label": m.label, "source": _plain_source(m.source),
                      "labels": webmap.tooltip_fields(m)[1],
                      "areas": webmap.area_styles(figures.properties[m.id], m),
                      "legend": [[c.label, c.colour] for c in figures.legends[m.id]]} for m in measures],
        "views": dict(views),
        "teams": teams,
        "teamLabels": [label for _, label in webmap.TEAM_TOOLTIP],
        "markers": webmap.TEAM_STYLES,
        "areaStyle": webmap.AREA_STYLE,
        "highlight": webmap.AREA_HIGHLIGHT,
        "maxZoom": MAX_ZOOM,
        "title": text.title,
    }
    download_path = f"downloads/{download[0]}"
    options = "".join(f'<option value="{_e(m.id)}">{_e(m.label)}</option>' for m in measures)
    nations = "".join(f'<option value="{_e(n)}">{_e(n or "All areas")}</option>' for n in views)
    sources = "".join(f"<li>{_e(s)}</li>" for s in text.sources)
    notes = "".join(f"<li>{_e(n)}</li>" for n in text.notes)
    measure_sources = "".join(f"<dt>{_e(m.label)}</dt><dd>{_e(_plain_source(m.source))}</dd>" for m in measures)
    template = (ASSETS / "index.html").read_text(encoding="utf-8")
    page = template
    for key, value in {
        "TITLE": _e(text.title), "DATA_DATE": _e(text.data_date), "MEASURE_OPTIONS": options,
        "NATION_OPTIONS": nations, "TABLE": _table_html(figures, measures), "MARKER_KEY": _legend_marker_rows(),
        "DOWNLOAD_HREF": _e(download_path), "DOWNLOAD_NAME": _e(download[0]),
        "DOWNLOAD_SIZE": f"{len(download[1]) / 1024:,.0f} KB", "ATTRIBUTION": _e(text.attribution),
        "SOURCES": sources, "NOTES": notes, "MEASURE_SOURCES": measure_sources, "GENERATED": _e(text.generated),
        "GEOGRAPHY": _e(text.geography_label),
    }.items():
        page = page.replace("{{" + key + "}}", value)
    if "{{" in page:
        raise PimapError("the site's page template has a part left unfilled")  # pragma: no cover (a template bug)
    files: dict[str, bytes] = {
        "index.html": page.encode("utf-8"),
        "site.css": (ASSETS / "site.css").read_bytes(),
        "map.js": (ASSETS / "map.js").read_text(encoding="utf-8").replace(
            "/*TOOLTIP_JS*/", webmap.TEXT_TOOLTIP_JS).replace("/*MARKER_JS*/", webmap.MARKER_JS).replace(
            "/*STEPS_JS*/", webmap.STEPS_JS).encode("utf-8"),
        "data/shapes.js": _js_data("pimapShapes", shapes),
        "data/figures.js": _js_data("pimapSite", data),
        download_path: download[1],
        **{f"vendor/leaflet/{name}": body for name, body in leaflet.items()},
    }
    manifest = {"package": PACKAGE, "kind": "static site",
                "files": {name: hashlib.sha256(body).hexdigest() for name, body in sorted(files.items())}}
    files[MANIFEST] = (json.dumps(manifest, indent=1, sort_keys=True) + "\n").encode("utf-8")
    return files


def site_text(selection: Selection, inputs: Inputs) -> SiteText:
    """The words a site carries, built as the app's downloads build theirs (``webapp.data.download_meta``)."""
    import boundaries
    from mapping.analysis.list_count import list_count_of
    from mapping.inputs.provenance import sources_for

    geo = boundaries.get_geography(selection.geography)
    teams_by, teams_line = teams_credit(selection.register, brought="given by the user")
    as_of = selection.as_of.isoformat()
    return SiteText(
        title=SITE_TITLE,
        geography_label=geo.label,
        data_date=data_date_line(selection.geography, selection.year, selection.as_of),
        attribution=boundaries.ATTRIBUTION + teams_by,
        sources=(teams_line, *[source_line(s) for s in sources_for(selection, births=True) if s.role != "teams"]),
        notes=(list_count_of(inputs).sentence(), boundaries.population.ESTIMATES_NOTE,
               CAPACITY_NOTE),
        generated=as_of,
    )


def build_site(selection: Selection, *, leaflet_dir: Path | None = None) -> dict[str, bytes]:
    """Compute the selection's figures (as ``pimap gaps`` does) and return every file of its site."""
    from boundaries import config
    from mapping.analysis.capacity import capacity_births
    from mapping.analysis.coverage import compute_gaps
    from mapping.analysis.ladder import compute_ladder
    from mapping.analysis.selection import load_inputs

    leaflet = leaflet_files(leaflet_dir or config.ROOT / "static" / "vendor" / "leaflet")
    inputs = load_inputs(selection)
    gaps = pd.DataFrame(compute_gaps(inputs).drop(columns="geometry"))
    ladder = compute_ladder(inputs, geometry=False)
    try:
        births = capacity_births(selection.geography, selection.year)
    except PimapError:
        births = None  # a geography or year with no births published: the site leaves that measure out
    figures = site_figures(gaps, ladder=ladder, births=births)
    text = site_text(selection, inputs)
    meta = DownloadMeta(title=f"Babies aged 0-2 and parent-infant team coverage by area ({selection.geography})",
                        attribution=text.attribution, data_date=text.data_date, sources=text.sources,
                        notes=text.notes, generated=text.generated)
    name = download_name("gaps", selection.geography, "csv", parts=(selection.as_of.isoformat(),))
    return site_files(shapes=shapes_geojson(inputs.layer), views=nation_views(inputs.layer), figures=figures,
                      teams=webmap.team_features(inputs.teams), text=text, download=(name, to_csv_bytes(gaps, meta)),
                      leaflet=leaflet)


# --- linking to a view, and embedding ------------------------------------------------------------------


# The characters encodeURIComponent leaves as they are, beside letters and digits.
_URI_COMPONENT_SAFE = "-_.!~*'()"


def view_fragment(*, measure: str | None = None, nation: str | None = None, area: str | None = None) -> str:
    """The part of a site's link after ``#`` that opens a view, written as the site's script writes it
    (``measure=...&nation=...&area=...``, each value as JavaScript's ``encodeURIComponent``); a measure the site
    does not show (the FOI and change measures) is left out, so the link opens on the site's first."""
    shown = {m.id for m in SITE_MEASURES}
    pairs = [("measure", measure if measure in shown else None), ("nation", nation), ("area", area)]
    return "&".join(f"{key}={quote(str(value), safe=_URI_COMPONENT_SAFE)}" for key, value in pairs if value)


def embed_snippet(page_url: str, fragment: str = "") -> str:
    """The ``<iframe>`` that puts a site (its ``index.html`` at ``page_url``) on another page, opening on the
    view ``fragment`` (:func:`view_fragment`): the map and its key fit a frame of this height (docs/embedding.md)."""
    src = page_url + (f"#{fragment}" if fragment else "")
    return (f'<iframe src="{_e(src)}"\n        title="{_e(SITE_TITLE)}"\n'
            '        width="100%" height="640" style="border:0" loading="lazy"></iframe>')


# --- writing the folder -----------------------------------------------------------------------------


def _earlier_site(out: Path) -> dict[str, str] | None:
    """The files an earlier site in ``out`` wrote ({path: sha256}), or None when its manifest is not a site's."""
    try:
        if (out / MANIFEST).stat().st_size > 1024 * 1024:
            return None
        manifest = json.loads((out / MANIFEST).read_bytes())
    except (OSError, ValueError):
        return None
    if not isinstance(manifest, dict) or manifest.get("package") != PACKAGE or manifest.get("kind") != "static site":
        return None
    files = manifest.get("files")
    if not isinstance(files, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in files.items()):
        return None
    return files


def check_site_folder(out: str | os.PathLike, *, overwrite: bool = False) -> Path:
    """Refuse a folder the site cannot own, before anything is computed; returns it as a Path.

    A new folder (its parent must exist), an empty folder, or with ``overwrite`` an earlier site whose every
    file is as its ``site.json`` lists and which holds no file of anyone else."""
    out = Path(out)
    name = str(out)
    if out.is_symlink() or (out.exists() and not out.is_dir()):
        raise OutputError(f"output folder {name!r} exists and is not a folder; give a new or empty folder")
    if not out.exists():
        if not out.parent.is_dir():
            raise OutputError(f"the folder holding output folder {name!r} does not exist; create "
                              f"{str(out.parent)!r} first or choose another place")
        return out
    present = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file() or p.is_symlink())
    if not present and not any(out.iterdir()):
        return out
    earlier = _earlier_site(out)
    if earlier is None:
        raise OutputError(f"output folder {name!r} is not empty and holds no earlier site (no {MANIFEST}); "
                          "nothing was changed: give a new or empty folder")
    theirs = [p for p in present if p not in earlier and p != MANIFEST]
    changed = [p for p in earlier if not (out / p).is_file() or (out / p).is_symlink()
               or hashlib.sha256((out / p).read_bytes()).hexdigest() != earlier[p]]
    if theirs or changed:
        listed = ", ".join((theirs + changed)[:5])
        raise OutputError(f"output folder {name!r} holds files the site did not write or that changed since "
                          f"({listed}); nothing was changed: move them away or give a new or empty folder")
    if not overwrite:
        raise OutputError(f"output folder {name!r} holds an earlier site and was left as it is; allow replacing "
                          "it or give a new or empty folder")
    return out


def write_site(files: Mapping[str, bytes], out: str | os.PathLike, *, overwrite: bool = False) -> Path:
    """Write the site into ``out`` whole: in a new folder beside it, then moved into place (the earlier
    site, when replacing one, is moved aside first and put back if the move fails)."""
    from mapping.present.outputs import describe_os_error, replace_folder

    out = check_site_folder(out, overwrite=overwrite)
    try:
        replace_folder(out, files)
    except OSError as exc:
        raise OutputError(f"output folder {str(out)!r} could not be written: {describe_os_error(exc)}") from None
    return out
