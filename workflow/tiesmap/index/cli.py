"""Verbs of the index stage: dyad-events, the panel scope, the tie index,
its sensitivity, networks, bloc structure, the known-case check and the exports.
"""

from __future__ import annotations

import argparse

from tiesmap.core.cli import (
    ensure_parent,
    read_json,
    setup,
    verbs,
    write_json,
    write_parquet,
    write_table,
    write_text,
)


def _used_sources(linking_report: str | None) -> list[str]:
    """The sources a build read, from the linking report (none without one)."""
    return list(read_json(linking_report)["records_in"]) if linking_report else []


def cmd_dyads(args: argparse.Namespace) -> int:
    import pandas as pd

    from tiesmap.core.config import panel_dyads
    from tiesmap.index.dyads import directed_activities, expand_to_dyads
    from tiesmap.index.panel import scope_report

    config, codebook = setup(args)
    dyad_events = expand_to_dyads(
        pd.read_parquet(args.events),
        config["index"]["multilateral_weight"],
        directed_activities(codebook),
    )
    write_parquet(dyad_events, args.out)
    write_json(args.scope, scope_report(dyad_events, panel_dyads(config)))
    return 0


def cmd_scope(args: argparse.Namespace) -> int:

    from tiesmap.core.config import panel_dyads
    from tiesmap.index.dyads import directed_activities
    from tiesmap.index.scale import count_dyads, scope_from_counts

    config, codebook = setup(args)
    counts = count_dyads(args.events, directed_activities(codebook))  # streamed from disk
    rule = config["index"]["multilateral_weight"]
    write_json(args.out, scope_from_counts(counts, panel_dyads(config), rule))
    return 0


def cmd_index(args: argparse.Namespace) -> int:
    import pandas as pd

    from tiesmap.core.codebook import AREAS
    from tiesmap.index.configured import configured_panel, coverage_of, index_weights
    from tiesmap.index.covariates import add_model_covariates
    from tiesmap.index.index import build_tie_index, coherence

    config, codebook = setup(args)
    coverage = coverage_of(config, _used_sources(args.linking))
    _, panel = configured_panel(config, codebook, pd.read_parquet(args.events), coverage)
    spec = config["index"]
    weights = index_weights(spec, panel)
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

    from tiesmap.core.config import panel_dyads
    from tiesmap.index.configured import coverage_of, in_state_system
    from tiesmap.index.dyads import directed_activities
    from tiesmap.index.scale import (
        count_dyads,
        monte_carlo,
        months_per_bin_for,
        panel_from_counts,
        scenario_scores,
        spans_for,
    )
    from tiesmap.index.sensitivity import Space

    config, codebook = setup(args)
    space = Space.from_config(config)
    # One count of the events serves every scenario: it holds all three
    # multilateral rules, in bins fine enough for every window length.
    counts = count_dyads(
        args.events,  # streamed from disk
        directed_activities(codebook),
        months_per_bin=months_per_bin_for(space.window_months),
    )
    panel = panel_from_counts(
        counts,
        panel_dyads(config),
        config["period"]["start"],
        config["period"]["end"],
        codebook,
        coverage_of(config, _used_sources(args.linking)),
        space.multilateral_weights[0],
    )
    follow_up = config["tie_rule"]["follow_up_counts"]
    duration = config["tie_rule"].get("min_duration_months")
    events = pd.read_parquet(args.events)
    spans = (
        None
        if duration is None
        else spans_for(events, counts, directed_activities(codebook), duration)
    )
    scores, labels = scenario_scores(panel, counts, space, follow_up, spans)
    rows, ranks, _ = monte_carlo(
        scores, labels, panel["dyad"].to_numpy(), space, config["seed"], threads=args.threads
    )
    out = pd.concat([panel[["dyad", "year", "state_a", "state_b"]], rows], axis=1)
    out = in_state_system(config, out).drop(columns=["state_a", "state_b"])
    ensure_parent(args.out)
    write_table(out, args.out)
    write_table(ranks, args.ranks)
    return 0


def cmd_network(args: argparse.Namespace) -> int:
    import pandas as pd

    from tiesmap.index.network import degree_centrality_by_year, network_by_year

    config, _ = setup(args)
    panel = pd.read_parquet(args.index)
    ensure_parent(args.out)
    write_table(network_by_year(panel, config["focal_states"]), args.out)
    write_table(degree_centrality_by_year(panel, config["focal_states"]), args.centrality)
    return 0


def cmd_bloc(args: argparse.Namespace) -> int:
    import pandas as pd

    from tiesmap.index.configured import configured_panel, coverage_of
    from tiesmap.index.hyperedges import (
        bloc_measure,
        bloc_structure,
        dyad_bloc_share,
        incidence,
        triad_year,
        without_bloc_events,
    )

    config, codebook = setup(args)
    events = pd.read_parquet(args.events)
    focal = list(config["focal_states"])
    panel = pd.read_parquet(args.index)
    coverage = coverage_of(config, _used_sources(args.linking))
    _, dyadic = configured_panel(config, codebook, without_bloc_events(events, focal), coverage)
    period = config["period"]
    triads = triad_year(
        events, focal, panel, period["start"], period["end"], config["tie_rule"], dyadic
    )
    write_table(incidence(events, focal), args.incidence)
    write_table(bloc_structure(events, focal), args.out)
    write_table(triads, args.triads)
    write_table(dyad_bloc_share(events, focal), args.shares)
    write_table(
        bloc_measure(events, focal, triads, config["tie_rule"]["window_months"]), args.measure
    )
    return 0


def cmd_validate_cases(args: argparse.Namespace) -> int:
    import pandas as pd

    from tiesmap.index.validation import case_summary, check_cases, load_cases, validation_latex

    config, _ = setup(args)
    cases = load_cases(args.cases, list(config["focal_states"]))
    case_years = check_cases(cases, pd.read_parquet(args.index), pd.read_csv(args.triads))
    summary = case_summary(case_years)
    write_table(case_years, args.years)
    write_table(summary, args.out)
    write_text(args.table, validation_latex(summary))
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    import pandas as pd

    from tiesmap.core.codebook import load_codebook
    from tiesmap.core.config import load_config
    from tiesmap.index.export import export_panel

    config = load_config(args.config)
    export_panel(
        pd.read_parquet(args.index),
        args.outdir,
        events=pd.read_parquet(args.events),
        analysis_events=pd.read_parquet(args.analysis_events),
        codebook=load_codebook(config["codebook"]),
    )
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    verb = verbs(sub)
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
        "index",
        cmd_index,
        "dyad-year panel, sustained ties and tie index",
        events="analysis events",
        out="tie index parquet",
        coherence="coherence JSON",
        linking="linking report JSON",
    )
    p = verb(
        "sensitivity",
        cmd_sensitivity,
        "Monte Carlo over the index's choices",
        events="events",
        out="dyad-year intervals CSV",
        ranks="dyad rank intervals CSV",
        linking="linking report JSON",
    )
    p.add_argument(
        "--threads", type=int, default=1, help="threads for the draws (results do not depend on it)"
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
        "export",
        cmd_export,
        "CSV, Parquet, R and Stata files of the panels and events, and datapackage.json",
        index="tie index",
        events="merged events parquet",
        analysis_events="linked analysis events parquet",
        outdir="folder",
    )
