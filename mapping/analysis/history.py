"""Areas over time, and areas like a given one: what the compare view and the profile's "over time" show.

An area's history is the figures of one :class:`~mapping.analysis.selection.Selection` per date (1 July of
each year from 2019, and today), each with the population year standing for that date: the latest mid-year
estimate not after the date's year (:func:`population_year_for`). Every figure is the library's own for
that selection (:func:`~mapping.analysis.coverage.compute_gaps`, :func:`~mapping.analysis.ladder.compute_ladder`
without FOI replies, :func:`~mapping.analysis.capacity.capacity_by_area` with
:func:`~mapping.analysis.capacity.capacity_births`); nothing here computes a figure anew, it only puts the
rows of one area side by side across dates.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date

import numpy as np
import pandas as pd

import boundaries
from mapping.analysis.selection import Register, Selection, load_inputs
from mapping.errors import AreaNotFound, PimapError

__all__ = ["FIRST_YEAR", "HISTORY_COLUMNS", "history_dates", "population_year_for", "area_history",
           "history_for", "history_sources", "figures_for", "pick_areas", "date_rows", "similar_areas",
           "clear_cache", "HISTORY_HEADERS", "OVER_TIME", "reader_history", "area_labels", "date_label",
           "over_time", "side_by_side"]

FIRST_YEAR = 2019  # the first 1 July of the history (the app's first date; Rare Jewels' year)

# The columns every history row has, in this order (``display_name`` follows ``name`` where the gaps have it).
HISTORY_COLUMNS = (
    "code", "name", "nation", "as_of", "population_year", "age0_2", "births", "births_period", "births_estimated",
    "need", "need_basis", "covered_age0_2", "uncovered_age0_2", "share_covered", "coverage", "level", "level_label",
    "level_share", "share_level_3", "share_level_2", "share_level_1", "share_level_0", "share_unknown", "teams",
    "team_ids", "team_names", "teams_needed", "wte_needed", "estimated",
)


def history_dates(today: date | None = None, first_year: int = FIRST_YEAR) -> list[date]:
    """1 July of each year from ``first_year`` that has come by ``today``, then today itself (once)."""
    today = today or date.today()
    dates = [date(y, 7, 1) for y in range(first_year, today.year + 1) if date(y, 7, 1) <= today]
    return dates if dates and dates[-1] == today else [*dates, today]


def population_year_for(when: date) -> int:
    """The population year standing for a date: the latest of ``boundaries.POPULATION_YEARS`` not after the
    date's year (the first one for a date before every estimate)."""
    years = sorted(boundaries.POPULATION_YEARS)
    earlier = [y for y in years if y <= when.year]
    return earlier[-1] if earlier else years[0]


def _count(ids: str) -> int:
    return len([t for t in str(ids).split("; ") if t])


def _one_date(geography: str, when: date, register: Register | None, grades: tuple[str, ...] | None) -> pd.DataFrame:
    """Every area's row on one date, from the selection for that date.

    Two dates whose selections hold the same population year and the same register rows current on them
    have the same figures, so the second is the first's rows with its own date (:func:`_figures`, cached
    by the rows' hash): most years change few teams, and the population year stands for several dates."""
    year = population_year_for(when)
    selection = Selection(geography=geography, year=year, as_of=when, register=register, grades=grades)
    teams = load_inputs(selection).teams
    digest = int(pd.util.hash_pandas_object(teams.astype(str), index=False).sum()) if len(teams) else 0
    key = (geography, year, register, selection.grades, len(teams), digest)
    if key not in _FIGURES:
        while len(_FIGURES) >= _FIGURES_KEPT:
            _FIGURES.pop(next(iter(_FIGURES)))
        _FIGURES[key] = figures_for(selection)
    rows = _FIGURES[key].copy()
    rows["as_of"] = when
    return rows


