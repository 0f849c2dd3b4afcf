"""FOI replies on CAMHS and the under-3s: validate, combine per area, classify, and recompute the funnel.

The method is Rare Jewels (2019), section 8: commissioners and mental health trusts were asked
whether CAMHS accepts referrals at 0-12, 12-24 and 24-36 months and how many children of each age
were referred and seen in a year. Everything here is pure: frames and tables in, frames out. Reading
files and fetching area tables live in :mod:`mapping.inputs.foi_io`.

Pipeline: ``read_replies`` (I/O) -> :func:`validate_replies` -> :func:`combine_replies` ->
:func:`classify_areas` -> :func:`funnel`, and :func:`carry_classes` for other geographies.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Callable, Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from datetime import date
from typing import Literal

import numpy as np
import pandas as pd

from mapping.errors import FoiError, PimapError
from mapping.inputs.foi_schema import (
    ACCEPTS_COLUMNS,
    AGE_LABELS,
    BAND_LABELS,
    BANDS,
    COLUMN_AGES,
    COLUMNS,
    COUNT_COLUMNS,
    EARLIEST_DATE,
    OPTIONAL_COLUMNS,
    REQUIRED_VALUES,
    RESPONDER_ROLES,
    UK_COUNT_LIMITS,
    UNKNOWN_COUNT,
    Count,
    format_count,
    normalise_name,
    parse_accepts,
    parse_count,
    parse_period,
    parse_reply_date,
    parse_responder_type,
    require_ascii_digits,
    split_codes,
    split_list,
)

__all__ = [
    "FOI_CLASSES",
    "CLASS_SLUGS",
    "OUTSIDE_FOI",
    "FUNNEL_KEYS",
    "FoiError",
    "Issue",
    "RawReplies",
    "PopulationTables",
    "ValidationReport",
    "validate_replies",
    "combine_replies",
    "classify_areas",
    "funnel",
    "area_population",
    "carry_classes",
]


# The map's classes, in legend order. "accepts, number seen unclear" is for accepting areas whose
# replies give age data but whose count of children seen cannot be placed in 0 / 1-5 / more than 5
# (not given, or suppressed values that straddle 5).
FOI_CLASSES: tuple[str, ...] = (
    "does not accept under-3s",
    "accepts, no age breakdown",
    "accepts, none referred",
    "accepts, none seen",
    "accepts, 1-5 seen",
    "accepts, more than 5 seen",
    "accepts, number seen unclear",
    "no usable reply",
)
CLASS_SLUGS: dict[str, str] = {
    "does not accept under-3s": "does_not_accept",
    "accepts, no age breakdown": "accepts_no_age_breakdown",
    "accepts, none referred": "accepts_none_referred",
    "accepts, none seen": "accepts_none_seen",
    "accepts, 1-5 seen": "accepts_1_to_5_seen",
    "accepts, more than 5 seen": "accepts_more_than_5_seen",
    "accepts, number seen unclear": "accepts_seen_unclear",
    "no usable reply": "no_usable_reply",
}
# Small areas that the FOI's geography does not cover (e.g. Wales when the FOI went to English CCGs).
OUTSIDE_FOI = "outside the FOI's geography"

FUNNEL_KEYS: tuple[str, ...] = (
    "areas_usable",
    "accept",
    "do_not_accept",
    "accept_share",
    "with_age_data",
    "with_referrals",
    "referrals_1_to_5",
    "no_referrals",
    "with_seen",
    "seen_1_to_5",
    "none_seen",
)

# Ranking of responders when replies for one area disagree: the provider runs the service and
# can clarify what the commissioner said (Rare Jewels found commissioners who were wrong).
ROLE_RANK: dict[str, int] = {"provider": 0, "commissioner": 1, "other": 2}


@dataclass(frozen=True)
class Issue:
    """One problem in one cell: printed as ``row N, column C: message`` (warnings say so)."""

    row: int
    column: str
    severity: Literal["error", "warning"]
    message: str

    def __str__(self) -> str:
        prefix = "warning: " if self.severity == "warning" else ""
        return f"row {self.row}, column {self.column}: {prefix}{self.message}"


@dataclass(frozen=True)
class RawReplies:
    """A replies file as read: every cell a string, with the file's own row numbers in ``source_row``."""

    frame: pd.DataFrame
    source: str = "<replies>"
    header_row: int = 1
    comments: tuple[str, ...] = ()
    issues: tuple[Issue, ...] = ()

    @property
    def synthetic(self) -> bool:
        """True when the file says it is synthetic (in a leading comment or its name), so it is never shown as real."""
        name = self.source.replace("\\", "/").rsplit("/", 1)[-1].lower()
        return name.startswith("synthetic") or any("synthetic" in c.lower() for c in self.comments)


