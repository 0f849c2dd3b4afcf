"""How single cells of FOI replies are read: the spellings real replies use, and what is refused."""

from __future__ import annotations

import math
from datetime import date

import pytest

from mapping.inputs.foi_schema import (
    Count,
    format_count,
    normalise_header,
    normalise_name,
    parse_accepts,
    parse_count,
    parse_period,
    parse_reply_date,
    parse_responder_type,
    split_codes,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Yes", ("yes", "")),
        ("Y", ("yes", "")),
        ("yes", ("yes", "")),
        ("yes - consultation only", ("yes", "consultation only")),
        ("Yes (consultation only)", ("yes", "consultation only")),
        ("No", ("no", "")),
        ("N", ("no", "")),
        ("No - from age 5", ("no", "from age 5")),
        ("not recorded", ("unknown", "")),
        ("N/A", ("unknown", "")),
        ("", ("unknown", "")),
        ("no data", ("unknown", "")),
    ],
)
def test_accepts_spellings(text, expected):
    assert parse_accepts(text) == expected


@pytest.mark.parametrize("text", ["maybe", "no data held", "yes consultation only", "2"])
def test_accepts_refuses_what_it_cannot_read(text):
    with pytest.raises(ValueError, match="cannot read"):
        parse_accepts(text)


@pytest.mark.parametrize(
    ("text", "low", "high", "censored"),
    [
        ("12", 12, 12, False),
        ("1,234", 1234, 1234, False),
        ("12.0", 12, 12, False),
        ("0", 0, 0, False),
        ("none", 0, 0, False),
        ("<5", 1, 4, True),
        ("< 10", 1, 9, True),
        ("*", 1, 4, True),
        ("1-5", 1, 5, True),
        ("1 to 5", 1, 5, True),
        ("<=5", 1, 5, True),
        (">100", 101, math.inf, True),
        ("100+", 100, math.inf, True),
    ],
)
def test_counts_including_suppressed_values(text, low, high, censored):
    assert parse_count(text) == Count(low, high, censored)


@pytest.mark.parametrize("text", ["not recorded", "N/A", "", "unknown", "Not known"])
def test_unknown_counts_are_never_zero(text):
    count = parse_count(text)
    assert not count.known and math.isnan(count.low) and math.isnan(count.high)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("-3", "negative count"),
        ("2.5", "not a whole number"),
        ("-", "ambiguous"),
        ("approx 20", "cannot read"),
        ("five", "cannot read"),
        ("5-1", "runs backwards"),
        ("<1", "no possible count"),
        ("2018-05-01", "is a date"),
    ],
)
def test_counts_refused(text, message):
    with pytest.raises(ValueError, match=message):
        parse_count(text)


def test_format_count():
    assert format_count(12, 12) == "12"
    assert format_count(1, 4) == "1-4"
    assert format_count(6, math.inf) == "6 or more"
    assert format_count(math.nan, math.nan) == ""


def test_dates_and_periods():
    assert parse_reply_date("2018-07-03") == date(2018, 7, 3)
    assert parse_reply_date("03/07/2018") == date(2018, 7, 3)  # day first
    assert parse_reply_date("3 July 2018") == date(2018, 7, 3)
    with pytest.raises(ValueError, match="cannot read"):
        parse_reply_date("07/31/2018")
    assert parse_period("2017-18") == ("2017-18", date(2017, 4, 1), date(2018, 3, 31))
    assert parse_period("2017/2018")[0] == "2017-18"
    assert parse_period("2018-01-01 to 2018-12-31")[1:] == (date(2018, 1, 1), date(2018, 12, 31))
    with pytest.raises(ValueError, match="not a financial year"):
        parse_period("2017-19")


def test_responder_types_names_headers_codes():
    assert parse_responder_type("Mental Health Trust") == "mental health trust"
    assert parse_responder_type("MHT") == "mental health trust"
    assert parse_responder_type("sub-ICB location") == "Sub-ICB location"
    with pytest.raises(ValueError, match="unknown responder type"):
        parse_responder_type("council")
    assert normalise_name("NHS Airedale, Wharfedale & Craven CCG") == "airedale wharfedale and craven"
    assert normalise_header(" Accepts 0-12 ") == "accepts_0_12"
    assert split_codes("e38000001; E38000002,E38000003") == ["E38000001", "E38000002", "E38000003"]
