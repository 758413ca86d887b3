"""Spreadsheets for people who code and adjudicate: a coder sheet generated from the
codebook, with drop-down lists, and an adjudication sheet pre-filled with every open
disagreement. Coders work in spreadsheets; lists taken from the codebook keep a typo
from becoming a new activity, and `tiesmap check` validates what comes back.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pandas as pd

from tiesmap.codings.coder_files import (
    COLUMNS,
    CONFIDENCE,
    FORMATS,
    SOURCE_TYPES,
    YES_NO,
)
from tiesmap.codings.merge import ADJUDICATION_COLUMNS, context_columns
from tiesmap.core.codebook import Codebook
from tiesmap.core.schema import QUANTITY_UNITS

# A fixed time stamp in the workbook's properties: the same inputs give the same file.
STAMP = datetime(2000, 1, 1)
PRECISIONS = ("day", "month", "year")
DATE_HELP = "YYYY-MM-DD, YYYY-MM or YYYY, as precise as the source; say which in date_precision"


def _lists(codebook: Codebook, countries: list[tuple[str, str]]) -> dict[str, list[str]]:
    return {
        "activity": sorted(codebook.activities),
        "level": sorted(codebook.levels),
        "format": list(FORMATS),
        "confidence": list(CONFIDENCE),
        "source_type": list(SOURCE_TYPES),
        "follow_up": list(YES_NO),
        "date_precision": list(PRECISIONS),
        "quantity_unit": list(QUANTITY_UNITS),
        "country": [code for code, _ in countries],
    }


def coder_template(
    path: str | Path,
    codebook: Codebook,
    event_ids: list[str],
    coder: str,
    countries: list[tuple[str, str]],
) -> None:
    """An XLSX coder sheet: the coder-file columns, one row per assigned event, drop-down
    lists for every coded category, text-formatted dates with their format shown, and a
    sheet of country codes (participants are several codes joined by ';')."""
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter, quote_sheetname
    from openpyxl.worksheet.datavalidation import DataValidation

    wb = Workbook()
    ws = wb.active
    ws.title = "codings"
    lists = wb.create_sheet("lists")
    ws.append(list(COLUMNS))
    for eid in event_ids:
        ws.append([eid if c == "event_id" else coder if c == "coder" else "" for c in COLUMNS])
    last = max(len(event_ids) + 1, 2)
    values = _lists(codebook, countries)
    for j, (name, items) in enumerate(values.items(), start=1):
        letter = get_column_letter(j)
        lists.cell(row=1, column=j, value=name)
        for i, item in enumerate(items, start=2):
            lists.cell(row=i, column=j, value=item)
        if name == "country":
            for i, (_, label) in enumerate(countries, start=2):
                lists.cell(row=i, column=j + 1, value=label)
            lists.cell(row=1, column=j + 1, value="country name")
            continue
        col = get_column_letter(COLUMNS.index(name) + 1)
        ref = f"{quote_sheetname('lists')}!${letter}$2:${letter}${len(items) + 1}"
        dv = DataValidation(type="list", formula1=ref, allow_blank=True)
        dv.error = f"{name} must be one of the codebook's values (sheet 'lists')"
        dv.errorTitle = f"Unknown {name}"
        dv.showErrorMessage = True
        ws.add_data_validation(dv)
        dv.add(f"{col}2:{col}{last}")
    for name in ("date_start", "date_end"):
        col = get_column_letter(COLUMNS.index(name) + 1)
        dv = DataValidation(type="textLength", operator="between", formula1="4", formula2="10")
        dv.prompt, dv.promptTitle, dv.showInputMessage = DATE_HELP, "Date", True
        ws.add_data_validation(dv)
        dv.add(f"{col}2:{col}{last}")
        for row in range(2, last + 1):
            ws[f"{col}{row}"].number_format = "@"
    wb.properties.created = wb.properties.modified = STAMP
    wb.save(path)


def open_disagreements(
    disagreements: pd.DataFrame, codings: pd.DataFrame, coders: list[str]
) -> pd.DataFrame:
    """Every disagreement not yet decided, with each coder's value and source, and
    empty decision columns for the adjudicator."""
    open_ = disagreements[disagreements["resolution"] != "adjudicated"]
    sources = codings.set_index(["event_id", "coder"])["source"]
    rows = []
    for r in open_.to_dict("records"):
        row = {"event_id": r["event_id"], "variable": r["variable"]}
        for coder in coders:
            row[f"value_{coder}"] = r.get(f"value_{coder}", "")
            row[f"source_{coder}"] = sources.get((r["event_id"], coder), "")
        row |= {"decided_value": "", "adjudicator": "", "reason": ""}
        rows.append(row)
    columns = ["event_id", "variable", *context_columns(coders)]
    columns += ["decided_value", "adjudicator", "reason"]
    return pd.DataFrame(rows, columns=columns)


def adjudication_sheet(path: str | Path, table: pd.DataFrame) -> None:
    """The pre-filled sheet as XLSX (or CSV by the file's suffix)."""
    path = Path(path)
    missing = set(ADJUDICATION_COLUMNS) - set(table.columns)
    if missing:
        raise ValueError(f"adjudication table lacks {sorted(missing)}")
    if path.suffix.lower() == ".csv":
        from tiesmap.core.csvsafe import write_csv

        write_csv(table, path)
        return
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "adjudication"
    ws.append(list(table.columns))
    for row in table.itertuples(index=False):
        ws.append(["" if v is None else str(v) for v in row])
    wb.properties.created = wb.properties.modified = STAMP
    wb.save(path)