@dataclass
class ValidationReport:
    """Every reply, normalised, with every problem found; ``replies`` has one row per input row."""

    replies: pd.DataFrame
    issues: list[Issue] = field(default_factory=list)
    geography: str | None = None
    source: str = "<replies>"
    synthetic: bool = False

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == "error"]

    @property
    def warnings(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == "warning"]

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass
class PopulationTables:
    """Children by age per area, for the plausibility limits of :func:`validate_replies`.

    ``load(geography, year)`` returns one row per area with ``code``, ``age0``, ``age1``, ``age2``,
    ``age0_18`` and optionally ``estimated`` (``boundaries.area_population`` is such a loader). It is
    called at most once per geography and year, and only for the FOI's geography and the years its
    periods need, so passing this costs nothing when the replies need no population.
    """

    years: tuple[int, ...]
    load: Callable[[str, int], pd.DataFrame]
    source: str = "mid-year population estimates"
    _tables: dict[tuple[str, int], dict[str, tuple[dict[str, float], bool]] | PimapError] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    @classmethod
    def from_boundaries(cls) -> PopulationTables:
        """The ONS, NRS and NISRA estimates of :mod:`boundaries`, loaded from its cache when first needed."""
        import boundaries

        return cls(tuple(boundaries.POPULATION_YEARS), boundaries.area_population,
                   "ONS, NRS and NISRA mid-year estimates")

    def nearest_year(self, year: int) -> int:
        """The population year nearest ``year`` (ties go to the earlier)."""
        return min(self.years, key=lambda y: (abs(y - year), y))

    def areas(self, geography: str, year: int) -> dict[str, tuple[dict[str, float], bool]] | PimapError:
        """code -> (children by age, estimated), or the error that kept the table from loading."""
        key = (geography, year)
        if key not in self._tables:
            try:
                table = self.load(geography, year)
            except PimapError as exc:
                self._tables[key] = exc
            else:
                estimated = table["estimated"] if "estimated" in table else pd.Series(False, index=table.index)
                ages = list(AGE_LABELS)
                self._tables[key] = {
                    str(code): ({a: float(v) for a, v in zip(ages, values)}, bool(est))
                    for code, values, est in zip(
                        table["code"], table[ages].astype(float).to_numpy(), estimated.astype(bool)
                    )
                }
        return self._tables[key]


# --- validation ------------------------------------------------------------------------------------


class _AreaIndex:
    """Codes and normalised names of each geography, built only when first needed."""

    def __init__(self, tables: Mapping[str, pd.DataFrame]):
        self.tables = tables
        self._codes: dict[str, dict[str, str]] = {}
        self._names: dict[str, dict[str, list[tuple[str, str]]]] = {}

    def codes(self, geography: str) -> dict[str, str]:
        if geography not in self._codes:
            table = self.tables[geography]
            self._codes[geography] = dict(zip(table["code"].astype(str), table["name"].astype(str)))
        return self._codes[geography]

    def by_name(self, geography: str, name: str) -> list[tuple[str, str]]:
        if geography not in self._names:
            index: dict[str, list[tuple[str, str]]] = defaultdict(list)
            for code, area_name in self.codes(geography).items():
                index[normalise_name(area_name)].append((code, area_name))
            self._names[geography] = index
        return self._names[geography].get(normalise_name(name), []) if name else []

    def other_geographies_with(self, code: str, exclude: str) -> list[tuple[str, str]]:
        return [(g, self.codes(g)[code]) for g in self.tables if g != exclude and code in self.codes(g)]

    def suggest(self, geography: str, name: str, exclude: AbstractSet[str] = frozenset()) -> str:
        """'did you mean ...' for a name: in the FOI's geography first, else in other vintages."""
        if not name:
            return ""
        hits = [(c, n) for c, n in self.by_name(geography, name) if c not in exclude]
        if hits:
            return "; did you mean " + " or ".join(f"{c} ({n}, {geography})" for c, n in hits) + "?"
        others = [(g, c, n) for g in self.tables if g != geography for c, n in self.by_name(g, name)]
        if others:
            listed = ", ".join(f"{c} ({g})" for g, c, _ in others[:4])
            return f"; an area of that name exists in another vintage: {listed}, not in {geography}"
        return ""


def _file_geography(values: list[str], known: Mapping[str, object]) -> str | None:
    """The FOI's geography: the valid id most rows give (ties go to the one met first)."""
    counts = Counter(v for v in values if v in known)
    if not counts:
        return None
    best = max(counts.values())
    return next(v for v in values if counts.get(v) == best)


def _as_raw(raw: RawReplies | pd.DataFrame) -> RawReplies:
    if isinstance(raw, RawReplies):
        return raw
    frame = raw.copy()
    if "source_row" not in frame.columns:
        frame.insert(0, "source_row", range(2, len(frame) + 2))
    return RawReplies(frame=frame)


