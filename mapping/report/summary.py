"""``summary.md`` and the headline figures it quotes.

Every number in ``summary.md`` is the ``text`` of a row of :func:`headline_figures` (which names the
table, row and column it comes from), so the prose and ``tables/figures.csv`` cannot disagree.
Registered sections (:mod:`mapping.report.sections`) add sections whose numbers are traced the same
way. The sources are those of :func:`mapping.inputs.provenance.sources_for`, as in ``manifest.json``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

import pandas as pd

from boundaries.population import ESTIMATES_NOTE
from mapping.analysis.list_count import COUNTED_ROW, published_month
from mapping.errors import ReportError
from mapping.inputs.vocabulary import TeamStatus
from mapping.present.text import escape_markdown
from mapping.report.inputs import PackInputs
from mapping.report.sections import registered_sections
from mapping.report.tables import NATION_ORDER

__all__ = ["SummaryFigure", "SummarySection", "summary_sections", "headline_figures", "summary_markdown",
           "foi_source_line", "whole", "pct", "one", "long_date", "PLACEHOLDER"]

def _whole(v: float) -> str:
    """A whole number with thousands separators, halves rounded up (not to even, as ``round`` does)."""
    from decimal import ROUND_HALF_UP, Decimal

    return f"{int(Decimal(repr(float(v))).quantize(Decimal(1), rounding=ROUND_HALF_UP)):,}"


def _pct(v: float) -> str:
    return f"{100 * float(v):.1f}%"


def _one(v: float) -> str:
    return f"{float(v):,.1f}"


def _long_date(d: date) -> str:
    return f"{d.day} {d.strftime('%B %Y')}"


@dataclass(frozen=True)
class SummaryFigure:
    """A number ``summary.md`` quotes: its value, the text as written, and the table row it comes from."""

    id: str
    value: object
    text: str
    table: str
    row: str
    column: str


_Figure = SummaryFigure


@dataclass(frozen=True)
class SummarySection:
    """A section another module adds to ``summary.md`` (``report_summary``): a title, its sentences with
    each number written as ``{figure id}``, and those figures."""

    title: str
    sentences: tuple[str, ...]
    figures: tuple[SummaryFigure, ...]


# "{id}", but not an escaped "\{...\}": text from a file or visitor goes in through mapping.present.text.escape_markdown
_PLACEHOLDER = re.compile(r"(?<!\\)\{([^{}\\]+)\}")


def summary_sections(data: PackInputs, tables: dict[str, pd.DataFrame]) -> list[SummarySection]:
    """The ``summary.md`` sections of the registered report sections (:mod:`mapping.report.sections`).

    Raises :class:`ReportError` when a sentence names a figure its section does not give.
    """
    sections = []
    for registered in registered_sections():
        if registered.summary is None:
            continue
        for title, sentences, figures in registered.summary(data, tables):
            section = SummarySection(str(title), tuple(sentences), tuple(figures))
            ids = {f.id for f in section.figures}
            missing = sorted({m for s in section.sentences for m in _PLACEHOLDER.findall(s)} - ids)
            if missing:
                raise ReportError(f"report section {registered.name!r}: summary section {title!r} names figures it "
                                  f"does not give: {missing}")
            sections.append(section)
    return sections


def headline_figures(data: PackInputs, tables: dict[str, pd.DataFrame],
                     sections: Sequence[SummarySection] | None = None) -> pd.DataFrame:
    """The figures ``summary.md`` quotes: id, value, the text as written, and the table row it comes from.

    The figures of other modules' summary sections (:func:`summary_sections`, computed here unless
    given) come last.
    """
    out: list[_Figure] = []
    nations = tables["nations"].set_index("scope")

    def from_nations(scope: str, column: str, fmt: Callable[[float], str]) -> None:
        value = nations.loc[scope, column]
        out.append(_Figure(f"{scope}.{column}", value, fmt(value), "nations", f"scope = {scope}", column))

    for scope in ["UK", *[n for n in NATION_ORDER if n in nations.index]]:
        from_nations(scope, "teams_operating", lambda v: f"{int(v):,}")
        from_nations(scope, "areas", lambda v: f"{int(v):,}")
        from_nations(scope, "areas_without_team", lambda v: f"{int(v):,}")
        from_nations(scope, "age0_2_total", _whole)
        from_nations(scope, "age0_2_uncovered", _whole)
        from_nations(scope, "share_uncovered", _pct)
    for column in ("areas_partly_covered", "areas_fully_covered", "share_covered"):
        from_nations("UK", column, _pct if column.startswith("share") else
                     (_whole if column.startswith("age") else lambda v: f"{int(v):,}"))
    for column, fmt in (("age0_total", _whole), ("age0_uncovered", _whole), ("share_uncovered_age0", _pct)):
        from_nations("UK", column, fmt)

    teams = tables["teams"]
    n_dev = int((teams["status"] == TeamStatus.IN_DEVELOPMENT).sum())
    out.append(_Figure("teams_in_development", n_dev, f"{n_dev:,}", "teams", f"status = {TeamStatus.IN_DEVELOPMENT}",
                       "team_id (rows)"))

    from mapping.analysis.growth import known_published_counts

    known = known_published_counts(tables["published_team_counts"], data.as_of)
    if not known.empty:
        latest = known.iloc[-1]
        out.append(_Figure("published.teams", int(latest["teams"]), f"{int(latest['teams']):,}",
                           "published_team_counts", f"as_of = {latest['as_of']}", "teams"))
        out.append(_Figure("published.as_of", latest["as_of"], str(latest["as_of"]), "published_team_counts",
                           f"as_of = {latest['as_of']}", "as_of"))
    count = getattr(data, "list_count", None)  # None: inputs built without a selection
    if count is not None:
        rows = {"named": ("all", "teams"), "teams_operating": ("all", "teams_operating"),
                "teams_in_development": ("all", "teams_in_development"), "foundation": ("foundation", "teams")}
        for name, value in count.figures().items():
            if name in rows:
                grade, column = rows[name]
                out.append(_Figure(f"list.{name}", value, f"{value:,}", "list_count", f"evidence_grade = {grade}",
                                   column))
            elif name == "counted":
                out.append(_Figure("list.counted", value, f"{value:,}", "list_count",
                                   f"evidence_grade = {COUNTED_ROW}", "teams"))
            elif name == "published_teams":
                out.append(_Figure("list.published_teams", value, f"{value:,}", "published_team_counts",
                                   f"as_of = {count.published_as_of}", "teams"))
            else:
                out.append(_Figure("list.published_as_of", value, published_month(str(value)),
                                   "published_team_counts", f"as_of = {value}", "as_of"))
    targets = data.targets
    out.append(_Figure("target.baseline_teams", targets.baseline_teams, f"{targets.baseline_teams}",
                       "team_counts", f"year = {targets.baseline_year}", "target"))
    out.append(_Figure("target.baseline_year", targets.baseline_year, f"{targets.baseline_year}",
                       "team_counts", f"year = {targets.baseline_year}", "year"))
    out.append(_Figure("target.target_teams", targets.target_teams, f"{targets.target_teams}",
                       "team_counts", f"year = {targets.by_year}", "target"))
    out.append(_Figure("target.by_year", targets.by_year, f"{targets.by_year}", "team_counts",
                       f"year = {targets.by_year}", "year"))
    out.append(_Figure("target.every_area_year", targets.every_area_year, f"{targets.every_area_year}",
                       "-", "-", "Vision & Strategy target year (Parent-Infant Foundation, Vision & Strategy 2019-2024)"))

    if "capacity" in tables:
        cap = tables["capacity"].iloc[0]
        for column, fmt in (("teams_needed", _one), ("shortfall_teams", _one), ("multiple_of_current", _one),
                            ("reference_wte", lambda v: f"{float(v):g}"), ("reference_births", _whole),
                            ("births", _whole), ("births_basis", lambda v: f"{v}")):
            out.append(_Figure(f"capacity.{column}", cap[column], fmt(cap[column]), "capacity", "scope = UK",
                               column))

    if "foi_funnel" in tables:
        funnel = tables["foi_funnel"].set_index("step")["value"]
        for step in ("areas_total", "areas_with_reply", "areas_usable", "accept", "accept_share", "do_not_accept",
                     "with_age_data", "with_referrals", "referrals_1_to_5", "no_referrals", "with_seen",
                     "seen_1_to_5", "none_seen", "with_full_data", "population_share_0_2"):
            value = funnel.get(step)
            if value is None or pd.isna(value):
                continue
            text = _pct(value) if step.endswith("share") or step.endswith("_0_2") else f"{int(value):,}"
            out.append(_Figure(f"foi.{step}", value, text, "foi_funnel", f"step = {step}", "value"))
    if sections is None:
        sections = summary_sections(data, tables)
    for section in sections:
        out.extend(section.figures)
    ids = [f.id for f in out]
    if len(set(ids)) != len(ids):
        raise ReportError(f"two summary figures share an id: {sorted({i for i in ids if ids.count(i) > 1})}")
    frame = pd.DataFrame([f.__dict__ for f in out], columns=["id", "value", "text", "table", "row", "column"])
    frame["value"] = frame["value"].map(lambda v: v.item() if hasattr(v, "item") else v)
    return frame


def _plural(text: str, noun: str) -> str:
    return f"{text} {noun}" + ("" if text == "1" else "s")


def _nation_sentence(nation: str, t: Callable[[str], str]) -> str:
    return (f"- {nation}: {t(f'{nation}.age0_2_uncovered')} of {t(f'{nation}.age0_2_total')} children aged 0-2 "
            f"({t(f'{nation}.share_uncovered')}) outside every team's catchment; {t(f'{nation}.areas_without_team')} "
            f"of {_plural(t(f'{nation}.areas'), 'area')} with no team; "
            f"{_plural(t(f'{nation}.teams_operating'), 'team')} operating there.")


# How summary.md names the role of each source (mapping.inputs.provenance.ROLES).
_ROLE_TITLES: dict[str, str] = {
    "boundaries": "Boundaries",
    "small-area lookup": "Small areas to areas",
    "population": "Population",
    "births": "Births",
}


def _source_lines(data: PackInputs) -> list[str]:
    """The registry files behind the figures (:func:`mapping.inputs.provenance.sources_for`), one line per
    role: exactly the files the loaders read, so a year whose nations borrow another year's estimates
    names those files too."""
    lines = []
    for role, title in _ROLE_TITLES.items():
        files = [s for s in data.sources if s.role == role]
        if not files:
            continue
        if role == "population":  # described: a year may borrow another year's or nation's estimates
            named = "; ".join(f"`{s.id.split(':', 1)[-1]}` ({escape_markdown(s.description)})" for s in files)
            title = f"{title}, mid-{data.year}"
        else:
            named = ", ".join(f"`{s.id.split(':', 1)[-1]}`" for s in files)
            if role == "births":  # the capacity estimate's: each nation's period standing for the year
                title = f"{title} standing for mid-{data.year} (the capacity estimate)"
        lines.append(f"  - {title}: {named}.")
    return lines


def _standing_in(data: PackInputs) -> list[tuple[str, int]]:
    """The nations whose population figures are another year's (the population's ``source_year``), in order."""
    analysis = getattr(data, "analysis", None)
    if analysis is None:
        return [("Scotland", 2019)] if data.year == 2017 else []
    population = analysis.population
    if "source_year" not in population.columns:
        return []
    units = analysis.lookup[["unit_code", "nation"]].merge(population[["unit_code", "source_year"]], on="unit_code")
    other = units[units["source_year"] != data.year].groupby("nation")["source_year"].max()
    return [(n, int(other[n])) for n in NATION_ORDER if n in other.index]


def summary_markdown(data: PackInputs, figures: pd.DataFrame, files: Sequence[str],
                     sections: Sequence[SummarySection] = ()) -> str:
    """``summary.md``: the headline figures as sentences, with definitions, sources and limitations.

    Every number is the ``text`` of a row of ``figures`` (:func:`headline_figures`), so the prose and
    ``tables/figures.csv`` cannot disagree; the last section says which table row each comes from.
    ``sections`` (:func:`summary_sections`) follow the FOI section, each ``{figure id}`` in their
    sentences replaced by that figure's text.
    """
    texts = dict(zip(figures["id"], figures["text"]))

    def t(key: str) -> str:
        try:
            return texts[key]
        except KeyError:
            raise KeyError(f"summary.md needs figure {key!r}, which headline_figures did not produce") from None

    as_of = data.as_of.isoformat()
    nations = [n for n in NATION_ORDER if n in data.summary["nations"]]
    lines: list[str] = [f"# Parent-infant relationship teams and the babies without one: UK, {as_of}", ""]
    if data.foi is not None and data.foi.synthetic:
        lines += ["> **The FOI file in this pack is SYNTHETIC test data, not real replies.** Its figures below "
                  "and in the FOI map, chart and tables only show how the pack works; do not quote them.", ""]
    count = getattr(data, "list_count", None)
    if count is not None:
        lines += [count.sentence(lambda name: t(f"list.{name}")), ""]
    lines += [
        f"Teams operating on {as_of}; areas: {data.geography_label} (`{data.geography}`); children aged 0-2 "
        f"from the mid-{data.year} population estimates.",
        "",
        "## Headline figures",
        "",
        f"- On {as_of}, {t('UK.teams_operating')} specialised parent-infant relationship teams in this dataset were "
        f"operating in the UK and {t('teams_in_development')} more were in development.",
        f"- {t('UK.age0_2_uncovered')} of the UK's {t('UK.age0_2_total')} children aged 0-2 "
        f"({t('UK.share_uncovered')}) lived outside every team's catchment and {t('UK.share_covered')} inside one.",
        f"- Of babies under 1, {t('UK.age0_uncovered')} of {t('UK.age0_total')} ({t('UK.share_uncovered_age0')}) "
        "lived outside every team's catchment.",
        f"- {t('UK.areas_without_team')} of the {t('UK.areas')} areas had no team at all; "
        f"{t('UK.areas_partly_covered')} were partly and {t('UK.areas_fully_covered')} wholly inside team catchments.",
        "",
        "By nation:",
        "",
        *[_nation_sentence(n, t) for n in nations],
        "",
        "## Growth against the Vision & Strategy targets",
        "",
        f"- The Parent-Infant Foundation's target was at least {t('target.target_teams')} teams by "
        f"{t('target.by_year')}, from {t('target.baseline_teams')} in {t('target.baseline_year')}, and a team in "
        f"every area by {t('target.every_area_year')}.",
    ]
    if "published.teams" in texts:
        lines.append(f"- The latest published UK count dated by {as_of} is {t('published.teams')} teams "
                     f"(dated {t('published.as_of')}); this dataset lists {t('UK.teams_operating')} operating on "
                     f"{as_of}, because it holds only the teams that published reports name with a place.")
    if "capacity.teams_needed" in texts:
        lines += [
            "",
            "## What it would take",
            "",
            f"- At the Greater Manchester reference size ({t('capacity.reference_wte')} whole-time-equivalent staff "
            f"for {t('capacity.reference_births')} births a year), the UK's {t('capacity.births')} births a year "
            f"({t('capacity.births_basis')}) would need {t('capacity.teams_needed')} teams: "
            f"{t('capacity.shortfall_teams')} more than the "
            f"{t('UK.teams_operating')} operating, or {t('capacity.multiple_of_current')} times today's number.",
        ]
    if data.foi is not None:
        f = data.foi
        lines += [
            "",
            "## CAMHS and children aged 2 and under (FOI replies)" + (" - SYNTHETIC TEST DATA" if f.synthetic else ""),
            "",
            f"- Of {t('foi.areas_total')} areas asked, {t('foi.areas_with_reply')} replied and "
            f"{t('foi.areas_usable')} gave a usable answer: {t('foi.accept')} ({t('foi.accept_share')}) accept "
            f"referrals of children aged 2 and under and {t('foi.do_not_accept')} do not.",
            f"- Of the {t('foi.with_age_data')} accepting areas with figures by age, {t('foi.with_referrals')} had any "
            f"referrals aged 2 and under ({t('foi.referrals_1_to_5')} of them between 1 and 5) and "
            f"{t('foi.no_referrals')} had none; {t('foi.with_seen')} saw any child aged 2 and under "
            f"({t('foi.seen_1_to_5')} of them between 1 and 5) and {t('foi.none_seen')} saw none.",
        ]
        if "foi.population_share_0_2" in texts:
            lines.append(f"- Children aged 0-2 are {t('foi.population_share_0_2')} of all children aged 0-18 in "
                         f"these areas; the FOI chart sets each area's shares of referrals and of children seen "
                         f"against that area's share ({t('foi.with_full_data')} areas have every count needed).")
    for section in sections:
        lines += ["", f"## {section.title}", ""]
        lines += [f"- {_PLACEHOLDER.sub(lambda m: t(m.group(1)), s)}" for s in section.sentences]
    builtin = data.register_source == "data/teams.csv"
    register = "`data/teams.csv`" if builtin else escape_markdown(data.register_source)  # a user's name, as text
    lines += [
        "",
        "## Definitions",
        "",
        f"- **Team**: a specialised parent-infant relationship team or service as listed in {register}, each row "
        "with its source and evidence grade (*foundation*: the Parent-Infant Foundation names it; *service*: its "
        "own NHS body describes it; *mention*: only a news report or similar names it); "
        + ("every grade counts as a team here" if data.selection is None or data.selection.grades is None
           else f"only grades {', '.join(data.selection.grades)} count as teams here")
        + ". CAMHS areas with a few parent-infant specialists but no team are not counted. *Operating* and "
        "*in development* are the statuses on the date.",
        "- **Catchment**: the areas a team serves, by the conventions in `data/README.md` (a team named after a "
        "borough serves that borough, one named after a county its CCGs or districts).",
        "- **Covered**: a child is covered when the small area (LSOA, Data Zone or NI Small Area) they live in "
        "lies in the catchment of at least one operating team; areas are then summed. An area has *no team* when "
        "none of its children is covered, is *wholly* inside when all are, *partly* otherwise.",
        "- **Children aged 0-2**: mid-year population estimates of ages 0, 1 and 2; **babies under 1**: age 0.",
        "",
        "## Sources",
        "",
        f"- Teams: {register}" + (", typed in from published reports, each row naming its source." if builtin
                                   else ", the register of teams given for this pack (its sha256 is in manifest.json)."),
        "- Published team counts: `data/published_team_counts.csv` (each count names its source).",
        f"- Targets: {data.targets.source}.",
    ]
    if data.capacity_reference is not None:
        lines.append(f"- Reference team: {data.capacity_reference.source}.")
    lines += [
        "- Population: ONS (England, Wales), NRS (Scotland) and NISRA (Northern Ireland) mid-year estimates; "
        "boundaries: ONS Open Geography Portal and the national statistics agencies. Every file is pinned with "
        "its sha256 in `boundaries/registry.csv` and listed in `manifest.json`.",
    ]
    lines += _source_lines(data)
    if data.foi is not None:
        lines.append(foi_source_line(data.foi.file_name))
    lines += [
        f"- Attribution: {data.attribution}",
        "",
        "## Limitations",
        "",
        "- The teams list holds only the teams that public sources name and place, so it counts fewer "
        "teams than the published UK totals: coverage here is a floor, not an estimate of all provision.",
        "- A team's base is placed at the centre of its catchment where no address is published; catchments "
        "follow the areas reports name, not service specifications.",
        f"- {ESTIMATES_NOTE} An area that splits a district or authority (Northern Ireland's trusts) holds "
        "fractions of a child, rounded here to whole numbers, halves up (`tables/nations.csv` keeps one decimal). "
        "Babies here are whole numbers; every total is a sum of the exact figures, rounded once. The tables "
        "(`tables/*.csv`) keep the exact, unrounded figures for checking, in machine-readable columns.",
        f"- Population is for mid-{data.year}; teams are those on {as_of}.",
    ]
    lines += [f"- Mid-{data.year} has no figures for {nation}, so {nation}'s mid-{source} figures stand in."
              for nation, source in _standing_in(data)]
    if data.foi is not None:
        lines.append("- FOI replies describe CAMHS, not parent-infant teams, and a reply can be wrong or "
                     "incomplete; areas without a usable reply are shown as such, never guessed.")
    lines += [
        "",
        "## Where each figure comes from",
        "",
        "| figure | as written | table | row | column |",
        "|---|---|---|---|---|",
        # the id, row and column name cells of the tables' files: code, as the file names are
        *[f"| `{r.id}` | {r.text} | `tables/{r.table}.csv` | `{r.row}` | `{r.column}` |"
          for r in figures.itertuples() if r.table != "-"],
        "",
        "## Files",
        "",
        *[f"- `{name}`" for name in files],
        "",
    ]
    return "\n".join(lines)




def foi_source_line(file_name: str) -> str:
    """The summary's source line for an FOI file: its name is the uploader's text, shown as text."""
    return (f"- FOI replies: {escape_markdown(file_name)} (sha256 in `manifest.json`), classified and "
            "summarised as in Rare Jewels (2019), section 8.")



# Public names of the number formats, for sections (mapping.report.ladder) that write summary figures.
whole, pct, one, long_date, PLACEHOLDER = _whole, _pct, _one, _long_date, _PLACEHOLDER
