"""Verbs of the report stage: tables, figures, in-text numbers, references,
replication facts, notebooks, the PDF, the archive and the README's rule graph.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from tiesmap.core.cli import ensure_parent, read_json, setup, verbs, write_table, write_text


def cmd_table_before_after(args: argparse.Namespace) -> int:
    import pandas as pd

    from tiesmap.report.tables import before_after, before_after_latex

    config, codebook = setup(args)
    split = str(config["wars"][0]["start"])
    table = before_after(
        pd.read_parquet(args.events),
        list(config["focal_states"]),
        split,
        config["period"]["start"],
        config["period"]["end"],
    )
    write_table(table, args.csv)
    write_text(args.out, before_after_latex(table, codebook, split))
    return 0


def cmd_table_operationalization(args: argparse.Namespace) -> int:
    import pandas as pd

    from tiesmap.core.codebook import load_codebook
    from tiesmap.core.config import load_config
    from tiesmap.report.tables import operationalization_summary, operationalization_table

    config = load_config(args.config)
    codebook = load_codebook(config["codebook"])
    summary = operationalization_summary(pd.read_parquet(args.events), codebook)
    write_text(args.out, operationalization_table(summary, codebook))
    return 0


def cmd_table_coherence(args: argparse.Namespace) -> int:
    from tiesmap.report.tables import coherence_latex

    _, codebook = setup(args)
    report = json.loads(Path(args.coherence).read_text(encoding="utf-8"))
    write_text(args.out, coherence_latex(report, codebook))
    return 0


def cmd_table_coverage(args: argparse.Namespace) -> int:
    from tiesmap.core.config import load_config
    from tiesmap.report.tables import coverage_latex

    config = load_config(args.config)
    report = json.loads(Path(args.linking).read_text(encoding="utf-8"))
    write_text(args.out, coverage_latex(config, report))
    return 0


def cmd_table_findings(args: argparse.Namespace) -> int:
    import pandas as pd

    from tiesmap.report.findings import (
        arms_macros,
        arms_table,
        data_macros,
        event_labels,
        findings_macros,
        findings_table,
        sources_sentence,
    )
    from tiesmap.report.numbers import render_macros

    config, codebook = setup(args)
    read = {"dtype": str, "keep_default_na": False}
    events = pd.read_parquet(args.events)
    series = pd.read_csv(args.series, **read)
    focal = tuple(config["focal_states"])
    first, last = config["period"]["start"], config["period"]["end"]
    labels = event_labels(pd.read_csv(args.assignments, **read), series)
    write_text(args.out, findings_table(events, labels, codebook, focal, first, last))
    write_text(args.arms, arms_table(events, focal, first, last))
    linking = json.loads(Path(args.linking).read_text(encoding="utf-8"))
    war_start = min(int(str(w["start"])[:4]) for w in config["wars"]) if config["wars"] else last
    macros = findings_macros(events, codebook, focal, first, last, war_start)
    macros |= data_macros(pd.read_csv(args.changelog, **read), series)
    macros |= arms_macros(events, focal, first, last)
    macros["SourcesSentence"] = sources_sentence(list(linking["records_in"]), linking)
    write_text(args.macros, render_macros(macros))
    return 0


def cmd_table_models(args: argparse.Namespace) -> int:
    from tiesmap.report.model_outputs import model_table

    write_text(args.out, model_table(args.kind, read_json(args.input)))
    return 0


def cmd_reliability(args: argparse.Namespace) -> int:
    import pandas as pd

    from tiesmap.codings.reliability import reliability_table
    from tiesmap.core.config import load_config
    from tiesmap.report.tables import reliability_latex

    config = load_config(args.config)
    draws = config["reliability"]["bootstrap_draws"]
    table = reliability_table(
        pd.read_parquet(args.codings), config["codings"]["coders"], draws, config["seed"]
    )
    ensure_parent(args.csv)
    write_table(table, args.csv)
    write_text(args.out, reliability_latex(table, draws))
    return 0


def cmd_figure(args: argparse.Namespace) -> int:
    import pandas as pd

    from tiesmap.report.figures import Context, draw

    config, codebook = setup(args)
    path = Path(args.data)
    readers = {".parquet": pd.read_parquet, ".csv": pd.read_csv, ".json": read_json}
    data = readers[path.suffix](path)
    context = Context(
        codebook, config["period"]["start"], config["period"]["end"], tuple(config["focal_states"])
    )
    ensure_parent(args.out)
    draw(args.name, data, context, args.out)
    return 0


def cmd_numbers(args: argparse.Namespace) -> int:
    import pandas as pd

    from tiesmap.core.codebook import load_codebook
    from tiesmap.core.config import load_config
    from tiesmap.report.numbers import compute_numbers, measurement_numbers, render_macros

    config = load_config(args.config)
    values = compute_numbers(
        codings=pd.read_parquet(args.codings),
        events=pd.read_parquet(args.events),
        disagreements=pd.read_csv(args.disagreements, dtype=str, keep_default_na=False),
        index=pd.read_parquet(args.index),
        scope=json.loads(Path(args.scope).read_text(encoding="utf-8")),
        reliability=pd.read_csv(args.reliability),
        coherence=json.loads(Path(args.coherence).read_text(encoding="utf-8")),
        ranks=pd.read_csv(args.ranks),
        network=pd.read_csv(args.network),
        linking=json.loads(Path(args.linking).read_text(encoding="utf-8")),
        codebook=load_codebook(config["codebook"]),
        config=config,
    )
    values |= measurement_numbers(
        validation=pd.read_csv(args.validation, keep_default_na=False, na_values=[""]),
        validation_years=pd.read_csv(args.validation_years, keep_default_na=False, na_values=[""]),
        structure=pd.read_csv(args.bloc_structure),
        triads=pd.read_csv(args.triads),
        shares=pd.read_csv(args.bloc_shares),
        bloc=pd.read_csv(args.bloc_measure),
        before_after=pd.read_csv(args.before_after),
        config=config,
    )
    write_text(args.out, render_macros(values))
    return 0


def cmd_references(args: argparse.Namespace) -> int:
    from tiesmap.report.references import used_citations
    from tiesmap.sources.citations import bibliography

    keys = used_citations(args.sources, args.covariates)
    out = ensure_parent(args.out)
    out.write_text(bibliography(keys), encoding="utf-8")
    print(f"wrote {len(keys)} data citations to {out}")
    return 0


def cmd_replication(args: argparse.Namespace) -> int:
    import platform

    from tiesmap.codings.manifest import load_manifest
    from tiesmap.core.config import load_config
    from tiesmap.core.latex import escape
    from tiesmap.report.numbers import render_macros
    from tiesmap.report.replication import (
        commit_of,
        inputs_table,
        replication_macros,
        software_versions,
    )

    paper = load_config(args.config)["paper"]
    entries = load_manifest(args.manifest)
    present = {e.name for e in entries if not e.provided and Path(e.path).exists()}
    macros = replication_macros(
        platform.python_version(), software_versions(), commit_of(Path.cwd()), entries
    )
    macros |= {
        "PaperTitle": escape(paper["title"]),
        "PaperAuthor": escape(paper["author"]),
        "PaperAffiliation": escape(paper["affiliation"]),
    }
    write_text(args.out, render_macros(macros))
    write_text(args.table, inputs_table(entries, present))
    return 0


def cmd_notebook(args: argparse.Namespace) -> int:
    from tiesmap.report.notebooks import run_notebook, to_html

    run_notebook(args.notebook, args.out, dict(args.param or []))
    if args.html:
        to_html(args.out, args.html)
    return 0


def cmd_paper(args: argparse.Namespace) -> int:
    from tiesmap.report.paper import build_pdf

    build_pdf(args.tex, args.outdir, args.out, args.results_dir)
    return 0


def cmd_scope_text(args: argparse.Namespace) -> int:
    import pandas as pd

    from tiesmap.core.config import load_config
    from tiesmap.report.numbers import render_macros
    from tiesmap.report.scope_exhibits import scope_macros

    config = load_config(args.config)
    left_out = json.loads(Path(args.codings_scope).read_text(encoding="utf-8"))
    covariates = json.loads(Path(args.covariates).read_text(encoding="utf-8"))
    macros = scope_macros(config, pd.read_parquet(args.index), left_out, covariates)
    write_text(args.out, render_macros(macros))
    return 0


def cmd_table_scope(args: argparse.Namespace) -> int:
    import pandas as pd

    from tiesmap.core.config import load_config
    from tiesmap.report import scope_exhibits as se

    n = load_config(args.config)["paper"].get("top_n", 20)
    index = pd.read_parquet(args.index)
    if args.kind == "top_dyads":
        text = se.top_dyads_latex(se.top_dyads(index, n))
    elif args.kind == "states":
        text = se.top_states_latex(se.state_summary(index), n)
    else:
        text = se.regions_latex(se.region_summary(index))
    write_text(args.out, text)
    return 0


def cmd_archive(args: argparse.Namespace) -> int:
    from tiesmap.report.archive import write_archive

    write_archive(args.root, args.out, args.sums)
    print(f"wrote {args.out} and {args.sums}")
    return 0


def cmd_rulegraph(args: argparse.Namespace) -> int:
    from tiesmap.report import exhibits
    from tiesmap.report.rulegraph import replace_block, workflow_mermaid

    readme = Path(args.readme)
    block = workflow_mermaid(readme.resolve().parent)
    text = replace_block(readme.read_text(encoding="utf-8"), block)
    table = exhibits.readme_table(
        exhibits.load_exhibits(readme.resolve().parent / "paper/exhibits.yaml")
    )
    head, rest = text.split(exhibits.START, 1)
    _, tail = rest.split(exhibits.END, 1)
    write_text(readme, f"{head}{exhibits.START}\n{table}\n{exhibits.END}{tail}")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    verb = verbs(sub)
    verb(
        "table-before-after",
        cmd_table_before_after,
        "events per dyad and area before and after the first configured war began",
        events="events",
        out="LaTeX table",
        csv="CSV of the counts",
    )
    verb(
        "table-operationalization",
        cmd_table_operationalization,
        "Table 1 from codebook and data",
        events="events",
        out="tex",
    )
    verb(
        "table-coherence",
        cmd_table_coherence,
        "coherence of the areas",
        coherence="JSON",
        out="tex",
    )
    verb(
        "table-coverage",
        cmd_table_coverage,
        "data coverage by source and area",
        linking="linking JSON",
        out="tex",
    )
    p = verb(
        "table-findings",
        cmd_table_findings,
        "events by area and constellation of focal states, with named events",
        events="analysis events parquet",
        assignments="event register CSV",
        series="recurring-series table CSV",
        changelog="coder-file corrections CSV",
        linking="linking report JSON",
        out="table .tex",
        arms="arms-transfer table .tex",
        macros="macros .tex",
    )
    p = verb(
        "table-models",
        cmd_table_models,
        "regression and missingness tables",
        input="JSON",
        out="tex",
    )
    p.add_argument("--kind", choices=["models", "areas", "missingness"], required=True)
    verb(
        "reliability",
        cmd_reliability,
        "Krippendorff's alpha per variable",
        codings="codings",
        out="LaTeX table",
        csv="CSV table",
    )
    p = verb(
        "figure",
        cmd_figure,
        "draw one figure (a module of tiesmap.report.figures)",
        data="parquet or CSV",
        out="pdf",
    )
    p.add_argument("name")
    verb(
        "numbers",
        cmd_numbers,
        "in-text numbers as LaTeX macros",
        codings="codings",
        events="events",
        disagreements="disagreements CSV",
        index="tie index",
        scope="scope JSON",
        reliability="reliability CSV",
        coherence="coherence JSON",
        ranks="rank intervals CSV",
        network="network CSV",
        linking="linking JSON",
        validation="validation CSV",
        validation_years="validation case-year CSV",
        bloc_structure="bloc structure CSV",
        triads="triad-year CSV",
        bloc_shares="dyad bloc-share CSV",
        bloc_measure="bloc measure CSV",
        before_after="before/after CSV",
        out="numbers.tex",
    )
    p = verb(
        "references",
        cmd_references,
        "BibTeX of the datasets a build used (adapters' and covariate verbs' citations)",
        out="BibTeX file",
    )
    p.add_argument("--sources", nargs="*", default=[], help="event sources read")
    p.add_argument("--covariates", nargs="*", default=[], help="covariate files joined")
    verb(
        "replication",
        cmd_replication,
        "inputs with checksums, software versions and commit for the paper",
        manifest="data manifest YAML",
        out="macros .tex",
        table="inputs table .tex",
    )
    p = verb(
        "notebook",
        cmd_notebook,
        "execute a notebook with papermill",
        notebook="ipynb",
        out="executed ipynb",
    )
    p.add_argument("-p", "--param", nargs=2, action="append", metavar=("NAME", "VALUE"))
    p.add_argument("--html", default=None, help="also write an HTML copy here")
    p = verb(
        "paper",
        cmd_paper,
        "build the PDF with latexmk",
        tex="main.tex",
        outdir="latex folder",
        out="PDF",
    )
    p.add_argument("--results-dir", default=None, help="a named scope's results folder")
    verb(
        "scope-text",
        cmd_scope_text,
        "the scope in text: states, years, wars, sources, codings left out (macros)",
        index="tie index parquet",
        codings_scope="codings_scope.json of validate",
        covariates="covariates.json of the model panel",
        out="macros .tex",
    )
    p = verb("table-scope", cmd_table_scope, "a table that scales: top dyads, states, regions",
             index="tie index parquet", out="LaTeX table")  # fmt: skip
    p.add_argument("--kind", required=True, choices=["top_dyads", "states", "regions"])
    p = verb(
        "archive", cmd_archive, "pack the replication package", out="tar.gz", sums="SHA256SUMS"
    )
    p.add_argument("--root", default=".")
    verb("rulegraph", cmd_rulegraph, "regenerate the README's rule graph", readme="README.md")
