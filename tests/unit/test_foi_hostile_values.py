"""FOI values that used to pass but are wrong: non-ASCII digits, huge counts, impossible dates.

Issue 11, findings 3 (values) and 5 (OverflowError). Every refusal must be an error at the cell
(row, column, message saying what to type), never a traceback, never a silent change, no row dropped.
All areas, populations and replies here are SYNTHETIC, made up for the tests; the checks against the
real population are in tests/integration/test_foi_population_limits.py.
"""

from __future__ import annotations

import unicodedata
from datetime import date, timedelta

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mapping.inputs.foi import PopulationTables, validate_replies
from mapping.inputs.foi_schema import (
    COUNT_CEILING,
    UK_COUNT_LIMITS,
    parse_count,
    parse_period,
    parse_reply_date,
)

# Synthetic areas and populations (not real places or figures).
AREAS = pd.DataFrame(
    {
        "code": ["E38000901", "E38000902"],
        "name": ["NHS Synthetic Area A CCG", "NHS Synthetic Area B CCG"],
        "nation": ["England", "England"],
    }
)
TABLES = {"ccg2018": AREAS}
SYNTHETIC_POPULATION = {
    2017: pd.DataFrame(
        {
            "code": ["E38000901", "E38000902"],
            "age0": [1000.0, 500.0],
            "age1": [1100.0, 600.0],
            "age2": [1200.0, 700.0],
            "age0_18": [20000.0, 9000.0],
            "estimated": [False, False],
        }
    ),
    2020: pd.DataFrame(
        {
            "code": ["E38000901", "E38000902"],
            "age0": [3000.0, 3000.0],
            "age1": [3000.0, 3000.0],
            "age2": [3000.0, 3000.0],
            "age0_18": [60000.0, 60000.0],
            "estimated": [True, False],
        }
    ),
}
TODAY = date(2026, 6, 30)  # injected "today" for the date-range rules


def synthetic_population() -> PopulationTables:
    return PopulationTables(
        years=tuple(SYNTHETIC_POPULATION),
        load=lambda geography, year: SYNTHETIC_POPULATION[year],
        source="synthetic test population",
    )


def reply(**fields: str) -> dict[str, str]:
    """One synthetic CCG reply that is valid as it stands."""
    row = {
        "responder_type": "CCG", "responder_code": "E38000901", "responder_name": "NHS Synthetic Area A CCG",
        "area_geography": "ccg2018", "area_codes": "E38000901", "request_reference": "SYN-REF-1",
        "request_date": "2018-06-01", "reply_date": "2018-07-01", "period": "2017-18",
        "accepts_0_12": "yes", "referrals_0_12": "2", "seen_0_12": "1",
        "accepts_12_24": "yes", "referrals_12_24": "3", "seen_12_24": "1",
        "accepts_24_36": "yes", "referrals_24_36": "4", "seen_24_36": "2",
        "referrals_0_18": "5000", "seen_0_18": "5000",
    }
    row.update(fields)
    return row


def validate(rows: list[dict[str, str]], **kwargs):
    report = validate_replies(pd.DataFrame(rows), TABLES, today=kwargs.pop("today", TODAY), **kwargs)
    # No row is ever dropped.
    assert report.replies["source_row"].tolist() == list(range(2, len(rows) + 2))
    return report


def errors_at(report, column: str) -> list[str]:
    return [i.message for i in report.errors if i.column == column]


def test_valid_synthetic_reply_has_no_issues():
    report = validate([reply()], population=synthetic_population())
    assert report.issues == []


# --- finding 3: only ASCII digits ---------------------------------------------------------------

ARABIC_3 = "\u0663"  # ARABIC-INDIC DIGIT THREE
FULLWIDTH_3 = "\uff13"  # FULLWIDTH DIGIT THREE


@pytest.mark.parametrize("text", [ARABIC_3, FULLWIDTH_3, "1" + ARABIC_3, "<" + FULLWIDTH_3, "1-" + ARABIC_3,
                                  "\u0967\u0968", "\uff11,\uff12\uff13\uff14"])
