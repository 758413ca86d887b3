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
    """Coder files, and adjudication sheets (recognised by their decided_value
    column), checked with every problem listed."""
    from tiesmap.codebook import load_codebook
    from tiesmap.coder_files import load_codings
    from tiesmap.config import load_config, period_of

    config = load_config(args.config)
    codebook = load_codebook(args.codebook or config["codebook"])
    sheets = [f for f in args.files if _is_adjudication(f)]
    coder_files = [f for f in args.files if f not in sheets]
    if coder_files:
        codings = load_codings(coder_files, codebook, period_of(config))
        print(f"{len(coder_files)} file(s) OK: {len(codings)} coded events.")
    for sheet in sheets:
        n = _check_adjudication(sheet, config, codebook)
        print(f"{sheet} OK: {n} decisions.")
    return 0


def _is_adjudication(path: str) -> bool:
    from tiesmap.coder_files import read_table

    try:
        header = read_table(path, columns=(), required=()).columns
    except InputError as err:
        return any(
            p.column == "decided_value" or (p.value or "") == "decided_value" for p in err.problems
        )
    return "decided_value" in header


def _check_adjudication(sheet: str, config: dict, codebook) -> int:
    """Decisions against the project's current codings, as the merge applies them."""
    from tiesmap.coder_files import load_codings
    from tiesmap.config import period_of
    from tiesmap.merge import context_columns, merge_codings, read_adjudication

    coders = config["codings"]["coders"]
    files = [str(Path(config["codings"]["dir"]) / f"{c}.csv") for c in coders]
    codings = load_codings(files, codebook, period_of(config))
    table = read_adjudication(sheet, context_columns(coders))
    merge_codings(codings, table, coders, True, adjudication_file=sheet, codebook=codebook)
    return int((table["decided_value"].str.strip() != "").sum())


def cmd_template(args: argparse.Namespace) -> int:
    import country_converter as coco
    import pandas as pd

    from tiesmap.sheets import coder_template

    config, codebook = _setup(args)
    register = pd.read_csv(
        args.events or config["codings"]["assignments"], dtype=str, keep_default_na=False
    )
    if "status" in register:
        register = register[register["status"] == "coded"]
    data = coco.CountryConverter().data[["ISO3", "name_short"]].dropna()
    countries = sorted({(r.ISO3, r.name_short) for r in data.itertuples(index=False)})
    coder_template(args.out, codebook, list(register["event_id"]), args.coder, countries)
    print(f"{args.out}: coder sheet for {args.coder} with {len(register)} events.")
    return 0


def cmd_adjudicate(args: argparse.Namespace) -> int:
    from tiesmap.coder_files import load_codings
    from tiesmap.config import period_of
    from tiesmap.merge import merge_codings, read_adjudication
    from tiesmap.sheets import adjudication_sheet, open_disagreements

    config, codebook = _setup(args)
    coders = config["codings"]["coders"]
    files = [str(Path(config["codings"]["dir"]) / f"{c}.csv") for c in coders]
    codings = load_codings(files, codebook, period_of(config))
    done = read_adjudication(config["codings"]["adjudication"])
    result = merge_codings(codings, done, coders, True, codebook=codebook)
    table = open_disagreements(result.disagreements, codings, coders)
    adjudication_sheet(args.out, table)
    print(f"{args.out}: {len(table)} open disagreements in {table['event_id'].nunique()} events.")
    return 0


def cmd_validate(args: argparse.Namespace) -> int:
    from tiesmap.codebook import load_codebook
    from tiesmap.coder_files import load_codings
    from tiesmap.config import load_config, period_of
    from tiesmap.schema import validate_events

    config = load_config(args.config)
    codebook = load_codebook(config["codebook"])
    codings = validate_events(load_codings(args.files, codebook, period_of(config)), "codings")
    _check_coding_records(config, args.files)
    write_parquet(codings, args.out)
    return 0