# The rows of :func:`_one_date` by what they depend on: geography, population year, register, grades and
# the register rows current on the date (their number and hash). Every figure depends on the date only
# through those rows, so a date whose teams did not change since another's reuses its rows.
_FIGURES: dict[tuple, pd.DataFrame] = {}
_FIGURES_KEPT = 48


def clear_cache() -> None:
    """Forget the rows kept by :func:`_one_date` (tests that count computations start from here)."""
    _FIGURES.clear()


def figures_for(selection: Selection) -> pd.DataFrame:
    """Every area's row for one selection (:func:`date_rows` of its gaps, ladder without FOI, capacity and
    births), whatever its population year: what ``pimap compare`` shows side by side."""
    from mapping.analysis.capacity import capacity_births, capacity_by_area
    from mapping.analysis.coverage import compute_gaps
    from mapping.analysis.ladder import compute_ladder

    inputs = load_inputs(selection)
    gaps = pd.DataFrame(compute_gaps(inputs).drop(columns="geometry"))
    born = capacity_births(selection.geography, selection.year)
    return date_rows(gaps, compute_ladder(inputs, geometry=False),
                     capacity_by_area(gaps, births=born, year=selection.year), born, as_of=selection.as_of,
                     population_year=selection.year)


def date_rows(gaps: pd.DataFrame, ladder: pd.DataFrame, capacity: pd.DataFrame, births: pd.DataFrame, *,
              as_of: date, population_year: int) -> pd.DataFrame:
    """Every area's history row on one date, put together from that date's gaps table, ladder (no FOI),
    capacity estimate and births per area: each figure is copied from its table, none is computed here
    (only ``teams``, the number of team ids the gaps table lists)."""
    from mapping.analysis.ladder import LEVEL_SLUGS

    names = ["code", "name", *(["display_name"] if "display_name" in gaps.columns else []), "nation"]
    out = gaps[[*names, "age0_2", "covered_age0_2", "uncovered_age0_2", "share_covered", "coverage", "estimated"]]
    out = out.reset_index(drop=True).copy()
    out.insert(len(names), "as_of", as_of)
    out.insert(len(names) + 1, "population_year", population_year)
    cap = capacity.set_index("code")
    periods = births.set_index("code")["period"]
    out["births"] = out["code"].map(cap["births"]).astype(float)
    out["births_period"] = out["code"].map(periods).where(out["births"].notna())
    out["births_estimated"] = out["code"].map(cap["births_estimated"]).fillna(False).astype(bool)
    out["need"] = out["code"].map(cap["need"]).astype(float)
    out["need_basis"] = out["code"].map(cap["need_basis"])
    out["teams_needed"] = out["code"].map(cap["teams_needed"]).astype(float)
    out["wte_needed"] = out["code"].map(cap["wte_needed"]).astype(float)
    lad = ladder.set_index("code")
    for column in ["level", "level_label", "level_share", *[f"share_{slug}" for slug in LEVEL_SLUGS.values()]]:
        out[column] = out["code"].map(lad[column])
    out["team_ids"] = gaps["teams"].to_numpy()
    out["teams"] = [_count(ids) for ids in out["team_ids"]]
    out["team_names"] = gaps["team_names"].to_numpy()
    order = [c for c in HISTORY_COLUMNS if c in out.columns]
    if "display_name" in out.columns:
        order.insert(order.index("name") + 1, "display_name")
    return out[order]


def history_sources(geography: str, dates: Iterable[date], *, register: Register | None = None,
                    grades: tuple[str, ...] | None = None) -> list:
    """The files behind a history (:class:`mapping.inputs.provenance.Source`, each once, in the order first
    met): those of each date's selection, births included."""
    from mapping.inputs.provenance import sources_for

    found: dict[str, object] = {}
    for when in sorted(set(dates)):
        selection = Selection(geography, population_year_for(when), when, register=register, grades=grades)
        for source in sources_for(selection, births=True):
            found.setdefault(source.id, source)
    return list(found.values())


