"""One float-rounding policy for every CSV and JSON export (tiesmap.core.rounding)."""

from __future__ import annotations

import ast
import json

import pandas as pd

from tests.project import ROOT
from tiesmap.core.csvsafe import write_csv
from tiesmap.core.rounding import EXPORT_DIGITS, round_json, round_table, write_table_csv

PACKAGE = ROOT / "workflow" / "tiesmap"


def test_tables_keep_ten_decimal_places():
    frame = pd.DataFrame({"x": [10.030140942123456, 0.012345678901234], "name": ["a", "b"]})
    out = round_table(frame)
    assert out["x"].tolist() == [10.0301409421, 0.0123456789]
    assert out["name"].tolist() == ["a", "b"]
    assert EXPORT_DIGITS == 10


def test_json_keeps_ten_significant_digits_even_for_tiny_values():
    data = {"p": 1.234567890123e-14, "b": [2.5992717741234, {"c": -150.40475931}], "n": 3}
    assert round_json(data) == {
        "p": 1.234567890e-14,
        "b": [2.599271774, {"c": -150.4047593}],
        "n": 3,
    }


def test_both_csv_writers_apply_the_policy(tmp_path):
    frame = pd.DataFrame({"score": [1 / 3], "label": ["=x"]})
    write_table_csv(frame[["score"]], tmp_path / "plain.csv")
    write_csv(frame, tmp_path / "text.csv")
    assert (tmp_path / "plain.csv").read_text() == "score\n0.3333333333\n"
    assert (tmp_path / "text.csv").read_text() == '"score","label"\n0.3333333333,"\'=x"\n'


def _calls(tree: ast.AST, attr: str):
    for node in ast.walk(tree):
        is_call = isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
        if is_call and node.func.attr == attr:
            yield node


def test_no_writer_rounds_or_writes_on_its_own():
    """`.to_csv(` only in the two CSV writers; `json.dumps(` only of `round_json(...)`;
    no `.round(<digits>)` of a result outside the policy module."""
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE).as_posix()
        tree = ast.parse(path.read_text(encoding="utf-8"), rel)
        if path.name not in ("rounding.py", "csvsafe.py"):
            found += [f"{rel}:{c.lineno}: to_csv" for c in _calls(tree, "to_csv")]
        for call in _calls(tree, "dumps"):
            arg = call.args[0] if call.args else None
            wrapped = (
                isinstance(arg, ast.Call)
                and isinstance(arg.func, ast.Name)
                and arg.func.id == "round_json"
            )
            if not wrapped:
                found.append(f"{rel}:{call.lineno}: json.dumps without round_json")
        if path.name != "rounding.py":
            for call in _calls(tree, "round"):
                if (
                    call.args
                    and isinstance(call.args[0], ast.Constant)
                    and call.args[0].value == 10
                ):
                    found.append(f"{rel}:{call.lineno}: .round(10) outside the policy")
    assert not found, found


def test_json_policy_matches_what_write_json_writes(tmp_path):
    from tiesmap.core.cli import write_json

    write_json(tmp_path / "x.json", {"v": 0.1234567890123456})
    assert json.loads((tmp_path / "x.json").read_text()) == {"v": 0.123456789}