def _check_coding_records(config: dict, files: list[str]) -> None:
    """The corrections log must agree with the coder files, and every edition of a
    recurring series must be coded or explained (when the project keeps them)."""
    from tiesmap.changelog import check_changelog, check_series, coder_values

    paths = {Path(f).stem: Path(f) for f in files if Path(f).suffix.lower() == ".csv"}
    project = Path(config["codings"]["dir"]).resolve()
    if any(p.resolve().parent != project for p in paths.values()):
        return  # coder files from elsewhere: the project's log does not describe them
    problems = []
    changelog = config["codings"].get("changelog")
    if changelog and Path(changelog).exists():
        problems += check_changelog(Path(changelog), paths)
    series = config["codings"].get("series")
    if series and Path(series).exists():
        ids = {e for path in paths.values() for e in coder_values(path)}
        problems += check_series(Path(series), ids)
    if problems:
        raise InputError(problems)


def cmd_merge(args: argparse.Namespace) -> int:
    import pandas as pd

    from tiesmap.codebook import load_codebook
    from tiesmap.config import load_config
    from tiesmap.merge import (
        context_columns,
        merge_codings,
        read_adjudication,
        with_derived_columns,
    )

    config = load_config(args.config)
    codebook = load_codebook(config["codebook"])
    result = merge_codings(
        pd.read_parquet(args.codings),
        read_adjudication(args.adjudication, context_columns(config["codings"]["coders"])),
        config["codings"]["coders"],
        config["merge"]["allow_provisional"],
        adjudication_file=args.adjudication,
        codebook=codebook,
    )
    from tiesmap.csvsafe import write_csv

    write_parquet(with_derived_columns(result.events, codebook, result.adjudications), args.out)
    write_csv(result.disagreements, args.disagreements)
    return 0


def _setup(args: argparse.Namespace):
    from tiesmap.codebook import load_codebook
    from tiesmap.config import load_config

    config = load_config(args.config)
    return config, load_codebook(config["codebook"])


def _directed(codebook) -> frozenset[str]:
    return frozenset(a.code for a in codebook.activities.values() if a.directed)


def cmd_dyads(args: argparse.Namespace) -> int:
    import pandas as pd

    from tiesmap.config import panel_dyads
    from tiesmap.dyads import expand_to_dyads
    from tiesmap.panel import scope_report

    config, codebook = _setup(args)
    dyad_events = expand_to_dyads(
        pd.read_parquet(args.events), config["index"]["multilateral_weight"], _directed(codebook)
    )
    write_parquet(dyad_events, args.out)
    write_json(args.scope, scope_report(dyad_events, panel_dyads(config)))
    return 0


def cmd_scope(args: argparse.Namespace) -> int:
    import pandas as pd

    from tiesmap.config import panel_dyads
    from tiesmap.scale import count_dyads, scope_from_counts

    config, codebook = _setup(args)
    counts = count_dyads(pd.read_parquet(args.events), _directed(codebook))
    rule = config["index"]["multilateral_weight"]
    write_json(args.out, scope_from_counts(counts, panel_dyads(config), rule))
    return 0


def _coverage(config, linking_report: str | None) -> list[dict]:
    """Configured coverage plus that of every third-party source used in this build."""
    coverage = list(config["coverage"])
    if linking_report:
        used = json.loads(Path(linking_report).read_text(encoding="utf-8"))["records_in"]
        for name, spec in sorted(config["sources"]["coverage"].items()):
            if name in used:
                coverage.append({"source": name, **spec})
    return coverage


def _panel_with_ties(config, codebook, events, linking_report=None):
    """(panel, panel with ties) under the configured rules, counted straight from
    events (tiesmap.scale): the same frames as build_dyad_year + add_sustained_ties
    on dyad-events, without forming one row per dyad-event."""
    from tiesmap.config import panel_dyads
    from tiesmap.scale import panel_with_ties

    rule = config["tie_rule"]
    return panel_with_ties(
        events,
        panel_dyads(config),
        config["period"]["start"],
        config["period"]["end"],
        codebook,
        _coverage(config, linking_report),
        config["index"]["multilateral_weight"],
        _directed(codebook),
        rule["min_interactions"],
        rule["window_months"],
        rule["follow_up_counts"],
        rule.get("min_duration_months"),
    )