def validate_replies(
    raw: RawReplies | pd.DataFrame,
    area_tables: Mapping[str, pd.DataFrame],
    *,
    population: PopulationTables | None = None,
    today: date | None = None,
) -> ValidationReport:
    """Normalise every reply and report every problem with its row and column; no row is dropped.

    ``area_tables`` maps geography ids to tables with ``code`` and ``name``: the FOI's own
    geography (named in ``area_geography``) for checking codes, the others for telling a
    wrong-vintage code from an unknown one and for suggesting the right code by name.
    Errors: unreadable values (including digits other than ASCII 0-9), negative counts, unknown or
    wrong-vintage codes, duplicate replies, band counts above the 0-18 totals, counts above the UK's
    children of that age (``UK_COUNT_LIMITS``) or, given ``population``, above the children of that
    age in the areas the reply names, and dates or periods outside 2000 to ``today`` (default: the
    date today). Warnings: "no" with children seen, partial answers, names that do not match their
    codes. Flagged values are kept as the reply gave them, never fixed.

    Notes
    -----
    The population year is the one in ``population.years`` nearest the year the reply's period
    starts. A band in months 0-12, 12-24, 24-36 is checked against children aged 0, 1, 2; the
    0-18 totals against children aged 0-18. A count is an error when even its lowest possible value
    (``<5`` is 1, ``>100`` is 101) exceeds the limit.
    """
    today = date.today() if today is None else today
    raw = _as_raw(raw)
    frame = raw.frame
    issues: list[Issue] = list(raw.issues)
    header = raw.header_row
    index = _AreaIndex(area_tables)

    present = set(frame.columns) - {"source_row"}
    missing = [c for c in COLUMNS if c not in present and c not in OPTIONAL_COLUMNS]
    for column in missing:
        issues.append(Issue(header, column, "error", f"missing column {column!r} (see data/foi/README.md)"))
    for column in sorted(present - set(COLUMNS)):
        issues.append(Issue(header, column, "warning", f"column {column!r} is not in the schema and is ignored"))

    def cell(row: Mapping[str, object], column: str) -> str:
        value = row.get(column, "")
        return "" if value is None or (isinstance(value, float) and math.isnan(value)) else str(value).strip()

    records = frame.to_dict("records")
    geo_values = [cell(r, "area_geography").lower() for r in records]
    geography = _file_geography(geo_values, area_tables)
    period_values = []
    for r in records:
        try:
            period_values.append(parse_period(cell(r, "period"))[0])
        except ValueError:
            pass
    main_period = Counter(period_values).most_common(1)[0][0] if period_values else None

    out_rows: list[dict] = []
    seen_ids: dict[str, int] = {}
    unavailable: set[tuple[str, int]] = set()
    for r, geo_value in zip(records, geo_values):
        row = int(r["source_row"])
        row_issues: list[Issue] = []

        def err(column: str, message: str, _row: int = row, _acc: list = row_issues) -> None:
            _acc.append(Issue(_row, column, "error", message))

        def warn(column: str, message: str, _row: int = row, _acc: list = row_issues) -> None:
            _acc.append(Issue(_row, column, "warning", message))

        out: dict[str, object] = {"source_row": row}
        for column in REQUIRED_VALUES:
            if column not in missing and not cell(r, column):
                err(column, f"{column} is blank; every reply needs one")

        reply_id = cell(r, "reply_id") or f"row {row}"
        if reply_id in seen_ids:
            err("reply_id", f"reply_id {reply_id!r} is already used on row {seen_ids[reply_id]}")
        else:
            seen_ids[reply_id] = row
        out["reply_id"] = reply_id

        rtype = cell(r, "responder_type")
        responder_type: str | None = None
        if rtype:
            try:
                responder_type = parse_responder_type(rtype)
            except ValueError as exc:
                err("responder_type", str(exc))
        role = RESPONDER_ROLES.get(responder_type) if responder_type else None
        responder_name = cell(r, "responder_name")
        responder_code = cell(r, "responder_code").upper()
        out["responder_type"], out["responder_role"] = responder_type, role
        out["responder_code"], out["responder_name"] = responder_code, responder_name
        try:
            require_ascii_digits(responder_code)
        except ValueError as exc:
            err("responder_code", str(exc))

        # Geography and area codes.
        out["area_geography"] = geo_value
        if geo_value and geo_value not in area_tables:
            err("area_geography", f"unknown geography {geo_value!r}; use one of {', '.join(area_tables)}")
        elif geo_value and geography and geo_value != geography:
            err(
                "area_geography",
                f"{geo_value} differs from the file's geography {geography} (most rows): one FOI, one vintage",
            )
        codes = split_codes(cell(r, "area_codes"))
        names = split_list(cell(r, "area_names"))
        if names and len(names) != len(codes):
            warn("area_names", f"{len(names)} names for {len(codes)} codes: names are not checked against codes")
            names = []
        fallback = responder_name if role == "commissioner" and len(codes) == 1 else ""
        codes_valid = bool(geography) and bool(codes) and geo_value == geography
        if geography:
            valid_codes = index.codes(geography)
            for i, code in enumerate(codes):
                given = names[i] if names else ""
                if codes.index(code) != i:
                    warn("area_codes", f"{code} is listed twice")
                    continue
                try:
                    require_ascii_digits(code)
                except ValueError as exc:
                    err("area_codes", str(exc))
                    codes_valid = False
                    continue
                if code in valid_codes:
                    if given and normalise_name(given) != normalise_name(valid_codes[code]):
                        warn(
                            "area_names",
                            f"{given!r} is given for {code}, which is {valid_codes[code]!r} in {geography}"
                            + index.suggest(geography, given, exclude={code}),
                        )
                    continue
                codes_valid = False
                elsewhere = index.other_geographies_with(code, geography)
                hint = index.suggest(geography, given or fallback or (elsewhere[0][1] if elsewhere else ""))
                if elsewhere:
                    where = ", ".join(g for g, _ in elsewhere)
                    err(
                        "area_codes",
                        f"{code} is not a {geography} code: it is {elsewhere[0][1]} in {where} (wrong vintage){hint}",
                    )
                else:
                    err("area_codes", f"unknown area code {code!r}: not in {geography} nor any other geography{hint}")
        out["area_codes"] = "; ".join(dict.fromkeys(codes))
        out["area_names"] = "; ".join(names)
        out["request_reference"] = cell(r, "request_reference")

        # Dates and period: read, then held to 2000 .. today (kept as given when they are not).
        dates: dict[str, date | None] = {}
        for column in ("request_date", "reply_date"):
            text = cell(r, column)
            dates[column] = None
            if text:
                try:
                    dates[column] = parse_reply_date(text)
                except ValueError as exc:
                    err(column, str(exc))
            if (problem := _outside_dates(dates[column], today)) is not None:
                err(column, f"{column} {dates[column]} is {problem}: check the year")
        request_date, reply_date = dates["request_date"], dates["reply_date"]
        out["request_date"], out["reply_date"] = request_date, reply_date
        if request_date and reply_date and reply_date < request_date:
            warn("reply_date", f"reply dated {reply_date} is before the request ({request_date})")
        out["period"], out["period_start"], out["period_end"] = None, None, None
        period_start: date | None = None
        if text := cell(r, "period"):
            try:
                period, period_start, period_end = parse_period(text)
            except ValueError as exc:
                err("period", str(exc))
            else:
                out["period"], out["period_start"], out["period_end"] = period, period_start, period_end
                if main_period and period != main_period:
                    warn("period", f"period {period} differs from the file's main period {main_period}")
                if period_start < EARLIEST_DATE:
                    err("period", f"period {period} starts on {period_start}, before 2000"
                        f" ({EARLIEST_DATE}): check the years")
                elif period_end > today:
                    err("period", f"period {period} ends on {period_end}, after today ({today}): a reply cannot"
                        " count children for days still to come; give the dates it covers, 'YYYY-MM-DD to"
                        " YYYY-MM-DD'")

        # Answers.
        for column in ACCEPTS_COLUMNS:
            text = cell(r, column)
            out[f"{column}_text"] = text
            out[column], out[f"{column}_qualifier"] = "unknown", ""
            try:
                out[column], out[f"{column}_qualifier"] = parse_accepts(text)
            except ValueError as exc:
                err(column, str(exc))
        counts: dict[str, Count] = {}
        for column in COUNT_COLUMNS:
            text = cell(r, column)
            count = UNKNOWN_COUNT
            try:
                count = parse_count(text)
            except ValueError as exc:
                err(column, str(exc))
            counts[column] = count
            out[f"{column}_text"] = text
            out[f"{column}_low"], out[f"{column}_high"] = count.low, count.high
            out[f"{column}_censored"] = count.censored

        _check_answers(out, counts, warn, err)
        _check_limits(counts, err)
        if population is not None and geography and codes_valid and period_start is not None:
            year = population.nearest_year(period_start.year)
            areas = population.areas(geography, year)
            if isinstance(areas, PimapError):
                if (geography, year) not in unavailable:
                    unavailable.add((geography, year))
                    issues.append(Issue(header, "file", "warning", f"no population for {geography} at mid-{year}"
                                        f" ({areas}): counts are checked against the UK limits only"))
            else:
                _check_population(counts, areas, codes, year, population.source, str(out["period"]), err, warn)
        out["notes"] = cell(r, "notes")
        for column in sorted(present - set(COLUMNS)):
            out[column] = r.get(column)
        out["has_error"] = any(i.severity == "error" for i in row_issues)
        out_rows.append(out)
        issues.extend(row_issues)

    replies = pd.DataFrame(out_rows, columns=_output_columns(present)) if out_rows else _empty_replies(present)
    for column in ("request_date", "reply_date", "period_start", "period_end"):
        replies[column] = pd.to_datetime(replies[column])
    issues.extend(_duplicate_issues(replies))
    if issues:
        bad_rows = {i.row for i in issues if i.severity == "error"}
        replies["has_error"] = replies["source_row"].isin(bad_rows)
    replies = add_figures(replies)
    issues.sort(key=lambda i: (i.row, COLUMNS.index(i.column) if i.column in COLUMNS else len(COLUMNS)))
    return ValidationReport(replies, issues, geography, raw.source, raw.synthetic)


