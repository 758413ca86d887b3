"""The coder sheet written from the codebook and the pre-filled adjudication sheet."""

import csv
import shutil
from pathlib import Path

import openpyxl
import pandas as pd

from tiesmap.cli import main
from tiesmap.codings.coder_files import COLUMNS
from tiesmap.codings.merge import context_columns, read_adjudication
from tiesmap.codings.sheets import open_disagreements

ROOT = Path(__file__).resolve().parents[1]


def test_template_has_one_row_per_event_and_codebook_lists(tmp_path, codebook):
    register = tmp_path / "register.csv"
    register.write_text("event_id,title,status\nE001,a,coded\nE002,b,withdrawn\nE003,c,coded\n")
    out = tmp_path / "coder_c.xlsx"
    assert (
        main(["template", "--coder", "coder_c", "--events", str(register), "--out", str(out)]) == 0
    )
    wb = openpyxl.load_workbook(out)
    ws = wb["codings"]
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0] == COLUMNS
    assert [(r[0], r[rows[0].index("coder")]) for r in rows[1:]] == [
        ("E001", "coder_c"),
        ("E003", "coder_c"),
    ]
    lists = {c[0].value: [x.value for x in c[1:] if x.value] for c in wb["lists"].iter_cols()}
    assert lists["activity"] == sorted(codebook.activities)
    assert "PRK" in lists["country"] and lists["confidence"] == ["high", "medium", "low"]
    validated = {str(dv.sqref) for dv in ws.data_validations.dataValidation}
    activity_col = openpyxl.utils.get_column_letter(rows[0].index("activity") + 1)
    assert f"{activity_col}2:{activity_col}3" in validated
    assert ws["B2"].number_format == "@"  # dates stay text as typed


def test_filled_template_passes_check_and_a_bad_code_is_named(tmp_path):
    register = tmp_path / "r.csv"
    register.write_text("event_id,title\nE001,a\n")
    out = tmp_path / "coder_c.xlsx"
    main(["template", "--coder", "coder_c", "--events", str(register), "--out", str(out)])
    wb = openpyxl.load_workbook(out)
    ws = wb["codings"]
    header = [c.value for c in ws[1]]
    good = {
        "date_start": "2019-04-25",
        "date_precision": "day",
        "participants": "RUS;PRK",
        "activity": "summit",
        "level": "head_of_state",
        "format": "bilateral",
        "source": "https://example.org/a",
        "source_type": "media",
        "confidence": "high",
        "follow_up": "no",
    }
    for name, value in good.items():
        ws.cell(row=2, column=header.index(name) + 1, value=value)
    wb.save(out)
    assert main(["check", str(out)]) == 0
    ws.cell(row=2, column=header.index("activity") + 1, value="sumit")
    wb.save(out)
    assert main(["check", str(out)]) == 2


def test_open_disagreements_carry_both_values_and_sources():
    disagreements = pd.DataFrame(
        {
            "event_id": ["E1", "E2"],
            "variable": ["date_start", "level"],
            "value_coder_a": ["2019-04-25", "official"],
            "value_coder_b": ["2019-04-24", "deputy_minister"],
            "resolution": ["provisional", "adjudicated"],
            "decided_value": ["2019-04-25", "official"],
        }
    )
    codings = pd.DataFrame(
        {
            "event_id": ["E1", "E1", "E2", "E2"],
            "coder": ["coder_a", "coder_b", "coder_a", "coder_b"],
            "source": ["https://a", "https://b", "https://c", "https://d"],
        }
    )
    table = open_disagreements(disagreements, codings, ["coder_a", "coder_b"])
    assert table.to_dict("records") == [
        {
            "event_id": "E1",
            "variable": "date_start",
            "value_coder_a": "2019-04-25",
            "source_coder_a": "https://a",
            "value_coder_b": "2019-04-24",
            "source_coder_b": "https://b",
            "decided_value": "",
            "adjudicator": "",
            "reason": "",
        }
    ]


def test_adjudication_sheet_round_trip_through_check(tmp_path, monkeypatch):
    """The pre-filled sheet for the pilot lists its open disagreements; a sheet with
    one decision filled in passes `tiesmap check`, a decision outside the codebook
    does not, and the context columns are accepted by the merge's reader."""
    for item in ("config", "data/raw/events"):
        shutil.copytree(ROOT / item, tmp_path / item)
    monkeypatch.chdir(tmp_path)
    out = tmp_path / "adj.csv"
    assert main(["adjudicate", "--out", str(out)]) == 0
    with out.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert rows and rows[0]["source_coder_a"].startswith("http")
    confidence = next(r for r in rows if r["variable"] == "confidence")
    filled = dict(
        confidence, decided_value=confidence["value_coder_b"], adjudicator="SM", reason="r"
    )
    with out.open("w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerow(filled)
    assert main(["check", str(out)]) == 0
    table = read_adjudication(out, context_columns(["coder_a", "coder_b"]))
    assert table["decided_value"].iloc[0] == confidence["value_coder_b"]
    with out.open("w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerow(dict(filled, decided_value="certain"))
    assert main(["check", str(out)]) == 2
