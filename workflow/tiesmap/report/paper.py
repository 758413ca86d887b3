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

from tiesmap.core.errors import InputError, Problem

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


_DEFINED = re.compile(r"\\newcommand\{\\([A-Za-z]+)\}")
_USED = re.compile(r"\\([A-Za-z]+)")


def unused_macros(numbers_tex: str, paper_texts: list[str]) -> list[str]:
    """Macros defined in numbers.tex that no paper source uses: a number computed but
    never reported is usually a sentence that was deleted or a typo in a name."""
    defined = _DEFINED.findall(numbers_tex)
    used = {m for text in paper_texts for m in _USED.findall(_strip_comments(text))}
    return sorted(set(defined) - used)


def _strip_comments(text: str) -> str:
    return "\n".join(re.sub(r"(?<!\\)%.*", "", line) for line in text.splitlines())


def build_pdf(
    tex: str | Path, outdir: str | Path, out: str | Path, results_dir: str | Path | None = None
) -> None:
    r"""Run latexmk on `tex` (from its own folder) into `outdir`, check the log, copy the
    PDF. `results_dir`: the scope's results folder, which the paper finds as
    \ResultsDir and BibTeX searches (default: results/ beside the paper's folder)."""
    tex, outdir, out = Path(tex).resolve(), Path(outdir).resolve(), Path(out).resolve()
    outdir.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ)
    env.setdefault("SOURCE_DATE_EPOCH", "0")
    env["FORCE_SOURCE_DATE"] = "1"
    # BibTeX runs in `outdir`: it finds the paper's own .bib files and the generated
    # data citations (results/references_data.bib, `tiesmap references`) by this path.
    results = Path(results_dir).resolve() if results_dir else tex.parent.parent / "results"
    env["BIBINPUTS"] = os.pathsep.join([str(tex.parent), str(results), env.get("BIBINPUTS", "")])
    cmd = [
        "latexmk",
        "-pdf",
        "-interaction=nonstopmode",
        "-halt-on-error",
        "-file-line-error",
        f"-outdir={outdir}",
        *(results_tex_dir(tex, results) if results_dir else []),
        tex.name,
    ]
    if shutil.which("latexmk") is None:
        # A machine set up without `make tex` (TeX Live) gets one line, not a traceback.
        raise InputError(
            [Problem(str(tex), None, None, None, "latexmk is not on PATH: run `make tex`")]
        )
    run = subprocess.run(cmd, cwd=tex.parent, env=env, capture_output=True, text=True)
    print(run.stdout)
    log_path = outdir / f"{tex.stem}.log"
    log_text = log_path.read_text(encoding="latin-1") if log_path.exists() else ""
    problems = latex_log_problems(log_text, str(log_path))
    if run.returncode != 0 and not problems:
        problems = [
            Problem(str(log_path), None, None, None, f"latexmk failed (exit {run.returncode})")
        ]
    sources = [p.read_text(encoding="utf-8") for p in sorted(tex.parent.rglob("*.tex"))]
    for numbers in _macro_files(tex):
        for name in unused_macros(numbers.read_text(encoding="utf-8"), sources):
            problems.append(
                Problem(
                    str(numbers),
                    None,
                    None,
                    f"\\{name}",
                    "macro is defined but the paper never uses it",
                )
            )
    if problems:
        raise InputError(problems)
    out.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(outdir / f"{tex.stem}.pdf", out)


def results_tex_dir(tex: Path, results: Path) -> list[str]:
    r"""latexmk options defining \ResultsDir (the scope's results folder, relative to
    the paper's folder) before the paper's first line."""
    relative = Path(os.path.relpath(results, tex.parent)).as_posix()
    return [rf"-usepretex=\def\ResultsDir{{{relative}}}"]


def _macro_files(tex: Path) -> list[Path]:
    """Generated macro files the paper inputs (numbers.tex and the like): every
    \\input{...} of the paper's sources that resolves to a file of \\newcommand lines."""
    found = []
    for source in sorted(tex.parent.rglob("*.tex")):
        for name in re.findall(r"\\input\{([^}]*\.tex)\}", source.read_text(encoding="utf-8")):
            path = (tex.parent / name).resolve()
            if (
                path.is_file()
                and path not in found
                and _DEFINED.search(path.read_text(encoding="utf-8"))
            ):
                found.append(path)
    return found
