"""The FOI reply schema and the readers of single values as real replies write them.

Every parser here is pure: it takes the text of one cell and returns a normalised value or
raises ``ValueError`` with a message fit to show after ``row N, column C:``. Nothing is
guessed: a value that matches no rule is an error, never a zero or a blank. Numbers and dates
are read from ASCII digits only: Python's ``int`` and ``strptime`` also read Arabic-Indic,
full-width and other scripts' digits, which a reply may carry from a copied document.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime

__all__ = [
    "BANDS",
    "BAND_LABELS",
    "COLUMNS",
    "REQUIRED_VALUES",
    "OPTIONAL_COLUMNS",
    "COUNT_COLUMNS",
    "ACCEPTS_COLUMNS",
    "RESPONDER_TYPES",
    "RESPONDER_ROLES",
    "ACCEPTS_VALUES",
    "UNKNOWN_WORDS",
    "SUPPRESSED_RANGE",
    "COUNT_CEILING",
    "UK_COUNT_LIMITS",
    "COLUMN_AGES",
    "AGE_LABELS",
    "EARLIEST_DATE",
    "Count",
    "require_ascii_digits",
    "parse_count",
    "parse_accepts",
    "parse_reply_date",
    "parse_period",
    "parse_responder_type",
    "split_list",
    "split_codes",
    "UNKNOWN_COUNT",
    "normalise_header",
    "normalise_name",
    "format_count",
]

# The three age bands of the Rare Jewels request, in months: 0-12, 12-24, 24-36.
BANDS: tuple[str, ...] = ("0_12", "12_24", "24_36")
BAND_LABELS: dict[str, str] = {"0_12": "0-12 months", "12_24": "12-24 months", "24_36": "24-36 months"}

ACCEPTS_COLUMNS: tuple[str, ...] = tuple(f"accepts_{b}" for b in BANDS)
BAND_COUNT_COLUMNS: tuple[str, ...] = tuple(f"{kind}_{b}" for b in BANDS for kind in ("referrals", "seen"))
TOTAL_COLUMNS: tuple[str, ...] = ("referrals_0_18", "seen_0_18")
COUNT_COLUMNS: tuple[str, ...] = BAND_COUNT_COLUMNS + TOTAL_COLUMNS

# One row per reply, in template order.
COLUMNS: tuple[str, ...] = (
    "reply_id",
    "responder_type",
    "responder_code",
    "responder_name",
    "area_geography",
    "area_codes",
    "area_names",
    "request_reference",
    "request_date",
    "reply_date",
    "period",
    *(c for b in BANDS for c in (f"accepts_{b}", f"referrals_{b}", f"seen_{b}")),
    *TOTAL_COLUMNS,
    "notes",
)
# Columns that may be missing from a file altogether.
OPTIONAL_COLUMNS: frozenset[str] = frozenset({"reply_id", "area_names", "request_date", "notes"})
# Columns whose cells may not be blank.
REQUIRED_VALUES: tuple[str, ...] = (
    "responder_type",
    "responder_code",
    "responder_name",
    "area_geography",
    "area_codes",
    "request_reference",
    "reply_date",
    "period",
)

RESPONDER_TYPES: tuple[str, ...] = ("CCG", "ICB", "Sub-ICB location", "mental health trust", "other")
# Commissioners buy the service; providers run it and can clarify what it really does.
RESPONDER_ROLES: dict[str, str] = {
    "CCG": "commissioner",
    "ICB": "commissioner",
    "Sub-ICB location": "commissioner",
    "mental health trust": "provider",
    "other": "other",
}
_RESPONDER_SYNONYMS: dict[str, str] = {
    "ccg": "CCG",
    "clinical commissioning group": "CCG",
    "icb": "ICB",
    "integrated care board": "ICB",
    "sub icb location": "Sub-ICB location",
    "sub icb": "Sub-ICB location",
    "sicbl": "Sub-ICB location",
    "mental health trust": "mental health trust",
    "mental health foundation trust": "mental health trust",
    "mht": "mental health trust",
    "trust": "mental health trust",
    "nhs trust": "mental health trust",
    "nhs foundation trust": "mental health trust",
    "other": "other",
}

ACCEPTS_VALUES: tuple[str, ...] = ("yes", "no", "unknown")
# Words that mean "the reply does not say": read as unknown, never as zero or no.
UNKNOWN_WORDS: frozenset[str] = frozenset(
    {
        "",
        "unknown",
        "not known",
        "nk",
        "not recorded",
        "not available",
        "n/a",
        "na",
        "n.a.",
        "no data",
        "no information",
        "not held",
        "information not held",
        "data not held",
        "not collected",
        "not stated",
        "no answer",
        "no response",
        "don't know",
        "do not know",
        "?",
    }
)
# A suppressed small number ("*", "<5") is at least 1 and at most 4 unless the reply states its range.
SUPPRESSED_RANGE: tuple[int, int] = (1, 4)

# Plausibility limits that hold without any population data: no count of children referred or seen
# can exceed the UK's children of that age. The mid-2017, mid-2019 and mid-2020 estimates this
# project reads (ONS, NRS, NISRA) give the UK at most 787,152 children of any one year of age 0-2
# and 14,908,516 aged 0-18; the limits round those up, leaving room for the other years since 2000.
UK_COUNT_LIMITS: dict[str, int] = {"age0": 1_000_000, "age1": 1_000_000, "age2": 1_000_000, "age0_18": 20_000_000}
# The largest number parse_count reads in any count cell (more than all the UK's children aged 0-18).
COUNT_CEILING: int = max(UK_COUNT_LIMITS.values())
# The population column each count is checked against: months 0-12, 12-24, 24-36 are ages 0, 1, 2.
_BAND_AGES: dict[str, str] = {"0_12": "age0", "12_24": "age1", "24_36": "age2", "0_18": "age0_18"}
COLUMN_AGES: dict[str, str] = {f"{kind}_{band}": age for band, age in _BAND_AGES.items()
                               for kind in ("referrals", "seen")}
AGE_LABELS: dict[str, str] = {"age0": "aged 0", "age1": "aged 1", "age2": "aged 2", "age0_18": "aged 0-18"}
# No request, reply or period before this date is plausible for replies entered with this schema.
EARLIEST_DATE: date = date(2000, 1, 1)
_SUPPRESSED_WORDS = frozenset({"*", "**", "***", "suppressed", "small number", "small numbers"})
_ZERO_WORDS = frozenset({"none", "nil", "zero"})


@dataclass(frozen=True)
class Count:
    """A count as an interval: exact when low == high, censored otherwise; unknown when both are NaN."""

    low: float
    high: float
    censored: bool = False

    @property
    def known(self) -> bool:
        return not math.isnan(self.low)


UNKNOWN_COUNT = Count(math.nan, math.nan)

_ASCII_DIGITS = frozenset("0123456789")


def _quote(text: str, limit: int = 40) -> str:
    """A cell for a message: quoted, and shortened when long so a 5,000-digit cell gives a one-line message."""
    text = str(text)
    if len(text) <= limit:
        return repr(text)
    return f"{text[: limit // 2]!r}... ({len(text):,} characters)"


def require_ascii_digits(text: str) -> None:
    """Refuse any digit but ASCII 0-9 (e.g. Arabic-Indic '٣', full-width '３'), naming the first one found.

    ``int()``, ``str.isdigit`` and ``strptime`` read such digits as numbers, so a pasted reply could
    pass with figures nobody typed as such; the person entering it is asked to retype them.
    """
    for ch in str(text):
        if ch.isnumeric() and ch not in _ASCII_DIGITS:
            name = unicodedata.name(ch, "a numeric character")
            raise ValueError(
                f"{_quote(text)} contains {ch!r} ({name}, U+{ord(ch):04X}), which is not an ASCII digit:"
                " type numbers and dates with the ASCII digits 0-9"
            )


_INT = r"([0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)"
_CEILING_DIGITS = len(str(COUNT_CEILING))


def _int(digits: str, text: str) -> int:
    """A whole number from ASCII digits (commas allowed), refused above ``COUNT_CEILING`` before int() sees it."""
    plain = digits.replace(",", "").lstrip("0") or "0"
    if len(plain) > _CEILING_DIGITS or int(plain) > COUNT_CEILING:
        raise ValueError(
            f"{_quote(text)} is more than {COUNT_CEILING:,}, more than all the UK's children aged 0-18:"
            " check the figure"
        )
    return int(plain)


def parse_count(text: str) -> Count:
    """Read a count cell: whole numbers, suppressed values (``<5``, ``*``, ``1-5``, ``>100``) or unknown words.

    Numbers must be written in ASCII digits and may not exceed ``COUNT_CEILING``; limits by age and
    area are applied by :func:`mapping.inputs.foi.validate_replies`, which knows the column and the areas.
    """
    require_ascii_digits(text)
    s = " ".join(str(text).strip().lower().replace("\u2013", "-").replace("\u2014", "-").split())
    if s in UNKNOWN_WORDS:
        return UNKNOWN_COUNT
    if s in _ZERO_WORDS:
        return Count(0, 0)
    if s in _SUPPRESSED_WORDS:
        return Count(*SUPPRESSED_RANGE, censored=True)
    if re.fullmatch(_INT, s):
        n = _int(s, text)
        return Count(n, n)
    if m := re.fullmatch(r"([0-9]+)\.0+", s):  # whole numbers stored as floats by spreadsheets
        n = _int(m.group(1), text)
        return Count(n, n)
    if re.fullmatch(r"[0-9]+\.[0-9]+", s):
        raise ValueError(f"{_quote(text)} is not a whole number of children")
    if s == "-":
        raise ValueError("'-' is ambiguous: write 0 if the reply says none, or 'not recorded'")
    if re.fullmatch(r"-\s*[0-9]+(\.[0-9]+)?", s):
        raise ValueError(f"negative count {_quote(text)}: counts of children cannot be below 0")
    if m := re.fullmatch(r"(?:<|less than|fewer than|under)\s*" + _INT, s):
        n = _int(m.group(1), text)
        if n < 2:
            raise ValueError(f"{text!r} leaves no possible count of 1 or more: write 0 if the reply means none")
        return Count(SUPPRESSED_RANGE[0], n - 1, censored=True)
    if m := re.fullmatch(r"(?:<=|=<|\u2264|up to|at most)\s*" + _INT, s):
        n = _int(m.group(1), text)
        if n < 1:
            raise ValueError(f"{text!r} leaves no possible count of 1 or more: write 0 if the reply means none")
        return Count(SUPPRESSED_RANGE[0], n, censored=True)
    if m := re.fullmatch(_INT + r"\s*(?:-|to)\s*" + _INT, s):
        lo, hi = _int(m.group(1), text), _int(m.group(2), text)
        if lo > hi:
            raise ValueError(f"range {text!r} runs backwards: write it as {hi}-{lo}")
        return Count(lo, hi, censored=lo != hi)
    if m := re.fullmatch(r"(?:>|more than|over|greater than)\s*" + _INT, s):
        return Count(_int(m.group(1), text) + 1, math.inf, censored=True)
    if m := re.fullmatch(r"(?:>=|=>|\u2265|at least)\s*" + _INT, s) or re.fullmatch(_INT + r"\s*\+", s):
        return Count(_int(m.group(1), text), math.inf, censored=True)
    if re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}( [0-9]{2}:[0-9]{2}(:[0-9]{2})?)?", s):
        raise ValueError(
            f"{text!r} is a date: a spreadsheet may have turned a range such as '1-5' into a date; enter it as text"
        )
    raise ValueError(
        f"cannot read {_quote(text)} as a count: write a whole number, a suppressed value such as '<5', '*' or '1-5',"
        " or 'not recorded'"
    )


def format_count(low: float, high: float) -> str:
    """The interval as a person would write it: '12', '1-4', '6 or more', or '' when unknown."""
    if math.isnan(low):
        return ""
    if math.isinf(high):
        return f"{int(low)} or more"
    if low == high:
        return str(int(low))
    return f"{int(low)}-{int(high)}"


_ACCEPT_WORDS = {"yes": "yes", "y": "yes", "no": "no", "n": "no"}


def parse_accepts(text: str) -> tuple[str, str]:
    """Read an ``accepts`` cell as (``yes`` | ``no`` | ``unknown``, qualifier), e.g. 'yes - consultation only'."""
    raw = " ".join(str(text).strip().split())
    s = raw.lower()
    if s in UNKNOWN_WORDS:
        return "unknown", ""
    if s in _ACCEPT_WORDS:
        return _ACCEPT_WORDS[s], ""
    # A qualifier must follow punctuation, so "no data held" is never read as "no".
    m = re.fullmatch(r"(yes|y|no|n)\s*(?:[-\u2013\u2014:;,]|\()\s*(.+?)\s*\)?", s)
    if m:
        start = m.start(2)
        qualifier = raw[start : start + len(m.group(2))]
        return _ACCEPT_WORDS[m.group(1)], qualifier
    raise ValueError(
        f"cannot read {text!r} as yes / no / unknown: write 'yes', 'no' or 'not recorded',"
        " with any qualifier after a dash (e.g. 'yes - consultation only')"
    )


_DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d.%m.%Y", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%d %B %Y", "%d %b %Y")


def parse_reply_date(text: str) -> date:
    """Read a date written as 2018-07-03, 03/07/2018 (day first, as in the UK) or 3 July 2018, in ASCII digits.

    Any year 1000-9999 is read here; whether a date is plausible (2000 to today) is for the caller,
    which knows what the date is and what today is.
    """
    require_ascii_digits(text)
    s = " ".join(str(text).strip().split())
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(s, fmt).date()
        except ValueError:
            continue
    raise ValueError(f"cannot read {_quote(text)} as a date: write YYYY-MM-DD (e.g. 2018-07-03) or DD/MM/YYYY")


def parse_period(text: str) -> tuple[str, date, date]:
    """Read the period covered: a financial year ('2017-18', '2017/18', 'FY2017-2018') or 'DATE to DATE'.

    A two-digit second year continues the first across a century ('1999-00' is 1999-2000).
    """
    require_ascii_digits(text)
    s = " ".join(str(text).strip().split())
    m = re.fullmatch(r"(?:fy\s*)?([0-9]{4})\s*[-/\u2013]\s*([0-9]{2}|[0-9]{4})", s, flags=re.IGNORECASE)
    if m:
        start = int(m.group(1))
        end = int(m.group(2))
        end_full = end if len(m.group(2)) == 4 else start - start % 100 + end
        if len(m.group(2)) == 2 and end_full < start:
            end_full += 100
        if not 1000 <= start <= 9998:
            raise ValueError(f"{text!r} is not a financial year: write the years 1000-9998 as YYYY-YY")
        if end_full != start + 1:
            raise ValueError(f"{text!r} is not a financial year: the second year must follow the first")
        return f"{start}-{str(start + 1)[-2:]}", date(start, 4, 1), date(start + 1, 3, 31)
    m = re.fullmatch(r"(.+?)\s+to\s+(.+)", s, flags=re.IGNORECASE)
    if m:
        start_d, end_d = parse_reply_date(m.group(1)), parse_reply_date(m.group(2))
        if end_d < start_d:
            raise ValueError(f"period {text!r} ends before it starts")
        return f"{start_d.isoformat()} to {end_d.isoformat()}", start_d, end_d
    raise ValueError(
        f"cannot read {_quote(text)} as a period: write a financial year such as 2017-18, or 'DATE to DATE'"
    )


def parse_responder_type(text: str) -> str:
    """Read the responder type: CCG, ICB, Sub-ICB location, mental health trust (MHT) or other."""
    key = " ".join(re.sub(r"[^a-z]+", " ", str(text).lower()).split())
    try:
        return _RESPONDER_SYNONYMS[key]
    except KeyError:
        raise ValueError(f"unknown responder type {text!r}: use one of {', '.join(RESPONDER_TYPES)}") from None


def split_list(text: str) -> list[str]:
    """Split a list cell on semicolons (commas are allowed between codes, never inside names)."""
    return [part.strip() for part in str(text).split(";") if part.strip()]


def split_codes(text: str) -> list[str]:
    """Split an area-code cell on semicolons, commas or white space; codes are upper-cased."""
    return [part.strip().upper() for part in re.split(r"[;,\s]+", str(text)) if part.strip()]


def normalise_header(text: str) -> str:
    """A header cell as a schema column name: 'Accepts 0-12' -> 'accepts_0_12'."""
    return re.sub(r"[^a-z0-9]+", "_", str(text).strip().lower()).strip("_")


def normalise_name(name: str) -> str:
    """An area name reduced for forgiving matching: case, punctuation, '&', 'NHS', 'CCG', 'ICB' ignored
    (:func:`boundaries.catalogue.normalise_name` with the commissioners' words of every era as noise)."""
    from boundaries.catalogue import NAME_NOISE
    from boundaries.catalogue import normalise_name as normalise

    return normalise(name, NAME_NOISE | {"icb", "integrated", "care", "board", "sub", "location"})


# One line per column, shown in the XLSX template and data/foi/README.md.
COLUMN_HELP: dict[str, str] = {
    "reply_id": "Optional. Your own id for the reply, unique in the file (default: 'row N').",
    "responder_type": "Who replied: CCG, ICB, Sub-ICB location, mental health trust, or other.",
    "responder_code": "The responder's code: the GSS code for a CCG / Sub-ICB (E38...), the ODS code for a trust.",
    "responder_name": "The responder's name as on the reply.",
    "area_geography": "Geography id of the codes in area_codes, the FOI's vintage (e.g. ccg2018); one per file.",
    "area_codes": "Areas the reply covers, separated by ';'. A trust reply lists every CCG / Sub-ICB it serves.",
    "area_names": "Optional. The same areas' names, in the same order, separated by ';' (checked against codes).",
    "request_reference": "Your FOI request reference (the reply's reference may go in notes).",
    "request_date": "Optional. Date the request was sent: YYYY-MM-DD or DD/MM/YYYY.",
    "reply_date": "Date of the reply: YYYY-MM-DD or DD/MM/YYYY. A later reply wins over an earlier one.",
    "period": "Period the counts cover: a financial year such as 2017-18, or 'YYYY-MM-DD to YYYY-MM-DD'.",
    **{
        f"accepts_{b}": f"Does CAMHS accept referrals at {BAND_LABELS[b]}? yes / no / not recorded;"
        " a qualifier may follow a dash: 'yes - consultation only'."
        for b in BANDS
    },
    **{
        f"referrals_{b}": f"Children aged {BAND_LABELS[b]} referred in the period, as the reply gives it:"
        " 12, '<5', '*', '1-5', 'not recorded'."
        for b in BANDS
    },
    **{
        f"seen_{b}": f"Children aged {BAND_LABELS[b]} seen (accessing the service) in the period, as given."
        for b in BANDS
    },
    "referrals_0_18": "All children aged 0-18 referred in the period.",
    "seen_0_18": "All children aged 0-18 seen in the period.",
    "notes": "Optional free text: caveats, the reply's own reference, what 'seen' meant.",
}