def _outside_dates(value: date | None, today: date) -> str | None:
    """Why a request or reply date cannot be right (before 2000, after today), or None."""
    if value is None:
        return None
    if value < EARLIEST_DATE:
        return f"before 2000 ({EARLIEST_DATE})"
    if value > today:
        return f"after today ({today})"
    return None


def _count_phrase(column: str, count: Count) -> str:
    """'1,001 children aged 0-12 months seen' (or 'at least ...' for a censored count)."""
    kind, band = column.split("_", 1)
    age = BAND_LABELS.get(band, "0-18")
    verb = "referred" if kind == "referrals" else "seen"
    amount = f"{int(count.low):,}" if count.low == count.high else f"at least {int(count.low):,}"
    return f"{amount} children aged {age} {verb}"


_Report = Callable[[str, str], None]


def _check_limits(counts: Mapping[str, Count], err: _Report) -> None:
    """No count above the UK's children of that age: holds with no population data at all."""
    for column, count in counts.items():
        age = COLUMN_AGES[column]
        if count.known and count.low > UK_COUNT_LIMITS[age]:
            err(column, f"{_count_phrase(column, count)}: more than {UK_COUNT_LIMITS[age]:,}, more than all the"
                f" UK's children {AGE_LABELS[age]}: check the figure")


def _check_population(
    counts: Mapping[str, Count],
    areas: Mapping[str, tuple[dict[str, float], bool]],
    codes: list[str],
    year: int,
    source: str,
    period: str,
    err: _Report,
    warn: _Report,
) -> None:
    """No count above the children of that age living in the areas the reply names (summed over them)."""
    codes = list(dict.fromkeys(codes))
    missing = [c for c in codes if c not in areas]
    if missing:
        warn("area_codes", f"no population for {', '.join(missing[:5])} at mid-{year} ({source}): this reply's"
             " counts are checked against the UK limits only")
        return
    where = codes[0] if len(codes) == 1 else f"the {len(codes)} areas the reply names ({', '.join(codes[:5])}"
    where += "" if len(codes) == 1 else (", ...)" if len(codes) > 5 else ")")
    estimated = ", estimated" if any(areas[c][1] for c in codes) else ""
    for column, count in counts.items():
        age = COLUMN_AGES[column]
        limit = sum(areas[c][0][age] for c in codes)
        if count.known and limit > 0 and count.low > limit:
            err(column, f"{_count_phrase(column, count)}: more than the {limit:,.0f} children {AGE_LABELS[age]}"
                f" living in {where} at mid-{year} ({source}{estimated}; the population year nearest the period"
                f" {period}): check the figure, and that area_codes lists every area the reply covers")