def history_for(geography: str, dates: Iterable[date] | None = None, *, register: Register | None = None,
                grades: tuple[str, ...] | None = None) -> pd.DataFrame:
    """:func:`area_history` of every area of the geography (the app caches this once per geography and
    picks the areas from it)."""
    if geography not in boundaries.GEOGRAPHY_IDS:
        raise PimapError(f"unknown geography {geography!r}; choose one of {', '.join(boundaries.GEOGRAPHY_IDS)}")
    wanted = sorted(set(dates if dates is not None else history_dates()))
    if not wanted:
        raise PimapError("the history needs at least one date")
    frames = [_one_date(geography, when, register, grades) for when in wanted]
    return pd.concat(frames, ignore_index=True)


def area_history(geography: str, codes: Iterable[str], dates: Iterable[date] | None = None, *,
                 register: Register | None = None, grades: tuple[str, ...] | None = None) -> pd.DataFrame:
    """One row per area code and date: the area's figures on that date, as the library computes them for
    the selection of that date (``population_year`` says which mid-year estimate stands for it).

    ``dates`` default to :func:`history_dates` (1 July of each year from 2019, then today). Rows come in
    the order of ``codes``, then by date. An unknown code is refused (:class:`AreaNotFound`), naming it.

    Columns: :data:`HISTORY_COLUMNS` (and ``display_name`` where the gaps table has it): ``age0_2`` the
    babies aged 0-2, ``births`` the live births a year (NaN where the area's nation publishes none;
    ``need`` is then its children aged 0, ``need_basis`` says which), ``covered_age0_2``,
    ``uncovered_age0_2``, ``share_covered``, ``coverage``, the provision-ladder ``level`` without FOI
    replies and its shares, ``teams`` (how many operating teams serve it), ``team_ids``, ``team_names``
    and ``teams_needed`` (reference-size teams for its births).
    """
    codes = list(codes)
    if geography in boundaries.GEOGRAPHY_IDS:  # an unknown code is refused before anything is computed
        pick_areas(boundaries.area_table(geography), codes, geography)
    return pick_areas(history_for(geography, dates, register=register, grades=grades), codes, geography)


def pick_areas(history: pd.DataFrame, codes: Iterable[str], geography: str) -> pd.DataFrame:
    """The rows of ``codes`` in ``history`` (a table with ``code``, and ``as_of`` where it has one), in the
    order of ``codes`` and then by date; a code not in it is refused, naming it and the geography."""
    wanted = list(dict.fromkeys(str(c).strip() for c in codes))
    if not wanted:
        raise AreaNotFound("choose at least one area")
    known = set(history["code"].astype(str))
    missing = [c for c in wanted if c not in known]
    if missing:
        raise AreaNotFound(f"no area {', '.join(missing)} in {geography}")
    rank = {c: i for i, c in enumerate(wanted)}
    rows = history[history["code"].astype(str).isin(wanted)].copy()
    rows["_rank"] = rows["code"].astype(str).map(rank)
    order = ["_rank", "as_of"] if "as_of" in rows.columns else ["_rank"]
    return rows.sort_values(order, kind="stable").drop(columns="_rank").reset_index(drop=True)


def similar_areas(gaps: pd.DataFrame, code: str, n: int = 4) -> pd.DataFrame:
    """The ``n`` areas most like ``code``: the same nation, the nearest number of babies aged 0-2 (either
    way; ties by code). Returns those rows of ``gaps`` with ``difference`` (their babies minus the
    area's), nearest first; fewer when the nation has fewer areas."""
    frame = gaps.reset_index(drop=True)
    here = frame[frame["code"].astype(str) == str(code)]
    if here.empty:
        raise AreaNotFound(f"no area {code} in the table")
    if n < 1:
        raise PimapError(f"the number of similar areas must be 1 or more, not {n}")
    babies = float(here["age0_2"].iloc[0])
    others = frame[(frame["nation"] == here["nation"].iloc[0]) & (frame["code"].astype(str) != str(code))].copy()
    others["difference"] = others["age0_2"].astype(float) - babies
    others["_distance"] = np.abs(others["difference"])
    others = others.sort_values(["_distance", "code"], kind="stable").head(n)
    return others.drop(columns="_distance").reset_index(drop=True)


