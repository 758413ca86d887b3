"""One exception type for bad input, carrying every problem found.

Researchers fix coder files in batches; reporting only the first problem would
make them rerun the check once per typo.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Problem:
    """A single problem in an input file. `row` is the 1-based line in the file
    (header = 1), or None when the problem concerns the whole file."""

    file: str
    row: int | None
    column: str | None
    value: str | None
    message: str


class InputError(Exception):
    """Bad input: a list of problems, reported together."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems = sorted(problems, key=_sort_key)
        super().__init__(format_problems(self.problems))


def _sort_key(p: Problem) -> tuple:
    return (p.file, p.row if p.row is not None else -1, p.column or "", p.message)


def _clip(text: str | None, width: int = 40) -> str:
    if text is None:
        return ""
    text = str(text).replace("\n", "\\n")
    return text if len(text) <= width else text[: width - 1] + "…"


def format_problems(problems: list[Problem]) -> str:
    """A plain-text table: file, row, column, value, message."""
    header = ("file", "row", "column", "value", "message")
    rows = [
        (p.file, "" if p.row is None else str(p.row), p.column or "", _clip(p.value), p.message)
        for p in problems
    ]
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(4)]
    lines = [
        "  ".join(cell.ljust(widths[i]) for i, cell in enumerate(r[:4])) + "  " + r[4]
        for r in [header, *rows]
    ]
    lines.insert(1, "  ".join("-" * w for w in widths) + "  " + "-" * 7)
    noun = "problem" if len(problems) == 1 else "problems"
    return f"{len(problems)} {noun} found:\n" + "\n".join(lines)
