"""Building the paper with latexmk and refusing a PDF with unresolved references.

LaTeX only warns about undefined references and citations and still writes a
PDF with '??' in it; a replication package must not ship such a PDF.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

from tiesmap.errors import InputError, Problem

_LOG_PATTERNS = (
    re.compile(r"LaTeX Warning: Reference `([^']+)' .* undefined"),
    re.compile(r"LaTeX Warning: Citation `([^']+)' .* undefined"),
    re.compile(r"LaTeX Warning: There were undefined references"),
    re.compile(r"^! "),
    re.compile(r"^[^ ]+\.tex:\d+: "),
)


def latex_log_problems(log_text: str, log_file: str) -> list[Problem]:
    """Undefined references, citations and macros reported in a LaTeX log."""
    problems = []
    for lineno, line in enumerate(log_text.splitlines(), start=1):
        for pattern in _LOG_PATTERNS:
            if pattern.search(line):
                problems.append(Problem(log_file, lineno, None, None, line.strip()))
                break
    return problems


def build_pdf(tex: str | Path, outdir: str | Path, out: str | Path) -> None:
    """Run latexmk on `tex` (from its own folder) into `outdir`, check the log, copy the PDF."""
    tex, outdir, out = Path(tex).resolve(), Path(outdir).resolve(), Path(out).resolve()
    outdir.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ)
    env.setdefault("SOURCE_DATE_EPOCH", "0")
    env["FORCE_SOURCE_DATE"] = "1"
    cmd = [
        "latexmk",
        "-pdf",
        "-interaction=nonstopmode",
        "-halt-on-error",
        "-file-line-error",
        f"-outdir={outdir}",
        tex.name,
    ]
    run = subprocess.run(cmd, cwd=tex.parent, env=env, capture_output=True, text=True)
    print(run.stdout)
    log_path = outdir / f"{tex.stem}.log"
    log_text = log_path.read_text(encoding="latin-1") if log_path.exists() else ""
    problems = latex_log_problems(log_text, str(log_path))
    if run.returncode != 0 and not problems:
        problems = [
            Problem(str(log_path), None, None, None, f"latexmk failed (exit {run.returncode})")
        ]
    if problems:
        raise InputError(problems)
    out.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(outdir / f"{tex.stem}.pdf", out)
