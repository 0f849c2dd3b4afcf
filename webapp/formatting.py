"""Numbers in words and figures, formatted the same way on every page; text from data shown as text."""

from __future__ import annotations

import pandas as pd

from mapping.present.text import escape_markdown

__all__ = ["escape_markdown", "fmt_int", "fmt_share", "ordinal"]


def fmt_int(value: float | None) -> str:
    """A whole number with thousands separators, or "no data" (never "nan")."""
    return "no data" if value is None or pd.isna(value) else f"{value:,.0f}"


def fmt_share(value: float | None) -> str:
    """A share as a per cent with one decimal, or "no data"."""
    return "no data" if value is None or pd.isna(value) else f"{100 * value:.1f}%"


def ordinal(n: int) -> str:
    """1st, 2nd, 3rd, 4th, ..., 11th, 12th, 13th, ..., 21st."""
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"
