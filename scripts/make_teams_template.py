"""Write the register-of-teams templates: data/teams_template.csv and data/teams_template.xlsx.

The XLSX has a ``teams`` sheet (the header of data/teams.csv, drop-down lists on the columns with a fixed
vocabulary and a prompt on every column), a ``lists`` sheet holding the allowed values the drop-downs use,
and an ``instructions`` sheet: the column table of data/README.md. The drop-downs warn rather than refuse;
the register's checks (the app's page 'Teams register', or checking the file on the command line) are the
real check. The workbook is written by scripts/template_workbook.py, as the FOI template is: the bytes are the
same on every run, so the committed templates change only when the schema does.

Usage: python scripts/make_teams_template.py
"""

from __future__ import annotations

import csv
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from boundaries.config import data_dir  # noqa: E402
from mapping.inputs import vocabulary  # noqa: E402
from mapping.inputs.teams import FROM_BASES, LOCATION_PRECISIONS, NATIONS, TEAM_COLUMNS  # noqa: E402
from scripts import template_workbook  # noqa: E402
from scripts.template_workbook import Rule, Template  # noqa: E402

OUT_DIR = data_dir()
TEMPLATE_CSV, TEMPLATE_XLSX = OUT_DIR / "teams_template.csv", OUT_DIR / "teams_template.xlsx"
README = ROOT / "data" / "README.md"

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


def template() -> Template:
    """The workbook: the register's header, a drop-down on each column of LISTS, the instructions from data/README.md."""
    helps = column_help()
    return Template(
        sheet="teams",
        columns=TEAM_COLUMNS,
        rules={c: Rule(prompt=helps.get(c, ""), choices=c if c in LISTS else None,
                       error=f"Not one of the values for {c}: see the instructions sheet." if c in LISTS else "")
               for c in TEAM_COLUMNS},
        lists=LISTS,
        text_columns=TEAM_COLUMNS,  # text: '2019-06' never becomes a date
        guide="instructions",
        guide_header=("column", "required", "content"),
        guide_rows=column_table(),
        guide_widths=(22, 10, 110),
        guide_note=("One row per team per status period; row 1 is the header. Every problem is reported as "
                    "'row N, column C: message'. Full rules: data/README.md."),
    )


def xlsx_bytes() -> bytes:
    """The XLSX template, the same bytes on every run."""
    return template_workbook.xlsx_bytes(template())


def write_xlsx(path: Path) -> None:
    path.write_bytes(xlsx_bytes())


def main() -> None:
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    write_csv(TEMPLATE_CSV)
    write_xlsx(TEMPLATE_XLSX)
    print(f"wrote {TEMPLATE_CSV} and {TEMPLATE_XLSX}")


if __name__ == "__main__":
    main()
