"""Write the FOI replies templates: data/foi/foi_template.csv and data/foi/foi_template.xlsx.

The XLSX has a ``replies`` sheet (the header, drop-down lists on the enumerated columns and a
prompt on every column), a ``lists`` sheet holding the allowed values the drop-downs use, and a
``README`` sheet describing each column. The drop-downs warn rather than refuse, because real
replies need qualifiers ("yes - consultation only"); `pimap foi check` is the real check. The workbook is
written by scripts/template_workbook.py, as the teams template is: the bytes are the same on every run, so
the committed template changes only when the schema does.

Usage: python scripts/make_foi_template.py
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from boundaries.catalogue import GEOGRAPHY_IDS  # noqa: E402
from boundaries.config import foi_templates  # noqa: E402
from mapping.inputs.foi_schema import (  # noqa: E402
    ACCEPTS_COLUMNS,
    COLUMN_HELP,
    COLUMNS,
    COUNT_COLUMNS,
    OPTIONAL_COLUMNS,
    RESPONDER_TYPES,
)
from scripts import template_workbook  # noqa: E402
from scripts.template_workbook import Rule, Template  # noqa: E402

TEMPLATE_CSV, TEMPLATE_XLSX = foi_templates()  # data/foi/ in the checkout (PIMAP_DATA_DIR moves it)
OUT_DIR = TEMPLATE_CSV.parent
CSV_COMMENT = "# FOI replies on CAMHS and under-3s, one row per reply; schema in data/foi/README.md"

LISTS = {
    "responder_type": list(RESPONDER_TYPES),
    "accepts": ["yes", "no", "not recorded", "yes - consultation only"],
    "area_geography": list(GEOGRAPHY_IDS),
    "count_examples": ["0", "12", "<5", "*", "1-5", ">100", "not recorded"],
}


def write_csv(path: Path) -> None:
    with open(path, "w", newline="", encoding="utf-8") as fh:
        fh.write(CSV_COMMENT + "\n")
        csv.writer(fh, lineterminator="\n").writerow(COLUMNS)


def rules() -> dict[str, Rule]:
    """Each column's prompt (its line of COLUMN_HELP) and check: the drop-downs and the date columns."""
    out = {}
    for column in COLUMNS:
        choices = column if column in ("responder_type", "area_geography") else (
            "accepts" if column in ACCEPTS_COLUMNS else None)
        after = "36526" if column in ("request_date", "reply_date") else None  # after 1 January 2000
        out[column] = Rule(prompt=COLUMN_HELP[column], choices=choices, after=after,
                           error=f"Not one of the usual values for {column}: see the README sheet. Keep it if the reply says so.")
    return out


TEMPLATE = Template(
    sheet="replies",
    columns=COLUMNS,
    rules=rules(),
    lists=LISTS,
    # Text format, so '1-5' is never turned into a date by the spreadsheet.
    text_columns=(*COUNT_COLUMNS, *ACCEPTS_COLUMNS, "area_codes"),
    guide="README",
    guide_header=("column", "required", "what to enter"),
    guide_rows=[(c, "optional" if c in OPTIONAL_COLUMNS else "yes", COLUMN_HELP[c]) for c in COLUMNS],
    guide_widths=(20, 10, 110),
    guide_note=("Counts: '<5' and '*' are suppressed small numbers (read as 1 to 4), '1-5' as stated;"
                " 'not recorded', 'N/A' or blank mean unknown, never zero. Check with: pimap foi check FILE"),
)


def xlsx_bytes() -> bytes:
    """The XLSX template, the same bytes on every run."""
    return template_workbook.xlsx_bytes(TEMPLATE)


def write_xlsx(path: Path) -> None:
    path.write_bytes(xlsx_bytes())


def main() -> None:
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    write_csv(TEMPLATE_CSV)
    write_xlsx(TEMPLATE_XLSX)
    print(f"wrote {TEMPLATE_CSV} and {TEMPLATE_XLSX}")


if __name__ == "__main__":
    main()
