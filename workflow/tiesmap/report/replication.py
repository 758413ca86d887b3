"""What a replication statement must give: inputs with checksums, software, commit.

Data editors ask which files went in (and whether they are the published ones),
which software produced the results, and from which version of the code. The
paper's availability statement takes these facts from here instead of from
hand-typed text that ages with every release.
"""

from __future__ import annotations

import subprocess
from importlib import metadata
from pathlib import Path

from tiesmap.codings.manifest import Entry
from tiesmap.core.latex import escape

# Packages whose versions the statement names: the interpreter and the libraries
# that compute the results (the full list is the lock file).
SOFTWARE = ("snakemake", "pandas", "numpy", "scipy", "linearmodels", "pyfixest", "krippendorff")


def software_versions(packages: tuple[str, ...] = SOFTWARE) -> dict[str, str]:
    """Installed versions of the named distributions (``unknown`` when absent)."""
    out = {}
    for name in packages:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "unknown"
    return out


def commit_of(root: str | Path) -> str:
    """The code's git commit (12 hex digits), or ``unrecorded`` outside a checkout.

    A build of a clean clone records the commit it was made from; a copy without
    history (a replication archive) says so instead of guessing."""
    try:
        run = subprocess.run(
            ["git", "rev-parse", "--short=12", "HEAD"],
            cwd=root,
            capture_output=True,
            text=True,
            check=False,
        )
    except OSError:
        return "unrecorded"
    head = run.stdout.strip()
    inside = subprocess.run(
        ["git", "rev-parse", "--show-toplevel"], cwd=root, capture_output=True, text=True
    ).stdout.strip()
    if run.returncode != 0 or not head or Path(inside).resolve() != Path(root).resolve():
        return "unrecorded"
    return head


def replication_macros(
    python_version: str, versions: dict[str, str], commit: str, entries: list[Entry]
) -> dict[str, str]:
    """Macros for the availability statement (names are letters only)."""
    provided = [e for e in entries if e.provided]
    third = [e for e in entries if not e.provided]
    return {
        "SoftwarePython": escape(python_version),
        **{f"Software{n.capitalize()}": escape(v) for n, v in versions.items()},
        "BuildCommit": escape(commit),
        "NInputsProvided": str(len(provided)),
        "NInputsThirdParty": str(len(third)),
    }


def inputs_table(entries: list[Entry], present: set[str]) -> str:
    """Appendix table: every input of the manifest, where it comes from, its version
    and the first 16 digits of its sha256, and whether this build used it."""
    rows = []
    for e in sorted(entries, key=lambda e: (not e.provided, e.name)):
        origin = "this package" if e.provided else "third party"
        used = "yes" if (e.provided or e.name in present) else "no"
        version = str(e.spec.get("version") or "")
        digest = str(e.spec.get("sha256") or "")[:16]
        name = escape(e.name.replace("_", " "))
        rows.append(f"{name} & {origin} & {escape(version)} & \\texttt{{{digest}}} & {used} \\\\")
    return "\n".join(
        [
            r"\begin{table}[htbp]",
            r"\centering\footnotesize",
            r"\caption{Inputs of the analysis with their checksums.}\label{tab:inputs}",
            r"\begin{tabular}{@{}llllc@{}}",
            r"\toprule",
            r"Input & Origin & Version & SHA-256 (first 16 digits) & Used \\",
            r"\midrule",
            *rows,
            r"\bottomrule",
            r"\end{tabular}",
            r"\par\medskip\parbox{0.95\linewidth}{\scriptsize Third-party inputs are not "
            r"redistributed; each is fetched from its publisher's address and accepted only "
            r"when its checksum matches. Used: whether the file was present when these "
            r"results were built.}",
            r"\end{table}",
            "",
        ]
    )