# --- tables a person reads: the page 'Compare areas', `pimap compare` -----------------------------------

# Each history column in words (the CSV and the page; mapping.present.text.plain_headers for the rest).
HISTORY_HEADERS: dict[str, str] = {
    "code": "area code", "name": "area", "display_name": "area (as people know it)", "nation": "nation",
    "as_of": "teams as of", "population_year": "population year (mid-year)", "age0_2": "babies aged 0-2",
    "births": "live births a year", "births_period": "births period", "births_estimated": "births estimated",
    "need": "babies a year (capacity basis)", "need_basis": "capacity basis", "covered_age0_2": "babies aged 0-2 covered",
    "uncovered_age0_2": "babies aged 0-2 with no team", "share_covered": "share of babies aged 0-2 covered",
    "coverage": "coverage", "level": "provision level (without FOI replies)", "level_label": "provision level in words",
    "level_share": "share of babies at that level", "share_level_3": "share at level 3 (a team)",
    "share_level_2": "share at level 2 (CAMHS specialists)", "share_level_1": "share at level 1 (FOI)",
    "share_level_0": "share at level 0 (FOI)", "share_unknown": "share at no known level",
    "teams": "teams serving", "team_ids": "team ids", "team_names": "teams serving the area",
    "teams_needed": "reference-size teams needed", "wte_needed": "staff needed (WTE)",
    "estimated": "babies estimated (shared out from district figures)",
}
COVERAGE_WORDS = {"full": "every baby covered", "partial": "partly covered", "none": "no team"}
NO_LEVEL = "no small areas"
NO_BIRTHS = "none published"


def reader_history(rows: pd.DataFrame) -> pd.DataFrame:
    """History rows as a person reads them (a download): babies and births in whole numbers, dates as
    ISO text, every column named in words, the level in words beside its number, no ``team_ids``."""
    out = rows.drop(columns=[c for c in ("team_ids",) if c in rows.columns]).copy()
    for column in ("age0_2", "covered_age0_2", "uncovered_age0_2", "need", "births"):
        if column in out.columns:
            out[column] = out[column].astype(float).round().astype("Int64")
    out["as_of"] = [d.isoformat() if isinstance(d, date) else str(d) for d in out["as_of"]]
    if "level_label" in out.columns:
        out["level_label"] = out["level_label"].astype(object).where(out["level_label"].notna(), NO_LEVEL)
    return out.rename(columns={c: HISTORY_HEADERS.get(c, c.replace("_", " ")) for c in out.columns})


def _whole(value: object) -> str:
    return "" if value is None or pd.isna(value) else f"{float(value):,.0f}"  # type: ignore[arg-type]


def _share(value: object) -> str:
    return "no babies" if value is None or pd.isna(value) else f"{100 * float(value):.1f}%"  # type: ignore[arg-type]


def _births(row: pd.Series) -> str:
    if pd.isna(row["births"]):
        return NO_BIRTHS
    return f"{float(row['births']):,.0f}" + (" (estimated)" if bool(row["births_estimated"]) else "")


def _level(row: pd.Series) -> str:
    """The level in words, with the share of babies living at it where that is not all of them."""
    if pd.isna(row["level"]):
        return NO_LEVEL
    share = row["level_share"]
    part = "" if pd.isna(share) or float(share) >= 0.9995 else f" ({100 * float(share):.0f}% of babies aged 0-2)"
    return str(row["level_label"]) + part


