"""Numbers, LaTeX helpers, the paper log check, and the environment files."""

import re
import tomllib
from pathlib import Path

import pytest
import yaml

from tiesmap.core.latex import escape, fmt
from tiesmap.report.numbers import camel, render_macros
from tiesmap.report.paper import latex_log_problems

ROOT = Path(__file__).resolve().parents[2]


def test_macros_are_sorted_and_letter_only():
    text = render_macros({"NEvents": "12", "CoefWar": "0.100"})
    assert text.splitlines()[1:] == [r"\newcommand{\CoefWar}{0.100}", r"\newcommand{\NEvents}{12}"]
    with pytest.raises(ValueError, match="letters only"):
        render_macros({"N2": "1"})
    assert camel("war_preparation") == "WarPreparation"


def test_latex_escape_and_fixed_format():
    assert escape("50% & R_1 #2") == r"50\% \& R\_1 \#2"
    assert fmt(-0.0001) == "0.000"
    assert fmt(0.29525) == "0.295"


def test_latex_log_problems():
    log = "\n".join(
        [
            "This is pdfTeX",
            "LaTeX Warning: Reference `tab:x' on page 1 undefined on input line 40.",
            "LaTeX Warning: Citation `nobody2020' on page 2 undefined on input line 50.",
            "./main.tex:12: Undefined control sequence.",
            "Output written on main.pdf",
        ]
    )
    problems = latex_log_problems(log, "main.log")
    assert [p.row for p in problems] == [2, 3, 4]


def _names(items):
    return {
        re.split(r"[<>=!~ ;\[]", item, maxsplit=1)[0].strip().lower().replace("_", "-")
        for item in items
    }


def test_environment_yml_matches_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    pip_side = _names(project["dependencies"] + project["optional-dependencies"]["dev"])
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    conda_side = _names(d for d in env["dependencies"] if isinstance(d, str)) - {"python", "pip"}
    assert pip_side == conda_side


def test_lock_pins_every_dependency():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = _names(project["dependencies"] + project["optional-dependencies"]["dev"])
    lines = (ROOT / "requirements.lock").read_text().splitlines()
    pinned = {
        line.split("==")[0].lower().replace("_", "-"): line.split("==")[1]
        for line in lines
        if "==" in line
    }
    assert wanted <= set(pinned), wanted - set(pinned)
    assert all(not line.startswith("-e") for line in lines)


def test_readme_rule_graph_is_current():
    from tiesmap.report.rulegraph import read_block, workflow_mermaid

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert read_block(readme) == workflow_mermaid(ROOT), "run `make dag` to update the README"


def test_canonical_mermaid_is_sorted_and_named():
    from tiesmap.report.rulegraph import canonical_mermaid

    raw = "flowchart TB\n\tid0[all]\n\tid1[paper]\n\tid2[numbers]\n\tid2 --> id1\n\tid1 --> id0\n"
    assert canonical_mermaid(raw).splitlines()[1:-1] == [
        "flowchart LR",
        "    numbers --> paper",
        "    paper --> all",
        "    ingest_source -.-> link_sources",
    ]