def test_count_refuses_non_ascii_digits(text):
    with pytest.raises(ValueError, match="ASCII digits 0-9") as info:
        parse_count(text)
    bad = next(ch for ch in text if ch.isnumeric() and ch not in "0123456789")
    assert repr(bad) in str(info.value) and f"U+{ord(bad):04X}" in str(info.value)


@pytest.mark.parametrize("text", ["03/07/\u0662\u0660\u0661\u0668", "\uff12\uff10\uff11\uff18-07-03",
                                  "3 July 2\u06f0\u06f1\u06f8"])
def test_date_refuses_non_ascii_digits(text):
    with pytest.raises(ValueError, match="ASCII digits 0-9"):
        parse_reply_date(text)


@pytest.mark.parametrize("text", ["\u0662\u0660\u0661\u0667-\u0661\u0668", "2017-\uff11\uff18",
                                  "2017-04-01 to 2018-03-3\u0661"])
def test_period_refuses_non_ascii_digits(text):
    with pytest.raises(ValueError, match="ASCII digits 0-9"):
        parse_period(text)


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("seen_0_12", ARABIC_3),
        ("referrals_0_18", "１２"),
        ("reply_date", "01/07/\u0662\u0660\u0661\u0668"),
        ("request_date", "01/06/２０１８"),
        ("period", "\u0662\u0660\u0661\u0667-\u0661\u0668"),
        ("area_codes", "E3800090\u0661"),
        ("responder_code", "E3800090\uff11"),
    ],
)
def test_non_ascii_digits_are_errors_at_the_cell(column, value):
    report = validate([reply(**{column: value})])
    messages = errors_at(report, column)
    assert messages, report.issues
    assert any("ASCII digits 0-9" in m for m in messages), messages
    assert all(i.row == 2 for i in report.errors)


# --- finding 5 (value part): huge counts are a message, not a traceback -------------------------


@pytest.mark.parametrize("text", ["9" * 400, "9" * 5000, "1" + "0" * 30, "1-" + "9" * 400, ">" + "9" * 400,
                                  "9" * 400 + ".0", "<" + "9" * 400, "9" * 400 + "+"])
def test_huge_count_is_refused_not_raised(text):
    with pytest.raises(ValueError, match="more than") as info:
        parse_count(text)
    assert f"{COUNT_CEILING:,}" in str(info.value)
    assert len(str(info.value)) < 400  # the message quotes a shortened cell, not 5000 digits


def test_400_digit_count_is_an_error_at_the_cell():
    report = validate([reply(seen_0_18="9" * 400)])
    (message,) = errors_at(report, "seen_0_18")
    assert "more than" in message
    assert report.replies.loc[0, "seen_0_18_text"] == "9" * 400  # kept as given


def test_count_at_the_ceiling_is_read_exactly():
    assert parse_count(f"{COUNT_CEILING:,}") == parse_count(str(COUNT_CEILING))
    assert parse_count(str(COUNT_CEILING)).low == COUNT_CEILING


# --- finding 3: plausibility limits ------------------------------------------------------------


def test_10_to_30_is_an_error_without_population():
    report = validate([reply(referrals_0_18="1" + "0" * 30, seen_0_12="2000000")])
    assert errors_at(report, "referrals_0_18")
    (band,) = errors_at(report, "seen_0_12")
    assert f"{UK_COUNT_LIMITS['age0']:,}" in band and "UK" in band


def test_band_count_above_the_areas_children_is_an_error():
    report = validate([reply(seen_0_12="1001", referrals_0_12="1001")],
                      population=synthetic_population())
    (message,) = errors_at(report, "seen_0_12")
    # The limit, its age, the area, the year and the source are all named.
    for part in ("1,001", "1,000", "aged 0", "E38000901", "mid-2017", "synthetic test population"):
        assert part in message, (part, message)
    assert errors_at(report, "referrals_0_12")