def cmd_index(args: argparse.Namespace) -> int:
    import pandas as pd

    from tiesmap.codebook import AREAS
    from tiesmap.covariates import add_model_covariates
    from tiesmap.index import build_tie_index, coherence, pca_weights, tie_intensity

    config, codebook = _setup(args)
    _, panel = _panel_with_ties(config, codebook, pd.read_parquet(args.events), args.linking)
    spec = config["index"]
    weights = spec["weights"]
    if spec["weighting"] == "pca":
        weights = pca_weights(tie_intensity(panel))
    panel = build_tie_index(
        panel, spec["normalisation"], spec["aggregation"], weights, spec["geometric_offset"]
    )
    write_parquet(add_model_covariates(panel, config), args.out)
    report = coherence(panel)
    report["weights_used"] = {a: float(weights[a]) for a in AREAS}
    write_json(args.coherence, report)
    return 0


def cmd_sensitivity(args: argparse.Namespace) -> int:
    import pandas as pd

    from tiesmap.config import panel_dyads
    from tiesmap.scale import (
        count_dyads,
        monte_carlo,
        months_per_bin_for,
        panel_from_counts,
        scenario_scores,
        spans_for,
    )
    from tiesmap.sensitivity import Space

    config, codebook = _setup(args)
    space = Space.from_config(config)
    # One count of the events serves every scenario: it holds all three
    # multilateral rules, in bins fine enough for every window length.
    counts = count_dyads(
        pd.read_parquet(args.events),
        _directed(codebook),
        months_per_bin=months_per_bin_for(space.window_months),
    )
    panel = panel_from_counts(
        counts,
        panel_dyads(config),
        config["period"]["start"],
        config["period"]["end"],
        codebook,
        _coverage(config, args.linking),
        space.multilateral_weights[0],
    )
    follow_up = config["tie_rule"]["follow_up_counts"]
    duration = config["tie_rule"].get("min_duration_months")
    events = pd.read_parquet(args.events)
    spans = None if duration is None else spans_for(events, counts, _directed(codebook), duration)
    scores, labels = scenario_scores(panel, counts, space, follow_up, spans)
    rows, ranks, _ = monte_carlo(scores, labels, panel["dyad"].to_numpy(), space, config["seed"])
    out = pd.concat([panel[["dyad", "year"]], rows], axis=1)
    _ensure_parent(args.out)
    out.round(10).to_csv(args.out, index=False, lineterminator="\n")
    ranks.round(10).to_csv(args.ranks, index=False, lineterminator="\n")
    return 0


def cmd_network(args: argparse.Namespace) -> int:
    import pandas as pd

    from tiesmap.network import degree_centrality_by_year, network_by_year

    config, _ = _setup(args)
    panel = pd.read_parquet(args.index)
    _ensure_parent(args.out)
    network_by_year(panel, config["focal_states"]).round(10).to_csv(
        args.out, index=False, lineterminator="\n"
    )
    degree_centrality_by_year(panel, config["focal_states"]).round(10).to_csv(
        args.centrality, index=False, lineterminator="\n"
    )
    return 0


def _write_table(frame, path: str | Path) -> None:
    _ensure_parent(path)
    frame.round(10).to_csv(path, index=False, lineterminator="\n")