def _check_answers(out: dict, counts: dict[str, Count], warn, err) -> None:
    """Cross-cell checks of one reply: 'no' with children seen, bands above totals, partial answers."""
    for band in BANDS:
        seen = counts[f"seen_{band}"]
        if out[f"accepts_{band}"] == "no" and seen.known and seen.low >= 1:
            warn(
                f"seen_{band}",
                f"accepts_{band} is 'no' but children were seen in this band ({format_count(seen.low, seen.high)}):"
                " kept as the reply gave it",
            )
    for kind in ("referrals", "seen"):
        total = counts[f"{kind}_0_18"]
        bands = [counts[f"{kind}_{b}"] for b in BANDS]
        band_low = sum(c.low for c in bands if c.known)
        if total.known and any(c.known for c in bands) and band_low > total.high:
            err(
                f"{kind}_0_18",
                f"the 0-36 month {kind} add up to at least {int(band_low)}, more than the 0-18 total"
                f" {format_count(total.low, total.high)}",
            )
    answers = [out[c] for c in ACCEPTS_COLUMNS]
    if "yes" not in answers and "no" in answers and "unknown" in answers:
        column = ACCEPTS_COLUMNS[answers.index("unknown")]
        warn(column, "other bands say no but this one is not answered: the reply does not say whether under-3s are"
             " accepted, so it is not usable for that question")
    if all(a == "unknown" for a in answers) and any(
        counts[f"{k}_{b}"].known and counts[f"{k}_{b}"].low >= 1 for k in ("referrals", "seen") for b in BANDS
    ):
        warn(ACCEPTS_COLUMNS[0], "no band says whether referrals are accepted, yet under-3s were referred or seen:"
             " not read as acceptance")


def _output_columns(present: set[str]) -> list[str]:
    cols = ["source_row", "reply_id", "responder_type", "responder_role", "responder_code", "responder_name",
            "area_geography", "area_codes", "area_names", "request_reference", "request_date", "reply_date",
            "period", "period_start", "period_end"]
    for column in ACCEPTS_COLUMNS:
        cols += [column, f"{column}_qualifier", f"{column}_text"]
    for column in COUNT_COLUMNS:
        cols += [f"{column}_low", f"{column}_high", f"{column}_censored", f"{column}_text"]
    return cols + ["notes", *sorted(present - set(COLUMNS)), "has_error"]


def _empty_replies(present: set[str]) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=object) for c in _output_columns(present)})


_ANSWER_FIELDS = ACCEPTS_COLUMNS + tuple(f"{c}_{s}" for c in COUNT_COLUMNS for s in ("low", "high"))


def _duplicate_issues(replies: pd.DataFrame) -> list[Issue]:
    """Same responder, request and reply date for overlapping areas: a duplicate if the answers match, else a clash."""
    issues: list[Issue] = []
    key = pd.DataFrame({
        "code": replies["responder_code"].astype(str),
        "request": replies["request_reference"].astype(str).str.lower(),
        "date": replies["reply_date"].astype(str),
    })
    keyed = replies[(key["code"] != "") & key.duplicated(keep=False)]  # only groups of two or more
    for _, group in keyed.groupby([key["code"], key["request"], key["date"]], sort=False):
        rows = group.to_dict("records")
        for j, later in enumerate(rows):
            later_codes = set(filter(None, later["area_codes"].split("; ")))
            for earlier in rows[:j]:
                shared = later_codes & set(filter(None, earlier["area_codes"].split("; ")))
                if not shared:
                    continue
                same = all(_same(earlier[f], later[f]) for f in _ANSWER_FIELDS)
                if same:
                    msg = (f"duplicate reply: same responder, request, reply date, areas and answers as row"
                           f" {earlier['source_row']}; remove one")
                else:
                    msg = (f"same responder, request and reply date as row {earlier['source_row']} for"
                           f" {', '.join(sorted(shared))} but different answers: which reply is right cannot be told")
                issues.append(Issue(int(later["source_row"]), "responder_code", "error", msg))
                break
    return issues


def _same(a: object, b: object) -> bool:
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    return a == b


# --- figures per reply -----------------------------------------------------------------------------


def add_figures(replies: pd.DataFrame) -> pd.DataFrame:
    """Add what the funnel needs: accept status and under-3 counts as intervals (unknown bands count 0 to inf).

    Notes
    -----
    ``accepts_status`` is "accept" if any band says yes, "do not accept" if all three say no,
    else "unknown". ``referrals_u3_low`` = sum of known band lows; ``referrals_u3_high`` = sum of
    band highs, infinite if any band is unknown; both NaN when no band is known. Same for seen.
    """
    out = replies.copy()
    accepts = out[list(ACCEPTS_COLUMNS)]
    any_yes = (accepts == "yes").any(axis=1)
    all_no = (accepts == "no").all(axis=1)
    out["accepts_status"] = np.select([any_yes, all_no], ["accept", "do not accept"], "unknown")
    out["usable"] = out["accepts_status"] != "unknown"
    for kind in ("referrals", "seen"):
        lows = out[[f"{kind}_{b}_low" for b in BANDS]].astype(float)
        highs = out[[f"{kind}_{b}_high" for b in BANDS]].astype(float)
        any_known = lows.notna().any(axis=1)
        out[f"{kind}_u3_low"] = lows.fillna(0).sum(axis=1).where(any_known)
        out[f"{kind}_u3_high"] = highs.fillna(math.inf).sum(axis=1).where(any_known)
        out[f"{kind}_u3_censored"] = out[[f"{kind}_{b}_censored" for b in BANDS]].astype(bool).any(axis=1)
    out["age_data"] = out["referrals_u3_low"].notna() | out["seen_u3_low"].notna()
    finite = np.isfinite(out["referrals_u3_high"].astype(float)) & np.isfinite(out["seen_u3_high"].astype(float))
    totals = out["referrals_0_18_low"].notna() & out["seen_0_18_low"].notna()
    out["full_data"] = finite & totals
    known = sum((out[c] != "unknown").astype(int) for c in ACCEPTS_COLUMNS)
    out["n_known"] = known + sum(out[f"{c}_low"].notna().astype(int) for c in COUNT_COLUMNS)
    return out