def test_count_at_the_areas_children_is_accepted():
    report = validate([reply(seen_0_12="1000", referrals_0_12="1000", seen_24_36="1200", referrals_24_36="1200",
                             referrals_0_18="20000", seen_0_18="20000")],
                      population=synthetic_population())
    assert report.errors == []


@pytest.mark.parametrize(("column", "limit"), [("seen_12_24", 1100), ("referrals_24_36", 1200),
                                                ("referrals_0_18", 20000), ("seen_0_18", 20000)])
def test_each_column_has_its_own_age(column, limit):
    fields = {column: str(limit + 1)}
    report = validate([reply(**fields)], population=synthetic_population())
    messages = errors_at(report, column)
    assert any(f"{limit:,}" in m for m in messages), report.issues


def test_censored_count_certainly_above_the_limit_is_an_error():
    report = validate([reply(seen_0_12=">1000", referrals_0_12=">1000")],
                      population=synthetic_population())
    assert errors_at(report, "seen_0_12") and errors_at(report, "referrals_0_12")
    report = validate([reply(seen_0_12="1-5000")], population=synthetic_population())
    assert errors_at(report, "seen_0_12") == []  # possibly within the limit: kept as an interval


def test_reply_naming_two_areas_is_checked_against_both():
    row = reply(area_codes="E38000901; E38000902", seen_0_12="1400", referrals_0_12="1400")
    assert validate([row], population=synthetic_population()).errors == []
    row.update(seen_0_12="1501", referrals_0_12="1501")
    (message,) = errors_at(validate([row], population=synthetic_population()), "seen_0_12")
    assert "1,500" in message and "2 areas" in message


def test_population_year_is_the_nearest_to_the_period():
    row = reply(period="2019-20", reply_date="2020-07-01", request_date="2020-06-01",
                seen_0_12="2500", referrals_0_12="2500")
    report = validate([row], population=synthetic_population())
    assert report.errors == []  # mid-2020 (3,000) is nearer 2019 than mid-2017 (1,000)
    row.update(period="2018-19", reply_date="2019-07-01", request_date="2019-06-01")
    (message,) = errors_at(validate([row], population=synthetic_population()), "seen_0_12")
    assert "mid-2017" in message


def test_estimated_population_is_said_to_be_estimated():
    row = reply(period="2020-21", reply_date="2021-07-01", request_date="2021-06-01",
                seen_0_12="3001", referrals_0_12="3001")
    (message,) = errors_at(validate([row], population=synthetic_population()), "seen_0_12")
    assert "estimate" in message and "mid-2020" in message


def test_population_that_cannot_be_loaded_is_a_warning_and_uk_limits_still_hold():
    from mapping.errors import PopulationError

    def fail(geography: str, year: int) -> pd.DataFrame:
        raise PopulationError(f"no population for mid-{year} (synthetic failure)")

    population = PopulationTables(years=(2017,), load=fail, source="synthetic test population")
    report = validate([reply(), reply(seen_0_12="2000000", request_reference="SYN-REF-2")], population=population)
    (warning,) = [i for i in report.warnings if i.column == "file"]  # said once, not once per row
    assert "UK limits only" in warning.message and "synthetic failure" in warning.message
    assert errors_at(report, "seen_0_12")


def test_area_without_population_is_a_warning():
    population = PopulationTables(years=(2017,), load=lambda g, y: SYNTHETIC_POPULATION[2017].iloc[1:])
    report = validate([reply(seen_0_12="1001", referrals_0_12="1001")], population=population)
    assert report.errors == []
    (warning,) = [i.message for i in report.warnings if i.column == "area_codes"]
    assert "E38000901" in warning and "UK limits only" in warning


# --- finding 3: dates between 2000 and today -----------------------------------------------------


@pytest.mark.parametrize(
    ("column", "value", "words"),
    [
        ("reply_date", "2099-01-01", "after today"),
        ("reply_date", "1999-12-31", "before 2000"),
        ("request_date", "2099-01-01", "after today"),
        ("request_date", "01/01/1990", "before 2000"),
        ("reply_date", (TODAY + timedelta(days=1)).isoformat(), "after today"),
    ],
)
def test_dates_outside_2000_to_today_are_errors(column, value, words):
    report = validate([reply(**{column: value})])
    (message,) = errors_at(report, column)
    assert words in message
    if words == "after today":
        assert TODAY.isoformat() in message