def cmd_bloc(args: argparse.Namespace) -> int:
    import pandas as pd

    from tiesmap.hyperedges import (
        bloc_measure,
        bloc_structure,
        dyad_bloc_share,
        incidence,
        triad_year,
        without_bloc_events,
    )

    config, codebook = _setup(args)
    events = pd.read_parquet(args.events)
    focal = list(config["focal_states"])
    panel = pd.read_parquet(args.index)
    _, dyadic = _panel_with_ties(config, codebook, without_bloc_events(events, focal), args.linking)
    period = config["period"]
    triads = triad_year(
        events, focal, panel, period["start"], period["end"], config["tie_rule"], dyadic
    )
    _write_table(incidence(events, focal), args.incidence)
    _write_table(bloc_structure(events, focal), args.out)
    _write_table(triads, args.triads)
    _write_table(dyad_bloc_share(events, focal), args.shares)
    _write_table(
        bloc_measure(events, focal, triads, config["tie_rule"]["window_months"]), args.measure
    )
    return 0


def cmd_validate_cases(args: argparse.Namespace) -> int:
    import pandas as pd

    from tiesmap.validation import case_summary, check_cases, load_cases, validation_latex

    config, _ = _setup(args)
    cases = load_cases(args.cases, list(config["focal_states"]))
    case_years = check_cases(cases, pd.read_parquet(args.index), pd.read_csv(args.triads))
    summary = case_summary(case_years)
    _write_table(case_years, args.years)
    _write_table(summary, args.out)
    write_text(args.table, validation_latex(summary))
    return 0


def cmd_table_before_after(args: argparse.Namespace) -> int:
    import pandas as pd

    from tiesmap.tables import before_after, before_after_latex

    config, codebook = _setup(args)
    split = str(config["wars"][0]["start"])
    table = before_after(
        pd.read_parquet(args.events),
        list(config["focal_states"]),
        split,
        config["period"]["start"],
        config["period"]["end"],
    )
    _write_table(table, args.csv)
    write_text(args.out, before_after_latex(table, codebook, split))
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    import pandas as pd

    from tiesmap.codebook import load_codebook
    from tiesmap.config import load_config
    from tiesmap.export import export_panel

    config = load_config(args.config)
    export_panel(
        pd.read_parquet(args.index),
        args.outdir,
        events=pd.read_parquet(args.events),
        analysis_events=pd.read_parquet(args.analysis_events),
        codebook=load_codebook(config["codebook"]),
    )
    return 0


def cmd_references(args: argparse.Namespace) -> int:
    from tiesmap.citations import bibliography, used_citations

    keys = used_citations(args.sources, args.covariates)
    out = _ensure_parent(args.out)
    out.write_text(bibliography(keys), encoding="utf-8")
    print(f"wrote {len(keys)} data citations to {out}")
    return 0


def _external_files(pairs: list[str] | None) -> dict[str, str]:
    return dict(p.split("=", 1) for p in pairs or [])


def cmd_covariates(args: argparse.Namespace) -> int:
    import pandas as pd

    from tiesmap.external_covariates import add_external_covariates

    panel, report = add_external_covariates(
        pd.read_parquet(args.index), _external_files(args.files)
    )
    write_parquet(panel, args.out)
    write_json(args.report, report)
    return 0


def cmd_models(args: argparse.Namespace) -> int:
    import pandas as pd

    from tiesmap.config import load_config
    from tiesmap.models import fit_model, specs_from_config

    config = load_config(args.config)
    panel = pd.read_parquet(args.panel)
    results, skipped = [], []
    for spec in specs_from_config(config["models"]["specs"]):
        results.append(fit_model(panel, spec, seed=config["seed"]))
    for spec in specs_from_config(config["models"]["external_specs"]):
        missing = [v for v in (spec.dependent, *spec.regressors) if v not in panel.columns]
        if missing:
            skipped.append(
                {"name": spec.name, "reason": "covariates absent: " + ", ".join(missing)}
            )
        else:
            results.append(fit_model(panel, spec, seed=config["seed"]))
    write_json(args.out, {"models": results, "skipped": skipped})
    return 0