# --- combining -------------------------------------------------------------------------------------

_COMPARED = ACCEPTS_COLUMNS + COUNT_COLUMNS


def combine_replies(report: ValidationReport) -> tuple[pd.DataFrame, pd.DataFrame]:
    """One reply per area, chosen by a fixed rule, and every disagreement between replies for an area.

    The rule, applied in order until one reply is ahead:
    1. a usable reply (says whether under-3s are accepted) over one that is not;
    2. the provider's (mental health trust) over the commissioner's (CCG / ICB / Sub-ICB), over other;
    3. the later reply date over the earlier;
    4. the more complete reply (more answered cells);
    5. the later row in the file.
    Returns ``(per_area, conflicts)``. ``per_area`` has one row per area code with a reply: the chosen
    reply's fields, ``n_replies``, ``reply_ids`` (all, best first) and ``choice_reason``. ``conflicts``
    has one row per area, field and other reply where the other reply differs from the chosen one
    (``kind`` "different answer") or answers what the chosen one leaves unknown ("only in other reply").
    """
    if report.errors:
        raise FoiError(
            f"{report.source}: {len(report.errors)} error(s) in the replies; fix them first (checking the file lists all)."
            f" First: {report.errors[0]}"
        )
    replies = report.replies.copy()
    replies["code"] = replies["area_codes"].str.split("; ")
    long = replies.explode("code")
    long = long[long["code"].notna() & (long["code"] != "")]
    long["role_rank"] = long["responder_role"].map(ROLE_RANK).fillna(len(ROLE_RANK))
    keys = ["usable", "role_rank", "reply_date", "n_known", "source_row"]
    long = long.sort_values(["code", *keys], ascending=[True, False, True, False, False, False], kind="stable")
    long["rank"] = long.groupby("code").cumcount()
    chosen = long[long["rank"] == 0].set_index("code")
    others = long[long["rank"] > 0]

    n_replies = long.groupby("code").size()
    reply_ids = long.groupby("code")["reply_id"].agg(lambda s: "; ".join(s))
    per_area = chosen.drop(columns=["rank", "role_rank"]).copy()
    per_area["n_replies"] = n_replies
    per_area["reply_ids"] = reply_ids
    runner_up = others[others["rank"] == 1].set_index("code")
    per_area["choice_reason"] = "only reply"
    if len(runner_up):
        per_area.loc[runner_up.index, "choice_reason"] = _reasons(
            chosen.loc[runner_up.index], runner_up
        ).to_numpy()
    per_area = per_area.reset_index()
    conflicts = _conflicts(chosen, others)
    return per_area, conflicts


def _reasons(best: pd.DataFrame, other: pd.DataFrame) -> pd.Series:
    """Why each chosen reply beat the other reply on the same row (frames aligned row by row)."""
    b, o = best.reset_index(drop=True), other.reset_index(drop=True)
    roles = b["responder_role"].astype(str) + "'s reply over " + o["responder_role"].astype(str) + "'s"
    reasons = np.select(
        [b["usable"] != o["usable"], b["role_rank"] != o["role_rank"], b["reply_date"] != o["reply_date"],
         b["n_known"] != o["n_known"]],
        ["usable reply over one that does not say whether under-3s are accepted", roles,
         "later reply over earlier", "more complete reply"],
        "same standing: later row in the file",
    )
    return pd.Series(reasons, index=best.index)


_CONFLICT_COLUMNS = ["code", "field", "kind", "chosen_reply_id", "chosen_row", "chosen_value",
                     "other_reply_id", "other_row", "other_value", "choice_reason"]


def _display(frame: pd.DataFrame, column: str) -> pd.Series:
    """The value as the reply gave it: 'yes - consultation only', '<5'."""
    if column in ACCEPTS_COLUMNS:
        qualifier = frame[f"{column}_qualifier"].fillna("")
        return frame[column] + np.where(qualifier != "", " - " + qualifier, "")
    return frame[f"{column}_text"].fillna("")


def _conflicts(chosen: pd.DataFrame, others: pd.DataFrame) -> pd.DataFrame:
    """Every field where another reply differs from the chosen one, or answers what it leaves unknown."""
    if others.empty:
        return pd.DataFrame(columns=_CONFLICT_COLUMNS)
    best = chosen.loc[others["code"]].reset_index()
    other = others.reset_index(drop=True)
    reason = _reasons(best, other).to_numpy()
    parts = []
    for column in _COMPARED:
        if column in ACCEPTS_COLUMNS:
            b_known, o_known = best[column] != "unknown", other[column] != "unknown"
            same = best[column] == other[column]
        else:
            b_lo, o_lo = best[f"{column}_low"].astype(float), other[f"{column}_low"].astype(float)
            b_hi, o_hi = best[f"{column}_high"].astype(float), other[f"{column}_high"].astype(float)
            b_known, o_known = b_lo.notna(), o_lo.notna()
            same = (b_lo == o_lo) & (b_hi == o_hi)
        hit = (o_known & ~(b_known & same)).to_numpy()
        if not hit.any():
            continue
        parts.append(pd.DataFrame({
            "code": other["code"][hit].to_numpy(),
            "field": column,
            "kind": np.where(b_known[hit], "different answer", "only in other reply"),
            "chosen_reply_id": best["reply_id"][hit].to_numpy(),
            "chosen_row": best["source_row"][hit].astype(int).to_numpy(),
            "chosen_value": _display(best, column)[hit].to_numpy(),
            "other_reply_id": other["reply_id"][hit].to_numpy(),
            "other_row": other["source_row"][hit].astype(int).to_numpy(),
            "other_value": _display(other, column)[hit].to_numpy(),
            "choice_reason": reason[hit],
        }))
    if not parts:
        return pd.DataFrame(columns=_CONFLICT_COLUMNS)
    order = {c: i for i, c in enumerate(_COMPARED)}
    out = pd.concat(parts, ignore_index=True)
    out["_f"] = out["field"].map(order)
    out = out.sort_values(["code", "other_row", "_f"], kind="stable").drop(columns="_f")
    return out.reset_index(drop=True)[_CONFLICT_COLUMNS]


