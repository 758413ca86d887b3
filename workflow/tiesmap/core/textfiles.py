"""Reading delimited text files with the checks every input needs.

Coder files and several third-party datasets are CSV; all must refuse the same
things the same way -- wrong encoding (with the line of the first bad byte), an
empty file, binary content, a broken quote, a cell too large for the csv module
(with its row and column) -- so the reader lives here once.

Rows are numbered as a spreadsheet shows them: record by record, header = 1
(a quoted cell with a line break is still one row).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Sequence
from pathlib import Path

from tiesmap.core.errors import InputError, Problem


def decode_utf8(path: Path) -> str:
    """The file's text (a UTF-8 byte-order mark is accepted and dropped)."""
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = raw[: err.start].count(b"\n") + 1
        raise InputError(
            [
                Problem(
                    str(path),
                    line,
                    None,
                    repr(raw[err.start : err.start + 4]),
                    "file is not UTF-8 text (save it as UTF-8)",
                )
            ]
        ) from None
    if not text.strip():
        raise InputError([Problem(str(path), None, None, None, "file is empty")])
    if "\x00" in text:
        raise InputError(
            [Problem(str(path), None, None, None, "binary file (NUL bytes), not a CSV")]
        )
    return text


def read_csv(path: str | Path, strict: bool = True) -> tuple[list[list[str]], list[Problem]]:
    """All rows of a UTF-8 CSV file as lists of strings, header first, and a problem
    for each record the csv module cannot read (naming its row, and the column of a
    cell that is too large).

    An unreadable record stands in the rows as an empty (blank) row, so the rows
    after it keep their numbers and their own problems can be reported too.
    File-level problems (encoding, empty or binary file) raise InputError.
    """
    path = Path(path)
    text = decode_utf8(path)
    lines = iter(io.StringIO(text, newline=""))
    record: list[str] = []  # the physical lines of the record being read

    def feed() -> Iterator[str]:
        for line in lines:
            record.append(line)
            yield line

    reader = csv.reader(feed(), strict=strict)
    rows: list[list[str]] = []
    problems: list[Problem] = []
    line = 1  # physical line on which the next record starts
    while True:
        record.clear()
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as err:
            # The reader drops the rest of the physical line it failed on; a quoted
            # cell that goes on over further lines is skipped up to its end here, so
            # that reading resumes at the next record.
            scan = _Scan("".join(record))
            while scan.in_quotes:
                extra = next(lines, None)
                if extra is None:
                    break
                record.append(extra)
                scan.feed(extra)
            problems.append(_csv_problem(str(path), rows, line, scan, err))
            row = []
        rows.append(row)
        line += len(record)
    return rows, problems


def csv_rows(path: str | Path, strict: bool = True) -> list[list[str]]:
    """All rows of a UTF-8 CSV file as lists of strings, header first; any record
    the csv module cannot read raises InputError (with all such records)."""
    rows, problems = read_csv(path, strict)
    if problems:
        raise InputError(problems)
    return rows


def csv_table(
    path: str | Path, strict: bool = True
) -> tuple[list[str], list[list[str]], list[Problem]]:
    """Header, body rows and the problems of unreadable records (see `read_csv`),
    for a reader that adds its own checks of the header and rows to those problems.
    A header the csv module cannot read raises InputError at once."""
    rows, problems = read_csv(path, strict)
    if any(p.row == 1 for p in problems):
        raise InputError(problems)
    return rows[0], rows[1:], problems


def ragged_rows(
    file: str, header: Sequence[str], body: Sequence[Sequence[str]], show_row: bool = False
) -> list[Problem]:
    """A problem for each non-blank row (numbered from 2) whose number of cells is not
    the header's; with `show_row`, the problem shows the row's start and suggests a cut
    (truncated) file."""
    problems = []
    for i, row in enumerate(body, start=2):
        if len(row) != len(header) and any(cell.strip() for cell in row):
            message = f"row has {len(row)} cells but the header has {len(header)}"
            problems.append(
                Problem(
                    file,
                    i,
                    None,
                    ",".join(row)[:60] if show_row else None,
                    message + " (truncated?)" if show_row else message,
                )
            )
    return problems


def _csv_problem(
    file: str, rows: list[list[str]], line: int, scan: _Scan, err: csv.Error
) -> Problem:
    """The problem of the record at `line` (physical line) that the reader could not
    read; `rows` are the records read before it, the first being the header."""
    row = len(rows) + 1
    where = f" (line {line})" if line != row else ""
    limit = csv.field_size_limit()
    big = next((i for i, n in enumerate(scan.lengths) if n > limit), None)
    if big is None:
        return Problem(file, row, None, None, f"not a readable CSV file ({err}){where}; truncated?")
    header = rows[0] if rows else []
    column = header[big].strip() if big < len(header) else f"col {big + 1}"
    return Problem(
        file,
        row,
        column if row > 1 else None,
        scan.starts[big],
        f"cell too large ({scan.lengths[big]:,} characters; {err}){where}",
    )


class _Scan:
    """Cell lengths and starts of one CSV record, read as csv's default dialect with
    `strict=False` reads it, fed line by line; `in_quotes` while the text so far ends
    inside a quoted cell (the record goes on over the next line)."""

    def __init__(self, text: str = "") -> None:
        self.lengths: list[int] = [0]
        self.starts: list[str] = [""]
        self.state = "start"  # of a cell; in a 'plain' or 'quoted' cell; 'quote' seen in one
        self.done = False  # a line break outside quotes ended the record
        self.feed(text)

    @property
    def in_quotes(self) -> bool:
        return self.state == "quoted"

    def feed(self, text: str) -> None:
        for ch in text:
            if self.done:
                return
            self._char(ch)

    def _char(self, ch: str) -> None:
        state = self.state
        if state == "quoted":
            if ch == '"':
                self.state = "quote"
                return
        elif state == "quote" and ch == '"':
            self.state = "quoted"
        elif ch == ",":
            self.lengths.append(0)
            self.starts.append("")
            self.state = "start"
            return
        elif ch in "\r\n":
            self.done = True
            return
        elif state == "start" and ch == '"':
            self.state = "quoted"
            return
        else:
            self.state = "plain"
        self.lengths[-1] += 1
        if len(self.starts[-1]) < 40:
            self.starts[-1] += ch