# The measures shown over time: (column, title, how a cell reads).
OVER_TIME = (
    ("age0_2", "Babies aged 0-2", lambda r: _whole(r["age0_2"])),
    ("births", "Live births a year", _births),
    ("share_covered", "Share of babies aged 0-2 covered", lambda r: _share(r["share_covered"])),
    ("uncovered_age0_2", "Babies aged 0-2 with no team", lambda r: _whole(r["uncovered_age0_2"])),
    ("teams", "Teams serving the area", lambda r: str(int(r["teams"]))),
    ("level", "Provision level (without FOI replies)", _level),
    ("teams_needed", "Reference-size teams needed", lambda r: f"{float(r['teams_needed']):.1f}"),
)


def area_labels(table: pd.DataFrame) -> dict[str, str]:
    """Area code -> the name a reader knows it by (``display_name`` where the table has it, else ``name``),
    with the code added where two areas would read the same."""
    names = table["display_name"] if "display_name" in table.columns else table["name"]
    labels = dict(zip(table["code"].astype(str), names.astype(str)))
    counts = pd.Series(list(labels.values())).value_counts()
    return {c: (f"{n} ({c})" if counts[n] > 1 else n) for c, n in labels.items()}


def date_label(when: date, today: date | None = None) -> str:
    """A history date in words: "1 July 2019", or "today (2 December 2026)"."""
    text = f"{when.day} {when:%B %Y}"
    return f"today ({text})" if when == (today or date.today()) else text


def over_time(history: pd.DataFrame, measure: str, labels: dict[str, str], *,
              today: date | None = None) -> pd.DataFrame:
    """One measure of :data:`OVER_TIME` as a reader's table: a row per area (``Area``, in the history's
    order), a column per date (:func:`date_label`), each cell in words and whole numbers."""
    read = {column: cell for column, _, cell in OVER_TIME}[measure]
    codes = list(dict.fromkeys(history["code"].astype(str)))
    dates = sorted(set(history["as_of"]))
    cells = {(str(r["code"]), r["as_of"]): read(r) for _, r in history.iterrows()}
    out = pd.DataFrame({"Area": [labels.get(c, c) for c in codes]})
    for when in dates:
        out[date_label(when, today)] = [cells.get((c, when), "") for c in codes]
    return out


def side_by_side(rows: pd.DataFrame, labels: dict[str, str]) -> pd.DataFrame:
    """One date's rows (:func:`date_rows`) as a reader's table: a row per figure, a column per area."""
    figures: list[tuple[str, Callable[[pd.Series], str]]] = [
        ("Nation", lambda r: str(r["nation"])),
        ("Babies aged 0-2", lambda r: _whole(r["age0_2"]) + (" (estimated)" if bool(r["estimated"]) else "")),
        ("Live births a year", _births),
        ("Births period", lambda r: "" if pd.isna(r["births_period"]) else str(r["births_period"])),
        ("Babies aged 0-2 covered by a team", lambda r: _whole(r["covered_age0_2"])),
        ("Babies aged 0-2 with no team", lambda r: _whole(r["uncovered_age0_2"])),
        ("Share of babies aged 0-2 covered", lambda r: _share(r["share_covered"])),
        ("Coverage", lambda r: COVERAGE_WORDS.get(str(r["coverage"]), str(r["coverage"]))),
        ("Provision level (without FOI replies)", _level),
        ("Share of babies at level 3 (a team)", lambda r: _share(r["share_level_3"])),
        ("Share of babies at level 2 (CAMHS specialists, no team)", lambda r: _share(r["share_level_2"])),
        ("Teams serving the area", lambda r: str(int(r["teams"]))),
        ("Their names", lambda r: str(r["team_names"]) or "none"),
        ("Reference-size teams needed", lambda r: f"{float(r['teams_needed']):.1f}"),
        ("Staff needed (WTE)", lambda r: f"{float(r['wte_needed']):.1f}"),
        ("Capacity basis", lambda r: str(r["need_basis"])),
    ]
    out = pd.DataFrame({"Figure": [name for name, _ in figures]})
    for _, row in rows.iterrows():
        out[labels.get(str(row["code"]), str(row["code"]))] = [read(row) for _, read in figures]
    return out