# --- classification and funnel ---------------------------------------------------------------------


def classify_areas(
    per_area: pd.DataFrame, areas: pd.DataFrame, *, population: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Every area of the FOI's geography with its class (see ``FOI_CLASSES``) and the figures behind it.

    Rules, in order: no reply or none usable -> "no usable reply"; all bands no -> "does not accept
    under-3s"; accepts but no band count -> "accepts, no age breakdown"; children seen (under 3)
    known to be 1-5 -> "accepts, 1-5 seen", more than 5 -> "accepts, more than 5 seen", at least 1
    but possibly either -> "accepts, number seen unclear"; none referred -> "accepts, none referred";
    none seen -> "accepts, none seen"; otherwise (seen not given) -> "accepts, number seen unclear".
    ``population`` (``code, age0_2, age0_18``, from :func:`area_population`) adds each area's
    population share aged 0-2, to set against the shares of referrals and children seen.
    """
    stray = sorted(set(per_area["code"]) - set(areas["code"]))
    if stray:
        raise FoiError(f"replies name areas that are not in the geography given: {', '.join(stray[:10])}")
    base = areas[["code", "name", *(["nation"] if "nation" in areas else [])]].copy()
    frame = base.merge(per_area, on="code", how="left", validate="one_to_one")
    frame["usable"] = frame["usable"].astype("boolean").fillna(False).astype(bool)
    frame["age_data"] = frame["age_data"].astype("boolean").fillna(False).astype(bool)
    frame["full_data"] = frame["full_data"].astype("boolean").fillna(False).astype(bool)
    frame["n_replies"] = frame["n_replies"].fillna(0).astype(int)
    frame["source_row"] = frame["source_row"].astype("Int64")
    status = frame["accepts_status"].fillna("no reply")
    frame["accepts_status"] = status
    accept = frame["usable"] & (status == "accept")
    seen_lo, seen_hi = frame["seen_u3_low"].astype(float), frame["seen_u3_high"].astype(float)
    ref_hi = frame["referrals_u3_high"].astype(float)
    rules = [
        ~frame["usable"],
        status == "do not accept",
        accept & ~frame["age_data"],
        accept & (seen_lo >= 1) & (seen_hi <= 5),
        accept & (seen_lo > 5),
        accept & (seen_lo >= 1),
        accept & (ref_hi == 0),
        accept & (seen_hi == 0),
    ]
    labels = ["no usable reply", "does not accept under-3s", "accepts, no age breakdown", "accepts, 1-5 seen",
              "accepts, more than 5 seen", "accepts, number seen unclear", "accepts, none referred",
              "accepts, none seen"]
    frame["foi_class"] = pd.Categorical(
        np.select(rules, labels, "accepts, number seen unclear"), categories=FOI_CLASSES, ordered=True
    )
    for kind in ("referrals", "seen"):
        lo, hi = frame[f"{kind}_u3_low"].astype(float), frame[f"{kind}_u3_high"].astype(float)
        tot_lo, tot_hi = frame[f"{kind}_0_18_low"].astype(float), frame[f"{kind}_0_18_high"].astype(float)
        frame[f"{kind}_u3"] = [format_count(a, b) for a, b in zip(lo, hi)]
        # Share of all 0-18 who were under 3, as an interval when counts are censored.
        with np.errstate(divide="ignore", invalid="ignore"):
            frame[f"{kind}_u3_share_low"] = (lo / tot_hi).where(tot_hi > 0)
            frame[f"{kind}_u3_share_high"] = np.minimum(hi / tot_lo, 1.0).where(tot_lo > 0)
    if population is not None:
        pop = population[["code", "age0_2", "age0_18"]].rename(
            columns={"age0_2": "population_0_2", "age0_18": "population_0_18"}
        )
        frame = frame.merge(pop, on="code", how="left", validate="one_to_one")
        frame["population_share_0_2"] = frame["population_0_2"] / frame["population_0_18"]
    return frame


def funnel(classified: pd.DataFrame) -> dict[str, float | int | None]:
    """Rare Jewels' funnel, recomputed from classified areas (one row per area).

    Notes
    -----
    usable = areas whose chosen reply says whether under-3s are accepted; accept_share = accept / usable.
    with_age_data = accepting areas with a count by age band (referrals or seen). Among those:
    with_referrals = under-3 referrals >= 1; referrals_1_to_5 = between 1 and 5 for certain (a
    suppressed '<5' counts, '1-9' does not); no_referrals = exactly 0; likewise for children seen.
    Unknown bands never count as zero, so with_referrals + no_referrals can be below with_age_data.
    Extra keys: shares, where the age data came from (Rare Jewels footnote 14), areas with full data.
    """
    accept = classified["usable"] & (classified["accepts_status"] == "accept")
    reject = classified["usable"] & (classified["accepts_status"] == "do not accept")
    usable = int(classified["usable"].sum())
    aged = accept & classified["age_data"]
    r_lo, r_hi = classified["referrals_u3_low"].astype(float), classified["referrals_u3_high"].astype(float)
    s_lo, s_hi = classified["seen_u3_low"].astype(float), classified["seen_u3_high"].astype(float)
    role = classified["responder_role"]
    result: dict[str, float | int | None] = {
        "areas_usable": usable,
        "accept": int(accept.sum()),
        "do_not_accept": int(reject.sum()),
        "accept_share": (int(accept.sum()) / usable) if usable else None,
        "with_age_data": int(aged.sum()),
        "with_referrals": int((aged & (r_lo >= 1)).sum()),
        "referrals_1_to_5": int((aged & (r_lo >= 1) & (r_hi <= 5)).sum()),
        "no_referrals": int((aged & (r_hi == 0)).sum()),
        "with_seen": int((aged & (s_lo >= 1)).sum()),
        "seen_1_to_5": int((aged & (s_lo >= 1) & (s_hi <= 5)).sum()),
        "none_seen": int((aged & (s_hi == 0)).sum()),
        "do_not_accept_share": (int(reject.sum()) / usable) if usable else None,
        "with_age_data_from_commissioner": int((aged & (role == "commissioner")).sum()),
        "with_age_data_from_provider": int((aged & (role == "provider")).sum()),
        "with_age_data_from_other": int((aged & (role == "other")).sum()),
        "with_full_data": int((aged & classified["full_data"]).sum()),
        "areas_total": int(len(classified)),
        "areas_with_reply": int((classified["n_replies"] > 0).sum()),
    }
    return result


# --- population and other geographies -------------------------------------------------------------


def _units_with_population(
    lookup: pd.DataFrame, population: pd.DataFrame, columns: list[str], needed: list[str]
) -> pd.DataFrame:
    units = lookup[["unit_code", *dict.fromkeys(columns)]]
    merged = units.merge(population[["unit_code", *needed]], on="unit_code", how="left", validate="one_to_one")
    gaps = merged[merged[needed].isna().any(axis=1)]
    if len(gaps):
        raise FoiError(
            f"{len(gaps)} small areas have no population ({', '.join(needed)}), e.g."
            f" {', '.join(gaps['unit_code'].astype(str).head(5))}: choose a population year that covers them"
        )
    return merged


def area_population(lookup: pd.DataFrame, population: pd.DataFrame, geography: str) -> pd.DataFrame:
    """Children aged 0-2 and 0-18 per area of ``geography``, summed over its small areas.

    Returns ``code, age0_2, age0_18, share_0_2`` (share_0_2 = age0_2 / age0_18; Rare Jewels quotes about 16%).
    The sum is :func:`boundaries.population.aggregate_population`, after checking that every small area
    of the geography has a population (:class:`FoiError` names the ones that do not).
    """
    from boundaries.population import aggregate_population

    units = lookup[lookup[geography].notna()]
    merged = _units_with_population(units, population, [geography], ["age0_2", "age0_18"])
    sums = aggregate_population(units, merged[["unit_code", "age0_2", "age0_18"]], geography, ("age0_2", "age0_18"))
    sums["share_0_2"] = sums["age0_2"] / sums["age0_18"]
    return sums


def carry_classes(
    classified: pd.DataFrame,
    lookup: pd.DataFrame,
    population: pd.DataFrame,
    from_geography: str,
    to_geography: str,
    *,
    weight: str = "age0_2",
) -> pd.DataFrame:
    """Carry area classes to another geography through small areas, with the population share behind each.

    Each small area takes the class of its ``from_geography`` area (or ``OUTSIDE_FOI`` if that
    geography does not cover it); each ``to_geography`` area gets the share of its ``weight``
    population (children aged 0-2 by default) in each class. ``foi_class`` is the class with the
    largest share (ties: the first in ``FOI_CLASSES``) and ``class_share`` that share.
    """
    units = lookup[lookup[to_geography].notna()]
    merged = _units_with_population(units, population, [from_geography, to_geography], [weight])
    by_code = dict(zip(classified["code"], classified["foi_class"].astype(str)))
    source = merged[from_geography]
    unknown = sorted(set(source.dropna()) - set(by_code))
    if unknown:
        raise FoiError(f"small areas point to {from_geography} areas with no class: {', '.join(unknown[:10])}")
    merged["foi_class"] = source.map(by_code).where(source.notna(), OUTSIDE_FOI)
    order = [*FOI_CLASSES, OUTSIDE_FOI]
    table = merged.pivot_table(index=to_geography, columns="foi_class", values=weight, aggfunc="sum", fill_value=0)
    table = table.reindex(columns=order, fill_value=0)
    total = table.sum(axis=1)
    shares = table.div(total.where(total > 0), axis=0)
    out = pd.DataFrame({"code": table.index.astype(str), weight: total.to_numpy()})
    best = shares.fillna(-1).to_numpy().argmax(axis=1)
    out["foi_class"] = [order[i] if t > 0 else None for i, t in zip(best, total)]
    out["class_share"] = [shares.iloc[k, i] if t > 0 else math.nan for k, (i, t) in enumerate(zip(best, total))]
    for label in order:
        slug = CLASS_SLUGS.get(label, "outside_foi")
        out[f"share_{slug}"] = shares[label].to_numpy()
    return out.reset_index(drop=True)
