"""Replacing a small file in one step.

The start-up caches under .snakemake/tiesmap/ are written by every Snakemake process
that parses the workflow, and a cluster starts one per job: a reader must see the old
file or the new one, never half of either. Standard library only, since Snakemake
imports this at start-up.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TextIO


def replace_file(path: Path, write: Callable[[TextIO], object]) -> None:
    """Write `path` through `write(handle)` into a temporary file beside it, then
    rename it over `path` (atomic on POSIX file systems)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            write(out)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
