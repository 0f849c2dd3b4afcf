"""The XLSX templates' one workbook writer, shared by scripts/make_foi_template.py and scripts/make_teams_template.py.

A template has three sheets: the data sheet (the header in bold, frozen, and on each column a prompt and,
where the column has one, a check: a drop-down from the ``lists`` sheet or a date after a day, both warning
rather than refusing, because the project's own checks are the real ones), the ``lists`` sheet holding the
drop-downs' values, and a guide sheet (one row per column, then a note). The bytes are the same on every run
(fixed document times, fixed times inside the ZIP), so a committed template changes only when its schema does.

It lives beside the scripts, not in the package: only these scripts write templates; the package only reads them.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

TEMPLATE_ROWS = 2000  # rows of the data sheet that carry the prompts and drop-downs
FIXED_TIME = datetime(2024, 1, 1)
ZIP_TIME = (2024, 1, 1, 0, 0, 0)
FIXED_STAMP = FIXED_TIME.strftime("%Y-%m-%dT%H:%M:%SZ").encode()


@dataclass(frozen=True)
class Rule:
    """One column's prompt and check in the data sheet: a drop-down from the list ``choices`` names, or a date
    after the spreadsheet day number ``after``, or no check; ``error`` is shown when a value fails (none if empty)."""

    prompt: str = ""
    choices: str | None = None
    after: str | None = None
    error: str = ""


@dataclass(frozen=True)
class Template:
    """What a template holds; :func:`xlsx_bytes` writes it."""

    sheet: str  # the data sheet's name
    columns: Sequence[str]
    rules: Mapping[str, Rule]  # a column without one gets an empty prompt and no check
    lists: Mapping[str, Sequence[str]]  # the lists sheet: one column per list, its name in row 1
    guide: str  # the guide sheet's name
    guide_header: Sequence[str]
    guide_rows: Sequence[Sequence[str]]  # three cells each; the third wraps
    guide_note: str  # the line below the guide's table
    guide_widths: Sequence[float] = (20, 10, 110)
    text_columns: Collection[str] = field(default_factory=tuple)  # number format '@': '1-5' or '2019-06' never a date
    rows: int = TEMPLATE_ROWS


def letter(index: int) -> str:
    """The spreadsheet letter of a 0-based column index."""
    from openpyxl.utils import get_column_letter

    return get_column_letter(index + 1)


def list_range(lists: Mapping[str, Sequence[str]], name: str) -> str:
    """The absolute range of list ``name``'s values on the lists sheet (below its name)."""
    col = letter(list(lists).index(name))
    return f"lists!${col}$2:${col}${len(lists[name]) + 1}"


def xlsx_bytes(template: Template) -> bytes:
    """The template's workbook, with fixed times inside and out, so the bytes are the same on every run."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.worksheet.datavalidation import DataValidation

    wb = Workbook()
    data = wb.active
    data.title = template.sheet
    data.append(list(template.columns))
    for i, column in enumerate(template.columns):
        data.cell(row=1, column=i + 1).font = Font(bold=True)
        data.column_dimensions[letter(i)].width = max(14, min(40, len(column) + 4))
        if column in template.text_columns:
            data.column_dimensions[letter(i)].number_format = "@"
    data.freeze_panes = "A2"

    lists = wb.create_sheet("lists")
    for j, (name, values) in enumerate(template.lists.items()):
        lists.cell(row=1, column=j + 1, value=name).font = Font(bold=True)
        for k, value in enumerate(values, start=2):
            lists.cell(row=k, column=j + 1, value=value)

    for i, column in enumerate(template.columns):
        rule = template.rules.get(column, Rule())
        if rule.choices is not None:
            dv = DataValidation(type="list", formula1=list_range(template.lists, rule.choices), allow_blank=True,
                                errorStyle="warning")
        elif rule.after is not None:
            dv = DataValidation(type="date", operator="greaterThan", formula1=rule.after, allow_blank=True,
                                errorStyle="warning")
        else:
            dv = DataValidation(allow_blank=True)
        if rule.error:
            dv.error = rule.error
            dv.errorTitle = column[:32]
            dv.showErrorMessage = True
        dv.prompt = rule.prompt[:255]
        dv.promptTitle = column[:32]
        dv.showInputMessage = True
        dv.add(f"{letter(i)}2:{letter(i)}{template.rows + 1}")
        data.add_data_validation(dv)

    guide = wb.create_sheet(template.guide)
    guide.append(list(template.guide_header))
    for cell in guide[1]:
        cell.font = Font(bold=True)
    for row in template.guide_rows:
        guide.append(list(row))
    for col, width in zip("ABC", template.guide_widths):
        guide.column_dimensions[col].width = width
    for cells in guide.iter_rows(min_row=2):
        cells[2].alignment = Alignment(wrap_text=True)
    guide.append([])
    guide.append([template.guide_note])

    wb.properties.created = FIXED_TIME
    wb.properties.modified = FIXED_TIME
    buffer = io.BytesIO()
    wb.save(buffer)
    return fixed_zip(buffer.getvalue())


def fixed_zip(data: bytes) -> bytes:
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


def write_xlsx(path: Path, template: Template) -> None:
    """Write :func:`xlsx_bytes` to ``path``."""
    path.write_bytes(xlsx_bytes(template))
