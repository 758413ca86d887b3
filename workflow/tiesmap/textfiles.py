"""Reading delimited text files with the checks every input needs.

Coder files and several third-party datasets are CSV; all must refuse the same
things the same way -- wrong encoding (with the line of the first bad byte), an
empty file, binary content, a broken quote -- so the reader lives here once.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from tiesmap.errors import InputError, Problem


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


def csv_rows(path: str | Path, strict: bool = True) -> list[list[str]]:
    """All rows of a UTF-8 CSV file as lists of strings, header first."""
    path = Path(path)
    text = decode_utf8(path)
    try:
        return list(csv.reader(io.StringIO(text, newline=""), strict=strict))
    except csv.Error as err:
        raise InputError(
            [Problem(str(path), None, None, None, f"not a readable CSV file ({err}); truncated?")]
        ) from None
