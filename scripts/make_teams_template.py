"""Write the register-of-teams templates: data/teams_template.csv and data/teams_template.xlsx.

The XLSX has a ``teams`` sheet (the header of data/teams.csv, drop-down lists on the columns with a fixed
vocabulary and a prompt on every column), a ``lists`` sheet holding the allowed values the drop-downs use,
and an ``instructions`` sheet: the column table of data/README.md. The drop-downs warn rather than refuse;
the register's checks (the app's page 'Teams register', or checking the file on the command line) are the
real check. The bytes are the same on every run (fixed document times, fixed times inside the ZIP), so the
committed templates change only when the schema does.

Usage: python scripts/make_teams_template.py
"""

from __future__ import annotations

import csv
import io
import re
import sys
import zipfile
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from boundaries.config import data_dir  # noqa: E402
from mapping.inputs import vocabulary  # noqa: E402
from mapping.inputs.teams import FROM_BASES, LOCATION_PRECISIONS, NATIONS, TEAM_COLUMNS  # noqa: E402

OUT_DIR = data_dir()
TEMPLATE_CSV, TEMPLATE_XLSX = OUT_DIR / "teams_template.csv", OUT_DIR / "teams_template.xlsx"
README = ROOT / "data" / "README.md"
TEMPLATE_ROWS = 2000  # rows of the teams sheet that carry the drop-downs
FIXED_TIME = datetime(2024, 1, 1)
ZIP_TIME = (2024, 1, 1, 0, 0, 0)
FIXED_STAMP = FIXED_TIME.strftime("%Y-%m-%dT%H:%M:%SZ").encode()

LISTS: dict[str, list[str]] = {
    "nation": list(NATIONS),
    "status": list(vocabulary.TEAM_STATUSES),
    **({"evidence_grade": list(vocabulary.EVIDENCE_GRADES)}
       if "evidence_grade" in TEAM_COLUMNS and hasattr(vocabulary, "EVIDENCE_GRADES") else {}),
    "location_precision": list(LOCATION_PRECISIONS),
    "from_basis": list(FROM_BASES),
}


def column_table(readme: Path = README) -> list[tuple[str, str, str]]:
    """(column, required, content) from the column table of data/README.md's section on teams.csv, as plain text."""
    text = readme.read_text(encoding="utf-8")
    section = text[text.index("## `teams.csv`"):]
    section = section[section.index("### Columns"):]
    rows = []
    for line in section.splitlines()[1:]:
        if line.startswith("### "):
            break
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) != 3 or cells[0] in ("column", "") or set(cells[0]) <= {"-", ":"}:
            continue
        rows.append(tuple(re.sub(r"[`*]", "", c) for c in cells))
    return rows  # type: ignore[return-value]


def column_help() -> dict[str, str]:
    """Each column's line of the instructions (a row naming several columns, `base_lon`, `base_lat`, gives both)."""
    out: dict[str, str] = {}
    for names, required, content in column_table():
        for name in (n.strip() for n in names.split(",")):
            out[name] = f"{'Required' if required == 'yes' else 'Optional'}. {content}"
    return out


def write_csv(path: Path) -> None:
    """The header only: the register's reader takes the first line as the header, so the CSV has no comment."""
    with open(path, "w", newline="", encoding="utf-8") as fh:
        csv.writer(fh, lineterminator="\n").writerow(TEAM_COLUMNS)


def _letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index + 1)


def xlsx_bytes() -> bytes:
    """The workbook, with fixed times inside and out, so the bytes are the same on every run."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.worksheet.datavalidation import DataValidation

    helps = column_help()
    wb = Workbook()
    teams = wb.active
    teams.title = "teams"
    teams.append(list(TEAM_COLUMNS))
    for i, column in enumerate(TEAM_COLUMNS):
        teams.cell(row=1, column=i + 1).font = Font(bold=True)
        teams.column_dimensions[_letter(i)].width = max(14, min(40, len(column) + 4))
        teams.column_dimensions[_letter(i)].number_format = "@"  # text: '2019-06' never becomes a date
    teams.freeze_panes = "A2"

    lists = wb.create_sheet("lists")
    for j, (name, values) in enumerate(LISTS.items()):
        lists.cell(row=1, column=j + 1, value=name).font = Font(bold=True)
        for k, value in enumerate(values, start=2):
            lists.cell(row=k, column=j + 1, value=value)

    last = TEMPLATE_ROWS + 1
    for i, column in enumerate(TEAM_COLUMNS):
        if column in LISTS:
            j = list(LISTS).index(column)
            ref = f"lists!${_letter(j)}$2:${_letter(j)}${len(LISTS[column]) + 1}"
            dv = DataValidation(type="list", formula1=ref, allow_blank=True, errorStyle="warning")
            dv.error = f"Not one of the values for {column}: see the instructions sheet."
            dv.errorTitle = column[:32]
            dv.showErrorMessage = True
        else:
            dv = DataValidation(allow_blank=True)
        dv.prompt = helps.get(column, "")[:255]
        dv.promptTitle = column[:32]
        dv.showInputMessage = True
        dv.add(f"{_letter(i)}2:{_letter(i)}{last}")
        teams.add_data_validation(dv)

    instructions = wb.create_sheet("instructions")
    instructions.append(["column", "required", "content"])
    for cell in instructions[1]:
        cell.font = Font(bold=True)
    for row in column_table():
        instructions.append(list(row))
    instructions.column_dimensions["A"].width = 22
    instructions.column_dimensions["B"].width = 10
    instructions.column_dimensions["C"].width = 110
    for cells in instructions.iter_rows(min_row=2):
        cells[2].alignment = Alignment(wrap_text=True)
    instructions.append([])
    instructions.append(["One row per team per status period; row 1 is the header. Every problem is reported as "
                         "'row N, column C: message'. Full rules: data/README.md."])

    wb.properties.created = FIXED_TIME
    wb.properties.modified = FIXED_TIME
    buffer = io.BytesIO()
    wb.save(buffer)
    return _fixed_zip(buffer.getvalue())


def _fixed_zip(data: bytes) -> bytes:
    """The same ZIP with every member dated ZIP_TIME and the document modified at FIXED_TIME (openpyxl dates
    both by the clock)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=ZIP_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = info.external_attr
            body = src.read(info.filename)
            if info.filename == "docProps/core.xml":  # openpyxl sets 'modified' to the clock on save
                body = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*(<)", rb"\g<1>" + FIXED_STAMP + rb"\g<2>", body)
            dst.writestr(fixed, body)
    return out.getvalue()


def write_xlsx(path: Path) -> None:
    path.write_bytes(xlsx_bytes())


def main() -> None:
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    write_csv(TEMPLATE_CSV)
    write_xlsx(TEMPLATE_XLSX)
    print(f"wrote {TEMPLATE_CSV} and {TEMPLATE_XLSX}")


if __name__ == "__main__":
    main()
