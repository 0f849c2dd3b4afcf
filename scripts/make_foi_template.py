"""Write the FOI replies templates: data/foi/foi_template.csv and data/foi/foi_template.xlsx.

The XLSX has a ``replies`` sheet (the header, drop-down lists on the enumerated columns and a
prompt on every column), a ``lists`` sheet holding the allowed values the drop-downs use, and a
``README`` sheet describing each column. The drop-downs warn rather than refuse, because real
replies need qualifiers ("yes - consultation only"); `pimap foi check` is the real check.

Usage: python scripts/make_foi_template.py
"""

from __future__ import annotations

import csv
import sys
from datetime import datetime
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

TEMPLATE_CSV, TEMPLATE_XLSX = foi_templates()  # data/foi/ in the checkout (PIMAP_DATA_DIR moves it)
OUT_DIR = TEMPLATE_CSV.parent
CSV_COMMENT = "# FOI replies on CAMHS and under-3s, one row per reply; schema in data/foi/README.md"
TEMPLATE_ROWS = 2000  # rows of the replies sheet that carry the drop-downs
FIXED_TIME = datetime(2024, 1, 1)

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


def _letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index + 1)


def write_xlsx(path: Path) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.worksheet.datavalidation import DataValidation

    wb = Workbook()
    replies = wb.active
    replies.title = "replies"
    replies.append(list(COLUMNS))
    for i, column in enumerate(COLUMNS):
        cell = replies.cell(row=1, column=i + 1)
        cell.font = Font(bold=True)
        replies.column_dimensions[_letter(i)].width = max(14, min(40, len(column) + 4))
    replies.freeze_panes = "A2"

    lists = wb.create_sheet("lists")
    for j, (name, values) in enumerate(LISTS.items()):
        lists.cell(row=1, column=j + 1, value=name).font = Font(bold=True)
        for k, value in enumerate(values, start=2):
            lists.cell(row=k, column=j + 1, value=value)

    def list_range(name: str) -> str:
        j = list(LISTS).index(name)
        col = _letter(j)
        return f"lists!${col}$2:${col}${len(LISTS[name]) + 1}"

    last = TEMPLATE_ROWS + 1
    for i, column in enumerate(COLUMNS):
        ref = f"{_letter(i)}2:{_letter(i)}{last}"
        if column in ("responder_type", "area_geography"):
            dv = DataValidation(type="list", formula1=list_range(column), allow_blank=True, errorStyle="warning")
        elif column in ACCEPTS_COLUMNS:
            dv = DataValidation(type="list", formula1=list_range("accepts"), allow_blank=True, errorStyle="warning")
        elif column in ("request_date", "reply_date"):
            dv = DataValidation(type="date", operator="greaterThan", formula1="36526", allow_blank=True,
                                errorStyle="warning")  # after 1 January 2000
        else:
            dv = DataValidation(allow_blank=True)
        dv.error = f"Not one of the usual values for {column}: see the README sheet. Keep it if the reply says so."
        dv.errorTitle = column
        dv.prompt = COLUMN_HELP[column][:255]
        dv.promptTitle = column[:32]
        dv.showInputMessage = True
        dv.showErrorMessage = True
        dv.add(ref)
        replies.add_data_validation(dv)
        if column in COUNT_COLUMNS or column in ACCEPTS_COLUMNS or column == "area_codes":
            # Text format, so '1-5' is never turned into a date by the spreadsheet.
            replies.column_dimensions[_letter(i)].number_format = "@"

    readme = wb.create_sheet("README")
    readme.append(["column", "required", "what to enter"])
    for cell in readme[1]:
        cell.font = Font(bold=True)
    for column in COLUMNS:
        readme.append([column, "optional" if column in OPTIONAL_COLUMNS else "yes", COLUMN_HELP[column]])
    readme.column_dimensions["A"].width = 20
    readme.column_dimensions["B"].width = 10
    readme.column_dimensions["C"].width = 110
    for row in readme.iter_rows(min_row=2):
        row[2].alignment = Alignment(wrap_text=True)
    readme.append([])
    readme.append(["Counts: '<5' and '*' are suppressed small numbers (read as 1 to 4), '1-5' as stated;"
                   " 'not recorded', 'N/A' or blank mean unknown, never zero. Check with: pimap foi check FILE"])

    wb.properties.created = FIXED_TIME
    wb.properties.modified = FIXED_TIME
    wb.save(path)


def main() -> None:
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    write_csv(TEMPLATE_CSV)
    write_xlsx(TEMPLATE_XLSX)
    print(f"wrote {TEMPLATE_CSV} and {TEMPLATE_XLSX}")


if __name__ == "__main__":
    main()