def cmd_models_areas(args: argparse.Namespace) -> int:
    import pandas as pd

    from tiesmap.config import load_config
    from tiesmap.models import area_models

    config = load_config(args.config)
    spec = config["models"]["areas"]
    result = area_models(
        pd.read_parquet(args.panel),
        spec["regressors"],
        kind=spec["kind"],
        outcome=spec["outcome"],
        inference=spec["inference"],
        seed=config["seed"],
    )
    write_json(args.out, result)
    return 0


def cmd_models_diagnostics(args: argparse.Namespace) -> int:
    import pandas as pd

    from tiesmap.config import load_config
    from tiesmap.models import (
        covariate_missingness,
        leave_one_out,
        specs_from_config,
        split_periods,
    )

    config = load_config(args.config)
    diag = config["models"]["diagnostics"]
    panel = pd.read_parquet(args.panel)
    spec = next(s for s in specs_from_config(config["models"]["specs"]) if s.name == diag["model"])
    present = [c for c in diag["missingness"] if c in panel.columns]
    by = diag.get("leave_out", "dyad")
    write_json(
        args.out,
        {
            f"leave_one_{by}_out": leave_one_out(panel, spec, by),
            "split_periods": split_periods(panel, spec, diag["split_year"], seed=config["seed"]),
            "missingness": covariate_missingness(panel, present),
            "missingness_absent": [c for c in diag["missingness"] if c not in panel.columns],
        },
    )
    return 0


def cmd_table_models(args: argparse.Namespace) -> int:
    from tiesmap.model_outputs import missingness_table, regression_table

    data = json.loads(Path(args.input).read_text(encoding="utf-8"))
    if args.kind == "models":
        notes = "Covariates derivable from the project's own configuration (war periods, SCO membership)"
        if data["skipped"]:
            notes += "; not estimated here: " + "; ".join(
                f"{s['name']} ({s['reason']})" for s in data["skipped"]
            )
        text = regression_table(
            data["models"], "Models of tie variation", "tab:models", escape_notes(notes) + "."
        )
    elif args.kind == "areas":
        notes = "; ".join(f"{s['dependent']}: {s['reason']}" for s in data["skipped"])
        text = regression_table(
            data["models"],
            "Two-way fixed-effects models by area",
            "tab:areas",
            escape_notes("Not estimated: " + notes + ".") if notes else "",
        )
    else:
        text = missingness_table(
            data["missingness"], "Missing covariate values by dyad-year", "tab:missingness"
        )
    write_text(args.out, text)
    return 0


def escape_notes(text: str) -> str:
    from tiesmap.latex import escape

    return escape(text)


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


def _read_json(path: Path):
    return json.loads(path.read_text(encoding="utf-8"))


def cmd_figure(args: argparse.Namespace) -> int:
    import pandas as pd

    from tiesmap.figures import Context, draw

    config, codebook = _setup(args)
    path = Path(args.data)
    readers = {".parquet": pd.read_parquet, ".csv": pd.read_csv, ".json": _read_json}
    data = readers[path.suffix](path)
    context = Context(
        codebook, config["period"]["start"], config["period"]["end"], tuple(config["focal_states"])
    )
    _ensure_parent(args.out)
    draw(args.name, data, context, args.out)
    return 0


def cmd_numbers(args: argparse.Namespace) -> int:
    import pandas as pd

    from tiesmap.codebook import load_codebook
    from tiesmap.config import load_config
    from tiesmap.numbers import compute_numbers, measurement_numbers, render_macros

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


def cmd_paper(args: argparse.Namespace) -> int:
    from tiesmap.paper import build_pdf

    build_pdf(args.tex, args.outdir, args.out)
    return 0


def cmd_rulegraph(args: argparse.Namespace) -> int:
    from tiesmap import exhibits
    from tiesmap.rulegraph import replace_block, workflow_mermaid

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


def cmd_coding_guide(args: argparse.Namespace) -> int:
    from tiesmap.codebook import load_codebook, render_coding_guide
    from tiesmap.config import load_config

    config = load_config(args.config)
    write_text(args.out, render_coding_guide(load_codebook(config["codebook"]), config))
    return 0


