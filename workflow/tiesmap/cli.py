"""Command line: `tiesmap check` for coders, and one verb per workflow stage.

Every verb reads files, calls package functions and writes files; bad input ends
with a table of all problems and exit status 2, never a traceback.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tiesmap.errors import InputError

EXIT_BAD_INPUT = 2


def _ensure_parent(path: str | Path) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


def write_text(path: str | Path, text: str) -> None:
    _ensure_parent(path).write_text(text, encoding="utf-8", newline="\n")


def write_parquet(frame, path: str | Path) -> None:
    frame.to_parquet(_ensure_parent(path), index=False)


def round_floats(value: Any, digits: int = 10) -> Any:
    """Round to significant digits so JSON does not record BLAS-dependent last bits."""
    if isinstance(value, float):
        return float(f"{value:.{digits}g}")
    if isinstance(value, dict):
        return {k: round_floats(v, digits) for k, v in value.items()}
    if isinstance(value, list):
        return [round_floats(v, digits) for v in value]
    return value


def write_json(path: str | Path, data: Any) -> None:
    write_text(path, json.dumps(round_floats(data), indent=2, sort_keys=True) + "\n")


# ------------------------------------------------------------------ verbs
def cmd_check(args: argparse.Namespace) -> int:
    from tiesmap.codebook import load_codebook
    from tiesmap.coder_files import load_codings
    from tiesmap.config import load_config, period_of

    config = load_config(args.config)
    codebook = load_codebook(args.codebook or config["codebook"])
    codings = load_codings(args.files, codebook, period_of(config))
    print(f"{len(args.files)} file(s) OK: {len(codings)} coded events.")
    return 0


def cmd_validate(args: argparse.Namespace) -> int:
    from tiesmap.codebook import load_codebook
    from tiesmap.coder_files import load_codings
    from tiesmap.config import load_config, period_of
    from tiesmap.schema import validate_events

    config = load_config(args.config)
    codebook = load_codebook(config["codebook"])
    codings = validate_events(load_codings(args.files, codebook, period_of(config)), "codings")
    write_parquet(codings, args.out)
    return 0


def cmd_merge(args: argparse.Namespace) -> int:
    import pandas as pd

    from tiesmap.codebook import load_codebook
    from tiesmap.config import load_config
    from tiesmap.merge import merge_codings, read_adjudication, with_derived_columns

    config = load_config(args.config)
    codebook = load_codebook(config["codebook"])
    result = merge_codings(
        pd.read_parquet(args.codings),
        read_adjudication(args.adjudication),
        config["codings"]["coders"],
        config["merge"]["allow_provisional"],
        adjudication_file=args.adjudication,
    )
    write_parquet(with_derived_columns(result.events, codebook), args.out)
    _ensure_parent(args.disagreements)
    result.disagreements.to_csv(args.disagreements, index=False, lineterminator="\n")
    return 0


def cmd_dyads(args: argparse.Namespace) -> int:
    import pandas as pd

    from tiesmap.config import load_config
    from tiesmap.dyads import expand_to_dyads
    from tiesmap.panel import scope_report

    config = load_config(args.config)
    dyad_events = expand_to_dyads(
        pd.read_parquet(args.events), config["index"]["multilateral_weight"]
    )
    write_parquet(dyad_events, args.out)
    write_json(args.scope, scope_report(dyad_events, config["focal_states"]))
    return 0


def cmd_index(args: argparse.Namespace) -> int:
    import pandas as pd

    from tiesmap.codebook import load_codebook
    from tiesmap.config import load_config
    from tiesmap.covariates import add_model_covariates
    from tiesmap.index import add_sustained_ties, build_tie_index
    from tiesmap.panel import build_dyad_year

    config = load_config(args.config)
    codebook = load_codebook(config["codebook"])
    dyad_events = pd.read_parquet(args.dyad_events)
    panel = build_dyad_year(
        dyad_events,
        config["focal_states"],
        config["period"]["start"],
        config["period"]["end"],
        codebook,
    )
    rule = config["tie_rule"]
    panel = add_sustained_ties(
        panel,
        dyad_events,
        codebook,
        rule["min_interactions"],
        rule["window_months"],
        rule["follow_up_counts"],
    )
    panel = build_tie_index(
        panel, codebook, config["index"]["normalisation"], config["index"]["weights"]
    )
    write_parquet(add_model_covariates(panel, config), args.out)
    return 0


def cmd_model(args: argparse.Namespace) -> int:
    import pandas as pd

    from tiesmap.config import load_config
    from tiesmap.models import fit_twoway_fe

    config = load_config(args.config)
    spec = config["models"]["twoway_fe"]
    result = fit_twoway_fe(pd.read_parquet(args.index), spec["dependent"], spec["regressors"])
    write_json(args.out, result)
    return 0


def cmd_table_regression(args: argparse.Namespace) -> int:
    from tiesmap.tables import regression_table

    result = json.loads(Path(args.model).read_text(encoding="utf-8"))
    write_text(
        args.out,
        regression_table(result, "Two-way fixed-effects model of the tie index", "tab:twoway-fe"),
    )
    return 0


def cmd_table_operationalization(args: argparse.Namespace) -> int:
    import pandas as pd

    from tiesmap.codebook import load_codebook
    from tiesmap.config import load_config
    from tiesmap.tables import operationalization_summary, operationalization_table

    config = load_config(args.config)
    codebook = load_codebook(config["codebook"])
    summary = operationalization_summary(pd.read_parquet(args.events), codebook)
    write_text(args.out, operationalization_table(summary, codebook))
    return 0


def cmd_figure_events(args: argparse.Namespace) -> int:
    import pandas as pd

    from tiesmap.codebook import load_codebook
    from tiesmap.config import load_config
    from tiesmap.figures import events_by_area_year

    config = load_config(args.config)
    codebook = load_codebook(config["codebook"])
    _ensure_parent(args.out)
    events_by_area_year(
        pd.read_parquet(args.events),
        codebook,
        config["period"]["start"],
        config["period"]["end"],
        args.out,
    )
    return 0


def cmd_numbers(args: argparse.Namespace) -> int:
    import pandas as pd

    from tiesmap.codebook import load_codebook
    from tiesmap.config import load_config
    from tiesmap.numbers import compute_numbers, render_macros

    config = load_config(args.config)
    values = compute_numbers(
        codings=pd.read_parquet(args.codings),
        events=pd.read_parquet(args.events),
        disagreements=pd.read_csv(args.disagreements, dtype=str, keep_default_na=False),
        index=pd.read_parquet(args.index),
        model=json.loads(Path(args.model).read_text(encoding="utf-8")),
        scope=json.loads(Path(args.scope).read_text(encoding="utf-8")),
        reliability=pd.read_csv(args.reliability),
        codebook=load_codebook(config["codebook"]),
        config=config,
    )
    write_text(args.out, render_macros(values))
    return 0


def cmd_paper(args: argparse.Namespace) -> int:
    from tiesmap.paper import build_pdf

    build_pdf(args.tex, args.outdir, args.out)
    return 0


def cmd_rulegraph(args: argparse.Namespace) -> int:
    from tiesmap.rulegraph import replace_block, workflow_mermaid

    readme = Path(args.readme)
    block = workflow_mermaid(readme.resolve().parent)
    write_text(readme, replace_block(readme.read_text(encoding="utf-8"), block))
    return 0


def cmd_coding_guide(args: argparse.Namespace) -> int:
    from tiesmap.codebook import load_codebook, render_coding_guide
    from tiesmap.config import load_config

    config = load_config(args.config)
    write_text(args.out, render_coding_guide(load_codebook(config["codebook"])))
    return 0


def cmd_notebook(args: argparse.Namespace) -> int:
    from tiesmap.notebooks import run_notebook

    run_notebook(args.notebook, args.out, dict(args.param or []))
    return 0


def cmd_reliability(args: argparse.Namespace) -> int:
    import pandas as pd

    from tiesmap.config import load_config
    from tiesmap.reliability import reliability_table
    from tiesmap.tables import reliability_latex

    config = load_config(args.config)
    draws = config["reliability"]["bootstrap_draws"]
    table = reliability_table(
        pd.read_parquet(args.codings), config["codings"]["coders"], draws, config["seed"]
    )
    _ensure_parent(args.csv)
    table.round(10).to_csv(args.csv, index=False, lineterminator="\n")
    write_text(args.out, reliability_latex(table, draws))
    return 0


def cmd_trace(args: argparse.Namespace) -> int:
    import pandas as pd

    from tiesmap.trace import trace_event

    print(
        trace_event(
            args.event_id,
            pd.read_parquet(args.events),
            pd.read_parquet(args.codings),
            pd.read_csv(args.disagreements, dtype=str, keep_default_na=False),
        )
    )
    return 0


# ------------------------------------------------------------------ parser
def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="tiesmap", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    def verb(name: str, func: Callable, help_: str, **files: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_)
        p.add_argument("--config", default="config/config.yaml")
        for opt, h in files.items():
            p.add_argument(f"--{opt.replace('_', '-')}", dest=opt, required=True, help=h)
        p.set_defaults(func=func)
        return p

    p = verb("check", cmd_check, "check coder files and list every problem")
    p.add_argument("--codebook", default=None)
    p.add_argument("files", nargs="+")
    p = verb(
        "validate", cmd_validate, "check coder files and write canonical codings", out="parquet"
    )
    p.add_argument("files", nargs="+")
    verb(
        "merge",
        cmd_merge,
        "merge coders into one row per event",
        codings="codings parquet",
        adjudication="adjudication CSV",
        out="events parquet",
        disagreements="disagreements CSV",
    )
    verb(
        "dyads",
        cmd_dyads,
        "expand events to dyad-events",
        events="events",
        out="dyad events",
        scope="scope report JSON",
    )
    verb(
        "index",
        cmd_index,
        "dyad-year panel, sustained ties and tie index",
        dyad_events="dyad events",
        out="tie index parquet",
    )
    verb("model", cmd_model, "two-way fixed-effects model", index="tie index", out="model JSON")
    verb(
        "table-regression", cmd_table_regression, "regression table", model="model JSON", out="tex"
    )
    verb(
        "table-operationalization",
        cmd_table_operationalization,
        "Table 1 from codebook and data",
        events="events",
        out="tex",
    )
    verb("figure-events", cmd_figure_events, "events by area and year", events="events", out="pdf")
    verb(
        "numbers",
        cmd_numbers,
        "in-text numbers as LaTeX macros",
        codings="codings",
        events="events",
        disagreements="disagreements CSV",
        index="tie index",
        model="model JSON",
        scope="scope JSON",
        reliability="reliability CSV",
        out="numbers.tex",
    )
    verb(
        "paper",
        cmd_paper,
        "build the PDF with latexmk",
        tex="main.tex",
        outdir="latex folder",
        out="PDF",
    )
    verb("coding-guide", cmd_coding_guide, "coding guide from the codebook", out="markdown")
    p = verb(
        "notebook",
        cmd_notebook,
        "execute a notebook with papermill",
        notebook="ipynb",
        out="executed ipynb",
    )
    p.add_argument("-p", "--param", nargs=2, action="append", metavar=("NAME", "VALUE"))
    verb(
        "reliability",
        cmd_reliability,
        "Krippendorff's alpha per variable",
        codings="codings",
        out="LaTeX table",
        csv="CSV table",
    )
    p = sub.add_parser("trace", help="show the source rows behind a merged event")
    p.add_argument("event_id")
    p.add_argument("--events", default="data/processed/events.parquet")
    p.add_argument("--codings", default="data/processed/codings.parquet")
    p.add_argument("--disagreements", default="results/tables/disagreements.csv")
    p.set_defaults(func=cmd_trace)
    verb("rulegraph", cmd_rulegraph, "regenerate the README's rule graph", readme="README.md")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except InputError as err:
        print(str(err), file=sys.stderr)
        return EXIT_BAD_INPUT


if __name__ == "__main__":
    sys.exit(main())