def test_today_is_a_parameter():
    row = reply(reply_date="2026-07-15", request_date="2026-06-01", period="2025-26")
    assert errors_at(validate([row], today=date(2026, 7, 14)), "reply_date")
    assert validate([row], today=date(2026, 7, 15)).errors == []


@pytest.mark.parametrize(("period", "words"), [("2099-00", "after today"), ("1998-99", "before 2000"),
                                               ("2026-27", "after today"),
                                               ("1999-04-01 to 2000-03-31", "before 2000")])
def test_periods_outside_2000_to_today_are_errors(period, words):
    report = validate([reply(period=period)])
    messages = errors_at(report, "period")
    assert any(words in m for m in messages), report.issues


def test_financial_year_across_a_century_is_read():
    assert parse_period("1999-00") == ("1999-00", date(1999, 4, 1), date(2000, 3, 31))
    assert parse_period("2099-00")[2] == date(2100, 3, 31)


# --- fuzz: single values -------------------------------------------------------------------------
# Each probe classifies an outcome: "read" (the exact ASCII value), "refused" (ValueError with a
# message), "wrong" (read, but not the ASCII value, or read from non-ASCII digits) or "traceback"
# (any other exception). Only "read" and "refused" may happen.

ASCII = frozenset("0123456789")
FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def probe_count(text: str) -> str:
    try:
        count = parse_count(text)
    except ValueError as exc:
        return "refused" if str(exc) else "wrong"
    except Exception:  # noqa: BLE001 - the probe records it
        return "traceback"
    digits = text.replace(",", "")
    if set(text) - ASCII - {","} or not digits.isascii():
        return "wrong"
    expected = int(digits)
    return "read" if count.low == count.high == expected and not count.censored else "wrong"


def probe_date(text: str, expected: date | None) -> str:
    try:
        got = parse_reply_date(text)
    except ValueError as exc:
        return "refused" if str(exc) else "wrong"
    except Exception:  # noqa: BLE001
        return "traceback"
    return "read" if expected is not None and got == expected else "wrong"


def probe_reply_dates(cases: list[tuple[date, str]]) -> list[str]:
    """Through validate_replies, one row per case: read exactly when in 2000..today, else refused at the cell."""
    rows = [reply(reply_date=text, request_date="", request_reference=f"SYN-REF-{k}") for k, (_, text) in
            enumerate(cases)]
    try:
        report = validate_replies(pd.DataFrame(rows), TABLES, today=TODAY)
    except Exception:  # noqa: BLE001 - the probe records it
        return ["traceback"] * len(cases)
    outcomes = []
    for k, (value, _) in enumerate(cases):
        errors = [i for i in report.errors if i.column == "reply_date" and i.row == k + 2]
        got = report.replies.loc[k, "reply_date"]
        if not (date(2000, 1, 1) <= value <= TODAY):
            outcomes.append("refused" if errors and all(i.message for i in errors) else "wrong")
        else:
            outcomes.append("read" if not errors and got.date() == value else "wrong")
    return outcomes


NON_ASCII_DIGITS = st.characters(categories=["Nd"]).filter(lambda c: c not in ASCII)
DIGIT_FAMILIES = sorted({ord(c) - unicodedata.digit(c) for c in map(chr, range(0x110000))
                         if unicodedata.category(c) == "Nd"} - {0x30})


def translate_digits(text: str, zero: int, positions: set[int] | None = None) -> str:
    """The text with its ASCII digits (all, or those at ``positions`` among them) in another script's digits."""
    out, k = [], 0
    for c in text:
        if c in ASCII:
            out.append(chr(zero + int(c)) if positions is None or k in positions else c)
            k += 1
        else:
            out.append(c)
    return "".join(out)