def cmd_replication(args: argparse.Namespace) -> int:
    import platform

    from tiesmap.config import load_config
    from tiesmap.latex import escape
    from tiesmap.manifest import load_manifest
    from tiesmap.numbers import render_macros
    from tiesmap.replication import (
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
    from tiesmap.notebooks import run_notebook, to_html

    run_notebook(args.notebook, args.out, dict(args.param or []))
    if args.html:
        to_html(args.out, args.html)
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


def cmd_table_coherence(args: argparse.Namespace) -> int:
    from tiesmap.tables import coherence_latex

    _, codebook = _setup(args)
    report = json.loads(Path(args.coherence).read_text(encoding="utf-8"))
    write_text(args.out, coherence_latex(report, codebook))
    return 0


def cmd_ingest(args: argparse.Namespace) -> int:
    from tiesmap.config import load_config
    from tiesmap.csvsafe import write_csv
    from tiesmap.errors import Problem
    from tiesmap.sources.registry import EVENT_SOURCES

    if args.source not in EVENT_SOURCES:
        raise InputError(
            [
                Problem(
                    args.source,
                    None,
                    None,
                    args.source,
                    f"unknown source (known: {', '.join(sorted(EVENT_SOURCES))})",
                )
            ]
        )
    config = load_config(args.config)
    result = EVENT_SOURCES[args.source].read(Path(args.input), config)
    out = Path(args.out)
    if out.suffix == ".parquet":
        write_parquet(result.table, out)
    else:
        write_csv(result.table, out)
    if args.report:
        write_json(
            args.report,
            {
                "source": args.source,
                "counts": result.counts,
                "rejected_reasons": result.rejected["reason"].value_counts().sort_index().to_dict()
                if len(result.rejected)
                else {},
                **result.notes,
            },
        )
        write_csv(result.rejected, Path(args.report).with_suffix(".rejected.csv"))
    print(f"{args.source}: {result.counts}")
    return 0


def cmd_manifest(args: argparse.Namespace) -> int:
    from tiesmap.manifest import load_manifest, update_checksums, verify

    if args.update:
        n = update_checksums(args.manifest, args.root)
        print(f"updated {n} checksum(s) in {args.manifest}")
    lines = verify(load_manifest(args.manifest), args.root, args.manifest)
    if args.out:
        write_text(args.out, "\n".join(lines) + "\n")
    absent = [ln.split()[0] for ln in lines if ln.endswith("absent-optional")]
    print(
        f"{len(lines) - len(absent)} raw file(s) verified; optional sources absent: "
        f"{', '.join(absent) or 'none'} (fetch them with `make download`)"
    )
    return 0


def cmd_download(args: argparse.Namespace) -> int:
    from tiesmap.manifest import download, load_manifest

    entries = load_manifest(args.manifest)
    for line in download(entries, args.root, args.mirror_dir, args.mirror_url, args.only):
        print(line)
    return 0


def cmd_link(args: argparse.Namespace) -> int:
    import pandas as pd

    from tiesmap.config import load_config
    from tiesmap.csvsafe import write_csv
    from tiesmap.linking import as_records, link_records
    from tiesmap.sources.registry import EVENT_SOURCES

    config = load_config(args.config)
    scope = set(config["focal_states"]) | set(config["scope"]["partners"])
    records = [as_records(pd.read_parquet(args.events), "hand")]
    outside: dict[str, int] = {}
    for path in args.sources or []:
        name = Path(path).stem
        table = pd.read_parquet(path)
        inside = table["participants"].str.split(";").map(lambda p: bool(scope & set(p)))
        outside[name] = int((~inside).sum())
        records.append(as_records(table[inside], name, EVENT_SOURCES[name].machine_coded))
    link = config["linking"]
    result = link_records(
        pd.concat(records, ignore_index=True),
        link["date_tolerance_days"],
        link["compatible_activities"],
        ["hand", *config["sources"]["use"]],
        link["include_machine_coded"],
    )
    write_parquet(result.events, args.out)
    write_csv(result.review, args.review)
    write_csv(result.conflicts, args.conflicts)
    write_csv(result.links, Path(args.conflicts).with_name("links.csv"))
    write_json(args.report, {**result.report, "records_outside_scope": outside})
    return 0


def cmd_table_coverage(args: argparse.Namespace) -> int:
    from tiesmap.config import load_config
    from tiesmap.tables import coverage_latex

    config = load_config(args.config)
    report = json.loads(Path(args.linking).read_text(encoding="utf-8"))
    write_text(args.out, coverage_latex(config, report))
    return 0


def cmd_table_findings(args: argparse.Namespace) -> int:
    import pandas as pd

    from tiesmap.findings import (
        arms_macros,
        arms_table,
        data_macros,
        event_labels,
        findings_macros,
        findings_table,
        sources_sentence,
    )
    from tiesmap.numbers import render_macros

    config, codebook = _setup(args)
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


def cmd_sipri_crosscheck(args: argparse.Namespace) -> int:
    import pandas as pd

    from tiesmap.sources.sipri import crosscheck_report

    events = pd.read_parquet(args.events) if args.events else None
    write_json(args.out, crosscheck_report(events, args.exports, args.imports))
    return 0


def cmd_aiddata_crosscheck(args: argparse.Namespace) -> int:
    import pandas as pd

    from tiesmap.sources.aiddata import crosscheck_report

    events = pd.read_parquet(args.events) if args.events else None
    write_json(args.out, crosscheck_report(events, args.aiddata))
    return 0


def cmd_archive(args: argparse.Namespace) -> int:
    from tiesmap.archive import write_archive

    write_archive(args.root, args.out, args.sums)
    print(f"wrote {args.out} and {args.sums}")
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
    p = verb("template", cmd_template, "write an XLSX coder sheet from the codebook", out="xlsx")
    p.add_argument("--coder", required=True, help="the coder's id (the file's name)")
    p.add_argument("--events", default=None, help="event register CSV (default: config)")
    verb(
        "adjudicate",
        cmd_adjudicate,
        "write an adjudication sheet pre-filled with every open disagreement",
        out="xlsx or csv",
    )
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
        "scope",
        cmd_scope,
        "count dyad-events inside and outside the panel's dyads",
        events="events",
        out="scope report JSON",
    )
    verb(
        "replication",
        cmd_replication,
        "inputs with checksums, software versions and commit for the paper",
        manifest="data manifest YAML",
        out="macros .tex",
        table="inputs table .tex",
    )
    verb(
        "index",
        cmd_index,
        "dyad-year panel, sustained ties and tie index",
        events="analysis events",
        out="tie index parquet",
        coherence="coherence JSON",
        linking="linking report JSON",
    )
    verb(
        "sensitivity",
        cmd_sensitivity,
        "Monte Carlo over the index's choices",
        events="events",
        out="dyad-year intervals CSV",
        ranks="dyad rank intervals CSV",
        linking="linking report JSON",
    )
    verb(
        "network",
        cmd_network,
        "network structure by year",
        index="tie index",
        out="network CSV",
        centrality="centrality CSV",
    )
    verb(
        "bloc",
        cmd_bloc,
        "events as hyperedges: bloc structure, triads, bloc shares and the bloc measure",
        events="events",
        index="tie index",
        linking="linking report JSON",
        incidence="event x state incidence CSV",
        out="bloc structure CSV",
        triads="triad-year CSV",
        shares="dyad bloc-share CSV",
        measure="bloc measure CSV",
    )
    verb(
        "validate-cases",
        cmd_validate_cases,
        "check the measured ties against the known cases",
        cases="known cases YAML",
        index="tie index",
        triads="triad-year CSV",
        out="validation CSV (one row per case)",
        years="case-year CSV",
        table="validation LaTeX table",
    )
    verb(
        "table-before-after",
        cmd_table_before_after,
        "events per dyad and area before and after the first configured war began",
        events="events",
        out="LaTeX table",
        csv="CSV of the counts",
    )
    verb(
        "export",
        cmd_export,
        "CSV, Parquet, R and Stata files of the panels and events, and datapackage.json",
        index="tie index",
        events="merged events parquet",
        analysis_events="linked analysis events parquet",
        outdir="folder",
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
        "covariates",
        cmd_covariates,
        "join third-party covariates to the panel",
        index="tie index",
        out="model panel",
        report="covariates JSON",
    ).add_argument("files", nargs="*", help="NAME=PATH of present covariate files")
    p = verb(
        "sipri-crosscheck",
        cmd_sipri_crosscheck,
        "SIPRI register TIV against SIPRI's TIV tables (absent files recorded)",
        out="JSON",
    )
    p.add_argument("--events", default=None, help="the sipri adapter's events (parquet)")
    p.add_argument("--exports", default=None, help="TIV of exports by supplier (CSV)")
    p.add_argument("--imports", default=None, help="TIV of imports by recipient (CSV)")
    p = verb(
        "aiddata-crosscheck",
        cmd_aiddata_crosscheck,
        "AidData's elite visits against China Vitae's meetings (absent files recorded)",
        out="JSON",
    )
    p.add_argument("--events", default=None, help="the china_vitae adapter's events (parquet)")
    p.add_argument("--aiddata", default=None, help="AidData ChinesePublicDiplomacy.csv")
    verb("models", cmd_models, "fit the configured models", panel="model panel", out="models JSON")
    verb("models-areas", cmd_models_areas, "one model per area", panel="model panel", out="JSON")
    verb(
        "models-diagnostics",
        cmd_models_diagnostics,
        "leave-one-dyad-out (or state), split, missingness",
        panel="model panel",
        out="JSON",
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
        "table-operationalization",
        cmd_table_operationalization,
        "Table 1 from codebook and data",
        events="events",
        out="tex",
    )
    p = verb(
        "figure",
        cmd_figure,
        "draw one figure (a module of tiesmap.figures)",
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
    p.add_argument("--html", default=None, help="also write an HTML copy here")
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
    verb(
        "table-coherence",
        cmd_table_coherence,
        "coherence of the areas",
        coherence="JSON",
        out="tex",
    )
    p = verb(
        "ingest",
        cmd_ingest,
        "read a third-party source into canonical events",
        out="output .csv or .parquet",
    )
    p.add_argument("source")
    p.add_argument("input")
    p.add_argument("--report", default=None, help="JSON report of counts and rejections")
    p = sub.add_parser("manifest", help="verify raw files against data/raw/MANIFEST.yaml")
    p.add_argument("--manifest", default="data/raw/MANIFEST.yaml")
    p.add_argument("--root", default=".")
    p.add_argument("--out", default=None)
    p.add_argument("--update", action="store_true", help="record new checksums of provided files")
    p.set_defaults(func=cmd_manifest)
    p = sub.add_parser("download", help="fetch optional third-party files listed in the manifest")
    p.add_argument("--manifest", default="data/raw/MANIFEST.yaml")
    p.add_argument("--root", default=".")
    p.add_argument("--mirror-dir", default=None, help="copy from a local folder instead")
    p.add_argument("--mirror-url", default=None, help="fetch from this base URL instead")
    p.add_argument("--only", nargs="*", default=None)
    p.set_defaults(func=cmd_download)
    p = verb(
        "link",
        cmd_link,
        "link records of several sources into one event table",
        events="hand-coded events",
        out="analysis events",
        review="review CSV",
        conflicts="conflicts CSV",
        report="linking JSON",
    )
    p.add_argument("sources", nargs="*", help="ingested source tables (<source>.parquet)")
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
        "archive", cmd_archive, "pack the replication package", out="tar.gz", sums="SHA256SUMS"
    )
    p.add_argument("--root", default=".")
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