def test_rule_environment_covers_runtime_dependencies():
    """workflow/envs/tiesmap.yaml (for --use-conda) has what the rules import."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    needed = _names(project["dependencies"]) - {"snakemake", "jupyter"}
    env = yaml.safe_load((ROOT / "workflow/envs/tiesmap.yaml").read_text())
    assert needed <= _names(d for d in env["dependencies"] if isinstance(d, str))


def test_unused_macros_are_found():
    from tiesmap.report.paper import unused_macros

    numbers = "\\newcommand{\\NEvents}{12}\n\\newcommand{\\NOld}{3}\n"
    paper = "We coded \\NEvents{} events. % \\NOld{} is only in a comment\n"
    assert unused_macros(numbers, [paper]) == ["NOld"]


def test_readme_exhibit_list_matches_manifest():
    from tiesmap.report import exhibits

    table = exhibits.readme_table(exhibits.load_exhibits(ROOT / "paper/exhibits.yaml"))
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split(exhibits.START, 1)[1].split(exhibits.END, 1)[0].strip()
    assert block == table, "run `make dag` to update the README"


def test_every_exhibit_is_included_and_referenced_in_the_paper():
    from tiesmap.report import exhibits

    items = exhibits.load_exhibits(ROOT / "paper/exhibits.yaml")
    # The paper is main.tex and the section files it \input's.
    paper = "\n".join(
        p.read_text(encoding="utf-8")
        for p in [ROOT / "paper/main.tex", *sorted((ROOT / "paper/sections").glob("*.tex"))]
    )
    figures = [e for e in items if e["output"].endswith(".pdf")]
    assert all(f"\\label{{{e['label']}}}" in paper for e in figures)
    problems = [p for p in exhibits.paper_problems(items, paper) if "label" not in p]
    assert problems == []


def test_archive_is_byte_stable_and_leaves_out_third_party_files(tmp_path):
    from tiesmap.report.archive import package_files, write_archive

    files = {p.as_posix() for p in package_files(ROOT)}
    assert "data/raw/events/coder_a.csv" in files and "data/raw/MANIFEST.yaml" in files
    assert not any(f.startswith(("data/external", "data/processed", ".venv")) for f in files)
    write_archive(ROOT, tmp_path / "a.tar.gz", tmp_path / "A")
    write_archive(ROOT, tmp_path / "b.tar.gz", tmp_path / "B")
    assert (tmp_path / "a.tar.gz").read_bytes() == (tmp_path / "b.tar.gz").read_bytes()
    sums = (tmp_path / "A").read_text().splitlines()
    assert sums[0].endswith("a.tar.gz") and any(line.endswith("coder_a.csv") for line in sums)


def test_notebook_volatile_metadata_is_stripped():
    import nbformat

    from tiesmap.report.notebooks import strip_volatile

    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1")])
    nb.metadata["papermill"] = {
        "start_time": "x",
        "end_time": "y",
        "duration": 1.0,
        "parameters": {},
    }
    nb.cells[0].metadata["papermill"] = {"start_time": "x", "duration": 2.0, "status": "completed"}
    nb.cells[0].metadata["execution"] = {"iopub.execute_input": "t"}
    out = strip_volatile(nb)
    assert out.metadata["papermill"] == {"parameters": {}}
    assert out.cells[0].metadata == {"papermill": {"status": "completed"}}
    assert out.cells[0]["id"] == "cell-000"


def test_stream_chunks_are_coalesced():
    from tiesmap.report.notebooks import coalesce_streams

    outs = [
        {"output_type": "stream", "name": "stdout", "text": "a"},
        {"output_type": "stream", "name": "stdout", "text": "b\n"},
        {"output_type": "stream", "name": "stderr", "text": "w"},
        {"output_type": "execute_result", "data": {}},
        {"output_type": "stream", "name": "stdout", "text": "c"},
    ]
    merged = coalesce_streams(outs)
    assert [o.get("text") for o in merged] == ["ab\n", "w", None, "c"]


def test_paper_without_latexmk_is_one_clear_error(tmp_path, monkeypatch, capsys):
    """A machine set up without `make tex` gets the file and the fix, exit 2, no traceback."""
    from tiesmap import cli

    tex = tmp_path / "paper" / "main.tex"
    tex.parent.mkdir()
    tex.write_text("\\documentclass{article}\\begin{document}x\\end{document}\n")
    monkeypatch.setenv("PATH", str(tmp_path / "empty-bin"))
    argv = [
        "paper",
        "--tex",
        str(tex),
        "--outdir",
        str(tmp_path / "o"),
        "--out",
        str(tmp_path / "paper.pdf"),
    ]
    code = cli.main(argv)
    err = capsys.readouterr().err
    assert code != 0
    assert "latexmk is not on PATH: run `make tex`" in err and str(tex) in err
    assert "Traceback" not in err
    assert not (tmp_path / "paper.pdf").exists()