@FUZZ
@given(st.text(alphabet=st.characters(categories=["Nd"]), min_size=1, max_size=12))
def test_fuzz_unicode_digit_counts(text):
    assert probe_count(text) in {"read", "refused"}
    if set(text) - ASCII:
        assert probe_count(text) == "refused"


@FUZZ
@given(st.text(alphabet="0123456789", min_size=1, max_size=8), NON_ASCII_DIGITS, st.integers(0, 8))
def test_fuzz_one_foreign_digit_in_a_count(ascii_part, foreign, at):
    text = ascii_part[:at] + foreign + ascii_part[at:]
    assert probe_count(text) == "refused"


@FUZZ
@given(st.one_of(st.integers(0, 10**9), st.integers(0, 10**500)), st.booleans())
def test_fuzz_huge_counts(n, grouped):
    text = f"{n:,}" if grouped else str(n)
    outcome = probe_count(text)
    assert outcome == ("read" if n <= COUNT_CEILING else "refused")


DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d.%m.%Y", "%d %B %Y", "%d %b %Y")


ANY_DATE = st.dates(min_value=date(1000, 1, 1), max_value=date(9999, 12, 31))
# Dates near the edges of 2000..today as well as anywhere in 1000..9999.
EDGE_DATE = st.one_of(ANY_DATE, st.integers(-3, 3).map(lambda d: date(2000, 1, 1) + timedelta(days=d)),
                      st.integers(-3, 3).map(lambda d: TODAY + timedelta(days=d)))
# validate_replies costs ~0.1 s a call whatever the rows, so its fuzz puts many cases in one frame.
FUZZ_FRAMES = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FUZZ
@given(ANY_DATE, st.sampled_from(DATE_FORMATS))
def test_fuzz_dates_1000_to_9999(value, fmt):
    assert probe_date(value.strftime(fmt), value) == "read"


@FUZZ_FRAMES
@given(st.lists(st.tuples(EDGE_DATE, st.sampled_from(DATE_FORMATS)), min_size=1, max_size=40))
def test_fuzz_reply_dates_through_validation(cases):
    outcomes = probe_reply_dates([(value, value.strftime(fmt)) for value, fmt in cases])
    assert set(outcomes) <= {"read", "refused"}


@FUZZ
@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2030, 12, 31)), st.sampled_from(DATE_FORMATS),
       st.sampled_from(DIGIT_FAMILIES), st.sets(st.integers(0, 7), min_size=1))
def test_fuzz_dates_in_other_digits(value, fmt, zero, positions):
    """Some or all of a date's digits in another script (e.g. only the year, which strptime alone would read)."""
    text = value.strftime(fmt)
    positions = {p % sum(c in ASCII for c in text) for p in positions}
    assert probe_date(translate_digits(text, zero, positions), None) == "refused"


def financial_year(start: int, short: bool) -> str:
    return f"{start}-{str(start + 1)[-2:]}" if short else f"{start}/{start + 1}"


@FUZZ
@given(st.integers(1000, 9998), st.booleans())
def test_fuzz_financial_years(start, short):
    label, first, last = parse_period(financial_year(start, short))
    assert (first, last) == (date(start, 4, 1), date(start + 1, 3, 31))
    assert label == f"{start}-{str(start + 1)[-2:]}"


@FUZZ_FRAMES
@given(st.lists(st.tuples(st.one_of(st.integers(1000, 9998), st.integers(1996, 2030)), st.booleans()),
                min_size=1, max_size=40))
def test_fuzz_financial_years_through_validation(cases):
    rows = [reply(period=financial_year(start, short), request_reference=f"SYN-REF-{k}")
            for k, (start, short) in enumerate(cases)]
    report = validate_replies(pd.DataFrame(rows), TABLES, today=TODAY)
    for k, (start, _) in enumerate(cases):
        refused = any(i.column == "period" and i.row == k + 2 and i.severity == "error" for i in report.issues)
        assert refused == (start < 2000 or date(start + 1, 3, 31) > TODAY), (start, report.issues)


