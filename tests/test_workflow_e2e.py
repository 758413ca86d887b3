"""End to end: the whole Snakemake workflow on a copy of the project, built twice."""

import csv
import hashlib
import modulefinder
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
COPY = ["Snakefile", "config", "workflow", "paper", "data/raw", "notebooks", "profiles"]

pytestmark = pytest.mark.e2e


def _copy_project(dest: Path) -> Path:
    for item in COPY:
        src = ROOT / item
        if not src.exists():
            continue
        target = dest / item
        target.parent.mkdir(parents=True, exist_ok=True)
        if src.is_dir():
            shutil.copytree(src, target, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(src, target)
    return dest


def _build(dest: Path, cores: int) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
    env["PYTHONPATH"] = str(dest / "workflow")  # run the copy's own package code
    return subprocess.run(
        [sys.executable, "-m", "snakemake", "--cores", str(cores), "--quiet", "all"],
        cwd=dest,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )


def _digests(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def builds(tmp_path_factory):
    first = _copy_project(tmp_path_factory.mktemp("build1"))
    second = _copy_project(tmp_path_factory.mktemp("build2"))
    runs = [_build(first, 2), _build(second, 1)]
    for run in runs:
        assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    return first, second


def _macros(path: Path) -> dict[str, str]:
    out = {}
    for line in path.read_text().splitlines():
        if line.startswith(r"\newcommand"):
            name, value = line[len(r"\newcommand{\\") - 1 :].split("}{", 1)
            out[name] = value[:-1]
    return out


def test_pdf_is_built_with_table_figure_and_numbers(builds):
    first, _ = builds
    pdf = first / "results" / "paper.pdf"
    assert pdf.read_bytes()[:5] == b"%PDF-"
    for exhibit in [
        "results/tables/operationalization.tex",
        "results/tables/models.tex",
        "results/figures/events_areas.pdf",
        "results/numbers.tex",
        "results/codebook.md",
        "results/notebooks/data_audit.ipynb",
    ]:
        assert (first / exhibit).stat().st_size > 0
    if shutil.which("pdftotext"):
        text = subprocess.run(
            ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
        ).stdout
        assert "??" not in text
        assert _macros(first / "results/numbers.tex")["NEvents"] in text


def test_every_exhibit_exists_and_pdf_shows_every_number(builds):
    from tiesmap.report import exhibits

    first, _ = builds
    for e in exhibits.load_exhibits(ROOT / "paper/exhibits.yaml"):
        assert (first / e["output"]).stat().st_size > 0, e["output"]
    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext (poppler-utils) is not installed")
    text = subprocess.run(
        ["pdftotext", str(first / "results/paper.pdf"), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    flat = " ".join(text.split()).replace("–", "--").replace("−", "-")
    missing = [
        (name, value)
        for name, value in _macros(first / "results/numbers.tex").items()
        if value.replace("{,}", ",") not in flat
    ]
    assert not missing, missing


def test_event_count_matches_raw_codings(builds):
    """Recompute the number of distinct events straight from the raw coder files."""
    first, _ = builds
    ids = set()
    for path in sorted((ROOT / "data/raw/events").glob("coder_*.csv")):
        with path.open(encoding="utf-8", newline="") as fh:
            ids |= {row["event_id"].strip() for row in csv.DictReader(fh)}
    macros = _macros(first / "results/numbers.tex")
    assert int(macros["NEvents"]) == len(ids)
    coded = sum(
        1
        for path in sorted((ROOT / "data/raw/events").glob("coder_*.csv"))
        for _ in csv.DictReader(path.open(encoding="utf-8", newline=""))
    )
    assert int(macros["NCodings"]) == coded


def test_two_clean_builds_are_byte_identical(builds):
    first, second = builds
    one, two = _digests(first / "results"), _digests(second / "results")
    assert one.keys() == two.keys()
    differ = [k for k in one if one[k] != two[k]]
    assert not differ, differ


def test_noop_rerun_does_nothing(builds):
    """Nothing reruns, whichever way Snakemake is started: `make` runs the
    `snakemake` script (whose interpreter is bin/python3) and the tests run
    `python -m snakemake` (bin/python); the rules' command must not differ."""
    first, _ = builds
    script = Path(sys.executable).with_name("snakemake")
    for command in ([sys.executable, "-m", "snakemake"], [str(script)]):
        run = subprocess.run(
            [*command, "-n", "--cores", "1"],
            cwd=first,
            capture_output=True,
            text=True,
        )
        assert run.returncode == 0, run.stderr[-2000:]
        assert "Nothing to be done" in run.stdout + run.stderr, (command, run.stdout[-3000:])


def _scheduled_after_edit(project: Path, module: str) -> tuple[set[str], set[str]]:
    """(rules, outputs) that `snakemake -n` schedules after a comment is appended to
    one package module; the module's text and time stamp are put back afterwards."""
    path = project / "workflow/tiesmap" / module
    text, stat = path.read_text(), path.stat()
    path.write_text(text + "\n# touched\n")
    try:
        run = subprocess.run(
            [sys.executable, "-m", "snakemake", "-n", "--cores", "1"],
            cwd=project,
            capture_output=True,
            text=True,
        )
    finally:
        path.write_text(text)
        os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert run.returncode == 0, run.stderr[-3000:]
    lines = (run.stdout + run.stderr).splitlines()
    rules = {ln.split()[1].rstrip(":") for ln in lines if ln.startswith(("rule ", "localrule "))}
    outputs = {ln.split("output:")[1].strip() for ln in lines if "output:" in ln}
    return rules, {o for out in outputs for o in out.split(", ")}


def test_changing_figure_code_reruns_only_figure_and_paper(builds):
    rules, outputs = _scheduled_after_edit(builds[0], "report/figures/events_contacts.py")
    assert rules == {"figure", "paper", "all"}, rules
    assert outputs == {"results/figures/events_contacts.pdf", "results/paper.pdf"}, outputs


def _imported_package_files(module: str) -> set[str]:
    """Brute-force oracle, independent of tiesmap.core.codedeps: the standard library's
    bytecode scanner lists every tiesmap module a module imports, lazy imports
    inside functions included (third-party packages are left unresolved)."""
    finder = modulefinder.ModuleFinder(path=[str(ROOT / "workflow")])
    finder.import_hook(module)
    return {
        str(Path(m.__file__).relative_to(ROOT))
        for name, m in finder.modules.items()
        if name.split(".")[0] == "tiesmap" and m.__file__
    }


def test_every_exhibit_reruns_when_its_code_or_any_import_changes(builds):
    """For each exhibit, the module defining its function and every tiesmap module
    that module imports are code inputs of the job that makes the exhibit."""
    exhibits = yaml.safe_load((ROOT / "paper/exhibits.yaml").read_text())["exhibits"]
    run = subprocess.run(
        [sys.executable, "-m", "snakemake", "--detailed-summary"],
        cwd=builds[0],
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    rows = list(csv.DictReader(run.stdout.splitlines(), delimiter="\t"))
    inputs = {r["output_file"]: set(r["input-file(s)"].split(",")) for r in rows}
    paper_inputs = inputs["results/paper.pdf"]
    for exhibit in exhibits:
        module = exhibit["function"].rsplit(".", 1)[0]
        needed = _imported_package_files(module)
        assert len(needed) >= 2, (module, needed)
        missing = needed - inputs[exhibit["output"]]
        assert not missing, (exhibit["output"], sorted(missing))
        assert exhibit["output"] in paper_inputs


@pytest.mark.parametrize(
    ("module", "expected_outputs"),
    [
        (
            "index/dyads.py",
            {
                "results/tables/operationalization.tex",
                "results/tables/coverage.tex",
                "results/tables/reliability.tex",
                "results/paper.pdf",
            },
        ),
        # the pilot paper leaves the model exhibits out; they are still rebuilt
        (
            "report/model_outputs.py",
            {"results/figures/model_coefficients.pdf", "results/tables/models.tex"},
        ),
        ("index/network.py", {"results/figures/index_network.pdf", "results/data/network.csv"}),
        ("core/config.py", {"results/numbers.tex", "results/paper.pdf"}),
        ("cli.py", {"results/numbers.tex", "results/paper.pdf", "results/codebook.md"}),
    ],
)
def test_editing_a_module_reruns_the_exhibits_that_use_it(builds, module, expected_outputs):
    _, outputs = _scheduled_after_edit(builds[0], module)
    assert expected_outputs <= outputs, sorted(outputs)


def test_editing_peacesciencer_adapter_reruns_its_users(builds):
    """The model panel reads peacesciencer's tables; the index step imports the
    UNGA reader, which takes COW codes from the same module."""
    rules, _ = _scheduled_after_edit(builds[0], "sources/peacesciencer.py")
    assert {"model_panel", "tie_index"} <= rules, rules


def test_editing_peacesciencer_adapter_leaves_the_codings_alone(builds):
    """Imports point down the stages, so the codings and linking steps, which
    import no adapter of covariate data, do not depend on it."""
    rules, _ = _scheduled_after_edit(builds[0], "sources/peacesciencer.py")
    assert not {"validate_codings", "merge_codings", "reliability", "link_sources"} & rules


def test_editing_a_module_no_rule_runs_schedules_nothing(builds):
    rules, outputs = _scheduled_after_edit(builds[0], "report/rulegraph.py")
    assert rules == set() and outputs == set(), (rules, outputs)


SECTIONS = (
    "Introduction",
    "Security ties among autocracies",
    "Operationalization",
    "Data",
    "Measuring security ties",
    "Findings by area",
    "Change over time",
    "Bloc or web",
    "Limitations",
    "Data availability and replication",
    "References",
    "Appendix tables",
)


def test_paper_reads_as_a_paper_and_fits_the_page(builds, tmp_path):
    """The structure a referee expects, no unresolved reference, no build-log words,
    no overfull box over 1 pt, and every page rendered and not blank."""
    from PIL import Image

    first, _ = builds
    pdf = first / "results/paper.pdf"
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    flat = " ".join(text.split())
    for title in SECTIONS:
        assert title in flat, title
    assert "??" not in text
    for word in ("tiesmap", "results/", ".csv", ".yaml", "make download", "config/"):
        assert word not in flat, word
    log = (first / "data/processed/latex/main.log").read_text(encoding="latin-1")
    widths = [float(w) for w in re.findall(r"Overfull \\hbox \(([\d.]+)pt too wide\)", log)]
    assert all(w <= 1.0 for w in widths), widths
    subprocess.run(["pdftoppm", "-r", "30", "-png", str(pdf), str(tmp_path / "p")], check=True)
    pages = sorted(tmp_path.glob("p-*.png"))
    assert 12 <= len(pages) <= 30, len(pages)
    for page in pages:
        lo, hi = Image.open(page).convert("L").getextrema()
        assert lo < 128, f"{page.name} is blank"
